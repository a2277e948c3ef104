// Package simulate runs the real sweep, outbox and dispatcher over a
// virtual clock, on a database of its own, and records every message that
// would be sent. It serves `sollecito simulate`, `sollecito run --demo`,
// the tests that span months and the one-year benchmark.
package simulate

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"sollecito/config"
	"sollecito/notify"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

// Options configure a run.
type Options struct {
	Loaded *config.Loaded
	// DBPath is the throw-away database (a copy, or a new file).
	DBPath     string
	From, To   time.Time
	AnswerRate float64 // fraction of indicator items that get a value
	Seed       uint64
	Logger     *slog.Logger
	// Print, when set, receives each message as the console shows it.
	Print io.Writer
	// Pace is called before each jump of the clock (the demo sleeps).
	Pace func(from, to time.Time) error
	// OnSent, when set, receives the messages as the run goes, in the
	// order of Result.Sent, and Result.Sent stays empty: a year of a large
	// plan sends over a hundred thousand messages, too many to hold.
	OnSent func(Sent) error
}

// Sent is one message that would have been sent.
type Sent struct {
	At      time.Time `json:"at"`
	Person  string    `json:"person"`
	Name    string    `json:"name"`
	Channel string    `json:"channel"`
	Kinds   []string  `json:"kinds"`
	Items   []string  `json:"items"`
	Subject string    `json:"subject"`
}

// Result is what a run produced.
type Result struct {
	Sent     []Sent `json:"sent"`
	Answers  int    `json:"answers"`
	Messages int    `json:"-"` // len(Sent), or what OnSent received
}

// recorder is a channel that records (and optionally prints) messages.
// Messages are ordered by time, then recipient and channel; those of one
// moment are held until the clock moves on, then kept or handed on.
type recorder struct {
	mu     sync.Mutex // guards the rest: the dispatcher's workers send at once
	moment []Sent     // messages of the current moment, as sent
	sent   []Sent
	n      int
	onSent func(Sent) error
	err    error              // the first error of onSent
	cancel context.CancelFunc // stops the run on that error
	now    func() time.Time
	print  *notify.Console
}

func (r *recorder) Send(ctx context.Context, m *notify.Message) (string, error) {
	s := Sent{At: r.now(), Person: m.PersonID, Name: m.Name, Channel: m.Channel, Subject: m.Subject,
		Kinds: slices.Clone(m.Kinds), Items: slices.Clone(m.Items)}
	r.mu.Lock()
	if r.err != nil { // the run is stopping
		r.mu.Unlock()
		return "", nil
	}
	if err := r.flushBefore(s.At); err != nil {
		// Not the channel's failure (a retry would send it again): the
		// run stops and returns it.
		r.err = err
		r.cancel()
	}
	r.moment = append(r.moment, s)
	r.mu.Unlock()
	if r.print != nil {
		return r.print.Send(ctx, m)
	}
	return "", nil
}

