package workflow

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"sollecito/store"
	"sollecito/workflow/calendar"
)

// PersonItem is one deadline item of a person, described for a chat: what
// it is, when it is due, how late it is and, for indicators, what value it
// expects.
type PersonItem struct {
	Key         string
	Kind        string // KindIndicator or KindPhase
	State       string // store.State*
	Code        string // indicator id, or "OBJECTIVE/N" for a phase
	IndicatorID string
	ObjectiveID string
	Period      string // "2024-S1", or the phase occurrence label
	PeriodName  string // "1° semestre 2024"
	Title       string
	Due         calendar.Date // zero while awaiting an event
	DaysLate    int           // working days past the grace period; 0 when not late
	ValueKind   string        // indicators: the value kind (percent, ratio ...)
	Target      string        // indicators: the target as written in the plan
	Numerator   string        // ratio indicators: label of the numerator
	Denominator string        // ratio indicators: label of the denominator
}

// Open reports whether the item still waits for a value or to be done.
func (p PersonItem) Open() bool {
	return p.State == store.StateOpen || p.State == store.StateAwaitingEvent
}

// PersonItems lists the items assigned to personID in lang: open ones
// first by due date, then those already answered. Removed items are left
// out; openOnly leaves out answered ones too.
func (e *Engine) PersonItems(ctx context.Context, personID, lang string, openOnly bool) ([]PersonItem, error) {
	snap := e.Snapshot()
	items, err := e.st.Items(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	today := snap.Cal.Today(e.now())
	var out []PersonItem
	for _, it := range items {
		if it.State == store.StateRemoved || !slices.Contains(strings.Split(it.Assignees, ","), personID) {
			continue
		}
		pi := snap.personItem(it, lang, today)
		if openOnly && !pi.Open() {
			continue
		}
		out = append(out, pi)
	}
	sortItems(out)
	return out, nil
}

// sortItems puts open items first, then by due date (undated last), kind
// and code.
func sortItems(items []PersonItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Open() != b.Open() {
			return a.Open()
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			return !a.Due.IsZero()
		}
		if c := a.Due.Compare(b.Due); c != 0 {
			return c < 0
		}
		return a.Key < b.Key
	})
}

func (s *Snapshot) personItem(it store.Item, lang string, today calendar.Date) PersonItem {
	pi := PersonItem{Key: it.Key, Kind: it.Kind, State: it.State, IndicatorID: it.IndicatorID,
		ObjectiveID: it.ObjectiveID, Period: it.Period, PeriodName: it.Period}
	pi.Due, _ = calendar.ParseDate(it.Due)
	if it.State == store.StateOpen && !pi.Due.IsZero() {
		pi.DaysLate = max(s.Policy.DaysLate(pi.Due, today), 0)
	}
	switch it.Kind {
	case KindIndicator:
		pi.Code = it.IndicatorID
		if ref, ok := s.Indicator(it.IndicatorID); ok {
			pi.Title, pi.ValueKind, pi.Target = short(ref.Description, 120), ref.Kind, ref.Target
			pi.Numerator, pi.Denominator = ref.Numerator, ref.Denominator
		}
		if p, err := s.ParsePeriod(it.Period); err == nil {
			pi.PeriodName = s.PeriodName(p, lang)
		}
	default:
		pi.Code = fmt.Sprintf("%s/%d", it.ObjectiveID, it.PhaseN)
		if o, ok := s.Objective(it.ObjectiveID); ok {
			for _, ph := range o.Phases {
				if ph.N == it.PhaseN {
					pi.Title = short(ph.Text, 120)
				}
			}
		}
	}
	return pi
}

// ItemRef turns a code as messages show it ("I-01.1@2024-S1", "I-01/2@S1
// 2024") back into an item key.
func ItemRef(code string) string {
	c, period, ok := strings.Cut(code, "@")
	if !ok {
		return ""
	}
	if obj, n, ok := strings.Cut(c, "/"); ok {
		return "ph:" + obj + ":" + n + ":" + period
	}
	return "ind:" + c + ":" + period
}

// StatusLine summarises the items of one directorate for /stato.
type StatusLine struct {
	Directorate string
	Name        string
	Open        int // open and not yet late
	Late        int // open and late
	Answered    int // submitted or done
	// LateItems describe the late items: "I-01.1 (1° semestre 2024): Anna Rossi, 4 gg".
	LateItems []PersonItem
	LateWho   [][]string // names of the assignees of each late item
}

// Status returns the picture of the directorates personID may see:
// coordinators and administrators see every directorate, a responsabile or
// dirigente only their own (those of the objectives they are responsible
// for, and the one they head). Anyone else gets a *UserError.
func (e *Engine) Status(ctx context.Context, personID, lang string) ([]StatusLine, error) {
	snap := e.Snapshot()
	scope := snap.statusScope(personID)
	if scope != nil && len(scope) == 0 {
		return nil, &UserError{
			It: "il quadro è riservato ai responsabili, ai dirigenti e al controllo di gestione",
			En: "the status is for responsabili, dirigenti and coordinators only",
		}
	}
	items, err := e.st.Items(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	today := snap.Cal.Today(e.now())
	lines := map[string]*StatusLine{}
	var order []string
	for _, it := range items {
		o, ok := snap.Objective(it.ObjectiveID)
		if !ok || it.State == store.StateRemoved || (scope != nil && !scope[o.Directorate]) {
			continue
		}
		l, ok := lines[o.Directorate]
		if !ok {
			l = &StatusLine{Directorate: o.Directorate, Name: o.Directorate}
			if d, ok := snap.Directorate(o.Directorate); ok {
				l.Name = d.Name
			}
			lines[o.Directorate] = l
			order = append(order, o.Directorate)
		}
		pi := snap.personItem(it, lang, today)
		switch {
		case !pi.Open():
			l.Answered++
		case pi.DaysLate > 0:
			l.Late++
			l.LateItems = append(l.LateItems, pi)
			var who []string
			for _, id := range strings.Split(it.Assignees, ",") {
				if p, ok := snap.Person(id); ok {
					who = append(who, p.Name)
				}
			}
			l.LateWho = append(l.LateWho, who)
		default:
			l.Open++
		}
	}
	sort.Strings(order)
	out := make([]StatusLine, 0, len(order))
	for _, d := range order {
		out = append(out, *lines[d])
	}
	return out, nil
}

// statusScope returns nil when personID sees everything, else the set of
// directorate codes they may see (empty: none).
func (s *Snapshot) statusScope(personID string) map[string]bool {
	if s.IsCoordinator(personID) || s.IsAdmin(personID) {
		return nil
	}
	scope := map[string]bool{}
	for _, o := range s.Plan().Objectives {
		if o.Responsabile == personID {
			scope[o.Directorate] = true
		}
	}
	for _, d := range s.Plan().Directorates {
		if d.Dirigente == personID {
			scope[d.Code] = true
		}
	}
	return scope
}
