package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"sollecito/bot/mailread"
	"sollecito/store"
	"sollecito/workflow/calendar"
	"sollecito/workflow/token"
	"sollecito/workflow/value"
)

// MailReading is how a received mail is read: who sent it, whether a
// robot did, the reply token, the text its author wrote, the values found
// and what stops any of them from being stored. `sollecito mail inspect`
// prints it as JSON; the mail handler acts on it.
type MailReading struct {
	Automatic bool           `json:"automatic"`
	Reason    string         `json:"reason"`
	From      string         `json:"from"`
	Token     TokenReading   `json:"token"`
	Text      string         `json:"text"`
	Values    []ValueReading `json:"values"`
	Errors    []string       `json:"errors"`
	// Bounce describes a delivery report; Bounced is the person whose
	// address it marks as failing (a permanent failure of a known address).
	Bounce  *mailread.Bounce `json:"bounce,omitempty"`
	Bounced string           `json:"bounced,omitempty"`
	// Outcome is what handling the mail does: "accepted" (values stored),
	// "rejected" (the sender is told why nothing was stored), "automatic"
	// (never answered) or "ignored" (unknown sender: nobody to tell).
	Outcome string `json:"outcome"`
}

// TokenReading describes the reply token of a mail.
type TokenReading struct {
	Found bool `json:"found"`
	Valid bool `json:"valid"`
	// Person is the id of the person the token was issued to.
	Person string `json:"person"`
	// Item is the first item the token's message asked about, as
	// "CODE@PERIOD"; Items lists them all.
	Item  string   `json:"item"`
	Items []string `json:"items,omitempty"`
	// Where is where the token was found: address, message-id or subject.
	Where string `json:"where,omitempty"`
}

// ValueReading is one value found in a mail.
type ValueReading struct {
	Ref       string `json:"ref"`
	Raw       string `json:"raw"`
	Value     any    `json:"value"`
	Unit      string `json:"unit"`
	Indicator string `json:"indicator,omitempty"`
	Phase     string `json:"phase,omitempty"`
	Period    string `json:"period,omitempty"`
	Note      string `json:"note,omitempty"`
}

// text is a message in both languages.
type text struct{ it, en string }

func (t text) in(lang string) string { return pick(lang == "en", t.it, t.en) }

// accepted is a value ready to store, or a phase to mark done.
type accepted struct {
	ref    *IndicatorRef
	period Period
	v      value.Value

	phase  *PersonItem
	doneOn calendar.Date
}

// mailPlan is a mail read and checked against the plan and the store:
// what handling it will do.
type mailPlan struct {
	m       *mailread.Mail
	key     string
	reading MailReading
	// sender is the person the mail is from (the token's person when the
	// token is valid and From matches); ok false for unknown senders.
	sender   store.Person
	senderOK bool
	trusted  bool // token valid, unexpired, issued to the sender
	values   []accepted
	problems []text
	bounced  *store.Person // the person whose address bounced for good
}

// tokenItems returns the items of the token when it is the sender's own.
func (p *mailPlan) tokenItems() []string {
	if !p.trusted {
		return nil
	}
	return p.reading.Token.Items
}

