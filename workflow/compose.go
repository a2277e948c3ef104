package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sollecito/notify"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// NotePayload is a message rendered when it was decided (receipts,
// administrator alerts, replies).
type NotePayload struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
	TGHTML  string `json:"tg_html,omitempty"`
	// Threading for e-mail replies.
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
}

// Compose renders an outbox row for sending now. For batches it re-reads
// the items: lines whose item got a value (or was done) meanwhile are
// dropped, and nil is returned when nothing is left.
func (e *Engine) Compose(ctx context.Context, row store.OutboxRow) (*notify.Message, error) {
	msgs, errs := e.ComposeAll(ctx, []store.OutboxRow{row})
	return msgs[0], errs[0]
}

// prefetch is what composing a batch of rows reads from the database, read
// once for the whole batch.
type prefetch struct {
	payloads map[int64]BatchPayload
	items    map[string]store.Item
	people   map[string]store.Person // only those escalation lines name
	bindings map[string]store.TelegramBinding
	rc       *recipientContext // today, the people read, the due dates seen
	err      error
}

// ComposeAll renders a batch of rows (the dispatcher's claim), reading the
// items, people and bindings they need in a few queries for all of them.
func (e *Engine) ComposeAll(ctx context.Context, rows []store.OutboxRow) ([]*notify.Message, []error) {
	snap := e.Snapshot()
	msgs, errs := make([]*notify.Message, len(rows)), make([]error, len(rows))
	pre := e.prefetch(ctx, snap, rows)
	for i, row := range rows {
		if pre.err != nil {
			errs[i] = pre.err
			continue
		}
		msgs[i], errs[i] = e.compose(ctx, snap, row, pre)
	}
	return msgs, errs
}

func (e *Engine) prefetch(ctx context.Context, snap *Snapshot, rows []store.OutboxRow) *prefetch {
	pre := &prefetch{payloads: map[int64]BatchPayload{}, items: map[string]store.Item{}, people: map[string]store.Person{}}
	pre.rc = &recipientContext{today: snap.Cal.Today(e.now()), people: pre.people}
	if len(rows) == 0 {
		return pre
	}
	org := rows[0].Org
	var keys []string
	telegram := false
	for _, row := range rows {
		telegram = telegram || row.Channel == ChanTelegram
		if row.Kind != OutboxBatch {
			continue
		}
		p, err := DecodeBatchPayload(row.Payload)
		if err != nil {
			continue // reported by compose for that row
		}
		pre.payloads[row.ID] = p
		for _, en := range p.Entries {
			keys = append(keys, en.Item)
		}
	}
	if pre.err = e.readLineItems(ctx, snap, org, dedupe(keys), pre.items); pre.err != nil {
		return pre
	}
	// Only escalation lines name other people (assignees, who is away):
	// read those, and only when there are some.
	var ids []string
	for _, p := range pre.payloads {
		for _, en := range p.Entries {
			if en.Kind == "escalation" {
				ids = append(ids, strings.Split(pre.items[en.Item].Assignees, ",")...)
			}
		}
	}
	people, err := e.st.PeopleByIDs(ctx, org, dedupe(ids))
	if err != nil {
		pre.err = err
		return pre
	}
	for _, p := range people {
		pre.people[p.ID] = p
	}
	if telegram {
		if pre.bindings, err = e.st.Bindings(ctx, org); err != nil {
			pre.err = err
		}
	}
	return pre
}

func (e *Engine) compose(ctx context.Context, snap *Snapshot, row store.OutboxRow, pre *prefetch) (*notify.Message, error) {
	var m *notify.Message
	if p, ok := snap.Person(row.PersonID); ok {
		m = &notify.Message{PersonID: p.ID, Name: p.Name, Email: p.Email, Lang: p.Lang()}
	} else {
		// Someone no longer in the plan: the stored row still names them.
		p, err := e.st.GetPerson(ctx, row.Org, row.PersonID)
		if err != nil {
			return nil, fmt.Errorf("recipient %s: %w", row.PersonID, err)
		}
		m = &notify.Message{PersonID: p.ID, Name: p.Name, Email: p.Email, Lang: langOf(p.Language)}
	}
	if row.Channel == ChanTelegram {
		bind, ok := pre.bindings[row.PersonID]
		if !ok {
			return nil, errors.New("nessun collegamento Telegram attivo")
		}
		m.ChatID = bind.ChatID
	}
	if row.Kind == OutboxBatch {
		p, ok := pre.payloads[row.ID]
		if !ok {
			return nil, errors.New("payload illeggibile")
		}
		return e.composeBatch(snap, row, p, pre, m)
	}
	var p NotePayload
	if err := json.Unmarshal([]byte(row.Payload), &p); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	m.Subject, m.Text, m.HTML, m.TGHTML = p.Subject, p.Text, p.HTML, p.TGHTML
	m.InReplyTo, m.References = p.InReplyTo, p.References
	m.Kinds = []string{row.Kind}
	return m, nil
}

// formatsOf returns the forms a channel sends: Telegram its HTML, e-mail
// text and HTML, the console text.
func formatsOf(channel string) notify.Format {
	switch channel {
	case ChanTelegram:
		return notify.FormatTelegram
	case ChanEmail:
		return notify.FormatText | notify.FormatHTML
	case ChanConsole:
		return notify.FormatText
	}
	return notify.FormatAll
}

