package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLength is Telegram's limit for one message's text.
const MaxMessageLength = 4096

// htmlEscaper escapes exactly what Telegram's HTML mode requires.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeHTML escapes <, > and & (and nothing else) so that s shows as typed
// in a message sent with parse_mode HTML.
func EscapeHTML(s string) string { return htmlEscaper.Replace(s) }

// atomKind tells how SplitHTML may treat a piece of the source.
type atomKind int

const (
	textAtom    atomKind = iota // one character, or one whole entity
	spaceAtom                   // a space: a word boundary
	newlineAtom                 // a line boundary
	openAtom                    // a start tag
	closeAtom                   // an end tag
)

// atom is an indivisible piece of HTML source: a character, an entity or a
// tag. units is its length in UTF-16 code units, as Telegram counts.
type atom struct {
	s     string
	kind  atomKind
	name  string
	units int
}

// SplitHTML splits an HTML message into parts of at most max UTF-16 code
// units (max <= 0 means MaxMessageLength), preferring line boundaries, then
// spaces, then any character. It never cuts inside a tag or an entity, and
// tags open at a cut are closed at the end of one part and reopened at the
// start of the next, so every part is valid HTML on its own. The length is
// measured on the source, markup included, which is never less than what
// Telegram counts after parsing. Line breaks and spaces at a cut are
// dropped; parts without visible text are left out. Only when max cannot
// hold the reopened tags and one character does a part exceed it. A text that fits is
// returned unchanged as the only part; an empty text gives no parts.
func SplitHTML(text string, max int) []string {
	if max <= 0 {
		max = MaxMessageLength
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if utf16Len(text) <= max {
		return []string{text}
	}
	atoms := tokenize(text)
	var parts []string
	var open []atom // tags open at the start of the current part
	for i := 0; i < len(atoms); {
		for i < len(atoms) && len(parts) > 0 && isBlank(atoms[i]) {
			i++ // a part does not start with blank lines or spaces
		}
		if i == len(atoms) {
			break
		}
		cut, stack := fit(atoms, i, open, max)
		body := atoms[i:cut]
		for len(body) > 0 && cut < len(atoms) && isBlank(body[len(body)-1]) {
			body = body[:len(body)-1] // nor does it end with them
		}
		if part, visible := render(open, body, stack); visible {
			parts = append(parts, part)
		}
		i, open = cut, stack
	}
	return parts
}

func isBlank(a atom) bool { return a.kind == newlineAtom || a.kind == spaceAtom }

// fit finds where the part starting at atoms[i], with the tags in open
// reopened in front, must end to stay within max, and returns that end and
// the tags still open there.
func fit(atoms []atom, i int, open []atom, max int) (int, []atom) {
	cur := append([]atom(nil), open...)
	cost := 0
	for _, a := range open {
		cost += a.units
	}
	lastNL, lastSP := -1, -1
	var stackNL, stackSP []atom
	j := i
	for ; j < len(atoms); j++ {
		a := atoms[j]
		switch {
		case a.kind == newlineAtom && j > i:
			lastNL, stackNL = j, append([]atom(nil), cur...)
		case a.kind == spaceAtom && j > i:
			lastSP, stackSP = j, append([]atom(nil), cur...)
		}
		next := apply(cur, a)
		if cost+a.units+closeUnits(next) > max {
			break
		}
		cost += a.units
		cur = next
	}
	switch {
	case j == len(atoms):
		return j, cur
	case lastNL > i:
		return lastNL, stackNL
	case lastSP > i:
		return lastSP, stackSP
	case j > i:
		return j, cur
	default: // max is too small for even one atom: take it anyway to progress
		return i + 1, apply(cur, atoms[i])
	}
}

// apply returns the stack of open tags after atom a. It may reuse stack's
// backing array only when appending, so callers copy before branching.
func apply(stack []atom, a atom) []atom {
	switch a.kind {
	case openAtom:
		return append(stack[:len(stack):len(stack)], a)
	case closeAtom:
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].name == a.name {
				return append(stack[:k:k], stack[k+1:]...)
			}
		}
	}
	return stack
}

// closeUnits is the length of the end tags that close every tag in stack.
func closeUnits(stack []atom) int {
	n := 0
	for _, a := range stack {
		n += len(a.name) + 3 // "</" + name + ">"
	}
	return n
}

// render writes one part: reopened tags, the atoms, then end tags for the
// tags still open. visible is false when the part shows no text.
func render(open, body, stillOpen []atom) (string, bool) {
	var b strings.Builder
	visible := false
	for _, a := range open {
		b.WriteString(a.s)
	}
	for _, a := range body {
		b.WriteString(a.s)
		if a.kind == textAtom && strings.TrimSpace(a.s) != "" {
			visible = true
		}
	}
	for k := len(stillOpen) - 1; k >= 0; k-- {
		b.WriteString("</" + stillOpen[k].name + ">")
	}
	return b.String(), visible
}

// tokenize cuts HTML source into atoms. A '<' that does not start a tag and
// a '&' that does not start an entity are single characters.
func tokenize(s string) []atom {
	out := make([]atom, 0, len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '<':
			if end, name, closing := tagAt(s, i); end > 0 {
				kind := openAtom
				if closing {
					kind = closeAtom
				}
				out = append(out, atom{s: s[i:end], kind: kind, name: name, units: utf16Len(s[i:end])})
				i = end
				continue
			}
			out = append(out, atom{s: "<", kind: textAtom, units: 1})
			i++
		case c == '&':
			n := entityLen(s[i:])
			out = append(out, atom{s: s[i : i+n], kind: textAtom, units: n})
			i += n
		case c == '\n':
			out = append(out, atom{s: "\n", kind: newlineAtom, units: 1})
			i++
		case c == ' ':
			out = append(out, atom{s: " ", kind: spaceAtom, units: 1})
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			out = append(out, atom{s: s[i : i+size], kind: textAtom, units: utf16.RuneLen(r)})
			i += size
		}
	}
	return out
}

// tagAt recognises a tag at s[i] ("<b>", "</b>", `<a href="x">`) and
// returns the index after it, its lower-case name and whether it closes.
func tagAt(s string, i int) (end int, name string, closing bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	start := j
	for j < len(s) && (isLetter(s[j]) || s[j] == '-' || (j > start && s[j] >= '0' && s[j] <= '9')) {
		j++
	}
	if j == start {
		return -1, "", false
	}
	name = strings.ToLower(s[start:j])
	var quote byte
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1, name, closing
		case c == '<' || c == '\n':
			return -1, "", false
		}
	}
	return -1, "", false
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// entityLen returns the length of the entity at the start of s ("&amp;",
// "&#39;", "&#x27;"), or 1 for a lone '&'.
func entityLen(s string) int {
	for j := 1; j < len(s) && j <= 10; j++ {
		c := s[j]
		switch {
		case c == ';':
			if j > 1 {
				return j + 1
			}
			return 1
		case isLetter(c) || (c >= '0' && c <= '9') || (c == '#' && j == 1):
		default:
			return 1
		}
	}
	return 1
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
