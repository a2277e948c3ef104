// Package telegram is Sollecito's inbound Telegram bot: it links chats to
// people with single-use invitations, reads updates with its own getUpdates
// loop (or a webhook), answers the commands in the person's language, leads
// people through sending a value, reads plain replies to reminders, treats
// edited messages as revisions, and turns an unreachable chat into e-mail
// and a note for the administrators.
//
// Every update is handled once: the highest handled update_id is persisted
// after each update, updates at or below it are skipped, and values carry
// their message as source so that a repeat after a crash stores nothing
// twice. The bot talks to Telegram only through notify/telegram's Sender,
// which keeps the token out of every log line and error.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sollecito/notify"
	tgsend "sollecito/notify/telegram"
	"sollecito/store"
	"sollecito/workflow"
)

// Defaults for Options.
const (
	DefaultDialogueTTL = 30 * time.Minute
	DefaultRetryMin    = time.Second
	DefaultRetryMax    = time.Minute
	offsetKey          = "telegram_offset"
)

// Options configure a Bot.
type Options struct {
	// Clock returns "now" (dialogue expiry, invitations); nil: time.Now.
	Clock  func() time.Time
	Logger *slog.Logger
	// DialogueTTL is how long a half-finished dialogue waits for the next
	// answer; default 30 minutes.
	DialogueTTL time.Duration
	// PollTimeout is the long-poll wait of getUpdates; default the
	// Sender's HTTP timeout less 5s, at most 25s.
	PollTimeout time.Duration
	// RetryMin and RetryMax bound the backoff after a failed getUpdates or
	// reply (Telegram's retry_after wins when it says more).
	RetryMin, RetryMax time.Duration
	// Fault, when set, is called at named points ("handled" after an
	// update was handled and before its id is persisted); an error stops
	// the bot there as a crash would (tests).
	Fault func(point string, updateID int) error
}

// Bot is the inbound bot over one engine. Updates are handled one at a
// time (mu), in order, whichever of the poll loop or the webhook delivers
// them.
type Bot struct {
	eng *workflow.Engine
	st  *store.Store
	api *tgsend.Sender
	now func() time.Time
	log *slog.Logger
	opt Options

	mu sync.Mutex // serialises update handling; guards last
	// last is the highest update_id handled, as persisted (-1: not read).
	last int
}

// ErrStopped is returned by Run and HandleUpdate when a Fault stopped the
// bot.
var ErrStopped = errors.New("telegram bot stopped by fault")

// New builds a bot over eng that talks to Telegram through api.
func New(eng *workflow.Engine, api *tgsend.Sender, opt Options) *Bot {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.DialogueTTL <= 0 {
		opt.DialogueTTL = DefaultDialogueTTL
	}
	if opt.PollTimeout <= 0 {
		opt.PollTimeout = min(max(api.HTTPTimeout()-5*time.Second, time.Second), 25*time.Second)
	}
	if opt.RetryMin <= 0 {
		opt.RetryMin = DefaultRetryMin
	}
	if opt.RetryMax < opt.RetryMin {
		opt.RetryMax = max(DefaultRetryMax, opt.RetryMin)
	}
	return &Bot{eng: eng, st: eng.Store(), api: api, now: opt.Clock, log: opt.Logger, opt: opt, last: -1}
}

// Username is the bot's username, for deep links.
func (b *Bot) Username() string { return b.api.Username() }

// InviteLink is the deep link that redeems code.
func InviteLink(username, code string) string {
	return "https://t.me/" + username + "?start=" + code
}

func (b *Bot) org() string { return b.eng.Snapshot().Org() }

// lastHandled returns the persisted offset; b.mu must be held.
func (b *Bot) lastHandled(ctx context.Context) (int, error) {
	if b.last >= 0 {
		return b.last, nil
	}
	v, err := b.st.Meta(ctx, b.org(), offsetKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		b.last = 0
	case err != nil:
		return 0, fmt.Errorf("read telegram offset: %w", err)
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("telegram offset %q: %w", v, err)
		}
		b.last = n
	}
	return b.last, nil
}

// HandleUpdate handles one update unless it was handled before, then
// persists its id. Errors of the conversation itself are told to the
// person and logged; only a failure to persist the offset, or a Fault, is
// returned.
func (b *Bot) HandleUpdate(ctx context.Context, u tgbotapi.Update) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	last, err := b.lastHandled(ctx)
	if err != nil {
		return err
	}
	if u.UpdateID <= last {
		b.log.DebugContext(ctx, "telegram update already handled", slog.Int("update_id", u.UpdateID))
		return nil
	}
	if err := b.handle(ctx, u); err != nil {
		b.log.ErrorContext(ctx, "telegram update failed", slog.Int("update_id", u.UpdateID), slog.Any("error", err))
	}
	if b.opt.Fault != nil {
		if err := b.opt.Fault("handled", u.UpdateID); err != nil {
			return fmt.Errorf("%w: %w", ErrStopped, err)
		}
	}
	if err := b.st.SetMeta(ctx, b.org(), offsetKey, strconv.Itoa(u.UpdateID)); err != nil {
		return fmt.Errorf("persist telegram offset: %w", err)
	}
	b.last = u.UpdateID
	return nil
}

