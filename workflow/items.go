package workflow

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/calendar"
	"sollecito/workflow/deadline"
)

// Item kinds.
const (
	KindIndicator = "indicator"
	KindPhase     = "phase"
)

// Instance is one deadline derived from the plan and the configuration: an
// indicator for a period, or one occurrence of a dated phase.
type Instance struct {
	Key         string
	Kind        string
	ObjectiveID string
	IndicatorID string
	PhaseN      int
	Period      string // "2024-S1", or the phase occurrence label
	Rule        string // the phrase (phases) or "" (indicators)
	Nominal     calendar.Date
	Due         calendar.Date // zero while awaiting an event
	Event       string        // the event an awaiting phase needs
	Assignees   []string
}

// IndicatorKey is the item key of an indicator for a period.
func IndicatorKey(indicatorID string, p Period) string {
	return "ind:" + indicatorID + ":" + p.String()
}

func phaseKey(objectiveID string, n int, label string) string {
	return "ph:" + objectiveID + ":" + strconv.Itoa(n) + ":" + label
}

// IndicatorDue returns the nominal and shifted due date of an indicator's
// values for a period.
func (s *Snapshot) IndicatorDue(p Period) (nominal, due calendar.Date) {
	pc := s.periods[p.ID]
	md, _ := calendar.ParseMonthDay(pc.Due)
	y := p.Year
	if pc.DueNextYear {
		y++
	}
	nominal = md.In(y)
	return nominal, s.Cal.ShiftDue(nominal)
}

// Instances derives every deadline instance of the plan. Phase deadlines
// recur inside the plan year (nominal dates from 1 January to 31
// December); phrases that are not understood yield none (check warns).
func (s *Snapshot) Instances(events map[string]calendar.Date) []Instance {
	var out []Instance
	year := s.Plan().Year
	from, to := calendar.D(year, time.January, 1), calendar.D(year, time.December, 31)
	for _, o := range s.Plan().Objectives {
		for _, ind := range o.Indicators {
			for _, pid := range ind.Periods {
				p := Period{Year: year, ID: pid}
				nominal, due := s.IndicatorDue(p)
				out = append(out, Instance{Key: IndicatorKey(ind.ID, p), Kind: KindIndicator, ObjectiveID: o.ID,
					IndicatorID: ind.ID, Period: p.String(), Nominal: nominal, Due: due, Assignees: ind.Assignees})
			}
		}
		for _, ph := range o.Phases {
			if ph.Deadline == "" {
				continue
			}
			rule, err := deadline.Parse(ph.Deadline)
			if err != nil {
				continue
			}
			base := Instance{Kind: KindPhase, ObjectiveID: o.ID, PhaseN: ph.N, Rule: ph.Deadline, Assignees: ph.Assignees}
			if ev := rule.Event(); ev != "" {
				if _, ok := events[ev]; !ok {
					base.Key, base.Period, base.Event = phaseKey(o.ID, ph.N, ev), ev, ev
					out = append(out, base)
					continue
				}
			}
			wFrom, wTo := from, to
			if rule.Event() != "" {
				// The event may be dated in any year; its item is one.
				wFrom, wTo = from.AddDays(-3660), to.AddDays(3660)
			}
			for _, occ := range rule.Occurrences(s.Cal, wFrom, wTo, events) {
				in := base
				in.Key, in.Period, in.Nominal, in.Due = phaseKey(o.ID, ph.N, occ.Label), occ.Label, occ.Nominal, occ.Due
				if ev := rule.Event(); ev != "" {
					// Event-relative phases keep one item however the event moves.
					in.Key, in.Period, in.Event = phaseKey(o.ID, ph.N, ev), ev, ev
				}
				out = append(out, in)
			}
		}
	}
	return out
}

