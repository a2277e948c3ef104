// Package tgfake is a local, in-process Telegram Bot API server for tests.
//
// It listens on 127.0.0.1 through net/http/httptest, answers the documented
// JSON envelopes ({"ok":true,"result":...} and {"ok":false,"error_code":...,
// "description":...,"parameters":{...}}) at /bot<token>/<method>, and
// accepts form-encoded, multipart and JSON bodies, as client libraries send
// them. Tests push incoming updates (texts, replies, edits, button presses),
// read what the bot sent, inject failures (429, 500, HTML pages from a
// proxy, 409 conflicts), and can make the server enforce Telegram's flood
// limits (30 messages/s overall, 1 message/s per chat) with an injected
// clock.
//
// The server checks what Telegram checks and the bot would otherwise only
// discover in production: HTML markup in parse_mode=HTML, the 4096-character
// limit, callback_data of 1..64 bytes, command names of setMyCommands, and
// "message is not modified" on identical edits.
package tgfake

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultBotID and DefaultBotUsername identify the fake bot in getMe.
const (
	DefaultBotID       int64 = 7000000001
	DefaultBotUsername       = "sollecito_test_bot"
)

// Server is a fake Bot API server; all methods are safe for concurrent use.
type Server struct {
	tb        testing.TB
	token     string
	bot       User
	clock     func() time.Time
	http      *httptest.Server
	closed    chan struct{}
	closeOnce sync.Once

	// mu guards every field below. changed is closed and replaced after each
	// mutation, so that long polls and Wait* helpers sleep on a channel
	// instead of polling.
	mu             sync.Mutex
	changed        chan struct{}
	requireStarted bool
	users          map[int64]User
	started        map[int64]bool
	updates        []Update
	nextUpdateID   int
	offset         int
	pollGen        int
	nextMessageID  int
	nextCallbackID int
	messages       map[msgKey]*Message
	sent           []SentMessage
	edits          []SentMessage
	calls          []Call
	chatErrors     map[int64]apiError
	faults         map[string][]Failure
	commands       map[string][]BotCommand
	webhookURL     string
	webhookSecret  string
	callbacks      map[string]bool
	rate           *rateLimits
	tooMany        int
	rateLimited    int
}

// msgKey identifies a message: ids are unique within a chat.
type msgKey struct {
	chat int64
	id   int
}

// Call is one request the server received, with its parameters as strings
// (objects such as reply_markup stay JSON text).
type Call struct {
	Method string
	Params map[string]string
	At     time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock used for message dates and rate enforcement.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// WithBotUsername sets the username that getMe reports.
func WithBotUsername(name string) Option { return func(s *Server) { s.bot.Username = name } }

// WithRateLimits makes sendMessage answer 429 when more than 30 messages
// would be accepted within one second overall, or a chat would get a second
// message within one second, as Telegram does.
func WithRateLimits() Option {
	return func(s *Server) { s.rate = newRateLimits(30, time.Second, time.Second) }
}

// RequireStarted makes sendMessage to a private chat that never wrote to the
// bot answer 403 "bot can't initiate conversation with a user".
func RequireStarted() Option { return func(s *Server) { s.requireStarted = true } }

// New starts a fake server for the bot token and stops it when the test ends.
func New(tb testing.TB, token string, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:            tb,
		token:         token,
		bot:           User{ID: DefaultBotID, IsBot: true, FirstName: "Sollecito", Username: DefaultBotUsername},
		clock:         time.Now,
		closed:        make(chan struct{}),
		changed:       make(chan struct{}),
		users:         map[int64]User{},
		started:       map[int64]bool{},
		nextUpdateID:  700000001,
		nextMessageID: 1,
		messages:      map[msgKey]*Message{},
		chatErrors:    map[int64]apiError{},
		faults:        map[string][]Failure{},
		commands:      map[string][]BotCommand{},
		callbacks:     map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	s.http = httptest.NewServer(s)
	tb.Cleanup(s.Close)
	return s
}

// Close ends pending long polls and stops the server. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.http.Close()
	})
}

