package telegram

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sollecito/notify"
)

// Channel makes a Sender a notify.Channel: it sends Message.TGHTML (or the
// escaped Message.Text) to Message.ChatID and returns the ids of the
// messages sent, comma-separated, as the external id. Its errors are the
// Sender's *Error, which tell the dispatcher whether to retry (Permanent,
// RetryAfter) and whether the chat is gone (ChatUnreachable).
type Channel struct {
	s      *Sender
	onSent func(ctx context.Context, m *notify.Message, messageIDs []int)
}

// NewChannel wraps s. onSent, when not nil, hears about every message sent
// with the ids Telegram gave its parts (the bot remembers which items a
// reminder named, to read replies to it).
func NewChannel(s *Sender, onSent func(ctx context.Context, m *notify.Message, messageIDs []int)) *Channel {
	return &Channel{s: s, onSent: onSent}
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, m *notify.Message) (string, error) {
	if m.ChatID == 0 {
		return "", &Error{Method: "sendMessage", Description: "no chat for " + m.PersonID, kind: kindUnreachable}
	}
	text := m.TGHTML
	if strings.TrimSpace(text) == "" {
		text = EscapeHTML(m.Text)
	}
	ids, err := c.s.Send(ctx, m.ChatID, text, NoPreview())
	if len(ids) > 0 && c.onSent != nil {
		c.onSent(ctx, m, ids)
	}
	if err != nil {
		return "", err
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ","), nil
}

// The methods below give the inbound bot the rest of the Bot API with the
// same token redaction and error classification as Send.

// HTTPTimeout is the timeout of one request; a long poll must be shorter.
func (s *Sender) HTTPTimeout() time.Duration { return s.http.Timeout }

// Call makes one Bot API request other than sendMessage (editMessageText,
// answerCallbackQuery, setMyCommands, setWebhook ...) and returns its
// result. Failures are *Error; "message is not modified" is one whose
// Permanent() is false and that callers may ignore.
func (s *Sender) Call(ctx context.Context, method string, params tgbotapi.Params) (_ json.RawMessage, err error) {
	defer s.red.guard()
	cc := &callClient{ctx: ctx, base: s.http, red: s.red}
	b := *s.bot
	b.Client = cc
	resp, err := b.MakeRequest(method, params)
	if err != nil {
		chat, _ := strconv.ParseInt(params["chat_id"], 10, 64)
		return nil, classify(method, chat, cc.status, s.red.Error(err), ctx.Err())
	}
	return resp.Result, nil
}

// NotModified reports whether err is Telegram's harmless "message is not
// modified" answer to an edit.
func NotModified(err error) bool {
	e, ok := err.(*Error)
	return ok && e.kind == kindNotModified
}

// GetUpdates asks for the updates from offset on, waiting up to timeout
// (a long poll; keep it shorter than HTTPTimeout) when there are none.
func (s *Sender) GetUpdates(ctx context.Context, offset int, timeout time.Duration) ([]tgbotapi.Update, error) {
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("timeout", int(timeout/time.Second))
	p["allowed_updates"] = `["message","edited_message","callback_query","my_chat_member"]`
	raw, err := s.Call(ctx, "getUpdates", p)
	if err != nil {
		return nil, err
	}
	var out []tgbotapi.Update
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, &Error{Method: "getUpdates", Description: "bad updates: " + err.Error(), kind: kindBadAnswer, cause: err}
	}
	return out, nil
}
