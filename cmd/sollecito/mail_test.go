package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"sollecito/bot/imapin/mailtest"
	"sollecito/store"
)

const mailKey = "f00dfeedcafebabe0123456789abcdef9876543210fedcba"

// mailDaemon is a daemon running with SMTP and IMAP set to the test
// servers, on a clock that starts at a fixed moment and runs at real speed
// (so that retries come due).
type mailDaemon struct {
	t      *testing.T
	dir    string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
	vars   map[string]string
	config string
}

func startMailDaemon(t *testing.T, bot *mailtest.Box, people, indicators, extra string, start time.Time, secrets ...string) *mailDaemon {
	t.Helper()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	writeFile(t, plan, `organisation: Comune di Prova
year: 2024
directorates:
  - {code: "I", name: Bilancio, dirigente: capo}
services:
  - {name: Contabilità, directorate: "I"}
people:
`+people+`
objectives:
  - id: I-01
    title: Bilancio
    directorate: "I"
    service: Contabilità
    responsabile: capo
    indicators:
`+indicators)
	smtpHost, smtpPort, _ := net.SplitHostPort(bot.SMTPAddr)
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, `organisation: prova
tracking_start: "01/01/2024"
log: {level: debug}
admins: [capo]
digests: {coordinators: "", dirigenti: ""}
smtp:
  host: `+smtpHost+`
  port: `+smtpPort+`
  security: none
  username: `+bot.SMTPUser+`
  from: "Sollecito <`+bot.Address+`>"
  reply_to: "sollecito+{token}@`+bot.Domain+`"
  timeout: 10s
imap:
  addr: `+bot.IMAPAddr+`
  security: none
  username: `+bot.User+`
  poll_interval: 2s
`+extra)
	d := &mailDaemon{t: t, dir: dir, logs: &syncBuffer{}, done: make(chan int, 1), config: cfg,
		vars: map[string]string{"SOLLECITO_SMTP_PASSWORD": bot.SMTPPass, "SOLLECITO_IMAP_PASSWORD": bot.Pass, "SOLLECITO_TOKENS_KEY": mailKey}}
	for i := 0; i+1 < len(secrets); i += 2 {
		d.vars[secrets[i]] = secrets[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	real0 := time.Now()
	ready := make(chan struct{})
	go func() {
		d.done <- run(ctx, []string{"--data-dir", dir, "--config", cfg, "--plan", plan, "run"}, env{
			stdout: d.logs, stderr: d.logs, lookup: d.lookup,
			now:   func() time.Time { return start.Add(time.Since(real0)) },
			ready: func(*daemon) { close(ready) },
		})
	}()
	select {
	case <-ready:
	case code := <-d.done:
		t.Fatalf("daemon exited %d:\n%s", code, d.logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("daemon did not start:\n%s", d.logs.String())
	}
	t.Cleanup(d.stop)
	return d
}

func (d *mailDaemon) lookup(k string) (string, bool) { v, ok := d.vars[k]; return v, ok }

// stop ends the daemon and checks it stopped cleanly.
func (d *mailDaemon) stop() {
	if d.cancel == nil {
		return
	}
	d.cancel()
	d.cancel = nil
	select {
	case code := <-d.done:
		if code != 0 {
			d.t.Errorf("daemon exit status %d:\n%s", code, d.logs.String())
		}
	case <-time.After(20 * time.Second):
		d.t.Errorf("daemon did not stop:\n%s", d.logs.String())
	}
}

// store opens the daemon's database (after stop).
func (d *mailDaemon) store() *store.Store {
	d.t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(d.dir, "sollecito.db"), store.Options{})
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { _ = st.Close() })
	return st
}

// checkSecrets fails when a password or the token key reached the logs.
func (d *mailDaemon) checkSecrets() {
	d.t.Helper()
	logs := d.logs.String()
	for name, secret := range d.vars {
		if strings.Contains(logs, secret) {
			d.t.Errorf("%s reached the logs", name)
		}
	}
}

