package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

var rome, _ = time.LoadLocation("Europe/Rome")

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// TestDriveJumpsFromMomentToMoment: a weekly digest at 08:30 local time
// over the October clock change fires every Monday at 08:30 local, and
// the clock only ever lands on moments something is due.
func TestDriveJumpsFromMomentToMoment(t *testing.T) {
	start := time.Date(2024, 10, 14, 0, 0, 0, 0, rome)
	clock := NewClock(start)
	var fired []string
	src, err := NewCronSource(parser, "30 8 * * 1", rome, start, func(_ context.Context, now time.Time) error {
		fired = append(fired, now.In(rome).Format("Mon 02/01 15:04 MST"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var landings int
	pace := func(from, to time.Time) error { landings++; return nil }
	if err := Drive(context.Background(), clock, time.Date(2024, 11, 5, 0, 0, 0, 0, rome), pace, src); err != nil {
		t.Fatal(err)
	}
	want := []string{"Mon 14/10 08:30 CEST", "Mon 21/10 08:30 CEST", "Mon 28/10 08:30 CET", "Mon 04/11 08:30 CET"}
	if !slices.Equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if landings != len(want) {
		t.Fatalf("the clock stopped %d times for %d moments", landings, len(want))
	}
	if !clock.Now().Equal(time.Date(2024, 11, 5, 0, 0, 0, 0, rome)) {
		t.Fatalf("clock ends at %v", clock.Now())
	}
}

func TestDriveRunsWhatBecomesDueAtTheSameMomentAndStopsOnErrors(t *testing.T) {
	start := time.Date(2024, 7, 1, 9, 0, 0, 0, rome)
	clock := NewClock(start)
	var order []string
	pending := false
	first := SourceFunc{
		DueFunc: func(context.Context) (time.Time, bool, error) { return start, len(order) == 0, nil },
		RunFunc: func(context.Context, time.Time) error { order = append(order, "sweep"); pending = true; return nil },
	}
	second := SourceFunc{
		DueFunc: func(context.Context) (time.Time, bool, error) { return clock.Now(), pending, nil },
		RunFunc: func(context.Context, time.Time) error { order = append(order, "dispatch"); pending = false; return nil },
	}
	if err := Drive(context.Background(), clock, start.Add(time.Hour), nil, first, second); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"sweep", "dispatch"}) {
		t.Fatalf("order = %v", order)
	}
	boom := errors.New("boom")
	failing := SourceFunc{
		DueFunc: func(context.Context) (time.Time, bool, error) { return clock.Now(), true, nil },
		RunFunc: func(context.Context, time.Time) error { return boom },
	}
	if err := Drive(context.Background(), clock, start.Add(2*time.Hour), nil, failing); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// TestAPanickingJobRunsAgain: a job that panics does not take the daemon
// down and still runs at its next time (cron v3.0.1's SkipIfStillRunning
// alone would skip it forever after a panic). The job is called the way
// cron calls it, with the same wrappers, without waiting for real time.
func TestAPanickingJobRunsAgain(t *testing.T) {
	var runs atomic.Int32
	log := slog.New(slog.DiscardHandler)
	job := runner(context.Background(), log, Job{Name: "panics", Run: func(context.Context) error {
		runs.Add(1)
		panic("job bug")
	}})
	wrapped := cron.NewChain(chain(cronLogger{log: log})...).Then(cron.FuncJob(job))
	for range 3 {
		wrapped.Run()
	}
	if runs.Load() != 3 {
		t.Fatalf("runs = %d, want 3", runs.Load())
	}
	if _, err := New(context.Background(), rome, log, parser, []Job{{Name: "bad", Spec: "every monday"}}); err == nil {
		t.Fatal("a bad spec was accepted")
	}
}
