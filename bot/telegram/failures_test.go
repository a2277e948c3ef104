package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sollecito/bot/tgfake"
	"sollecito/store"
)

func TestRepliesSurviveTelegramErrors(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	tests := []struct {
		name    string
		method  string
		n       int
		failure tgfake.Failure
	}{
		{"429 with retry_after", "sendMessage", 1, tgfake.TooManyRequests(1)},
		{"500", "sendMessage", 2, tgfake.ServerError()},
		{"HTML page from a proxy", "sendMessage", 1, tgfake.HTMLPage(502)},
		{"getUpdates 500", "getUpdates", 2, tgfake.ServerError()},
		{"getUpdates HTML page", "getUpdates", 1, tgfake.HTMLPage(504)},
		{"getUpdates 409 conflict", "getUpdates", 1, tgfake.Conflict()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.fake.FailNext(tc.method, tc.n, tc.failure)
			got := h.say(uAnna, "/aiuto")
			if len(got) != 1 || !strings.Contains(got[0].Plain, "/pendenti") {
				t.Fatalf("after %s the answer was %q", tc.name, texts(got))
			}
			// The failed calls are behind us: the next update is answered too.
			if got := h.say(uAnna, "/pendenti"); len(got) != 1 {
				t.Fatalf("next answer %q", texts(got))
			}
		})
	}
	if !strings.Contains(h.logs.String(), "409 Conflict: another process is reading this bot's updates") {
		t.Errorf("a 409 was not logged clearly:\n%s", h.logs.String())
	}
}

func TestDispatchRetriesAndBlockedChats(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.link("bruno", uBruno)
	h.link("coord", uCoord)
	ctx := context.Background()
	reminderAt := time.Date(2024, 7, 31, 9, 0, 0, 0, rome)

	h.fake.FailNext("sendMessage", 1, tgfake.HTMLPage(502))
	h.fake.FailNext("sendMessage", 1, tgfake.ServerError())
	h.fake.Block(uBruno)
	h.remind(reminderAt)

	// The first attempts met a 5xx and an HTML page: they wait for a
	// retry. Bruno's chat answers 403: his reminder goes by e-mail instead.
	for i := 1; i <= 2; i++ {
		h.clock.Set(reminderAt.Add(time.Duration(i) * 10 * time.Minute))
		_, err := h.disp.RunOnce(ctx)
		must(t, err)
	}
	if b, err := h.st.BindingByUser(ctx, "prova", uBruno); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bruno's binding still active: %+v %v", b, err)
	}

	if n := len(h.fake.SentTo(uAnna)); n < 2 {
		t.Fatalf("anna got no reminder after the retries: %s", texts(h.fake.SentTo(uAnna)))
	}
	reminders := 0
	for _, m := range h.fake.SentTo(uAnna) {
		if strings.Contains(m.Plain, "I-01.2") {
			reminders++
		}
	}
	if reminders != 1 {
		t.Errorf("anna got %d reminders, want exactly 1", reminders)
	}
	mails := h.mail.to("bruno")
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "II-01.1") {
		t.Fatalf("bruno's mail: %+v", mails)
	}
	var note string
	for _, m := range h.fake.SentTo(uCoord) {
		if strings.Contains(m.Plain, "Bruno Verdi") {
			note = m.Plain
		}
	}
	if !strings.Contains(note, "non raggiunge più Bruno Verdi") || !strings.Contains(note, "bruno@example.org") || !strings.Contains(note, "people invite bruno") {
		t.Fatalf("the administrator was told %q", note)
	}

	t.Run("a person who blocks the bot is unlinked at once", func(t *testing.T) {
		h.do(uAnna, func() tgfake.Update { return h.fake.Kick(uAnna) })
		if _, err := h.st.BindingByUser(ctx, "prova", uAnna); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("anna still linked: %v", err)
		}
	})
}

func TestRestartInTheMiddleOfABatch(t *testing.T) {
	var crashed atomic.Bool
	stopAt := make(chan int, 1)
	var target atomic.Int64
	h := newHarness(t, withFault(func(point string, id int) error {
		if point == "handled" && int64(id) == target.Load() && crashed.CompareAndSwap(false, true) {
			stopAt <- id
			return errors.New("crash")
		}
		return nil
	}))
	h.link("bruno", uBruno)
	h.remind(time.Date(2024, 7, 31, 9, 0, 0, 0, rome))
	rem := sentReminder(t, h, uBruno)
	before := len(h.fake.SentTo(uBruno))

	values := []string{"61%", "62%", "63%", "64%", "65%", "66%"}
	var ids []int
	for i, v := range values {
		u := h.fake.Reply(uBruno, uBruno, rem.MessageID, v)
		ids = append(ids, u.UpdateID)
		if i == 0 {
			target.Store(int64(u.UpdateID + 2)) // crash after the third, before its id is kept
		}
	}
	select {
	case id := <-stopAt:
		if id != ids[2] {
			t.Fatalf("crashed at %d, want %d", id, ids[2])
		}
	case <-ctxT(t).Done():
		t.Fatal("the bot never reached the third update")
	}
	h.restart()
	must(t, h.fake.WaitConfirmed(ctxT(t), ids[len(ids)-1]))

	hist := h.history("II-01.1")
	if len(hist) != len(values) {
		t.Fatalf("%d revisions stored, want %d (none lost, none twice): %+v", len(hist), len(values), hist)
	}
	for i, v := range hist {
		if want := 61 + float64(i); *v.Number != want {
			t.Errorf("revision %d = %v, want %v", v.Revision, *v.Number, want)
		}
	}
	receipts := 0
	for _, m := range h.fake.SentTo(uBruno)[before:] {
		if strings.Contains(m.Plain, "Registrato II-01.1") {
			receipts++
		}
	}
	if receipts != len(values) {
		t.Errorf("%d receipts, want %d", receipts, len(values))
	}
}

