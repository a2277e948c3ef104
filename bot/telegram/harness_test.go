package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sollecito/bot/telegram"
	"sollecito/bot/tgfake"
	"sollecito/config"
	"sollecito/notify"
	tgsend "sollecito/notify/telegram"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
)

const testToken = "7000000001:AAE_sEcReT-t0ken_value_xyz"

// Telegram user ids of the people in the test plan (private chat = user).
const (
	uAnna  int64 = 1001
	uBruno int64 = 1002
	uCarla int64 = 1003
	uCapo  int64 = 1004
	uCoord int64 = 1006
	uStray int64 = 9999
)

const testPlan = `
organisation: Provincia di Prova
year: 2024
directorates:
  - {code: "I", name: Bilancio, dirigente: capo}
  - {code: "II", name: Personale, dirigente: capo2}
services:
  - {name: Contabilità, directorate: "I"}
  - {name: Risorse umane, directorate: "II"}
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: bruno, name: Bruno Verdi, email: bruno@example.org}
  - {id: carla, name: Carla Neri, email: carla@example.org, language: en}
  - {id: capo, name: Carlo Capo, email: capo@example.org, roles: [responsabile]}
  - {id: capo2, name: Dora Due, email: capo2@example.org, roles: [responsabile]}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator, admin]}
objectives:
  - id: I-01
    title: Bilancio
    directorate: "I"
    service: Contabilità
    responsabile: capo
    staff: [anna]
    phases:
      - {n: 1, text: Salvaguardia degli equilibri, deadline: "entro il 31/07"}
    indicators:
      - {id: I-01.1, description: Tempi di pagamento, target: "<= 30 giorni", kind: days, periods: [S1]}
      - {id: I-01.2, description: Certificazioni corrette, target: ">= 90%", kind: percent, periods: [S1]}
      - {id: I-01.3, description: Pratiche evase, target: ">= 80%", kind: ratio, periods: [S1], numerator: pratiche evase nel semestre, denominator: pratiche ricevute nel semestre}
  - id: II-01
    title: Formazione
    directorate: "II"
    service: Risorse umane
    responsabile: capo2
    staff: [bruno, carla]
    indicators:
      - {id: II-01.1, description: Dipendenti formati, target: ">= 90%", kind: percent, periods: [S1]}
`

const testConfig = `
organisation: prova
calendar:
  patron_saint: "06/12"
tracking_start: "01/01/2024"
`

var rome, _ = time.LoadLocation("Europe/Rome")

// t0 is a morning before the first semester's values are due (31/07).
var t0 = time.Date(2024, 7, 22, 10, 0, 0, 0, rome)

// harness is the real bot, engine and dispatcher over a real SQLite store,
// talking to a local fake of the Bot API.
type harness struct {
	t     testing.TB
	dir   string
	clock *scheduler.Clock
	fake  *tgfake.Server
	l     *config.Loaded
	st    *store.Store
	eng   *workflow.Engine
	bot   *telegram.Bot
	disp  *notify.Dispatcher
	mail  *mailbox
	logs  *syncBuffer
	opt   telegram.Options
	api   *tgsend.Sender
	// noPoll leaves the update loop off (webhook mode).
	noPoll bool

	cancel context.CancelFunc
	done   chan error
}

type harnessOption func(*harness)

func withFault(f func(point string, updateID int) error) harnessOption {
	return func(h *harness) { h.opt.Fault = f }
}

