package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"sollecito/config"
	"sollecito/notify"
	"sollecito/store"
	"sollecito/workflow/calendar"
	"sollecito/workflow/target"
)

// Digest kinds: who receives it and what they see.
const (
	// DigestCoordinators goes to the coordinators: every directorate.
	DigestCoordinators = "coordinators"
	// DigestDirigenti goes to each directorate's dirigente: their own
	// directorate only.
	DigestDirigenti = "dirigenti"
)

// DigestCatchUp is how long after its scheduled moment a digest missed
// while the daemon was down is still sent (once, late). Older moments are
// skipped: the next digest covers everything since the last one sent.
const DigestCatchUp = 12 * time.Hour

// DigestResult says what a digest run did.
type DigestResult struct {
	// Moment is the scheduled moment the run served (zero: none due).
	Moment time.Time
	// AlreadyDone is true when that moment had been served before.
	AlreadyDone bool
	Recipients  int // people with something to read
	Messages    int // outbox rows created
	Empty       int // people skipped because their digest had nothing to say
	Away        int // people skipped because they are away
}

// DigestSpec returns the cron schedule of a digest kind ("" = disabled),
// or an error for an unknown kind.
func (s *Snapshot) DigestSpec(kind string) (string, error) {
	switch kind {
	case DigestCoordinators:
		return s.Config().Digests.Coordinators, nil
	case DigestDirigenti:
		return s.Config().Digests.Dirigenti, nil
	}
	return "", &UserError{
		It: fmt.Sprintf("riepilogo %q sconosciuto: usare %s o %s", kind, DigestCoordinators, DigestDirigenti),
		En: fmt.Sprintf("unknown digest %q: use %s or %s", kind, DigestCoordinators, DigestDirigenti),
	}
}

// DigestMoment returns the latest scheduled moment of a digest kind at or
// before now and within DigestCatchUp of it, and false when there is none
// (disabled, or the last moment is older).
func (s *Snapshot) DigestMoment(kind string, now time.Time) (time.Time, bool, error) {
	spec, err := s.DigestSpec(kind)
	if err != nil || spec == "" {
		return time.Time{}, false, err
	}
	sched, err := config.CronParser.Parse(spec)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("digest schedule %q: %w", spec, err)
	}
	var last time.Time
	for t := sched.Next(now.Add(-DigestCatchUp).In(s.L.Location())); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		last = t
	}
	return last, !last.IsZero(), nil
}

func digestMetaKey(kind string) string { return "digest:" + kind + ":moment" }

func digestPersonKey(kind, person string) string { return "digest:" + kind + ":last:" + person }

// Digest enqueues the digest of kind for its latest scheduled moment (see
// DigestMoment): one outbox row per recipient and channel, under the key
// digest:KIND:PERSON:CHANNEL:MOMENT, so the same digest is never queued
// twice, across restarts too. A moment already served does nothing; a
// recipient whose digest would be empty, or who is away, gets nothing.
// Each recipient's "last digest" is recorded so the next one lists the
// values received since.
func (e *Engine) Digest(ctx context.Context, kind string) (DigestResult, error) {
	snap := e.Snapshot()
	now := e.now()
	moment, ok, err := snap.DigestMoment(kind, now)
	if err != nil || !ok {
		return DigestResult{}, err
	}
	return e.digestAt(ctx, snap, kind, moment, now)
}

