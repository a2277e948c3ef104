package workflow

import (
	"context"
	"strconv"
	"sync"

	"sollecito/notify"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// A large plan renders the same items' lines hundreds of thousands of
// times a year. What the plan decides of a line (titles, codes, period
// names), and the fields of the item it comes from, are remembered per
// item in the snapshot; only an item's state and due date are read again
// for each message (they change under a snapshot: values, events).

// itemLines is a snapshot's memory of item lines, by item key.
type itemLines struct {
	mu    sync.RWMutex
	items map[string]*itemLine
}

// itemLine is what is remembered of one item: the fields the plan sets
// (no state, due date or schedule), kept apart from store.Item's other
// dozen fields (a large plan has some 80,000 items).
type itemLine struct {
	kind, objectiveID, indicatorID string
	phaseN                         int
	period, rule, assignees        string
	parts                          [2]*lineParts // by language: Italian, English
}

// item returns the remembered fields as an item of org under key.
func (l *itemLine) item(org, key string) store.Item {
	return store.Item{Org: org, Key: key, Kind: l.kind, ObjectiveID: l.objectiveID, IndicatorID: l.indicatorID,
		PhaseN: l.phaseN, Period: l.period, Rule: l.rule, Assignees: l.assignees}
}

// lineParts are the parts of an item's line that the plan decides, and
// ref, the item's name in Message.Items ("I-01.1@2024-S1").
type lineParts struct {
	code, title, objective, period, target, ref string
	phase                                       bool
}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// knownItem returns the remembered plan fields of an item of org.
func (s *Snapshot) knownItem(org, key string) (store.Item, bool) {
	s.lines.mu.RLock()
	l := s.lines.items[key]
	s.lines.mu.RUnlock()
	if l == nil {
		return store.Item{}, false
	}
	return l.item(org, key), true
}

// rememberItem keeps the plan fields of an item read from the database.
func (s *Snapshot) rememberItem(it store.Item) *itemLine {
	s.lines.mu.Lock()
	defer s.lines.mu.Unlock()
	if s.lines.items == nil {
		s.lines.items = map[string]*itemLine{}
	}
	l := s.lines.items[it.Key]
	if l == nil {
		l = &itemLine{kind: it.Kind, objectiveID: it.ObjectiveID, indicatorID: it.IndicatorID, phaseN: it.PhaseN,
			period: it.Period, rule: it.Rule, assignees: it.Assignees}
		s.lines.items[it.Key] = l
	}
	return l
}

// readLineItems reads the items of keys as message lines need them into
// out: their state and due date from the database, the rest as
// remembered, reading whole items only for those not seen before.
func (e *Engine) readLineItems(ctx context.Context, snap *Snapshot, org string, keys []string, out map[string]store.Item) error {
	states, err := e.st.LineStates(ctx, org, keys)
	if err != nil {
		return err
	}
	var unknown []string
	for _, st := range states {
		if _, ok := snap.knownItem(org, st.Key); !ok {
			unknown = append(unknown, st.Key)
		}
	}
	if len(unknown) > 0 {
		items, err := e.st.LineItems(ctx, org, unknown)
		if err != nil {
			return err
		}
		for _, it := range items {
			snap.rememberItem(it)
		}
	}
	for _, st := range states {
		it, ok := snap.knownItem(org, st.Key)
		if !ok {
			continue // removed between the two reads
		}
		it.State, it.Due = st.State, st.Due
		out[st.Key] = it
	}
	return nil
}

// line describes an item for a message.
func (s *Snapshot) line(it store.Item, lang string, rc *recipientContext) notify.Line {
	l, _ := s.lineAndRef(it, lang, rc)
	return l
}

// lineAndRef is line and the item's name in Message.Items.
func (s *Snapshot) lineAndRef(it store.Item, lang string, rc *recipientContext) (notify.Line, string) {
	p := s.lineParts(it, lang)
	due, late := rc.due(s, it.Due)
	return notify.Line{Code: p.code, Title: p.title, Objective: p.objective, Period: p.period, Target: p.target, Phase: p.phase,
		Due: due, DaysLate: late}, p.ref
}

func (s *Snapshot) lineParts(it store.Item, lang string) *lineParts {
	li := langIndex(lang)
	s.lines.mu.RLock()
	l := s.lines.items[it.Key]
	var p *lineParts
	if l != nil {
		p = l.parts[li]
	}
	s.lines.mu.RUnlock()
	if p != nil {
		return p
	}
	if l == nil {
		l = s.rememberItem(it)
	}
	p = s.newLineParts(l.item(it.Org, it.Key), lang)
	s.lines.mu.Lock()
	l.parts[li] = p
	s.lines.mu.Unlock()
	return p
}

func (s *Snapshot) newLineParts(it store.Item, lang string) *lineParts {
	p := &lineParts{}
	// Objective titles and period names are shared by many items.
	p.objective = s.label("o\x00"+it.ObjectiveID, func() string {
		if o, ok := s.Objective(it.ObjectiveID); ok {
			return o.ID + " " + short(o.Title, 60)
		}
		return ""
	})
	switch it.Kind {
	case KindIndicator:
		p.code = it.IndicatorID
		if ref, ok := s.Indicator(it.IndicatorID); ok {
			p.title = s.label("i\x00"+ref.ID, func() string { return short(ref.Description, 120) })
			p.target = ref.Target
		}
		p.period = s.label("p\x00"+lang+"\x00"+it.Period, func() string {
			if per, err := s.ParsePeriod(it.Period); err == nil {
				return s.PeriodName(per, lang)
			}
			return ""
		})
	default:
		p.phase = true
		p.code = it.ObjectiveID + "/" + strconv.Itoa(it.PhaseN)
		p.title = s.label("f\x00"+p.code, func() string {
			if o, ok := s.Objective(it.ObjectiveID); ok {
				for _, ph := range o.Phases {
					if ph.N == it.PhaseN {
						return short(ph.Text, 120)
					}
				}
			}
			return ""
		})
		p.period = it.Period
		if it.Rule != "" {
			p.period += " (" + it.Rule + ")"
		}
	}
	p.ref = p.code + "@" + it.Period
	return p
}

// due returns an ISO due date as dd/mm/yyyy and the working days it is
// late today, computed once per date for the context's life.
func (rc *recipientContext) due(s *Snapshot, iso string) (string, int) {
	if d, ok := rc.dues[iso]; ok {
		return d.italian, d.late
	}
	due, _ := calendar.ParseDate(iso)
	d := dueInfo{italian: due.Italian(), late: s.Policy.DaysLate(due, rc.today)}
	if rc.dues == nil {
		rc.dues = map[string]dueInfo{}
	}
	rc.dues[iso] = d
	return d.italian, d.late
}

type dueInfo struct {
	italian string
	late    int
}