func langOf(l string) string {
	if l == "en" {
		return "en"
	}
	return "it"
}

func (e *Engine) composeBatch(snap *Snapshot, row store.OutboxRow, p BatchPayload, pre *prefetch, m *notify.Message) (*notify.Message, error) {
	byKey := pre.items
	rc := pre.rc
	b := notify.Batch{Lang: m.Lang, Name: m.Name, Org: snap.Plan().Organisation}
	seen := map[string]bool{}
	own := 0
	for _, en := range p.Entries {
		it, ok := byKey[en.Item]
		if !ok || it.State != store.StateOpen || seen[en.Item] {
			continue
		}
		seen[en.Item] = true
		if en.Kind == "escalation" && len(b.Escalated) == notify.EscalatedMax {
			b.MoreEscalated++ // counted, not listed: nothing to render
			continue
		}
		// ref: one string per item, shared by every message that names it.
		l, ref := snap.lineAndRef(it, m.Lang, rc)
		m.Items, m.Kinds = append(m.Items, ref), append(m.Kinds, internKind(en.Kind))
		switch en.Kind {
		case "reminder":
			b.Due = append(b.Due, l)
			own++
		case "nag":
			b.Overdue = append(b.Overdue, l)
			own++
		default:
			l.People, l.Away = snap.peopleLine(it, m.Lang, rc)
			b.Escalated = append(b.Escalated, l)
		}
	}
	if len(b.Due)+len(b.Overdue)+len(b.Escalated)+b.MoreEscalated == 0 {
		return nil, nil
	}
	if own > 0 {
		b.HowTo = howTo(row.Channel, m.Lang, own, snap.Plan().Year)
	}
	b.Formats = formatsOf(row.Channel)
	r := notify.RenderBatch(b)
	m.Subject, m.Text, m.HTML, m.TGHTML = r.Subject, r.Text, r.HTML, r.TGHTML
	return m, nil
}

// internKind returns the constant for a decoded entry kind, so messages
// kept after sending (a simulation's record) share three strings.
func internKind(k string) string {
	for _, c := range []string{"reminder", "nag", "escalation"} {
		if k == c {
			return c
		}
	}
	return k
}

// peopleLine names an item's assignees and says who is away.
func (s *Snapshot) peopleLine(it store.Item, lang string, rc *recipientContext) (people, away string) {
	var names, aways []string
	for _, id := range strings.Split(it.Assignees, ",") {
		p, ok := rc.people[id]
		if !ok {
			continue
		}
		names = append(names, p.Name)
		if isAway(p, rc.today) {
			to, _ := calendar.ParseDate(p.AwayTo)
			if lang == "en" {
				aways = append(aways, fmt.Sprintf("%s is away until %s", p.Name, to.Italian()))
			} else {
				aways = append(aways, fmt.Sprintf("%s è assente fino al %s", p.Name, to.Italian()))
			}
		}
	}
	return strings.Join(names, ", "), strings.Join(aways, "; ")
}

func howTo(channel, lang string, n, year int) string {
	en := lang == "en"
	switch channel {
	case ChanTelegram:
		if n == 1 {
			return pick(en, "Rispondi a questo messaggio con il valore (es. 92,5%), oppure usa /invia.",
				"Reply to this message with the value (e.g. 92.5%), or use /submit.")
		}
		return pick(en, "Usa /invia per scegliere la voce e inviare il valore, oppure rispondi a questo messaggio con una riga per voce: CODICE: valore.",
			"Use /submit to choose the item and send its value, or reply to this message with one line per item: CODE: value.")
	case ChanEmail:
		if n == 1 {
			return pick(en, "Rispondi a questa e-mail scrivendo il valore sulla prima riga (es. 92,5%); puoi aggiungere una nota dopo un trattino.",
				"Reply to this e-mail with the value on the first line (e.g. 92.5%); you may add a note after a dash.")
		}
		return pick(en, "Rispondi a questa e-mail con una riga per voce: CODICE: valore (es. I-01.1: 92,5%).",
			"Reply to this e-mail with one line per item: CODE: value (e.g. I-01.1: 92.5%).")
	}
	return pick(en, fmt.Sprintf("Per registrare un valore: sollecito values set CODICE %d-S1 VALORE", year),
		fmt.Sprintf("To record a value: sollecito values set CODE %d-S1 VALUE", year))
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

// short cuts s to n runes with an ellipsis, on one line.
func short(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// EnqueueNote queues a pre-rendered message for a person on a channel
// under a unique key (sending the same key twice has no effect).
func (e *Engine) EnqueueNote(ctx context.Context, tx *store.Store, org, key, personID, channel, kind string, p NotePayload, at time.Time) error {
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if tx == nil {
		tx = e.st
	}
	_, err = tx.Enqueue(ctx, []store.OutboxRow{{Org: org, Key: key, PersonID: personID, Channel: channel, Kind: kind,
		Payload: string(payload), NextAttemptAt: store.Millis(at), CreatedAt: store.Millis(at)}})
	return err
}
