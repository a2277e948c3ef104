package value

import (
	"fmt"
	"regexp"
	"strings"
)

// Line is one value found in the text of an e-mail reply.
type Line struct {
	// Ref is the indicator reference written before the colon ("A1", an
	// indicator id); empty when the body carried a single value without one.
	Ref string
	// Raw is the value as written, to be given to Parse with the
	// indicator's kind.
	Raw string
}

// codeLine matches "CODE: value". A CODE is letters, digits, dots, dashes
// and underscores, starting with a letter or digit.
var codeLine = regexp.MustCompile(`^\s*([\p{L}0-9][\p{L}0-9._-]{0,39})\s*:\s*(.*)$`)

// valueLabels and noteLabels are words people put before a value or a
// note that are not indicator references: "Valore: 92%" is a value, not
// the indicator "Valore". They are compared case-insensitively.
var (
	valueLabels = map[string]bool{
		"valore": true, "value": true, "risposta": true, "answer": true, "dato": true,
		"quantificazione": true, "risultato": true, "result": true, "esito": true,
	}
	noteLabels = map[string]bool{
		"nota": true, "note": true, "notes": true, "nb": true, "motivo": true,
		"motivazione": true, "reason": true, "commento": true, "comment": true,
	}
)

// headerLabels start lines that mail clients and signatures write ("Da:",
// "Oggetto:", "Tel:"); they are never indicator references.
var headerLabels = map[string]bool{
	"da": true, "from": true, "a": true, "to": true, "cc": true, "ccn": true, "bcc": true,
	"oggetto": true, "subject": true, "inviato": true, "sent": true, "data": true, "date": true,
	"tel": true, "tel.": true, "telefono": true, "cell": true, "cell.": true, "fax": true,
	"email": true, "e-mail": true, "mail": true, "pec": true, "web": true, "http": true, "https": true,
}

func isLabel(code string) bool {
	c := strings.ToLower(code)
	return valueLabels[c] || noteLabels[c] || headerLabels[c]
}

// ErrNoValue is returned by ParseLines for a body with no text.
var ErrNoValue = &Error{Code: CodeEmpty}

// DuplicateRefError is returned by ParseLines when the same reference is
// given twice: which of the two values was meant cannot be known.
type DuplicateRefError struct{ Ref string }

// Error returns the Italian message.
func (e *DuplicateRefError) Error() string { return e.Localize("it") }

// Localize returns the message in lang ("it" or "en").
func (e *DuplicateRefError) Localize(lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%s is given twice: write one line per indicator", e.Ref)
	}
	return fmt.Sprintf("%s compare due volte: scrivere una riga per indicatore", e.Ref)
}

// ParseLines finds the values in the text of an e-mail reply (the quoted
// reminder and signature already removed):
//
//   - lines written as "CODE: value" give one Line each, with Ref = CODE;
//   - when there is no such line, the whole text is one Line with an empty
//     Ref (its first line is the value, the rest a note, as Parse reads it);
//   - a label that is not a reference ("Valore: 92%", "Nota: ...", see
//     valueLabels and noteLabels) does not count as a CODE: with no CODE lines, "Valore: 92%"
//     gives the Line {"", "92%"}; with CODE lines, label lines and other
//     lines without a CODE (greetings, signatures) are ignored;
//   - mail header and signature labels ("Da:", "Oggetto:", "Tel:", see
//     headerLabels) and URLs are not CODEs either;
//   - a reference given twice is an error (*DuplicateRefError); refs are
//     compared case-insensitively and returned as written.
//
// An empty body gives ErrNoValue.
func ParseLines(text string) ([]Line, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		return nil, ErrNoValue
	}
	var coded []Line
	seen := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		m := codeLine.FindStringSubmatch(l)
		if m == nil || isLabel(m[1]) || looksLikeValue(m[1]) || naPrefix.MatchString(strings.TrimSpace(l)) {
			continue
		}
		key := strings.ToLower(m[1])
		if seen[key] {
			return nil, &DuplicateRefError{Ref: m[1]}
		}
		seen[key] = true
		coded = append(coded, Line{Ref: m[1], Raw: strings.TrimSpace(m[2])})
	}
	if len(coded) > 0 {
		return coded, nil
	}
	// A single value: drop a leading label from the first line.
	first, rest, _ := strings.Cut(text, "\n")
	if m := codeLine.FindStringSubmatch(first); m != nil && valueLabels[strings.ToLower(m[1])] {
		first = strings.TrimSpace(m[2])
	}
	raw := first
	if strings.TrimSpace(rest) != "" {
		raw += "\n" + strings.TrimSpace(rest)
	}
	if strings.TrimSpace(raw) == "" {
		return nil, ErrNoValue
	}
	return []Line{{Raw: raw}}, nil
}

// looksLikeValue reports whether a would-be CODE is really the start of a
// value: a number, as in "12:30" or "92,5: ...", or a time of day.
func looksLikeValue(code string) bool {
	return strings.Trim(code, "0123456789.,") == ""
}