type readMail struct {
	header mail.Header
	text   string
}

func parseMail(t *testing.T, raw []byte) readMail {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	out := readMail{header: r.Header}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, _ := io.ReadAll(p.Body)
				out.text = strings.ReplaceAll(string(b), "\r\n", "\n")
			}
		}
	}
	return out
}

// TestDaemonMailRoundTrip: a reminder goes out over SMTP, a reply appended
// to the mailbox is read over IMAP, the value is stored, the receipt
// arrives in the same thread, and the reply sits in the processed folder.
func TestDaemonMailRoundTrip(t *testing.T) {
	bot, anna := mailtest.NewBox(t), mailtest.NewBox(t)
	d := startMailDaemon(t, bot,
		"  - {id: anna, name: Anna Rossi, email: "+anna.Address+"}\n  - {id: capo, name: Carla Capo, roles: [admin]}\n",
		"      - {id: I-01.1, description: Tempi di pagamento, target: \"<= 30 giorni\", kind: days, assignees: [anna]}\n", "",
		time.Date(2024, 7, 17, 9, 30, 0, 0, rome()))

	rem := parseMail(t, anna.WaitFor("INBOX", 1, 20*time.Second)[0])
	replyTo, _ := rem.header.AddressList("Reply-To")
	remID, _ := rem.header.MessageID()
	subject, _ := rem.header.Subject()
	if len(replyTo) != 1 || !strings.HasPrefix(replyTo[0].Address, "sollecito+") || !strings.HasPrefix(remID, "sollecito.") ||
		!strings.Contains(subject, "[S-") || rem.header.Get("Auto-Submitted") != "auto-generated" ||
		rem.header.Get("X-Auto-Response-Suppress") != "OOF, AutoReply" || !strings.HasPrefix(rem.text, "--- Rispondi sopra questa riga") ||
		!strings.Contains(rem.text, "I-01.1") {
		t.Fatalf("reminder: Reply-To %v, Message-ID %q, subject %q, headers %v\n%s", replyTo, remID, subject, rem.header.Header, rem.text)
	}

	reply := fmt.Sprintf("From: Anna Rossi <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nDate: Wed, 17 Jul 2024 10:00:00 +0200\r\n"+
		"Message-ID: <risposta-1@client.example>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n27 giorni\r\n\r\nAnna\r\n\r\nIl 17/07/2024 Sollecito ha scritto:\r\n> %s\r\n",
		anna.Address, replyTo[0].Address, subject, remID, remID, strings.ReplaceAll(strings.TrimSpace(rem.text), "\n", "\r\n> "))
	bot.Append("INBOX", []byte(reply))

	msgs := anna.WaitFor("INBOX", 2, 30*time.Second)
	rc := parseMail(t, msgs[1])
	inReply, _ := rc.header.MsgIDList("In-Reply-To")
	if len(inReply) != 1 || inReply[0] != "risposta-1@client.example" || !strings.Contains(rc.text, "27 giorni") ||
		!strings.Contains(rc.text, "raggiunto") || !strings.Contains(rc.text, "Per inviare o correggere") {
		t.Fatalf("receipt In-Reply-To %v:\n%s", inReply, rc.text)
	}
	if n := len(bot.WaitFor("Sollecito/Elaborati", 1, 10*time.Second)); n != 1 {
		t.Errorf("%d mails in the processed folder", n)
	}
	if n := len(bot.Messages("INBOX")); n != 0 {
		t.Errorf("%d mails left in INBOX", n)
	}
	d.stop()
	vals, err := d.store().LatestValues(context.Background(), store.ValueFilter{Org: "prova"})
	if err != nil || len(vals) != 1 || *vals[0].Number != 27 || vals[0].ByPerson != "anna" || vals[0].Channel != "email" {
		t.Fatalf("stored %+v, %v", vals, err)
	}
	d.checkSecrets()
}

