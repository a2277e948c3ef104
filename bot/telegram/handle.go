package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	tgsend "sollecito/notify/telegram"
	"sollecito/store"
	"sollecito/workflow"
)

// chat is one conversation turn: who wrote, in which chat, in which
// language.
type chat struct {
	userID int64
	chatID int64
	person store.Person // zero when the user is not linked
	lang   string
}

func (c chat) en() bool { return c.lang == "en" }

// tr picks the Italian or English text.
func (c chat) tr(it, en string) string {
	if c.en() {
		return en
	}
	return it
}

// handle routes one update.
func (b *Bot) handle(ctx context.Context, u tgbotapi.Update) error {
	switch {
	case u.Message != nil:
		return b.onMessage(ctx, u.Message, false)
	case u.EditedMessage != nil:
		return b.onMessage(ctx, u.EditedMessage, true)
	case u.CallbackQuery != nil:
		return b.onCallback(ctx, u.CallbackQuery)
	case u.MyChatMember != nil:
		return b.onMember(ctx, u.MyChatMember)
	}
	return nil
}

// who finds the person linked to a Telegram user.
func (b *Bot) who(ctx context.Context, userID, chatID int64) (chat, error) {
	c := chat{userID: userID, chatID: chatID, lang: "it"}
	bind, err := b.st.BindingByUser(ctx, b.org(), userID)
	if errors.Is(err, store.ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	p, err := b.st.GetPerson(ctx, b.org(), bind.PersonID)
	if err != nil {
		return c, fmt.Errorf("linked person %s: %w", bind.PersonID, err)
	}
	c.person = p
	if p.Language == "en" {
		c.lang = "en"
	}
	return c, nil
}

func (b *Bot) onMessage(ctx context.Context, m *tgbotapi.Message, edited bool) error {
	if m.From == nil || m.Chat == nil || m.Chat.Type != "private" || m.From.IsBot {
		return nil // the bot works in private chats only
	}
	c, err := b.who(ctx, m.From.ID, m.Chat.ID)
	if err != nil {
		return err
	}
	if !edited && m.IsCommand() && m.Command() == "start" && strings.TrimSpace(m.CommandArguments()) != "" {
		return b.link(ctx, c, strings.TrimSpace(m.CommandArguments()))
	}
	if c.person.ID == "" {
		return b.stranger(ctx, c)
	}
	if edited {
		return b.onEdit(ctx, c, m)
	}
	if m.IsCommand() {
		return b.command(ctx, c, m)
	}
	return b.onText(ctx, c, m)
}

// strangerText is all that someone who is not linked ever gets.
const strangerText = "Questo è il bot di Sollecito, che ricorda le scadenze del piano della performance al personale dell'ente. " +
	"Per usarlo serve un invito personale: chiedilo all'ufficio controllo di gestione."

func (b *Bot) stranger(ctx context.Context, c chat) error {
	return b.say(ctx, c, strangerText)
}

func (b *Bot) link(ctx context.Context, c chat, code string) error {
	p, err := b.eng.Link(ctx, code, c.userID, c.chatID)
	if err != nil {
		var ue *workflow.UserError
		if errors.As(err, &ue) {
			if c.person.ID == "" {
				c.lang = "it"
			}
			return b.say(ctx, c, tgsend.EscapeHTML(ue.Localize(c.lang)))
		}
		return err
	}
	c.person = p
	c.lang = "it"
	if p.Language == "en" {
		c.lang = "en"
	}
	b.log.InfoContext(ctx, "telegram chat linked", slog.String("person", p.ID))
	return b.say(ctx, c, c.tr(
		fmt.Sprintf("Ciao %s, questa chat è ora collegata a Sollecito. Riceverai qui i promemoria e potrai rispondere con i valori.\n\n", tgsend.EscapeHTML(p.Name)),
		fmt.Sprintf("Hello %s, this chat is now linked to Sollecito. Reminders will come here and you can answer with the values.\n\n", tgsend.EscapeHTML(p.Name)),
	)+helpText(c))
}

func (b *Bot) onMember(ctx context.Context, m *tgbotapi.ChatMemberUpdated) error {
	if m.NewChatMember.Status != "kicked" && m.NewChatMember.Status != "left" {
		return nil
	}
	bind, err := b.st.BindingByUser(ctx, b.org(), m.From.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	b.log.WarnContext(ctx, "telegram bot blocked by a person: binding deactivated", slog.String("person", bind.PersonID))
	return b.st.DeactivateBinding(ctx, b.org(), bind.PersonID)
}

// sendOpts are options for say.
type sendOpts = []tgsend.SendOption

// say sends html to the chat, retrying what can be retried (429 after its
// retry_after, 5xx, network errors, pages that are not JSON), and returns
// the id of the last message part.
func (b *Bot) say(ctx context.Context, c chat, html string, opts ...tgsend.SendOption) error {
	_, err := b.sayID(ctx, c, html, opts...)
	return err
}

func (b *Bot) sayID(ctx context.Context, c chat, html string, opts ...tgsend.SendOption) (int, error) {
	wait := b.opt.RetryMin
	for attempt := 1; ; attempt++ {
		ids, err := b.api.Send(ctx, c.chatID, html, append(opts, tgsend.NoPreview())...)
		if err == nil {
			return ids[len(ids)-1], nil
		}
		var te *tgsend.Error
		if errors.As(err, &te) && te.ChatUnreachable() && c.person.ID != "" {
			b.log.WarnContext(ctx, "telegram chat unreachable: binding deactivated", slog.String("person", c.person.ID))
			_ = b.st.DeactivateBinding(ctx, b.org(), c.person.ID)
		}
		if !errors.As(err, &te) || te.Permanent() || attempt >= 5 || ctx.Err() != nil {
			return 0, fmt.Errorf("reply: %w", err)
		}
		if len(ids) > 0 {
			return ids[len(ids)-1], fmt.Errorf("reply partly sent: %w", err)
		}
		// A 429 holds the chat in the Sender's limiter: the next Send waits.
		if te.RetryAfter() == 0 {
			if err := sleep(ctx, wait); err != nil {
				return 0, err
			}
			wait = min(wait*2, b.opt.RetryMax)
		}
	}
}

// call makes a Bot API call other than sendMessage, retrying transient
// failures a few times; "message is not modified" is success.
func (b *Bot) call(ctx context.Context, method string, p tgbotapi.Params) error {
	wait := b.opt.RetryMin
	for attempt := 1; ; attempt++ {
		_, err := b.api.Call(ctx, method, p)
		if err == nil || tgsend.NotModified(err) {
			return nil
		}
		var te *tgsend.Error
		if !errors.As(err, &te) || te.Permanent() || attempt >= 5 || ctx.Err() != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if err := sleep(ctx, max(wait, te.RetryAfter())); err != nil {
			return err
		}
		wait = min(wait*2, b.opt.RetryMax)
	}
}

// answer answers a callback query (the button stops spinning), with an
// optional short notice.
func (b *Bot) answer(ctx context.Context, q *tgbotapi.CallbackQuery, text string) {
	p := tgbotapi.Params{"callback_query_id": q.ID}
	p.AddNonEmpty("text", text)
	if err := b.call(ctx, "answerCallbackQuery", p); err != nil {
		b.log.WarnContext(ctx, "answer callback", slog.Any("error", err))
	}
}

// dropButtons removes the inline keyboard of a message once used.
func (b *Bot) dropButtons(ctx context.Context, chatID int64, messageID int) {
	if messageID == 0 {
		return
	}
	p := tgbotapi.Params{"reply_markup": `{"inline_keyboard":[]}`}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero("message_id", messageID)
	if err := b.call(ctx, "editMessageReplyMarkup", p); err != nil {
		b.log.DebugContext(ctx, "remove buttons", slog.Any("error", err))
	}
}

// itemHash is the short opaque id of an item in callback data.
func itemHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:5])
}

