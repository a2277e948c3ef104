package piao

import (
	"regexp"
	"strings"
)

// srcLine is one line of the source text.
type srcLine struct {
	n     int      // 1-based line number
	raw   string   // as read, without the newline
	cells []string // tab-separated cells, trimmed, empties kept
	text  string   // non-empty cells joined by one space, markup removed
	// labels caches findLabels(text); cached tells whether it is set.
	labels []labelMatch
	cached bool
	quant  bool // cached isQuantLine
}

// labelsOf returns the labels of l, from the cache when splitLines set it.
func (l srcLine) labelsOf() []labelMatch {
	if l.cached {
		return l.labels
	}
	return findLabels(l.text)
}

var (
	markupRe = regexp.MustCompile(`\*\*|</?u>|</?i>|\*|\|`)
	spacesRe = regexp.MustCompile(`\s+`)
)

// cleanText removes markdown markup and collapses spaces.
func cleanText(s string) string {
	s = markupRe.ReplaceAllString(s, "")
	s = strings.TrimPrefix(strings.TrimSpace(s), "> ")
	return strings.TrimSpace(spacesRe.ReplaceAllString(s, " "))
}

// splitLines turns the document into srcLines.
func splitLines(text string, v vocabulary) []srcLine {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	raw := strings.Split(text, "\n")
	out := make([]srcLine, len(raw))
	for i, r := range raw {
		cells := strings.Split(r, "\t")
		var parts []string
		for j, c := range cells {
			c = cleanText(c)
			cells[j] = c
			if c != "" {
				parts = append(parts, c)
			}
		}
		cells, parts = dropCutCopies(cells, parts)
		if len(parts) == 2 && parts[0] == parts[1] && phaseStartRe.MatchString(parts[0]) {
			parts = parts[:1] // an action written twice side by side
		}
		joined := ""
		for _, p := range parts {
			joined, _ = v.join(joined, p)
		}
		out[i] = srcLine{n: i + 1, raw: r, cells: cells, text: joined}
		out[i].quant = isQuantLine(out[i])
		out[i].labels = findLabels(joined)
		out[i].cached = true
	}
	return out
}

// label kinds found at the start of card rows.
type label int

const (
	lNone label = iota
	lTitle
	lMissione
	lProgramma
	lOutcome
	lStakeholder
	lPhases
	lStaff
	lFinance
	lIndicators
	lIndHeader
	lQuant
)

// labelPatterns recognise labels even when the extraction dropped their
// first letter ("ESCRIZIONE OBIETTIVO", "MPATTO/OUTCOME").
var labelPatterns = []struct {
	l  label
	re *regexp.Regexp
}{
	{lTitle, regexp.MustCompile(`D?ESCRIZIONE OBIETT?[A-Z]*`)},
	{lMissione, regexp.MustCompile(`M?ISSIONE D\.U\.P\.?|MICCIONE D\.(?:\s?[A-Z]{1,4}\.)*`)},
	{lProgramma, regexp.MustCompile(`P?ROGRAMMA [DR]\.[UP]\.P\.?`)},
	{lOutcome, regexp.MustCompile(`I?MPATTO/OUT[A-Z]{3,4}`)},
	{lStakeholder, regexp.MustCompile(`S?TAKEHOLDER`)},
	{lPhases, regexp.MustCompile(`A?ZIONI/FASI`)},
	{lFinance, regexp.MustCompile(`RISORSE FINANZIARIE|CAPITOLI\s+IMPORTI|CAPITOLO ENTRATA`)},
	{lStaff, regexp.MustCompile(`R?ISORSE UMANE`)},
	{lIndHeader, regexp.MustCompile(`DESCRIZIONE\s+FORMULA(?:\s+TARGET(?: ANNUALE)?)?|FORMULA\s+TARGET\s+DESCRIZIONE`)},
	{lIndicators, regexp.MustCompile(`I?NDICATORI\b`)},
	{lQuant, regexp.MustCompile(`[QGOCW0][UOLI0-9]{0,2}[AR0-9][NRT0-9][TH0-9][A-Z0-9]{0,4}\s?[A-Z0-9]{2,9}`)},
}

var numberedRe = regexp.MustCompile(`^\s*[-–]?\s*\d{1,2}\s*(?:\)|-)\s`)

var phaseStartRe = regexp.MustCompile(`^\s*[-–]?\s*\d{1,2}\)\s`)

var indicatorsFollowRe = regexp.MustCompile(`^\s*(?:$|DESCRIZIONE|FORMULA|TARGET|\*)`)

// labelHints are substrings one of which a line must hold for the label's
// pattern to be tried: a cheap filter, the patterns being slow on long lines.
var labelHints = map[label][]string{
	lTitle: {"ESCRIZIONE OBIETT"}, lMissione: {"ISSIONE D", "MICCIONE"}, lProgramma: {"ROGRAMMA "},
	lOutcome: {"MPATTO/OUT"}, lStakeholder: {"TAKEHOLDER"}, lPhases: {"ZIONI/FASI"},
	lFinance: {"RISORSE FINANZIARIE", "CAPITOL"}, lStaff: {"ISORSE UMANE"}, lIndHeader: {"FORMULA"},
	lIndicators: {"NDICATORI"},
}

