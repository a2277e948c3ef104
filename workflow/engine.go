// Package workflow is Sollecito's domain: the plan as the daemon sees it,
// monitoring periods, deadline items and their states, values and their
// revisions, the reminder and escalation policy, and the sweep that turns
// due moments into notifications. It reads "now" from an injected clock,
// keeps its state in the store, and hands messages to notify through the
// outbox.
package workflow

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sollecito/config"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// Options configure an Engine.
type Options struct {
	// Clock returns "now"; nil means time.Now.
	Clock  func() time.Time
	Logger *slog.Logger
	// Channels are the outgoing channels configured (console only when
	// nothing else is).
	Channels ChannelSet
	// Fault, when set, is called at named points inside the sweep's
	// transaction; an error aborts it there as a crash would. Tests use it
	// to show that no point loses or duplicates anything.
	Fault func(point string) error
}

// Engine is the running domain: one configuration and plan in force at a
// time (swapped atomically on reload) over the store.
type Engine struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger

	// mu guards cur; readers take a snapshot pointer and never see a
	// half-applied reload.
	mu    sync.RWMutex
	cur   *Snapshot
	chans ChannelSet
	fault func(point string) error
}

// New builds an engine and applies l (syncing the plan into the store).
func New(ctx context.Context, st *store.Store, l *config.Loaded, opt Options) (*Engine, error) {
	e := &Engine{st: st, now: opt.Clock, log: opt.Logger, chans: opt.Channels, fault: opt.Fault}
	if e.chans.Console == "" {
		e.chans.Console = l.Config.Dispatch.Console
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if err := e.Apply(ctx, l); err != nil {
		return nil, err
	}
	return e, nil
}

// Channels returns the outgoing channels in use.
func (e *Engine) Channels() ChannelSet {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.chans
}

// SetChannels changes the outgoing channels in use (Telegram connected).
func (e *Engine) SetChannels(c ChannelSet) {
	e.mu.Lock()
	e.chans = c
	e.mu.Unlock()
}

func (e *Engine) at(point string) error {
	if e.fault == nil {
		return nil
	}
	return e.fault(point)
}

// Now returns the engine's current time.
func (e *Engine) Now() time.Time { return e.now() }

// Store returns the store the engine works on.
func (e *Engine) Store() *store.Store { return e.st }

// Snapshot returns the configuration and plan in force.
func (e *Engine) Snapshot() *Snapshot {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.cur
}

// Apply puts a new configuration and plan in force: the plan is synced
// into the store (values of indicators that still exist are untouched), the
// deadline items are brought in step, and only then the new snapshot
// replaces the old one. On error the previous snapshot stays.
func (e *Engine) Apply(ctx context.Context, l *config.Loaded) error {
	snap, err := NewSnapshot(l)
	if err != nil {
		return err
	}
	now := e.now()
	stats, err := e.st.SyncPlan(ctx, snap.storeSnapshot(), now)
	if err != nil {
		return fmt.Errorf("sync plan: %w", err)
	}
	start, err := e.trackingStart(ctx, snap, now)
	if err != nil {
		return err
	}
	snap.TrackingStart = start
	if err := e.syncItems(ctx, snap, now); err != nil {
		return err
	}
	e.mu.Lock()
	e.cur = snap
	e.mu.Unlock()
	e.log.InfoContext(ctx, "plan applied",
		slog.String("plan", l.PlanFile), slog.Int("objectives", len(l.Plan.Objectives)),
		slog.Int("indicators", len(snap.indicators)), slog.Int("removed", stats.Deactivated),
		slog.String("tracking_start", start.String()))
	return nil
}

// trackingStart is the configured date, or the day the database first saw
// this organisation (recorded once, so it never moves).
func (e *Engine) trackingStart(ctx context.Context, snap *Snapshot, now time.Time) (calendar.Date, error) {
	if s := snap.Config().TrackingStart; s != "" {
		return calendar.ParseDate(s)
	}
	v, err := e.st.SetMetaIfMissing(ctx, snap.Org(), "tracking_start", snap.Cal.Today(now).String())
	if err != nil {
		return calendar.Date{}, fmt.Errorf("tracking start: %w", err)
	}
	return calendar.ParseDate(v)
}

// Period is a monitoring period of one year ("2024-S1").
type Period struct {
	Year int
	ID   string
}

// String writes the period as YEAR-ID.
func (p Period) String() string { return fmt.Sprintf("%d-%s", p.Year, p.ID) }

// ParsePeriod reads "2024-S1", or "S1" meaning the plan year's.
func (s *Snapshot) ParsePeriod(text string) (Period, error) {
	text = strings.TrimSpace(text)
	year := s.Plan().Year
	id := text
	if y, rest, ok := strings.Cut(text, "-"); ok {
		if _, err := fmt.Sscanf(y, "%d", &year); err != nil || len(y) != 4 {
			return Period{}, s.periodError(text)
		}
		id = rest
	}
	id = strings.ToUpper(id)
	if _, ok := s.periods[id]; !ok {
		return Period{}, s.periodError(text)
	}
	return Period{Year: year, ID: id}, nil
}

func (s *Snapshot) periodError(text string) error {
	var ids []string
	for _, p := range s.Config().Periods {
		ids = append(ids, fmt.Sprintf("%d-%s", s.Plan().Year, p.ID))
	}
	return &UserError{
		It: fmt.Sprintf("periodo %q non riconosciuto: usare per esempio %s", text, strings.Join(ids, " o ")),
		En: fmt.Sprintf("period %q not recognised: use for example %s", text, strings.Join(ids, " or ")),
	}
}

// UserError is a refusal to show to the person who asked, in their
// language.
type UserError struct{ It, En string }

// Error returns the Italian text.
func (e *UserError) Error() string { return e.It }

// Localize returns the text in lang.
func (e *UserError) Localize(lang string) string {
	if lang == "en" && e.En != "" {
		return e.En
	}
	return e.It
}

// Localize renders err for a person in lang when it knows how, and as its
// plain text otherwise.
func Localize(err error, lang string) string {
	for e := err; e != nil; {
		if l, ok := e.(interface{ Localize(string) string }); ok {
			return l.Localize(lang)
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err.Error()
}
