// Package imapin reads incoming mail from an IMAP mailbox and hands each
// message to a handler, moving it away only after the handler committed its
// effect.
//
// The order is fixed: UID SEARCH, UID FETCH BODY.PEEK[] (the mail stays
// unseen), HandleMail, then UID MOVE to the processed folder. A crash
// between the handler's commit and the move leaves the mail in the mailbox
// and it is handed over again on the next pass, so the handler deduplicates
// (by Message-ID). A mail that keeps failing is moved to a quarantine folder
// after MaxFailures attempts. Between passes the reader waits with IDLE
// where the server has it and polls otherwise, reconnecting with backoff
// when the connection drops. It knows nothing of deadlines or people.
package imapin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
)

// Security modes of Config.Security.
const (
	SecurityTLS      = "tls"
	SecuritySTARTTLS = "starttls"
	SecurityNone     = "none"
)

// Config holds the IMAP settings.
type Config struct {
	// Addr is host:port; the port defaults to 993 for tls and 143 otherwise.
	Addr string
	// Security is "tls" (the default), "starttls" or "none"; "none" is only
	// allowed to a loopback host.
	Security           string
	Username, Password string
	// Mailbox is the folder read; INBOX by default.
	Mailbox string
	// ProcessedFolder receives handled mail; "Sollecito/Elaborati" by
	// default. "/" is replaced by the server's hierarchy separator.
	ProcessedFolder string
	// QuarantineFolder receives mail that failed MaxFailures times;
	// "Sollecito/Quarantena" by default.
	QuarantineFolder string
	// MaxFailures is how many failed attempts send a mail to quarantine; 3
	// by default.
	MaxFailures int
	// PollInterval is the wait between passes on servers without IDLE, and
	// before mail that failed is tried again on servers with IDLE; one
	// minute by default.
	PollInterval time.Duration
	// IdleRestart is how often IDLE is re-issued; 25 minutes by default.
	IdleRestart time.Duration
	// Timeout bounds each IMAP command and the connection set-up; one
	// minute by default.
	Timeout time.Duration
	// InsecureSkipVerify accepts any server certificate (tests only).
	InsecureSkipVerify bool
}

func (c Config) withDefaults() Config {
	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	if c.Security == "" {
		c.Security = SecurityTLS
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			port := "143"
			if c.Security == SecurityTLS {
				port = "993"
			}
			c.Addr = net.JoinHostPort(c.Addr, port)
		}
	}
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	if c.ProcessedFolder == "" {
		c.ProcessedFolder = "Sollecito/Elaborati"
	}
	if c.QuarantineFolder == "" {
		c.QuarantineFolder = "Sollecito/Quarantena"
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = 3
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Minute
	}
	if c.IdleRestart <= 0 {
		c.IdleRestart = 25 * time.Minute
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Minute
	}
	return c
}

// Validate reports settings that cannot work, naming each setting.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	host, _, err := net.SplitHostPort(c.Addr)
	switch {
	case c.Addr == "":
		errs = append(errs, errors.New("addr: missing"))
	case err != nil:
		errs = append(errs, fmt.Errorf("addr: %w", err))
	}
	switch c.Security {
	case SecurityTLS, SecuritySTARTTLS:
	case SecurityNone:
		if !isLoopback(host) {
			errs = append(errs, fmt.Errorf("security: %q is only allowed to a loopback host, not %q", c.Security, host))
		}
	default:
		errs = append(errs, fmt.Errorf("security: %q is not tls, starttls or none", c.Security))
	}
	if c.Username == "" || c.Password == "" {
		errs = append(errs, errors.New("username and password: both required"))
	}
	if c.ProcessedFolder == c.Mailbox || c.QuarantineFolder == c.Mailbox || c.ProcessedFolder == c.QuarantineFolder {
		errs = append(errs, errors.New("mailbox, processed_folder and quarantine_folder: must differ"))
	}
	return errors.Join(errs...)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Mail is one message as stored on the server.
type Mail struct {
	UIDValidity uint32
	UID         uint32
	Raw         []byte
}

// Handler handles one mail. It returns nil only after its effect is
// committed; it may see the same mail again and must deduplicate.
type Handler interface {
	HandleMail(ctx context.Context, m Mail) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m Mail) error

// HandleMail calls f.
func (f HandlerFunc) HandleMail(ctx context.Context, m Mail) error { return f(ctx, m) }