// readMail reads raw and checks it; it changes nothing. A mail that cannot
// be parsed at all gives an error matching mailread.ErrUnreadable.
func (e *Engine) readMail(ctx context.Context, raw []byte, lang string) (*mailPlan, error) {
	snap := e.Snapshot()
	m, err := mailread.Parse(raw)
	if err != nil {
		return nil, err
	}
	p := &mailPlan{m: m, key: mailread.DedupKey(m, raw)}
	r := &p.reading
	r.From, r.Text, r.Automatic, r.Reason = m.From, m.Text, m.Automatic, m.AutomaticReason
	r.Values, r.Errors = []ValueReading{}, []string{}
	people, err := e.st.People(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	if m.Automatic {
		r.Outcome = store.MailAutomatic
		r.Bounce = m.Bounce
		if b := m.Bounce; b != nil && b.Permanent {
			if who, ok := personByEmail(people, b.Recipient); ok {
				p.bounced, r.Bounced = &who, who.ID
			}
		}
		return p, nil
	}
	p.sender, p.senderOK = personByEmail(people, m.From)
	if err := e.readToken(ctx, snap, p, people); err != nil {
		return nil, err
	}
	trustProblems := len(p.problems)
	if err := e.readValues(ctx, snap, p); err != nil {
		return nil, err
	}
	if !p.trusted {
		// Nothing is stored anyway: say only why, not what else is wrong.
		p.problems = p.problems[:trustProblems]
	}
	switch {
	case p.trusted && len(p.values) > 0:
		r.Outcome = store.MailAccepted
	case p.senderOK:
		r.Outcome = store.MailRejected
	default:
		r.Outcome = store.MailIgnored
	}
	if !p.trusted {
		p.values = nil
	}
	for _, pr := range p.problems {
		r.Errors = append(r.Errors, pr.in(lang))
	}
	return p, nil
}

// readToken finds the reply token and checks it against the sender.
func (e *Engine) readToken(ctx context.Context, snap *Snapshot, p *mailPlan, people []store.Person) error {
	m, r := p.m, &p.reading
	addrs := slices.Concat(m.To, m.Cc, m.DeliveredTo)
	ids := append([]string{m.InReplyTo}, m.References...)
	found := token.Find(snap.Config().SMTP.ReplyTo, addrs, ids, m.Subject)
	if len(found) == 0 {
		p.problems = append(p.problems, text{
			"Nella tua e-mail non c'è il riferimento al promemoria a cui rispondi, quindi non è stato registrato nulla. Usa «Rispondi» sull'e-mail di promemoria (non un nuovo messaggio) e lascia l'oggetto com'è.",
			"Your e-mail does not carry the reference of the reminder it answers, so nothing was recorded. Use \"Reply\" on the reminder e-mail (not a new message) and leave the subject as it is."})
		return nil
	}
	r.Token.Found = true
	signer, err := e.replySigner(ctx, false)
	if err != nil && !errors.Is(err, errNoTokenKey) {
		return err
	}
	var problem *text
	for _, f := range found {
		tok, err := token.Parse(f.Text)
		if err != nil {
			continue
		}
		row, err := e.st.GetOutbox(ctx, tok.OutboxID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if signer == nil {
			continue
		}
		if _, err := signer.Verify(f.Text, row.PersonID, e.now()); err != nil {
			if errors.Is(err, token.ErrExpired) && problem == nil {
				day := tok.Expires.AddDate(0, 0, -1).Format("02/01/2006")
				problem = &text{
					fmt.Sprintf("Il promemoria a cui rispondi era valido fino al %s: nessun valore è stato registrato. Rispondi all'ultimo promemoria ricevuto.", day),
					fmt.Sprintf("The reminder you answer was valid until %s: no value was recorded. Reply to the latest reminder you received.", day)}
			}
			continue
		}
		r.Token.Valid, r.Token.Person, r.Token.Where = true, row.PersonID, string(f.Where)
		r.Token.Items = e.tokenItems(ctx, snap, row)
		if len(r.Token.Items) > 0 {
			r.Token.Item = r.Token.Items[0]
		}
		owner, _ := personByID(people, row.PersonID)
		if !strings.EqualFold(strings.TrimSpace(owner.Email), p.m.From) {
			p.problems = append(p.problems, text{
				"Questa risposta arriva da un indirizzo diverso da quello a cui era stato inviato il promemoria, quindi non è stato registrato nulla. Il valore va inviato rispondendo dalla casella che ha ricevuto il promemoria; in caso di dubbi rivolgiti all'amministratore.",
				"This reply comes from another address than the one the reminder was sent to, so nothing was recorded. Send the value by replying from the mailbox that received the reminder; if in doubt ask the administrator."})
			return nil
		}
		p.sender, p.senderOK, p.trusted = owner, true, true
		return nil
	}
	if problem == nil {
		problem = &text{
			"Il riferimento al promemoria contenuto nella tua e-mail non è valido, quindi non è stato registrato nulla. Rispondi direttamente all'ultima e-mail di promemoria ricevuta, senza modificarne l'oggetto.",
			"The reminder reference in your e-mail is not valid, so nothing was recorded. Reply directly to the latest reminder e-mail you received, without changing its subject."}
	}
	p.problems = append(p.problems, *problem)
	return nil
}

func personByID(people []store.Person, id string) (store.Person, bool) {
	for _, p := range people {
		if p.ID == id {
			return p, true
		}
	}
	return store.Person{}, false
}

// tokenItems lists the indicator items ("CODE@PERIOD") a token's outbox
// message spoke of: reminders and nags of a batch, values of a receipt.
func (e *Engine) tokenItems(ctx context.Context, snap *Snapshot, row store.OutboxRow) []string {
	if row.Kind == OutboxReceipt {
		// A receipt speaks of the items its mail gave values for.
		m, err := e.st.MailByAnswer(ctx, snap.Org(), row.Key)
		if err != nil || m.Items == "" {
			return nil
		}
		return strings.Split(m.Items, ",")
	}
	if row.Kind != OutboxBatch {
		return nil
	}
	bp, err := DecodeBatchPayload(row.Payload)
	if err != nil {
		return nil
	}
	var out []string
	for _, en := range bp.Entries {
		if en.Kind == "escalation" {
			continue
		}
		if id, period, ok := splitIndicatorKey(en.Item); ok && !slices.Contains(out, id+"@"+period) {
			out = append(out, id+"@"+period)
		}
	}
	return out
}

// splitIndicatorKey reads "ind:<indicator>:<period>".
func splitIndicatorKey(key string) (id, period string, ok bool) {
	rest, ok := strings.CutPrefix(key, "ind:")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// readValues finds the values in the text and resolves each to one of the
// sender's items.
func (e *Engine) readValues(ctx context.Context, snap *Snapshot, p *mailPlan) error {
	lines, err := replyLines(p.m.Text, snap)
	if err != nil {
		p.problems = append(p.problems, text{Localize(err, "it"), Localize(err, "en")})
		return nil
	}
	var mine []PersonItem
	if p.senderOK {
		if mine, err = e.PersonItems(ctx, p.sender.ID, "it", false); err != nil {
			return err
		}
	}
	for _, l := range lines {
		vr := ValueReading{Ref: l.Ref, Raw: l.Raw}
		acc, prob := e.resolveLine(ctx, snap, p, l, mine)
		if prob != nil {
			p.problems = append(p.problems, *prob)
		}
		if acc != nil && acc.phase != nil {
			vr.Phase, vr.Period, vr.Value = acc.phase.Code, acc.phase.Period, acc.doneOn.Italian()
			p.values = append(p.values, *acc)
		} else if acc != nil {
			vr.Indicator, vr.Period = acc.ref.ID, acc.period.String()
			vr.Value, vr.Note = jsonValue(acc.v), acc.v.Note
			if !acc.v.NA {
				vr.Unit = acc.v.Unit()
			}
			p.values = append(p.values, *acc)
		}
		p.reading.Values = append(p.reading.Values, vr)
	}
	return nil
}

// resolveLine finds the item a line is for and parses its value.
func (e *Engine) resolveLine(ctx context.Context, snap *Snapshot, p *mailPlan, l value.Line, mine []PersonItem) (*accepted, *text) {
	if !p.senderOK {
		return nil, nil // nobody to resolve the codes for
	}
	var it *PersonItem
	if l.Ref == "" {
		var named []string
		for _, c := range p.tokenItems() {
			if !slices.Contains(named, c) {
				named = append(named, c)
			}
		}
		switch {
		case len(named) == 1:
			id, period, _ := strings.Cut(named[0], "@")
			it = findItem(mine, id, period)
			if it == nil {
				return nil, closedText(id, period)
			}
		case len(named) > 1:
			return nil, &text{
				"Il promemoria riguarda più indicatori: scrivi una riga per ciascuno nella forma CODICE: valore (es. " + named[0][:strings.IndexByte(named[0], '@')] + ": 92,5%).",
				"The reminder is about several indicators: write one line for each as CODE: value (e.g. " + named[0][:strings.IndexByte(named[0], '@')] + ": 92.5%)."}
		default:
			return nil, &text{
				"Non è chiaro a quale indicatore si riferisca il valore: scrivi una riga per ciascuno nella forma CODICE: valore (es. I-01.1: 92,5%).",
				"It is not clear which indicator the value is for: write one line for each as CODE: value (e.g. I-01.1: 92.5%)."}
		}
	} else if phaseCodeRE.MatchString(l.Ref) {
		return e.resolvePhase(snap, l, mine)
	} else {
		period := ""
		for _, c := range p.tokenItems() {
			if id, per, _ := strings.Cut(c, "@"); strings.EqualFold(id, l.Ref) {
				period = per
			}
		}
		it = findItem(mine, l.Ref, period)
		if it == nil && period != "" {
			return nil, closedText(l.Ref, period)
		}
		if it == nil {
			return nil, unknownCode(snap, l.Ref, mine)
		}
	}
	ref, ok := snap.Indicator(it.IndicatorID)
	per, err := snap.ParsePeriod(it.Period)
	if !ok || err != nil || per.Year != snap.Plan().Year || !slices.Contains(ref.Periods, per.ID) {
		return nil, closedText(it.IndicatorID, it.Period)
	}
	v, err := value.Parse(l.Raw, ref.Kind, value.Options{Today: snap.Cal.Today(e.now())})
	if err != nil {
		// ToValidUTF8: the parser's excerpt of a long answer may end inside
		// a character.
		return nil, &text{ref.ID + ": " + strings.ToValidUTF8(Localize(err, "it"), ""), ref.ID + ": " + strings.ToValidUTF8(Localize(err, "en"), "")}
	}
	return &accepted{ref: ref, period: per, v: v}, nil
}

// findItem returns the sender's indicator item for id: the given period,
// or else the first open one, or else the latest answered one.
func findItem(mine []PersonItem, id, period string) *PersonItem {
	var match []PersonItem
	for _, it := range mine {
		if it.Kind == KindIndicator && strings.EqualFold(it.IndicatorID, id) && (period == "" || it.Period == period) {
			match = append(match, it)
		}
	}
	if len(match) == 0 {
		return nil
	}
	for _, it := range match {
		if it.Open() {
			return &it
		}
	}
	return &match[len(match)-1]
}

func closedText(id, period string) *text {
	return &text{
		fmt.Sprintf("%s: il periodo %s è chiuso (la voce non è più nel piano in vigore), quindi il valore non è stato registrato; rivolgiti all'amministratore.", id, period),
		fmt.Sprintf("%s: period %s is closed (the item is no longer in the plan in force), so the value was not recorded; ask the administrator.", id, period)}
}

func unknownCode(snap *Snapshot, ref string, mine []PersonItem) *text {
	var codes []string
	for _, it := range mine {
		if !slices.Contains(codes, it.Code) {
			codes = append(codes, it.Code)
		}
	}
	list := strings.Join(codes, ", ")
	if _, known := snap.Indicator(ref); known {
		return &text{
			fmt.Sprintf("%s: questo indicatore non è assegnato a te, quindi il valore non è stato registrato. I tuoi indicatori: %s.", ref, list),
			fmt.Sprintf("%s: this indicator is not assigned to you, so the value was not recorded. Your indicators: %s.", ref, list)}
	}
	return &text{
		fmt.Sprintf("%s: codice sconosciuto, quindi il valore non è stato registrato. I tuoi indicatori: %s.", ref, list),
		fmt.Sprintf("%s: unknown code, so the value was not recorded. Your indicators: %s.", ref, list)}
}

// jsonValue is a value as JSON shows it: a number, true/false, a date
// (dd/mm/yyyy), a text, or null for "not applicable".
func jsonValue(v value.Value) any {
	switch {
	case v.NA:
		return nil
	case v.Kind == value.KindYesNo:
		return v.Bool
	case v.Kind == value.KindDate:
		return v.Date.Italian()
	case v.Kind == value.KindText:
		return v.Text
	}
	return v.Number
}

// InspectMail reads a raw mail as the handler would, storing nothing, with
// the errors in lang. A mail that cannot be read at all gives a reading
// whose only content is the error.
func (e *Engine) InspectMail(ctx context.Context, raw []byte, lang string) (MailReading, error) {
	p, err := e.readMail(ctx, raw, lang)
	if errors.Is(err, mailread.ErrUnreadable) {
		return MailReading{Values: []ValueReading{}, Errors: []string{Localize(err, lang)}, Outcome: "unreadable"}, nil
	}
	if err != nil {
		return MailReading{}, err
	}
	return p.reading, nil
}

// doneRE reads "fatto", "conclusa il 12/07/2024", "done on 12/07/2024".
var doneRE = regexp.MustCompile(`(?i)^\s*(fatt[oa]|conclus[oa]|complet\p{L}*|terminat[oa]|eseguit[oa]|s[iì]|done|yes|finished)\b[\s,.:-]*(?:(?:il|in data|on)\s+)?(.*)$`)

// resolvePhase finds the sender's phase named by l.Ref and reads when it
// was done (today unless a date follows).
func (e *Engine) resolvePhase(snap *Snapshot, l value.Line, mine []PersonItem) (*accepted, *text) {
	var it *PersonItem
	for i := range mine {
		if mine[i].Kind == KindPhase && strings.EqualFold(mine[i].Code, l.Ref) && (it == nil || mine[i].Open() && !it.Open()) {
			it = &mine[i]
		}
	}
	if it == nil {
		return nil, unknownCode(snap, l.Ref, mine)
	}
	today := snap.Cal.Today(e.now())
	raw := strings.TrimSpace(l.Raw)
	on, ok := today, false
	if m := doneRE.FindStringSubmatch(raw); m != nil {
		ok = true
		if d, _, dok := value.ParseItalianDate(strings.TrimSpace(m[2])); dok {
			on = d
		}
	} else if d, _, dok := value.ParseItalianDate(raw); dok {
		on, ok = d, true
	}
	if !ok {
		return nil, &text{
			fmt.Sprintf("%s: per segnalare che la fase è conclusa scrivi %s: fatto, con la data se non è oggi (es. %s: fatto il %s).", l.Ref, l.Ref, l.Ref, today.Italian()),
			fmt.Sprintf("%s: to report the phase as done write %s: done, with the date if not today (e.g. %s: done on %s).", l.Ref, l.Ref, l.Ref, today.Italian())}
	}
	if on.After(today) {
		return nil, &text{l.Ref + ": la data di conclusione non può essere nel futuro", l.Ref + ": the completion date cannot be in the future"}
	}
	return &accepted{phase: it, doneOn: on}, nil
}
