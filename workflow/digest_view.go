package workflow

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"sollecito/notify"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// planView is the plan's state a digest run reads once for all its
// recipients: per service, the late items it may list and the count of
// all; the items awaiting an event; the latest values received recently;
// the people the digests name, and their channels.
type planView struct {
	st       *store.Store
	org      string
	todayISO string
	overdue  map[svcKey]lateList
	awaiting map[svcKey]lateList // items awaiting an event date, in plan order
	received []store.Value       // latest revision per indicator and period received in the look-back window
	// rc holds only the people a digest of this run may name: its
	// recipients, the assignees of the items it lists, the authors of the
	// values it lists, and everyone away today (see readDigestPeople).
	rc     *recipientContext
	away   []store.Person             // people away today, in plan order
	svcAt  map[svcKey]int             // plan position of each service's first objective
	dirsOf map[string]map[string]bool // directorates each person away is involved in, read on demand
}

// lateList is what a digest lists of one service's late items, or of
// those awaiting an event date.
type lateList struct {
	items []store.Item // at most notify.DigestListMax, the most late first (then in plan order)
	total int          // every such item of the service
}

// svcPos is the plan position of a service's first objective (services
// the plan no longer has come last).
func (v *planView) svcPos(k svcKey) int {
	if p, ok := v.svcAt[k]; ok {
		return p
	}
	return math.MaxInt
}

// involvedIn reports whether a person is an assignee of a late or
// awaiting item in one of the directorates of scope.
func (v *planView) involvedIn(ctx context.Context, person string, scope map[string]bool) (bool, error) {
	dirs, ok := v.dirsOf[person]
	if !ok {
		list, err := v.st.AssigneeDirectorates(ctx, v.org, person, v.todayISO)
		if err != nil {
			return false, err
		}
		dirs = map[string]bool{}
		for _, d := range list {
			dirs[d] = true
		}
		v.dirsOf[person] = dirs
	}
	for d := range dirs {
		if scope[d] {
			return true, nil
		}
	}
	return false, nil
}

// eachReceived calls fn, in the digest's order, for each value received
// after since whose indicator the plan has, with its service; listed is
// false for the values beyond the first notify.DigestListMax of their
// service, which a digest only counts.
func (v *planView) eachReceived(snap *Snapshot, since time.Time, fn func(k svcKey, ref *IndicatorRef, row store.Value, listed bool)) {
	n := map[svcKey]int{}
	for _, row := range v.received {
		if !ReceivedAt(row).After(since) {
			continue
		}
		ref, ok := snap.Indicator(row.IndicatorID)
		if !ok {
			continue
		}
		k := svcKey{ref.Objective.Directorate, ref.Objective.Service}
		n[k]++
		fn(k, ref, row, n[k] <= notify.DigestListMax)
	}
}

// lastLateScan bounds how far back lastLateDue looks for a due date that
// is late: far more than any grace period.
const lastLateScan = 400

// lastLateDue returns the latest due date that is late on today
// (Policy.DaysLate > 0, so past the grace period too), and false when
// none is within lastLateScan days. DaysLate never grows with the due
// date, so exactly the items due on or before it are late.
func lastLateDue(p *Policy, today calendar.Date) (calendar.Date, bool) {
	d := today.AddDays(-1)
	for range lastLateScan {
		if p.DaysLate(d, today) > 0 {
			return d, true
		}
		d = d.AddDays(-1)
	}
	return calendar.Date{}, false
}

// planView reads the state a digest run needs (see planView); sinceOf
// holds each recipient's "since", the values received after which their
// digest lists.
func (e *Engine) planView(ctx context.Context, snap *Snapshot, now time.Time, sinceOf map[string]time.Time) (*planView, error) {
	org := snap.Org()
	today := snap.Cal.Today(now)
	v := &planView{st: e.st, org: org, todayISO: today.String(),
		overdue: map[svcKey]lateList{}, awaiting: map[svcKey]lateList{}, svcAt: map[svcKey]int{}, dirsOf: map[string]map[string]bool{}}
	pos := snap.itemOrder()
	if last, ok := lastLateDue(snap.Policy, today); ok {
		if err := e.readLate(ctx, snap, v, last.String()); err != nil {
			return nil, err
		}
	}
	if err := e.readAwaiting(ctx, snap, v); err != nil {
		return nil, err
	}
	oldest := now
	for _, since := range sinceOf {
		if since.Before(oldest) {
			oldest = since
		}
	}
	all, err := e.st.AllValues(ctx, store.ValueFilter{Org: org, ReceivedAfter: oldest})
	if err != nil {
		return nil, err
	}
	// Keep the latest revision of each indicator and period (AllValues is
	// ordered by indicator, period, revision).
	for i, val := range all {
		if i+1 < len(all) && all[i+1].IndicatorID == val.IndicatorID && all[i+1].Period == val.Period {
			continue
		}
		v.received = append(v.received, val)
	}
	sort.SliceStable(v.received, func(i, j int) bool {
		a, b := v.received[i], v.received[j]
		pa, pb := pos(store.Item{Kind: KindIndicator, ObjectiveID: snap.objectiveOf(a.IndicatorID), IndicatorID: a.IndicatorID}),
			pos(store.Item{Kind: KindIndicator, ObjectiveID: snap.objectiveOf(b.IndicatorID), IndicatorID: b.IndicatorID})
		if pa != pb {
			return pa < pb
		}
		return a.Period < b.Period
	})
	if err := e.readDigestPeople(ctx, snap, v, now, sinceOf); err != nil {
		return nil, err
	}
	v.placeServices(snap)
	return v, nil
}