// hasUpperRun reports a run of at least n capital letters or digits.
func hasUpperRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			run++
			if run >= n {
				return true
			}
		} else if c != ' ' {
			run = 0
		}
	}
	return false
}

func hinted(s string, l label) bool {
	if l == lQuant {
		return hasUpperRun(s, 10)
	}
	for _, h := range labelHints[l] {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// labelMatch is a label found inside a line's text.
type labelMatch struct {
	l          label
	start, end int
}

// findLabels returns every label in s, left to right, without overlaps.
func findLabels(s string) []labelMatch {
	var all []labelMatch
	taken := make([]bool, len(s)+1)
	for _, p := range labelPatterns {
		if !hinted(s, p.l) {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(s, -1) {
			if p.l == lQuant && !quantWord(s[m[0]:m[1]]) {
				continue
			}
			if !wordBoundary(s, m[0], m[1]) {
				continue
			}
			if p.l == lIndicators && m[0] > 3 && !indicatorsFollowRe.MatchString(s[m[1]:]) {
				continue // "ATTUAZIONE DEGLI INDICATORI DI PERFORMANCE" is a title
			}
			overlap := false
			for i := m[0]; i < m[1]; i++ {
				if taken[i] {
					overlap = true
					break
				}
			}
			if overlap {
				continue
			}
			for i := m[0]; i < m[1]; i++ {
				taken[i] = true
			}
			all = append(all, labelMatch{p.l, m[0], m[1]})
		}
	}
	// insertion sort by start: few matches per line.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].start < all[j-1].start; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return all
}

func wordBoundary(s string, a, b int) bool {
	if a > 0 && isLetter(s[a-1]) {
		return false
	}
	if b < len(s) && isLetter(s[b]) {
		return false
	}
	return true
}

func isLetter(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// leadingLabel returns the label that starts line l (after bullets and a
// one-character OCR leftover), or lNone.
func leadingLabel(l srcLine) (label, labelMatch) {
	ms := l.labelsOf()
	if len(ms) == 0 || ms[0].start > 3 {
		return lNone, labelMatch{}
	}
	return ms[0].l, ms[0]
}

var (
	quantRe = regexp.MustCompile(`(?i)\b[12Il1]?\s*[°º]\s*(?:semestre|comoctro|semestr\w*)\s*:?`)
	// lostSemesterRe is a "2° semestre:" row whose number the OCR mangled.
	lostSemesterRe = regexp.MustCompile(`(?i)^\W*\w{0,3}\s*semestre\W*$`)
	noiseRe        = regexp.MustCompile(`^(Provincia di Lecco|Esercizio 2024|Piano della Performance|.*PIAO Sezione 2\.2 Performance|AND.*|ALL TO THE PARTY.*|[^\p{L}\d]*|[A-Za-z]{1,2}|OLIVITIO.*)$`)
)

// isQuantLine reports whether the line belongs to the QUANTIFICAZIONE rows.
func isQuantLine(l srcLine) bool {
	if l.cached {
		return l.quant
	}
	if quantRe.MatchString(l.text) || lostSemesterRe.MatchString(l.text) {
		return true
	}
	lb, _ := leadingLabel(l)
	return lb == lQuant
}

// isNoise reports a line that carries no card content: page furniture,
// decoration and OCR debris.
func isNoise(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	return noiseRe.MatchString(s)
}

// dropCutCopies removes a cell that the extraction cut short and then
// repeated whole in the next cell ("1 - RISANAMENTO ... DI ANN", "1 -
// RISANAMENTO ... DI ANNONE").
func dropCutCopies(cells, parts []string) ([]string, []string) {
	changed := false
	for j := 0; j+1 < len(cells); j++ {
		a := cells[j]
		if len(a) < 15 {
			continue
		}
		k := j + 1
		if k < len(cells) && len(cells[k]) > len(a) && (len(a)*5 >= len(cells[k])*4 || numberedRe.MatchString(a)) && strings.HasPrefix(cells[k], a[:len(a)*3/4]) {
			cells[j] = ""
			changed = true
		}
	}
	if !changed {
		return cells, parts
	}
	parts = parts[:0]
	for _, c := range cells {
		if c != "" {
			parts = append(parts, c)
		}
	}
	return cells, parts
}

// quantWord tells a QUANTIFICAZIONE label mangled by the OCR ("GOANTII
// IOALIONE", "011411717104710117") from other capitals and numbers.
func quantWord(m string) bool {
	w := strings.ReplaceAll(m, " ", "")
	letters := 0
	for _, c := range w {
		if c >= 'A' && c <= 'Z' {
			letters++
		}
	}
	if letters == 0 {
		return len(w) >= 15
	}
	return len(w) >= 12 && letters*2 >= len(w)
}
