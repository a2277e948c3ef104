package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "123456:TEST-token_value"

// raw posts a form-encoded request and returns the status and raw body.
func raw(t *testing.T, s *Server, method string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(fmt.Sprintf(s.URL(), testToken, method), form)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: read body: %v", method, err)
	}
	return resp.StatusCode, string(b)
}

// envelope is the documented answer shape, decoded strictly for tests.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func call(t *testing.T, s *Server, method string, form url.Values) envelope {
	t.Helper()
	status, body := raw(t, s, method, form)
	var e envelope
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%s: answer is not JSON (%d): %q", method, status, body)
	}
	if e.OK != (status == http.StatusOK) || (!e.OK && e.ErrorCode != status) {
		t.Fatalf("%s: HTTP status %d does not match envelope %+v", method, status, e)
	}
	return e
}

func send(t *testing.T, s *Server, chat int64, text string, extra ...string) envelope {
	t.Helper()
	form := url.Values{"chat_id": {fmt.Sprint(chat)}, "text": {text}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return call(t, s, "sendMessage", form)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPathsAndTokens(t *testing.T) {
	s := New(t, testToken)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/bot%s/%s") {
		t.Fatalf("URL() = %q, want http://127.0.0.1:PORT/bot%%s/%%s", s.URL())
	}
	tests := []struct {
		name   string
		path   string
		status int
	}{
		{"getMe with the right token", "/bot" + testToken + "/getMe", 200},
		{"method names are case-insensitive", "/bot" + testToken + "/GETME", 200},
		{"wrong token", "/bot999:wrong/getMe", 401},
		{"unknown method", "/bot" + testToken + "/sendDice", 404},
		{"no bot prefix", "/" + testToken + "/getMe", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(s.BaseURL()+tc.path, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e envelope
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if resp.StatusCode != tc.status || e.OK != (tc.status == 200) {
				t.Fatalf("status %d ok=%v, want %d", resp.StatusCode, e.OK, tc.status)
			}
		})
	}
}

func TestSendMessageFormAndJSONBodies(t *testing.T) {
	s := New(t, testToken)
	e := send(t, s, 42, "<b>Ciao</b> &amp; benvenuto", "parse_mode", "HTML", "reply_markup",
		`{"inline_keyboard":[[{"text":"Sì","callback_data":"y:1"}]]}`)
	var m Message
	if err := json.Unmarshal(e.Result, &m); err != nil {
		t.Fatal(err)
	}
	if m.MessageID == 0 || m.Chat.ID != 42 || m.Text != "Ciao & benvenuto" || m.From == nil || !m.From.IsBot {
		t.Fatalf("result message = %+v", m)
	}

	body := `{"chat_id":43,"text":"dal JSON","reply_to_message_id":` + fmt.Sprint(m.MessageID) + `,"allow_sending_without_reply":true}`
	resp, err := http.Post(fmt.Sprintf(s.URL(), testToken, "sendMessage"), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("JSON body: status %d", resp.StatusCode)
	}

	sent := s.Sent()
	if len(sent) != 2 {
		t.Fatalf("Sent() has %d messages, want 2", len(sent))
	}
	first := sent[0]
	if first.Text != "<b>Ciao</b> &amp; benvenuto" || first.Plain != "Ciao & benvenuto" || first.ParseMode != "HTML" {
		t.Errorf("first sent = %+v", first)
	}
	if b := first.Buttons(); len(b) != 1 || b[0].Text != "Sì" || b[0].CallbackData != "y:1" {
		t.Errorf("buttons = %+v", b)
	}
	if sent[1].ChatID != 43 || sent[1].Text != "dal JSON" || sent[1].ReplyToMessageID != m.MessageID {
		t.Errorf("JSON-bodied message recorded as %+v", sent[1])
	}
	if sent[1].MessageID == first.MessageID {
		t.Errorf("message ids are not fresh: %d twice", first.MessageID)
	}
}

func TestSendMessageRefusals(t *testing.T) {
	s := New(t, testToken)
	s.Block(7)
	s.SetChatError(8, 400, "Bad Request: chat not found")
	long := strings.Repeat("a", 4097)
	tests := []struct {
		name  string
		chat  int64
		text  string
		extra []string
		code  int
		desc  string
	}{
		{"blocked user", 7, "ciao", nil, 403, "Forbidden: bot was blocked by the user"},
		{"unknown chat", 8, "ciao", nil, 400, "Bad Request: chat not found"},
		{"chat id missing", 0, "ciao", nil, 400, "Bad Request: chat not found"},
		{"empty text", 9, " ", nil, 400, "Bad Request: message text is empty"},
		{"too long", 9, long, nil, 400, "Bad Request: message is too long"},
		{"unsupported tag", 9, "a <x> b", []string{"parse_mode", "HTML"}, 400, `Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 2`},
		{"unescaped less-than", 9, "1 < 2", []string{"parse_mode", "HTML"}, 400, "Bad Request: can't parse entities: Can't find end of the tag starting at byte offset 2"},
		{"unclosed tag", 9, "<b>ciao", []string{"parse_mode", "HTML"}, 400, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"crossed tags", 9, "<b><i>x</b></i>", []string{"parse_mode", "HTML"}, 400, `Bad Request: can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"callback data over 64 bytes", 9, "x", []string{"reply_markup", `{"inline_keyboard":[[{"text":"t","callback_data":"` + strings.Repeat("d", 65) + `"}]]}`}, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"reply to unknown message", 9, "x", []string{"reply_to_message_id", "999"}, 400, "Bad Request: message to be replied not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := send(t, s, tc.chat, tc.text, tc.extra...)
			if e.OK || e.ErrorCode != tc.code || e.Description != tc.desc {
				t.Fatalf("got ok=%v %d %q, want %d %q", e.OK, e.ErrorCode, e.Description, tc.code, tc.desc)
			}
		})
	}
	if n := len(s.Sent()); n != 0 {
		t.Fatalf("refused messages were recorded as sent: %d", n)
	}
	t.Run("long text with markup under the limit once parsed", func(t *testing.T) {
		text := "<b>" + strings.Repeat("&amp;", 4096) + "</b>"
		if e := send(t, s, 9, text, "parse_mode", "HTML"); !e.OK {
			t.Fatalf("4096 visible characters refused: %s", e.Description)
		}
	})
	t.Run("emoji count as two UTF-16 units", func(t *testing.T) {
		if e := send(t, s, 9, strings.Repeat("😀", 2049)); e.OK || e.Description != "Bad Request: message is too long" {
			t.Fatalf("4098 UTF-16 units accepted: %+v", e)
		}
	})
}

func TestRequireStarted(t *testing.T) {
	s := New(t, testToken, RequireStarted())
	if e := send(t, s, 5, "ciao"); e.ErrorCode != 403 || e.Description != "Forbidden: bot can't initiate conversation with a user" {
		t.Fatalf("first contact from the bot: %+v", e)
	}
	s.SendText(5, 5, "/start")
	if e := send(t, s, 5, "ciao"); !e.OK {
		t.Fatalf("after /start: %+v", e)
	}
}

func TestGetUpdatesOffsetConfirms(t *testing.T) {
	s := New(t, testToken)
	u1 := s.SendText(1, 1, "uno")
	u2 := s.SendText(1, 1, "due")
	e := call(t, s, "getUpdates", nil)
	var got []Update
	if err := json.Unmarshal(e.Result, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UpdateID != u1.UpdateID || got[1].UpdateID != u2.UpdateID {
		t.Fatalf("first poll = %+v", got)
	}
	// Asking again without an offset repeats them: nothing was confirmed.
	call(t, s, "getUpdates", nil)
	if n := len(s.Pending()); n != 2 {
		t.Fatalf("pending after unconfirmed poll = %d, want 2", n)
	}
	e = call(t, s, "getUpdates", url.Values{"offset": {fmt.Sprint(u1.UpdateID + 1)}})
	if err := json.Unmarshal(e.Result, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UpdateID != u2.UpdateID || got[0].Message.Text != "due" {
		t.Fatalf("poll after confirming u1 = %+v", got)
	}
	if err := s.WaitConfirmed(ctxT(t), u1.UpdateID); err != nil {
		t.Fatalf("u1 not seen as confirmed: %v", err)
	}
	e = call(t, s, "getUpdates", url.Values{"offset": {fmt.Sprint(u2.UpdateID + 1)}, "limit": {"1"}})
	if string(e.Result) != "[]" || len(s.Pending()) != 0 {
		t.Fatalf("after confirming all: result %s, pending %d", e.Result, len(s.Pending()))
	}
}

func TestLongPoll(t *testing.T) {
	t.Run("wakes when an update is pushed", func(t *testing.T) {
		s := New(t, testToken)
		done := make(chan envelope, 1)
		go func() {
			resp, err := http.PostForm(fmt.Sprintf(s.URL(), testToken, "getUpdates"), url.Values{"timeout": {"30"}})
			var e envelope
			if err == nil {
				defer resp.Body.Close()
				_ = json.NewDecoder(resp.Body).Decode(&e)
			}
			done <- e
		}()
		if _, err := s.WaitCalls(ctxT(t), "getUpdates", 1); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		s.SendText(3, 3, "sveglia")
		e := <-done
		if !strings.Contains(string(e.Result), "sveglia") {
			t.Fatalf("long poll answered %s", e.Result)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("long poll took %v to see the update", d)
		}
	})
	t.Run("times out with an empty list", func(t *testing.T) {
		s := New(t, testToken)
		start := time.Now()
		e := call(t, s, "getUpdates", url.Values{"timeout": {"1"}})
		if d := time.Since(start); string(e.Result) != "[]" || d < 900*time.Millisecond {
			t.Fatalf("answered %s after %v, want [] after about 1s", e.Result, d)
		}
	})
	t.Run("a second poller ends the first with 409", func(t *testing.T) {
		s := New(t, testToken)
		first := make(chan envelope, 1)
		go func() {
			resp, err := http.PostForm(fmt.Sprintf(s.URL(), testToken, "getUpdates"), url.Values{"timeout": {"30"}})
			var e envelope
			if err == nil {
				defer resp.Body.Close()
				_ = json.NewDecoder(resp.Body).Decode(&e)
			}
			first <- e
		}()
		if _, err := s.WaitCalls(ctxT(t), "getUpdates", 1); err != nil {
			t.Fatal(err)
		}
		second := call(t, s, "getUpdates", nil)
		e := <-first
		if e.ErrorCode != 409 || !strings.HasPrefix(e.Description, "Conflict: terminated by other getUpdates request") {
			t.Fatalf("first poller got %+v", e)
		}
		if !second.OK {
			t.Fatalf("second poller got %+v", second)
		}
	})
	t.Run("Close ends a pending poll", func(t *testing.T) {
		s := New(t, testToken)
		done := make(chan error, 1)
		go func() {
			resp, err := http.PostForm(fmt.Sprintf(s.URL(), testToken, "getUpdates"), url.Values{"timeout": {"60"}})
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		if _, err := s.WaitCalls(ctxT(t), "getUpdates", 1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Close left the long poll hanging")
		}
	})
}

func TestWebhookExcludesPolling(t *testing.T) {
	s := New(t, testToken)
	var (
		mu      sync.Mutex
		secrets []string
		bodies  []string
	)
	hook := http.NewServeMux()
	hook.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		bodies = append(bodies, string(b))
		mu.Unlock()
	})
	receiver := httptest.NewServer(hook)
	t.Cleanup(receiver.Close)
	if e := call(t, s, "setWebhook", url.Values{"url": {receiver.URL + "/hook"}, "secret_token": {"s3cret"}}); !e.OK {
		t.Fatalf("setWebhook: %+v", e)
	}
	if e := call(t, s, "getUpdates", nil); e.ErrorCode != 409 || !strings.Contains(e.Description, "webhook is active") {
		t.Fatalf("getUpdates with a webhook: %+v", e)
	}
	s.SendText(4, 4, "via webhook")
	n, err := s.DeliverWebhook(ctxT(t))
	if err != nil || n != 1 {
		t.Fatalf("DeliverWebhook = %d, %v", n, err)
	}
	mu.Lock()
	if len(secrets) != 1 || secrets[0] != "s3cret" || !strings.Contains(bodies[0], "via webhook") {
		t.Errorf("webhook received secrets %q bodies %q", secrets, bodies)
	}
	mu.Unlock()
	if len(s.Pending()) != 0 {
		t.Errorf("delivered update still pending")
	}
	if e := call(t, s, "deleteWebhook", nil); !e.OK {
		t.Fatalf("deleteWebhook: %+v", e)
	}
	if e := call(t, s, "getUpdates", nil); !e.OK {
		t.Fatalf("getUpdates after deleteWebhook: %+v", e)
	}
}

func TestFailNext(t *testing.T) {
	tests := []struct {
		name   string
		fail   Failure
		status int
		body   string
	}{
		{"429 with retry_after", TooManyRequests(3), 429,
			`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`},
		{"500", ServerError(), 500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`},
		{"409", Conflict(), 409,
			`{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}`},
		{"HTML page from a proxy", HTMLPage(502), 502, "<html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(t, testToken)
			s.FailNext("sendMessage", 2, tc.fail)
			for i := range 2 {
				status, body := raw(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
				if status != tc.status || !strings.HasPrefix(strings.TrimSpace(body), tc.body) {
					t.Fatalf("call %d: %d %q, want %d %q", i+1, status, body, tc.status, tc.body)
				}
			}
			if e := send(t, s, 1, "x"); !e.OK {
				t.Fatalf("third call still failing: %+v", e)
			}
			if got := len(s.Sent()); got != 1 {
				t.Fatalf("Sent() = %d messages, want only the third", got)
			}
		})
	}
}

func TestRateEnforcement(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := New(t, testToken, WithRateLimits(), WithClock(clock))

	for i := range 30 {
		if e := send(t, s, int64(100+i), "x"); !e.OK {
			t.Fatalf("message %d of 30 in one second refused: %+v", i+1, e)
		}
		advance(10 * time.Millisecond)
	}
	e := send(t, s, 999, "x")
	if e.ErrorCode != 429 || e.Parameters == nil || e.Parameters.RetryAfter != 1 {
		t.Fatalf("31st message within a second: %+v", e)
	}
	advance(710 * time.Millisecond) // the first message leaves the window
	if e := send(t, s, 999, "x"); !e.OK {
		t.Fatalf("after the window moved: %+v", e)
	}
	advance(500 * time.Millisecond)
	if e := send(t, s, 999, "y"); e.ErrorCode != 429 || e.Parameters.RetryAfter != 1 {
		t.Fatalf("second message to one chat after 0.5s: %+v", e)
	}
	if e := send(t, s, 998, "other chat"); !e.OK {
		t.Fatalf("other chat blocked by chat 999's limit: %+v", e)
	}
	advance(500 * time.Millisecond)
	if e := send(t, s, 999, "y"); !e.OK {
		t.Fatalf("same chat after 1s: %+v", e)
	}
	if got := s.RateLimited(); got != 2 {
		t.Fatalf("RateLimited() = %d, want 2", got)
	}
	s.FailNext("sendMessage", 1, TooManyRequests(5))
	send(t, s, 1, "x")
	if got, rl := s.TooManyRequestsAnswered(), s.RateLimited(); got != 3 || rl != 2 {
		t.Fatalf("TooManyRequestsAnswered() = %d, RateLimited() = %d, want 3 and 2", got, rl)
	}
}

func TestEditsAndCallbacks(t *testing.T) {
	s := New(t, testToken)
	kb := `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`
	var m Message
	if err := json.Unmarshal(send(t, s, 10, "scegli", "reply_markup", kb).Result, &m); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(m.MessageID)
	tests := []struct {
		name   string
		method string
		form   url.Values
		desc   string // "" for success
	}{
		{"edit text", "editMessageText", url.Values{"chat_id": {"10"}, "message_id": {id}, "text": {"scelto"}, "reply_markup": {kb}}, ""},
		{"same text and markup again", "editMessageText", url.Values{"chat_id": {"10"}, "message_id": {id}, "text": {"scelto"}, "reply_markup": {kb}}, "Bad Request: " + notModified},
		{"remove the keyboard", "editMessageReplyMarkup", url.Values{"chat_id": {"10"}, "message_id": {id}}, ""},
		{"remove it again", "editMessageReplyMarkup", url.Values{"chat_id": {"10"}, "message_id": {id}}, "Bad Request: " + notModified},
		{"unknown message", "editMessageText", url.Values{"chat_id": {"10"}, "message_id": {"9999"}, "text": {"x"}}, "Bad Request: message to edit not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := call(t, s, tc.method, tc.form)
			if (tc.desc == "") != e.OK || e.Description != tc.desc {
				t.Fatalf("got ok=%v %q, want %q", e.OK, e.Description, tc.desc)
			}
		})
	}
	cur, _ := s.Message(10, m.MessageID)
	if cur.Text != "scelto" || len(cur.ReplyMarkup) != 0 {
		t.Fatalf("message after edits = %+v", cur)
	}
	if n := len(s.Edits()); n != 2 {
		t.Fatalf("Edits() = %d, want 2", n)
	}

	u := s.Press(10, 10, m.MessageID, "a")
	if got := s.Unanswered(); len(got) != 1 || got[0] != u.CallbackQuery.ID {
		t.Fatalf("Unanswered() = %v", got)
	}
	if e := call(t, s, "answerCallbackQuery", url.Values{"callback_query_id": {"nope"}}); e.OK {
		t.Fatal("unknown callback query answered")
	}
	if e := call(t, s, "answerCallbackQuery", url.Values{"callback_query_id": {u.CallbackQuery.ID}}); !e.OK || string(e.Result) != "true" {
		t.Fatalf("answerCallbackQuery: %+v", e)
	}
	if got := s.Unanswered(); len(got) != 0 {
		t.Fatalf("Unanswered() after answer = %v", got)
	}
}

func TestWaitSent(t *testing.T) {
	s := New(t, testToken)
	go func() {
		body := bytes.NewBufferString(`{"chat_id":1,"text":"hello"}`)
		resp, err := http.Post(fmt.Sprintf(s.URL(), testToken, "sendMessage"), "application/json", body)
		if err == nil {
			resp.Body.Close()
		}
	}()
	got, err := s.WaitSent(ctxT(t), 1)
	if err != nil || len(got) != 1 || got[0].Text != "hello" {
		t.Fatalf("WaitSent = %+v, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.WaitSent(ctx, 2); err == nil {
		t.Fatal("WaitSent with a cancelled context returned no error")
	}
}
