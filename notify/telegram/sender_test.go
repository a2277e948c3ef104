package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sollecito/bot/tgfake"
)

const testToken = "987654:SECRET-token-AbCdEf_123"

// fakeTime is a clock shared by the sender and the fake server; its wait
// advances the clock instead of sleeping, and remembers each wait.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeTime() *fakeTime {
	return &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeTime) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fakeTime) wait(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeTime) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// simulated returns a sender and an enforcing fake server that share a fake
// clock, so pacing is checked exactly and without real waiting.
func simulated(t *testing.T) (*Sender, *tgfake.Server, *fakeTime) {
	t.Helper()
	ft := newFakeTime()
	srv := tgfake.New(t, testToken, tgfake.WithRateLimits(), tgfake.WithClock(ft.Now))
	s, err := newSender(context.Background(), Config{Token: testToken, APIEndpoint: srv.URL()}, nil, ft.Now, ft.wait)
	if err != nil {
		t.Fatalf("newSender: %v", err)
	}
	return s, srv, ft
}

func TestSendLongDigestInValidParts(t *testing.T) {
	s, srv, ft := simulated(t)
	var b strings.Builder
	for i := range 120 {
		fmt.Fprintf(&b, "<b>Obiettivo %d</b>: %s, scadenza <i>31/12/2026</i>\n", i+1,
			EscapeHTML("riduzione tempi <medi> di pagamento & fatture"+strings.Repeat(" ecc.", 10)))
	}
	digest := b.String()
	ids, err := s.Send(testCtx(t), 55, digest, ReplyTo(0), WithButtons([]Button{{Text: "Apri", Data: "open:1"}}))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	sent := srv.SentTo(55)
	if len(ids) < 3 || len(sent) != len(ids) {
		t.Fatalf("%d ids, %d messages at the server, want the same number, at least 3", len(ids), len(sent))
	}
	var shown strings.Builder
	for i, m := range sent {
		if m.MessageID != ids[i] || m.ParseMode != "HTML" {
			t.Errorf("part %d: id %d parse mode %q, want id %d and HTML", i, m.MessageID, m.ParseMode, ids[i])
		}
		if got := len(m.Buttons()); (i == len(sent)-1) != (got == 1) {
			t.Errorf("part %d has %d buttons; only the last part must have the keyboard", i, got)
		}
		if i > 0 && m.At.Sub(sent[i-1].At) < time.Second {
			t.Errorf("part %d came %v after the previous one, under the per-chat second", i, m.At.Sub(sent[i-1].At))
		}
		shown.WriteString(m.Plain + "\n")
	}
	if want := strings.Repeat(" ecc.", 10); !strings.Contains(shown.String(), "riduzione tempi <medi> di pagamento & fatture"+want) {
		t.Errorf("escaped text not shown as typed")
	}
	if got := strings.Count(shown.String(), "Obiettivo "); got != 120 {
		t.Errorf("%d of 120 items reached the chat", got)
	}
	if n := srv.TooManyRequestsAnswered(); n != 0 {
		t.Errorf("the server answered 429 %d times", n)
	}
	if len(ft.Waits()) == 0 {
		t.Errorf("the sender never waited between parts")
	}
}

func TestSendOptions(t *testing.T) {
	s, srv, _ := simulated(t)
	srv.SendText(8, 8, "ciao")
	first, err := s.Send(testCtx(t), 8, "primo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(testCtx(t), 8, "risposta", ReplyTo(first[0]), Silent(), NoPreview()); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("sendMessage")
	p := calls[len(calls)-1].Params
	if p["reply_to_message_id"] != fmt.Sprint(first[0]) || p["disable_notification"] != "true" || p["disable_web_page_preview"] != "true" {
		t.Fatalf("options not sent: %v", p)
	}
	tests := []struct {
		name string
		text string
		opts []SendOption
	}{
		{"empty text", "  \n", nil},
		{"callback data over 64 bytes", "x", []SendOption{WithButtons([]Button{{Text: "t", Data: strings.Repeat("d", 65)}})}},
		{"button without text", "x", []SendOption{WithButtons([]Button{{Data: "d"}})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.Calls("sendMessage"))
			_, err := s.Send(testCtx(t), 8, tc.text, tc.opts...)
			var e *Error
			if !errors.As(err, &e) || !e.Permanent() || e.ChatUnreachable() {
				t.Fatalf("got %v, want a permanent error that leaves the chat reachable", err)
			}
			if len(srv.Calls("sendMessage")) != before {
				t.Fatalf("a request that cannot succeed was sent")
			}
		})
	}
}

