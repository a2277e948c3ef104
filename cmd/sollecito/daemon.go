package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sollecito/config"
	"sollecito/notify"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
)

// daemon is the running service: the engine, the dispatcher and the
// scheduler over one store.
type daemon struct {
	a     *app
	log   *slog.Logger
	st    *store.Store
	eng   *workflow.Engine
	disp  *notify.Dispatcher
	sched *scheduler.Scheduler
	wake  chan struct{}
	tg    atomic.Pointer[tgRunner] // the Telegram bot (telegram.go); nil without a token
	// mail is the IMAP reader (mail.go); nil without imap.addr.
	mail *mailRunner

	mu      sync.Mutex // guards loaded: replaced on reload
	loaded  *config.Loaded
	reloads int
}

// cmdRun starts the daemon (or the demo) and runs until ctx ends.
func (a *app) cmdRun(ctx context.Context, args []string) int {
	fs := a.flags("run")
	demo := fs.Bool("demo", false, "run on a fast virtual clock with the embedded plan")
	demoDay := fs.Duration("demo-day", 3*time.Second, "real time one plan day lasts in the demo")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	l, err := a.load()
	if err != nil {
		a.printProblems(err, nil)
		return 1
	}
	if *demo {
		return a.runDemo(ctx, l, *demoDay)
	}
	log := a.logger(l)
	logWarnings(log, l.Warnings, a.langCode())
	d, err := a.startDaemon(ctx, l, log)
	if err != nil {
		log.Error("start failed", slog.Any("error", err))
		return 1
	}
	return d.serve(ctx)
}

func channelSet(l *config.Loaded) workflow.ChannelSet {
	return workflow.ChannelSet{
		Telegram: l.Config.Telegram.Token != "",
		Email:    l.Config.SMTP.Host != "",
		Console:  l.Config.Dispatch.Console,
	}
}

func (a *app) startDaemon(ctx context.Context, l *config.Loaded, log *slog.Logger) (*daemon, error) {
	st, err := store.Open(ctx, l.DatabasePath(), store.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: a.clock(), Logger: log, Channels: channelSet(l)})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	d := &daemon{a: a, log: log, st: st, eng: eng, loaded: l, wake: make(chan struct{}, 1)}
	d.disp = notify.NewDispatcher(st, eng, map[string]notify.Channel{workflow.ChanConsole: notify.NewConsole(a.stdout)},
		a.clock(), log, dispatchConfig(l), d.onDispatchFailure)
	if err := d.setupMail(); err != nil {
		_ = st.Close()
		return nil, err
	}
	jobs := []scheduler.Job{{Name: "sweep", Spec: "@every 1m", Run: d.sweep}}
	jobs = append(jobs, scheduler.Job{Name: "digests", Spec: "@every 1m", Run: d.digests})
	d.sched, err = scheduler.New(ctx, l.Location(), log, config.CronParser, jobs)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return d, nil
}

func dispatchConfig(l *config.Loaded) notify.Config {
	c := l.Config.Dispatch
	return notify.Config{MaxAttempts: c.MaxAttempts, BackoffMin: c.BackoffMin.D(), BackoffMax: c.BackoffMax.D()}
}

// sweep runs the engine's sweep and wakes the dispatcher.
func (d *daemon) sweep(ctx context.Context) error {
	res, err := d.eng.Sweep(ctx)
	if err == nil && res.Messages > 0 {
		d.nudge()
	}
	return err
}

// digests queues the digests whose scheduled moment has come (the engine
// reads the schedules of the configuration in force, so a reload applies,
// and sends a moment missed while down once, late, within its catch-up
// window); every other minute it does nothing.
func (d *daemon) digests(ctx context.Context) error {
	var errs []error
	for _, kind := range []string{workflow.DigestCoordinators, workflow.DigestDirigenti} {
		res, err := d.eng.Digest(ctx, kind)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if res.Messages > 0 {
			d.nudge()
		}
	}
	return errors.Join(errs...)
}

