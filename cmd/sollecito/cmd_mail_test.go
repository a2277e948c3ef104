package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/store"
	"sollecito/workflow"
)

var updateInspect = flag.Bool("update-inspect", false, "rewrite the .inspect.json readings of testdata/mail (review the diff!)")

const corpusDir = "../../testdata/mail"

// inspectCase is NAME.inspect.json beside NAME.eml: for whom the test
// issues a real token before inspecting the mail (its placeholder token,
// such as k7QxZ2, is replaced everywhere by the real one), and the reading
// `mail inspect --format json` must give.
type inspectCase struct {
	TokenFor *struct {
		Person string   `json:"person"`
		Items  []string `json:"items"`
	} `json:"token_for,omitempty"`
	Want inspectWant `json:"want"`
}

// inspectWant is the part of the reading compared.
type inspectWant struct {
	Automatic bool   `json:"automatic"`
	Reason    string `json:"reason"`
	From      string `json:"from"`
	Token     struct {
		Found  bool   `json:"found"`
		Valid  bool   `json:"valid"`
		Person string `json:"person"`
		Item   string `json:"item"`
	} `json:"token"`
	Text   string `json:"text"`
	Values []struct {
		Ref   string `json:"ref"`
		Raw   string `json:"raw"`
		Value any    `json:"value"`
		Unit  string `json:"unit"`
	} `json:"values"`
	Errors  []string `json:"errors"`
	Bounced string   `json:"bounced,omitempty"`
	Outcome string   `json:"outcome"`
}

var placeholderRE = regexp.MustCompile(`sollecito\+([A-Za-z0-9]{6})@`)

var inspectNow = time.Date(2026, 6, 23, 12, 0, 0, 0, time.UTC)

// TestMailInspectCorpus reads every corpus mail through `sollecito mail
// inspect --format json`, re-addressed to carry a valid token where its
// expectation says for whom, and compares the reading.
func TestMailInspectCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if len(files) < 20 {
		t.Fatalf("%d corpus mails", len(files))
	}
	dir := t.TempDir()
	args := []string{"--data-dir", dir, "--config", "testdata/mail/config.yaml", "--plan", "testdata/mail/plan.yaml"}
	checked := 0
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		expPath := strings.TrimSuffix(path, ".eml") + ".inspect.json"
		data, err := os.ReadFile(expPath)
		if os.IsNotExist(err) && !*updateInspect {
			continue
		}
		checked++
		t.Run(name, func(t *testing.T) {
			var tc inspectCase
			if err == nil {
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&tc); err != nil {
					t.Fatalf("%s: %v", expPath, err)
				}
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.TokenFor != nil {
				m := placeholderRE.FindSubmatch(raw)
				if m == nil {
					t.Fatalf("no placeholder token in %s", path)
				}
				tok := issueToken(t, dir, tc.TokenFor.Person, tc.TokenFor.Items)
				raw = bytes.ReplaceAll(raw, m[1], []byte(tok))
			}
			mailPath := filepath.Join(t.TempDir(), name+".eml")
			if err := os.WriteFile(mailPath, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			r := runAt(t, inspectNow, append(args, "mail", "inspect", mailPath, "--format", "json")...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got inspectWant
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("output is not the JSON reading: %v\n%s", err, r.stdout)
			}
			if *updateInspect {
				tc.Want = got
				out, _ := json.MarshalIndent(tc, "", "  ")
				if err := os.WriteFile(expPath, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.Want) {
				gj, _ := json.MarshalIndent(got, "", "  ")
				wj, _ := json.MarshalIndent(tc.Want, "", "  ")
				t.Errorf("reading:\n%s\nwant:\n%s", gj, wj)
			}
		})
	}
	if checked < 20 {
		t.Errorf("only %d corpus mails have an .inspect.json", checked)
	}
	// Inspecting stores nothing: no mail recorded, no value, no answer.
	l := loadInspectConfig(t, dir)
	st, err := store.Open(context.Background(), l.DatabasePath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mails, _ := st.Mails(context.Background(), "esempio", 10)
	vals, _ := st.AllValues(context.Background(), store.ValueFilter{Org: "esempio"})
	if len(mails)+len(vals) != 0 {
		t.Errorf("inspect stored %d mails and %d values", len(mails), len(vals))
	}
}

func runAt(t *testing.T, now time.Time, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb,
		lookup: func(string) (string, bool) { return "", false }, now: func() time.Time { return now }})
	return result{code, out.String(), errb.String()}
}

func loadInspectConfig(t *testing.T, dir string) *config.Loaded {
	t.Helper()
	l, err := config.Load(config.Options{ConfigPath: "testdata/mail/config.yaml", PlanPath: "testdata/mail/plan.yaml", DataDir: dir,
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// issueToken queues a reminder for person about items (as "ind:CODE:PERIOD"
// keys) and returns the token it would go out with.
func issueToken(t *testing.T, dir, person string, items []string) string {
	t.Helper()
	ctx := context.Background()
	l := loadInspectConfig(t, dir)
	st, err := store.Open(ctx, l.DatabasePath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: func() time.Time { return inspectNow }})
	if err != nil {
		t.Fatal(err)
	}
	p := workflow.BatchPayload{At: inspectNow}
	for _, it := range items {
		p.Entries = append(p.Entries, workflow.Entry{Item: it, Step: "r10", Kind: "reminder"})
	}
	payload, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Enqueue(ctx, []store.OutboxRow{{Org: "esempio", Key: "batch:" + person + ":" + t.Name(), PersonID: person,
		Channel: workflow.ChanEmail, Kind: workflow.OutboxBatch, Payload: payload,
		NextAttemptAt: store.Millis(inspectNow), CreatedAt: store.Millis(inspectNow.Add(-24 * time.Hour))}})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := eng.ReplyToken(ctx, rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestMailInspectText(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--data-dir", dir, "--config", "testdata/mail/config.yaml", "--plan", "testdata/mail/plan.yaml", "mail", "inspect"}
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"out of office, Italian", []string{filepath.Join(corpusDir, "oof_en.eml")}, 0, []string{"Automatica: sì (out-of-office)", "Esito: automatic"}},
		{"no token, English", []string{"--lang", "en", filepath.Join(corpusDir, "iphone.eml")}, 0, []string{"Token: found no, valid no", "Problems:", "Outcome: rejected"}},
		{"missing file", []string{"/nonexistent.eml"}, 1, []string{"impossibile leggere /nonexistent.eml"}},
		{"no file", nil, 2, []string{"uso: sollecito mail inspect"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runAt(t, inspectNow, append(append([]string{}, args...), tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s%s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}
