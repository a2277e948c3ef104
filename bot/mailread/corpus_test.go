package mailread

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// corpusDir holds replies as the common clients write them, each NAME.eml
// beside NAME.expected.json.
const corpusDir = "../../testdata/mail"

// expectation is the reading a corpus mail must give. The first five fields
// are always compared; the pointers only when the file sets them.
type expectation struct {
	Automatic bool    `json:"automatic"`
	Reason    string  `json:"reason"`
	From      string  `json:"from"`
	Text      string  `json:"text"`
	Bounce    *Bounce `json:"bounce"`

	Subject   *string `json:"subject,omitempty"`
	MessageID *string `json:"message_id,omitempty"`
	HTMLOnly  *bool   `json:"html_only,omitempty"`
	Forwarded *bool   `json:"forwarded,omitempty"`
	Certified *bool   `json:"certified,omitempty"`
}

// corpusFiles returns the paths of the corpus mails.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil {
		t.Fatalf("list corpus: %v", err)
	}
	return files
}

func loadExpectation(t *testing.T, emlPath string) expectation {
	t.Helper()
	data, err := os.ReadFile(strings.TrimSuffix(emlPath, ".eml") + ".expected.json")
	if err != nil {
		t.Fatalf("read expectation: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var exp expectation
	if err := dec.Decode(&exp); err != nil {
		t.Fatalf("decode expectation: %v", err)
	}
	return exp
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 20 {
		t.Fatalf("corpus has %d mails, want at least 20", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			exp := loadExpectation(t, path)
			// Mail arrives over IMAP with CRLF, but files saved by hand
			// often have LF: both must read the same.
			variants := map[string][]byte{"crlf": raw, "lf": bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))}
			for variant, data := range variants {
				m, err := Parse(data)
				if err != nil {
					t.Fatalf("%s: Parse: %v", variant, err)
				}
				checkReading(t, variant, m, exp)
			}
		})
	}
}

func checkReading(t *testing.T, variant string, m *Mail, exp expectation) {
	t.Helper()
	if m.Automatic != exp.Automatic || m.AutomaticReason != exp.Reason {
		t.Errorf("%s: automatic = %v %q, want %v %q", variant, m.Automatic, m.AutomaticReason, exp.Automatic, exp.Reason)
	}
	if m.From != exp.From {
		t.Errorf("%s: from = %q, want %q", variant, m.From, exp.From)
	}
	if m.Text != exp.Text {
		t.Errorf("%s: text =\n%q\nwant\n%q", variant, m.Text, exp.Text)
	}
	if !reflect.DeepEqual(m.Bounce, exp.Bounce) {
		t.Errorf("%s: bounce = %+v, want %+v", variant, m.Bounce, exp.Bounce)
	}
	if exp.Subject != nil && m.Subject != *exp.Subject {
		t.Errorf("%s: subject = %q, want %q", variant, m.Subject, *exp.Subject)
	}
	if exp.MessageID != nil && m.MessageID != *exp.MessageID {
		t.Errorf("%s: message id = %q, want %q", variant, m.MessageID, *exp.MessageID)
	}
	if exp.HTMLOnly != nil && m.HTMLOnly != *exp.HTMLOnly {
		t.Errorf("%s: html only = %v, want %v", variant, m.HTMLOnly, *exp.HTMLOnly)
	}
	if exp.Forwarded != nil && m.Forwarded != *exp.Forwarded {
		t.Errorf("%s: forwarded = %v, want %v", variant, m.Forwarded, *exp.Forwarded)
	}
	if exp.Certified != nil && m.Certified != *exp.Certified {
		t.Errorf("%s: certified = %v, want %v", variant, m.Certified, *exp.Certified)
	}
	if exp.Automatic {
		return
	}
	for _, line := range strings.Split(m.Text, "\n") {
		if strings.Contains(line, "30/06/2026") || strings.Contains(line, "Rispondi sopra") {
			t.Errorf("%s: text keeps a line of the quoted reminder: %q", variant, line)
		}
	}
}

// BenchmarkParse reads every corpus mail once per iteration.
func BenchmarkParse(b *testing.B) {
	var raws [][]byte
	for _, path := range corpusFiles(b) {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, raw := range raws {
			if _, err := Parse(raw); err != nil {
				b.Fatal(err)
			}
		}
	}
}