// URL returns the endpoint format the client library wants, with %s for the
// token and for the method: "http://127.0.0.1:PORT/bot%s/%s".
func (s *Server) URL() string { return s.http.URL + "/bot%s/%s" }

// BaseURL returns "http://127.0.0.1:PORT".
func (s *Server) BaseURL() string { return s.http.URL }

// Bot returns the bot user that getMe reports.
func (s *Server) Bot() User { return s.bot }

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (evaluated under s.mu) holds, ctx ends or the
// server closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("tgfake: wait: %w", ctx.Err())
		case <-s.closed:
			return fmt.Errorf("tgfake: wait: server closed")
		}
	}
}

// Calls returns the requests received for method ("" for all), oldest first.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n requests for method were received and
// returns them.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var out []Call
	err := s.waitFor(ctx, func() bool {
		out = s.callsLocked(method)
		return len(out) >= n
	})
	return out, err
}

// ServeHTTP implements the Bot API at /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeError(w, apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if token != s.token {
		writeError(w, apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	params, err := readParams(r)
	if err != nil {
		writeError(w, *badRequest("can't parse request: " + err.Error()))
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Params: params, At: s.clock()})
	f, faulty := s.takeFaultLocked(method)
	if faulty && f.status == http.StatusTooManyRequests {
		s.tooMany++
	}
	s.notifyLocked()
	s.mu.Unlock()
	if faulty {
		f.write(w)
		return
	}
	h, known := s.handlers()[strings.ToLower(method)]
	if !known {
		writeError(w, apiError{code: http.StatusNotFound, description: "Not Found: method not found"})
		return
	}
	result, aerr := h(r.Context(), params)
	if aerr != nil {
		writeError(w, *aerr)
		return
	}
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
}

// handler answers one method with a result or an API error.
type handler func(ctx context.Context, p map[string]string) (any, *apiError)

func (s *Server) handlers() map[string]handler {
	return map[string]handler{
		"getme":                  func(context.Context, map[string]string) (any, *apiError) { return s.bot, nil },
		"getupdates":             s.getUpdates,
		"sendmessage":            s.sendMessage,
		"editmessagetext":        s.editMessageText,
		"editmessagereplymarkup": s.editMessageReplyMarkup,
		"answercallbackquery":    s.answerCallbackQuery,
		"setmycommands":          s.setMyCommands,
		"getmycommands":          s.getMyCommands,
		"deletemycommands":       s.deleteMyCommands,
		"setwebhook":             s.setWebhook,
		"deletewebhook":          s.deleteWebhook,
		"getwebhookinfo":         s.getWebhookInfo,
	}
}

// readParams merges the query string and a form-encoded, multipart or JSON
// body into one map of strings; JSON objects and arrays stay JSON text, as
// they are in form-encoded requests.
func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, fmt.Errorf("json body: %w", err)
		}
		for k, raw := range body {
			var str string
			if err := json.Unmarshal(raw, &str); err == nil {
				out[k] = str
				continue
			}
			if string(raw) != "null" {
				out[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("form body: %w", err)
		}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
	}
	return out, nil
}

// apiError is a Bot API failure: HTTP status = error_code.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func badRequest(what string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + what}
}

func writeError(w http.ResponseWriter, e apiError) {
	resp := apiResponse{OK: false, ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		resp.Parameters = &responseParameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// intParam reads an integer parameter; absent gives def.
func intParam(p map[string]string, name string, def int64) (int64, error) {
	v, ok := p[name]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad %s %q", name, v)
	}
	return n, nil
}

// boolParam reads a boolean parameter sent as true/false.
func boolParam(p map[string]string, name string) bool {
	b, _ := strconv.ParseBool(p[name])
	return b
}

// isLoopbackURL reports whether raw is an http(s) URL on a loopback host;
// the fake only ever delivers webhooks there.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.")
}
