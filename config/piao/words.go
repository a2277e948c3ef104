package piao

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vocabulary counts the words of the whole document. It is the evidence
// for mending a word that a table column cut in two: "trasp" + "arente" is
// mended only because "trasparente" occurs elsewhere in the document.
type vocabulary map[string]int

var wordRe = regexp.MustCompile(`[\p{L}]+`)

func buildVocabulary(text string) vocabulary {
	v := vocabulary{}
	for _, w := range wordRe.FindAllString(strings.ToLower(text), -1) {
		v[w]++
	}
	return v
}

// joinResult tells how two cells were joined.
type joinResult int

const (
	joinSpace   joinResult = iota // two whole words
	joinMended                    // a cut word mended
	joinUnclear                   // a cut is likely but could not be mended
)

// join glues the cell b after the cell a, mending a word cut between them
// when the document holds the mended word. The extraction sometimes repeats
// the letter at the cut ("sca" + "adenze" is "scadenze").
func (v vocabulary) join(a, b string) (string, joinResult) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return a + b, joinSpace
	}
	la := lastWord(a)
	fb := firstWord(b)
	if la == "" || fb == "" {
		return a + " " + b, joinSpace
	}
	l, f := strings.ToLower(la), strings.ToLower(fb)
	// "alla" + "a formazione": the letter at the cut repeated on its own.
	if len(f) == 1 && strings.HasSuffix(l, f) && v[l] > 1 && len(b) > 1 {
		return a + b[1:], joinMended
	}
	// "ammissione" + "ne alle graduatorie": the end of the word repeated.
	if n := len(f); n >= 2 && n <= 3 && len(l) > n+2 && strings.HasSuffix(l, f) && len(b) > n && b[n] == ' ' {
		return a + b[n:], joinMended
	}
	// a rare right half that completes a known word is a cut, even when
	// the left half is a word of its own ("materia" + "ali").
	if len(f) > 1 && strings.HasSuffix(l, f[:1]) && v[l+f[1:]] > 1 && v[f] <= 3 {
		return a + b[1:], joinMended
	}
	if v[l+f] > 1 && v[f] <= 3 {
		return a + b, joinMended
	}
	if v[l] > 1 && v[f] > 1 && len(l) >= 3 && len(f) >= 2 {
		return a + " " + b, joinSpace
	}
	// overlap: the last letter of a repeated at the start of b.
	if len(f) > 1 && strings.HasSuffix(l, f[:1]) && v[l+f[1:]] > 0 {
		return a + b[1:], joinMended
	}
	if v[l+f] > 0 {
		return a + b, joinMended
	}
	return a + " " + b, joinUnclear
}

// lastWord returns the letters that end s ("" when s ends otherwise).
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

// firstWord returns the letters that start s.
func firstWord(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += size
	}
	return s[:i]
}

// unweave rebuilds a two-line cell that the extraction spread over two
// columns: the left column holds the start of both lines, the right column
// their ends ("Tempo medio per l'ass ricevimento della deter" and "sunzione
// di impegni di spesa dal minazione"). It succeeds only when exactly one
// split mends a cut word on both lines.
func (v vocabulary) unweave(left, right string) (string, bool) {
	lw, rw := strings.Fields(left), strings.Fields(right)
	rare := 0
	for _, w := range append(append([]string{}, lw...), rw...) {
		if x := strings.ToLower(firstWord(w)); x != "" && v[x] <= 1 {
			rare++
		}
	}
	if rare > 4 {
		return "", false // more than two lines woven together
	}
	found, n := "", 0
	for i := 1; i < len(lw); i++ {
		for j := 1; j < len(rw); j++ {
			a, ha := v.join(strings.Join(lw[:i], " "), strings.Join(rw[:j], " "))
			b, hb := v.join(strings.Join(lw[i:], " "), strings.Join(rw[j:], " "))
			if ha == joinMended && hb == joinMended {
				found, n = a+" "+b, n+1
			}
		}
	}
	return found, n == 1
}