func TestRateLimitDelaysOnlyThatChat(t *testing.T) {
	t.Run("real time: the other chat goes on, the limited one waits", func(t *testing.T) {
		srv := tgfake.New(t, testToken)
		s, err := New(Config{Token: testToken, APIEndpoint: srv.URL()}, nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		srv.FailNext("sendMessage", 1, tgfake.TooManyRequests(3))
		_, err = s.Send(testCtx(t), 1, "a")
		var e *Error
		if !errors.As(err, &e) || e.Permanent() || e.RetryAfter() != 3*time.Second {
			t.Fatalf("429: got %v, want non-permanent with RetryAfter 3s", err)
		}
		start := time.Now()
		if _, err := s.Send(testCtx(t), 2, "b"); err != nil {
			t.Fatalf("other chat: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("other chat waited %v behind chat 1's 429", d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err = s.Send(ctx, 1, "a again")
		if !errors.As(err, &e) || e.Permanent() || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("chat 1 inside retry_after: got %v, want the context's deadline", err)
		}
		if got := len(srv.SentTo(1)); got != 0 {
			t.Fatalf("chat 1 got %d messages during its retry_after", got)
		}
	})
	t.Run("simulated time: the limited chat goes after retry_after", func(t *testing.T) {
		s, srv, ft := simulated(t)
		srv.FailNext("sendMessage", 1, tgfake.TooManyRequests(7))
		if _, err := s.Send(testCtx(t), 1, "a"); err == nil {
			t.Fatal("injected 429 not reported")
		}
		t0 := ft.Now()
		if _, err := s.Send(testCtx(t), 1, "a"); err != nil {
			t.Fatalf("after retry_after: %v", err)
		}
		if waited := ft.Now().Sub(t0); waited < 7*time.Second {
			t.Fatalf("chat waited %v, want the 7s Telegram asked for", waited)
		}
	})
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(*tgfake.Server)
		permanent   bool
		unreachable bool
		code        int
		retryAfter  time.Duration
	}{
		{"500 is retried", func(s *tgfake.Server) { s.FailNext("sendMessage", 1, tgfake.ServerError()) }, false, false, 500, 0},
		{"HTML page from a proxy is retried", func(s *tgfake.Server) { s.FailNext("sendMessage", 1, tgfake.HTMLPage(502)) }, false, false, 502, 0},
		{"429 is retried later", func(s *tgfake.Server) { s.FailNext("sendMessage", 1, tgfake.TooManyRequests(5)) }, false, false, 429, 5 * time.Second},
		{"blocked is permanent", func(s *tgfake.Server) { s.Block(3) }, true, true, 403, 0},
		{"deactivated is permanent", func(s *tgfake.Server) { s.SetChatError(3, 403, "Forbidden: user is deactivated") }, true, true, 403, 0},
		{"chat not found is permanent", func(s *tgfake.Server) { s.SetChatError(3, 400, "Bad Request: chat not found") }, true, true, 400, 0},
		{"other bad request is permanent", func(s *tgfake.Server) {
			s.FailNext("sendMessage", 1, tgfake.APIError(400, "Bad Request: can't parse entities: Unsupported start tag"))
		}, true, false, 400, 0},
		{"message is not modified is harmless", func(s *tgfake.Server) {
			s.FailNext("sendMessage", 1, tgfake.APIError(400, "Bad Request: message is not modified"))
		}, false, false, 400, 0},
		{"wrong token is the bot's fault", func(s *tgfake.Server) { s.FailNext("sendMessage", 1, tgfake.APIError(401, "Unauthorized")) }, false, false, 401, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := tgfake.New(t, testToken)
			s, err := New(Config{Token: testToken, APIEndpoint: srv.URL(), PerChatInterval: time.Millisecond}, nil, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			tc.setup(srv)
			_, err = s.Send(testCtx(t), 3, "ciao")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Permanent() != tc.permanent || e.ChatUnreachable() != tc.unreachable || e.Code != tc.code || e.RetryAfter() != tc.retryAfter {
				t.Fatalf("%q: permanent=%v unreachable=%v code=%d retry=%v", e.Error(), e.Permanent(), e.ChatUnreachable(), e.Code, e.RetryAfter())
			}
			if it, en := e.Error(), e.Localize("en"); it == en || it == "" || en == "" {
				t.Fatalf("texts not localised: it %q, en %q", it, en)
			}
			if !tc.permanent && tc.code != 429 {
				// The caller's retry goes through once the fault is gone.
				srv.SetChatError(3, 0, "")
				if _, err := s.Send(testCtx(t), 3, "ciao"); err != nil {
					t.Fatalf("retry: %v", err)
				}
				if n := len(srv.SentTo(3)); n != 1 {
					t.Fatalf("%d messages delivered after the retry, want 1", n)
				}
			}
		})
	}
	t.Run("no answer at all is retried", func(t *testing.T) {
		srv := tgfake.New(t, testToken)
		s, err := New(Config{Token: testToken, APIEndpoint: srv.URL(), HTTPTimeout: 2 * time.Second}, nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		srv.Close()
		_, err = s.Send(testCtx(t), 3, "ciao")
		var e *Error
		if !errors.As(err, &e) || e.Permanent() || e.Code != 0 {
			t.Fatalf("closed server: %v", err)
		}
	})
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // part of the English text
	}{
		{"token missing", Config{APIEndpoint: "http://127.0.0.1:1/bot%s/%s"}, "token missing"},
		{"endpoint without placeholders", Config{Token: testToken, APIEndpoint: "http://127.0.0.1:1/"}, "must contain %s twice"},
		{"negative rate", Config{Token: testToken, GlobalRate: -1}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, nil, time.Now)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(ce.Localize("en"), tc.want) {
				t.Fatalf("got %v, want a ConfigError saying %q", err, tc.want)
			}
		})
	}
}

