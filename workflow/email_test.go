package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"sollecito/notify/email"
	"sollecito/store"
	"sollecito/workflow"
)

const mailConfig = testConfig + `
admins: [coord]
smtp:
  host: 127.0.0.1
  from: "Sollecito <sollecito@prova.example>"
  reply_to: "sollecito+{token}@prova.example"
tokens:
  ttl: 30d
`

// mailEnv is an engine with e-mail configured and the real e-mail channel
// building messages (not sending them).
type mailEnv struct {
	*env
	ch *email.Channel
}

func newMailEnv(t *testing.T, start time.Time) *mailEnv {
	t.Helper()
	e := newEnvWith(t, start, testPlan, mailConfig, func(o *workflow.Options) { o.Channels = workflow.ChannelSet{Email: true, Console: "never"} })
	ch, err := email.NewChannel(email.New(email.Config{Host: "127.0.0.1"}, nil),
		email.ChannelConfig{From: "Sollecito <sollecito@prova.example>", ReplyTo: "sollecito+{token}@prova.example"},
		func(ctx context.Context, id int64) (string, error) {
			tok, _, err := e.eng.ReplyToken(ctx, id)
			return tok, err
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &mailEnv{env: e, ch: ch}
}

// reminder sweeps at the env's clock and returns the e-mail reminder built
// for person.
func (e *mailEnv) reminder(person string) *email.Message {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.eng.Sweep(ctx); err != nil {
		e.t.Fatal(err)
	}
	rows, err := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxBatch})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rows {
		if r.PersonID != person || r.Channel != workflow.ChanEmail {
			continue
		}
		m, err := e.eng.Compose(ctx, r)
		if err != nil || m == nil {
			e.t.Fatalf("compose: %v", err)
		}
		m.OutboxID, m.Key, m.Channel = r.ID, r.Key, r.Channel
		msg, err := e.ch.Message(ctx, m)
		if err != nil {
			e.t.Fatal(err)
		}
		return msg
	}
	e.t.Fatalf("no e-mail reminder for %s among %d rows", person, len(rows))
	return nil
}

// answers returns the receipts and replies queued, as their payloads.
func (e *mailEnv) answers() []answer {
	e.t.Helper()
	rows, err := e.st.Outbox(context.Background(), store.OutboxFilter{Org: "prova"})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []answer
	for _, r := range rows {
		if r.Kind == workflow.OutboxBatch {
			continue
		}
		var p workflow.NotePayload
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, answer{row: r, p: p})
	}
	return out
}

type answer struct {
	row store.OutboxRow
	p   workflow.NotePayload
}

// mailFrom writes a reply as a mail client would: the value on top, the
// reminder quoted below (with its numbers).
func mailFrom(from, to, subject, msgID, inReplyTo, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Wed, 17 Jul 2024 11:00:00 +0200\r\n", from, to, subject)
	if msgID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", msgID)
	}
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	b.WriteString("\r\n\r\nIl giorno mer 17 lug 2024 alle 09:00 Sollecito ha scritto:\r\n> " + email.ReplyMarker + "\r\n> target <= 30 giorni, scadenza 31/07/2024\r\n")
	return []byte(b.String())
}

