package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sollecito/notify"
	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

func TestRemindersAreGroupedPerPersonAndStopWhenAValueArrives(t *testing.T) {
	e := newEnv(t, at(2024, 7, 1, 8, 0))
	e.run(at(2024, 7, 19, 12, 0))
	// 31/07/2024 is a Wednesday: 10 working days before is 17/07.
	want := []string{
		"17/07 09:00 anna reminder I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"17/07 09:00 bruno reminder I-01.1@2024-S1,I-01/2@2024",
	}
	if got := e.rec.summary(); !slices.Equal(got, want) {
		t.Fatalf("deliveries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := e.eng.Submit(context.Background(), workflow.Submission{IndicatorID: "I-01.2", Period: "2024-S1", Raw: "93,5%", By: "anna", Channel: workflow.ChannelCLI}); err != nil {
		t.Fatal(err)
	}
	e.rec.msgs = nil
	e.run(at(2024, 7, 31, 12, 0))
	want = []string{
		"26/07 09:00 anna reminder I-01.1@2024-S1,I-01/2@2024",
		"26/07 09:00 bruno reminder I-01.1@2024-S1,I-01/2@2024",
		"31/07 09:00 anna reminder I-01.1@2024-S1,I-01/2@2024",
		"31/07 09:00 bruno reminder I-01.1@2024-S1,I-01/2@2024",
	}
	if got := e.rec.summary(); !slices.Equal(got, want) {
		t.Fatalf("after anna's value:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Everything answered: the ladder never starts.
	ctx := context.Background()
	if _, err := e.eng.Submit(ctx, workflow.Submission{IndicatorID: "I-01.1", Period: "S1", Raw: "12", By: "bruno", Channel: workflow.ChannelCLI}); err != nil {
		t.Fatal(err)
	}
	if err := e.eng.MarkDone(ctx, "ph:I-01:2:2024", "anna", workflow.ChannelCLI, calendar.D(2024, 7, 31)); err != nil {
		t.Fatal(err)
	}
	e.rec.msgs = nil
	e.run(at(2024, 9, 30, 12, 0))
	if got := e.rec.summary(); len(got) != 0 {
		t.Fatalf("messages after everything was answered:\n%s", strings.Join(got, "\n"))
	}
}

func TestEscalationLadderInWorkingDays(t *testing.T) {
	e := newEnv(t, at(2024, 7, 31, 10, 0))
	e.run(at(2024, 9, 30, 12, 0))
	got := e.rec.summary()
	// Working days after 31/07/2024, skipping weekends and 15/08:
	// day 1 = 01/08, day 3 = 05/08, day 6 = 08/08, day 10 = 14/08,
	// day 11 = 16/08, day 16 = 23/08. Nags every 5 working days, at most 4.
	want := []string{
		"01/08 09:00 anna nag I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"01/08 09:00 bruno nag I-01.1@2024-S1,I-01/2@2024",
		"05/08 09:00 capo escalation I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"08/08 09:00 anna nag I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"08/08 09:00 bruno nag I-01.1@2024-S1,I-01/2@2024",
		"14/08 09:00 coord escalation I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"16/08 09:00 anna nag I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"16/08 09:00 bruno nag I-01.1@2024-S1,I-01/2@2024",
		"23/08 09:00 anna nag I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"23/08 09:00 bruno nag I-01.1@2024-S1,I-01/2@2024",
		// Started at 10:00 on the due day: that day's reminder goes, late.
		"31/07 10:00 anna reminder I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"31/07 10:00 bruno reminder I-01.1@2024-S1,I-01/2@2024",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ladder:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValueStopsTheLadder(t *testing.T) {
	e := newEnv(t, at(2024, 7, 31, 10, 0))
	e.run(at(2024, 8, 2, 12, 0))
	ctx := context.Background()
	for _, s := range []workflow.Submission{
		{IndicatorID: "I-01.1", Period: "S1", Raw: "20", By: "anna"},
		{IndicatorID: "I-01.2", Period: "S1", Raw: "n.a. nessuna certificazione nel semestre", By: "anna"},
	} {
		s.Channel = workflow.ChannelCLI
		if _, err := e.eng.Submit(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.eng.MarkDone(ctx, "ph:I-01:2:2024", "bruno", workflow.ChannelCLI, calendar.D(2024, 8, 2)); err != nil {
		t.Fatal(err)
	}
	e.rec.msgs = nil
	e.run(at(2024, 9, 30, 12, 0))
	if got := e.rec.summary(); len(got) != 0 {
		t.Fatalf("ladder went on after the values:\n%s", strings.Join(got, "\n"))
	}
}

func TestCatchUpAfterThreeWeeksOfDowntime(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, at(2024, 7, 29, 8, 0))
	e.run(at(2024, 7, 29, 12, 0))
	// Down from 29/07 to 21/08: the 31/07 reminder, nags of days 1, 6
	// and 11 and both escalations were missed.
	e.clock.Set(at(2024, 8, 21, 10, 30))
	e.open()
	if _, err := e.eng.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.disp.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"21/08 10:30 anna nag I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"21/08 10:30 bruno nag I-01.1@2024-S1,I-01/2@2024",
		"21/08 10:30 capo escalation I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
		"21/08 10:30 coord escalation I-01.1@2024-S1,I-01.2@2024-S1,I-01/2@2024",
	}
	if got := e.rec.summary(); !slices.Equal(got, want) {
		t.Fatalf("catch-up:\n%s\nwant (one message per person, no stale reminder):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each missed step was recorded once, in the messages' texts, and the
	// ladder goes on normally.
	rows, err := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxBatch})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, r := range rows {
		p, err := workflow.DecodeBatchPayload(r.Payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range p.Entries {
			if en.Item == "ind:I-01.1:2024-S1" {
				steps = append(steps, en.Step+"→"+r.PersonID)
			}
		}
	}
	wantSteps := []string{"e10-coordinators@2024-07-31→coord", "e3-responsabile@2024-07-31→capo", "n11@2024-07-31→anna", "n11@2024-07-31→bruno"}
	slices.Sort(steps)
	if !slices.Equal(steps, wantSteps) {
		t.Fatalf("notifications = %v, want %v", steps, wantSteps)
	}
	e.rec.msgs = nil
	e.run(at(2024, 8, 23, 12, 0))
	if got := e.rec.summary(); len(got) != 2 || !strings.HasPrefix(got[0], "23/08 09:00 anna nag") {
		t.Fatalf("after the catch-up: %v", got)
	}
}

// TestEveryCrashPointDeliversOnce interrupts the sweep and the dispatcher
// at each point between "row created" and "row marked sent", restarts, and
// counts what reached the person.
func TestEveryCrashPointDeliversOnce(t *testing.T) {
	points := []string{"sweep:items-advanced", "sweep:outbox-created",
		"dispatch:claimed", "dispatch:composed", "dispatch:accepted", ""}
	for _, point := range points {
		t.Run(fmt.Sprintf("crash at %q", point), func(t *testing.T) {
			ctx := context.Background()
			crashed := false
			fault := func(p string) error {
				if p == point && !crashed {
					crashed = true
					return errors.New("crash")
				}
				return nil
			}
			e := newEnv(t, at(2024, 7, 17, 9, 0), func(o *workflow.Options) { o.Fault = fault })
			e.disp = notify.NewDispatcher(e.st, e.eng, map[string]notify.Channel{workflow.ChanConsole: e.rec}, e.clock.Now, nil,
				notify.Config{Workers: 1, Lease: 5 * time.Minute, Fault: fault}, nil)
			_, _ = e.eng.Sweep(ctx)
			_, _ = e.disp.RunOnce(ctx)
			if point != "" && !crashed {
				t.Fatalf("fault point %q never reached", point)
			}
			// Restart later (past the dispatcher's lease) and carry on.
			e.clock.Set(at(2024, 7, 17, 9, 10))
			e.open()
			for range 3 {
				if _, err := e.eng.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := e.disp.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
			perKey := map[string]int{}
			for _, d := range e.rec.all() {
				if d.Msg.PersonID == "anna" {
					perKey[d.Msg.Key]++
				}
			}
			if len(perKey) != 1 {
				t.Fatalf("anna got %d distinct messages, want 1: %v", len(perKey), perKey)
			}
			for key, n := range perKey {
				want := 1
				if point == "dispatch:accepted" {
					// The channel took it and the process died before the
					// row was marked sent: it goes again under the same key
					// (the e-mail Message-ID), the one at-least-once window.
					want = 2
				}
				if n != want {
					t.Fatalf("message %s delivered %d times, want %d", key, n, want)
				}
			}
			rows, _ := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Status: store.OutboxSent})
			if len(rows) != 2 {
				t.Fatalf("sent rows = %d, want 2 (anna and bruno)", len(rows))
			}
		})
	}
}

func TestRemindersAreNotSentForDeadlinesBeforeTrackingStarted(t *testing.T) {
	// Adopted on 10/08/2024: the first semester (due 31/07) is history.
	e := newEnvWith(t, at(2024, 8, 10, 8, 0), testPlan, "organisation: prova\n")
	e.run(at(2024, 12, 31, 12, 0))
	for _, s := range e.rec.summary() {
		if strings.Contains(s, "2024-S1") || strings.Contains(s, "I-01/2@2024") {
			t.Fatalf("an item due before adoption was reminded: %s", s)
		}
	}
	items, _ := e.st.Items(context.Background(), "prova")
	for _, it := range items {
		if it.Key == "ind:I-01.1:2024-S1" && (it.Tracked || it.State != store.StateOpen) {
			t.Fatalf("S1 item: tracked=%v state=%s; want shown (open) but untracked", it.Tracked, it.State)
		}
	}
}

func TestEventDatesMoveTheirDeadlines(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, at(2024, 4, 1, 8, 0))
	it, err := e.st.GetItem(ctx, "prova", "ph:I-01:1:rendiconto")
	if err != nil || it.State != store.StateAwaitingEvent || it.Due != "" {
		t.Fatalf("before the event: %+v, %v", it, err)
	}
	if _, err := e.eng.SetEvent(ctx, "Rendiconto", calendar.D(2024, 4, 29), "admin:cli"); err != nil {
		t.Fatal(err)
	}
	it, _ = e.st.GetItem(ctx, "prova", "ph:I-01:1:rendiconto")
	// 30 days after 29/04, the first day not counted: 29/05/2024.
	if it.State != store.StateOpen || it.Due != "2024-05-29" {
		t.Fatalf("after the event: state %s due %s", it.State, it.Due)
	}
	e.run(at(2024, 5, 16, 12, 0)) // 10 working days before 29/05 is 15/05
	if got := e.rec.summary(); len(got) != 2 || !strings.HasPrefix(got[0], "15/05 09:00 anna reminder I-01/1@rendiconto") {
		t.Fatalf("reminders for 29/05: %v", got)
	}
	// The rendiconto was in fact approved later: the deadline and its
	// reminders move.
	if _, err := e.eng.SetEvent(ctx, "rendiconto", calendar.D(2024, 5, 9), "admin:cli"); err != nil {
		t.Fatal(err)
	}
	it, _ = e.st.GetItem(ctx, "prova", "ph:I-01:1:rendiconto")
	// 09/05 + 30 days = Saturday 08/06/2024, which does not move.
	if it.Due != "2024-06-08" {
		t.Fatalf("moved due = %s, want 2024-06-08", it.Due)
	}
	e.rec.msgs = nil
	e.run(at(2024, 6, 10, 12, 0))
	got := e.rec.summary()
	for _, w := range []string{
		"27/05 09:00 anna reminder I-01/1@rendiconto", // 10 working days before
		"05/06 09:00 anna reminder I-01/1@rendiconto", // 3 before
		"07/06 09:00 anna reminder I-01/1@rendiconto", // "on the day": Saturday, so Friday
		"10/06 09:00 anna nag I-01/1@rendiconto",      // first working day late
	} {
		if !slices.Contains(got, w) {
			t.Fatalf("reminders for the moved date lack %q: %v", w, got)
		}
	}
}
