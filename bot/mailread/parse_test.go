package mailread

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, name+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseHeaders(t *testing.T) {
	m, err := Parse(readCorpus(t, "multi_codes"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Mail{
		From:       "m.damato@comune.example.it",
		FromName:   "Niccolò D'Amato",
		To:         []string{"sollecito+k7QxZ2@comune.example.it"},
		Subject:    "Re: Promemoria: 4 indicatori in scadenza il 30/06/2026 [S-k7QxZ2]",
		MessageID:  "CAF3xR9m+Qp2Lz7Vb0Nw4Kc8Ty1Hs6Jd5Ge3Uf2Ao9Ii7Pl4Xn@mail.gmail.com",
		InReplyTo:  "sollecito.k7QxZ2.1@comune.example.it",
		References: []string{"sollecito.k7QxZ2.1@comune.example.it"},
	}
	got := map[string][2]any{
		"From":       {m.From, want.From},
		"FromName":   {m.FromName, want.FromName},
		"To":         {m.To, want.To},
		"Subject":    {m.Subject, want.Subject},
		"MessageID":  {m.MessageID, want.MessageID},
		"InReplyTo":  {m.InReplyTo, want.InReplyTo},
		"References": {m.References, want.References},
	}
	for field, pair := range got {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s = %#v, want %#v", field, pair[0], pair[1])
		}
	}
	wantDate := time.Date(2026, 6, 23, 8, 2, 55, 0, time.UTC)
	if !m.Date.Equal(wantDate) {
		t.Errorf("Date = %v, want %v", m.Date, wantDate)
	}
}

func TestParseAddressesForTokens(t *testing.T) {
	tests := []struct {
		name        string
		raw         string
		to, cc, dlv []string
	}{
		{
			name: "to, cc and delivery headers",
			raw: "From: a@x.it\r\nTo: \"Sollecito\" <Sollecito+AbC@Comune.Example.IT>, b@x.it\r\nCc: c@x.it\r\n" +
				"Delivered-To: sollecito+abc@comune.example.it\r\nX-Original-To: sollecito+abc@comune.example.it\r\n" +
				"Delivered-To: sollecito@comune.example.it\r\n\r\nok\r\n",
			to:  []string{"Sollecito+AbC@comune.example.it", "b@x.it"},
			cc:  []string{"c@x.it"},
			dlv: []string{"sollecito+abc@comune.example.it", "sollecito@comune.example.it"},
		},
		{
			name: "malformed list still yields its addresses",
			raw:  "From: a@x.it\r\nTo: Rossi, Mario <m.rossi@x.it>; sollecito+t1@x.it\r\n\r\nok\r\n",
			to:   []string{"m.rossi@x.it", "sollecito+t1@x.it"},
		},
		{
			name: "undisclosed recipients",
			raw:  "From: a@x.it\r\nTo: undisclosed-recipients:;\r\n\r\nok\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.To, tc.to) || !reflect.DeepEqual(m.Cc, tc.cc) || !reflect.DeepEqual(m.DeliveredTo, tc.dlv) {
				t.Errorf("To %q Cc %q DeliveredTo %q, want %q %q %q", m.To, m.Cc, m.DeliveredTo, tc.to, tc.cc, tc.dlv)
			}
		})
	}
}

