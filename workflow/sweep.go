package workflow

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"sollecito/config"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// Channel names used in the outbox.
const (
	ChanTelegram = "telegram"
	ChanEmail    = "email"
	ChanConsole  = "console"
)

// ChannelSet says which outgoing channels are configured.
type ChannelSet struct {
	Telegram, Email bool
	// Console: "auto" (only when neither Telegram nor e-mail is
	// configured), "always" or "never".
	Console string
}

// Entry is one line of a batched message: one step of one item.
type Entry struct {
	Item string
	Step string
	Kind string // reminder, nag, escalation
	Late int
}

// BatchPayload is the outbox payload of a sweep message (stored in the
// form Encode writes).
type BatchPayload struct {
	At      time.Time
	Entries []Entry
}

// Outbox kinds.
const (
	OutboxBatch   = "batch"
	OutboxReceipt = "receipt"
	OutboxDigest  = "digest"
	OutboxReply   = "reply"
	OutboxAdmin   = "admin"
)

// SweepResult says what a sweep did.
type SweepResult struct {
	Items         int // items looked at
	Notifications int // item steps told to someone (entries of the messages)
	Messages      int // outbox rows created
}

// Sweep looks at every item whose next moment has come, decides which
// steps to tell whom, and records them, grouped into one outbox message per
// person and channel, in one transaction: a crash anywhere leaves either
// everything or nothing, and running it again creates no duplicate.
//
// Catch-up after downtime: a reminder is sent only on its own day (a stale
// reminder is worthless); of the nags missed, only the latest is sent; each
// missed escalation step is sent once.
func (e *Engine) Sweep(ctx context.Context) (SweepResult, error) {
	snap := e.Snapshot()
	now := e.now()
	org := snap.Org()
	var res SweepResult
	items, err := e.st.SweepItems(ctx, org, store.Millis(now))
	if err != nil || len(items) == 0 {
		return res, err
	}
	res.Items = len(items)
	today := snap.Cal.Today(now)
	// First the steps (they need no database), then the people they may
	// reach: a sweep reads only those, not the whole staff.
	type work struct {
		it    store.Item
		steps []Step
	}
	var todo []work
	candidates := map[string]bool{}
	advances := make([]store.Advance, 0, len(items))
	// Items sharing a due date and a last sweep share their steps: every
	// indicator of a period is due the same day.
	type schedule struct {
		due   string
		after int64
	}
	type plan struct {
		steps []Step
		next  int64
	}
	plans := map[schedule]plan{}
	for _, it := range items {
		k := schedule{it.Due, it.SweptUntil}
		pl, seen := plans[k]
		if !seen {
			due, _ := calendar.ParseDate(it.Due)
			pl.steps = catchUp(snap.Policy.Steps(due, store.FromMillis(it.SweptUntil), now), today)
			if next, ok := snap.Policy.Next(due, now); ok {
				pl.next = store.Millis(next)
			}
			plans[k] = pl
		}
		steps := pl.steps
		advances = append(advances, store.Advance{Key: it.Key, Old: it.SweptUntil, Swept: store.Millis(now), Next: pl.next})
		if len(steps) == 0 {
			continue
		}
		todo = append(todo, work{it, steps})
		for _, st := range steps {
			for _, id := range stepCandidates(snap, it, st) {
				candidates[id] = true
			}
		}
	}
	rc, err := e.recipientContextFor(ctx, snap, now, candidates)
	if err != nil {
		return res, err
	}
	type target struct{ person, channel string }
	groups := map[target][]Entry{}
	for _, w := range todo {
		it := w.it
		for _, st := range w.steps {
			entry := Entry{Item: it.Key, Step: st.Name, Kind: stepKindName(st.Kind), Late: st.Late}
			for _, who := range rc.recipients(snap, it, st) {
				for _, ch := range rc.channels(who) {
					groups[target{who, ch}] = append(groups[target{who, ch}], entry)
				}
			}
		}
	}
	err = e.st.Tx(ctx, func(tx *store.Store) error {
		lost, err := tx.AdvanceItems(ctx, org, advances) // lost: another sweeper took them
		if err != nil {
			return err
		}
		if err := e.at("sweep:items-advanced"); err != nil {
			return err
		}
		targets := make([]target, 0, len(groups))
		for t := range groups {
			targets = append(targets, t)
		}
		sort.Slice(targets, func(i, j int) bool {
			return targets[i].person+targets[i].channel < targets[j].person+targets[j].channel
		})
		var rows []store.OutboxRow
		for _, t := range targets {
			var entries []Entry
			for _, en := range groups[t] {
				if !lost[en.Item] {
					entries = append(entries, en)
				}
			}
			if len(entries) == 0 {
				continue
			}
			res.Notifications += len(entries)
			payload, err := BatchPayload{At: now.UTC(), Entries: entries}.Encode()
			if err != nil {
				return err
			}
			rows = append(rows, store.OutboxRow{Org: org, Key: fmt.Sprintf("batch:%s:%s:%s", t.person, t.channel, now.UTC().Format(time.RFC3339Nano)),
				PersonID: t.person, Channel: t.channel, Kind: OutboxBatch, Payload: payload,
				NextAttemptAt: store.Millis(now), CreatedAt: store.Millis(now)})
		}
		rows, err = tx.Enqueue(ctx, rows)
		if err != nil {
			return err
		}
		if err := e.at("sweep:outbox-created"); err != nil {
			return err
		}
		res.Messages = len(rows)
		return nil
	})
	if err != nil {
		return SweepResult{}, fmt.Errorf("sweep: %w", err)
	}
	if res.Messages > 0 {
		e.log.InfoContext(ctx, "sweep", slog.Int("items", res.Items), slog.Int("notifications", res.Notifications), slog.Int("messages", res.Messages))
	}
	return res, nil
}

