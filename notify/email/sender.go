// Package email sends e-mail over SMTP: STARTTLS, implicit TLS or plain SMTP
// to a loopback server, with authentication, bounded network steps and one
// connection per batch. It knows nothing of deadlines or people: callers
// hand it ready Messages and get one error per message, each telling
// whether retrying can help.
package email

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Security modes of Config.Security.
const (
	SecuritySTARTTLS = "starttls"
	SecurityTLS      = "tls"
	SecurityNone     = "none"
)

// Config holds the SMTP settings.
type Config struct {
	Host string
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int
	// Security is "starttls" (the default), "tls" or "none"; "none" is only
	// allowed to a loopback host.
	Security           string
	Username, Password string
	// From is the sender used when a Message has none.
	From string
	// HeloName is the name given in EHLO; "localhost" by default.
	HeloName string
	// Timeout bounds every network step; 30 seconds by default.
	Timeout            time.Duration
	InsecureSkipVerify bool
}

// withDefaults fills the empty settings.
func (c Config) withDefaults() Config {
	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	if c.Security == "" {
		c.Security = SecuritySTARTTLS
	}
	if c.Port == 0 {
		switch c.Security {
		case SecurityTLS:
			c.Port = 465
		case SecurityNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.HeloName == "" {
		c.HeloName = "localhost"
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	return c
}

// Validate reports settings that cannot work, naming each setting.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if strings.TrimSpace(c.Host) == "" {
		errs = append(errs, errors.New("host: missing"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port: %d out of range", c.Port))
	}
	switch c.Security {
	case SecuritySTARTTLS, SecurityTLS:
	case SecurityNone:
		if !isLoopback(c.Host) {
			errs = append(errs, fmt.Errorf("security: %q is only allowed to a loopback host, not %q", c.Security, c.Host))
		}
	default:
		errs = append(errs, fmt.Errorf("security: %q is not starttls, tls or none", c.Security))
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, errors.New("username and password: set both or neither"))
	}
	if err := errors.Join(errs...); err != nil {
		return &Error{Kind: KindConfig, Err: err}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sender sends batches of messages. It holds no connection between calls,
// so one Sender may be used by several goroutines.
type Sender struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	dialer func(ctx context.Context, network, addr string) (net.Conn, error)
	// afterMessage, when set by tests, runs after each message of a batch.
	afterMessage func(i int)
	// forceLogin, set by tests, uses LOGIN even when PLAIN is offered.
	forceLogin bool
}

// New returns a Sender for cfg; settings are checked on each Send.
func New(cfg Config, logger *slog.Logger) *Sender {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	d := &net.Dialer{}
	return &Sender{cfg: cfg.withDefaults(), log: logger, now: time.Now, dialer: d.DialContext}
}

// Send sends msgs over one connection, reconnecting when it drops, and
// returns one error per message (nil when the server accepted it). Every
// network step is bounded by Config.Timeout and by ctx. A message without
// Date gets the current time, one without MessageID a random one at the
// sender's domain. Errors are *Error.
func (s *Sender) Send(ctx context.Context, msgs []*Message) []error {
	errs := make([]error, len(msgs))
	if err := s.cfg.Validate(); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	var sess *session
	defer func() {
		if sess != nil {
			sess.quit()
		}
	}()
	var connectErr error
	for i, m := range msgs {
		if s.afterMessage != nil && i > 0 {
			s.afterMessage(i - 1)
		}
		env, raw, err := s.prepare(m)
		if err != nil {
			errs[i] = err
			continue
		}
		if connectErr != nil {
			// The server could not be reached for an earlier message of
			// this batch: do not spend another Timeout per message.
			errs[i] = connectErr
			continue
		}
		for attempt := 0; ; attempt++ {
			if sess == nil {
				sess, err = s.connect(ctx)
				if err != nil {
					connectErr = err
					errs[i] = err
					break
				}
			}
			var dataStarted bool
			dataStarted, err = sess.send(env, raw)
			if err == nil {
				s.log.Debug("mail sent", slog.String("message_id", env.messageID))
				break
			}
			if !sess.usable(err) {
				sess.close()
				sess = nil
				// A connection that dropped before the message was handed
				// over (typically an idle connection the server closed) is
				// retried once on a new one; after DATA began it is not,
				// since the server may have taken the message.
				if attempt == 0 && !dataStarted && ctx.Err() == nil {
					continue
				}
			}
			errs[i] = err
			s.log.Warn("mail not sent", slog.String("message_id", env.messageID), slog.Any("error", err))
			break
		}
	}
	if s.afterMessage != nil && len(msgs) > 0 {
		s.afterMessage(len(msgs) - 1)
	}
	return errs
}

// envelope is the SMTP envelope of one message.
type envelope struct {
	from      string
	to        []string
	messageID string
}

// prepare fills Date and MessageID on a copy of m and renders it.
func (s *Sender) prepare(m *Message) (envelope, []byte, error) {
	if m == nil {
		return envelope{}, nil, &Error{Kind: KindFormat, Err: errors.New("nil message")}
	}
	mm := *m
	if mm.From == "" {
		mm.From = s.cfg.From
	}
	from, err := parseList("From", mm.From)
	if err != nil {
		return envelope{}, nil, err
	}
	if len(from) != 1 {
		return envelope{}, nil, &Error{Kind: KindAddress, Field: "From", Address: mm.From, Err: errors.New("one address expected")}
	}
	env := envelope{from: from[0].Address}
	if mm.ReturnPath != "" {
		rp, err := mail.ParseAddress(clean(mm.ReturnPath))
		if err != nil {
			return envelope{}, nil, &Error{Kind: KindAddress, Field: "Return-Path", Address: mm.ReturnPath, Err: err}
		}
		env.from = rp.Address
	}
	to, err := parseList("To", mm.To)
	if err != nil {
		return envelope{}, nil, err
	}
	for _, a := range to {
		env.to = append(env.to, a.Address)
	}
	if mm.Date.IsZero() {
		mm.Date = s.now()
	}
	if mm.MessageID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		mm.MessageID = hex.EncodeToString(b[:]) + "@" + domainOf(env.from)
	}
	env.messageID = msgID(mm.MessageID)
	raw, err := Format(&mm)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return envelope{}, nil, e
		}
		return envelope{}, nil, &Error{Kind: KindFormat, Err: err}
	}
	return env, raw, nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// session is one SMTP connection.
type session struct {
	ctx     context.Context
	conn    net.Conn
	c       *smtp.Client
	timeout time.Duration
	stop    func() bool
	log     *slog.Logger
}

// connect dials, greets, upgrades to TLS and logs in.
func (s *Sender) connect(ctx context.Context) (*session, error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	tlsCfg := &tls.Config{ServerName: s.cfg.Host, InsecureSkipVerify: s.cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := s.dialer(dctx, "tcp", addr)
	if err != nil {
		return nil, newError(KindConnect, "", fmt.Errorf("dial %s: %w", addr, err))
	}
	ss := &session{ctx: ctx, conn: conn, timeout: s.cfg.Timeout, log: s.log}
	// Cancelling ctx interrupts whatever step is blocked on the connection.
	ss.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	fail := func(kind Kind, format string, err error) (*session, error) {
		ss.close()
		return nil, newError(kind, "", ss.wrap(fmt.Errorf(format, err)))
	}
	if s.cfg.Security == SecurityTLS {
		tc := tls.Client(conn, tlsCfg)
		ss.deadline()
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(KindConnect, "TLS handshake: %w", err)
		}
		ss.conn = tc
	}
	ss.deadline()
	c, err := smtp.NewClient(ss.conn, s.cfg.Host)
	if err != nil {
		return fail(KindConnect, "greeting: %w", err)
	}
	ss.c = c
	ss.deadline()
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return fail(KindConnect, "EHLO: %w", err)
	}
	if s.cfg.Security == SecuritySTARTTLS {
		ss.deadline()
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fail(KindConnect, "STARTTLS: %w", errors.New("not offered by the server"))
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return fail(KindConnect, "STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		ss.deadline()
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return fail(KindAuth, "AUTH: %w", errors.New("not offered by the server"))
		}
		var a smtp.Auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
		if s.forceLogin || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
			a = &loginAuth{user: s.cfg.Username, pass: s.cfg.Password, host: s.cfg.Host}
		}
		if err := c.Auth(a); err != nil {
			return fail(KindAuth, "AUTH as "+strings.ReplaceAll(s.cfg.Username, "%", "%%")+": %w", err)
		}
	}
	s.log.Debug("smtp connected", slog.String("addr", addr), slog.String("security", s.cfg.Security))
	return ss, nil
}