func TestPECFieldsDescribeTheInnerMessage(t *testing.T) {
	m, err := Parse(readCorpus(t, "pec"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Re: Promemoria: indicatore 2.1.3 [S-k7QxZ2]" {
		t.Errorf("Subject = %q, want the inner subject without POSTA CERTIFICATA", m.Subject)
	}
	if m.InReplyTo != "sollecito.k7QxZ2.1@comune.example.it" {
		t.Errorf("InReplyTo = %q", m.InReplyTo)
	}
	if !reflect.DeepEqual(m.DeliveredTo, []string{"sollecito+k7QxZ2@comune.example.it"}) {
		t.Errorf("DeliveredTo = %q, want the envelope's Delivered-To", m.DeliveredTo)
	}
}

func TestDedupKey(t *testing.T) {
	withID := readCorpus(t, "gmail_web_it")
	withoutID := readCorpus(t, "no_message_id")
	sum := sha256.Sum256(withoutID)
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"message id", withID, "CAHk7v2pL9fX3m_QeR8sT0uYwZ1aB2cD3eF4gH5iJ6kL7mN8oP9@mail.gmail.com"},
		{"hash without message id", withoutID, "sha256:" + hex.EncodeToString(sum[:])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := DedupKey(m, tc.raw); got != tc.want {
				t.Errorf("DedupKey() = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("one changed byte changes the hash", func(t *testing.T) {
		other := []byte(strings.Replace(string(withoutID), "2.1.3: 31", "2.1.3: 32", 1))
		if DedupKey(nil, other) == DedupKey(nil, withoutID) {
			t.Error("different mails share a dedup key")
		}
	})
}

func TestAutomatic(t *testing.T) {
	tests := []struct {
		name   string
		header string
		body   string
		reason string // "" for a person's mail
	}{
		{name: "plain reply", header: "From: m.rossi@x.it\r\nSubject: Re: Promemoria\r\n"},
		{name: "auto-submitted no", header: "From: m.rossi@x.it\r\nAuto-Submitted: no\r\n"},
		{name: "suppress header alone", header: "From: m.rossi@x.it\r\nX-Auto-Response-Suppress: All\r\n"},
		{name: "auto-generated", header: "From: m.rossi@x.it\r\nAuto-Submitted: auto-generated\r\n", reason: "auto-submitted"},
		{name: "auto-notified with parameter", header: "From: m.rossi@x.it\r\nAuto-Submitted: Auto-Notified; owner-email=x@y\r\n", reason: "auto-submitted"},
		{name: "exchange oof headers", header: "From: m.rossi@x.it\r\nAuto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\nSubject: Re: Promemoria\r\n", reason: "out-of-office"},
		{name: "x-autoreply", header: "From: m.rossi@x.it\r\nX-Autoreply: yes\r\n", reason: "out-of-office"},
		{name: "x-autorespond", header: "From: m.rossi@x.it\r\nX-Autorespond: ciao\r\n", reason: "out-of-office"},
		{name: "subject fuori ufficio", header: "From: m.rossi@x.it\r\nSubject: Fuori ufficio fino al 3/7\r\n", reason: "out-of-office"},
		{name: "subject out of office", header: "From: m.rossi@x.it\r\nSubject: Out of Office: Reminder\r\n", reason: "out-of-office"},
		{name: "subject risposta automatica encoded", header: "From: m.rossi@x.it\r\nSubject: =?utf-8?q?Risposta_automatica=3A_Promemoria?=\r\n", reason: "out-of-office"},
		{name: "precedence bulk", header: "From: m.rossi@x.it\r\nPrecedence: bulk\r\n", reason: "precedence"},
		{name: "precedence junk", header: "From: m.rossi@x.it\r\nPrecedence: junk\r\n", reason: "precedence"},
		{name: "precedence list", header: "From: m.rossi@x.it\r\nPrecedence: list\r\n", reason: "precedence"},
		{name: "precedence auto_reply", header: "From: m.rossi@x.it\r\nPrecedence: auto_reply\r\n", reason: "precedence"},
		{name: "precedence first-class is a person", header: "From: m.rossi@x.it\r\nPrecedence: first-class\r\n"},
		{name: "mailer-daemon", header: "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.x.it>\r\n", reason: "mailer-daemon"},
		{name: "postmaster", header: "From: postmaster@x.it\r\n", reason: "mailer-daemon"},
		{name: "null return path", header: "Return-Path: <>\r\nFrom: m.rossi@x.it\r\n", reason: "null-sender"},
		{name: "noreply sender", header: "From: no-reply@servizi.x.it\r\n", reason: "noreply"},
		{name: "pec receipt", header: "From: posta-certificata@pec.x.it\r\nX-Ricevuta: avvenuta-consegna\r\nX-Trasporto: posta-certificata\r\n", reason: "pec-receipt"},
		{
			name:   "read receipt",
			header: "From: m.rossi@x.it\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n",
			body:   "--b\r\nContent-Type: text/plain\r\n\r\nLetto.\r\n--b--\r\n",
			reason: "read-receipt",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if body == "" {
				body = "testo\r\n"
			}
			m, err := Parse([]byte(tc.header + "\r\n" + body))
			if err != nil {
				t.Fatal(err)
			}
			if m.Automatic != (tc.reason != "") || m.AutomaticReason != tc.reason {
				t.Errorf("automatic = %v %q, want reason %q", m.Automatic, m.AutomaticReason, tc.reason)
			}
		})
	}
}

