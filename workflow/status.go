package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/calendar"
	"sollecito/workflow/target"
	"sollecito/workflow/value"
)

// EvaluateTarget says whether v meets the indicator's target. ok is false
// when the target is not machine-readable or v cannot be compared with it
// (see target.Target.Evaluate): then nothing is claimed either way.
func EvaluateTarget(ref *IndicatorRef, v value.Value) (met, ok bool) {
	if ref == nil {
		return false, false
	}
	return target.Parse(ref.Target).Evaluate(v)
}

// TargetMet says whether the value of a receipt meets the indicator's
// target, with ok false when that cannot be told.
func (r *Receipt) TargetMet() (met, ok bool) { return EvaluateTarget(r.Indicator, r.Value) }

// CompletionFilter narrows a status picture.
type CompletionFilter struct {
	Directorate string // directorate code; "" = every directorate
	Period      string // "2024-S1" or "S1"; "" = every period of the plan year
}

// CompletionRow is the picture of one directorate (or the totals).
type CompletionRow struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Indicators counts the indicator deadlines in scope; Due those due
	// up to today; Received those of them with a value.
	Indicators int `json:"indicators"`
	Due        int `json:"due"`
	Received   int `json:"received"`
	// Evaluated counts the values in scope compared with a readable
	// target; OnTarget those that meet it.
	Evaluated int `json:"evaluated"`
	OnTarget  int `json:"on_target"`
	// Overdue counts deadlines past due (with grace) still open; Awaiting
	// the phases waiting for an event date.
	Overdue  int `json:"overdue"`
	Awaiting int `json:"awaiting_event"`
}

// Rate returns Received/Due as a percentage, and false when nothing
// is due yet.
func (r CompletionRow) Rate() (float64, bool) {
	if r.Due == 0 {
		return 0, false
	}
	return 100 * float64(r.Received) / float64(r.Due), true
}

// OnTargetRate returns OnTarget/Evaluated as a percentage, and false when
// no value could be evaluated.
func (r CompletionRow) OnTargetRate() (float64, bool) {
	if r.Evaluated == 0 {
		return 0, false
	}
	return 100 * float64(r.OnTarget) / float64(r.Evaluated), true
}

func (r *CompletionRow) add(o CompletionRow) {
	r.Indicators += o.Indicators
	r.Due += o.Due
	r.Received += o.Received
	r.Evaluated += o.Evaluated
	r.OnTarget += o.OnTarget
	r.Overdue += o.Overdue
	r.Awaiting += o.Awaiting
}

// Completion is the plan's picture at a moment, by directorate: what
// `sollecito status` prints.
type Completion struct {
	At           time.Time       `json:"at"`
	Today        calendar.Date   `json:"today"`
	Period       string          `json:"period,omitempty"`
	Directorates []CompletionRow `json:"directorates"`
	Total        CompletionRow   `json:"total"`
}

// Completion computes completion (values received / due up to today) and
// the on-target rate per directorate, with totals. Phases count in Overdue
// and Awaiting only, and only when no period is asked for.
func (e *Engine) Completion(ctx context.Context, f CompletionFilter) (*Completion, error) {
	snap := e.Snapshot()
	now := e.now()
	today := snap.Cal.Today(now)
	out := &Completion{At: now, Today: today}
	if f.Directorate != "" {
		if _, ok := snap.Directorate(f.Directorate); !ok {
			return nil, snap.directorateError(f.Directorate)
		}
	}
	var period string
	if f.Period != "" {
		p, err := snap.ParsePeriod(f.Period)
		if err != nil {
			return nil, err
		}
		period = p.String()
		out.Period = period
	}
	items, err := e.st.Items(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	latest, err := e.st.LatestValues(ctx, store.ValueFilter{Org: snap.Org(), Period: period})
	if err != nil {
		return nil, err
	}
	vals := make(map[string]store.Value, len(latest))
	for _, v := range latest {
		vals[v.IndicatorID+"\x00"+v.Period] = v
	}
	rows := map[string]*CompletionRow{}
	for _, d := range snap.Plan().Directorates {
		rows[d.Code] = &CompletionRow{Code: d.Code, Name: d.Name}
	}
	for _, it := range items {
		o, ok := snap.Objective(it.ObjectiveID)
		if !ok || it.State == store.StateRemoved || rows[o.Directorate] == nil {
			continue
		}
		r := rows[o.Directorate]
		if it.Kind != KindIndicator {
			if period != "" {
				continue
			}
			due, _ := calendar.ParseDate(it.Due)
			switch {
			case it.State == store.StateAwaitingEvent:
				r.Awaiting++
			case it.State == store.StateOpen && it.Tracked && snap.Policy.DaysLate(due, today) > 0:
				r.Overdue++
			}
			continue
		}
		if period != "" && it.Period != period {
			continue
		}
		r.Indicators++
		v, has := vals[it.IndicatorID+"\x00"+it.Period]
		due, _ := calendar.ParseDate(it.Due)
		if !due.After(today) {
			r.Due++
			if has {
				r.Received++
			}
		}
		if !has && it.State == store.StateOpen && it.Tracked && snap.Policy.DaysLate(due, today) > 0 {
			r.Overdue++
		}
		if has {
			ref, _ := snap.Indicator(it.IndicatorID)
			if met, ok := EvaluateTarget(ref, ValueOf(v)); ok {
				r.Evaluated++
				if met {
					r.OnTarget++
				}
			}
		}
	}
	for _, d := range snap.Plan().Directorates {
		if f.Directorate != "" && d.Code != f.Directorate {
			continue
		}
		out.Directorates = append(out.Directorates, *rows[d.Code])
		out.Total.add(*rows[d.Code])
	}
	out.Total.Code = "*"
	return out, nil
}

func (s *Snapshot) directorateError(code string) error {
	var codes []string
	for _, d := range s.Plan().Directorates {
		codes = append(codes, d.Code)
	}
	return &UserError{
		It: fmt.Sprintf("direzione %q sconosciuta: codici validi %s", code, strings.Join(codes, ", ")),
		En: fmt.Sprintf("unknown directorate %q: valid codes %s", code, strings.Join(codes, ", ")),
	}
}