func TestHandleMailAcceptsAReplyAndAnswersInTheThread(t *testing.T) {
	ctx := context.Background()
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	rem := e.reminder("anna")
	raw := mailFrom("Anna Rossi <ANNA@example.org>", rem.ReplyTo, "Re: "+rem.Subject, "r1@mail.example.org", rem.MessageID,
		"I-01.1: 28,5 - due fatture contestate\nI-01.2: 85%\n\nGrazie\nAnna")
	r, err := e.eng.HandleMail(ctx, raw, workflow.MailSource{UIDValidity: 1, UID: 9}, workflow.MailOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != store.MailAccepted || !r.Token.Valid || r.Token.Person != "anna" || len(r.Values) != 2 || len(r.Errors) != 0 {
		t.Fatalf("reading %+v", r)
	}
	vals, _ := e.st.LatestValues(ctx, store.ValueFilter{Org: "prova"})
	if len(vals) != 2 || *vals[0].Number != 28.5 || vals[0].Note != "due fatture contestate" || vals[0].Channel != "email" || vals[0].ByPerson != "anna" {
		t.Fatalf("stored %+v", vals)
	}
	ans := e.answers()
	if len(ans) != 1 || ans[0].row.Kind != workflow.OutboxReceipt || ans[0].row.Channel != workflow.ChanEmail || ans[0].row.PersonID != "anna" {
		t.Fatalf("answers %+v", ans)
	}
	p := ans[0].p
	for _, want := range []string{"I-01.1", "28,5 giorni", "Nota: due fatture contestate", "Target: non oltre 30 giorni – raggiunto", "I-01.2", "85%", "almeno 90% – non raggiunto", "CODICE: valore"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, p.Text)
		}
	}
	if p.InReplyTo != "r1@mail.example.org" || len(p.References) == 0 || p.References[len(p.References)-1] != "r1@mail.example.org" {
		t.Errorf("receipt not threaded: %q %v", p.InReplyTo, p.References)
	}
	// The same mail again (a crash before the move): nothing more.
	if _, err := e.eng.HandleMail(ctx, raw, workflow.MailSource{UIDValidity: 1, UID: 9}, workflow.MailOptions{}); err != nil {
		t.Fatal(err)
	}
	all, _ := e.st.AllValues(ctx, store.ValueFilter{Org: "prova"})
	if len(all) != 2 || len(e.answers()) != 1 {
		t.Fatalf("handled twice: %d values, %d answers", len(all), len(e.answers()))
	}
}

func TestHandleMailRefusals(t *testing.T) {
	tests := []struct {
		name    string
		mail    func(rem *email.Message) []byte
		advance time.Duration
		outcome string
		to      string // who is answered; "" for nobody
		want    string // in the answer and the errors
	}{
		{"bare value for a reminder of several indicators", func(rem *email.Message) []byte {
			return mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "m1@x", rem.MessageID, "28,5")
		}, 0, store.MailRejected, "anna", "scrivi una riga per ciascuno"},
		{"token only in the subject, unknown code", func(rem *email.Message) []byte {
			return mailFrom("anna@example.org", "sollecito@prova.example", "R: "+rem.Subject, "m2@x", "", "Z-99: 4")
		}, 0, store.MailRejected, "anna", "Z-99: codice sconosciuto"},
		{"indicator of someone else", func(rem *email.Message) []byte {
			return mailFrom("bruno@example.org", rem.ReplyTo, "Re: x", "m3@x", "", "I-01.2: 95%")
		}, 0, store.MailRejected, "bruno", "indirizzo diverso"},
		{"no token", func(rem *email.Message) []byte {
			return mailFrom("anna@example.org", "sollecito@prova.example", "valori", "m4@x", "", "I-01.1: 20")
		}, 0, store.MailRejected, "anna", "«Rispondi»"},
		{"expired token", func(rem *email.Message) []byte {
			return mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "m5@x", rem.MessageID, "I-01.1: 20")
		}, 40 * 24 * time.Hour, store.MailRejected, "anna", "era valido fino al"},
		{"stranger", func(rem *email.Message) []byte {
			return mailFrom("someone@elsewhere.example", rem.ReplyTo, "Re: x", "m6@x", rem.MessageID, "I-01.1: 20")
		}, 0, store.MailIgnored, "", "indirizzo diverso"},
		{"value impossible for the kind", func(rem *email.Message) []byte {
			return mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "m7@x", rem.MessageID, "I-01.2: 140%")
		}, 0, store.MailRejected, "anna", "I-01.2:"},
		{"out of office in Italian", func(rem *email.Message) []byte {
			return []byte("From: anna@example.org\r\nTo: " + rem.ReplyTo + "\r\nSubject: Risposta automatica: " + rem.Subject +
				"\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <oof@x>\r\n\r\nSono fuori sede fino al 31/07, 28 giorni.\r\n")
		}, 0, store.MailAutomatic, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newMailEnv(t, at(2024, 7, 17, 9, 30))
			rem := e.reminder("anna")
			e.clock.Set(e.clock.Now().Add(tc.advance))
			r, err := e.eng.HandleMail(ctx, tc.mail(rem), workflow.MailSource{}, workflow.MailOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != tc.outcome || !strings.Contains(strings.Join(r.Errors, "\n"), tc.want) {
				t.Fatalf("reading %+v, want outcome %s and an error with %q", r, tc.outcome, tc.want)
			}
			if vals, _ := e.st.AllValues(ctx, store.ValueFilter{Org: "prova"}); len(vals) != 0 {
				t.Errorf("a refused mail stored %+v", vals)
			}
			ans := e.answers()
			if tc.to == "" {
				if len(ans) != 0 {
					t.Errorf("answered %+v", ans)
				}
				return
			}
			if len(ans) != 1 || ans[0].row.PersonID != tc.to || ans[0].row.Kind != workflow.OutboxReply || !strings.Contains(ans[0].p.Text, tc.want) {
				t.Fatalf("answers %+v, want one reply to %s saying %q", ans, tc.to, tc.want)
			}
		})
	}
}

