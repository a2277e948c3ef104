package telegram

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEscapeHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Ufficio tecnico", "Ufficio tecnico"},
		{"three specials", `a < b && c > d`, "a &lt; b &amp;&amp; c &gt; d"},
		{"an entity-looking text is shown as typed", "&amp;", "&amp;amp;"},
		{"quotes and markdown untouched", `"x" 'y' *z* _w_ \`, `"x" 'y' *z* _w_ \`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EscapeHTML(tc.in); got != tc.want {
				t.Fatalf("EscapeHTML(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitHTML(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"fits unchanged", "<b>ciao</b>\n", 20, []string{"<b>ciao</b>\n"}},
		{"empty gives nothing", " \n", 20, nil},
		{"at line boundaries", "uno due\ntre quattro\ncinque", 12, []string{"uno due", "tre quattro", "cinque"}},
		{"prefers the last line break that fits", "a\nb\nc\ndddd", 6, []string{"a\nb\nc", "dddd"}},
		{"long line at spaces", "alfa beta gamma delta", 11, []string{"alfa beta", "gamma delta"}},
		{"one long word anywhere", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"never inside an entity", "&amp;&amp;&amp;", 11, []string{"&amp;&amp;", "&amp;"}},
		{"tags closed and reopened", "<b>uno due tre</b>", 14, []string{"<b>uno due</b>", "<b>tre</b>"}},
		{"attributes kept when reopening", `<a href="https://x.it/a">uno due</a>`, 32, []string{`<a href="https://x.it/a">uno</a>`, `<a href="https://x.it/a">due</a>`}},
		{"nested tags closed in order", "<b><i>uno due</i></b>", 17, []string{"<b><i>uno</i></b>", "<b><i>due</i></b>"}},
		{"emoji count two units", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"blank lines at a cut dropped", "uno\n\n\n\ndue", 5, []string{"uno", "due"}},
		{"parts without text dropped", "<b>uno</b> <i> </i>due", 10, []string{"<b>uno</b>", "<i></i>due"}},
		{"default max is 4096", strings.Repeat("x", 4097), 0, []string{strings.Repeat("x", 4096), "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitHTML(tc.text, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("SplitHTML(%q, %d) =\n%q\nwant\n%q", tc.text, tc.max, got, tc.want)
			}
		})
	}
}

var (
	tagRE    = regexp.MustCompile(`</?[a-z-]+[^>]*>`)
	entityRE = regexp.MustCompile(`&(amp|lt|gt|quot|#[0-9]+|#x[0-9a-f]+);`)
)

// balanced reports whether the tags of s nest correctly and every '&'
// starts a whole entity.
func balanced(s string) bool {
	var stack []string
	for _, tag := range tagRE.FindAllString(s, -1) {
		name := strings.Trim(strings.Fields(tag)[0], "</>")
		if strings.HasPrefix(tag, "</") {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return false
			}
			stack = stack[:len(stack)-1]
		} else {
			stack = append(stack, name)
		}
	}
	return len(stack) == 0 && !strings.Contains(entityRE.ReplaceAllString(s, ""), "&")
}

// visible strips tags and whitespace: what must survive splitting.
func visible(s string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(s, "")), "")
}

// TestSplitHTMLProperties splits random digests built from realistic pieces
// and checks the promises of SplitHTML on every part.
func TestSplitHTMLProperties(t *testing.T) {
	pieces := []string{
		"Indicatore", "<b>", "</b>", "<i>", "</i>", `<a href="https://pa.example/x?a=1&amp;b=2">`, "</a>",
		"&lt;", "&gt;", "&amp;", "&#39;", "scadenza", "31/12/2026", "😀", "è", " ", " ", "\n", "\n\n",
		"<code>", "</code>", "valore", "42,5%", strings.Repeat("x", 37),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 150 {
		var b strings.Builder
		var open []string
		for range rng.IntN(400) {
			p := pieces[rng.IntN(len(pieces))]
			switch {
			case strings.HasPrefix(p, "</"):
				if len(open) == 0 || "</"+open[len(open)-1]+">" != p {
					continue
				}
				open = open[:len(open)-1]
			case strings.HasPrefix(p, "<"):
				name := strings.Trim(strings.Fields(p)[0], "<>")
				if len(open) > 2 || slices.Contains(open, name) {
					continue
				}
				open = append(open, name)
			}
			b.WriteString(p)
		}
		for k := len(open) - 1; k >= 0; k-- {
			b.WriteString("</" + open[k] + ">")
		}
		text := b.String()
		max := 100 + rng.IntN(200)
		parts := SplitHTML(text, max)
		for i, p := range parts {
			if n := utf16Len(p); n > max {
				t.Fatalf("round %d: part %d has %d units > %d: %q", round, i, n, max, p)
			}
			if !balanced(p) {
				t.Fatalf("round %d: part %d is not valid HTML: %q", round, i, p)
			}
			if visible(p) == "" {
				t.Fatalf("round %d: part %d shows nothing: %q", round, i, p)
			}
		}
		if got, want := visible(strings.Join(parts, "")), visible(text); got != want {
			t.Fatalf("round %d: text lost or changed in splitting\n got %q\nwant %q", round, got, want)
		}
	}
}