func stepKindName(k StepKind) string {
	switch k {
	case StepReminder:
		return "reminder"
	case StepNag:
		return "nag"
	}
	return "escalation"
}

// catchUp keeps the steps worth sending today: reminders of today only,
// the latest nag, every escalation.
func catchUp(steps []Step, today calendar.Date) []Step {
	var out []Step
	lastNag := -1
	for i, s := range steps {
		if s.Kind == StepNag {
			lastNag = i
		}
	}
	for i, s := range steps {
		switch {
		case s.Kind == StepReminder && s.Day != today:
		case s.Kind == StepNag && i != lastNag:
		default:
			out = append(out, s)
		}
	}
	return out
}

// recipientContext is what deciding recipients needs, read once a sweep.
type recipientContext struct {
	today    calendar.Date
	dues     map[string]dueInfo // line dates, by ISO due date (due)
	people   map[string]store.Person
	bindings map[string]store.TelegramBinding
	chans    ChannelSet
}

// recipientContextFor reads only the active people among ids (a sweep's
// possible recipients); with no ids it reads nothing.
func (e *Engine) recipientContextFor(ctx context.Context, snap *Snapshot, now time.Time, ids map[string]bool) (*recipientContext, error) {
	if len(ids) == 0 {
		return &recipientContext{today: snap.Cal.Today(now), people: map[string]store.Person{}, chans: e.Channels()}, nil
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	people, err := e.st.PeopleByIDs(ctx, snap.Org(), list)
	if err != nil {
		return nil, err
	}
	active := people[:0]
	for _, p := range people {
		if p.Active {
			active = append(active, p)
		}
	}
	return e.newRecipientContext(ctx, snap, now, active)
}

func (e *Engine) newRecipientContext(ctx context.Context, snap *Snapshot, now time.Time, people []store.Person) (*recipientContext, error) {
	chans := e.Channels()
	var bindings map[string]store.TelegramBinding
	if chans.Telegram {
		var err error
		if bindings, err = e.st.Bindings(ctx, snap.Org()); err != nil {
			return nil, err
		}
	}
	rc := &recipientContext{today: snap.Cal.Today(now), people: make(map[string]store.Person, len(people)), bindings: bindings, chans: chans}
	for _, p := range people {
		rc.people[p.ID] = p
	}
	return rc, nil
}

// stepCandidates returns everyone step st of item it may reach, before
// absences and channels are known.
func stepCandidates(snap *Snapshot, it store.Item, st Step) []string {
	if st.Kind == StepEscalation {
		return snap.escalationTargets(it, st.Notify)
	}
	return strings.Split(it.Assignees, ",")
}

// away reports whether a person is away today.
func (rc *recipientContext) away(id string) bool {
	p, ok := rc.people[id]
	return ok && isAway(p, rc.today)
}

func isAway(p store.Person, day calendar.Date) bool {
	if p.AwayFrom == "" {
		return false
	}
	from, err1 := calendar.ParseDate(p.AwayFrom)
	to, err2 := calendar.ParseDate(p.AwayTo)
	return err1 == nil && err2 == nil && !day.Before(from) && !day.After(to)
}

// recipients returns who hears about step st of item it.
func (rc *recipientContext) recipients(snap *Snapshot, it store.Item, st Step) []string {
	var ids []string
	switch st.Kind {
	case StepReminder, StepNag:
		for _, a := range strings.Split(it.Assignees, ",") {
			if a != "" && !rc.away(a) {
				ids = append(ids, a)
			}
		}
	case StepEscalation:
		ids = snap.escalationTargets(it, st.Notify)
	}
	return dedupe(ids)
}

// escalationTargets resolves an escalation step's target for an item.
func (s *Snapshot) escalationTargets(it store.Item, notify string) []string {
	o, _ := s.Objective(it.ObjectiveID)
	switch notify {
	case "responsabile":
		if o != nil && o.Responsabile != "" {
			return []string{o.Responsabile}
		}
	case "dirigente":
		if o != nil {
			if d, ok := s.Directorate(o.Directorate); ok && d.Dirigente != "" {
				return []string{d.Dirigente}
			}
		}
	case "coordinators":
		return s.Coordinators()
	default:
		if _, ok := s.Person(notify); ok {
			return []string{notify}
		}
	}
	return nil
}

// Coordinators returns the coordinators' ids (configuration and role).
// The list is computed once per snapshot; callers get their own copy.
func (s *Snapshot) Coordinators() []string {
	s.coordOnce.Do(func() {
		ids := append([]string(nil), s.Config().Coordinators...)
		for _, p := range s.Plan().People {
			if p.HasRole(config.RoleCoordinator) {
				ids = append(ids, p.ID)
			}
		}
		s.coordinators = dedupe(ids)
	})
	return append([]string(nil), s.coordinators...)
}

// channels returns the channels a person is reached on: Telegram when
// bound, otherwise e-mail; the console as configured.
func (rc *recipientContext) channels(id string) []string {
	p, ok := rc.people[id]
	if !ok {
		return nil
	}
	var out []string
	if _, bound := rc.bindings[id]; bound && rc.chans.Telegram {
		out = append(out, ChanTelegram)
	} else if rc.chans.Email && p.Email != "" && !p.EmailFailing {
		out = append(out, ChanEmail)
	}
	switch rc.chans.Console {
	case "always":
		out = append(out, ChanConsole)
	case "auto":
		if !rc.chans.Telegram && !rc.chans.Email {
			out = append(out, ChanConsole)
		}
	}
	return out
}

// dedupe returns ids without repeats, in order of first appearance.
func dedupe(ids []string) []string {
	out := ids[:0:0]
	if len(ids) <= 16 {
		// A step's recipients are a handful: a scan beats a map.
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
