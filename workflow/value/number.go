package value

import (
	"math"
	"strconv"
	"strings"
)

// ParseNumber reads a number as Italian staff write it, accepting the
// English form too:
//
//   - decimal comma or dot: "92,5", "92.5", ",5";
//   - thousands separators: "1.234,5", "1,234.5", "1.234.567", "1 234";
//   - when both '.' and ',' appear, the last one is the decimal separator;
//   - a single ',' is always decimal ("1,234" is 1.234), because Italians
//     write decimal commas;
//   - a single '.' followed by exactly three digits is a thousands separator
//     ("1.234" is 1234, the Italian reading) unless the integer part is 0
//     ("0.123" is 0.123); with any other number of digits it is decimal
//     ("1.5", "92.25", "1.2345");
//   - an optional leading sign.
//
// It refuses anything else (letters, "1.2.3", "1,23,4", NaN, Inf) with an
// *Error of code CodeNotNumber.
func ParseNumber(s string) (float64, error) {
	n, ok := parseNumber(s)
	if !ok {
		return 0, &Error{Code: CodeNotNumber, Kind: "number", Raw: s}
	}
	return n, nil
}

func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "−"):
		neg = true
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−"))
	case strings.HasPrefix(s, "+"):
		s = strings.TrimSpace(s[1:])
	}
	if s == "" {
		return 0, false
	}
	// Spaces (ordinary, no-break, narrow no-break, thin) as thousands
	// separators: every group after the first must have three digits.
	if strings.ContainsAny(s, " \u00a0\u202f\u2009") {
		groups := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' })
		for i, g := range groups {
			if i == 0 {
				if strings.ContainsAny(g, ".,") || len(g) > 3 {
					return 0, false
				}
				continue
			}
			last := i == len(groups)-1
			head := g
			if last {
				if j := strings.IndexAny(g, ".,"); j >= 0 {
					head = g[:j]
				}
			}
			if len(head) != 3 || strings.ContainsAny(head, ".,") {
				return 0, false
			}
		}
		s = strings.Join(groups, "")
		// The remaining separator, if any, is decimal.
		if strings.Count(s, ".")+strings.Count(s, ",") > 1 {
			return 0, false
		}
		return finish(strings.ReplaceAll(s, ",", "."), neg)
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var intPart, frac string
	switch {
	case dots > 0 && commas > 0:
		lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
		thou, dec := ".", ","
		if lastDot > lastComma {
			thou, dec = ",", "."
		}
		if strings.Count(s, dec) != 1 {
			return 0, false
		}
		i := strings.LastIndex(s, dec)
		intPart, frac = s[:i], s[i+1:]
		var ok bool
		if intPart, ok = ungroup(intPart, thou); !ok {
			return 0, false
		}
	case commas == 1:
		i := strings.Index(s, ",")
		intPart, frac = s[:i], s[i+1:]
	case commas > 1:
		var ok bool
		if intPart, ok = ungroup(s, ","); !ok {
			return 0, false
		}
	case dots > 1:
		var ok bool
		if intPart, ok = ungroup(s, "."); !ok {
			return 0, false
		}
	case dots == 1:
		i := strings.Index(s, ".")
		intPart, frac = s[:i], s[i+1:]
		if len(frac) == 3 && len(intPart) >= 1 && len(intPart) <= 3 && strings.Trim(intPart, "0") != "" && intPart[0] != '0' {
			intPart, frac = intPart+frac, ""
		}
	default:
		intPart = s
	}
	if !digits(intPart) || !digits(frac) || (intPart == "" && frac == "") {
		return 0, false
	}
	if strings.ContainsAny(s, ".,") && frac == "" && (strings.HasSuffix(s, ",") || strings.HasSuffix(s, ".")) {
		return 0, false // "5," or "5." is unfinished
	}
	num := intPart
	if num == "" {
		num = "0"
	}
	if frac != "" {
		num += "." + frac
	}
	return finish(num, neg)
}

// ungroup removes thousands separators sep from s, checking the groups:
// 1-3 digits, then groups of exactly 3.
func ungroup(s, sep string) (string, bool) {
	parts := strings.Split(s, sep)
	for i, p := range parts {
		if !digits(p) || p == "" {
			return "", false
		}
		if i == 0 && len(p) > 3 || i > 0 && len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func finish(num string, neg bool) (float64, bool) {
	if num == "" || strings.HasPrefix(num, ".") && len(num) == 1 {
		return 0, false
	}
	if strings.HasPrefix(num, ".") {
		num = "0" + num
	}
	if strings.HasSuffix(num, ".") {
		return 0, false
	}
	for _, r := range num {
		if (r < '0' || r > '9') && r != '.' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// FormatNumber writes n for people as Format does: a decimal comma in
// Italian ("92,5"), a dot in English ("92.5"); ParseNumber reads it back.
func FormatNumber(n float64, lang string) string { return formatNumber(n, lang) }

// formatNumber writes n for people: a decimal comma in Italian, a dot in
// English, no thousands separators, as many decimals as n needs. In English
// a number written with exactly three decimals and a one-to-three digit
// integer part gets a trailing zero ("1.2340"), so that ParseNumber does
// not take the dot for a thousands separator.
func formatNumber(n float64, lang string) string {
	if n == 0 {
		n = 0 // no "-0"
	}
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if lang == "en" {
		body := strings.TrimPrefix(s, "-")
		if i := strings.Index(body, "."); i >= 1 && i <= 3 && len(body)-i-1 == 3 && body[0] != '0' {
			s += "0"
		}
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
