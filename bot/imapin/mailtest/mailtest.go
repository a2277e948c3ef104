// Package mailtest gives tests a private mailbox on the real Dovecot and
// Postfix started by scripts/mailservers.sh.
//
// Each call to NewBox logs in as a fresh user of the test domain, so a test
// sees only its own mail: what it appends and what the SMTP server delivered
// to that user's address. Tests fail, never skip, when the servers are not
// configured.
package mailtest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// HowToStart tells a person how to provide the servers the tests need.
const HowToStart = `start the test mail servers first: eval "$(scripts/mailservers.sh start)" (from the repository root, as root; stop them with scripts/mailservers.sh stop)`

// Env is what scripts/mailservers.sh exports.
type Env struct {
	IMAPAddr   string // plain IMAP with STARTTLS offered
	IMAPSAddr  string // IMAP over implicit TLS
	User       string // a user of the test domain
	Pass       string // the password of every user of the test domain
	SMTPAddr   string // SMTP with STARTTLS offered, delivering to Dovecot
	SMTPSAddr  string // SMTP over implicit TLS
	SMTPUser   string
	SMTPPass   string
	Domain     string // any local part at this domain is a mailbox
	RejectRcpt string // a recipient the SMTP server refuses with 5xx
	DeferRcpt  string // a recipient the SMTP server refuses with 4xx
	Dir        string // the servers' temporary directory
}

// LoadEnv reads the SOLLECITO_TEST_* variables and fails the test when one
// is missing.
func LoadEnv(t testing.TB) Env {
	t.Helper()
	var missing []string
	get := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	e := Env{
		IMAPAddr:   get("SOLLECITO_TEST_IMAP_ADDR"),
		IMAPSAddr:  get("SOLLECITO_TEST_IMAPS_ADDR"),
		User:       get("SOLLECITO_TEST_IMAP_USER"),
		Pass:       get("SOLLECITO_TEST_IMAP_PASS"),
		SMTPAddr:   get("SOLLECITO_TEST_SMTP_ADDR"),
		SMTPSAddr:  get("SOLLECITO_TEST_SMTPS_ADDR"),
		SMTPUser:   get("SOLLECITO_TEST_SMTP_USER"),
		SMTPPass:   get("SOLLECITO_TEST_SMTP_PASS"),
		Domain:     get("SOLLECITO_TEST_MAIL_DOMAIN"),
		RejectRcpt: get("SOLLECITO_TEST_SMTP_REJECT_RCPT"),
		DeferRcpt:  get("SOLLECITO_TEST_SMTP_DEFER_RCPT"),
		Dir:        get("SOLLECITO_TEST_MAIL_DIR"),
	}
	if len(missing) > 0 {
		t.Fatalf("missing %s: %s", strings.Join(missing, ", "), HowToStart)
	}
	return e
}

// Box is one test's private mailbox: a fresh user of the test domain.
type Box struct {
	Env
	// Address is the user's e-mail address; mail sent to it over SMTP lands
	// in the box's INBOX.
	Address string
	t       testing.TB
}

// NewBox creates a fresh mailbox for the test.
func NewBox(t testing.TB) *Box {
	t.Helper()
	env := LoadEnv(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random user name: %v", err)
	}
	addr := "t" + hex.EncodeToString(b[:]) + "@" + env.Domain
	env.User = addr
	box := &Box{Env: env, Address: addr, t: t}
	c := box.Dial()
	defer func() { _ = c.Logout() }()
	// Create the INBOX now: two deliveries racing to create it make one of
	// them fail and wait for Postfix's next retry.
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatalf("create INBOX for %s: %v", addr, err)
	}
	return box
}

// Dial returns a client logged in as the box's user, closed when the test
// ends.
func (b *Box) Dial() *client.Client {
	b.t.Helper()
	c, err := client.Dial(b.IMAPAddr)
	if err != nil {
		b.t.Fatalf("dial IMAP %s: %v (%s)", b.IMAPAddr, err, HowToStart)
	}
	c.Timeout = 10 * time.Second
	c.ErrorLog = log.New(io.Discard, "", 0)
	b.t.Cleanup(func() { _ = c.Terminate() })
	if err := c.Login(b.User, b.Pass); err != nil {
		b.t.Fatalf("IMAP login as %s: %v", b.User, err)
	}
	return c
}

// Kick makes Dovecot disconnect every IMAP session of the box's user, as a
// server shutting down does (it says BYE, then closes). Other tests' users
// are not touched.
func (b *Box) Kick() {
	b.t.Helper()
	conf := filepath.Join(b.Dir, "dovecot", "dovecot.conf")
	out, err := exec.Command("doveadm", "-c", conf, "kick", b.User).CombinedOutput()
	if err != nil {
		b.t.Fatalf("doveadm kick %s: %v: %s", b.User, err, out)
	}
}

// Append stores raw messages in folder (created when missing), over one
// connection.
func (b *Box) Append(folder string, raws ...[]byte) {
	b.t.Helper()
	c := b.Dial()
	defer func() { _ = c.Logout() }()
	if folder != "INBOX" {
		_ = c.Create(folder) // already existing is fine; Append reports real trouble
	}
	for _, raw := range raws {
		if err := c.Append(folder, nil, time.Time{}, bytes.NewReader(raw)); err != nil {
			b.t.Fatalf("append to %s: %v", folder, err)
		}
	}
}

// Messages returns the raw messages in folder in UID order (none when the
// folder does not exist), without marking them seen.
func (b *Box) Messages(folder string) [][]byte {
	b.t.Helper()
	c := b.Dial()
	defer func() { _ = c.Logout() }()
	msgs, err := fetchAll(c, folder)
	if err != nil {
		b.t.Fatalf("read %s: %v", folder, err)
	}
	return msgs
}

// WaitFor polls folder until it holds at least n messages and returns them;
// it fails the test after timeout. Polling is for the real server's
// asynchronous delivery only.
func (b *Box) WaitFor(folder string, n int, timeout time.Duration) [][]byte {
	b.t.Helper()
	c := b.Dial()
	defer func() { _ = c.Logout() }()
	deadline := time.Now().Add(timeout)
	for {
		msgs, err := fetchAll(c, folder)
		if err != nil {
			b.t.Fatalf("read %s: %v", folder, err)
		}
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s holds %d messages after %v, want at least %d", folder, len(msgs), timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fetchAll(c *client.Client, folder string) ([][]byte, error) {
	st, err := c.Select(folder, true)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("select: %w", err)
	}
	if st.Messages == 0 {
		return nil, nil
	}
	set := new(imap.SeqSet)
	set.AddRange(1, 0)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, st.Messages)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, ch) }()
	type uidRaw struct {
		uid uint32
		raw []byte
	}
	var got []uidRaw
	for m := range ch {
		r := m.GetBody(section)
		if r == nil {
			continue
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
		got = append(got, uidRaw{m.Uid, raw})
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	// UID FETCH answers in any order; keep UID order.
	slices.SortFunc(got, func(a, b uidRaw) int { return cmp.Compare(a.uid, b.uid) })
	out := make([][]byte, len(got))
	for i, g := range got {
		out[i] = g.raw
	}
	return out, nil
}
