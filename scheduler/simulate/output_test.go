package simulate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/scheduler/simulate"
)

func sampleOptions(t *testing.T, rate float64) simulate.Options {
	t.Helper()
	l, err := config.Load(config.Options{PlanPath: "../../testdata/sample/plan.yaml", DataDir: t.TempDir(),
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	l.Config.TrackingStart = "01/01/2024"
	loc := l.Location()
	return simulate.Options{Loaded: l, DBPath: filepath.Join(t.TempDir(), "sim.db"),
		From: time.Date(2024, 7, 1, 0, 0, 0, 0, loc), To: time.Date(2024, 9, 30, 23, 0, 0, 0, loc), AnswerRate: rate, Seed: 3}
}

// TestStreamedMessagesAreTheRecordedOnes: with OnSent the messages come as
// the run goes, in the order Result.Sent has them when recorded, and the
// JSON written as they come is the Result's JSON.
func TestStreamedMessagesAreTheRecordedOnes(t *testing.T) {
	ctx := context.Background()
	held, err := simulate.Run(ctx, sampleOptions(t, 0.4))
	if err != nil {
		t.Fatal(err)
	}
	if len(held.Sent) < 10 || held.Messages != len(held.Sent) {
		t.Fatalf("recorded %d messages, Messages = %d", len(held.Sent), held.Messages)
	}
	var streamed []simulate.Sent
	var out bytes.Buffer
	jw := simulate.NewJSONWriter(&out)
	opt := sampleOptions(t, 0.4)
	opt.OnSent = func(s simulate.Sent) error {
		streamed = append(streamed, s)
		return jw.Write(s)
	}
	res, err := simulate.Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := jw.Close(res.Answers); err != nil {
		t.Fatal(err)
	}
	if len(res.Sent) != 0 || res.Messages != len(held.Sent) || res.Answers != held.Answers {
		t.Fatalf("streamed run: %d held, Messages %d, %d answers; want 0, %d, %d", len(res.Sent), res.Messages, res.Answers, len(held.Sent), held.Answers)
	}
	if !reflect.DeepEqual(streamed, held.Sent) {
		t.Fatal("the streamed messages differ from the recorded ones")
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(held); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Fatalf("streamed JSON differs from the Result's:\n%.600s\nwant\n%.600s", out.String(), want.String())
	}
}

func TestEmptyStreamIsValidJSON(t *testing.T) {
	var out bytes.Buffer
	if err := simulate.NewJSONWriter(&out).Close(4); err != nil {
		t.Fatal(err)
	}
	var r simulate.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Answers != 4 || r.Sent == nil || len(r.Sent) != 0 {
		t.Fatalf("%q: %+v, %v", out.String(), r, err)
	}
}

// TestOutputErrorStopsTheRun: a message that cannot be written out ends
// the run with that error instead of being retried as a channel failure.
func TestOutputErrorStopsTheRun(t *testing.T) {
	broken := errors.New("disk full")
	opt := sampleOptions(t, 0)
	n := 0
	opt.OnSent = func(simulate.Sent) error {
		n++
		if n == 3 {
			return broken
		}
		return nil
	}
	if _, err := simulate.Run(context.Background(), opt); !errors.Is(err, broken) {
		t.Fatalf("err = %v, want %v", err, broken)
	}
	if n != 3 {
		t.Fatalf("%d messages handed on after the error, want none", n-3)
	}
}
