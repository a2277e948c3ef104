package piao

import (
	"fmt"
	"regexp"
	"strings"
)

// cardHeader is what a card's heading says.
type cardHeader struct {
	directorate string // code from a DIREZIONE ORGANIZZATIVA heading, if any
	// directorateName is the name written in that heading.
	directorateName string
	service         string
	category        string
	responsabile    string // name as written
	firstLine       int
	unplaced        []string // heading text that fits nowhere
}

var (
	headLabelRe = regexp.MustCompile(`\b[A-Z]?(?:ERVIZIO|ATEGORIA|BIETTIVO|ESPONSABILE|OORDINAMENTO|VO)\b\s*:?`)
	honorRe     = regexp.MustCompile(`(?i)\b(?:avv|dott|dott\.ssa|arch|ing)\.\s*`)
	coverRe     = regexp.MustCompile(`DOTT\.SSA|\bAVV\.|SEGRETARIO GENERALE|^DIRIGENTE`)
	financeRe   = regexp.MustCompile(`€|IMPORTI|CAPITOLI|^[\d.,\s]+$|^TARGET$|^FORMULA$|^DESCRIZIONE$|^[<>]=?\s*\d+`)
	categoryRe  = regexp.MustCompile(`(?i)\b(strategico|gestionale)\b((?:\s*[-–]?\s*(?:interdirezionale|intersettoriale|trasversale|di coordinamento))*)(\s*[-–])?`)
	coordDirRe  = regexp.MustCompile(`(?i)direzione organizzativa (VII|VI|IV|V|III|II|I)\b.*$`)
	capWordRe   = regexp.MustCompile(`^[A-ZÀ-Ù][A-Za-zà-ù']+$`)
)

// parseHeader reads a card heading.
func parseHeader(lines []srcLine, dir directory, v vocabulary) cardHeader {
	var h cardHeader
	var segs []string
	skipName := false
	for _, l := range lines {
		t := l.text
		if strings.HasPrefix(t, "\x00") {
			h.unplaced = append(h.unplaced, fmt.Sprintf("riga %d: %q", l.n, t[1:]))
			continue
		}
		if isNoise(t) {
			continue
		}
		if skipName && !isNoise(t) {
			skipName = false
			if isUpperText(t) && !headLabelRe.MatchString(t) {
				continue // the directorate's name, on the line after its heading
			}
		}
		if m := dirHeadRe.FindStringSubmatch(t); m != nil {
			h.directorate = m[1]
			h.directorateName = strings.TrimSpace(m[2])
			skipName = h.directorateName == ""
			continue
		}
		if strings.HasPrefix(t, "DIREZIONE") {
			continue // a garbled directorate heading
		}
		if coverRe.MatchString(t) && !strings.HasPrefix(t, "Avv.") {
			segs = nil // what came before was a cover page
			h.firstLine = 0
			h.unplaced = nil
			continue
		}
		if phaseNumRe.MatchString(t) || financeRe.MatchString(t) || garbled(t, v) && len(strings.Fields(t)) > 1 {
			h.unplaced = append(h.unplaced, fmt.Sprintf("riga %d: %q", l.n, t))
			continue
		}
		t = strings.TrimSpace(headLabelRe.ReplaceAllString(t, " "))
		t = strings.TrimSpace(honorRe.ReplaceAllString(t, ""))
		if isNoise(t) {
			continue
		}
		if h.firstLine == 0 {
			h.firstLine = l.n
		}
		segs = append(segs, cleanText(t))
	}
	// category
	coordSep := false
	for i, s := range segs {
		if strings.EqualFold(strings.TrimSpace(s), "di coordinamento") {
			coordSep = true
			segs[i] = ""
		}
	}
	for i, s := range segs {
		m := categoryRe.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		cat := strings.TrimSpace(s[m[0]:m[1]])
		if coordSep {
			cat = strings.TrimSpace(strings.TrimRight(cat, "-– ")) + " - di coordinamento"
		}
		h.category = strings.TrimSpace(strings.TrimRight(cat, "-– "))
		segs[i] = strings.TrimSpace(s[:m[0]] + " " + s[m[1]:])
		break
	}
	// responsabile
	for i, s := range segs {
		if name, rest, ok := findPerson(s, dir); ok {
			h.responsabile = name
			segs[i] = rest
			break
		}
	}
	// what is left is the service, unless it names a coordinating directorate.
	var svc []string
	for _, s := range segs {
		s = strings.TrimSpace(coordDirRe.ReplaceAllString(s, ""))
		s = strings.Trim(s, "-–| ")
		if s == "" {
			continue
		}
		svc = append(svc, s)
	}
	h.service = strings.Join(svc, " ")
	return h
}

// findPerson looks for a person's name in s: a dirigente of the overview
// pages, or two or three capitalised words one of which is a given name.
func findPerson(s string, dir directory) (name, rest string, ok bool) {
	words := strings.Fields(s)
	for n := 3; n >= 2; n-- {
		for i := 0; i+n <= len(words); i++ {
			w := words[i : i+n]
			cand := strings.Join(w, " ")
			if _, ok := dir.dirigenti[personKey(cand)]; ok {
				return cand, strings.Join(append(append([]string{}, words[:i]...), words[i+n:]...), " "), true
			}
		}
	}
	for pass := 0; pass < 2; pass++ {
		for i := 0; i+2 <= len(words); i++ {
			a, b := words[i], words[i+1]
			if !capWordRe.MatchString(a) || !capWordRe.MatchString(b) {
				continue
			}
			if pass == 0 && givenNames[titleCase(a)] && !givenNames[titleCase(b)] || pass == 1 && givenNames[titleCase(b)] {
				return a + " " + b, strings.Join(append(append([]string{}, words[:i]...), words[i+2:]...), " "), true
			}
		}
	}
	return "", s, false
}

// minVocabulary is the number of distinct words below which word
// frequencies say nothing about debris.
const minVocabulary = 1500

// garbled reports OCR debris: most of its words occur nowhere else in the
// document.
func garbled(s string, v vocabulary) bool {
	if strings.ContainsAny(s, "$\\") {
		return true
	}
	if len(v) < minVocabulary {
		return false // too little text to tell rare words from debris
	}
	words := wordRe.FindAllString(strings.ToLower(s), -1)
	rare, n := 0, 0
	for _, w := range words {
		if len([]rune(w)) < 3 {
			continue
		}
		n++
		if v[w] <= 1 {
			rare++
		}
	}
	return n > 0 && rare*2 > n
}