// TestDaemonMailRefused: the SMTP server refuses one recipient for good
// (550) and defers another (450): the first is given up at once and its
// address marked failing, the second retried until max_attempts; each time
// the administrator is told by e-mail.
func TestDaemonMailRefused(t *testing.T) {
	bot, admin := mailtest.NewBox(t), mailtest.NewBox(t)
	d := startMailDaemon(t, bot,
		"  - {id: rif, name: Rita Rifiutata, email: "+bot.RejectRcpt+"}\n  - {id: rin, name: Rino Rinviato, email: "+bot.DeferRcpt+"}\n"+
			"  - {id: capo, name: Carla Capo, email: "+admin.Address+", roles: [admin]}\n",
		"      - {id: I-01.1, description: Tempi di pagamento, target: \"<= 30 giorni\", kind: days, assignees: [rif]}\n"+
			"      - {id: I-01.2, description: Certificazioni, target: \">= 90%\", kind: percent, assignees: [rin]}\n",
		"dispatch: {max_attempts: 3, backoff_min: 1s, backoff_max: 1s}\n",
		time.Date(2024, 7, 17, 9, 30, 0, 0, rome()))
	notes := admin.WaitFor("INBOX", 2, 40*time.Second)
	var texts []string
	for _, raw := range notes {
		texts = append(texts, parseMail(t, raw).text)
	}
	all := strings.Join(texts, "\n====\n")
	for _, want := range []string{"Rita Rifiutata", "dopo 1 tentativi", "segnato come non funzionante", "Rino Rinviato", "dopo 3 tentativi"} {
		if !strings.Contains(all, want) {
			t.Errorf("administrator notes lack %q:\n%s", want, all)
		}
	}
	d.stop()
	st := d.store()
	ctx := context.Background()
	rif, _ := st.GetPerson(ctx, "prova", "rif")
	rin, _ := st.GetPerson(ctx, "prova", "rin")
	if !rif.EmailFailing || rin.EmailFailing {
		t.Errorf("failing: rif %v (want true), rin %v (want false: 4xx is temporary)", rif.EmailFailing, rin.EmailFailing)
	}
	rows, _ := st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: "batch"})
	for _, r := range rows {
		want := map[string]int{"rif": 1, "rin": 3}[r.PersonID]
		if r.Status != store.OutboxFailed || r.Attempts != want {
			t.Errorf("%s: status %s after %d attempts, want failed after %d", r.PersonID, r.Status, r.Attempts, want)
		}
	}
	d.checkSecrets()
}

