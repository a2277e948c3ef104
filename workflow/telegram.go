package workflow

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow/calendar"
)

// DefaultInviteTTL is how long an invitation code stays valid when the
// configuration does not say.
const DefaultInviteTTL = 7 * 24 * time.Hour

// Invite creates a single-use invitation code for personID, valid for ttl
// (DefaultInviteTTL when 0). The code fits a Telegram deep link
// ("https://t.me/BOT?start=CODE": 22 characters of [A-Za-z0-9_-]); only
// its hash is stored.
func (e *Engine) Invite(ctx context.Context, personID string, ttl time.Duration) (code string, expires time.Time, err error) {
	snap := e.Snapshot()
	if _, ok := snap.Person(personID); !ok {
		return "", time.Time{}, &UserError{
			It: fmt.Sprintf("persona %q sconosciuta: usare l'identificativo del piano", personID),
			En: fmt.Sprintf("unknown person %q: use the id from the plan", personID),
		}
	}
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("invitation code: %w", err)
	}
	code = base64.RawURLEncoding.EncodeToString(raw[:])
	now := e.now()
	expires = now.Add(ttl)
	err = e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.AddInvite(ctx, store.TelegramInvite{CodeHash: inviteHash(code), Org: snap.Org(), PersonID: personID,
			CreatedAt: store.Millis(now), ExpiresAt: store.Millis(expires)}); err != nil {
			return err
		}
		return tx.Audit(ctx, snap.Org(), now, "admin:cli", "telegram.invite", personID, "scade "+expires.Format(time.RFC3339))
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

func inviteHash(code string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(code)))
	return hex.EncodeToString(h[:])
}

// Link redeems an invitation code: the Telegram user userID, writing from
// chatID, becomes that person's channel. A used, expired or unknown code
// gets a *UserError and changes nothing.
func (e *Engine) Link(ctx context.Context, code string, userID, chatID int64) (store.Person, error) {
	snap := e.Snapshot()
	now := e.now()
	var person store.Person
	err := e.st.Tx(ctx, func(tx *store.Store) error {
		inv, err := tx.UseInvite(ctx, snap.Org(), inviteHash(code), userID, store.Millis(now))
		if err != nil {
			return err
		}
		if person, err = tx.GetPerson(ctx, snap.Org(), inv.PersonID); err != nil {
			return fmt.Errorf("invited person %s: %w", inv.PersonID, err)
		}
		if err := tx.Bind(ctx, store.TelegramBinding{Org: snap.Org(), PersonID: inv.PersonID, UserID: userID, ChatID: chatID, BoundAt: store.Millis(now)}); err != nil {
			return fmt.Errorf("bind telegram: %w", err)
		}
		return tx.Audit(ctx, snap.Org(), now, inv.PersonID, "telegram.link", inv.PersonID, fmt.Sprintf("utente %d", userID))
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return person, &UserError{It: "codice di invito non valido: chiedere un nuovo invito all'amministratore",
			En: "invalid invitation code: ask the administrator for a new invitation"}
	case errors.Is(err, store.ErrInviteUsed):
		return person, &UserError{It: "questo invito è già stato usato: chiedere un nuovo invito all'amministratore",
			En: "this invitation was already used: ask the administrator for a new invitation"}
	case errors.Is(err, store.ErrInviteExpired):
		return person, &UserError{It: "questo invito è scaduto: chiedere un nuovo invito all'amministratore",
			En: "this invitation has expired: ask the administrator for a new invitation"}
	}
	return person, err
}

// SetAway pauses a person's reminders from one day to another (inclusive);
// escalations during the absence say that the person is away. Zero dates
// end an absence.
func (e *Engine) SetAway(ctx context.Context, personID string, from, to calendar.Date, channel string) error {
	snap := e.Snapshot()
	now := e.now()
	if !from.IsZero() && to.Before(from) {
		return &UserError{It: "la fine dell'assenza precede l'inizio", En: "the absence ends before it starts"}
	}
	if !from.IsZero() && to.Before(snap.Cal.Today(now)) {
		return &UserError{It: "l'assenza è già finita: indicare date future", En: "the absence is already over: give future dates"}
	}
	f, t := "", ""
	if !from.IsZero() {
		f, t = from.String(), to.String()
	}
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetAway(ctx, snap.Org(), personID, f, t); err != nil {
			return fmt.Errorf("set away: %w", err)
		}
		return tx.Audit(ctx, snap.Org(), now, personID, "person.away", personID, f+".."+t+" via "+channel)
	})
}

