package piao

import (
	"regexp"
	"strings"
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

func lastWord(s string) string {
	ws := wordRe.FindAllString(s, -1)
	if len(ws) == 0 || !strings.HasSuffix(s, ws[len(ws)-1]) {
		return ""
	}
	return ws[len(ws)-1]
}

func firstWord(s string) string {
	ws := wordRe.FindAllString(s, -1)
	if len(ws) == 0 || !strings.HasPrefix(s, ws[0]) {
		return ""
	}
	return ws[0]
}
