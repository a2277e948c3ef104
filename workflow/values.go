package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/calendar"
	"sollecito/workflow/value"
)

// Channels a value can arrive through.
const (
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
	ChannelCLI      = "cli"
)

// Submission is a value someone sends for an indicator and a period.
type Submission struct {
	IndicatorID string
	Period      string // "2024-S1" or "S1"
	Raw         string // as written: "92,5% - due corsi rinviati"
	// Parsed, when set, is used instead of parsing Raw (the bot's guided
	// ratio entry builds it from two answers).
	Parsed *value.Value
	// By is the person sending it; "" for an administrator at the console.
	By        string
	Channel   string
	SourceRef string // update id, Message-ID: the same source has no second effect
	// OnBehalf lets an administrator record a value for someone else's
	// item (received by phone or on paper).
	OnBehalf bool
	// At is when the value was received; zero means now.
	At time.Time
}

// Receipt is what the sender is told after a value is stored.
type Receipt struct {
	Indicator *IndicatorRef
	Period    Period
	Value     value.Value
	Stored    store.Value
	// Late is true when the value arrived after the due date.
	Late bool
	Due  calendar.Date
}

// ErrDuplicate is returned for a submission whose source was already
// recorded (a repeated update, the same e-mail again).
var ErrDuplicate = store.ErrDuplicateSource

// Submit checks and records a value. Bad input gets a *UserError (or the
// parser's localised error) and changes nothing.
func (e *Engine) Submit(ctx context.Context, sub Submission) (*Receipt, error) {
	receipts, errs := e.SubmitAll(ctx, []Submission{sub})
	return receipts[0], errs[0]
}

