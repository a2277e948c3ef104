package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sollecito/bot/tgfake"
)

const tgToken = "7000000001:AAE_cmdTest-s3cret"

// TestDaemonRunsTheTelegramBot runs the real daemon against a local Bot API
// server that is unreachable at first: the daemon starts anyway, the bot
// connects when the server answers, an invitation printed by "people
// invite" links a chat, and a value is sent through the guided dialogue.
func TestDaemonRunsTheTelegramBot(t *testing.T) {
	fake := tgfake.New(t, tgToken)
	fake.FailNext("getMe", 1, tgfake.HTMLPage(502))
	dir := t.TempDir()
	plan := writeGoodPlan(t, dir)
	vars := map[string]string{"SOLLECITO_TELEGRAM_TOKEN": tgToken, "SOLLECITO_TELEGRAM_API": fake.URL()}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	now := func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait, stopWait := context.WithTimeout(context.Background(), 20*time.Second)
	defer stopWait()

	var out, errb syncBuffer
	_, done := startDaemon(t, ctx, dir, plan, env{stdout: &out, stderr: &errb, lookup: lookup, now: now})
	// The bot's first getMe gets the 502; wait for its retry to succeed, so
	// that "people invite" below does not take the failure instead.
	if _, err := fake.WaitCalls(wait, "getMe", 2); err != nil {
		t.Fatalf("the bot did not retry getMe: %v\n%s", err, errb.String())
	}

	var iout, ierr syncBuffer
	code := run(context.Background(), []string{"--data-dir", dir, "--plan", plan, "people", "invite", "rossi"},
		env{stdout: &iout, stderr: &ierr, lookup: lookup, now: now})
	if code != 0 {
		t.Fatalf("people invite exited %d: %s", code, ierr.String())
	}
	m := regexp.MustCompile(`https://t\.me/` + tgfake.DefaultBotUsername + `\?start=([A-Za-z0-9_-]{10,64})`).FindStringSubmatch(iout.String())
	if m == nil || !strings.Contains(iout.String(), "Mario Rossi") || !strings.Contains(iout.String(), "24/07/2024") {
		t.Fatalf("invite printed %q", iout.String())
	}

	const user = 4242
	ask := func(push func() tgfake.Update) string {
		t.Helper()
		before := len(fake.SentTo(user))
		u := push()
		if err := fake.WaitConfirmed(wait, u.UpdateID); err != nil {
			t.Fatalf("update not handled: %v\n%s", err, errb.String())
		}
		var got []string
		for _, s := range fake.SentTo(user)[before:] {
			got = append(got, s.Plain)
		}
		return strings.Join(got, "\n")
	}
	say := func(text string) string {
		return ask(func() tgfake.Update { return fake.SendText(user, user, text) })
	}
	steps := []struct{ send, want string }{
		{"/start " + m[1], "Hello Mario Rossi"},
		{"/pending", "I-01.1"},
		{"/submit", "Which indicator"},
	}
	press := func(label string) string {
		t.Helper()
		msg := fake.SentTo(user)[len(fake.SentTo(user))-1]
		for _, b := range msg.Buttons() {
			if strings.Contains(b.Text, label) {
				return ask(func() tgfake.Update { return fake.Press(user, user, msg.MessageID, b.CallbackData) })
			}
		}
		t.Fatalf("no button %q under %q", label, msg.Plain)
		return ""
	}
	check := func(send, got, want string) {
		t.Helper()
		if !strings.Contains(got, want) {
			t.Fatalf("%q answered %q, want %q\n%s", send, got, want, errb.String())
		}
	}
	for _, s := range steps {
		check(s.send, say(s.send), s.want)
	}
	check("1st half", press("1st half"), "atti pubblicati nei termini")
	check("19", say("19"), "atti adottati")
	check("20", say("20"), "95%")
	confirm := fake.SentTo(user)[len(fake.SentTo(user))-1]
	got := ask(func() tgfake.Update {
		return fake.Press(user, user, confirm.MessageID, confirm.Buttons()[0].CallbackData)
	})
	if !strings.Contains(got, "Recorded I-01.1") || !strings.Contains(got, "met ✅") {
		t.Fatalf("receipt %q", got)
	}
	if n := len(fake.Calls("getMe")); n < 2 {
		t.Errorf("getMe called %d times: the failed first attempt was not retried", n)
	}

	stopDaemon(t, cancel, done, wait.Done(), &errb)
	logs := errb.String() + out.String() + ierr.String()
	if !strings.Contains(logs, "telegram getMe failed, retrying") || !strings.Contains(logs, "telegram bot connected") {
		t.Errorf("start-up not logged:\n%s", logs)
	}
	if strings.Contains(logs, "AAE_cmdTest") {
		t.Errorf("the token reached the logs:\n%s", logs)
	}
}

