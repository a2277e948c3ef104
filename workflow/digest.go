package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
	for _, r := range recips {
		sinceOf[r.id] = defSince
		if ms, err := e.metaMillis(ctx, org, digestPersonKey(kind, r.id)); err != nil {
			return res, err
		} else if ms > 0 {
			sinceOf[r.id] = store.FromMillis(ms)
		}
	}
	view, err := e.planView(ctx, snap, now, sinceOf)
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
		for _, it := range list.items {
			l := snap.line(it, lang, v.rc)
			people, _ := snap.peopleLine(it, lang, v.rc)
			s.Awaiting = append(s.Awaiting, notify.DigestItem{Code: l.Code, Title: l.Title, Period: it.Rule, Event: it.Period, People: people})
		}
		s.MoreAwaiting = list.total - len(list.items)
	}
	v.eachReceived(snap, since, func(k svcKey, ref *IndicatorRef, row store.Value, listed bool) {
		if !in(k.dir) {
			return
		}
		s := get(k)
		if !listed {
			s.MoreReceived++
			return
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
		s.Received = append(s.Received, dv)
	})
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

// notePayloadJSON encodes a rendered message without escaping its HTML
// (a digest is mostly HTML: escaping made it a third longer to store and
// to read back).
func notePayloadJSON(p NotePayload) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return "", fmt.Errorf("digest payload: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
