// Package telegram is Sollecito's outgoing Telegram channel: it sends HTML
// messages to chats, split under Telegram's 4096-character limit, keeps to
// the flood limits (about 30 messages/s overall, 1/s per chat), holds back
// only the chat a 429 was about, and returns errors that say whether a retry
// can work. It knows nothing of the domain; the dispatcher above it decides
// what to do with each classified error.
//
// The bot token never leaves this package: it is removed from errors
// (net/http puts the request URL, which contains it, in its errors), from
// the client library's log lines and from panics.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Defaults for Config.
const (
	DefaultAPIEndpoint     = tgbotapi.APIEndpoint // "https://api.telegram.org/bot%s/%s"
	DefaultHTTPTimeout     = 30 * time.Second
	DefaultGlobalRate      = 30.0
	DefaultPerChatInterval = time.Second
)

// Config configures a Sender.
type Config struct {
	Token           string        // bot token from BotFather; never printed
	APIEndpoint     string        // with %s for token and method; default DefaultAPIEndpoint
	HTTPTimeout     time.Duration // per request; default DefaultHTTPTimeout
	GlobalRate      float64       // messages per second overall; default 30
	PerChatInterval time.Duration // between two messages to one chat; default 1s
	// Both limits are kept as Telegram sees them, whatever the network's
	// delays: a message counts from its answer, not from its start.
}

// String describes the configuration without the token.
func (c Config) String() string {
	tok := ""
	if c.Token != "" {
		tok = redactedToken
	}
	return fmt.Sprintf("telegram.Config{Token:%s APIEndpoint:%s HTTPTimeout:%s GlobalRate:%g PerChatInterval:%s}",
		tok, c.APIEndpoint, c.HTTPTimeout, c.GlobalRate, c.PerChatInterval)
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

// LogValue logs the configuration without the token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("token_set", c.Token != ""),
		slog.String("api_endpoint", c.APIEndpoint),
		slog.Duration("http_timeout", c.HTTPTimeout),
		slog.Float64("global_rate", c.GlobalRate),
		slog.Duration("per_chat_interval", c.PerChatInterval),
	)
}

func (c Config) withDefaults() Config {
	if c.APIEndpoint == "" {
		c.APIEndpoint = DefaultAPIEndpoint
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = DefaultHTTPTimeout
	}
	if c.GlobalRate == 0 {
		c.GlobalRate = DefaultGlobalRate
	}
	if c.PerChatInterval == 0 {
		c.PerChatInterval = DefaultPerChatInterval
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if strings.TrimSpace(c.Token) == "" {
		errs = append(errs, &ConfigError{it: "token del bot Telegram mancante", en: "Telegram bot token missing"})
	}
	if strings.Count(c.APIEndpoint, "%s") != 2 || strings.Count(c.APIEndpoint, "%") != 2 {
		errs = append(errs, &ConfigError{
			it: fmt.Sprintf("indirizzo dell'API Telegram %q non valido: deve contenere due volte %%s (token e metodo)", c.APIEndpoint),
			en: fmt.Sprintf("Telegram API address %q is invalid: it must contain %%s twice (token and method)", c.APIEndpoint),
		})
	}
	if c.HTTPTimeout < 0 || c.GlobalRate < 0 || c.PerChatInterval < 0 {
		errs = append(errs, &ConfigError{it: "limiti di Telegram negativi", en: "negative Telegram limits"})
	}
	return errors.Join(errs...)
}

// ConfigError is a configuration mistake that no retry can fix.
type ConfigError struct{ it, en string }

// Error returns the Italian text.
func (e *ConfigError) Error() string { return e.it }

// Localize returns the text in "it" (default) or "en".
func (e *ConfigError) Localize(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return e.en
	}
	return e.it
}

// Sender sends messages through the Bot API; it is safe for concurrent use.
type Sender struct {
	bot    *tgbotapi.BotAPI // only copied per call, never used directly
	http   *http.Client
	red    redactor
	logger *slog.Logger
	limit  *limiter
}

// New checks the configuration and the token with one getMe call. Telegram
// may be unreachable at start-up: New then fails with a non-permanent
// *Error, and the caller retries (Connect does). clock gives the current
// time to the rate limiter (nil means the system clock).
func New(cfg Config, logger *slog.Logger, clock func() time.Time) (*Sender, error) {
	return newSender(context.Background(), cfg, logger, clock, sleep)
}

func newSender(ctx context.Context, cfg Config, logger *slog.Logger, clock func() time.Time, wait waitFunc) (_ *Sender, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if clock == nil {
		clock = time.Now
	}
	red := newRedactor(cfg.Token)
	defer red.guard()
	installLibraryLogger(cfg.Token, logger)
	hc := &http.Client{Timeout: cfg.HTTPTimeout}
	cc := &callClient{ctx: ctx, base: hc, red: red}
	bot, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, cc)
	if err != nil {
		return nil, classify("getMe", 0, cc.status, red.Error(err), ctx.Err())
	}
	bot.Client = hc
	return &Sender{
		bot:    bot,
		http:   hc,
		red:    red,
		logger: logger,
		limit:  newLimiter(clock, wait, cfg.GlobalRate, cfg.PerChatInterval),
	}, nil
}

// Backoff bounds of Connect.
const (
	connectBackoffMin = time.Second
	connectBackoffMax = time.Minute
)

// Connect is New with retries: while getMe fails (Telegram unreachable, 5xx,
// a wrong token) it logs the failure and tries again with exponential
// backoff from 1s to 1min, until it succeeds or ctx ends. A configuration
// error is returned at once.
func Connect(ctx context.Context, cfg Config, logger *slog.Logger) (*Sender, error) {
	return connect(ctx, cfg, logger, time.Now, sleep)
}