// TestDaemonMailSecretsNeverLogged runs the daemon with SMTP and IMAP
// passwords the servers refuse: the failures are logged, the passwords and
// the token key are not.
func TestDaemonMailSecretsNeverLogged(t *testing.T) {
	bot, anna := mailtest.NewBox(t), mailtest.NewBox(t)
	d := startMailDaemon(t, bot,
		"  - {id: anna, name: Anna Rossi, email: "+anna.Address+"}\n  - {id: capo, name: Carla Capo, roles: [admin]}\n",
		"      - {id: I-01.1, description: Tempi di pagamento, target: \"<= 30 giorni\", kind: days, assignees: [anna]}\n", "",
		time.Date(2024, 7, 17, 9, 30, 0, 0, rome()),
		"SOLLECITO_SMTP_PASSWORD", "smtp-Wrong-9f8e7d", "SOLLECITO_IMAP_PASSWORD", "imap-Wrong-1a2b3c")
	deadline := time.Now().Add(20 * time.Second)
	for !(strings.Contains(d.logs.String(), "imap connection failed") && strings.Contains(d.logs.String(), "send failed, will retry")) {
		if time.Now().After(deadline) {
			t.Fatalf("the failures were not logged:\n%s", d.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.stop()
	d.checkSecrets()
	if !strings.Contains(d.logs.String(), "SMTP") {
		t.Errorf("the SMTP login failure is not said:\n%s", d.logs.String())
	}
}

var romeOnce sync.Once
var romeLoc *time.Location

func rome() *time.Location {
	romeOnce.Do(func() { romeLoc, _ = time.LoadLocation("Europe/Rome") })
	return romeLoc
}

// TestDaemonMailQuarantine: a mail that cannot be read fails
// imap.max_failures times, goes to the quarantine folder, and the
// administrator is told by e-mail.
func TestDaemonMailQuarantine(t *testing.T) {
	bot, admin := mailtest.NewBox(t), mailtest.NewBox(t)
	d := startMailDaemon(t, bot,
		"  - {id: capo, name: Carla Capo, email: "+admin.Address+", roles: [admin]}\n",
		"      - {id: I-01.1, description: Tempi di pagamento, target: \"<= 30 giorni\", kind: days, assignees: [capo]}\n",
		"", time.Date(2024, 7, 17, 9, 30, 0, 0, rome()))
	first := len(admin.WaitFor("INBOX", 1, 20*time.Second)) // capo's own reminder
	bot.Append("INBOX", []byte("questa riga non è un header\r\n\r\ncorpo\r\n"))
	if n := len(bot.WaitFor("Sollecito/Quarantena", 1, 30*time.Second)); n != 1 {
		t.Fatalf("%d mails in quarantine", n)
	}
	notes := admin.WaitFor("INBOX", first+1, 20*time.Second)
	note := parseMail(t, notes[len(notes)-1])
	subject, _ := note.header.Subject()
	if !strings.Contains(subject, "quarantena") || !strings.Contains(note.text, "Sollecito/Quarantena") || !strings.Contains(note.text, "mail inspect") {
		t.Fatalf("administrator note %q:\n%s", subject, note.text)
	}
	d.stop()
	d.checkSecrets()
}

// TestPeopleInviteByMail: "people invite PERSON --mail" prints the link
// and sends it to the person's address.
func TestPeopleInviteByMail(t *testing.T) {
	anna := mailtest.NewBox(t)
	dir := t.TempDir()
	smtpHost, smtpPort, _ := net.SplitHostPort(anna.SMTPAddr)
	plan := filepath.Join(dir, "plan.yaml")
	writeFile(t, plan, `organisation: Comune di Prova
year: 2024
directorates: [{code: "I", name: Bilancio}]
services: [{name: Contabilità, directorate: "I"}]
people:
  - {id: anna, name: Anna Rossi, email: `+anna.Address+`, language: en}
  - {id: bruno, name: Bruno Verdi}
objectives:
  - {id: I-01, title: Bilancio, directorate: "I", service: Contabilità, staff: [anna, bruno]}
`)
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "organisation: prova\nsmtp: {host: "+smtpHost+", port: "+smtpPort+", security: none, from: \"Sollecito <sollecito@"+anna.Domain+">\"}\n")
	base := []string{"--data-dir", dir, "--config", cfg, "--plan", plan, "people", "invite"}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"by mail", []string{"anna", "--bot", "SollecitoBot", "--mail"}, 0, "Inviato per e-mail a " + anna.Address},
		{"no address", []string{"bruno", "--bot", "SollecitoBot", "--mail"}, 1, "bruno non ha un indirizzo e-mail"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runAt(t, time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC), append(append([]string{}, base...), tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("exit %d, want %d and %q:\n%s%s", r.code, tc.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
	m := parseMail(t, anna.WaitFor("INBOX", 1, 20*time.Second)[0])
	subject, _ := m.header.Subject()
	if subject != "Sollecito: link to Telegram" || !strings.Contains(m.text, "https://t.me/SollecitoBot?start=") || !strings.Contains(m.text, "Hello Anna Rossi") {
		t.Fatalf("invitation %q:\n%s", subject, m.text)
	}
}
