package piao

import (
	"regexp"
	"strings"
)

// The deadline grammar belongs to sollecito/workflow/deadline; until that
// package exists these two functions recognise the shapes the plan uses.
// They have the same contract as deadline.Find and deadline.Parse, so the
// switch is a two-line change.

const monthNames = `gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre`

var (
	// findDeadlineRe finds "entro ..." up to the end of the clause.
	findDeadlineRe = regexp.MustCompile(`(?i)\bentro\s+(?:il\s+|la\s+|i\s+|le\s+|l'\s*)?[^,;()]*?(?:\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\b(?:` + monthNames + `)(?:\s+\d{4})?|\d+\s*(?:gg\.?|giorni|ore|mesi|settimane)\b(?:\s+(?:dal|dalla|dall'|dai|dalle|dalla data)\s*[^,;.()]*)?|(?:primo|secondo|1°|2°)\s+semestre|(?:la\s+)?fine\s+(?:dell'anno|di ogni \w+|del\s+\w+))`)
	// understood phrases, as the deadline grammar (docs/deadlines.md) reads them.
	parseDateRe     = regexp.MustCompile(`(?i)^entro\s+(?:il\s+)?\d{1,2}[/.]\d{1,2}(?:[/.](?:\d{4}|\d{2}))?$`)
	parseMonthRe    = regexp.MustCompile(`(?i)^entro\s+(?:il\s+mese\s+di\s+|la\s+fine\s+di\s+|fine\s+|il\s+)?(?:` + monthNames + `)(?:\s+\d{4})?$`)
	parseRelativeRe = regexp.MustCompile(`(?i)^entro\s+(?:il\s+|i\s+)?\d+\s*(?:gg\.?|giorni)\s+(?:dal|dalla|dall'|dai|dalle)\s*\S.*$`)
	parseSemesterRe = regexp.MustCompile(`(?i)^entro\s+(?:il\s+)?(?:primo|secondo|1°|2°)\s+semestre$`)
)

// findDeadline extracts a deadline phrase from a sentence.
func findDeadline(text string) (string, bool) {
	m := findDeadlineRe.FindString(text)
	if m == "" {
		return "", false
	}
	return strings.TrimRight(strings.TrimSpace(m), ". "), true
}

// deadlineUnderstood reports whether the grammar understands phrase.
func deadlineUnderstood(phrase string) bool {
	p := strings.Join(strings.Fields(phrase), " ")
	return parseDateRe.MatchString(p) || parseMonthRe.MatchString(p) || parseRelativeRe.MatchString(p) || parseSemesterRe.MatchString(p)
}