// SubmitAll checks and records several values in one transaction (values
// that arrived together, a simulation's answers): each gets its receipt or
// its own error, and a refused one changes nothing for the others. An
// error of the database fails them all.
func (e *Engine) SubmitAll(ctx context.Context, subs []Submission) ([]*Receipt, []error) {
	snap := e.Snapshot()
	receipts, errs := make([]*Receipt, len(subs)), make([]error, len(subs))
	type pending struct {
		i   int
		row store.Value
		key string
		at  time.Time
	}
	var todo []pending
	for i, sub := range subs {
		at := sub.At
		if at.IsZero() {
			at = e.now()
		}
		r, row, err := e.checkSubmission(snap, sub, at)
		if err != nil {
			errs[i] = err
			continue
		}
		receipts[i] = r
		todo = append(todo, pending{i, row, IndicatorKey(r.Indicator.ID, r.Period), at})
	}
	if len(todo) == 0 {
		return receipts, errs
	}
	err := e.st.Tx(ctx, func(tx *store.Store) error {
		for _, p := range todo {
			saved, err := tx.AddValue(ctx, p.row)
			if errors.Is(err, store.ErrDuplicateSource) {
				receipts[p.i], errs[p.i] = nil, ErrDuplicate // nothing was written for it
				continue
			}
			if err != nil {
				return err
			}
			receipts[p.i].Stored = saved
			if err := tx.CloseItems(ctx, snap.Org(), []string{p.key}, store.StateSubmitted, store.Millis(p.at), "", 0); err != nil {
				return err
			}
			sub := subs[p.i]
			actor := sub.By
			if actor == "" {
				actor = "admin:" + sub.Channel
			}
			if err := tx.Audit(ctx, snap.Org(), p.at, actor, "value.set", p.key,
				fmt.Sprintf("revisione %d via %s: %s", saved.Revision, sub.Channel, receipts[p.i].Value.Format("it"))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, p := range todo {
			receipts[p.i], errs[p.i] = nil, fmt.Errorf("record value: %w", err)
		}
	}
	return receipts, errs
}

// checkSubmission validates a submission received at and returns its
// receipt (without the stored row) and the row to store.
func (e *Engine) checkSubmission(snap *Snapshot, sub Submission, at time.Time) (*Receipt, store.Value, error) {
	ref, ok := snap.Indicator(strings.TrimSpace(sub.IndicatorID))
	if !ok {
		return nil, store.Value{}, &UserError{
			It: fmt.Sprintf("indicatore %q sconosciuto: controllare il codice (es. %s)", sub.IndicatorID, snap.exampleIndicator()),
			En: fmt.Sprintf("unknown indicator %q: check the code (e.g. %s)", sub.IndicatorID, snap.exampleIndicator()),
		}
	}
	p, err := snap.ParsePeriod(sub.Period)
	if err != nil {
		return nil, store.Value{}, err
	}
	if !slices.Contains(ref.Periods, p.ID) || p.Year != snap.Plan().Year {
		return nil, store.Value{}, &UserError{
			It: fmt.Sprintf("l'indicatore %s non si rileva nel periodo %s", ref.ID, p),
			En: fmt.Sprintf("indicator %s is not measured in period %s", ref.ID, p),
		}
	}
	if sub.By != "" && !sub.OnBehalf && !slices.Contains(ref.Assignees, sub.By) && !snap.IsAdmin(sub.By) {
		return nil, store.Value{}, &UserError{
			It: fmt.Sprintf("l'indicatore %s non è assegnato a te: solo i referenti indicati nel piano possono inviarne il valore", ref.ID),
			En: fmt.Sprintf("indicator %s is not assigned to you: only the people named in the plan can send its value", ref.ID),
		}
	}
	var v value.Value
	if sub.Parsed != nil {
		v = *sub.Parsed
	} else {
		v, err = value.Parse(sub.Raw, ref.Kind, value.Options{Today: snap.Cal.Today(at)})
		if err != nil {
			return nil, store.Value{}, err
		}
	}
	row := storedValue(snap.Org(), ref.ID, p.String(), v)
	row.ByPerson, row.Channel, row.SourceRef, row.ReceivedAt = sub.By, sub.Channel, sub.SourceRef, store.Millis(at)
	_, due := snap.IndicatorDue(p)
	return &Receipt{Indicator: ref, Period: p, Value: v, Due: due,
		Late: snap.Cal.Today(at).After(snap.Policy.overdueBase(due))}, row, nil
}

func (s *Snapshot) exampleIndicator() string {
	for _, o := range s.Plan().Objectives {
		for _, ind := range o.Indicators {
			return ind.ID
		}
	}
	return "I-01.1"
}

// storedValue converts a parsed value into its stored row.
func storedValue(org, indicatorID, period string, v value.Value) store.Value {
	row := store.Value{Org: org, IndicatorID: indicatorID, Period: period, Kind: v.Kind,
		Text: v.Text, NA: v.NA, Reason: v.Reason, Note: v.Note, Raw: v.Raw}
	switch {
	case v.NA:
	case v.Kind == value.KindYesNo:
		b := v.Bool
		row.Bool = &b
	case v.Kind == value.KindDate:
		row.Date = v.Date.String()
	case v.Kind == value.KindText:
	default:
		n := v.Number
		row.Number = &n
		if v.Denominator != 0 {
			num, den := v.Numerator, v.Denominator
			row.Numerator, row.Denominator = &num, &den
		}
	}
	return row
}

// ValueOf converts a stored row back into a value.
func ValueOf(row store.Value) value.Value {
	v := value.Value{Kind: row.Kind, Text: row.Text, NA: row.NA, Reason: row.Reason, Note: row.Note, Raw: row.Raw}
	if row.Number != nil {
		v.Number = *row.Number
	}
	if row.Numerator != nil && row.Denominator != nil {
		v.Numerator, v.Denominator = *row.Numerator, *row.Denominator
	}
	if row.Bool != nil {
		v.Bool = *row.Bool
	}
	if row.Date != "" {
		v.Date, _ = calendar.ParseDate(row.Date)
	}
	return v
}

// ReceivedAt returns when a stored value arrived.
func ReceivedAt(row store.Value) time.Time { return store.FromMillis(row.ReceivedAt) }

// MarkDone records that a phase occurrence is done on a date, by a person
// ("" for an administrator), which stops its reminders and escalations.
func (e *Engine) MarkDone(ctx context.Context, itemKey, by, channel string, on calendar.Date) error {
	snap := e.Snapshot()
	now := e.now()
	it, err := e.st.GetItem(ctx, snap.Org(), itemKey)
	if errors.Is(err, store.ErrNotFound) || (err == nil && it.Kind != KindPhase) {
		return &UserError{It: fmt.Sprintf("fase %q sconosciuta", itemKey), En: fmt.Sprintf("unknown phase %q", itemKey)}
	}
	if err != nil {
		return err
	}
	if by != "" && !slices.Contains(strings.Split(it.Assignees, ","), by) && !snap.IsAdmin(by) {
		return &UserError{It: "questa fase non è assegnata a te", En: "this phase is not assigned to you"}
	}
	if on.After(snap.Cal.Today(now)) {
		return &UserError{It: "la data di conclusione non può essere nel futuro", En: "the completion date cannot be in the future"}
	}
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CloseItems(ctx, snap.Org(), []string{itemKey}, store.StateDone, store.Millis(now), on.String(), 0); err != nil {
			return err
		}
		actor := by
		if actor == "" {
			actor = "admin:" + channel
		}
		return tx.Audit(ctx, snap.Org(), now, actor, "phase.done", itemKey, on.String())
	})
}
