package imapin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"

	"sollecito/bot/imapin/mailtest"
)

const processed, quarantined = "Sollecito/Elaborati", "Sollecito/Quarantena"

// memState is the State a store would keep, in memory.
type memState struct {
	mu       sync.Mutex
	failures map[[2]uint32]int
	reasons  []string
}

func newMemState() *memState { return &memState{failures: map[[2]uint32]int{}} }

func (s *memState) Failures(_ context.Context, uv, uid uint32) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failures[[2]uint32{uv, uid}], nil
}

func (s *memState) RecordFailure(_ context.Context, uv, uid uint32, reason string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[[2]uint32{uv, uid}]++
	s.reasons = append(s.reasons, reason)
	return s.failures[[2]uint32{uv, uid}], nil
}

// store is a handler like the real one: it parses the mail, refuses
// subjects starting with "rotto", and applies each Message-ID once.
type store struct {
	mu      sync.Mutex
	calls   int
	applied map[string][]byte // Message-ID -> raw
	uvs     []uint32
	accept  bool // accept "rotto" subjects too
}

func newStore() *store { return &store{applied: map[string][]byte{}} }

func (s *store) HandleMail(_ context.Context, m Mail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.uvs = append(s.uvs, m.UIDValidity)
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if strings.HasPrefix(msg.Header.Get("Subject"), "rotto") && !s.accept {
		return errors.New("valore non leggibile")
	}
	id := msg.Header.Get("Message-Id")
	if _, dup := s.applied[id]; !dup {
		s.applied[id] = m.Raw
	}
	return nil
}

func (s *store) snapshot() (calls int, applied int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, len(s.applied)
}

func rawMail(id, subject string) []byte {
	return []byte("From: Mario Rossi <m.rossi@comune.example.it>\r\n" +
		"To: sollecito@comune.example.it\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <" + id + "@comune.example.it>\r\n" +
		"Date: Tue, 23 Jun 2026 10:00:00 +0200\r\n" +
		"\r\n" +
		"92,5%\r\n")
}

func config(box *mailtest.Box, addr string) Config {
	return Config{
		Addr: addr, Security: SecurityNone, Username: box.User, Password: box.Pass,
		ProcessedFolder: processed, QuarantineFolder: quarantined,
		MaxFailures: 3, Timeout: 5 * time.Second,
	}
}

