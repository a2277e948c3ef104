package email

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func reminder() *Message {
	return &Message{
		From:      "Sollecito <sollecito@comune.example.it>",
		To:        "Niccolò D'Amato <m.damato@comune.example.it>",
		ReplyTo:   "sollecito+k7QxZ2@comune.example.it",
		Subject:   "Promemoria: indicatore 2.1.3 «Tempi medi di pagamento» in scadenza il 30/06/2026 [S-k7QxZ2]",
		Text:      "Buongiorno,\nl'indicatore 2.1.3 è in scadenza il 30/06/2026.\nRisponda con il valore sulla prima riga, per esempio: 92,5%\n\n-- \nSollecito, Comune di Esempio\n",
		HTML:      "<p>Buongiorno,</p>\n<p>l'indicatore <b>2.1.3</b> è in scadenza il 30/06/2026.</p>\n",
		MessageID: "<sollecito.k7QxZ2.1@comune.example.it>",
		InReplyTo: "sollecito.k7QxZ2.0@comune.example.it",
		References: []string{
			"<sollecito.k7QxZ2.0@comune.example.it>",
			"<CAF=abc@mail.example.com>",
		},
		Headers: map[string]string{
			"Auto-Submitted":           "auto-generated",
			"X-Auto-Response-Suppress": "OOF, AutoReply",
		},
		Date: time.Date(2026, 6, 23, 9, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
	}
}

func TestFormatGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		edit   func(m *Message)
	}{
		{"text and HTML", "reminder.eml", func(m *Message) {}},
		{"text only", "text_only.eml", func(m *Message) { m.HTML = "" }},
		{"HTML only", "html_only.eml", func(m *Message) { m.Text = ""; m.References = nil; m.InReplyTo = "" }},
		{"CR LF in header values", "injection.eml", func(m *Message) {
			m.HTML = ""
			m.Subject = "Promemoria\r\nBcc: intruso@example.com"
			m.Headers = map[string]string{"X-Tag": "a\nb"}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := reminder()
			tc.edit(m)
			got, err := Format(m)
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Format differs from %s:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
			}
			for i, line := range strings.Split(strings.TrimSuffix(string(got), "\r\n"), "\r\n") {
				if strings.ContainsAny(line, "\r\n") {
					t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
				}
				if len(line) > 78 {
					t.Errorf("line %d longer than 78: %q", i+1, line)
				}
			}
		})
	}
}

// TestFormatRoundTrip reads the rendered mail back with a MIME parser, as a
// mail client would, and checks that nothing was lost or mangled.
func TestFormatRoundTrip(t *testing.T) {
	m := reminder()
	raw, err := Format(m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	subject, err := r.Header.Subject()
	if err != nil || subject != m.Subject {
		t.Errorf("subject = %q, %v; want %q", subject, err, m.Subject)
	}
	to, err := r.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Niccolò D'Amato" || to[0].Address != "m.damato@comune.example.it" {
		t.Errorf("To = %v, %v", to, err)
	}
	if id, _ := r.Header.MessageID(); id != "sollecito.k7QxZ2.1@comune.example.it" {
		t.Errorf("Message-ID = %q", id)
	}
	if refs, _ := r.Header.MsgIDList("References"); len(refs) != 2 || refs[1] != "CAF=abc@mail.example.com" {
		t.Errorf("References = %v", refs)
	}
	if got := r.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	parts := map[string]string{}
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
		parts[ct] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	if parts["text/plain"] != m.Text {
		t.Errorf("text part = %q, want %q", parts["text/plain"], m.Text)
	}
	if parts["text/html"] != m.HTML {
		t.Errorf("HTML part = %q, want %q", parts["text/html"], m.HTML)
	}
}

func TestFormatRejects(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(m *Message)
		permanent bool
	}{
		{"no date", func(m *Message) { m.Date = time.Time{} }, false},
		{"no body", func(m *Message) { m.Text, m.HTML = "", "" }, false},
		{"bad To", func(m *Message) { m.To = "non è un indirizzo" }, true},
		{"empty To", func(m *Message) { m.To = "" }, true},
		{"two From", func(m *Message) { m.From = "a@example.it, b@example.it" }, false},
		{"header overriding Bcc", func(m *Message) { m.Headers = map[string]string{"bcc": "x@example.com"} }, false},
		{"header name with colon", func(m *Message) { m.Headers = map[string]string{"X-A:B": "x"} }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := reminder()
			tc.edit(m)
			raw, err := Format(m)
			if err == nil {
				t.Fatalf("Format accepted it:\n%s", raw)
			}
			if tc.permanent {
				e, ok := err.(*Error)
				if !ok || !e.Permanent() {
					t.Errorf("error %v is not a permanent *Error", err)
				}
			}
		})
	}
}