// TelegramUnreachable handles a message given up because the person's
// chat can no longer be reached (blocked bot, deleted account): the
// binding is marked inactive, the message is queued again by e-mail when
// the person has an address, and every administrator is told. Calling it
// twice for the same row has no second effect.
func (e *Engine) TelegramUnreachable(ctx context.Context, row store.OutboxRow, reason string) error {
	snap := e.Snapshot()
	now := e.now()
	person, err := e.st.GetPerson(ctx, row.Org, row.PersonID)
	if err != nil {
		return fmt.Errorf("recipient %s: %w", row.PersonID, err)
	}
	bindings, err := e.st.Bindings(ctx, row.Org)
	if err != nil {
		return err
	}
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeactivateBinding(ctx, row.Org, row.PersonID); err != nil {
			return fmt.Errorf("deactivate binding: %w", err)
		}
		byMail := person.Email != "" && !person.EmailFailing
		if byMail {
			if err := rerouteByEmail(ctx, tx, row, now); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, row.Org, now, "telegram", "telegram.unreachable", row.PersonID, reason); err != nil {
			return err
		}
		return e.tellAdmins(ctx, tx, snap, bindings, fmt.Sprintf("admin:tg-gone:%s:%d", row.PersonID, row.ID), person, reason, byMail, now)
	})
}

// TelegramGivenUp handles a Telegram message given up for another reason
// than an unreachable chat (Telegram failing for longer than the retries
// last): the message goes again by e-mail when the person has an address.
// The link stays: the next messages try Telegram again. Calling it twice
// for the same row has no second effect.
func (e *Engine) TelegramGivenUp(ctx context.Context, row store.OutboxRow, reason string) error {
	now := e.now()
	person, err := e.st.GetPerson(ctx, row.Org, row.PersonID)
	if err != nil {
		return fmt.Errorf("recipient %s: %w", row.PersonID, err)
	}
	if person.Email == "" || person.EmailFailing || !e.Channels().Email {
		return e.st.Audit(ctx, row.Org, now, "telegram", "telegram.given-up", row.PersonID, reason)
	}
	return e.st.Tx(ctx, func(tx *store.Store) error {
		if err := rerouteByEmail(ctx, tx, row, now); err != nil {
			return err
		}
		return tx.Audit(ctx, row.Org, now, "telegram", "telegram.given-up", row.PersonID, reason+"; sent again by e-mail")
	})
}

// rerouteByEmail queues a Telegram row's message again by e-mail, under
// the row's key plus ":email" (a second call has no effect).
func rerouteByEmail(ctx context.Context, tx *store.Store, row store.OutboxRow, now time.Time) error {
	if _, err := tx.Enqueue(ctx, []store.OutboxRow{{Org: row.Org, Key: row.Key + ":email", PersonID: row.PersonID,
		Channel: ChanEmail, Kind: row.Kind, Payload: row.Payload, NextAttemptAt: store.Millis(now), CreatedAt: store.Millis(now)}}); err != nil {
		return fmt.Errorf("reroute by e-mail: %w", err)
	}
	return nil
}

// tellAdmins queues a note to every administrator about a person Telegram
// can no longer reach.
func (e *Engine) tellAdmins(ctx context.Context, tx *store.Store, snap *Snapshot, bindings map[string]store.TelegramBinding,
	key string, person store.Person, reason string, byMail bool, now time.Time) error {
	admins := append([]string(nil), snap.Config().Admins...)
	for _, p := range snap.Plan().People {
		if snap.IsAdmin(p.ID) {
			admins = append(admins, p.ID)
		}
	}
	chans := e.Channels()
	for _, id := range dedupe(admins) {
		if id == person.ID {
			continue
		}
		admin, ok := snap.Person(id)
		if !ok {
			continue
		}
		lang := langOf(admin.Lang())
		en := lang == "en"
		fallback := pick(en, "Non ha un indirizzo e-mail: non riceverà altri messaggi finché non sarà invitata di nuovo.",
			"They have no e-mail address: they will get no more messages until invited again.")
		if byMail {
			fallback = pick(en, "I suoi messaggi andranno per e-mail a "+person.Email+".",
				"Their messages will go by e-mail to "+person.Email+".")
		}
		text := pick(en,
			fmt.Sprintf("Telegram non raggiunge più %s (%s): %s. %s Per ricollegarla: sollecito people invite %s", person.Name, person.ID, reason, fallback, person.ID),
			fmt.Sprintf("Telegram can no longer reach %s (%s): %s. %s To link them again: sollecito people invite %s", person.Name, person.ID, reason, fallback, person.ID))
		ch := ChanConsole
		switch _, bound := bindings[id]; {
		case bound && chans.Telegram:
			ch = ChanTelegram
		case admin.Email != "" && chans.Email:
			ch = ChanEmail
		}
		p := NotePayload{Subject: pick(en, "Sollecito: Telegram non raggiunge "+person.Name, "Sollecito: Telegram cannot reach "+person.Name),
			Text: text, TGHTML: tgEscape(text)}
		if err := e.EnqueueNote(ctx, tx, snap.Org(), key+":"+id, id, ch, OutboxAdmin, p, now); err != nil {
			return fmt.Errorf("tell administrator %s: %w", id, err)
		}
	}
	return nil
}

var tgEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// tgEscape escapes text for Telegram's HTML parse mode.
func tgEscape(s string) string { return tgEscaper.Replace(s) }