func joinKeys(keys []string) string { return strings.Join(keys, "\n") }

func splitKeys(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// dialogue is the state of a half-finished conversation, persisted so
// that a restart does not lose it.
type dialogue struct {
	Step    string   `json:"step"` // value, numerator, denominator, confirm, pick
	Item    string   `json:"item,omitempty"`
	Raw     string   `json:"raw,omitempty"`
	Num     string   `json:"num,omitempty"`
	MsgID   int      `json:"msg,omitempty"`    // the person's message holding the value
	Prompt  int      `json:"prompt,omitempty"` // the bot's message with buttons
	Choices []string `json:"choices,omitempty"`
	Expires int64    `json:"expires"`
}

// errExpired is returned by loadDialogue for a dialogue left too long.
var errExpired = errors.New("dialogue expired")

func (b *Bot) loadDialogue(ctx context.Context, c chat) (*dialogue, error) {
	row, err := b.st.Dialogue(ctx, b.org(), c.userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d dialogue
	if err := json.Unmarshal([]byte(row.State), &d); err != nil {
		_ = b.st.DeleteDialogue(ctx, b.org(), c.userID)
		return nil, nil
	}
	if b.now().UnixMilli() >= d.Expires {
		_ = b.st.DeleteDialogue(ctx, b.org(), c.userID)
		return &d, errExpired
	}
	return &d, nil
}

func (b *Bot) saveDialogue(ctx context.Context, c chat, d *dialogue) error {
	now := b.now()
	d.Expires = now.Add(b.opt.DialogueTTL).UnixMilli()
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return b.st.SaveDialogue(ctx, store.TelegramDialogue{Org: b.org(), UserID: c.userID, State: string(raw), UpdatedAt: store.Millis(now)})
}

func (b *Bot) endDialogue(ctx context.Context, c chat) error {
	return b.st.DeleteDialogue(ctx, b.org(), c.userID)
}

// refusal renders an error for the person: their localised reason, or a
// generic apology for internal failures (which are returned to be logged).
func (b *Bot) refusal(ctx context.Context, c chat, err error) error {
	var ue interface{ Localize(string) string }
	if errors.As(err, &ue) {
		return b.say(ctx, c, "❌ "+tgsend.EscapeHTML(ue.Localize(c.lang)))
	}
	_ = b.say(ctx, c, c.tr("Si è verificato un errore interno: riprova più tardi.", "An internal error occurred: please try again later."))
	return err
}
