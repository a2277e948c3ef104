package mailread

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse reads arbitrary mail: it must never panic, and what it calls the
// person's text must never hold a quoted line. The corpus mails are the seed
// corpus, so a plain "go test" runs every one of them through this check.
func FuzzParse(f *testing.F) {
	for _, path := range corpusFiles(f) {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("From: a@x.it\r\nContent-Type: text/plain; format=flowed\r\n\r\n> \r\n>> x \r\n y\r\n"))
	f.Add([]byte("From: a@x.it\r\nContent-Type: text/html\r\n\r\n<p>&gt; 30</p><blockquote><blockquote></blockquote>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if m != nil {
				t.Fatalf("Parse returned a mail and an error %v", err)
			}
			return
		}
		for _, line := range strings.Split(m.Text, "\n") {
			if strings.HasPrefix(line, ">") {
				t.Fatalf("Text has a quoted line %q", line)
			}
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatalf("Text or Subject is not valid UTF-8")
		}
		if m.Automatic != (m.AutomaticReason != "") {
			t.Fatalf("Automatic %v with reason %q", m.Automatic, m.AutomaticReason)
		}
		if DedupKey(m, raw) == "" {
			t.Fatal("empty dedup key")
		}
	})
}

// FuzzHTMLToText feeds arbitrary HTML to the converter and the stripper.
func FuzzHTMLToText(f *testing.F) {
	f.Add(`<div>12</div><div class="gmail_quote"><div><blockquote>30</blockquote></div></div>`)
	f.Add(`<p>x<!-- y <hr> --></p><pre>a\n> b</pre><script>1<2</script>`)
	f.Add(`<a href='x>y'>z</a><</>< a><p class=MsoNormal>`)
	f.Fuzz(func(t *testing.T, src string) {
		text := StripQuoted(HTMLToText(src))
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, ">") {
				t.Fatalf("quoted line %q", line)
			}
		}
	})
}
