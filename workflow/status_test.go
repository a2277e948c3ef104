package workflow_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"sollecito/workflow"
)

func TestCompletionByDirectorate(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), workflow.ChannelSet{Console: "auto"})
	digestState(e) // values for I-01.2 (off), I-01.3 (met), I-02.1 (met), II-01.2 (off after correction)
	ctx := context.Background()
	pct := func(v float64, ok bool) float64 {
		if !ok {
			return -1
		}
		return v
	}
	cases := []struct {
		name        string
		now         string
		filter      workflow.CompletionFilter
		rows        []workflow.CompletionRow // Name left out
		completion  float64                  // of the total; -1: nothing due
		onTargetPct float64
	}{
		{"before the due date nothing is due, values still count for the target",
			"2024-07-30", workflow.CompletionFilter{},
			[]workflow.CompletionRow{
				{Code: "I", Indicators: 4, Due: 0, Received: 0, Evaluated: 3, OnTarget: 2, Overdue: 0, Awaiting: 1},
				{Code: "II", Indicators: 2, Due: 0, Received: 0, Evaluated: 1, OnTarget: 0},
			}, -1, 100 * 2.0 / 4},
		{"after the due date",
			"2024-08-12", workflow.CompletionFilter{},
			[]workflow.CompletionRow{
				{Code: "I", Indicators: 4, Due: 4, Received: 3, Evaluated: 3, OnTarget: 2, Overdue: 1, Awaiting: 1},
				{Code: "II", Indicators: 2, Due: 2, Received: 1, Evaluated: 1, OnTarget: 0, Overdue: 1},
			}, 100 * 4.0 / 6, 50},
		{"one directorate and one period (phases left out)",
			"2024-08-12", workflow.CompletionFilter{Directorate: "II", Period: "S1"},
			[]workflow.CompletionRow{
				{Code: "II", Indicators: 2, Due: 2, Received: 1, Evaluated: 1, OnTarget: 0, Overdue: 1},
			}, 50, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := at(atoi(c.now[:4]), time.Month(atoi(c.now[5:7])), atoi(c.now[8:]), 12, 0)
			e.clock.Set(d)
			got, err := e.eng.Completion(ctx, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Directorates) != len(c.rows) {
				t.Fatalf("%d directorates, want %d: %+v", len(got.Directorates), len(c.rows), got.Directorates)
			}
			for i, want := range c.rows {
				g := got.Directorates[i]
				g.Name = ""
				if g != want {
					t.Errorf("directorate %s:\n got %+v\nwant %+v", want.Code, g, want)
				}
			}
			if v := pct(got.Total.Rate()); v != c.completion {
				t.Errorf("total completion %v, want %v", v, c.completion)
			}
			if v := pct(got.Total.OnTargetRate()); v != c.onTargetPct {
				t.Errorf("total on-target rate %v, want %v", v, c.onTargetPct)
			}
		})
	}
	t.Run("unknown directorate", func(t *testing.T) {
		_, err := e.eng.Completion(ctx, workflow.CompletionFilter{Directorate: "IX"})
		if err == nil || workflow.Localize(err, "en") != "unknown directorate \"IX\": valid codes I, II" {
			t.Fatalf("error %v", err)
		}
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestReceiptSaysWhetherTheTargetIsMet(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 10, 9, 0), workflow.ChannelSet{Console: "auto"})
	cases := []struct {
		name, ind, raw, by string
		met, ok            bool
	}{
		{"percentage above the threshold", "I-01.2", "92,5%", "anna", true, true},
		{"percentage below", "I-01.2", "85%", "anna", false, true},
		{"deviation within limits", "I-02.1", "20 giorni", "bruno", true, true},
		{"deviation beyond", "I-02.1", "21 giorni", "bruno", false, true},
		{"count reaching the target", "II-01.1", "1 percorso", "dora", true, true},
		{"yes/no: no", "II-01.2", "no", "dora", false, true},
		{"not applicable is never judged", "II-01.1", "non applicabile - nessun corso finanziato", "dora", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.eng.Submit(context.Background(), workflow.Submission{IndicatorID: c.ind, Period: "S1", Raw: c.raw, By: c.by, Channel: workflow.ChannelCLI})
			if err != nil {
				t.Fatal(err)
			}
			if met, ok := r.TargetMet(); met != c.met || ok != c.ok {
				t.Errorf("TargetMet() = %v, %v; want %v, %v", met, ok, c.met, c.ok)
			}
		})
	}
}
