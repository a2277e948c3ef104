package imapin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/mail"
	"testing"
	"time"

	"sollecito/bot/imapin/mailtest"
)

// parseOnly is a trivial handler: it parses the mail and reads its body.
type parseOnly struct{}

func (parseOnly) HandleMail(_ context.Context, m Mail) error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if msg.Header.Get("Message-Id") == "" {
		return fmt.Errorf("no Message-ID")
	}
	_, err = io.Copy(io.Discard, msg.Body)
	return err
}

// BenchmarkProcessOnce measures the mailbox side against the real Dovecot:
// mails read with UID FETCH BODY.PEEK[], parsed by a trivial handler and
// moved with UID MOVE, reported as mails/s. Appending is not timed.
//
//	eval "$(scripts/mailservers.sh start)"
//	go test -run '^$' -bench ProcessOnce -benchtime 5x ./bot/imapin/
func BenchmarkProcessOnce(b *testing.B) {
	const perPass = 500
	box := mailtest.NewBox(b)
	raws := make([][]byte, perPass)
	r := New(config(box, box.IMAPAddr), parseOnly{}, newMemState(), nil)
	defer r.Close()
	var total int
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		for j := range raws {
			raws[j] = rawMail(fmt.Sprintf("bench-%d-%d", i, j), fmt.Sprintf("Re: promemoria %d", j))
		}
		box.Append("INBOX", raws...)
		b.StartTimer()
		start := time.Now()
		n, err := r.ProcessOnce(context.Background())
		elapsed += time.Since(start)
		if err != nil || n != perPass {
			b.Fatalf("ProcessOnce = %d, %v; want %d", n, err, perPass)
		}
		total += n
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "mails/s")
}