func withoutPolling() harnessOption { return func(h *harness) { h.noPoll = true } }

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, clock: scheduler.NewClock(t0), mail: &mailbox{}, logs: &syncBuffer{}}
	h.fake = tgfake.New(t, testToken)
	for id, lang := range map[int64]string{uAnna: "it", uBruno: "it", uCarla: "en", uCapo: "it", uCoord: "it", uStray: "it"} {
		h.fake.SetUser(tgfake.User{ID: id, FirstName: "U" + string(rune('A'+id%26)), LanguageCode: lang})
	}
	pp, cp := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "config.yaml")
	must(t, os.WriteFile(pp, []byte(testPlan), 0o600))
	must(t, os.WriteFile(cp, []byte(testConfig), 0o600))
	l, err := config.Load(config.Options{ConfigPath: cp, PlanPath: pp, DataDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	h.l = l
	h.opt = telegram.Options{PollTimeout: 2 * time.Second, RetryMin: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	for _, o := range opts {
		o(h)
	}
	h.start()
	t.Cleanup(func() {
		h.stop()
		if strings.Contains(h.logs.String(), testToken) {
			t.Errorf("the bot token appeared in the logs")
		}
	})
	return h
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// start opens the store, the engine, the sender and the bot, and runs the
// update loop: a process start.
func (h *harness) start() {
	t := h.t
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := store.Open(ctx, filepath.Join(h.dir, "db.sqlite"), store.Options{Logger: log})
	must(t, err)
	eng, err := workflow.New(ctx, st, h.l, workflow.Options{Clock: h.clock.Now, Logger: log,
		Channels: workflow.ChannelSet{Telegram: true, Email: true, Console: "never"}})
	must(t, err)
	api, err := tgsend.New(tgsend.Config{Token: testToken, APIEndpoint: h.fake.URL(), HTTPTimeout: 10 * time.Second,
		GlobalRate: 1000, PerChatInterval: time.Millisecond}, log, nil)
	must(t, err)
	opt := h.opt
	opt.Clock, opt.Logger = h.clock.Now, log
	h.st, h.eng, h.api = st, eng, api
	h.bot = telegram.New(eng, api, opt)
	must(t, h.bot.RegisterCommands(ctx))
	h.disp = notify.NewDispatcher(st, eng, map[string]notify.Channel{
		workflow.ChanTelegram: h.bot.Channel(), workflow.ChanEmail: h.mail,
	}, h.clock.Now, log, notify.Config{Workers: 2, BackoffMin: time.Minute, BackoffMax: time.Hour, MaxAttempts: 3}, h.bot.OnFailure)
	runCtx, cancel := context.WithCancel(ctx)
	h.cancel, h.done = cancel, make(chan error, 1)
	if h.noPoll {
		h.done <- nil
		return
	}
	go func() { h.done <- h.bot.Run(runCtx) }()
}

// stop ends the update loop and closes the store; it returns what Run
// returned.
func (h *harness) stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	err := <-h.done
	h.cancel = nil
	_ = h.st.Close()
	return err
}

func (h *harness) restart() {
	h.t.Helper()
	if err := h.stop(); err != nil && !errors.Is(err, telegram.ErrStopped) {
		h.t.Fatalf("bot stopped with %v", err)
	}
	h.start()
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// do pushes the update that push makes, waits until the bot is done with
// it (it asked for a later offset) and returns the messages the bot sent
// to chat meanwhile.
func (h *harness) do(chat int64, push func() tgfake.Update) []tgfake.SentMessage {
	h.t.Helper()
	before := len(h.fake.SentTo(chat))
	u := push()
	if err := h.fake.WaitConfirmed(ctxT(h.t), u.UpdateID); err != nil {
		h.t.Fatalf("update %d not handled: %v", u.UpdateID, err)
	}
	return h.fake.SentTo(chat)[before:]
}

// say sends text from user in their private chat and returns the answers.
func (h *harness) say(user int64, text string) []tgfake.SentMessage {
	h.t.Helper()
	return h.do(user, func() tgfake.Update { return h.fake.SendText(user, user, text) })
}

// press presses the button whose text contains label under message msg.
func (h *harness) press(user int64, msg tgfake.SentMessage, label string) []tgfake.SentMessage {
	h.t.Helper()
	for _, b := range msg.Buttons() {
		if strings.Contains(b.Text, label) {
			return h.do(user, func() tgfake.Update { return h.fake.Press(user, user, msg.MessageID, b.CallbackData) })
		}
	}
	h.t.Fatalf("no button %q under %q (buttons %+v)", label, msg.Plain, msg.Buttons())
	return nil
}

// link invites person and follows the deep link from user's chat.
func (h *harness) link(person string, user int64) {
	h.t.Helper()
	code, _, err := h.eng.Invite(context.Background(), person, 0)
	must(h.t, err)
	got := h.say(user, "/start "+code)
	if len(got) != 1 || !strings.Contains(got[0].Plain, "collegata") && !strings.Contains(got[0].Plain, "linked") {
		h.t.Fatalf("linking %s: %+v", person, got)
	}
}

// remind moves the clock to at, sweeps and dispatches as the daemon does.
func (h *harness) remind(at time.Time) {
	h.t.Helper()
	h.clock.Set(at)
	ctx := context.Background()
	_, err := h.eng.Sweep(ctx)
	must(h.t, err)
	_, err = h.disp.RunOnce(ctx)
	must(h.t, err)
}

// history returns the stored revisions of an indicator for 2024-S1.
func (h *harness) history(ind string) []store.Value {
	h.t.Helper()
	v, err := h.st.History(context.Background(), "prova", ind, "2024-S1")
	must(h.t, err)
	return v
}

func texts(ms []tgfake.SentMessage) string {
	var out []string
	for _, m := range ms {
		text := m.Plain
		for _, b := range m.Buttons() {
			text += "\n[" + b.Text + "]"
		}
		out = append(out, text)
	}
	return strings.Join(out, "\n---\n")
}

func last(t *testing.T, ms []tgfake.SentMessage) tgfake.SentMessage {
	t.Helper()
	if len(ms) == 0 {
		t.Fatal("the bot sent nothing")
	}
	return ms[len(ms)-1]
}

// mailbox is the e-mail channel as the dispatcher sees it.
type mailbox struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (m *mailbox) Send(_ context.Context, msg *notify.Message) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, *msg)
	return "mail", nil
}

func (m *mailbox) to(person string) []notify.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []notify.Message
	for _, x := range m.msgs {
		if x.PersonID == person {
			out = append(out, x)
		}
	}
	return out
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