func TestWebhookMode(t *testing.T) {
	h := newHarness(t, withoutPolling())
	const secret = "webhook-s3cret"
	srv := httptest.NewServer(h.bot.WebhookHandler(secret))
	t.Cleanup(srv.Close)
	ctx := ctxT(t)
	must(t, h.bot.SetWebhook(ctx, srv.URL, secret))
	if url, s := h.fake.Webhook(); url != srv.URL || s != secret {
		t.Fatalf("webhook registered as %q %q", url, s)
	}
	code, _, err := h.eng.Invite(ctx, "anna", 0)
	must(t, err)
	h.fake.SendText(uAnna, uAnna, "/start "+code)
	h.fake.SendText(uAnna, uAnna, "/pendenti")
	n, err := h.fake.DeliverWebhook(ctx)
	if err != nil || n != 2 {
		t.Fatalf("delivered %d: %v", n, err)
	}
	got := texts(h.fake.SentTo(uAnna))
	if !strings.Contains(got, "Ciao Anna Rossi") || !strings.Contains(got, "I-01.2") {
		t.Fatalf("answers %q", got)
	}

	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"no secret", "", http.StatusForbidden},
		{"wrong secret", "guess", http.StatusForbidden},
		{"right secret, bad body", secret, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(`{"update_id":`))
			if tc.header != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.fake.FailNext("getUpdates", 1, tgfake.HTMLPage(502))
	h.say(uAnna, "/aiuto")
	// Telegram unreachable: net/http errors carry the URL, token included.
	h.fake.Close()
	_, err := h.api.GetUpdates(context.Background(), 1, 0)
	if err == nil || strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "AAE_sEcReT") {
		t.Fatalf("error %v", err)
	}
	if _, err := h.api.Call(context.Background(), "setMyCommands", nil); err == nil || strings.Contains(err.Error(), "AAE_sEcReT") {
		t.Fatalf("error %v", err)
	}
	if logs := h.logs.String(); strings.Contains(logs, "AAE_sEcReT") || !strings.Contains(logs, "getUpdates failed") {
		t.Fatalf("logs:\n%s", logs)
	}
}

func TestConfirmationHandledAgainAfterACrashHasNoSecondEffect(t *testing.T) {
	var crashAt atomic.Int64
	crashed := make(chan struct{}, 1)
	h := newHarness(t, withFault(func(point string, id int) error {
		if point == "handled" && int64(id) == crashAt.Load() {
			crashAt.Store(0)
			crashed <- struct{}{}
			return errors.New("crash")
		}
		return nil
	}))
	h.link("anna", uAnna)
	h.say(uAnna, "/invia I-01.2")
	typed := h.fake.SendText(uAnna, uAnna, "91%")
	must(t, h.fake.WaitConfirmed(ctxT(t), typed.UpdateID))
	confirm := last(t, h.fake.SentTo(uAnna))
	before := len(h.fake.SentTo(uAnna))
	crashAt.Store(int64(typed.UpdateID) + 1) // the fake numbers updates in sequence
	press := h.fake.Press(uAnna, uAnna, confirm.MessageID, confirm.Buttons()[0].CallbackData)
	if int64(press.UpdateID) != int64(typed.UpdateID)+1 || !strings.Contains(confirm.Buttons()[0].Text, "Sì") {
		t.Fatalf("press %d after %d on %+v", press.UpdateID, typed.UpdateID, confirm.Buttons())
	}
	select {
	case <-crashed:
	case <-ctxT(t).Done():
		t.Fatal("no crash")
	}
	h.restart()
	must(t, h.fake.WaitConfirmed(ctxT(t), press.UpdateID))
	after := h.fake.SentTo(uAnna)[before:]
	if len(after) != 1 || !strings.Contains(after[0].Plain, "Registrato I-01.2") {
		t.Fatalf("after the crash and restart anna got %q, want only the one receipt", texts(after))
	}
	if n := len(h.history("I-01.2")); n != 1 {
		t.Fatalf("%d values stored, want 1", n)
	}
}

// TestGivenUpOnTelegramGoesByEmail: when Telegram fails for longer than
// the retries last, the reminder goes by e-mail instead, and the person
// stays linked for the next messages.
func TestGivenUpOnTelegramGoesByEmail(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	ctx := context.Background()
	reminderAt := time.Date(2024, 7, 31, 9, 0, 0, 0, rome)
	h.fake.FailNext("sendMessage", 1000, tgfake.ServerError())
	h.remind(reminderAt)
	for i := 1; i <= 6; i++ { // attempts 2 and 3 after one and two minutes of backoff
		h.clock.Set(reminderAt.Add(time.Duration(i) * 10 * time.Minute))
		_, err := h.disp.RunOnce(ctx)
		must(t, err)
	}
	for _, m := range h.fake.SentTo(uAnna) {
		if strings.Contains(m.Plain, "I-01.2") {
			t.Fatalf("anna got the reminder on Telegram while Telegram failed: %s", m.Plain)
		}
	}
	mails := h.mail.to("anna")
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "I-01.2") {
		t.Fatalf("anna's reminder by e-mail: %+v", mails)
	}
	if _, err := h.st.BindingByUser(ctx, "prova", uAnna); err != nil {
		t.Fatalf("anna unlinked although her chat was never refused: %v", err)
	}
}
