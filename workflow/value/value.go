// Package value reads the indicator values people send, by Telegram or by
// e-mail, with one grammar: decimal commas or dots, thousands separators,
// percentages, ratios given as two counts, yes/no answers, dates, "non
// applicabile" with its mandatory reason, and an optional note after the
// value. It refuses values that are impossible for the indicator's kind and
// says why, in Italian or English. docs/values.md describes the grammar for
// administrators.
package value

import (
	"regexp"
	"strings"

	"sollecito/workflow/calendar"
)

// Indicator kinds, as config.IndicatorKinds spells them. They are repeated
// here so that this package depends on nothing but the calendar.
const (
	KindPercent = "percent"
	KindNumber  = "number"
	KindDays    = "days"
	KindCount   = "count"
	KindRatio   = "ratio"
	KindYesNo   = "yesno"
	KindDate    = "date"
	KindText    = "text"
)

// Value is one value as understood, for the indicator kind it was read for.
type Value struct {
	// Kind is the indicator kind the value was read for.
	Kind string
	// Number holds percent (0..100), number, days and count values, and
	// the computed percentage of a ratio.
	Number float64
	// Numerator and Denominator hold a ratio given as two counts ("45/50",
	// "45 su 50"); both are zero when a ratio was given as a percentage.
	Numerator, Denominator float64
	// Bool is the answer of a yesno value.
	Bool bool
	// Date is the value of a date indicator.
	Date calendar.Date
	// Text is the value of a text indicator.
	Text string
	// NA marks "non applicabile"; Reason is then mandatory and set.
	NA     bool
	Reason string
	// Note is the optional free text after the value ("92,5% - due corsi
	// rinviati" has the note "due corsi rinviati").
	Note string
	// Raw is exactly what the person wrote.
	Raw string
}

// Options carry what Parse needs to know besides the text.
type Options struct {
	// Today is the date values are checked against: a date value after it
	// is refused unless AllowFutureDate. The zero Date disables the check.
	Today calendar.Date
	// AllowFutureDate accepts dates after Today (planned dates).
	AllowFutureDate bool
}

var knownKinds = map[string]bool{
	KindPercent: true, KindNumber: true, KindDays: true, KindCount: true,
	KindRatio: true, KindYesNo: true, KindDate: true, KindText: true,
}

// Parse reads raw as a value for an indicator of the given kind. On failure
// the error is an *Error that says why and shows a valid example. The empty
// kind is read as "text", as in the plan.
func Parse(raw, kind string, opt Options) (Value, error) {
	if kind == "" {
		kind = KindText
	}
	v := Value{Kind: kind, Raw: raw}
	if !knownKinds[kind] {
		return v, &Error{Code: CodeUnknownKind, Kind: kind, Raw: raw}
	}
	s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	if s == "" {
		return v, &Error{Code: CodeEmpty, Kind: kind}
	}
	if rest, ok := cutNA(s); ok {
		reason := cleanReason(rest)
		if reason == "" {
			return v, &Error{Code: CodeMissingReason, Kind: kind, Raw: s}
		}
		v.NA, v.Reason = true, reason
		return v, nil
	}
	if kind == KindText {
		v.Text = s
		return v, nil
	}
	head, note := splitNote(stripLeadIn(s))
	var rest string
	var err error
	switch kind {
	case KindPercent:
		rest, err = parsePercent(&v, head)
	case KindNumber:
		rest, err = parsePlainNumber(&v, head)
	case KindDays:
		rest, err = parseDays(&v, head)
	case KindCount:
		rest, err = parseCount(&v, head)
	case KindRatio:
		rest, err = parseRatio(&v, head)
	case KindYesNo:
		rest, err = parseYesNo(&v, head)
	case KindDate:
		rest, err = parseDateValue(&v, head, opt)
	}
	if err != nil {
		return Value{Kind: kind, Raw: raw}, err
	}
	v.Note = joinNote(cleanNote(rest), cleanNote(note))
	return v, nil
}

// leadIn matches the words people put before a value in a sentence: "il
// valore è 97%", "Valore: 12", "il dato è pari a 30 giorni", "sono 4".
// Only these fixed openings are dropped; any other text before the value
// is still refused, since a number inside a sentence may be anything.
var leadIn = regexp.MustCompile(`(?i)^(?:(?:il|lo|the)\s+)?(?:(?:valore|dato|risultato|value)\s*(?::|è|e'|é|is|=)?\s*)?(?:(?:è|e'|é|sono|is|are)\s+)?(?:pari\s+a\s+|equal\s+to\s+)?`)

// stripLeadIn drops a lead-in, unless nothing would be left.
func stripLeadIn(s string) string {
	if loc := leadIn.FindStringIndex(s); loc != nil && loc[1] > 0 && loc[1] < len(s) {
		return strings.TrimSpace(s[loc[1]:])
	}
	return s
}

// naPrefix matches the ways people write "not applicable" at the start of
// an answer; the character after it must not be a letter ("nato" is not
// "na").
var naPrefix = regexp.MustCompile(`(?i)^(n\.\s?a\.?|n/a|na|non\s+applicabile|not\s+applicable)(?:$|[^\p{L}])`)

// cutNA reports whether s says "not applicable" and returns what follows.
func cutNA(s string) (string, bool) {
	m := naPrefix.FindStringSubmatchIndex(s)
	if m == nil {
		return "", false
	}
	return s[m[3]:], true
}

// cleanReason strips the separator people put between "n.a." and the
// reason (one of ": ; , . -"), a "Motivo:" label, and one pair of
// parentheses around the whole reason.
func cleanReason(s string) string {
	s = strings.TrimSpace(s)
	for _, sep := range []string{":", ";", ",", ".", "-", "–", "—"} {
		if strings.HasPrefix(s, sep) {
			s = strings.TrimSpace(s[len(sep):])
			break
		}
	}
	s = reasonLabel.ReplaceAllString(s, "")
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && closes(s) == len(s)-1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if strings.Trim(s, " \t\n.,;:-–—()") == "" {
		return ""
	}
	return s
}

var reasonLabel = regexp.MustCompile(`(?i)^(?:motivo|motivazione|reason)\s*:\s*`)

// closes returns the index of the parenthesis that closes the one at s[0],
// or -1.
func closes(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitNote separates the value from a note written after a newline,
// " - " (or an en/em dash between spaces) or ";".
func splitNote(s string) (head, note string) {
	head = s
	if i := strings.IndexByte(head, '\n'); i >= 0 {
		head, note = head[:i], head[i+1:]
	}
	cut := -1
	width := 0
	for _, sep := range []string{" - ", " – ", " — ", ";"} {
		if i := strings.Index(head, sep); i >= 0 && (cut < 0 || i < cut) {
			cut, width = i, len(sep)
		}
	}
	if cut >= 0 {
		tail := head[cut+width:]
		head = head[:cut]
		note = joinNote(strings.TrimSpace(tail), strings.TrimSpace(note))
	}
	return strings.TrimSpace(head), strings.TrimSpace(note)
}

var noteLabel = regexp.MustCompile(`(?i)^(?:(?:nota|note|nb)\s*:|n\.b\.:?)\s*`)

// cleanNote trims separators and a "nota:" label from the start of a note.
func cleanNote(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, ":;,.-–—) \t\n")
	s = noteLabel.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " - " + b
}
