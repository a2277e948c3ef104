package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redactedToken replaces the bot token wherever it would be shown.
const redactedToken = "<token>"

// redactor removes one bot token, plain or URL-escaped, from texts.
type redactor struct{ r *strings.Replacer }

func newRedactor(token string) redactor {
	var pairs []string
	seen := map[string]bool{}
	for _, form := range []string{token, url.PathEscape(token), url.QueryEscape(token)} {
		if form != "" && !seen[form] {
			seen[form] = true
			pairs = append(pairs, form, redactedToken)
		}
	}
	return redactor{r: strings.NewReplacer(pairs...)}
}

// String returns s without the token.
func (r redactor) String(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Error returns err unchanged when its text has no token; a *url.Error (as
// net/http returns, with the token in its URL) keeps its type with the URL
// redacted; any other error carrying the token becomes a plain error with
// the token removed.
func (r redactor) Error(err error) error {
	if err == nil || r.String(err.Error()) == err.Error() {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		red := &url.Error{Op: ue.Op, URL: r.String(ue.URL), Err: r.Error(ue.Err)}
		if red.Error() == r.String(err.Error()) {
			return red
		}
	}
	return errors.New(r.String(err.Error()))
}

// callClient is the HTTP client the library uses for one call: it binds the
// caller's context to the request, records the answer's status and strips
// the token from transport errors.
type callClient struct {
	ctx    context.Context
	base   *http.Client
	red    redactor
	status int
}

// Do sends req with the call's context.
func (c *callClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.base.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, c.red.Error(err)
	}
	c.status = resp.StatusCode
	return resp, nil
}

// libraryLogger receives the client library's log lines (it logs with a
// package-wide logger, in debug mode and in GetUpdatesChan) and forwards
// them to the most recently configured slog.Logger with every known bot
// token removed. It must be package-wide because the library's logger is.
type libraryLogger struct {
	mu     sync.Mutex // guards the fields below
	tokens map[string]redactor
	logger *slog.Logger
}

var (
	libLog        = &libraryLogger{tokens: map[string]redactor{}}
	libLogInstall sync.Once
)

// installLibraryLogger routes the library's logging through libLog and
// teaches libLog the token.
func installLibraryLogger(token string, logger *slog.Logger) {
	libLogInstall.Do(func() { _ = tgbotapi.SetLogger(libLog) })
	libLog.mu.Lock()
	defer libLog.mu.Unlock()
	libLog.tokens[token] = newRedactor(token)
	if logger != nil {
		libLog.logger = logger
	}
}

// Printf implements tgbotapi.BotLogger.
func (l *libraryLogger) Printf(format string, v ...any) { l.emit(fmt.Sprintf(format, v...)) }

// Println implements tgbotapi.BotLogger.
func (l *libraryLogger) Println(v ...any) { l.emit(strings.TrimSuffix(fmt.Sprintln(v...), "\n")) }

func (l *libraryLogger) emit(msg string) {
	l.mu.Lock()
	for _, r := range l.tokens {
		msg = r.String(msg)
	}
	logger := l.logger
	l.mu.Unlock()
	if logger != nil {
		logger.Warn("telegram library", slog.String("message", msg))
	}
}
