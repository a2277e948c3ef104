package telegram

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sollecito/bot/tgfake"
)

// dispatch sends n messages spread over chats from workers goroutines, as a
// dispatcher draining its outbox would, against a server enforcing
// Telegram's limits in real time. It returns the messages the server
// accepted per second of wall time, from the first start to the last answer,
// and the number of failed sends.
func dispatch(ctx context.Context, srv *tgfake.Server, s *Sender, n, chats, workers int) (perSecond float64, failed int64) {
	before := len(srv.Sent())
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	var errs atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				chat := int64(1000 + i%chats)
				if _, err := s.Send(ctx, chat, fmt.Sprintf("<b>Promemoria %d</b>: scadenza il 31/12/2026", i)); err != nil {
					errs.Add(1)
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	return float64(len(srv.Sent())-before) / elapsed.Seconds(), errs.Load()
}

// BenchmarkDispatchRate measures the sustained send rate over many chats
// against tgfake enforcing 30 messages/s overall and 1/s per chat; each
// iteration sends 300 messages to 120 chats (about 10 s: long enough that a
// single scheduling stall of a loaded machine does not decide the figure).
// Run with -benchtime=1x.
func BenchmarkDispatchRate(b *testing.B) {
	srv := tgfake.New(b, testToken, tgfake.WithRateLimits())
	s, err := New(Config{Token: testToken, APIEndpoint: srv.URL()}, nil, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	ctx := testCtx(b)
	var rate float64
	var failed int64
	for b.Loop() {
		r, f := dispatch(ctx, srv, s, 300, 120, 16)
		rate += r
		failed += f
	}
	b.ReportMetric(rate/float64(b.N), "msgs/s")
	b.ReportMetric(float64(srv.RateLimited()), "429s")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(0, "ns/op")
}

// TestDispatchStaysUnderTelegramLimits is the short, always-run version of
// the benchmark: many chats, real time, a server that answers 429 whenever
// Telegram would. None may come back, and the pace must stay near the limit.
func TestDispatchStaysUnderTelegramLimits(t *testing.T) {
	srv := tgfake.New(t, testToken, tgfake.WithRateLimits())
	s, err := New(Config{Token: testToken, APIEndpoint: srv.URL()}, nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	rate, failed := dispatch(testCtx(t), srv, s, 45, 40, 8)
	if n := srv.RateLimited(); n != 0 || failed != 0 {
		t.Fatalf("%d answers were 429 and %d sends failed; the sender must stay under Telegram's limits", n, failed)
	}
	if got := len(srv.Sent()); got != 45 {
		t.Fatalf("%d of 45 messages delivered", got)
	}
	// Just under 30/s on an idle machine; a loaded one only slows it, but a
	// limiter that let one chat's wait hold back the others would give ~1/s.
	if rate < 10 {
		t.Fatalf("dispatch rate %.1f msgs/s, want close to 30", rate)
	}
	t.Logf("dispatch rate %.1f msgs/s", rate)
}