func TestConnectRetriesGetMe(t *testing.T) {
	srv := tgfake.New(t, testToken, tgfake.WithBotUsername("ufficio_piano_bot"))
	srv.FailNext("getMe", 1, tgfake.ServerError())
	srv.FailNext("getMe", 2, tgfake.HTMLPage(503))
	ft := newFakeTime()
	s, err := connect(testCtx(t), Config{Token: testToken, APIEndpoint: srv.URL()}, nil, ft.Now, ft.wait)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if s.Username() != "ufficio_piano_bot" {
		t.Fatalf("Username() = %q", s.Username())
	}
	if got := fmt.Sprint(ft.Waits()); got != "[1s 2s 4s]" {
		t.Fatalf("backoff waits %s, want [1s 2s 4s]", got)
	}

	t.Run("until the context ends", func(t *testing.T) {
		srv.FailNext("getMe", 1000, tgfake.ServerError())
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		wait := func(ctx context.Context, d time.Duration) error {
			if attempts++; attempts == 5 {
				cancel()
			}
			return ctx.Err()
		}
		_, err := connect(ctx, Config{Token: testToken, APIEndpoint: srv.URL()}, nil, ft.Now, wait)
		var e *Error
		if !errors.As(err, &e) || e.Permanent() || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want a non-permanent error wrapping context.Canceled", err)
		}
		if attempts != 5 {
			t.Fatalf("%d attempts, want 5", attempts)
		}
	})
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestPacingKeepsTelegramWindow(t *testing.T) {
	s, srv, ft := simulated(t)
	t0 := ft.Now()
	for i := range 65 {
		if _, err := s.Send(testCtx(t), int64(500+i%50), "x"); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	sent := srv.Sent()
	for k := 0; k+30 < len(sent); k++ {
		if gap := sent[k+30].At.Sub(sent[k].At); gap < time.Second {
			t.Fatalf("messages %d and %d only %v apart: 31 within one second", k, k+30, gap)
		}
	}
	// Two full windows and a few intervals: close to 30/s, not slower.
	if took := ft.Now().Sub(t0); took > 2200*time.Millisecond {
		t.Fatalf("65 messages took %v of simulated time, want about 2.1s", took)
	}
	if n := srv.TooManyRequestsAnswered(); n != 0 {
		t.Fatalf("%d answers were 429", n)
	}
}