// placeServices fills v.svcAt for the services the view has something
// of, reading the plan's objectives only until it has found them all.
func (v *planView) placeServices(snap *Snapshot) {
	missing := map[svcKey]bool{}
	for k := range v.overdue {
		missing[k] = true
	}
	for k := range v.awaiting {
		missing[k] = true
	}
	for _, row := range v.received {
		if ref, ok := snap.Indicator(row.IndicatorID); ok {
			missing[svcKey{ref.Objective.Directorate, ref.Objective.Service}] = true
		}
	}
	for i, o := range snap.Plan().Objectives {
		if len(missing) == 0 {
			return
		}
		if k := (svcKey{o.Directorate, o.Service}); missing[k] {
			v.svcAt[k] = i
			delete(missing, k)
		}
	}
}

// readDigestPeople fills v.rc with the people the run's digests may name
// (see planView.rc), and lists those away today in plan order. Only the
// recipients (for their channels) and the people away today are read:
// the others are named in lines, and the plan has their names (it is
// what the store's rows of active people are synchronised from; nobody
// else is away).
func (e *Engine) readDigestPeople(ctx context.Context, snap *Snapshot, v *planView, now time.Time, sinceOf map[string]time.Time) error {
	recipients := make([]string, 0, len(sinceOf))
	for id := range sinceOf {
		recipients = append(recipients, id)
	}
	sort.Strings(recipients)
	people, err := e.st.PeopleNamedOrAway(ctx, snap.Org(), recipients, v.todayISO)
	if err != nil {
		return err
	}
	if v.rc, err = e.newRecipientContext(ctx, snap, now, people); err != nil {
		return err
	}
	name := func(id string) {
		if _, ok := v.rc.people[id]; ok || id == "" {
			return
		}
		if p, ok := snap.Person(id); ok {
			v.rc.people[id] = store.Person{Org: snap.Org(), ID: p.ID, Name: p.Name, Email: p.Email, Language: p.Lang(),
				Roles: strings.Join(p.Roles, ","), Title: p.Title, Active: true}
		}
	}
	assignees := func(items []store.Item) {
		for _, it := range items {
			for _, id := range strings.Split(it.Assignees, ",") {
				name(id)
			}
		}
	}
	for _, late := range v.overdue {
		assignees(late.items)
	}
	for _, list := range v.awaiting {
		assignees(list.items)
	}
	// The values listed depend on since only: once for each.
	done := map[time.Time]bool{}
	for _, since := range sinceOf {
		if done[since] {
			continue
		}
		done[since] = true
		v.eachReceived(snap, since, func(_ svcKey, _ *IndicatorRef, row store.Value, listed bool) {
			if listed {
				name(row.ByPerson)
			}
		})
	}
	away := map[string]bool{}
	for _, p := range people {
		if isAway(p, v.rc.today) {
			away[p.ID] = true
		}
	}
	if len(away) == 0 {
		return nil
	}
	for _, p := range snap.Plan().People {
		if away[p.ID] {
			v.away = append(v.away, v.rc.people[p.ID])
		}
	}
	return nil
}

func (s *Snapshot) objectiveOf(indicatorID string) string {
	if ref, ok := s.Indicator(indicatorID); ok {
		return ref.Objective.ID
	}
	return ""
}

// itemOrder returns a function ordering items as the plan lists them:
// objective, then its indicators, then its phases.
func (s *Snapshot) itemOrder() func(it store.Item) int {
	s.orderOnce.Do(func() {
		s.objPos, s.indPos = map[string]int{}, map[string]int{}
		for i, o := range s.Plan().Objectives {
			s.objPos[o.ID] = i
			for j, ind := range o.Indicators {
				s.indPos[ind.ID] = j
			}
		}
	})
	objPos, indPos := s.objPos, s.indPos
	return func(it store.Item) int {
		p, ok := objPos[it.ObjectiveID]
		if !ok {
			p = len(objPos)
		}
		n := p * 10000
		if it.Kind == KindIndicator {
			return n + indPos[it.IndicatorID]
		}
		return n + 5000 + it.PhaseN
	}
}