func TestPeopleInvite(t *testing.T) {
	fake := tgfake.New(t, tgToken, tgfake.WithBotUsername("ufficio_bot"))
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	good, err := os.ReadFile("../../testdata/good/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, plan, strings.ReplaceAll(string(good), "people_file: people.yaml", "people_file: "+mustAbs(t, "../../testdata/good/people.yaml")))
	withToken := map[string]string{"SOLLECITO_TELEGRAM_TOKEN": tgToken, "SOLLECITO_TELEGRAM_API": fake.URL()}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want []string
	}{
		{"asks the bot its name", withToken, []string{"people", "invite", "rossi"}, 0,
			[]string{"Invito per Mario Rossi (rossi)", "valido fino al 24/07/2024", "https://t.me/ufficio_bot?start="}},
		{"own validity, in English", withToken, []string{"--lang", "en", "people", "invite", "bianchi", "--ttl", "48h"}, 0,
			[]string{"Invitation for Giulia Bianchi", "until 19/07/2024", "https://t.me/ufficio_bot?start="}},
		{"bot name given, no token needed", nil, []string{"people", "invite", "rossi", "--bot", "altro_bot"}, 0,
			[]string{"https://t.me/altro_bot?start="}},
		{"no token and no bot name", nil, []string{"people", "invite", "rossi"}, 1, []string{"SOLLECITO_TELEGRAM_TOKEN", "--bot"}},
		{"unknown person", withToken, []string{"people", "invite", "nessuno"}, 1, []string{"persona \"nessuno\" sconosciuta"}},
		{"missing person", withToken, []string{"people", "invite"}, 2, []string{"uso: sollecito people invite PERSONA"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb syncBuffer
			code := run(context.Background(), append([]string{"--data-dir", dir, "--plan", plan}, tc.args...), env{
				stdout: &out, stderr: &errb,
				lookup: func(k string) (string, bool) { v, ok := tc.vars[k]; return v, ok },
				now:    func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) },
			})
			got := out.String() + errb.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, "AAE_cmdTest") {
				t.Errorf("the token was printed:\n%s", got)
			}
		})
	}
}