func (e *Engine) digestAt(ctx context.Context, snap *Snapshot, kind string, moment, now time.Time) (DigestResult, error) {
	org := snap.Org()
	res := DigestResult{Moment: moment}
	prev, err := e.metaMillis(ctx, org, digestMetaKey(kind))
	if err != nil {
		return res, err
	}
	if prev >= store.Millis(moment) {
		res.AlreadyDone = true
		return res, nil
	}
	// Values are listed since the recipient's last digest; a first digest
	// looks back to the previous run, or a week.
	defSince := moment.AddDate(0, 0, -7)
	if prev > 0 {
		defSince = store.FromMillis(prev)
	}
	type recipient struct {
		id    string
		scope map[string]bool // directorate codes; nil = all
	}
	var recips []recipient
	switch kind {
	case DigestCoordinators:
		for _, id := range snap.Coordinators() {
			recips = append(recips, recipient{id: id})
		}
	default:
		byDir := map[string]map[string]bool{}
		var order []string
		for _, d := range snap.Plan().Directorates {
			if d.Dirigente == "" {
				continue
			}
			if byDir[d.Dirigente] == nil {
				byDir[d.Dirigente] = map[string]bool{}
				order = append(order, d.Dirigente)
			}
			byDir[d.Dirigente][d.Code] = true
		}
		for _, id := range order {
			recips = append(recips, recipient{id: id, scope: byDir[id]})
		}
	}
	// Each recipient's "since"; values are read back to the oldest only.
	sinceOf := map[string]time.Time{}
	oldest := defSince
	for _, r := range recips {
		sinceOf[r.id] = defSince
		if ms, err := e.metaMillis(ctx, org, digestPersonKey(kind, r.id)); err != nil {
			return res, err
		} else if ms > 0 {
			sinceOf[r.id] = store.FromMillis(ms)
		}
		if sinceOf[r.id].Before(oldest) {
			oldest = sinceOf[r.id]
		}
	}
	view, err := e.planView(ctx, snap, now, oldest)
	if err != nil {
		return res, err
	}
	var rows []store.OutboxRow
	seen := map[string]int64{}
	for _, r := range recips {
		p, ok := view.rc.people[r.id]
		if !ok || !p.Active {
			continue
		}
		if view.rc.away(r.id) {
			res.Away++
			continue
		}
		since := sinceOf[r.id]
		lang := langOf(p.Language)
		d, err := view.digest(ctx, snap, r.scope, since, lang)
		if err != nil {
			return res, err
		}
		d.Name, d.Date = p.Name, snap.Cal.Today(moment).Italian()
		if d.Empty() {
			res.Empty++
			continue
		}
		chans := view.rc.channels(r.id)
		if len(chans) == 0 {
			continue
		}
		rendered := notify.RenderDigest(d)
		res.Recipients++
		seen[r.id] = store.Millis(now)
		for _, ch := range chans {
			payload, err := notePayloadJSON(NotePayload{Subject: rendered.Subject, Text: rendered.Text, HTML: rendered.HTML, TGHTML: rendered.TGHTML})
			if err != nil {
				return res, err
			}
			rows = append(rows, store.OutboxRow{Org: org, Key: DigestKey(kind, r.id, ch, moment), PersonID: r.id, Channel: ch,
				Kind: OutboxDigest, Payload: payload, NextAttemptAt: store.Millis(now), CreatedAt: store.Millis(now)})
		}
	}
	err = e.st.Tx(ctx, func(tx *store.Store) error {
		// Claim the moment first: of two runs at once, the second finds
		// it taken and its rows (same keys) have no effect anyway.
		cur, err := metaMillisOf(ctx, tx, org, digestMetaKey(kind))
		if err != nil {
			return err
		}
		if cur >= store.Millis(moment) {
			res.AlreadyDone, rows = true, nil
			return nil
		}
		if err := tx.SetMeta(ctx, org, digestMetaKey(kind), strconv.FormatInt(store.Millis(moment), 10)); err != nil {
			return fmt.Errorf("record digest moment: %w", err)
		}
		if _, err := tx.Enqueue(ctx, rows); err != nil {
			return err
		}
		for id, ms := range seen {
			if err := tx.SetMeta(ctx, org, digestPersonKey(kind, id), strconv.FormatInt(ms, 10)); err != nil {
				return fmt.Errorf("record last digest: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return DigestResult{Moment: moment}, fmt.Errorf("digest %s: %w", kind, err)
	}
	if res.AlreadyDone {
		return DigestResult{Moment: moment, AlreadyDone: true}, nil
	}
	res.Messages = len(rows)
	e.log.InfoContext(ctx, "digest", slog.String("kind", kind), slog.Time("moment", moment),
		slog.Int("recipients", res.Recipients), slog.Int("messages", res.Messages), slog.Int("empty", res.Empty), slog.Int("away", res.Away))
	return res, nil
}

// DigestKey is the outbox key of one digest for one person and channel.
func DigestKey(kind, person, channel string, moment time.Time) string {
	return fmt.Sprintf("digest:%s:%s:%s:%s", kind, person, channel, moment.UTC().Format(time.RFC3339))
}

func (e *Engine) metaMillis(ctx context.Context, org, key string) (int64, error) {
	return metaMillisOf(ctx, e.st, org, key)
}

func metaMillisOf(ctx context.Context, st *store.Store, org, key string) (int64, error) {
	v, err := st.Meta(ctx, org, key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return ms, nil
}

// svcKey names a service within its directorate.
type svcKey struct{ dir, svc string }

// digest builds the digest content for a scope (nil: every directorate).
func (v *planView) digest(ctx context.Context, snap *Snapshot, scope map[string]bool, since time.Time, lang string) (notify.Digest, error) {
	loc := snap.L.Location()
	d := notify.Digest{Lang: lang, Org: snap.Plan().Organisation, Since: since.In(loc).Format("02/01/2006 15:04")}
	svcs := map[svcKey]*notify.DigestService{}
	get := func(k svcKey) *notify.DigestService {
		if s, ok := svcs[k]; ok {
			return s
		}
		svcs[k] = &notify.DigestService{Name: k.svc}
		return svcs[k]
	}
	in := func(dir string) bool { return scope == nil || scope[dir] }
	// The view holds, per service, only what a digest may list (the most
	// late first) and the count of the rest.
	for k, late := range v.overdue {
		if !in(k.dir) {
			continue
		}
		s := get(k)
		for _, it := range late.items {
			l := snap.line(it, lang, v.rc)
			people, _ := snap.peopleLine(it, lang, v.rc)
			s.Overdue = append(s.Overdue, notify.DigestItem{Code: l.Code, Title: l.Title, Period: l.Period, Due: l.Due, DaysLate: l.DaysLate, People: people})
		}
		s.MoreOverdue = late.total - len(late.items)
	}
	for k, list := range v.awaiting {
		if !in(k.dir) {
			continue
		}
		s := get(k)
		for i, it := range list {
			if i == notify.DigestListMax {
				s.MoreAwaiting = len(list) - i
				break
			}
			l := snap.line(it, lang, v.rc)
			people, _ := snap.peopleLine(it, lang, v.rc)
			s.Awaiting = append(s.Awaiting, notify.DigestItem{Code: l.Code, Title: l.Title, Period: it.Rule, Event: it.Period, People: people})
		}
	}
	for _, row := range v.received {
		if !ReceivedAt(row).After(since) {
			continue
		}
		ref, ok := snap.Indicator(row.IndicatorID)
		if !ok || !in(ref.Objective.Directorate) {
			continue
		}
		k := svcKey{ref.Objective.Directorate, ref.Objective.Service}
		if s := get(k); len(s.Received) == notify.DigestListMax {
			s.MoreReceived++
			continue
		}
		val := ValueOf(row)
		dv := notify.DigestValue{Code: ref.ID, Title: short(ref.Description, 120), Value: val.Format(lang),
			At: ReceivedAt(row).In(loc).Format("02/01/2006 15:04"), Target: target.Parse(ref.Target).Describe(lang), Revision: row.Revision}
		if n := strings.TrimSpace(val.Note); n != "" {
			dv.Value += " (" + n + ")"
		}
		if p, err := snap.ParsePeriod(row.Period); err == nil {
			dv.Period = snap.PeriodName(p, lang)
		}
		dv.By = row.ByPerson
		if p, ok := v.rc.people[row.ByPerson]; ok {
			dv.By = p.Name
		} else if row.ByPerson == "" {
			dv.By = pick(lang == "en", "amministratore", "administrator")
		}
		if met, ok := EvaluateTarget(ref, val); ok {
			dv.Verdict = notify.VerdictOff
			if met {
				dv.Verdict = notify.VerdictMet
			}
		}
		s := get(k)
		s.Received = append(s.Received, dv)
	}
	// Directorates in plan order; services in the plan order of their
	// first objective, so they keep their place from week to week.
	byDir := map[string][]svcKey{}
	for k := range svcs {
		byDir[k.dir] = append(byDir[k.dir], k)
	}
	for _, dir := range snap.Plan().Directorates {
		keys := byDir[dir.Code]
		if len(keys) == 0 {
			continue
		}
		sort.Slice(keys, func(i, j int) bool {
			pi, pj := v.svcPos(keys[i]), v.svcPos(keys[j])
			if pi != pj {
				return pi < pj
			}
			return keys[i].svc < keys[j].svc
		})
		group := notify.DigestDirectorate{Code: dir.Code, Name: dir.Name}
		for _, k := range keys {
			group.Services = append(group.Services, *svcs[k])
		}
		d.Directorates = append(d.Directorates, group)
	}
	for _, p := range v.away {
		if scope != nil {
			ok, err := v.involvedIn(ctx, p.ID, scope)
			if err != nil {
				return d, err
			}
			if !ok {
				continue
			}
		}
		to, _ := calendar.ParseDate(p.AwayTo)
		d.Away = append(d.Away, p.Name+" ("+pick(lang == "en", "fino al ", "until ")+to.Italian()+")")
	}
	return d, nil
}

// planView is the plan's state a digest run reads once for all its
// recipients: per service, the late items it may list and the count of
// all; the items awaiting an event; the latest values received recently;
// people and channels.
type planView struct {
	st       *store.Store
	org      string
	todayISO string
	overdue  map[svcKey]lateList
	awaiting map[svcKey][]store.Item // in plan order
	received []store.Value           // latest revision per indicator and period received in the look-back window
	rc       *recipientContext
	away     []store.Person             // people away today, in plan order
	svcAt    map[svcKey]int             // plan position of each service's first objective
	dirsOf   map[string]map[string]bool // directorates each person away is involved in, read on demand
}

// lateList is what a digest lists of one service's late items.
type lateList struct {
	items []store.Item // at most notify.DigestListMax, the most late first
	total int          // every late item of the service
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

// planView reads the state a digest needs: the late items each service
// may list and their counts, the items awaiting an event, the latest
// value of each indicator and period received since since.
func (e *Engine) planView(ctx context.Context, snap *Snapshot, now, since time.Time) (*planView, error) {
	org := snap.Org()
	rc, err := e.recipientContext(ctx, snap, now)
	if err != nil {
		return nil, err
	}
	v := &planView{st: e.st, org: org, rc: rc, todayISO: rc.today.String(),
		overdue: map[svcKey]lateList{}, awaiting: map[svcKey][]store.Item{}, svcAt: map[svcKey]int{}, dirsOf: map[string]map[string]bool{}}
	for i, o := range snap.Plan().Objectives {
		if _, ok := v.svcAt[svcKey{o.Directorate, o.Service}]; !ok {
			v.svcAt[svcKey{o.Directorate, o.Service}] = i
		}
	}
	pos := snap.itemOrder()
	// Late items: the most late first. Days late never grow with the due
	// date, so the earliest due dates are the most late; equal dates keep
	// plan order. The store returns, per service, the count and the items
	// due on or before its DigestListMax-th earliest due date.
	if last, ok := lastLateDue(snap.Policy, rc.today); ok {
		late, err := e.st.LateByService(ctx, org, last.String(), notify.DigestListMax)
		if err != nil {
			return nil, err
		}
		for _, sl := range late {
			items := sl.Items
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
			if len(items) > notify.DigestListMax {
				items = items[:notify.DigestListMax]
			}
			v.overdue[svcKey{sl.Directorate, sl.Service}] = lateList{items: items, total: sl.Total}
		}
	}
	// Items awaiting an event: few, all read, in plan order.
	waiting, err := e.st.AwaitingEventLines(ctx, org)
	if err != nil {
		return nil, err
	}
	sort.Slice(waiting, func(i, j int) bool {
		if pa, pb := pos(waiting[i]), pos(waiting[j]); pa != pb {
			return pa < pb
		}
		return waiting[i].Key < waiting[j].Key
	})
	for _, it := range waiting {
		if o, ok := snap.Objective(it.ObjectiveID); ok {
			k := svcKey{o.Directorate, o.Service}
			v.awaiting[k] = append(v.awaiting[k], it)
		}
	}
	all, err := e.st.AllValues(ctx, store.ValueFilter{Org: org, ReceivedAfter: since})
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
	for _, p := range snap.Plan().People {
		if sp, ok := rc.people[p.ID]; ok && isAway(sp, rc.today) {
			v.away = append(v.away, sp)
		}
	}
	return v, nil
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

func notePayloadJSON(p NotePayload) (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("digest payload: %w", err)
	}
	return string(b), nil
}
