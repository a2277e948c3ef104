package imapin

import (
	"context"
	"testing"
	"time"

	"sollecito/bot/imapin/mailtest"
)

// recv waits for ch, failing the test after a generous bound (the other
// side is a real server).
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// harness runs a Reader whose waits (backoff, polling) are driven by the
// test.
type harness struct {
	r       *Reader
	h       *store
	waiting chan struct{}      // the reader started waiting for new mail
	waits   chan time.Duration // the reader wants to wait this long
	release chan struct{}      // let that wait end
	cancel  context.CancelFunc
	done    chan error
}

func startReader(t *testing.T, cfg Config, edit func(r *Reader)) *harness {
	t.Helper()
	hs := &harness{
		h:       newStore(),
		waiting: make(chan struct{}, 100),
		waits:   make(chan time.Duration),
		release: make(chan struct{}),
		done:    make(chan error, 1),
	}
	cfg.PollInterval = time.Hour // a pass that happens proves IDLE woke it
	hs.r = New(cfg, hs.h, newMemState(), nil)
	hs.r.onWait = func() {
		select {
		case hs.waiting <- struct{}{}:
		default:
		}
	}
	hs.r.wait = func(ctx context.Context, d time.Duration) error {
		select {
		case hs.waits <- d:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-hs.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if edit != nil {
		edit(hs.r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	hs.cancel = cancel
	go func() { hs.done <- hs.r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-hs.done:
			if err != nil {
				t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not return after its context was cancelled")
		}
	})
	return hs
}

func TestRunSurvivesServerGoingAwayDuringIdle(t *testing.T) {
	tests := []struct {
		name    string
		disrupt func(box *mailtest.Box, proxy *mailtest.Proxy)
		restore func(proxy *mailtest.Proxy)
	}{
		{
			name:    "connection cut, server unreachable for a while",
			disrupt: func(_ *mailtest.Box, p *mailtest.Proxy) { p.SetDown(true) },
			restore: func(p *mailtest.Proxy) { p.SetDown(false) },
		},
		{
			name:    "server says BYE and disconnects",
			disrupt: func(b *mailtest.Box, _ *mailtest.Proxy) { b.Kick() },
			restore: func(*mailtest.Proxy) {},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			box := mailtest.NewBox(t)
			proxy := mailtest.NewProxy(t, box.IMAPAddr)
			hs := startReader(t, config(box, proxy.Addr()), nil)
			recv(t, hs.waiting, "the reader to idle")

			box.Append("INBOX", rawMail("prima", "Re: promemoria"))
			box.WaitFor(processed, 1, 10*time.Second)
			recv(t, hs.waiting, "the reader to idle again")

			tc.disrupt(box, proxy)
			recv(t, hs.waits, "the reader to back off")
			// Mail that arrives while the reader is away is not lost.
			box.Append("INBOX", rawMail("seconda", "Re: promemoria"))
			tc.restore(proxy)
			hs.release <- struct{}{}

			box.WaitFor(processed, 2, 10*time.Second)
			if _, applied := hs.h.snapshot(); applied != 2 {
				t.Errorf("handler applied %d mails, want 2", applied)
			}
			if proxy.Dials() < 2 {
				t.Errorf("%d connections, want a reconnection", proxy.Dials())
			}
		})
	}
}

func TestRunPollsWhenServerHasNoIdle(t *testing.T) {
	box := mailtest.NewBox(t)
	cfg := config(box, box.IMAPAddr)
	hs := startReader(t, cfg, func(r *Reader) { r.noIdle = true })
	if d := recv(t, hs.waits, "the first poll wait"); d != time.Hour {
		t.Fatalf("poll wait %v, want the configured poll interval", d)
	}
	box.Append("INBOX", rawMail("sondaggio", "Re: promemoria"))
	if got := len(box.Messages(processed)); got != 0 {
		t.Fatalf("mail handled before the poll interval ended")
	}
	hs.release <- struct{}{}
	box.WaitFor(processed, 1, 10*time.Second)
}

func TestRunRetriesFailedMailWhileIdle(t *testing.T) {
	box := mailtest.NewBox(t)
	retries := make(chan time.Time)
	asked := make(chan time.Duration, 10)
	hs := startReader(t, config(box, box.IMAPAddr), func(r *Reader) {
		r.cfg.PollInterval = 42 * time.Second
		r.after = func(d time.Duration) <-chan time.Time {
			asked <- d
			return retries
		}
	})
	recv(t, hs.waiting, "the reader to idle")
	box.Append("INBOX", rawMail("instabile", "rotto per ora"))
	// The handler refuses it once; the reader idles with a retry timer.
	if d := recv(t, asked, "a retry timer"); d != 42*time.Second {
		t.Errorf("retry after %v, want the poll interval", d)
	}
	if calls, _ := hs.h.snapshot(); calls != 1 {
		t.Fatalf("handler called %d times, want 1", calls)
	}
	hs.h.mu.Lock()
	hs.h.accept = true // the store is back
	hs.h.mu.Unlock()
	retries <- time.Time{}
	box.WaitFor(processed, 1, 10*time.Second)
}