func TestRejectionRepliesAreRateLimitedPerSender(t *testing.T) {
	ctx := context.Background()
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	for i := range 5 {
		raw := mailFrom("anna@example.org", "sollecito@prova.example", "valori", fmt.Sprintf("loop%d@x", i), "", "I-01.1: 20")
		if _, err := e.eng.HandleMail(ctx, raw, workflow.MailSource{}, workflow.MailOptions{ReplyLimit: 2, ReplyWindow: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.answers()); n != 2 {
		t.Fatalf("%d replies to five rejected mails in an hour, want 2", n)
	}
	e.clock.Set(e.clock.Now().Add(61 * time.Minute))
	raw := mailFrom("anna@example.org", "sollecito@prova.example", "valori", "later@x", "", "I-01.1: 20")
	if _, err := e.eng.HandleMail(ctx, raw, workflow.MailSource{}, workflow.MailOptions{ReplyLimit: 2, ReplyWindow: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.answers()); n != 3 {
		t.Fatalf("%d replies after the window, want 3", n)
	}
}

func TestBounceMarksAddressFailingAndTellsAdministrators(t *testing.T) {
	ctx := context.Background()
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	rem := e.reminder("bruno")
	raw := "From: MAILER-DAEMON@prova.example\r\nTo: sollecito@prova.example\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <bounce1@prova.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; prova.example\r\n\r\nFinal-Recipient: rfc822; bruno@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + rem.MessageID + ">\r\nSubject: x\r\n--b--\r\n"
	r, err := e.eng.HandleMail(ctx, []byte(raw), workflow.MailSource{}, workflow.MailOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Automatic || r.Reason != "bounce" {
		t.Fatalf("reading %+v", r)
	}
	p, _ := e.st.GetPerson(ctx, "prova", "bruno")
	if !p.EmailFailing {
		t.Error("bruno's address not marked failing")
	}
	ans := e.answers()
	if len(ans) != 1 || ans[0].row.PersonID != "coord" || ans[0].row.Kind != workflow.OutboxAdmin || !strings.Contains(ans[0].p.Text, "bruno@example.org") {
		t.Fatalf("administrator not told: %+v", ans)
	}
	// The next sweep no longer writes to bruno by e-mail.
	e.clock.Set(at(2024, 7, 26, 9, 30))
	if _, err := e.eng.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxBatch})
	for _, row := range rows {
		if row.PersonID == "bruno" && row.CreatedAt > store.Millis(at(2024, 7, 20, 0, 0)) && row.Channel == workflow.ChanEmail {
			t.Errorf("e-mail still queued for bruno after the bounce: %+v", row)
		}
	}
}

func TestReminderCarriesTheTokenThreeWays(t *testing.T) {
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	rem := e.reminder("anna")
	m := regexp.MustCompile(`^sollecito\+([a-z2-7]{15,29})@prova\.example$`).FindStringSubmatch(rem.ReplyTo)
	if m == nil {
		t.Fatalf("Reply-To %q", rem.ReplyTo)
	}
	tok := m[1]
	if rem.MessageID != "sollecito."+tok+"@prova.example" || !strings.HasSuffix(rem.Subject, "[S-"+tok+"]") {
		t.Errorf("Message-ID %q, subject %q: token %s missing", rem.MessageID, rem.Subject, tok)
	}
	if !strings.HasPrefix(rem.Text, email.ReplyMarker+"\n") || !strings.Contains(rem.Text, "CODICE: valore") {
		t.Errorf("text does not start with the marker or say how to answer:\n%s", rem.Text)
	}
	// A second build of the same row (a retry) is the same message.
	again := e.reminder("anna")
	if again.MessageID != rem.MessageID {
		t.Errorf("retry changed the Message-ID: %s then %s", rem.MessageID, again.MessageID)
	}
}

func TestHandleMailPartlyAcceptedAndPhases(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		outcome  string
		kind     string
		want     []string
		values   int
		phaseKey string
		doneOn   string
	}{
		{"an unknown code beside a good one", "I-01.1: 28\nI-01.9: 4", store.MailAccepted, workflow.OutboxReceipt,
			[]string{"I-01.1 – Tempi di pagamento", "28 giorni", "Non registrato:", "I-01.9: codice sconosciuto", "I tuoi indicatori: I-01.1, I-01.2"}, 1, "", ""},
		{"a phase done on a date", "I-01/2: fatto il 15/07/2024", store.MailAccepted, workflow.OutboxReceipt,
			[]string{"I-01/2 – Salvaguardia degli equilibri", "Conclusa il 15/07/2024"}, 0, "ph:I-01:2:2024", "2024-07-15"},
		{"a phase done today, with a value", "I-01/2: done\nI-01.2: 93%", store.MailAccepted, workflow.OutboxReceipt,
			[]string{"Conclusa il 17/07/2024", "93%"}, 1, "ph:I-01:2:2024", "2024-07-17"},
		{"a phase done in the future", "I-01/2: fatto il 20/08/2024", store.MailRejected, workflow.OutboxReply,
			[]string{"I-01/2: la data di conclusione non può essere nel futuro"}, 0, "", ""},
		{"a phase answered with a number", "I-01/2: 4", store.MailRejected, workflow.OutboxReply,
			[]string{"I-01/2: fatto"}, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newMailEnv(t, at(2024, 7, 17, 9, 30))
			rem := e.reminder("anna")
			r, err := e.eng.HandleMail(ctx, mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "p1@x", rem.MessageID, tc.body), workflow.MailSource{}, workflow.MailOptions{})
			if err != nil || r.Outcome != tc.outcome {
				t.Fatalf("reading %+v, %v; want outcome %s", r, err, tc.outcome)
			}
			ans := e.answers()
			if len(ans) != 1 || ans[0].row.Kind != tc.kind {
				t.Fatalf("answers %+v, want one %s", ans, tc.kind)
			}
			for _, w := range tc.want {
				if !strings.Contains(ans[0].p.Text, w) {
					t.Errorf("answer lacks %q:\n%s", w, ans[0].p.Text)
				}
			}
			if vals, _ := e.st.AllValues(ctx, store.ValueFilter{Org: "prova"}); len(vals) != tc.values {
				t.Errorf("%d values stored, want %d", len(vals), tc.values)
			}
			if tc.phaseKey != "" {
				it, err := e.st.GetItem(ctx, "prova", tc.phaseKey)
				if err != nil || it.State != store.StateDone || it.DoneOn != tc.doneOn {
					t.Errorf("phase item %+v, %v; want done on %s", it, err, tc.doneOn)
				}
			}
		})
	}
}

