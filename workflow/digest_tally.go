package workflow

import (
	"context"
	"sort"

	"sollecito/notify"
	"sollecito/store"
)

// A digest lists, per service, the first notify.DigestListMax items of a
// kind (late, or awaiting an event date) and counts the rest. The store
// gives every such item as its objective and due date, from an index
// alone; a serviceTally counts them per service of the plan and says
// which (due date, objective) pairs hold the items listed, the only rows
// read. Items are listed by due date (the earliest are the most late),
// then in plan order: objective, then indicator or phase.

// serviceTally counts items given as (due date, objective) by ascending
// due date, per service of the plan. Items of objectives the plan no
// longer has are left out.
type serviceTally struct {
	snap  *Snapshot
	limit int
	svcs  map[svcKey]*svcTally
	// prevObj and prev (its service, nil when not in the plan) save a
	// look-up per item: a day's items come by objective.
	prevObj string
	prev    *svcTally
}

// svcTally is one service's count.
type svcTally struct {
	total int
	// days are the due dates with fewer than limit items due earlier:
	// those the list is made of.
	days []tallyDay
}

// tallyDay is one due date's items of a service, by objective.
type tallyDay struct {
	due    string
	before int // the service's items due earlier
	objs   []tallyObjective
}

type tallyObjective struct {
	id string
	n  int
}

func newServiceTally(snap *Snapshot, limit int) *serviceTally {
	return &serviceTally{snap: snap, limit: limit, svcs: map[svcKey]*svcTally{}}
}

// add counts one item; due dates come in ascending order.
func (t *serviceTally) add(due, obj string) {
	if obj != t.prevObj || t.prevObj == "" {
		t.prevObj, t.prev = obj, nil
		if o, ok := t.snap.Objective(obj); ok {
			k := svcKey{o.Directorate, o.Service}
			if t.prev = t.svcs[k]; t.prev == nil {
				t.prev = &svcTally{}
				t.svcs[k] = t.prev
			}
		}
	}
	s := t.prev
	if s == nil {
		return
	}
	s.total++
	if n := len(s.days); n == 0 || s.days[n-1].due != due {
		if s.total-1 >= t.limit {
			return // the days listed are over
		}
		s.days = append(s.days, tallyDay{due: due, before: s.total - 1})
	}
	d := &s.days[len(s.days)-1]
	if n := len(d.objs); n > 0 && d.objs[n-1].id == obj {
		d.objs[n-1].n++
	} else {
		d.objs = append(d.objs, tallyObjective{id: obj, n: 1})
	}
}

// listed returns the (due date, objective) pairs that hold each
// service's first limit items: every day listed from, all of its
// objectives but on the last, where only the first in plan order that
// reach the limit. An objective's items are contiguous in plan order.
func (t *serviceTally) listed() []store.DueObjective {
	pos := t.snap.itemOrder()
	objPos := func(id string) int { return pos(store.Item{ObjectiveID: id, Kind: KindPhase}) }
	var pairs []store.DueObjective
	for _, s := range t.svcs {
		for _, d := range s.days {
			sort.SliceStable(d.objs, func(i, j int) bool { return objPos(d.objs[i].id) < objPos(d.objs[j].id) })
			need, got := t.limit-d.before, 0
			for i, o := range d.objs {
				if got >= need {
					break
				}
				got += o.n
				if i == 0 || d.objs[i-1].id != o.id {
					pairs = append(pairs, store.DueObjective{Due: d.due, ObjectiveID: o.id})
				}
			}
		}
	}
	return pairs
}

// lists orders the items read of the pairs listed by service and keeps
// each service's first limit, with its count.
func (t *serviceTally) lists(items []store.Item) map[svcKey]lateList {
	pos := t.snap.itemOrder()
	bySvc := map[svcKey][]store.Item{}
	for _, it := range items {
		if o, ok := t.snap.Objective(it.ObjectiveID); ok {
			k := svcKey{o.Directorate, o.Service}
			bySvc[k] = append(bySvc[k], it)
		}
	}
	out := make(map[svcKey]lateList, len(t.svcs))
	for k, s := range t.svcs {
		items := bySvc[k]
		sort.Slice(items, func(i, j int) bool {
			a, b := items[i], items[j]
			if a.Due != b.Due {
				return a.Due < b.Due
			}
			if pa, pb := pos(a), pos(b); pa != pb {
				return pa < pb
			}
			return a.Key < b.Key
		})
		out[k] = lateList{items: items[:min(len(items), t.limit)], total: s.total}
	}
	return out
}

// readLate fills v.overdue: per service, its items late on the day of
// lastDue (open, tracked, due on or before it): the count and the most
// late. Days late never grow with the due date, so the earliest due
// dates are the most late.
func (e *Engine) readLate(ctx context.Context, snap *Snapshot, v *planView, lastDue string) error {
	t := newServiceTally(snap, notify.DigestListMax)
	if err := e.st.LateObjectives(ctx, v.org, lastDue, t.add); err != nil {
		return err
	}
	items, err := e.st.LateLines(ctx, v.org, t.listed())
	if err != nil {
		return err
	}
	v.overdue = t.lists(items)
	return nil
}

// readAwaiting fills v.awaiting: per service, its items awaiting an
// event date (no due date yet), the count and the first in plan order.
func (e *Engine) readAwaiting(ctx context.Context, snap *Snapshot, v *planView) error {
	t := newServiceTally(snap, notify.DigestListMax)
	if err := e.st.AwaitingObjectives(ctx, v.org, func(obj string) { t.add("", obj) }); err != nil {
		return err
	}
	var ids []string
	for _, p := range t.listed() {
		ids = append(ids, p.ObjectiveID)
	}
	items, err := e.st.AwaitingLines(ctx, v.org, ids)
	if err != nil {
		return err
	}
	v.awaiting = t.lists(items)
	return nil
}