// State keeps the failure counts, persisted by the caller's store.
type State interface {
	// Failures returns how many times the mail failed so far.
	Failures(ctx context.Context, uidValidity, uid uint32) (int, error)
	// RecordFailure adds one failure and returns the new count.
	RecordFailure(ctx context.Context, uidValidity, uid uint32, reason string) (int, error)
}

// Reader reads one mailbox. Run and ProcessOnce must not be called at the
// same time.
type Reader struct {
	cfg Config
	h   Handler
	st  State
	log *slog.Logger

	// OnQuarantine, when set, is called after a mail was moved to the
	// quarantine folder, with the last failure's reason (to tell an
	// administrator).
	OnQuarantine func(ctx context.Context, m Mail, reason string)

	conn *conn    // the open connection, nil when disconnected
	seen []uint32 // the UIDs the last pass found, sorted

	uidValidity uint32 // the mailbox's UIDVALIDITY at the last pass

	// Test hooks and backoff, unexported.
	afterHandle func(m Mail)                         // after a handler succeeded, before the move
	onWait      func()                               // when the reader starts waiting for new mail
	wait        waitFunc                             // waits d or until ctx ends; backoff between connections
	after       func(time.Duration) <-chan time.Time // retry timer during IDLE
	noMove      bool                                 // behave as if the server had no MOVE
	noIdle      bool                                 // behave as if the server had no IDLE
	minBackoff  time.Duration                        // first backoff; doubles up to maxBackoff
	maxBackoff  time.Duration
}

// waitFunc waits d or until ctx ends, returning ctx's error then.
type waitFunc func(ctx context.Context, d time.Duration) error

func realWait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// New returns a Reader; settings are checked when it connects.
func New(cfg Config, h Handler, st State, logger *slog.Logger) *Reader {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Reader{
		cfg: cfg.withDefaults(), h: h, st: st, log: logger,
		wait: realWait, after: time.After, minBackoff: time.Second, maxBackoff: 5 * time.Minute,
	}
}

// Run reads the mailbox until ctx ends: a pass over every mail, then IDLE
// (or a poll interval) until new mail arrives, again and again. Connection
// failures are logged and retried with backoff. It returns nil when ctx
// ends, or the settings' error at once.
func (r *Reader) Run(ctx context.Context) error {
	if err := r.cfg.Validate(); err != nil {
		return fmt.Errorf("imap settings: %w", err)
	}
	defer r.Close()
	backoff := r.minBackoff
	for ctx.Err() == nil {
		n, err := r.ProcessOnce(ctx)
		if err == nil {
			backoff = r.minBackoff
			if n > 0 {
				r.log.Debug("imap pass done", slog.Int("handled", n))
			}
			err = r.waitForMail(ctx)
		}
		if err == nil || ctx.Err() != nil {
			continue
		}
		r.log.Warn("imap connection failed, retrying", slog.Any("error", err), slog.Duration("backoff", backoff))
		r.Close()
		if r.wait(ctx, backoff) != nil {
			break
		}
		backoff = min(2*backoff, r.maxBackoff)
	}
	return nil
}

// Close logs out and closes the connection, if any.
func (r *Reader) Close() {
	if r.conn != nil {
		r.conn.close()
		r.conn = nil
	}
}

// waitForMail returns when the mailbox may hold new mail: IDLE where the
// server has it, a poll interval otherwise.
func (r *Reader) waitForMail(ctx context.Context) error {
	c := r.conn
	if r.onWait != nil {
		r.onWait()
	}
	if !c.idle || r.noIdle {
		_ = r.wait(ctx, r.cfg.PollInterval) // an error only means ctx ended
		return nil
	}
	if err := c.settle(); err != nil {
		return err
	}
	// Mail that arrived during the pass, after its SEARCH, was reported
	// before settle: look for it, as IDLE would not report it again.
	crit := imap.NewSearchCriteria()
	crit.WithoutFlags = []string{imap.DeletedFlag}
	uids, err := c.c.UidSearch(crit)
	if err != nil {
		return fmt.Errorf("search %s: %w", r.cfg.Mailbox, err)
	}
	for _, uid := range uids {
		if !slices.Contains(r.seen, uid) {
			return nil
		}
	}
	// Mail left in the mailbox failed: try it again after a poll interval
	// even when nothing new arrives.
	var retry time.Duration
	if len(uids) > 0 {
		retry = r.cfg.PollInterval
	}
	return c.idleUntilNewMail(ctx, r.cfg.IdleRestart, r.cfg.Timeout, retry, r.after)
}