func connect(ctx context.Context, cfg Config, logger *slog.Logger, clock func() time.Time, wait waitFunc) (*Sender, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	backoff := connectBackoffMin
	for attempt := 1; ; attempt++ {
		s, err := newSender(ctx, cfg, logger, clock, wait)
		if err == nil {
			return s, nil
		}
		var te *Error
		if !errors.As(err, &te) {
			return nil, err
		}
		logger.Warn("telegram getMe failed, retrying",
			slog.Int("attempt", attempt), slog.Duration("retry_in", backoff), slog.Any("error", err))
		if werr := wait(ctx, backoff); werr != nil {
			e := classify("getMe", 0, 0, werr, werr)
			e.cause = errors.Join(werr, te)
			return nil, e
		}
		backoff = min(backoff*2, connectBackoffMax)
	}
}

// Username returns the bot's username as getMe reported it.
func (s *Sender) Username() string { return s.bot.Self.UserName }

// Button is an inline keyboard button; Data (1..64 bytes) comes back in the
// callback query when the person presses it.
type Button struct {
	Text string
	Data string
}

// SendOption adjusts one Send.
type SendOption func(*sendOptions)

type sendOptions struct {
	replyTo   int
	buttons   [][]Button
	silent    bool
	noPreview bool
}

// ReplyTo makes the (first part of the) message a reply to messageID; the
// message still goes if that one was deleted.
func ReplyTo(messageID int) SendOption { return func(o *sendOptions) { o.replyTo = messageID } }

// WithButtons attaches an inline keyboard, one slice per row, to the last
// part of the message.
func WithButtons(rows ...[]Button) SendOption { return func(o *sendOptions) { o.buttons = rows } }

// Silent sends without a notification sound.
func Silent() SendOption { return func(o *sendOptions) { o.silent = true } }

// NoPreview disables link previews.
func NoPreview() SendOption { return func(o *sendOptions) { o.noPreview = true } }

func (o sendOptions) keyboard() (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(o.buttons) == 0 {
		return nil, nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range o.buttons {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.Text == "" || len(b.Data) < 1 || len(b.Data) > 64 {
				return nil, fmt.Errorf("button %q: text required and data of 1..64 bytes (got %d)", b.Text, len(b.Data))
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		rows = append(rows, r)
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb, nil
}

// Send sends html (parse mode HTML: escape text with EscapeHTML) to chatID,
// split with SplitHTML when longer than 4096 characters, and returns the
// ids of the messages sent. Each part waits for the chat's turn, the
// per-chat interval, any retry_after Telegram gave for that chat, and a
// global slot; waits end with ctx. On failure it returns the ids of the
// parts already sent with an *Error (see Permanent, RetryAfter and
// ChatUnreachable); a retried Send sends every part again.
func (s *Sender) Send(ctx context.Context, chatID int64, html string, opts ...SendOption) (messageIDs []int, err error) {
	defer s.red.guard()
	var o sendOptions
	for _, opt := range opts {
		opt(&o)
	}
	kb, err := o.keyboard()
	if err != nil {
		return nil, &Error{Method: "sendMessage", ChatID: chatID, Description: err.Error(), kind: kindRefused}
	}
	parts := SplitHTML(html, MaxMessageLength)
	if len(parts) == 0 {
		return nil, &Error{Method: "sendMessage", ChatID: chatID, Description: "message text is empty", kind: kindRefused}
	}
	st, err := s.limit.acquire(ctx, chatID)
	if err != nil {
		return nil, classify("sendMessage", chatID, 0, err, err)
	}
	defer s.limit.release(chatID, st)
	for i, part := range parts {
		if err := s.limit.ready(ctx, st); err != nil {
			return messageIDs, classify("sendMessage", chatID, 0, err, err)
		}
		msg := tgbotapi.NewMessage(chatID, part)
		msg.ParseMode = tgbotapi.ModeHTML
		msg.DisableNotification = o.silent
		msg.DisableWebPagePreview = o.noPreview
		if i == 0 && o.replyTo != 0 {
			msg.ReplyToMessageID = o.replyTo
			msg.AllowSendingWithoutReply = true
		}
		if i == len(parts)-1 && kb != nil {
			msg.ReplyMarkup = *kb
		}
		sent, status, err := s.do(ctx, msg)
		if err != nil {
			e := classify("sendMessage", chatID, status, err, ctx.Err())
			s.limit.done(st, e.retryAfter)
			if e.kind == kindRateLimited {
				s.logger.Warn("telegram rate limited", slog.Int64("chat_id", chatID), slog.Duration("retry_after", e.retryAfter))
			} else {
				s.logger.Debug("telegram send failed", slog.Int64("chat_id", chatID), slog.Bool("permanent", e.Permanent()), slog.Any("error", e))
			}
			return messageIDs, e
		}
		s.limit.done(st, 0)
		messageIDs = append(messageIDs, sent.MessageID)
	}
	return messageIDs, nil
}

// do makes one library call bound to ctx: the shared BotAPI is copied so
// that the copy's client carries this call's context and status.
func (s *Sender) do(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, int, error) {
	cc := &callClient{ctx: ctx, base: s.http, red: s.red}
	b := *s.bot
	b.Client = cc
	m, err := b.Send(c)
	return m, cc.status, s.red.Error(err)
}

// guard re-panics without the token; use with defer.
func (r redactor) guard() {
	if v := recover(); v != nil {
		panic(r.String(fmt.Sprint(v)))
	}
}
