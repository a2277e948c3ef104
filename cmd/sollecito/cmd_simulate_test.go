package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSimulateTableAndJSON runs `simulate` on the sample plan: the JSON
// lists every message with its time, recipient, channel, kinds and items,
// the table says the same in rows, and a nonsense answer rate is refused.
func TestSimulateTableAndJSON(t *testing.T) {
	sample := "../../testdata/sample/plan.yaml"
	args := []string{"--data-dir", t.TempDir(), "--plan", sample, "simulate", "--from", "01/07/2024", "--to", "30/09/2024", "--answer-rate", "0.5", "--seed", "2"}
	r := runCLI(t, append(args, "--format", "json")...)
	var res struct {
		Sent []struct {
			At              time.Time
			Person, Channel string
			Kinds, Items    []string
			Subject         string
		}
		Answers int
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("simulate --format json: %d %v\n%.500s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if len(res.Sent) < 5 || res.Answers == 0 {
		t.Fatalf("%d messages, %d answers", len(res.Sent), res.Answers)
	}
	reminded := false
	for i, s := range res.Sent {
		if i > 0 && s.At.Before(res.Sent[i-1].At) {
			t.Fatalf("message %d at %s comes after one at %s", i, s.At, res.Sent[i-1].At)
		}
		digest := len(s.Kinds) == 1 && s.Kinds[0] == "digest"
		if s.Person == "" || s.Channel != "console" || s.Subject == "" || (!digest && (len(s.Items) == 0 || len(s.Kinds) != len(s.Items))) {
			t.Fatalf("message %d incomplete: %+v", i, s)
		}
		reminded = reminded || strings.Contains(strings.Join(s.Kinds, " "), "reminder")
	}
	if !reminded {
		t.Fatal("no reminder in three months around the first semester's deadline")
	}
	r = runCLI(t, args...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || !strings.HasPrefix(lines[0], "QUANDO") || len(lines) != len(res.Sent)+3 {
		t.Fatalf("table: %d, %d lines for %d messages\n%.400s", r.code, len(lines), len(res.Sent), r.stdout)
	}
	want := strconv.Itoa(len(res.Sent)) + " messaggi, " + strconv.Itoa(res.Answers) + " valori simulati"
	if got := lines[len(lines)-1]; got != want {
		t.Fatalf("summary %q, want %q", got, want)
	}
	r = runCLI(t, append(args[:len(args)-4], "--answer-rate", "1.5")...)
	if r.code != 2 || !strings.Contains(r.stderr, "--answer-rate") {
		t.Fatalf("answer rate 1,5: %d %s", r.code, r.stderr)
	}
}
