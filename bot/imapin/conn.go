package imapin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// conn is one logged-in IMAP connection and what the server told about
// itself.
type conn struct {
	raw     net.Conn
	c       *client.Client
	idle    bool   // the server has IDLE
	move    bool   // the server has MOVE
	uidplus bool   // the server has UIDPLUS (UID EXPUNGE)
	delim   string // the hierarchy separator
	// newMail receives a signal when the selected mailbox grew; buffered,
	// so a signal sent while the reader is busy is not lost.
	newMail chan struct{}
	updates chan client.Update // the client's updates, read by drain
	marks   chan struct{}      // drain acknowledges settle's marker
}

// connect dials, secures, logs in, learns the server's capabilities and
// creates the folders when missing.
func (r *Reader) connect(ctx context.Context) (*conn, error) {
	cfg := r.cfg
	host, _, _ := net.SplitHostPort(cfg.Addr)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	d := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", cfg.Addr, err)
	}
	// Until login is done, ctx ending or Timeout passing stops everything.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	// Network deadlines need the wall clock; no program logic depends on it.
	_ = raw.SetDeadline(time.Now().Add(cfg.Timeout))
	netConn := raw
	if cfg.Security == SecurityTLS {
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("TLS handshake with %s: %w", cfg.Addr, err)
		}
		netConn = tc
	}
	c, err := client.New(netConn)
	if err != nil {
		_ = raw.Close()
		return nil, fmt.Errorf("greeting from %s: %w", cfg.Addr, err)
	}
	cn := &conn{
		raw: raw, c: c, newMail: make(chan struct{}, 1),
		updates: make(chan client.Update, 64), marks: make(chan struct{}, 1),
	}
	fail := func(format string, err error) (*conn, error) {
		cn.close()
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("%w: "+format, cerr, err)
		}
		return nil, fmt.Errorf(format, err)
	}
	c.Timeout = cfg.Timeout
	c.ErrorLog = slog.NewLogLogger(r.log.Handler(), slog.LevelDebug)
	c.Updates = cn.updates
	go cn.drain()
	if cfg.Security == SecuritySTARTTLS {
		if err := c.StartTLS(tlsCfg); err != nil {
			return fail("STARTTLS: %w", err)
		}
	}
	if err := c.Login(cfg.Username, cfg.Password); err != nil {
		return fail("login as "+strings.ReplaceAll(cfg.Username, "%", "%%")+": %w", err)
	}
	for _, ext := range []struct {
		name string
		to   *bool
	}{{"IDLE", &cn.idle}, {"MOVE", &cn.move}, {"UIDPLUS", &cn.uidplus}} {
		ok, err := c.Support(ext.name)
		if err != nil {
			return fail("capabilities: %w", err)
		}
		*ext.to = ok
	}
	if cn.delim, err = cn.delimiter(); err != nil {
		return fail("hierarchy separator: %w", err)
	}
	for _, f := range []string{cfg.ProcessedFolder, cfg.QuarantineFolder} {
		if err := cn.ensureFolder(cn.folder(f)); err != nil {
			return fail("folder "+strings.ReplaceAll(f, "%", "%%")+": %w", err)
		}
	}
	return cn, nil
}

// drain reads the client's updates until it logs out, as go-imap blocks
// when nobody reads them, and signals newMail when the server reports
// EXISTS. A nil update is settle's marker. (The MailboxUpdate's status is
// the client's own and changes under us: its fields are not read here.)
func (cn *conn) drain() {
	for {
		select {
		case u := <-cn.updates:
			if u == nil {
				select {
				case <-cn.newMail:
				default:
				}
				cn.marks <- struct{}{}
				continue
			}
			if _, ok := u.(*client.MailboxUpdate); ok {
				select {
				case cn.newMail <- struct{}{}:
				default:
				}
			}
		case <-cn.c.LoggedOut():
			return
		}
	}
}

// settle forgets the EXISTS reports that our own commands caused (the
// SELECT of every pass has one). Updates reach the channel in the order the
// server sent them and all responses to finished commands are already in
// it, so a marker queued now comes after all of them.
func (cn *conn) settle() error {
	select {
	case cn.updates <- nil:
	case <-cn.c.LoggedOut():
		return errors.New("connection closed")
	}
	select {
	case <-cn.marks:
		return nil
	case <-cn.c.LoggedOut():
		return errors.New("connection closed")
	}
}

// delimiter asks for the hierarchy separator ("/" when the server has
// none).
func (cn *conn) delimiter() (string, error) {
	ch := make(chan *imap.MailboxInfo, 4)
	done := make(chan error, 1)
	go func() { done <- cn.c.List("", "", ch) }()
	delim := ""
	for info := range ch {
		delim = info.Delimiter
	}
	if err := <-done; err != nil {
		return "", err
	}
	if delim == "" {
		delim = "/"
	}
	return delim, nil
}

// folder turns a configured name ("Sollecito/Elaborati") into the server's
// form.
func (cn *conn) folder(name string) string {
	if cn.delim == "/" || strings.EqualFold(name, "INBOX") {
		return name
	}
	return strings.ReplaceAll(name, "/", cn.delim)
}

// ensureFolder creates name when it does not exist, and subscribes to it so
// people see it in their mail client.
func (cn *conn) ensureFolder(name string) error {
	ch := make(chan *imap.MailboxInfo, 4)
	done := make(chan error, 1)
	go func() { done <- cn.c.List("", name, ch) }()
	found := false
	for range ch {
		found = true
	}
	if err := <-done; err != nil {
		return fmt.Errorf("list: %w", err)
	}
	if found {
		return nil
	}
	if err := cn.c.Create(name); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	_ = cn.c.Subscribe(name) // only cosmetic
	return nil
}

// idleUntilNewMail runs IDLE until the mailbox grows (nil), retry passes
// when retry > 0 (nil: mail that failed is tried again), the connection
// fails (an error) or ctx ends (nil). IDLE is re-issued every restart.
func (cn *conn) idleUntilNewMail(ctx context.Context, restart, timeout, retry time.Duration, after func(time.Duration) <-chan time.Time) error {
	// Client.Timeout would end IDLE after one command timeout; TCP
	// keep-alive detects a dead peer meanwhile.
	cn.c.Timeout = 0
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- cn.c.Idle(stop, &client.IdleOptions{LogoutTimeout: restart}) }()
	end := func() error {
		close(stop)
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case err := <-done:
			cn.c.Timeout = timeout
			return err
		case <-t.C:
			_ = cn.raw.Close()
			<-done
			cn.c.Timeout = timeout
			return errors.New("IDLE did not end in time")
		}
	}
	var retryC <-chan time.Time
	if retry > 0 {
		retryC = after(retry)
	}
	select {
	case <-retryC:
		if err := end(); err != nil {
			return fmt.Errorf("end IDLE: %w", err)
		}
		return nil
	case <-cn.newMail:
		if err := end(); err != nil {
			return fmt.Errorf("end IDLE: %w", err)
		}
		return nil
	case <-ctx.Done():
		_ = end()
		return nil
	case err := <-done:
		cn.c.Timeout = timeout
		if err == nil {
			err = errors.New("IDLE ended by the server")
		}
		return fmt.Errorf("IDLE: %w", err)
	}
}

// close logs out politely when the connection still works, then closes it.
func (cn *conn) close() {
	select {
	case <-cn.c.LoggedOut():
	default:
		cn.c.Timeout = 2 * time.Second
		_ = cn.c.Logout()
	}
	_ = cn.raw.Close()
}
