package value

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sollecito/workflow/calendar"
)

// numberToken matches a number at the start of a text: digits grouped by
// spaces in threes ("1 234,5"), or digits with dots and commas ("1.234,5"),
// or a leading decimal separator (",5").
var numberToken = regexp.MustCompile(`^[+\-−]?\s*(?:\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+(?:[.,]\d+)?|\d[\d.,]*|[.,]\d+)`)

// leadNumber splits s into the number it starts with and the rest. A
// trailing '.' or ',' is left in the rest (end of a sentence, not a
// decimal separator).
func leadNumber(s string) (float64, string, bool) {
	loc := numberToken.FindStringIndex(s)
	if loc == nil {
		return 0, s, false
	}
	tok := s[:loc[1]]
	trimmed := strings.TrimRight(tok, ".,")
	rest := s[len(trimmed):]
	n, ok := parseNumber(trimmed)
	if !ok {
		return 0, s, false
	}
	return n, strings.TrimSpace(rest), true
}

var percentWord = regexp.MustCompile(`(?i)^(?:%|percento\b|per\s+cento\b|percent\b)`)

// ratioForm matches "45/50", "45 su 50", "45 di 50", "45 of 50", "45 out
// of 50" at the start of a text.
var ratioForm = regexp.MustCompile(`(?i)^([+\-−]?\s*\d[\d.,]*)\s*(?:/\s*|\s(?:su|di|of|out\s+of)\s+)([+\-−]?\s*\d[\d.,]*)`)

func parsePercent(v *Value, head string) (string, error) {
	if ratioForm.MatchString(head) {
		return "", &Error{Code: CodeAmbiguousPercent, Kind: v.Kind, Raw: head}
	}
	n, rest, ok := leadNumber(head)
	if !ok {
		return "", &Error{Code: CodeNotNumber, Kind: v.Kind, Raw: head}
	}
	if loc := percentWord.FindStringIndex(rest); loc != nil {
		rest = rest[loc[1]:]
	}
	if n < 0 || n > 100 {
		return "", &Error{Code: CodePercentRange, Kind: v.Kind, Raw: head}
	}
	v.Number = n
	return rest, nil
}

var currency = regexp.MustCompile(`(?i)^(?:€|euro\b|eur\b)\s*`)

func parsePlainNumber(v *Value, head string) (string, error) {
	head = currency.ReplaceAllString(head, "")
	n, rest, ok := leadNumber(head)
	if !ok {
		return "", &Error{Code: CodeNotNumber, Kind: v.Kind, Raw: head}
	}
	v.Number = n
	return currency.ReplaceAllString(rest, ""), nil
}

var (
	dayUnit   = regexp.MustCompile(`(?i)^(?:giorni|giorno|gg\.?|g\.|g\b|days?\b)`)
	otherTime = regexp.MustCompile(`(?i)^(?:settiman[ae]|mes[ei]|or[ae]|ann[oi]|weeks?|months?|hours?|years?)\b`)
)

func parseDays(v *Value, head string) (string, error) {
	n, rest, ok := leadNumber(head)
	if !ok {
		return "", &Error{Code: CodeNotNumber, Kind: v.Kind, Raw: head}
	}
	if n < 0 {
		return "", &Error{Code: CodeNegative, Kind: v.Kind, Raw: head}
	}
	if otherTime.MatchString(rest) {
		return "", &Error{Code: CodeWrongUnit, Kind: v.Kind, Raw: head}
	}
	if loc := dayUnit.FindStringIndex(rest); loc != nil {
		rest = rest[loc[1]:]
	}
	v.Number = n
	return rest, nil
}

// countNouns are the things the plan counts; after a count they are a
// unit, not a note ("3 incontri").
var countNouns = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`report incontri incontro riunioni riunione percorsi percorso
		progetti progetto documenti documento prove prova segnalazioni segnalazione iniziative
		iniziativa eventi evento corsi corso interventi intervento azioni azione studi studio
		verifiche verifica giornate giornata comunicazioni comunicazione pratiche pratica
		attività atti atto provvedimenti provvedimento persone dipendenti partecipanti
		pubblicazioni pubblicazione newsletter post podcast unità volte`) {
		countNouns[w] = true
	}
}

func parseCount(v *Value, head string) (string, error) {
	n, rest, ok := leadNumber(head)
	if !ok {
		return "", &Error{Code: CodeNotNumber, Kind: v.Kind, Raw: head}
	}
	if n < 0 {
		return "", &Error{Code: CodeNegative, Kind: v.Kind, Raw: head}
	}
	if n != math.Trunc(n) {
		return "", &Error{Code: CodeNotInteger, Kind: v.Kind, Raw: head}
	}
	if fields := strings.Fields(rest); len(fields) > 0 && countNouns[strings.ToLower(strings.TrimRight(fields[0], ".,"))] {
		rest = strings.TrimSpace(strings.TrimPrefix(rest, fields[0]))
	}
	v.Number = n
	return rest, nil
}

