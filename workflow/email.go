package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/token"
)

// tokenKeyMeta is the meta key of the generated reply-token key, used
// when tokens.key is not configured. It is written once and never logged.
const tokenKeyMeta = "mail.token_key"

// errNoTokenKey: no key configured and none generated yet, so no token
// was ever issued.
var errNoTokenKey = errors.New("no reply-token key yet")

// replySigner returns the signer of reply tokens: tokens.key when set,
// otherwise the key kept in the database, generated on first use when
// create is true.
func (e *Engine) replySigner(ctx context.Context, create bool) (*token.Signer, error) {
	snap := e.Snapshot()
	if k := snap.Config().Tokens.Key.Value(); k != "" {
		return token.NewSigner(token.DecodeKey(k))
	}
	v, err := e.st.Meta(ctx, snap.Org(), tokenKeyMeta)
	if errors.Is(err, store.ErrNotFound) && create {
		gen, gerr := token.GenerateKey()
		if gerr != nil {
			return nil, gerr
		}
		v, err = e.st.SetMetaIfMissing(ctx, snap.Org(), tokenKeyMeta, gen)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoTokenKey
	}
	if err != nil {
		return nil, fmt.Errorf("read reply-token key: %w", err)
	}
	return token.NewSigner(token.DecodeKey(v))
}

// ReplyToken returns the reply token of an outbox message: signed for its
// recipient and valid for tokens.ttl from when the message was queued, so
// a message sent again carries the same token (and Message-ID).
func (e *Engine) ReplyToken(ctx context.Context, outboxID int64) (tok string, expires time.Time, err error) {
	s, err := e.replySigner(ctx, true)
	if err != nil {
		return "", time.Time{}, err
	}
	row, err := e.st.GetOutbox(ctx, outboxID)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("outbox message %d: %w", outboxID, err)
	}
	expires = store.FromMillis(row.CreatedAt).Add(e.Snapshot().Config().Tokens.TTL.D())
	tok, err = s.Issue(row.ID, row.PersonID, expires)
	return tok, expires, err
}

// EmailGivenUp handles an e-mail the dispatcher gave up on (the server
// refused it for good, or it kept failing): when the server refused the
// recipient for good the person's address is marked failing (reminders
// stop going to it), and every administrator is told. Notes to
// administrators that fail are only logged, so a broken address cannot
// start a loop. Calling it twice for the same row has no second effect.
func (e *Engine) EmailGivenUp(ctx context.Context, row store.OutboxRow, cause error, addressBad bool) error {
	if row.Channel != ChanEmail {
		return nil
	}
	snap := e.Snapshot()
	now := e.now()
	if row.Kind == OutboxAdmin {
		e.log.ErrorContext(ctx, "e-mail to an administrator given up", slog.String("person", row.PersonID), slog.Any("error", cause))
		return nil
	}
	person, err := e.st.GetPerson(ctx, row.Org, row.PersonID)
	if err != nil {
		return fmt.Errorf("recipient %s: %w", row.PersonID, err)
	}
	reason := cause.Error()
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if addressBad {
			if err := tx.SetEmailFailing(ctx, row.Org, row.PersonID, true); err != nil {
				return fmt.Errorf("mark address failing: %w", err)
			}
		}
		if err := tx.Audit(ctx, row.Org, now, "email", "email.given_up", row.PersonID, short(reason, 300)); err != nil {
			return err
		}
		it := fmt.Sprintf("Il messaggio e-mail per %s (%s, %s) non è stato consegnato dopo %d tentativi: %s.", person.Name, person.ID, person.Email, row.Attempts, reason)
		en := fmt.Sprintf("The e-mail for %s (%s, %s) was not delivered after %d attempts: %s.", person.Name, person.ID, person.Email, row.Attempts, reason)
		// A bad address is about one person: its note is theirs (once a
		// day). Anything else (the mail server down for hours) fails every
		// message alike: one note a day says so; the log and the audit
		// table have each.
		day := snap.Cal.Today(now).String()
		key := "admin:mail-failed:" + day
		if addressBad {
			key = "admin:mail-bad-address:" + person.ID + ":" + day
			it += " L'indirizzo è segnato come non funzionante: non riceverà altre e-mail finché non sarà corretto nel piano."
			en += " The address is marked as failing: they will get no more e-mail until it is corrected in the plan."
		} else {
			it += " Per gli altri messaggi non consegnati oggi non arriveranno altri avvisi: ognuno è nel log di Sollecito (livello ERROR, «message given up»)."
			en += " No more notes will follow for the other messages not delivered today: each is in Sollecito's log (level ERROR, \"message given up\")."
		}
		return e.noteAdmins(ctx, tx, snap, key, person.ID,
			"Sollecito: e-mail non consegnata a "+person.Name, "Sollecito: e-mail not delivered to "+person.Name, it, en, now)
	})
}

