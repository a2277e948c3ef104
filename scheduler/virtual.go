package scheduler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Clock is a settable clock: the "now" of simulations, the demo and tests.
type Clock struct {
	mu sync.Mutex // guards t: the driver sets it while components read it
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Source is something the driver runs when its moment comes.
type Source interface {
	// Due returns the moment the source next wants to run (at or before
	// now: run now), or false when it has nothing scheduled.
	Due(ctx context.Context) (time.Time, bool, error)
	Run(ctx context.Context, now time.Time) error
}

// SourceFunc adapts two functions to a Source.
type SourceFunc struct {
	DueFunc func(ctx context.Context) (time.Time, bool, error)
	RunFunc func(ctx context.Context, now time.Time) error
}

// Due calls DueFunc.
func (s SourceFunc) Due(ctx context.Context) (time.Time, bool, error) { return s.DueFunc(ctx) }

// Run calls RunFunc.
func (s SourceFunc) Run(ctx context.Context, now time.Time) error { return s.RunFunc(ctx, now) }

// CronSource runs fn on a cron schedule in virtual time.
type CronSource struct {
	sched cron.Schedule
	next  time.Time
	fn    func(ctx context.Context, now time.Time) error
}

// NewCronSource schedules fn from start on spec.
func NewCronSource(parser cron.Parser, spec string, loc *time.Location, start time.Time, fn func(ctx context.Context, now time.Time) error) (*CronSource, error) {
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return &CronSource{sched: s, next: s.Next(start.In(loc).Add(-time.Nanosecond)), fn: fn}, nil
}

// Due returns the next scheduled moment.
func (c *CronSource) Due(context.Context) (time.Time, bool, error) {
	return c.next, !c.next.IsZero(), nil
}

// Run runs fn and moves to the following moment.
func (c *CronSource) Run(ctx context.Context, now time.Time) error {
	c.next = c.sched.Next(now)
	return c.fn(ctx, now)
}

// Drive moves clock from its current time to until, running each source
// when its moment comes, in order, jumping straight from one moment to
// the next: a year of a large plan runs in seconds. pace, when set, is
// called before each jump (the demo sleeps there); a non-nil error from it
// stops the drive.
func Drive(ctx context.Context, clock *Clock, until time.Time, pace func(from, to time.Time) error, sources ...Source) error {
	sameMoment := 0
	for ctx.Err() == nil {
		now := clock.Now()
		ran := false
		var next time.Time
		for _, s := range sources {
			t, ok, err := s.Due(ctx)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if !t.After(now) {
				if err := s.Run(ctx, now); err != nil {
					return err
				}
				ran = true
				continue
			}
			if next.IsZero() || t.Before(next) {
				next = t
			}
		}
		if ran && sameMoment < 20 {
			sameMoment++
			continue // what ran may have made more work due now
		}
		sameMoment = 0
		if ran {
			next = now.Add(time.Minute) // a source that stays due: do not spin
		}
		if next.IsZero() || next.After(until) {
			clock.Set(until)
			return nil
		}
		if pace != nil {
			if err := pace(now, next); err != nil {
				return err
			}
		}
		clock.Set(next)
	}
	return ctx.Err()
}
