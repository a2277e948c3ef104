package email

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"sollecito/bot/imapin/mailtest"
)

// serverConfig points at one of the test SMTP server's listeners.
func serverConfig(t *testing.T, addr, security string, auth bool) Config {
	t.Helper()
	env := mailtest.LoadEnv(t)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	p, _ := strconv.Atoi(port)
	cfg := Config{
		Host: host, Port: p, Security: security, InsecureSkipVerify: true,
		From: "Sollecito <sollecito@" + env.Domain + ">", HeloName: "sollecito.test",
		Timeout: 10 * time.Second,
	}
	if auth {
		cfg.Username, cfg.Password = env.SMTPUser, env.SMTPPass
	}
	return cfg
}

// countingSender counts the connections the sender opens.
func countingSender(cfg Config, logger *slog.Logger) (*Sender, *atomic.Int32) {
	s := New(cfg, logger)
	var n atomic.Int32
	inner := s.dialer
	s.dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		n.Add(1)
		return inner(ctx, network, addr)
	}
	return s, &n
}

func msgTo(to, subject string) *Message {
	return &Message{
		To: to, Subject: subject,
		Text:    "Valore: 92,5%\n",
		HTML:    "<p>Valore: <b>92,5%</b></p>\n",
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

func TestSendReadBack(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	m := reminder()
	m.From = "Sollecito <sollecito@" + env.Domain + ">"
	m.To = "Niccolò D'Amato <" + box.Address + ">"
	s := New(serverConfig(t, env.SMTPAddr, SecuritySTARTTLS, true), nil)
	if errs := s.Send(context.Background(), []*Message{m}); errs[0] != nil {
		t.Fatalf("Send: %v", errs[0])
	}
	raw := box.WaitFor("INBOX", 1, 10*time.Second)[0]
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse received mail: %v", err)
	}
	checks := map[string][2]string{}
	subject, _ := r.Header.Subject()
	checks["Subject"] = [2]string{subject, m.Subject}
	id, _ := r.Header.MessageID()
	checks["Message-ID"] = [2]string{id, "sollecito.k7QxZ2.1@comune.example.it"}
	inReply, _ := r.Header.MsgIDList("In-Reply-To")
	checks["In-Reply-To"] = [2]string{strings.Join(inReply, ","), "sollecito.k7QxZ2.0@comune.example.it"}
	replyTo, _ := r.Header.AddressList("Reply-To")
	if len(replyTo) == 1 {
		checks["Reply-To"] = [2]string{replyTo[0].Address, "sollecito+k7QxZ2@comune.example.it"}
	}
	checks["Auto-Submitted"] = [2]string{r.Header.Get("Auto-Submitted"), "auto-generated"}
	checks["X-Auto-Response-Suppress"] = [2]string{r.Header.Get("X-Auto-Response-Suppress"), "OOF, AutoReply"}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		ct, _, _ := p.Header.(*mail.InlineHeader).ContentType()
		body, _ := io.ReadAll(p.Body)
		checks[ct] = [2]string{strings.ReplaceAll(string(body), "\r\n", "\n"), map[string]string{"text/plain": m.Text, "text/html": m.HTML}[ct]}
	}
	for _, name := range []string{"Subject", "Message-ID", "In-Reply-To", "Reply-To", "Auto-Submitted", "X-Auto-Response-Suppress", "text/plain", "text/html"} {
		if c, ok := checks[name]; !ok || c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
}

func TestSendSecurityModes(t *testing.T) {
	env := mailtest.LoadEnv(t)
	tests := []struct {
		name      string
		addr      string
		security  string
		auth      bool
		verify    bool // verify the server certificate (self-signed: fails)
		wantError bool
		login     bool // use the LOGIN mechanism
	}{
		{"starttls with login", env.SMTPAddr, SecuritySTARTTLS, true, false, false, false},
		{"implicit TLS with login", env.SMTPSAddr, SecurityTLS, true, false, false, false},
		{"plain to loopback", env.SMTPAddr, SecurityNone, false, false, false, false},
		{"plain to loopback with login", env.SMTPAddr, SecurityNone, true, false, false, false},
		{"untrusted certificate", env.SMTPAddr, SecuritySTARTTLS, true, true, true, false},
		{"implicit TLS to a STARTTLS port", env.SMTPAddr, SecurityTLS, false, false, true, false},
		{"LOGIN mechanism", env.SMTPAddr, SecuritySTARTTLS, true, false, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			box := mailtest.NewBox(t)
			cfg := serverConfig(t, tc.addr, tc.security, tc.auth)
			cfg.InsecureSkipVerify = !tc.verify
			cfg.Timeout = 3 * time.Second
			s := New(cfg, nil)
			s.forceLogin = tc.login
			err := s.Send(context.Background(), []*Message{msgTo(box.Address, tc.name)})[0]
			if tc.wantError {
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindConnect || e.Permanent() {
					t.Fatalf("error = %v, want a temporary connection error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			box.WaitFor("INBOX", 1, 10*time.Second)
		})
	}
}

func TestSendBatchUsesOneConnection(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	s, dials := countingSender(serverConfig(t, env.SMTPAddr, SecuritySTARTTLS, true), nil)
	var msgs []*Message
	for i := range 5 {
		msgs = append(msgs, msgTo(box.Address, "batch "+strconv.Itoa(i)))
	}
	for i, err := range s.Send(context.Background(), msgs) {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("opened %d connections for one batch, want 1", n)
	}
	if got := len(box.WaitFor("INBOX", 5, 10*time.Second)); got != 5 {
		t.Errorf("received %d messages, want 5", got)
	}
}

func TestSendRefusedRecipients(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	s, dials := countingSender(serverConfig(t, env.SMTPAddr, SecuritySTARTTLS, true), nil)
	msgs := []*Message{
		msgTo(box.Address, "first"),
		msgTo(env.RejectRcpt, "refused for good"),
		msgTo(env.DeferRcpt, "refused for now"),
		msgTo("qualcuno@example.com", "relay denied"),
		msgTo(box.Address, "last"),
	}
	errs := s.Send(context.Background(), msgs)
	tests := []struct {
		name      string
		i         int
		code      int
		permanent bool
	}{
		{"5xx recipient is permanent", 1, 550, true},
		{"4xx recipient is temporary", 2, 450, false},
		{"relay denied is permanent", 3, 554, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e *Error
			if !errors.As(errs[tc.i], &e) {
				t.Fatalf("error = %v, want *Error", errs[tc.i])
			}
			if e.Code != tc.code || e.Permanent() != tc.permanent || e.Kind != KindRecipient {
				t.Errorf("code %d, permanent %v, kind %d; want %d, %v, recipient (%v)", e.Code, e.Permanent(), e.Kind, tc.code, tc.permanent, e)
			}
			if !strings.Contains(e.Error(), "rifiutato") || !strings.Contains(e.Localize("en"), "refused") {
				t.Errorf("messages do not say the recipient was refused: %q / %q", e.Error(), e.Localize("en"))
			}
		})
	}
	if errs[0] != nil || errs[4] != nil {
		t.Errorf("accepted messages failed: %v, %v", errs[0], errs[4])
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("refusals made the sender reconnect: %d connections", n)
	}
	box.WaitFor("INBOX", 2, 10*time.Second)
}

func TestSendReconnectsWhenDropped(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	proxy := mailtest.NewProxy(t, env.SMTPAddr)
	s := New(serverConfig(t, proxy.Addr(), SecuritySTARTTLS, true), nil)
	s.afterMessage = func(i int) {
		if i == 0 {
			proxy.Cut()
		}
	}
	msgs := []*Message{msgTo(box.Address, "uno"), msgTo(box.Address, "due"), msgTo(box.Address, "tre")}
	for i, err := range s.Send(context.Background(), msgs) {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if n := proxy.Dials(); n != 2 {
		t.Errorf("%d connections, want 2 (one reconnection after the cut)", n)
	}
	box.WaitFor("INBOX", 3, 10*time.Second)
}

func TestSendNeverLeaksPassword(t *testing.T) {
	env := mailtest.LoadEnv(t)
	box := mailtest.NewBox(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	wrong := "segreto-sbagliato-9f8e7d"
	tests := []struct {
		name     string
		password string
		wantErr  bool
	}{
		{"wrong password", wrong, true},
		{"right password", env.SMTPPass, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := serverConfig(t, env.SMTPAddr, SecuritySTARTTLS, true)
			cfg.Password = tc.password
			errs := New(cfg, logger).Send(context.Background(), []*Message{msgTo(box.Address, "x"), msgTo(box.Address, "y")})
			for _, err := range errs {
				if (err != nil) != tc.wantErr {
					t.Fatalf("error = %v, want error %v", err, tc.wantErr)
				}
				if err == nil {
					continue
				}
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindAuth || !e.Permanent() || e.Code != 535 {
					t.Errorf("error = %v, want a permanent 535 login error", err)
				}
				for _, text := range []string{err.Error(), e.Localize("en")} {
					if strings.Contains(text, tc.password) {
						t.Errorf("error text holds the password: %q", text)
					}
				}
			}
			if strings.Contains(logs.String(), tc.password) {
				t.Errorf("logs hold the password:\n%s", logs.String())
			}
		})
	}
	if logs.Len() == 0 {
		t.Error("nothing was logged, so the check above proves nothing")
	}
}

// silentServer accepts connections and never answers, like a hung server.
// Each accepted connection is announced on the returned channel.
func silentServer(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	accepted := make(chan struct{}, 16)
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return ln.Addr().String(), accepted
}

func TestSendBoundedByTimeoutAndContext(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		cancel  bool
		wantCtx error
	}{
		{"timeout while waiting for the greeting", 200 * time.Millisecond, false, nil},
		{"context cancelled while waiting", time.Hour, true, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, accepted := silentServer(t)
			host, port, _ := net.SplitHostPort(addr)
			p, _ := strconv.Atoi(port)
			s := New(Config{Host: host, Port: p, Security: SecurityNone, From: "a@sollecito.test", Timeout: tc.timeout}, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				go func() {
					// Cancel once the sender is connected and waiting.
					<-accepted
					cancel()
				}()
			}
			errs := s.Send(ctx, []*Message{msgTo("b@sollecito.test", "1"), msgTo("c@sollecito.test", "2")})
			for i, err := range errs {
				var e *Error
				if !errors.As(err, &e) || e.Permanent() || e.Kind != KindConnect {
					t.Errorf("message %d: error = %v, want a temporary connection error", i, err)
				}
				if tc.wantCtx != nil && !errors.Is(err, tc.wantCtx) {
					t.Errorf("message %d: error = %v, want it to wrap %v", i, err, tc.wantCtx)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults to starttls", Config{Host: "smtp.comune.example.it"}, ""},
		{"plain to a remote host", Config{Host: "smtp.comune.example.it", Security: "none"}, "security"},
		{"plain to localhost", Config{Host: "localhost", Security: "none"}, ""},
		{"unknown security", Config{Host: "smtp.comune.example.it", Security: "ssl3"}, "security"},
		{"no host", Config{}, "host"},
		{"username without password", Config{Host: "h", Username: "u"}, "password"},
		{"port out of range", Config{Host: "h", Port: 70000}, "port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want an error naming %q", err, tc.wantErr)
			}
			if errs := New(tc.cfg, nil).Send(context.Background(), []*Message{msgTo("a@b.it", "x")}); errs[0] == nil {
				t.Error("Send went ahead with invalid settings")
			}
		})
	}
}
