package email

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/mail"
	"strings"
	"sync"

	"sollecito/notify"
	"sollecito/workflow/token"
)

// ReplyMarker is the first line of every message that can be answered:
// the reader keeps only what is written above it.
const ReplyMarker = "--- Rispondi sopra questa riga / Reply above this line ---"

// Headers every message carries: we are a robot, and Exchange should not
// answer us with out-of-office replies.
var robotHeaders = map[string]string{
	"Auto-Submitted":           "auto-generated",
	"X-Auto-Response-Suppress": "OOF, AutoReply",
}

// TokenFunc returns the reply token of an outbox message ("" for none).
type TokenFunc func(ctx context.Context, outboxID int64) (string, error)

// ChannelConfig configures the e-mail channel.
type ChannelConfig struct {
	// From is the sender, "Sollecito <sollecito@comune.example.it>".
	From string
	// ReplyTo is the reply address form, holding {token} where the token
	// goes ("sollecito+{token}@comune.example.it"). Empty: no Reply-To,
	// replies go to From and are matched by Message-ID or subject tag.
	ReplyTo string
}

// Channel sends notify messages as e-mail (it implements notify.Channel):
// each carries the reply token in its Reply-To address, its Message-ID and
// a subject tag, begins with ReplyMarker, is multipart text and HTML, and
// carries Auto-Submitted and X-Auto-Response-Suppress.
//
// Messages handed to Send at the same time (the dispatcher's workers) go
// out together over one SMTP connection: while one batch is being sent,
// the next ones wait in a queue and form the following batch.
type Channel struct {
	s      *Sender
	cfg    ChannelConfig
	tokens TokenFunc
	log    *slog.Logger
	domain string

	mu      sync.Mutex // guards queue and sending
	queue   []*queued
	sending bool // a goroutine is sending the queue
}

// queued is one message waiting for its batch.
type queued struct {
	ctx  context.Context
	msg  *Message
	done chan error // buffered: the sender never blocks on it
}

// maxBatch bounds the messages sent over one connection at a time.
const maxBatch = 50

// NewChannel returns the e-mail channel over s. tokens may be nil (no
// reply tokens: messages cannot be answered).
func NewChannel(s *Sender, cfg ChannelConfig, tokens TokenFunc, logger *slog.Logger) (*Channel, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("e-mail channel: sender %q: %w", cfg.From, err)
	}
	if cfg.ReplyTo != "" && !strings.Contains(cfg.ReplyTo, token.Placeholder) {
		return nil, fmt.Errorf("e-mail channel: reply address %q lacks %s", cfg.ReplyTo, token.Placeholder)
	}
	return &Channel{s: s, cfg: cfg, tokens: tokens, log: logger, domain: domainOf(from.Address)}, nil
}

// Send sends m and returns its Message-ID. Errors wrap an *Error and say
// whether retrying helps (Permanent), except a failure to issue the token,
// which is temporary. A refused login or sender is reported temporary:
// the settings, not the message, need fixing.
func (c *Channel) Send(ctx context.Context, m *notify.Message) (string, error) {
	msg, err := c.Message(ctx, m)
	if err != nil {
		return "", err
	}
	q := &queued{ctx: ctx, msg: msg, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, q)
	start := !c.sending
	c.sending = true
	c.mu.Unlock()
	if start {
		go c.sendQueue()
	}
	select {
	case err := <-q.done:
		if err != nil {
			return "", settingsTemporary(err)
		}
		return msg.MessageID, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// sendQueue sends the queue batch after batch until it is empty, then
// ends.
func (c *Channel) sendQueue() {
	for {
		c.mu.Lock()
		n := min(len(c.queue), maxBatch)
		batch := c.queue[:n:n]
		c.queue = c.queue[n:]
		if n == 0 {
			c.sending = false
			c.queue = nil
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		var live []*queued
		for _, q := range batch {
			if err := q.ctx.Err(); err != nil {
				q.done <- err
				continue
			}
			live = append(live, q)
		}
		if len(live) == 0 {
			continue
		}
		msgs := make([]*Message, len(live))
		for i, q := range live {
			msgs[i] = q.msg
		}
		// The batch shares the first sender's context: the dispatcher's
		// workers all run under one.
		c.log.Debug("mail batch", slog.Int("messages", len(msgs)))
		errs := c.s.Send(live[0].ctx, msgs)
		for i, q := range live {
			q.done <- errs[i]
		}
	}
}

// Message builds the e-mail for m, without sending it.
func (c *Channel) Message(ctx context.Context, m *notify.Message) (*Message, error) {
	if strings.TrimSpace(m.Email) == "" {
		return nil, &Error{Kind: KindAddress, Field: "To", Err: errors.New("la persona non ha un indirizzo e-mail")}
	}
	to := (&mail.Address{Name: m.Name, Address: strings.TrimSpace(m.Email)}).String()
	var tok string
	if c.tokens != nil && m.OutboxID > 0 {
		t, err := c.tokens(ctx, m.OutboxID)
		if err != nil {
			return nil, fmt.Errorf("reply token: %w", err)
		}
		tok = t
	}
	msg := &Message{
		From: c.cfg.From, To: to, Subject: m.Subject,
		InReplyTo: m.InReplyTo, References: m.References,
		Headers: robotHeaders,
	}
	text, htmlBody := m.Text, m.HTML
	if htmlBody == "" {
		htmlBody = textToHTML(text)
	}
	if tok != "" {
		msg.MessageID = token.MessageID(tok, c.domain)
		msg.Subject = strings.TrimSpace(msg.Subject + " " + token.SubjectTag(tok))
		if c.cfg.ReplyTo != "" {
			msg.ReplyTo = token.Address(c.cfg.ReplyTo, tok)
		}
		text = ReplyMarker + "\n\n" + text
		htmlBody = `<p style="color:#888888">` + html.EscapeString(ReplyMarker) + "</p>\n" + htmlBody
	} else {
		// Stable across retries all the same: the dispatcher's key.
		h := sha256.Sum256([]byte(m.Key))
		msg.MessageID = "sollecito.k" + hex.EncodeToString(h[:10]) + "@" + c.domain
	}
	msg.Text, msg.HTML = text, htmlBody
	return msg, nil
}

// settingError is a failure caused by the settings (a refused login, a
// refused sender, an impossible setting): the server says "permanent",
// but the message itself is fine and goes once an administrator fixes
// the settings, so the dispatcher retries it rather than giving it up.
type settingError struct{ err *Error }

// Error returns the underlying error's Italian text.
func (e settingError) Error() string { return e.err.Error() }

// Localize returns the underlying error's text in lang.
func (e settingError) Localize(lang string) string { return e.err.Localize(lang) }

// Permanent is false: the next attempt may find the settings fixed.
func (e settingError) Permanent() bool { return false }

// Unwrap returns the *Error.
func (e settingError) Unwrap() error { return e.err }

func settingsTemporary(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Permanent() && (e.Kind == KindAuth || e.Kind == KindConfig || e.Kind == KindSender) {
		return settingError{e}
	}
	return err
}

// textToHTML renders plain text as simple HTML paragraphs.
func textToHTML(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(strings.Trim(para, "\n")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}
