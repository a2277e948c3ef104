package workflow_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sollecito/bot/imapin"
	"sollecito/bot/imapin/mailtest"
	"sollecito/config"
	"sollecito/notify/email"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
)

// mailHandler is what the daemon hands the IMAP reader: the engine's
// HandleMail.
func mailHandler(eng *workflow.Engine, after func(err error)) imapin.Handler {
	return imapin.HandlerFunc(func(ctx context.Context, m imapin.Mail) error {
		_, err := eng.HandleMail(ctx, m.Raw, workflow.MailSource{UIDValidity: m.UIDValidity, UID: m.UID}, workflow.MailOptions{})
		if after != nil {
			after(err)
		}
		return err
	})
}

func readerConfig(box *mailtest.Box, addr string) imapin.Config {
	return imapin.Config{Addr: addr, Security: imapin.SecurityNone, Username: box.User, Password: box.Pass,
		PollInterval: time.Hour, Timeout: 10 * time.Second}
}

// replyTo writes anna's reply to a reminder carrying "I-01.1: value".
func replyTo(rem *email.Message, msgID, value string) []byte {
	return mailFrom("Anna Rossi <anna@example.org>", rem.ReplyTo, "Re: "+rem.Subject, msgID, rem.MessageID, "I-01.1: "+value)
}

// TestMailCrashBetweenCommitAndMove: the connection dies after the
// handler committed and before the mail was moved; the next pass sees the
// mail again, stores nothing twice, sends one receipt, and moves it.
func TestMailCrashBetweenCommitAndMove(t *testing.T) {
	tests := []struct {
		name  string
		msgID string
	}{
		{"with a Message-ID", "crash-1@client.example"},
		{"without a Message-ID: the raw mail's hash", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			box := mailtest.NewBox(t)
			e := newMailEnv(t, at(2024, 7, 17, 9, 30))
			rem := e.reminder("anna")
			proxy := mailtest.NewProxy(t, box.IMAPAddr)
			crashed := false
			h := mailHandler(e.eng, func(err error) {
				if err == nil && !crashed {
					crashed = true
					proxy.Cut() // the commit is done; the move never happens
				}
			})
			r := imapin.New(readerConfig(box, proxy.Addr()), h, e.st.NewMailState(box.User+"/INBOX", e.clock.Now), nil)
			defer r.Close()
			box.Append("INBOX", replyTo(rem, tc.msgID, "27"))
			if _, err := r.ProcessOnce(ctx); err == nil || !crashed {
				t.Fatalf("first pass: %v (crashed %v), want the move to fail", err, crashed)
			}
			if n := len(box.Messages("INBOX")); n != 1 {
				t.Fatalf("%d mails in INBOX after the crash, want the reply still there", n)
			}
			n, err := r.ProcessOnce(ctx)
			if err != nil || n != 1 {
				t.Fatalf("second pass: %d handled, %v", n, err)
			}
			all, _ := e.st.AllValues(ctx, store.ValueFilter{Org: "prova"})
			if len(all) != 1 || *all[0].Number != 27 {
				t.Errorf("values %+v, want one revision of 27", all)
			}
			if ans := e.answers(); len(ans) != 1 || ans[0].row.Kind != workflow.OutboxReceipt {
				t.Errorf("answers %+v, want one receipt", ans)
			}
			if len(box.Messages("INBOX")) != 0 || len(box.Messages("Sollecito/Elaborati")) != 1 {
				t.Errorf("the reply is not in the processed folder")
			}
		})
	}
}

// TestMailIMAPServerRestartsDuringIdle: Dovecot drops the reader's
// connection while it waits in IDLE; the reader reconnects and the reply
// sent meanwhile is stored.
func TestMailIMAPServerRestartsDuringIdle(t *testing.T) {
	box := mailtest.NewBox(t)
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	rem := e.reminder("anna")
	r := imapin.New(readerConfig(box, box.IMAPAddr), mailHandler(e.eng, nil), e.st.NewMailState(box.User+"/INBOX", e.clock.Now), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	box.Append("INBOX", replyTo(rem, "idle-1@client.example", "20"))
	box.WaitFor("Sollecito/Elaborati", 1, 15*time.Second)
	box.Kick() // as Dovecot does when it restarts: BYE, then the connection closes
	box.Append("INBOX", replyTo(rem, "idle-2@client.example", "21"))
	box.WaitFor("Sollecito/Elaborati", 2, 20*time.Second)
	hist, _ := e.st.History(context.Background(), "prova", "I-01.1", "2024-S1")
	if len(hist) != 2 || *hist[1].Number != 21 {
		t.Fatalf("history %+v, want 20 then 21", hist)
	}
}

// BenchmarkRepliesThroughDovecot measures replies read over IMAP, parsed,
// stored (value, item, audit, dedup record and receipt in one transaction)
// and moved, per second, through the real handler.
func BenchmarkRepliesThroughDovecot(b *testing.B) {
	const perPass = 300
	ctx := context.Background()
	dir := b.TempDir()
	l := loadBench(b, dir)
	clock := scheduler.NewClock(at(2024, 7, 17, 9, 30))
	st, err := store.Open(ctx, filepath.Join(dir, "db.sqlite"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: clock.Now, Channels: workflow.ChannelSet{Email: true, Console: "never"}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := eng.Sweep(ctx); err != nil {
		b.Fatal(err)
	}
	rows, _ := st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxBatch})
	ch, _ := email.NewChannel(email.New(email.Config{Host: "127.0.0.1"}, nil),
		email.ChannelConfig{From: "Sollecito <sollecito@prova.example>", ReplyTo: "sollecito+{token}@prova.example"},
		func(ctx context.Context, id int64) (string, error) {
			tok, _, err := eng.ReplyToken(ctx, id)
			return tok, err
		}, nil)
	var rem *email.Message
	for _, r := range rows {
		if r.PersonID == "anna" && r.Channel == workflow.ChanEmail {
			m, _ := eng.Compose(ctx, r)
			m.OutboxID, m.Key = r.ID, r.Key
			rem, _ = ch.Message(ctx, m)
		}
	}
	if rem == nil {
		b.Fatal("no reminder for anna")
	}
	var elapsed time.Duration
	handled := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		box := mailtest.NewBox(b)
		raws := make([][]byte, perPass)
		for j := range raws {
			raws[j] = replyTo(rem, fmt.Sprintf("bench-%d-%d@client.example", i, j), fmt.Sprintf("%d", 10+j%20))
		}
		box.Append("INBOX", raws...)
		r := imapin.New(readerConfig(box, box.IMAPAddr), mailHandler(eng, nil), st.NewMailState(box.User+"/INBOX", clock.Now), nil)
		b.StartTimer()
		start := time.Now()
		n, err := r.ProcessOnce(ctx)
		elapsed += time.Since(start)
		b.StopTimer()
		r.Close()
		if err != nil || n != perPass {
			b.Fatalf("pass: %d of %d handled, %v", n, perPass, err)
		}
		handled += n
	}
	b.ReportMetric(float64(handled)/elapsed.Seconds(), "replies/s")
}

func loadBench(b *testing.B, dir string) *config.Loaded {
	b.Helper()
	pp, cp := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "config.yaml")
	writeBench(b, pp, testPlan)
	writeBench(b, cp, mailConfig)
	l, err := config.Load(config.Options{ConfigPath: cp, PlanPath: pp, DataDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		b.Fatal(err)
	}
	return l
}

func writeBench(b *testing.B, path, content string) {
	b.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		b.Fatal(err)
	}
}