// deadline bounds the next network step by the timeout.
func (ss *session) deadline() {
	if ss.ctx.Err() != nil {
		return // AfterFunc already set a past deadline
	}
	// Network deadlines need the wall clock; no program logic depends on it.
	_ = ss.conn.SetDeadline(time.Now().Add(ss.timeout))
}

// wrap adds the context's error when ctx ended the step.
func (ss *session) wrap(err error) error {
	if cerr := ss.ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// send runs MAIL, RCPT and DATA for one message. dataStarted reports
// whether the message content began to travel.
func (ss *session) send(env envelope, raw []byte) (dataStarted bool, err error) {
	ss.deadline()
	if err := ss.c.Mail(env.from); err != nil {
		ss.reset()
		return false, newError(KindSender, env.from, ss.wrap(fmt.Errorf("MAIL FROM: %w", err)))
	}
	for _, rcpt := range env.to {
		ss.deadline()
		if err := ss.c.Rcpt(rcpt); err != nil {
			ss.reset()
			return false, newError(KindRecipient, rcpt, ss.wrap(fmt.Errorf("RCPT TO: %w", err)))
		}
	}
	ss.deadline()
	w, err := ss.c.Data()
	if err != nil {
		ss.reset()
		return false, newError(KindData, "", ss.wrap(fmt.Errorf("DATA: %w", err)))
	}
	ss.deadline()
	if _, err := w.Write(raw); err != nil {
		return true, newError(KindData, "", ss.wrap(fmt.Errorf("write message: %w", err)))
	}
	ss.deadline()
	if err := w.Close(); err != nil {
		return true, newError(KindData, "", ss.wrap(fmt.Errorf("end of message: %w", err)))
	}
	return true, nil
}

// reset clears a half-built transaction so the connection can go on.
func (ss *session) reset() {
	ss.deadline()
	_ = ss.c.Reset()
}

// usable reports whether the connection can carry the next message after
// err: not after network failures or a 421 (the server is closing).
func (ss *session) usable(err error) bool {
	if ss.ctx.Err() != nil {
		return false
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code != 421
	}
	return false
}

func (ss *session) quit() {
	if ss.c != nil && ss.ctx.Err() == nil {
		ss.deadline()
		_ = ss.c.Quit()
	}
	ss.close()
}

func (ss *session) close() {
	ss.stop()
	_ = ss.conn.Close()
}

// loginAuth is the LOGIN mechanism, for servers that offer no PLAIN. Like
// smtp.PlainAuth it sends credentials only over TLS or to a loopback host.
type loginAuth struct{ user, pass, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:":
		return []byte(a.user), nil
	case "password:":
		return []byte(a.pass), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN challenge %q", fromServer)
}