func TestHandleMailAnswersInThePersonsLanguage(t *testing.T) {
	ctx := context.Background()
	e := newEnvWith(t, at(2024, 7, 17, 9, 30), strings.Replace(testPlan, "email: anna@example.org}", "email: anna@example.org, language: en}", 1), mailConfig, func(o *workflow.Options) { o.Channels = workflow.ChannelSet{Email: true, Console: "never"} })
	me := &mailEnv{env: e}
	var err error
	me.ch, err = email.NewChannel(email.New(email.Config{Host: "127.0.0.1"}, nil),
		email.ChannelConfig{From: "Sollecito <sollecito@prova.example>", ReplyTo: "sollecito+{token}@prova.example"},
		func(ctx context.Context, id int64) (string, error) {
			tok, _, err := e.eng.ReplyToken(ctx, id)
			return tok, err
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rem := me.reminder("anna")
	if !strings.Contains(rem.Subject, "Reminder") || !strings.Contains(rem.Text, "CODE: value") {
		t.Errorf("reminder not in English: %q\n%s", rem.Subject, rem.Text)
	}
	raw := mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "en1@x", rem.MessageID, "I-01.2: 92.5%\nZ-1: 3")
	if _, err := e.eng.HandleMail(ctx, raw, workflow.MailSource{}, workflow.MailOptions{}); err != nil {
		t.Fatal(err)
	}
	ans := me.answers()
	if len(ans) != 1 {
		t.Fatalf("answers %+v", ans)
	}
	for _, want := range []string{"Hello Anna Rossi", "Recorded:", "Value: 92.5%", "Target: at least 90% – met", "Not recorded:", "Z-1: unknown code", "To send or correct a value"} {
		if !strings.Contains(ans[0].p.Text, want) {
			t.Errorf("answer lacks %q:\n%s", want, ans[0].p.Text)
		}
	}
}

// TestReplyToReceiptCorrectsTheValue: the receipt of one value can be
// answered with the right value alone, as it says.
func TestReplyToReceiptCorrectsTheValue(t *testing.T) {
	ctx := context.Background()
	e := newMailEnv(t, at(2024, 7, 17, 9, 30))
	rem := e.reminder("anna")
	if _, err := e.eng.HandleMail(ctx, mailFrom("anna@example.org", rem.ReplyTo, "Re: x", "v1@x", rem.MessageID, "I-01.2: 85%"),
		workflow.MailSource{}, workflow.MailOptions{}); err != nil {
		t.Fatal(err)
	}
	ans := e.answers()
	if len(ans) != 1 || !strings.Contains(ans[0].p.Text, "Per correggere il valore rispondi a questa e-mail con il valore giusto") {
		t.Fatalf("receipt %+v", ans)
	}
	m, err := e.eng.Compose(ctx, ans[0].row)
	if err != nil {
		t.Fatal(err)
	}
	m.OutboxID, m.Key = ans[0].row.ID, ans[0].row.Key
	rc, err := e.ch.Message(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.eng.HandleMail(ctx, mailFrom("anna@example.org", rc.ReplyTo, "Re: "+rc.Subject, "v2@x", rc.MessageID, "88%\n\nAnna"),
		workflow.MailSource{}, workflow.MailOptions{})
	if err != nil || r.Outcome != store.MailAccepted || r.Token.Item != "I-01.2@2024-S1" {
		t.Fatalf("reply to the receipt: %+v, %v", r, err)
	}
	hist, _ := e.st.History(ctx, "prova", "I-01.2", "2024-S1")
	if len(hist) != 2 || *hist[1].Number != 88 {
		t.Fatalf("history %+v, want 85 then 88", hist)
	}
	if ans := e.answers(); len(ans) != 2 || !strings.Contains(ans[1].p.Text, "Revisione 2") {
		t.Errorf("second receipt %+v", ans)
	}
}