// Events returns the recorded event dates of the organisation.
func (e *Engine) Events(ctx context.Context, org string) (map[string]calendar.Date, error) {
	rows, err := e.st.Events(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	out := map[string]calendar.Date{}
	for _, r := range rows {
		if d, err := calendar.ParseDate(r.Date); err == nil {
			out[r.Name] = d
		}
	}
	return out, nil
}

// syncItems brings the stored items in step with the snapshot: new
// instances are added, changed due dates move the schedule (new steps,
// since step names carry the due date), items no longer in the plan are
// marked removed. States reached by people (submitted, done) are kept.
func (e *Engine) syncItems(ctx context.Context, snap *Snapshot, now time.Time) error {
	org := snap.Org()
	events, err := e.Events(ctx, org)
	if err != nil {
		return err
	}
	existing, err := e.st.Items(ctx, org)
	if err != nil {
		return err
	}
	have := make(map[string]store.Item, len(existing))
	for _, it := range existing {
		have[it.Key] = it
	}
	submitted, err := e.submittedSet(ctx, org)
	if err != nil {
		return err
	}
	var changed []store.Item
	seen := map[string]bool{}
	for _, in := range snap.Instances(events) {
		seen[in.Key] = true
		old, ok := have[in.Key]
		it := old
		if !ok {
			it = store.Item{Org: org, Key: in.Key}
		}
		it.Kind, it.ObjectiveID, it.IndicatorID, it.PhaseN = in.Kind, in.ObjectiveID, in.IndicatorID, in.PhaseN
		it.Period, it.Rule, it.Nominal, it.Due = in.Period, in.Rule, in.Nominal.String(), in.Due.String()
		it.Assignees = strings.Join(in.Assignees, ",")
		switch {
		case in.Kind == KindIndicator && submitted[in.IndicatorID+"\x00"+in.Period]:
			it.State = store.StateSubmitted
		case it.State == store.StateDone:
		case in.Due.IsZero():
			it.State = store.StateAwaitingEvent
		default:
			it.State = store.StateOpen
		}
		it.Tracked = !in.Due.IsZero() && !in.Due.Before(snap.TrackingStart)
		it.NextActionAt = 0
		if it.State == store.StateOpen && it.Tracked {
			after := store.FromMillis(it.SweptUntil)
			if next, ok := snap.Policy.Next(in.Due, after); ok {
				it.NextActionAt = store.Millis(next)
			}
		}
		if !ok || it != old {
			changed = append(changed, it)
		}
	}
	for _, it := range existing {
		if !seen[it.Key] && it.State != store.StateRemoved {
			it.State, it.NextActionAt = store.StateRemoved, 0
			changed = append(changed, it)
		}
	}
	if err := e.st.SaveItems(ctx, changed); err != nil {
		return err
	}
	if len(changed) > 0 {
		e.log.DebugContext(ctx, "items synced", "changed", len(changed))
	}
	return nil
}

// submittedSet returns indicator+period pairs that have a value.
func (e *Engine) submittedSet(ctx context.Context, org string) (map[string]bool, error) {
	vals, err := e.st.LatestValues(ctx, store.ValueFilter{Org: org})
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(vals))
	for _, v := range vals {
		out[v.IndicatorID+"\x00"+v.Period] = true
	}
	return out, nil
}

// SetEvent records (or moves) the date of an event such as the approval
// of the rendiconto, then brings the items in step: phases waiting for it
// get their due date, and a moved date moves their reminders. It returns
// how many items depend on the event.
func (e *Engine) SetEvent(ctx context.Context, name string, date calendar.Date, by string) (int, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" || strings.ContainsAny(name, " =") {
		return 0, &UserError{It: "nome dell'evento non valido: usare una parola (bilancio, rendiconto, piao ...)",
			En: "invalid event name: use one word (bilancio, rendiconto, piao ...)"}
	}
	snap := e.Snapshot()
	now := e.now()
	err := e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetEvent(ctx, store.Event{Org: snap.Org(), Name: name, Date: date.String(), SetBy: by, SetAt: store.Millis(now)}); err != nil {
			return fmt.Errorf("record event: %w", err)
		}
		return tx.Audit(ctx, snap.Org(), now, by, "event.set", name, date.String())
	})
	if err != nil {
		return 0, err
	}
	if err := e.syncItems(ctx, snap, now); err != nil {
		return 0, err
	}
	n := 0
	for _, in := range snap.Instances(map[string]calendar.Date{name: date}) {
		if in.Event == name {
			n++
		}
	}
	return n, nil
}
