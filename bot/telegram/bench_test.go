package telegram_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkUpdateToReceipt measures the time from a reply to a reminder
// reaching the local Bot API server to the receipt the bot sends once the
// value is stored in SQLite: getUpdates wakes, the value is parsed,
// checked, stored as a revision with its audit line, and the receipt goes
// out. It reports the median and the 99th percentile.
func BenchmarkUpdateToReceipt(b *testing.B) {
	h := newHarness(b)
	h.link("bruno", uBruno)
	h.remind(time.Date(2024, 7, 31, 9, 0, 0, 0, rome))
	rem := sentReminder(b, h, uBruno)
	ctx := ctxT(b)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		n := len(h.fake.Sent())
		start := time.Now()
		h.fake.Reply(uBruno, uBruno, rem.MessageID, fmt.Sprintf("%d,5%%", i%100))
		if _, err := h.fake.WaitSent(ctx, n+1); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	if got := len(h.history("II-01.1")); got != b.N {
		b.Fatalf("%d values stored, want %d", got, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
