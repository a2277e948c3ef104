package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"sollecito/bot/imapin/mailtest"
	"sollecito/notify"
)

func testChannel(t *testing.T, tokens TokenFunc) *Channel {
	t.Helper()
	ch, err := NewChannel(New(Config{Host: "127.0.0.1", Security: SecurityNone}, nil),
		ChannelConfig{From: "Sollecito <sollecito@comune.example.it>", ReplyTo: "sollecito+{token}@comune.example.it"}, tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestChannelMessage formats what the channel builds and reads it back as
// a mail client would.
func TestChannelMessage(t *testing.T) {
	tok := "aebagbaaaaaaaaaaaa"
	tokens := func(_ context.Context, id int64) (string, error) {
		if id != 7 {
			t.Errorf("token asked for outbox %d", id)
		}
		return tok, nil
	}
	tests := []struct {
		name      string
		tokens    TokenFunc
		msg       notify.Message
		header    map[string]string
		textStart string
		htmlHas   string
	}{
		{"reminder with a token", tokens,
			notify.Message{OutboxID: 7, Key: "batch:anna", Name: "Niccolò D'Amato", Email: "n.damato@comune.example.it",
				Subject: "Promemoria: 2 scadenze", Text: "Buongiorno Niccolò,\nI-01.1 scade il 31/07/2024.\n", HTML: "<p>Buongiorno Niccolò,</p>"},
			map[string]string{
				"Reply-To":                 "<sollecito+" + tok + "@comune.example.it>",
				"Message-Id":               "<sollecito." + tok + "@comune.example.it>",
				"Subject":                  "Promemoria: 2 scadenze [S-" + tok + "]",
				"Auto-Submitted":           "auto-generated",
				"X-Auto-Response-Suppress": "OOF, AutoReply",
			},
			ReplyMarker + "\n\nBuongiorno Niccolò,", "<p>Buongiorno Niccolò,</p>"},
		{"receipt in a thread, text only, no tokens", nil,
			notify.Message{OutboxID: 8, Key: "mail:receipt:abc", Name: "Anna", Email: "anna@example.org",
				Subject: "Re: valori", Text: "Valori registrati:\n\nI-01.1 <28>\n", InReplyTo: "r1@x", References: []string{"r0@x", "r1@x"}},
			map[string]string{
				"In-Reply-To":              "<r1@x>",
				"References":               "<r0@x> <r1@x>",
				"Auto-Submitted":           "auto-generated",
				"X-Auto-Response-Suppress": "OOF, AutoReply",
				"Reply-To":                 "",
			},
			"Valori registrati:", "<p>I-01.1 &lt;28&gt;</p>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := testChannel(t, tc.tokens)
			m, err := ch.Message(context.Background(), &tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			m.Date = time.Date(2024, 7, 17, 9, 0, 0, 0, time.UTC)
			raw, err := Format(m)
			if err != nil {
				t.Fatal(err)
			}
			r, err := mail.CreateReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.header {
				if got := r.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			to, err := r.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != tc.msg.Name || to[0].Address != tc.msg.Email {
				t.Errorf("To %v (%v), want %s <%s>", to, err, tc.msg.Name, tc.msg.Email)
			}
			if !strings.HasPrefix(r.Header.Get("Message-Id"), "<sollecito.") {
				t.Errorf("Message-ID %q is not ours", r.Header.Get("Message-Id"))
			}
			parts := map[string]string{}
			for {
				p, err := r.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ct, _, _ := p.Header.(*mail.InlineHeader).ContentType()
				b, _ := io.ReadAll(p.Body)
				parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
			}
			if !strings.HasPrefix(parts["text/plain"], tc.textStart) {
				t.Errorf("text part starts %q, want %q", parts["text/plain"], tc.textStart)
			}
			if !strings.Contains(parts["text/html"], tc.htmlHas) {
				t.Errorf("HTML part %q lacks %q", parts["text/html"], tc.htmlHas)
			}
		})
	}
}

func TestChannelErrors(t *testing.T) {
	ch := testChannel(t, func(context.Context, int64) (string, error) { return "", errors.New("database locked") })
	_, err := ch.Send(context.Background(), &notify.Message{OutboxID: 1, Email: "a@b.it", Subject: "x", Text: "y"})
	var perm interface{ Permanent() bool }
	if err == nil || (errors.As(err, &perm) && perm.Permanent()) {
		t.Errorf("token failure: %v, want a temporary error", err)
	}
	_, err = ch.Send(context.Background(), &notify.Message{OutboxID: 1, Subject: "x", Text: "y"})
	if !errors.As(err, &perm) || !perm.Permanent() {
		t.Errorf("no address: %v, want a permanent error", err)
	}
	if _, err := NewChannel(New(Config{}, nil), ChannelConfig{From: "s@x.it", ReplyTo: "s@x.it"}, nil, nil); err == nil {
		t.Error("a reply form without {token} was accepted")
	}
}

// TestChannelBatchesConcurrentSends: the dispatcher's workers hand
// messages over at the same time; they share connections and all arrive,
// each once.
func TestChannelBatchesConcurrentSends(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	s, dials := countingSender(serverConfig(t, env.SMTPAddr, SecuritySTARTTLS, true), nil)
	ch, err := NewChannel(s, ChannelConfig{From: "Sollecito <sollecito@" + env.Domain + ">"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	ids := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = ch.Send(context.Background(), &notify.Message{Key: fmt.Sprintf("k%d", i), Name: "Anna", Email: box.Address,
				Subject: fmt.Sprintf("messaggio %d", i), Text: "testo"})
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, err := range errs {
		if err != nil || ids[i] == "" || seen[ids[i]] {
			t.Errorf("message %d: id %q, %v", i, ids[i], err)
		}
		seen[ids[i]] = true
	}
	if got := len(box.WaitFor("INBOX", n, 15*time.Second)); got != n {
		t.Errorf("received %d messages, want %d", got, n)
	}
	if d := dials.Load(); d >= n {
		t.Errorf("%d connections for %d concurrent messages: nothing was batched", d, n)
	}
	// A cancelled sender gets its context's error, and the queue goes on.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ch.Send(ctx, &notify.Message{Key: "late", Email: box.Address, Subject: "x", Text: "y"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled send: %v", err)
	}
}

func TestChannelRetriesSettingFailures(t *testing.T) {
	tests := []struct {
		name      string
		err       *Error
		permanent bool
	}{
		{"login refused", &Error{Kind: KindAuth, Code: 535}, false},
		{"sender refused", &Error{Kind: KindSender, Code: 553}, false},
		{"impossible setting", &Error{Kind: KindConfig}, false},
		{"recipient refused", &Error{Kind: KindRecipient, Code: 550}, true},
		{"message refused", &Error{Kind: KindData, Code: 554}, true},
		{"server busy", &Error{Kind: KindRecipient, Code: 450}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := settingsTemporary(tc.err)
			var perm interface{ Permanent() bool }
			if !errors.As(err, &perm) || perm.Permanent() != tc.permanent {
				t.Errorf("permanent %v, want %v", perm != nil && perm.Permanent(), tc.permanent)
			}
			var e *Error
			if !errors.As(err, &e) || e != tc.err || err.Error() != tc.err.Error() {
				t.Errorf("the *Error is lost: %v", err)
			}
		})
	}
}