// shownPercent matches the "(90%)" that Format writes after a ratio.
var shownPercent = regexp.MustCompile(`^\(\s*\d[\d.,]*\s*%\s*\)`)

func parseRatio(v *Value, head string) (string, error) {
	if m := ratioForm.FindStringSubmatchIndex(head); m != nil {
		num, ok1 := parseNumber(strings.TrimRight(head[m[2]:m[3]], ".,"))
		den, ok2 := parseNumber(strings.TrimRight(head[m[4]:m[5]], ".,"))
		if !ok1 || !ok2 {
			return "", &Error{Code: CodeNotNumber, Kind: v.Kind, Raw: head}
		}
		switch {
		case num < 0 || den < 0:
			return "", &Error{Code: CodeNegative, Kind: v.Kind, Raw: head}
		case den == 0:
			return "", &Error{Code: CodeZeroDenominator, Kind: v.Kind, Raw: head}
		case num > den:
			return "", &Error{Code: CodeNumeratorTooBig, Kind: v.Kind, Raw: head}
		}
		v.Numerator, v.Denominator = num, den
		v.Number = 100 * num / den
		rest := strings.TrimSpace(head[m[1]:])
		if loc := shownPercent.FindStringIndex(rest); loc != nil {
			rest = rest[loc[1]:]
		}
		return rest, nil
	}
	n, rest, ok := leadNumber(head)
	if !ok || !percentWord.MatchString(rest) {
		return "", &Error{Code: CodeNotRatio, Kind: v.Kind, Raw: head}
	}
	if n < 0 || n > 100 {
		return "", &Error{Code: CodePercentRange, Kind: v.Kind, Raw: head}
	}
	v.Number = n
	return rest[percentWord.FindStringIndex(rest)[1]:], nil
}

// yesNoWord matches the answers of a yes/no indicator; the character after
// it must not be a letter ("sicuro" is not "sì").
var yesNoWord = regexp.MustCompile(`(?i)^(non\s+rispettat[oaie]|non\s+raggiunt[oaie]|rispettat[oaie]|raggiunt[oaie]|sì|sí|si|yes|no|not\s+met|met)(?:$|[^\p{L}])`)

func parseYesNo(v *Value, head string) (string, error) {
	m := yesNoWord.FindStringSubmatchIndex(head)
	if m == nil {
		return "", &Error{Code: CodeNotYesNo, Kind: v.Kind, Raw: head}
	}
	word := strings.ToLower(head[m[2]:m[3]])
	v.Bool = !(strings.HasPrefix(word, "no"))
	return head[m[3]:], nil
}

var (
	monthNames = map[string]time.Month{
		"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
		"luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
	}
	longDate = regexp.MustCompile(`(?i)^(\d{1,2})\s+([a-z]+)\s+(\d{4})\b`)
)

// ParseItalianDate reads a date as dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy,
// ISO yyyy-mm-dd, or "31 gennaio 2024", at the start of s, and returns it
// with the rest of s.
func ParseItalianDate(s string) (calendar.Date, string, bool) {
	s = strings.TrimSpace(s)
	if m := longDate.FindStringSubmatch(s); m != nil {
		mon, ok := monthNames[strings.ToLower(m[2])]
		if !ok {
			return calendar.Date{}, s, false
		}
		d, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		date := calendar.D(y, mon, d)
		if date.Day != d || date.Month != mon {
			return calendar.Date{}, s, false
		}
		return date, strings.TrimSpace(s[len(m[0]):]), true
	}
	tok := s
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		tok = s[:i]
	}
	trimmed := strings.TrimRight(tok, ".,;:")
	d, err := calendar.ParseDate(trimmed)
	if err != nil || trimmed == "" {
		return calendar.Date{}, s, false
	}
	return d, strings.TrimSpace(s[len(trimmed):]), true
}

func parseDateValue(v *Value, head string, opt Options) (string, error) {
	d, rest, ok := ParseItalianDate(head)
	if !ok {
		return "", &Error{Code: CodeBadDate, Kind: v.Kind, Raw: head}
	}
	if !opt.Today.IsZero() && !opt.AllowFutureDate && d.After(opt.Today) {
		return "", &Error{Code: CodeFutureDate, Kind: v.Kind, Raw: head, Today: opt.Today.Italian()}
	}
	v.Date = d
	return rest, nil
}