func TestProcessOnceMovesHandledMailUnread(t *testing.T) {
	box := mailtest.NewBox(t)
	for i := range 3 {
		box.Append("INBOX", rawMail(fmt.Sprintf("m%d", i), fmt.Sprintf("Re: promemoria %d", i)))
	}
	h := newStore()
	r := New(config(box, box.IMAPAddr), h, newMemState(), nil)
	defer r.Close()
	n, err := r.ProcessOnce(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("ProcessOnce = %d, %v; want 3, nil", n, err)
	}
	if got := box.Messages("INBOX"); len(got) != 0 {
		t.Errorf("INBOX still holds %d mails", len(got))
	}
	moved := box.Messages(processed)
	if len(moved) != 3 {
		t.Fatalf("%s holds %d mails, want 3", processed, len(moved))
	}
	for i, raw := range moved {
		if want := rawMail(fmt.Sprintf("m%d", i), fmt.Sprintf("Re: promemoria %d", i)); !bytes.Equal(raw, want) {
			t.Errorf("mail %d changed on the way:\n%s", i, raw)
		}
	}
	if _, applied := h.snapshot(); applied != 3 {
		t.Errorf("handler applied %d mails, want 3", applied)
	}
	// The mail was read with BODY.PEEK[]: people looking at the folder still
	// see it as unread.
	c := box.Dial()
	inbox, err := c.Select("INBOX", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(processed, true); err != nil {
		t.Fatal(err)
	}
	seen, err := c.UidSearch(&imap.SearchCriteria{WithFlags: []string{imap.SeenFlag}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 {
		t.Errorf("%d mails were marked \\Seen", len(seen))
	}
	for _, uv := range h.uvs {
		if uv != inbox.UidValidity || uv == 0 {
			t.Errorf("handler got UIDVALIDITY %d, INBOX has %d", uv, inbox.UidValidity)
		}
	}
	// A second pass finds nothing new.
	if n, err := r.ProcessOnce(context.Background()); err != nil || n != 0 {
		t.Errorf("second pass = %d, %v; want 0, nil", n, err)
	}
}

func TestFailingMailStaysThenQuarantined(t *testing.T) {
	box := mailtest.NewBox(t)
	box.Append("INBOX", rawMail("buono", "Re: promemoria"))
	box.Append("INBOX", rawMail("cattivo", "rotto: risposta"))
	h := newStore()
	st := newMemState()
	r := New(config(box, box.IMAPAddr), h, st, nil)
	defer r.Close()
	var told []string
	r.OnQuarantine = func(_ context.Context, m Mail, reason string) {
		told = append(told, fmt.Sprintf("%d: %s", m.UID, reason))
	}
	tests := []struct {
		name            string
		wantHandled     int
		wantInbox       int
		wantQuarantined int
	}{
		{"first failure leaves it in the mailbox", 1, 1, 0},
		{"second failure leaves it in the mailbox", 0, 1, 0},
		{"third failure quarantines it", 0, 0, 1},
		{"nothing left to do", 0, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := r.ProcessOnce(context.Background())
			if err != nil || n != tc.wantHandled {
				t.Fatalf("ProcessOnce = %d, %v; want %d, nil", n, err, tc.wantHandled)
			}
			if got := len(box.Messages("INBOX")); got != tc.wantInbox {
				t.Errorf("INBOX holds %d, want %d", got, tc.wantInbox)
			}
			if got := len(box.Messages(quarantined)); got != tc.wantQuarantined {
				t.Errorf("%s holds %d, want %d", quarantined, got, tc.wantQuarantined)
			}
		})
	}
	if len(told) != 1 || !strings.Contains(told[0], "valore non leggibile") {
		t.Errorf("OnQuarantine calls = %q, want one with the handler's reason", told)
	}
	if len(box.Messages(processed)) != 1 {
		t.Errorf("the good mail is not in %s", processed)
	}
}

func TestMailAlreadyFailedEnoughIsQuarantinedWithoutHandling(t *testing.T) {
	box := mailtest.NewBox(t)
	box.Append("INBOX", rawMail("vecchio", "Re: promemoria"))
	c := box.Dial()
	status, err := c.Select("INBOX", true)
	if err != nil {
		t.Fatal(err)
	}
	// A crash after the third failure was recorded, before the move.
	st := newMemState()
	st.failures[[2]uint32{status.UidValidity, 1}] = 3
	h := newStore()
	r := New(config(box, box.IMAPAddr), h, st, nil)
	defer r.Close()
	if _, err := r.ProcessOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls, _ := h.snapshot(); calls != 0 {
		t.Errorf("handler called %d times for a mail that already failed 3 times", calls)
	}
	if got := len(box.Messages(quarantined)); got != 1 {
		t.Errorf("%s holds %d, want 1", quarantined, got)
	}
}

func TestCrashBetweenCommitAndMoveReprocesses(t *testing.T) {
	box := mailtest.NewBox(t)
	box.Append("INBOX", rawMail("doppio", "Re: promemoria"))
	proxy := mailtest.NewProxy(t, box.IMAPAddr)
	h := newStore()
	r := New(config(box, proxy.Addr()), h, newMemState(), nil)
	defer r.Close()
	cut := true
	r.afterHandle = func(Mail) {
		if cut {
			cut = false
			proxy.Cut() // the handler committed; the move never happens
		}
	}
	if _, err := r.ProcessOnce(context.Background()); err == nil {
		t.Fatal("pass with a cut connection reported no error")
	}
	if got := len(box.Messages("INBOX")); got != 1 {
		t.Fatalf("after the crash INBOX holds %d, want the mail still there", got)
	}
	n, err := r.ProcessOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("pass after reconnecting = %d, %v; want 1, nil", n, err)
	}
	calls, applied := h.snapshot()
	if calls != 2 || applied != 1 {
		t.Errorf("handler called %d times, applied %d; want the mail handed over twice and applied once", calls, applied)
	}
	if got := len(box.Messages(processed)); got != 1 {
		t.Errorf("%s holds %d, want 1", processed, got)
	}
	if proxy.Dials() != 2 {
		t.Errorf("%d connections, want 2", proxy.Dials())
	}
}

func TestMoveWithoutMOVEExpungesOnlyItsOwnMail(t *testing.T) {
	box := mailtest.NewBox(t)
	box.Append("INBOX", rawMail("altrui", "flagged by someone else"))
	c := box.Dial()
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	set := new(imap.SeqSet)
	set.AddNum(1)
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.DeletedFlag}, nil); err != nil {
		t.Fatal(err)
	}
	box.Append("INBOX", rawMail("nostro", "Re: promemoria"))
	h := newStore()
	r := New(config(box, box.IMAPAddr), h, newMemState(), nil)
	r.noMove = true
	defer r.Close()
	n, err := r.ProcessOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("ProcessOnce = %d, %v; want 1 (the mail flagged by another client is not ours)", n, err)
	}
	inbox := box.Messages("INBOX")
	if len(inbox) != 1 || !bytes.Contains(inbox[0], []byte("altrui")) {
		t.Errorf("INBOX = %d mails; the other client's \\Deleted mail must survive, ours must go", len(inbox))
	}
	if got := box.Messages(processed); len(got) != 1 || !bytes.Contains(got[0], []byte("nostro")) {
		t.Errorf("%s does not hold exactly our mail", processed)
	}
}

