package target

import (
	"regexp"
	"strings"

	"sollecito/workflow/value"
)

var (
	countPrefix = regexp.MustCompile(`^n(?:\. ?| )`)
	digitsToken = regexp.MustCompile(`^\d[\d.,]*`)
	wordToken   = regexp.MustCompile(`^[a-zàèéìòù']+`)
	numberWords = map[string]float64{
		"zero": 0, "un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
		"sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
	}
	timeUnits = []struct {
		re       *regexp.Regexp
		unit     string
		min, max float64
		m        measure
	}{
		{regexp.MustCompile(`^(?:giorni|giorno|gg\.?|g\.)`), "giorni", 1, 1, measureTime},
		{regexp.MustCompile(`^settiman[ae]\b`), "settimane", 7, 7, measureTime},
		{regexp.MustCompile(`^mes[ei]\b`), "mesi", 28, 31, measureTime},
		{regexp.MustCompile(`^(?:ore|ora|h)\b`), "ore", 0, 0, measureHours},
	}
	// notNouns are words that may follow a number without being what it
	// counts.
	notNouns = map[string]bool{
		"di": true, "dei": true, "delle": true, "del": true, "della": true, "degli": true,
		"a": true, "al": true, "alla": true, "in": true, "nel": true, "nella": true, "con": true,
		"su": true, "sul": true, "il": true, "la": true, "le": true, "i": true, "gli": true,
	}
	// vetoWords in the words after an amount make the target unreadable:
	// they bring a second condition, an alternative, a reference point or a
	// distribution that a single comparison cannot express.
	vetoWords = []string{
		"e", "ed", "o", "oppure", "per", "da", "dal", "dalla", "dall", "dalle", "dai", "dagli",
		"dallo", "entro", "ogni", "salvo", "tranne", "incremento", "aumento", "riduzione",
		"rispetto", "tra", "fra", "su", "non", "meno", "più", "oltre", "lavorativi",
		"lavorative", "lavorativo", "utili",
	}
)

// parseAmount reads "90%", "20 giorni", "4 settimane", "€ 500", "2
// percorsi", "30", "n. 4", "una prova" with an optional harmless
// qualifier after it, setting t's measure, threshold and unit.
func parseAmount(s string, t *Target) bool {
	s = strings.TrimSpace(s)
	money := false
	if strings.HasPrefix(s, "€") {
		money, s = true, strings.TrimSpace(strings.TrimPrefix(s, "€"))
	}
	s = countPrefix.ReplaceAllString(s, "")
	n, rest, ok := leadAmount(s)
	if !ok {
		return false
	}
	t.threshold = n
	switch {
	case money:
		t.measure, t.unit = measureMoney, "€"
	case strings.HasPrefix(rest, "%"):
		t.measure, t.unit = measurePercent, "%"
		rest = rest[1:]
	case strings.HasPrefix(rest, "€"):
		t.measure, t.unit = measureMoney, "€"
		rest = rest[len("€"):]
	case hasLeadingWord(rest, "euro"):
		t.measure, t.unit = measureMoney, "€"
		rest = rest[len("euro"):]
	default:
		t.measure = measurePlain
		for _, u := range timeUnits {
			if loc := u.re.FindStringIndex(rest); loc != nil {
				t.measure, t.unit, t.minDays, t.maxDays = u.m, u.unit, u.min, u.max
				rest = rest[loc[1]:]
				break
			}
		}
		if t.measure == measurePlain {
			if w := wordToken.FindString(rest); w != "" && !notNouns[w] && !isVeto(w) {
				t.measure, t.unit = measureNoun, w
				rest = rest[len(w):]
			}
		}
	}
	return harmless(rest)
}

// leadAmount reads the number at the start of s, in digits or as a word.
func leadAmount(s string) (float64, string, bool) {
	if tok := digitsToken.FindString(s); tok != "" {
		tok = strings.TrimRight(tok, ".,")
		n, err := value.ParseNumber(tok)
		if err != nil {
			return 0, s, false
		}
		return n, strings.TrimSpace(s[len(tok):]), true
	}
	w := wordToken.FindString(s)
	if n, ok := numberWords[w]; ok {
		return n, strings.TrimSpace(s[len(w):]), true
	}
	return 0, s, false
}

// harmless reports whether the words after an amount only describe it
// ("delle notizie", "cronoprogramma Piano transizione digitale") and do not
// change what is compared.
func harmless(rest string) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return true
	}
	if strings.ContainsAny(rest, "0123456789<>=/%€+") {
		return false
	}
	for _, w := range words(rest) {
		if isVeto(w) {
			return false
		}
	}
	return true
}

func isVeto(w string) bool {
	for _, v := range vetoWords {
		if w == v {
			return true
		}
	}
	return false
}

// words splits s into lower-case words of letters.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'à' && r <= 'ù' || r == 'é')
	})
}

// hasWord reports whether any of ws is a word of s.
func hasWord(s string, ws ...string) bool {
	for _, w := range words(s) {
		for _, x := range ws {
			if w == x {
				return true
			}
		}
	}
	return false
}

func hasLeadingWord(s, w string) bool {
	if !strings.HasPrefix(s, w) {
		return false
	}
	return len(s) == len(w) || !isLetter(s[len(w)])
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80 }
