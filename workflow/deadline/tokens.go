package deadline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a phrase: its normalised text and where its core
// (without surrounding punctuation) lies in the original string.
type token struct {
	text       string
	start, end int
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '`', '\u00b4', '\u02bc':
		return true
	}
	return false
}

// trimmed is the punctuation stripped from both ends of a word.
const trimmed = ".,;:!?()[]{}\"«»“”…-–—*•·|"

// tokenize splits s into words: at spaces, and after an apostrophe so that
// "dall'approvazione" is "dall'" and "approvazione". Each word is lower
// case, without accents, with a plain apostrophe.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, sz := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += sz
			if isApostrophe(r) {
				break
			}
		}
		if t, ok := makeToken(s, i, j); ok {
			out = append(out, t)
		}
		i = j
	}
	return out
}

func makeToken(s string, start, end int) (token, bool) {
	for start < end {
		r, sz := utf8.DecodeRuneInString(s[start:end])
		if !strings.ContainsRune(trimmed, r) && !isApostrophe(r) {
			break
		}
		start += sz
	}
	for start < end {
		r, sz := utf8.DecodeLastRuneInString(s[start:end])
		if isApostrophe(r) && isElision(s[start:end-sz]) {
			break
		}
		if !strings.ContainsRune(trimmed, r) && !isApostrophe(r) {
			break
		}
		end -= sz
	}
	if start >= end {
		return token{}, false
	}
	return token{text: normalise(s[start:end]), start: start, end: end}, true
}

// isElision reports whether w is a word that elides before a vowel
// ("dall", "dell", "l", "un").
func isElision(w string) bool {
	if w == "" || len(w) > 6 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// normalise lower-cases w, removes accents and unifies apostrophes.
func normalise(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range strings.ToLower(w) {
		switch {
		case isApostrophe(r):
			b.WriteByte('\'')
		case strings.ContainsRune("àáâä", r):
			b.WriteByte('a')
		case strings.ContainsRune("èéêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("ìíîï", r):
			b.WriteByte('i')
		case strings.ContainsRune("òóôö", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùúûü", r):
			b.WriteByte('u')
		case r == 'º':
			b.WriteRune('°')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func texts(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}