func TestSecurityAndLogin(t *testing.T) {
	env := mailtest.LoadEnv(t)
	tests := []struct {
		name     string
		addr     string
		security string
		password string
		wantErr  bool
	}{
		{"implicit TLS", env.IMAPSAddr, SecurityTLS, "", false},
		{"STARTTLS", env.IMAPAddr, SecuritySTARTTLS, "", false},
		{"plain on loopback", env.IMAPAddr, SecurityNone, "", false},
		{"wrong password", env.IMAPAddr, SecuritySTARTTLS, "segreto-sbagliato-4b3c", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			box := mailtest.NewBox(t)
			box.Append("INBOX", rawMail("x", "Re: promemoria"))
			cfg := config(box, tc.addr)
			cfg.Security, cfg.InsecureSkipVerify = tc.security, true
			if tc.password != "" {
				cfg.Password = tc.password
			}
			var logs bytes.Buffer
			r := New(cfg, newStore(), newMemState(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			defer r.Close()
			n, err := r.ProcessOnce(context.Background())
			if tc.wantErr {
				if err == nil {
					t.Fatal("logged in with a wrong password")
				}
				if strings.Contains(err.Error(), tc.password) || strings.Contains(logs.String(), tc.password) {
					t.Errorf("the password leaked: %v\n%s", err, logs.String())
				}
				return
			}
			if err != nil || n != 1 {
				t.Fatalf("ProcessOnce = %d, %v; want 1, nil", n, err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Addr: "imap.comune.example.it", Username: "u", Password: "p"}
	tests := []struct {
		name    string
		edit    func(c *Config)
		wantErr string
	}{
		{"defaults are fine", func(*Config) {}, ""},
		{"plain to a remote host", func(c *Config) { c.Security = SecurityNone }, "security"},
		{"plain to loopback", func(c *Config) { c.Addr = "127.0.0.1:1143"; c.Security = SecurityNone }, ""},
		{"unknown security", func(c *Config) { c.Security = "ssl" }, "security"},
		{"no address", func(c *Config) { c.Addr = "" }, "addr"},
		{"no password", func(c *Config) { c.Password = "" }, "password"},
		{"processed folder is the mailbox", func(c *Config) { c.ProcessedFolder = "INBOX" }, "processed_folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want an error naming %q", err, tc.wantErr)
			}
			if err := New(c, newStore(), newMemState(), nil).Run(context.Background()); err == nil {
				t.Error("Run started with invalid settings")
			}
		})
	}
}

func TestUIDValidityChangeIsNotConfusedWithOldFailures(t *testing.T) {
	box := mailtest.NewBox(t)
	const folder = "Risposte"
	box.Append(folder, rawMail("vecchia", "rotto"))
	st := newMemState()
	h := newStore()
	cfg := config(box, box.IMAPAddr)
	cfg.Mailbox = folder
	cfg.MaxFailures = 2
	var logs bytes.Buffer
	r := New(cfg, h, st, slog.New(slog.NewTextHandler(&logs, nil)))
	defer r.Close()
	if _, err := r.ProcessOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The mailbox is recreated: the new mail gets UID 1 again, under a new
	// UIDVALIDITY. The old mail's failure must not count against it.
	c := box.Dial()
	if err := c.Delete(folder); err != nil {
		t.Fatal(err)
	}
	box.Append(folder, rawMail("nuova", "rotto anche questa"))
	if _, err := r.ProcessOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(box.Messages(quarantined)); got != 0 {
		t.Errorf("the new mail was quarantined after one failure of its own")
	}
	if got := len(box.Messages(folder)); got != 1 {
		t.Errorf("%s holds %d mails, want the new one waiting for its next attempt", folder, got)
	}
	if len(h.uvs) != 2 || h.uvs[0] == h.uvs[1] {
		t.Errorf("UIDVALIDITY seen by the handler = %v, want two different values", h.uvs)
	}
	if !strings.Contains(logs.String(), "renumbered") {
		t.Errorf("the renumbering was not logged:\n%s", logs.String())
	}
}