// Run polls getUpdates and handles each update until ctx ends; it returns
// early only when a Fault stops it. Failures are logged and retried with
// backoff; a 409 Conflict (another instance
// polling with the same token, or a webhook set) is logged as such. It
// removes a webhook left over from webhook mode first.
func (b *Bot) Run(ctx context.Context) error {
	if _, err := b.api.Call(ctx, "deleteWebhook", tgbotapi.Params{}); err != nil && ctx.Err() == nil {
		b.log.WarnContext(ctx, "telegram deleteWebhook failed", slog.Any("error", err))
	}
	backoff := b.opt.RetryMin
	for ctx.Err() == nil {
		b.mu.Lock()
		last, err := b.lastHandled(ctx)
		b.mu.Unlock()
		if err != nil {
			return err
		}
		ups, err := b.api.GetUpdates(ctx, last+1, b.opt.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := backoff
			var te *tgsend.Error
			if errors.As(err, &te) && te.RetryAfter() > wait {
				wait = te.RetryAfter()
			}
			if errors.As(err, &te) && te.Code == 409 {
				b.log.ErrorContext(ctx, "telegram 409 Conflict: another process is reading this bot's updates (a second sollecito, or a webhook); retrying",
					slog.Duration("retry_in", wait), slog.Any("error", err))
			} else {
				b.log.WarnContext(ctx, "telegram getUpdates failed, retrying", slog.Duration("retry_in", wait), slog.Any("error", err))
			}
			if sleep(ctx, wait) != nil {
				break
			}
			backoff = min(backoff*2, b.opt.RetryMax)
			continue
		}
		backoff = b.opt.RetryMin
		for _, u := range ups {
			if ctx.Err() != nil {
				break
			}
			if err := b.HandleUpdate(ctx, u); err != nil {
				if errors.Is(err, ErrStopped) {
					return err
				}
				// The offset could not be kept (database busy or
				// full): ask again from the last one kept.
				b.log.ErrorContext(ctx, "telegram update not recorded, retrying", slog.Int("update_id", u.UpdateID), slog.Any("error", err))
				if sleep(ctx, b.opt.RetryMin) != nil {
					return nil
				}
				break
			}
		}
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Channel returns the outgoing notify.Channel over the same Sender; it
// remembers which items each reminder named, so that a reply to it is
// understood.
func (b *Bot) Channel() notify.Channel {
	return tgsend.NewChannel(b.api, b.recordSent)
}

func (b *Bot) recordSent(ctx context.Context, m *notify.Message, ids []int) {
	var keys []string
	for i, code := range m.Items {
		if i < len(m.Kinds) && m.Kinds[i] != "reminder" && m.Kinds[i] != "nag" {
			continue // an escalation about someone else's item: not answerable
		}
		if k := workflow.ItemRef(code); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	rows := make([]store.TelegramSent, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, store.TelegramSent{Org: b.org(), ChatID: m.ChatID, MessageID: id, PersonID: m.PersonID,
			Items: joinKeys(keys), OutboxID: m.OutboxID, SentAt: store.Millis(b.now())})
	}
	if err := b.st.RecordTelegramSent(ctx, rows); err != nil {
		b.log.ErrorContext(ctx, "record sent telegram message", slog.Any("error", err))
	}
}

// OnFailure is the dispatcher's FailureHandler for Telegram rows: when the
// chat is unreachable (403, chat not found) the binding is deactivated,
// the message goes again by e-mail when the person has an address, and the
// administrators are told. A message given up for another reason (Telegram
// failing for longer than the retries last) goes again by e-mail too, and
// the link stays.
func (b *Bot) OnFailure(ctx context.Context, row store.OutboxRow, err error) {
	if row.Channel != workflow.ChanTelegram {
		return
	}
	var te *tgsend.Error
	if !errors.As(err, &te) || !te.ChatUnreachable() {
		if gerr := b.eng.TelegramGivenUp(ctx, row, err.Error()); gerr != nil {
			b.log.ErrorContext(ctx, "reroute a telegram message given up", slog.String("person", row.PersonID), slog.Any("error", gerr))
			return
		}
		b.log.WarnContext(ctx, "telegram message given up: sent again by e-mail when possible", slog.String("person", row.PersonID))
		return
	}
	reason := te.Description
	if reason == "" {
		reason = te.Error()
	}
	if err := b.eng.TelegramUnreachable(ctx, row, reason); err != nil {
		b.log.ErrorContext(ctx, "handle unreachable telegram chat", slog.String("person", row.PersonID), slog.Any("error", err))
		return
	}
	b.log.WarnContext(ctx, "telegram chat unreachable: binding deactivated", slog.String("person", row.PersonID), slog.String("reason", reason))
}