// MailQuarantined tells every administrator that a received mail could
// not be handled and was moved to the quarantine folder.
func (e *Engine) MailQuarantined(ctx context.Context, uidValidity, uid uint32, from, subject, folder, reason string) error {
	snap := e.Snapshot()
	now := e.now()
	it := fmt.Sprintf("Un'e-mail ricevuta (da %q, oggetto %q) non è stata elaborata dopo ripetuti tentativi ed è stata spostata nella cartella %s: %s. Per capire come è stata letta: sollecito mail inspect FILE.eml",
		from, subject, folder, reason)
	en := fmt.Sprintf("A received e-mail (from %q, subject %q) could not be handled after repeated attempts and was moved to the folder %s: %s. To see how it was read: sollecito mail inspect FILE.eml",
		from, subject, folder, reason)
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.Audit(ctx, snap.Org(), now, "email", "email.quarantined", from, short(reason, 300)); err != nil {
			return err
		}
		return e.noteAdmins(ctx, tx, snap, fmt.Sprintf("admin:mail-quarantine:%d:%d", uidValidity, uid), "",
			"Sollecito: e-mail in quarantena", "Sollecito: e-mail quarantined", it, en, now)
	})
}

// noteAdmins queues a note to every administrator but skip, on Telegram
// when they are linked, else by e-mail when they have a working address,
// else on the console. Keys are key+":"+admin, so a note is queued once.
func (e *Engine) noteAdmins(ctx context.Context, tx *store.Store, snap *Snapshot, key, skip, subjIt, subjEn, textIt, textEn string, now time.Time) error {
	admins := append([]string(nil), snap.Config().Admins...)
	for _, p := range snap.Plan().People {
		if snap.IsAdmin(p.ID) {
			admins = append(admins, p.ID)
		}
	}
	bindings, err := tx.Bindings(ctx, snap.Org())
	if err != nil {
		return err
	}
	chans := e.Channels()
	told := 0
	for _, id := range dedupe(admins) {
		if id == skip {
			continue
		}
		admin, err := tx.GetPerson(ctx, snap.Org(), id)
		if err != nil {
			continue
		}
		en := langOf(admin.Language) == "en"
		text := pick(en, textIt, textEn)
		ch := ChanConsole
		switch _, bound := bindings[id]; {
		case bound && chans.Telegram:
			ch = ChanTelegram
		case admin.Email != "" && !admin.EmailFailing && chans.Email:
			ch = ChanEmail
		}
		p := NotePayload{Subject: pick(en, subjIt, subjEn), Text: text, TGHTML: tgEscape(text)}
		if err := e.EnqueueNote(ctx, tx, snap.Org(), key+":"+id, id, ch, OutboxAdmin, p, now); err != nil {
			return fmt.Errorf("tell administrator %s: %w", id, err)
		}
		told++
	}
	if told == 0 {
		e.log.WarnContext(ctx, "no administrator to tell", slog.String("about", key), slog.String("text", textEn))
	}
	return nil
}

// personByEmail finds the person whose address is addr (case-insensitive).
func personByEmail(people []store.Person, addr string) (store.Person, bool) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return store.Person{}, false
	}
	for _, p := range people {
		if strings.EqualFold(strings.TrimSpace(p.Email), addr) {
			return p, true
		}
	}
	return store.Person{}, false
}