// TestDaemonWebhookMode runs the daemon in webhook mode: it registers the
// configured URL and secret, serves the URL's path, and handles what the
// Bot API delivers there.
func TestDaemonWebhookMode(t *testing.T) {
	fake := tgfake.New(t, tgToken)
	dir := t.TempDir()
	plan := writeGoodPlan(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "hook-s3cret-value"
	vars := map[string]string{
		"SOLLECITO_TELEGRAM_TOKEN": tgToken, "SOLLECITO_TELEGRAM_API": fake.URL(),
		"SOLLECITO_TELEGRAM_MODE": "webhook", "SOLLECITO_TELEGRAM_WEBHOOK_LISTEN": addr,
		"SOLLECITO_TELEGRAM_WEBHOOK_URL": "http://" + addr + "/telegram/hook", "SOLLECITO_TELEGRAM_WEBHOOK_SECRET": secret,
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	now := func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait, stopWait := context.WithTimeout(context.Background(), 20*time.Second)
	defer stopWait()
	var out, errb syncBuffer
	_, done := startDaemon(t, ctx, dir, plan, env{stdout: &out, stderr: &errb, lookup: lookup, now: now})
	url, s, err := fake.WaitWebhook(wait)
	if err != nil {
		t.Fatalf("no webhook registered: %v\n%s", err, errb.String())
	}
	if url != "http://"+addr+"/telegram/hook" || s != secret {
		t.Fatalf("webhook %q %q", url, s)
	}
	var iout syncBuffer
	if code := run(context.Background(), []string{"--data-dir", dir, "--plan", plan, "people", "invite", "rossi", "--bot", "x_bot"},
		env{stdout: &iout, stderr: &iout, lookup: lookup, now: now}); code != 0 {
		t.Fatalf("invite: %s", iout.String())
	}
	code := iout.String()[strings.Index(iout.String(), "start=")+len("start="):]
	fake.SendText(77, 77, "/start "+strings.TrimSpace(code))
	if n, err := fake.DeliverWebhook(wait); n != 1 || err != nil {
		t.Fatalf("delivered %d: %v\n%s", n, err, errb.String())
	}
	if got := fake.SentTo(77); len(got) != 1 || !strings.Contains(got[0].Plain, "Hello Mario Rossi") {
		t.Fatalf("answers %+v", got)
	}
	stopDaemon(t, cancel, done, wait.Done(), &errb)
	if logs := errb.String(); strings.Contains(logs, secret) || strings.Contains(logs, "AAE_cmdTest") || !strings.Contains(logs, "telegram webhook listening") {
		t.Fatalf("logs:\n%s", logs)
	}
}

// TestReloadStartsAndStopsTheTelegramBot: a token added to the settings
// and a SIGHUP start the bot, without a restart; a token removed stops it.
func TestReloadStartsAndStopsTheTelegramBot(t *testing.T) {
	fake := tgfake.New(t, tgToken)
	dir := t.TempDir()
	plan := writeGoodPlan(t, dir)
	var mu sync.Mutex
	vars := map[string]string{"SOLLECITO_TELEGRAM_API": fake.URL()}
	lookup := func(k string) (string, bool) { mu.Lock(); defer mu.Unlock(); v, ok := vars[k]; return v, ok }
	setVar := func(k, v string) { mu.Lock(); defer mu.Unlock(); vars[k] = v }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait, stopWait := context.WithTimeout(context.Background(), 20*time.Second)
	defer stopWait()
	reload := make(chan struct{})
	reloaded := make(chan bool, 1)
	var out, errb syncBuffer
	d, done := startDaemon(t, ctx, dir, plan, env{
		stdout: &out, stderr: &errb, lookup: lookup, reload: reload,
		now:      func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) },
		reloaded: func(ok bool) { reloaded <- ok },
	})
	if d.tg.Load() != nil || d.eng.Channels().Telegram {
		t.Fatal("a bot without a token")
	}

	setVar("SOLLECITO_TELEGRAM_TOKEN", tgToken)
	reload <- struct{}{}
	if ok := <-reloaded; !ok {
		t.Fatalf("reload with a token not applied:\n%s", errb.String())
	}
	if _, err := fake.WaitCalls(wait, "getUpdates", 1); err != nil {
		t.Fatalf("the bot did not start polling after the reload: %v\n%s", err, errb.String())
	}
	if !d.eng.Channels().Telegram {
		t.Fatal("Telegram is not a channel after the reload")
	}

	setVar("SOLLECITO_TELEGRAM_TOKEN", "")
	reload <- struct{}{}
	if ok := <-reloaded; !ok {
		t.Fatalf("reload without the token not applied:\n%s", errb.String())
	}
	if d.tg.Load() != nil || d.eng.Channels().Telegram {
		t.Fatal("the bot still runs after its token was removed")
	}
	stopDaemon(t, cancel, done, wait.Done(), &errb)
	if strings.Contains(errb.String()+out.String(), tgToken) {
		t.Fatal("the token reached the log")
	}
}
