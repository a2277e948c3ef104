package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/target"
)

// MailOptions tune how received mail is answered.
type MailOptions struct {
	// ReplyLimit is how many answers to rejected mail one sender gets
	// within ReplyWindow; further rejected mail is recorded, not answered.
	// 3 and one hour by default.
	ReplyLimit  int
	ReplyWindow time.Duration
}

// MailSource says where a received mail came from, for the record.
type MailSource struct {
	UIDValidity, UID uint32
}

// HandleMail reads one received mail and applies it in one transaction
// with its deduplication record: values stored (each with a receipt in
// the same thread), or a rejection answered (rate-limited per sender), or,
// for automatic mail, nothing but a bounce marking the address failing and
// an administrator told. A mail already handled (same Message-ID, or the
// same raw bytes when it has none) changes nothing. It returns an error
// only when the mail could not be handled and should be tried again (or,
// after repeated failures, quarantined): an unreadable mail or a database
// failure.
func (e *Engine) HandleMail(ctx context.Context, raw []byte, src MailSource, opt MailOptions) (MailReading, error) {
	if opt.ReplyLimit <= 0 {
		opt.ReplyLimit = 3
	}
	if opt.ReplyWindow <= 0 {
		opt.ReplyWindow = time.Hour
	}
	p, err := e.readMail(ctx, raw, "it")
	if err != nil {
		return MailReading{}, fmt.Errorf("read mail: %w", err)
	}
	snap := e.Snapshot()
	now := e.now()
	org := snap.Org()
	log := e.log.With(slog.String("message_id", p.key), slog.String("from", p.m.From))
	rec := store.ProcessedMail{Org: org, DedupKey: p.key, UIDValidity: src.UIDValidity, UID: src.UID,
		FromAddr: p.m.From, PersonID: p.sender.ID, Outcome: p.reading.Outcome,
		Detail: short(strings.Join(p.reading.Errors, " | "), 500), ProcessedAt: store.Millis(now)}
	if p.m.Automatic {
		rec.Detail = p.reading.Reason
	}
	var items []string
	for _, a := range p.values {
		if a.phase == nil {
			items = append(items, a.ref.ID+"@"+a.period.String())
		}
	}
	rec.Items = strings.Join(items, ",")
	switch p.reading.Outcome {
	case store.MailAccepted:
		rec.AnswerKey = answerKey("receipt", p.key)
	case store.MailRejected:
		rec.AnswerKey = answerKey("reply", p.key)
	}
	answered := false
	err = e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.RecordMail(ctx, rec); err != nil {
			return err
		}
		switch {
		case p.m.Automatic:
			return e.applyAutomatic(ctx, tx, snap, p, now)
		case p.reading.Outcome == store.MailAccepted:
			answered = true
			return e.applyValues(ctx, tx, snap, p, now)
		case p.reading.Outcome == store.MailRejected:
			ok, err := tx.AllowMailReply(ctx, org, p.m.From, now, opt.ReplyWindow, opt.ReplyLimit)
			if err != nil || !ok {
				return err
			}
			answered = true
			return e.answer(ctx, tx, snap, p, "reply", "", now)
		}
		return nil
	})
	if errors.Is(err, store.ErrMailSeen) {
		log.DebugContext(ctx, "mail already handled")
		return p.reading, nil
	}
	if err != nil {
		return p.reading, fmt.Errorf("handle mail: %w", err)
	}
	log.InfoContext(ctx, "mail handled", slog.String("outcome", p.reading.Outcome), slog.Int("values", len(p.values)),
		slog.Bool("answered", answered), slog.String("reason", p.reading.Reason))
	return p.reading, nil
}

