// Package scheduler runs the workflow at the right moments: cron jobs
// (robfig/cron/v3, in the configured time zone, with panic recovery and no
// overlapping runs) for the daemon, and a driver over a virtual clock for
// simulations and the demo. The logic it triggers reads "now" from the
// injected clock, never from the scheduler.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one scheduled task.
type Job struct {
	Name string
	Spec string // cron syntax, five fields, or a descriptor such as "@every 1m"
	Run  func(ctx context.Context) error
}

// Scheduler runs jobs on their schedules until stopped.
type Scheduler struct {
	c   *cron.Cron
	log *slog.Logger
	ctx context.Context
}

// New builds a scheduler for jobs in loc. ctx is handed to every run; a
// job's error is logged, a job's panic is recovered and logged, and a job
// still running when its next time comes is skipped.
func New(ctx context.Context, loc *time.Location, log *slog.Logger, parser cron.Parser, jobs []Job) (*Scheduler, error) {
	cl := cronLogger{log: log}
	c := cron.New(cron.WithLocation(loc), cron.WithParser(parser), cron.WithLogger(cl), cron.WithChain(chain(cl)...))
	s := &Scheduler{c: c, log: log, ctx: ctx}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.Spec, runner(ctx, log, j)); err != nil {
			return nil, fmt.Errorf("schedule %s (%q): %w", j.Name, j.Spec, err)
		}
	}
	return s, nil
}

// chain is the wrapping of every job: panics recovered, no overlapping runs.
func chain(cl cronLogger) []cron.JobWrapper {
	return []cron.JobWrapper{cron.Recover(cl), cron.SkipIfStillRunning(cl)}
}

// runner turns a job into the function cron calls: errors are logged and
// panics recovered here, inside SkipIfStillRunning, because cron v3.0.1's
// wrapper hands its token back only when the job returns: a panic reaching
// it would skip the job forever after.
func runner(ctx context.Context, log *slog.Logger, j Job) func() {
	return func() {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ctx, "job panicked", slog.String("job", j.Name), slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			}
		}()
		if err := j.Run(ctx); err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, "job failed", slog.String("job", j.Name), slog.Any("error", err))
		}
	}
}

// Start starts the jobs in the background.
func (s *Scheduler) Start() { s.c.Start() }

// Stop stops scheduling and waits for running jobs, at most until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	select {
	case <-s.c.Stop().Done():
	case <-ctx.Done():
		s.log.Warn("scheduler: jobs still running at shutdown")
	}
}

// cronLogger routes cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, slog.Any("error", err))...)
}