// flushBefore hands on the messages of moments before t (all, for the
// zero time). The caller holds r.mu.
func (r *recorder) flushBefore(t time.Time) error {
	if len(r.moment) == 0 || (!t.IsZero() && !r.moment[0].At.Before(t)) {
		return nil
	}
	sort.SliceStable(r.moment, func(i, j int) bool {
		a, b := r.moment[i], r.moment[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.Person+a.Channel < b.Person+b.Channel
	})
	r.n += len(r.moment)
	if r.onSent == nil {
		r.sent = append(r.sent, r.moment...)
		r.moment = r.moment[:0]
		return nil
	}
	moment := r.moment
	r.moment = r.moment[:0]
	for _, s := range moment {
		if err := r.onSent(s); err != nil {
			return err
		}
	}
	return nil
}

// Run simulates from opt.From to opt.To.
func Run(ctx context.Context, opt Options) (*Result, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, opt.DBPath, store.Options{Logger: log, Scratch: true})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	clock := scheduler.NewClock(opt.From)
	l := opt.Loaded
	chans := workflow.ChannelSet{Telegram: l.Config.Telegram.Token != "", Email: l.Config.SMTP.Host != "", Console: l.Config.Dispatch.Console}
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: clock.Now, Logger: log, Channels: chans})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec := &recorder{now: clock.Now, onSent: opt.OnSent, cancel: cancel}
	if opt.Print != nil {
		rec.print = notify.NewConsole(opt.Print)
	}
	disp := notify.NewDispatcher(st, eng, map[string]notify.Channel{
		workflow.ChanConsole: rec, workflow.ChanTelegram: rec, workflow.ChanEmail: rec,
	}, clock.Now, log, notify.Config{Workers: 1, BatchSize: 100}, nil)

	answers, err := planAnswers(ctx, st, eng, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	sources := []scheduler.Source{
		scheduler.SourceFunc{
			DueFunc: func(ctx context.Context) (time.Time, bool, error) {
				ms, err := st.NextItemAction(ctx, eng.Snapshot().Org())
				return store.FromMillis(ms), ms > 0, err
			},
			RunFunc: func(ctx context.Context, _ time.Time) error { _, err := eng.Sweep(ctx); return err },
		},
		scheduler.SourceFunc{
			DueFunc: func(ctx context.Context) (time.Time, bool, error) {
				ms, err := st.NextOutboxAt(ctx)
				return store.FromMillis(ms), ms > 0, err
			},
			RunFunc: func(ctx context.Context, _ time.Time) error { _, err := disp.RunOnce(ctx); return err },
		},
	}
	// The answers come last at a moment, and with them every later answer
	// due before anything else happens: nothing can observe the values
	// between them, so they are stored in one transaction, each with its
	// own time.
	answerSource := scheduler.SourceFunc{
		DueFunc: func(context.Context) (time.Time, bool, error) {
			if len(answers) == 0 {
				return time.Time{}, false, nil
			}
			return answers[0].at, true, nil
		},
	}
	answerSource.RunFunc = func(ctx context.Context, now time.Time) error {
		// A paced run (the demo) shows each answer at its own moment.
		limit, onlyNow := opt.To, opt.Pace != nil
		for _, s := range sources {
			t, ok, err := s.Due(ctx)
			if err != nil {
				return err
			}
			switch {
			case !ok:
			case !t.After(now):
				onlyNow = true // runs later at this moment: it must see only what came before
			case t.Before(limit):
				limit = t
			}
		}
		n := 0
		for n < len(answers) && (!answers[n].at.After(now) || (!onlyNow && answers[n].at.Before(limit))) {
			n++
		}
		batch := answers[:n]
		answers = answers[n:]
		stored, err := storeAnswers(ctx, eng, clock, batch, opt)
		res.Answers += stored
		return err
	}
	// Digests on their configured schedules, as the daemon sends them.
	for _, kind := range []string{workflow.DigestCoordinators, workflow.DigestDirigenti} {
		spec, err := eng.Snapshot().DigestSpec(kind)
		if err != nil || spec == "" {
			continue
		}
		kind := kind
		src, err := scheduler.NewCronSource(config.CronParser, spec, l.Location(), opt.From, func(ctx context.Context, _ time.Time) error {
			_, err := eng.Digest(ctx, kind)
			return err
		})
		if err != nil {
			return nil, err
		}
		sources = append(sources, src)
	}
	err = scheduler.Drive(ctx, clock, opt.To, opt.Pace, append(sources, answerSource)...)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.err != nil {
		return nil, rec.err
	}
	if err != nil {
		return nil, err
	}
	if err := rec.flushBefore(time.Time{}); err != nil {
		return nil, err
	}
	res.Sent, res.Messages = rec.sent, rec.n
	return res, nil
}

type answer struct {
	at                     time.Time
	indicator, period, raw string
	by                     string
	phase                  string // item key of a phase marked done instead
	day                    calendar.Date
}