func (d *daemon) nudge() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// serve runs until ctx ends, reloading on request, then shuts down in
// order: no new work, in-flight work finished, database closed.
func (d *daemon) serve(ctx context.Context) int {
	l := d.current()
	d.log.Info("sollecito started", slog.String("config", l.ConfigFile), slog.String("plan", l.PlanFile),
		slog.String("database", l.DatabasePath()), slog.Int("objectives", len(l.Plan.Objectives)))
	if cs := channelSet(l); cs.Console == "always" || (cs.Console == "auto" && !cs.Telegram && !cs.Email) {
		d.log.Info("notifications are printed on the console (no Telegram or SMTP configured)",
			slog.String("tracking_start", d.eng.Snapshot().TrackingStart.Italian()))
	}
	// Work runs on its own context so that a shutdown lets it finish.
	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	if err := d.sweep(work); err != nil {
		d.log.Error("sweep failed", slog.Any("error", err))
	}
	d.sched.Start()
	stopDispatch := make(chan struct{})
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		d.dispatchLoop(work, stopDispatch)
	}()
	d.startTelegram(work)
	d.startMail(work)
	if d.a.ready != nil {
		d.a.ready(d)
	}
	for {
		select {
		case <-ctx.Done():
			d.log.Info("stopping")
			stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			d.sched.Stop(stopCtx)
			close(stopDispatch)
			d.stopTelegram(stopCtx)
			d.stopMail(stopCtx)
			select {
			case <-dispatched:
			case <-stopCtx.Done():
				stopWork()
				<-dispatched
			}
			cancel()
			if err := d.st.Close(); err != nil {
				d.log.Error("close database", slog.Any("error", err))
				return 1
			}
			d.log.Info("sollecito stopped")
			return 0
		case <-d.a.reload:
			d.reload(work)
		}
	}
}

// dispatchLoop sends due messages when woken, and at least every few
// seconds (retries come due on their own).
func (d *daemon) dispatchLoop(ctx context.Context, stop <-chan struct{}) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-d.wake:
		case <-t.C:
		}
		if _, err := d.disp.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("dispatch failed", slog.Any("error", err))
		}
		t.Reset(5 * time.Second)
	}
}

// reload loads configuration and plan again; on any error the running
// version stays and every problem is logged.
func (d *daemon) reload(ctx context.Context) {
	applied := false
	defer func() {
		if d.a.reloaded != nil {
			d.a.reloaded(applied)
		}
	}()
	d.log.Info("reloading configuration and plan")
	l, err := d.a.load()
	if err != nil {
		for _, p := range config.ProblemsOf(err).Errors() {
			d.log.Error("reload rejected", slog.String("problem", p.Format(d.a.langCode())))
		}
		if config.ProblemsOf(err) == nil {
			d.log.Error("reload rejected", slog.Any("error", err))
		}
		d.log.Error("reload failed: the previous configuration stays in force")
		return
	}
	if err := d.eng.Apply(ctx, l); err != nil {
		d.log.Error("reload failed: the previous configuration stays in force", slog.Any("error", err))
		return
	}
	d.eng.SetChannels(channelSet(l))
	prev := d.current()
	d.mu.Lock()
	d.loaded = l
	d.reloads++
	d.mu.Unlock()
	if err := d.setupMail(); err != nil {
		d.log.Error("e-mail settings not applied", slog.Any("error", err))
	}
	if prev.Config.Telegram != l.Config.Telegram {
		d.log.Info("telegram settings changed: restarting the bot")
		d.restartTelegram(ctx)
	}
	d.log.Info("reload applied", slog.String("plan", l.PlanFile), slog.Int("objectives", len(l.Plan.Objectives)))
	applied = true
	d.nudge()
}

func (d *daemon) current() *config.Loaded {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.loaded
}

// logWarnings logs configuration warnings; a long list (a freshly imported
// plan has no contacts yet) is summarised, `sollecito check` lists it all.
func logWarnings(log *slog.Logger, ws config.Problems, lang string) {
	const most = 5
	for i, w := range ws {
		if i == most {
			log.Warn("configuration: more warnings", slog.Int("count", len(ws)-most), slog.String("see", "sollecito check"))
			return
		}
		log.Warn("configuration", slog.String("problem", w.Format(lang)))
	}
}