func TestFailedRecipientsHeaderMakesABounce(t *testing.T) {
	raw := "From: Mail Delivery System <Mailer-Daemon@mx.x.it>\r\nX-Failed-Recipients: g.verdi@x.it\r\nSubject: Mail delivery failed\r\n\r\nThis message was created automatically.\r\n"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := &Bounce{Recipient: "g.verdi@x.it", Action: "failed", Permanent: true}
	if !m.Automatic || !reflect.DeepEqual(m.Bounce, want) {
		t.Errorf("automatic %v bounce %+v, want a permanent bounce for g.verdi@x.it", m.Automatic, m.Bounce)
	}
}

func TestParseBodies(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{
			name: "undeclared 8-bit latin-1 read as windows-1252",
			raw:  "From: a@x.it\r\nContent-Type: text/plain\r\n\r\nperch\xe8 costa 5 \x80\r\n",
			want: "perchè costa 5 €",
		},
		{
			name: "unknown charset still read",
			raw:  "From: a@x.it\r\nContent-Type: text/plain; charset=x-sconosciuto\r\n\r\n12\r\n",
			want: "12",
		},
		{
			name: "unknown transfer encoding still read",
			raw:  "From: a@x.it\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n12\r\n",
			want: "12",
		},
		{
			name: "text attachment is not the reply",
			raw: "From: a@x.it\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=dati.txt\r\n\r\n99\r\n" +
				"--b\r\nContent-Type: text/plain\r\n\r\n12\r\n--b--\r\n",
			want: "12",
		},
		{
			name: "forward as attachment keeps the forwarder's words",
			raw: "From: a@x.it\r\nSubject: Inoltro\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nvedi allegato: 12\r\n" +
				"--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: s@x.it\r\n\r\nTarget 30\r\n--b--\r\n",
			want: "vedi allegato: 12",
		},
		{
			name: "missing closing boundary keeps what was read",
			raw:  "From: a@x.it\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n12\r\n",
			want: "12",
		},
		{
			name: "blank text alternative gives way to the html one",
			raw: "From: a@x.it\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\r\n\r\n" +
				"--b\r\nContent-Type: text/html\r\n\r\n<div>12</div><blockquote>30</blockquote>\r\n--b--\r\n",
			want: "12",
		},
		{
			name: "missing content type is plain text",
			raw:  "From: a@x.it\r\n\r\n12\r\n",
			want: "12",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tc.want {
				t.Errorf("Text = %q, want %q", m.Text, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{"empty", ""},
		{"only blank lines", "\r\n\r\n"},
		{"no header", "buongiorno, il valore è 12\r\n"},
		{"multipart without any part", "From: a@x.it\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\nnessuna parte\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.raw))
			if err == nil {
				t.Fatalf("Parse() = %+v, want an error", m)
			}
			if !errors.Is(err, ErrUnreadable) {
				t.Errorf("error %v does not match ErrUnreadable", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if !strings.HasPrefix(pe.Error(), "il messaggio e-mail non è leggibile") {
				t.Errorf("Error() = %q, want Italian", pe.Error())
			}
			if !strings.HasPrefix(pe.Localize("en"), "the e-mail message cannot be read") {
				t.Errorf("Localize(en) = %q, want English", pe.Localize("en"))
			}
		})
	}
}

func TestDeeplyNestedMailIsBounded(t *testing.T) {
	raw := "From: a@x.it\r\nContent-Type: text/plain\r\n\r\n12\r\n"
	for i := 0; i < 50; i++ {
		raw = "From: posta-certificata@pec.x.it\r\nX-Trasporto: posta-certificata\r\nContent-Type: multipart/mixed; boundary=b" +
			strings.Repeat("x", i) + "\r\n\r\n--b" + strings.Repeat("x", i) +
			"\r\nContent-Type: message/rfc822; name=postacert.eml\r\n\r\n" + raw + "\r\n--b" + strings.Repeat("x", i) + "--\r\n"
	}
	if _, err := Parse([]byte(raw)); err != nil && !errors.Is(err, ErrUnreadable) {
		t.Fatalf("Parse() error %v", err)
	}
}