// applyAutomatic handles mail no person wrote: only a permanent bounce
// does something.
func (e *Engine) applyAutomatic(ctx context.Context, tx *store.Store, snap *Snapshot, p *mailPlan, now time.Time) error {
	who := p.bounced
	if who == nil || who.EmailFailing {
		return nil
	}
	b := p.m.Bounce
	if err := tx.SetEmailFailing(ctx, snap.Org(), who.ID, true); err != nil {
		return fmt.Errorf("mark address failing: %w", err)
	}
	detail := strings.TrimSpace(b.Status + " " + b.Diagnostic)
	if err := tx.Audit(ctx, snap.Org(), now, "email", "email.bounce", who.ID, short(detail, 300)); err != nil {
		return err
	}
	it := fmt.Sprintf("L'indirizzo e-mail di %s (%s) non riceve posta: il server ha risposto %s. Non gli saranno inviate altre e-mail finché l'indirizzo non sarà corretto nel piano.", who.Name, who.Email, detail)
	en := fmt.Sprintf("The e-mail address of %s (%s) does not receive mail: the server answered %s. No more e-mail will be sent to it until the address is corrected in the plan.", who.Name, who.Email, detail)
	return e.noteAdmins(ctx, tx, snap, "admin:bounce:"+hashKey(p.key), who.ID,
		"Sollecito: indirizzo e-mail non funzionante ("+who.Name+")", "Sollecito: failing e-mail address ("+who.Name+")", it, en, now)
}

// applyValues stores the accepted values and queues the receipt.
func (e *Engine) applyValues(ctx context.Context, tx *store.Store, snap *Snapshot, p *mailPlan, now time.Time) error {
	lang := langOf(p.sender.Language)
	en := lang == "en"
	var b strings.Builder
	b.WriteString(pick(en, "Registrato:\n", "Recorded:\n"))
	for _, a := range p.values {
		if a.phase != nil {
			if err := tx.CloseItems(ctx, snap.Org(), []string{a.phase.Key}, store.StateDone, store.Millis(now), a.doneOn.String(), 0); err != nil {
				return err
			}
			if err := tx.Audit(ctx, snap.Org(), now, p.sender.ID, "phase.done", a.phase.Key, a.doneOn.String()+" via "+ChannelEmail); err != nil {
				return err
			}
			fmt.Fprintf(&b, pick(en, "\n%s – %s\n  Conclusa il %s.\n", "\n%s – %s\n  Done on %s.\n"), a.phase.Code, a.phase.Title, a.doneOn.Italian())
			continue
		}
		row := storedValue(snap.Org(), a.ref.ID, a.period.String(), a.v)
		row.ByPerson, row.Channel, row.SourceRef, row.ReceivedAt = p.sender.ID, ChannelEmail, p.key, store.Millis(now)
		saved, err := tx.AddValue(ctx, row)
		if errors.Is(err, store.ErrDuplicateSource) {
			continue
		}
		if err != nil {
			return err
		}
		key := IndicatorKey(a.ref.ID, a.period)
		if err := tx.CloseItems(ctx, snap.Org(), []string{key}, store.StateSubmitted, store.Millis(now), "", 0); err != nil {
			return err
		}
		if err := tx.Audit(ctx, snap.Org(), now, p.sender.ID, "value.set", key,
			fmt.Sprintf("revisione %d via %s: %s", saved.Revision, ChannelEmail, a.v.Format("it"))); err != nil {
			return err
		}
		_, due := snap.IndicatorDue(a.period)
		late := snap.Cal.Today(now).After(snap.Policy.overdueBase(due))
		writeReceiptLine(&b, snap, a, saved.Revision, late, due.Italian(), lang)
	}
	return e.answer(ctx, tx, snap, p, "receipt", b.String(), now)
}