// planAnswers picks, deterministically for a seed, which indicator items
// get a value and when: some days before to some days after the due date,
// on a working day, during office hours.
func planAnswers(ctx context.Context, st *store.Store, eng *workflow.Engine, opt Options) ([]answer, error) {
	if opt.AnswerRate <= 0 {
		return nil, nil
	}
	snap := eng.Snapshot()
	items, err := st.Items(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5011ec170))
	var out []answer
	for _, it := range items {
		if it.State != store.StateOpen || !it.Tracked || it.Assignees == "" {
			continue
		}
		if rng.Float64() >= opt.AnswerRate {
			continue
		}
		due, _ := calendar.ParseDate(it.Due)
		// People answer on working days, at the office.
		day := snap.Cal.WorkingDayOnOrBefore(due.AddDays(rng.IntN(36) - 20))
		at := snap.Cal.At(day, 9+rng.IntN(8), rng.IntN(60))
		by := strings.Split(it.Assignees, ",")
		a := answer{at: at, by: by[rng.IntN(len(by))], day: day}
		if it.Kind == workflow.KindPhase {
			a.phase = it.Key
		} else {
			ref, _ := snap.Indicator(it.IndicatorID)
			a.indicator, a.period, a.raw = it.IndicatorID, it.Period, sampleValue(ref.Kind, day, rng)
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// sampleValue writes a plausible value of a kind, the way people do.
func sampleValue(kind string, day calendar.Date, rng *rand.Rand) string {
	switch kind {
	case config.KindPercent:
		return fmt.Sprintf("%d,%d%%", 60+rng.IntN(40), rng.IntN(10))
	case config.KindRatio:
		den := 10 + rng.IntN(90)
		return fmt.Sprintf("%d/%d", den-rng.IntN(den/4+1), den)
	case config.KindYesNo:
		return []string{"sì", "rispettato", "no"}[rng.IntN(3)]
	case config.KindDays, config.KindCount, config.KindNumber:
		return fmt.Sprintf("%d", rng.IntN(30))
	case config.KindDate:
		return day.AddDays(-rng.IntN(10)).Italian()
	}
	return "attività svolta come previsto"
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

// storeAnswers records a run of simulated answers in order, each at its
// own moment (the clock moves to it): values in one transaction, a phase
// marked done on its own. It returns how many were recorded.
func storeAnswers(ctx context.Context, eng *workflow.Engine, clock *scheduler.Clock, batch []answer, opt Options) (int, error) {
	loc := opt.Loaded.Location()
	en := opt.Loaded.Config.Language == "en"
	var subs []workflow.Submission
	var pending []answer
	flush := func() error {
		if len(subs) == 0 {
			return nil
		}
		_, errs := eng.SubmitAll(ctx, subs)
		for i, err := range errs {
			a := pending[i]
			if err != nil {
				return fmt.Errorf("simulated answer %s %s %q: %w", a.indicator, a.period, a.raw, err)
			}
			if opt.Print != nil {
				fmt.Fprintf(opt.Print, "──── %s: %s → %s %s = %s\n\n", a.at.In(loc).Format("02/01/2006 15:04"), a.by, a.indicator, a.period, a.raw)
			}
		}
		subs, pending = subs[:0], pending[:0]
		return nil
	}
	for _, a := range batch {
		if a.at.After(clock.Now()) {
			clock.Set(a.at)
		}
		if a.phase == "" {
			subs = append(subs, workflow.Submission{IndicatorID: a.indicator, Period: a.period, Raw: a.raw,
				By: a.by, Channel: workflow.ChannelCLI, SourceRef: "sim:" + a.indicator + ":" + a.period, At: clock.Now()})
			pending = append(pending, a)
			continue
		}
		if err := flush(); err != nil {
			return 0, err
		}
		if err := eng.MarkDone(ctx, a.phase, a.by, workflow.ChannelCLI, a.day); err != nil {
			return 0, fmt.Errorf("simulated phase done %s: %w", a.phase, err)
		}
		if opt.Print != nil {
			fmt.Fprintf(opt.Print, "──── %s: %s → %s %s\n\n", a.at.In(loc).Format("02/01/2006 15:04"), a.by, a.phase, pick(en, "done", "conclusa"))
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return len(batch), nil
}