// writeReceiptLine says what was recorded for one value: the value as
// understood, the target and whether it is met.
func writeReceiptLine(b *strings.Builder, snap *Snapshot, a accepted, revision int, late bool, due, lang string) {
	en := lang == "en"
	fmt.Fprintf(b, "\n%s – %s – %s\n", a.ref.ID, short(a.ref.Description, 90), snap.PeriodName(a.period, lang))
	fmt.Fprintf(b, pick(en, "  Valore: %s\n", "  Value: %s\n"), a.v.Format(lang))
	if n := strings.TrimSpace(a.v.Note); n != "" {
		fmt.Fprintf(b, pick(en, "  Nota: %s\n", "  Note: %s\n"), n)
	}
	if a.ref.Target != "" {
		t := target.Parse(a.ref.Target)
		fmt.Fprintf(b, pick(en, "  Target: %s", "  Target: %s"), t.Describe(lang))
		if met, ok := t.Evaluate(a.v); ok && !a.v.NA {
			b.WriteString(pick(en, map[bool]string{true: " – raggiunto", false: " – non raggiunto"}[met],
				map[bool]string{true: " – met", false: " – not met"}[met]))
		}
		b.WriteString("\n")
	}
	if revision > 1 {
		fmt.Fprintf(b, pick(en, "  Revisione %d: i valori precedenti restano nello storico.\n", "  Revision %d: earlier values stay in the history.\n"), revision)
	}
	if late {
		fmt.Fprintf(b, pick(en, "  Arrivato dopo la scadenza del %s.\n", "  Received after the due date %s.\n"), due)
	}
}

// answer queues the receipt (kind "receipt", body the recorded values) or
// the rejection (kind "reply") for the sender, in the thread of the mail.
func (e *Engine) answer(ctx context.Context, tx *store.Store, snap *Snapshot, p *mailPlan, kind, body string, now time.Time) error {
	lang := langOf(p.sender.Language)
	en := lang == "en"
	var b strings.Builder
	fmt.Fprintf(&b, pick(en, "Buongiorno %s,\n\n", "Hello %s,\n\n"), p.sender.Name)
	b.WriteString(body)
	if len(p.problems) > 0 {
		if body != "" {
			b.WriteString("\n")
		}
		b.WriteString(pick(en, "Non registrato:\n", "Not recorded:\n"))
		for _, pr := range p.problems {
			fmt.Fprintf(&b, "- %s\n", pr.in(lang))
		}
	}
	b.WriteString("\n")
	if kind == "receipt" && len(p.values) == 1 && p.values[0].phase == nil {
		b.WriteString(pick(en, "Per correggere il valore rispondi a questa e-mail con il valore giusto sulla prima riga. ",
			"To correct the value reply to this e-mail with the right value on the first line. "))
	}
	b.WriteString(pick(en, "Per inviare o correggere un valore rispondi a questa e-mail con una riga per voce: CODICE: valore (es. I-01.1: 92,5%). Il valore più recente sostituisce il precedente, che resta nello storico.",
		"To send or correct a value reply to this e-mail with one line per item: CODE: value (e.g. I-01.1: 92.5%). The latest value replaces the earlier one, which stays in the history."))
	b.WriteString("\n")
	subject := strings.TrimSpace(p.m.Subject)
	if low := strings.ToLower(subject); !strings.HasPrefix(low, "re:") && !strings.HasPrefix(low, "r:") {
		subject = "Re: " + subject
	}
	np := NotePayload{Subject: subject, Text: b.String(), TGHTML: tgEscape(b.String())}
	if p.m.MessageID != "" {
		np.InReplyTo = p.m.MessageID
		np.References = append(append([]string(nil), p.m.References...), p.m.MessageID)
	}
	ch := ChanConsole
	if e.Channels().Email && !p.sender.EmailFailing {
		ch = ChanEmail
	}
	outKind := OutboxReceipt
	if kind == "reply" {
		outKind = OutboxReply
	}
	return e.EnqueueNote(ctx, tx, snap.Org(), answerKey(kind, p.key), p.sender.ID, ch, outKind, np, now)
}

// answerKey is the outbox key of the receipt or reply to a mail.
func answerKey(kind, dedupKey string) string { return "mail:" + kind + ":" + hashKey(dedupKey) }

// hashKey shortens a Message-ID for outbox keys.
func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:12])
}
