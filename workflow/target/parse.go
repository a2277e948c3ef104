package target

import (
	"regexp"
	"strings"

	"sollecito/workflow/value"
)

// Parse reads a target as written in the plan. It never fails: a target it
// does not understand is returned with Readable() == false and its text.
//
// Understood, after lower-casing and joining "> =" into ">=":
//
//   - a comparison then an amount: ">=", "<=", ">", "<", "=", "≥", "≤",
//     "almeno", "minimo", "non inferiore a", "non meno di", "massimo (di)",
//     "non oltre", "non superiore a", "fino a", "inferiore a", "meno di",
//     "superiore a", "più di", "oltre", "pari a"; "entro" only before a
//     time ("entro 60 giorni");
//   - amounts: a number (digits or "uno/una/due/.../dieci") optionally after
//     "n." and followed by "%", a time unit (giorni, gg, settimane, mesi,
//     ore), "€"/"euro", or a noun ("incontri", "report", "percorso");
//   - "n. report = 2" (noun before the comparison);
//   - a bare percentage or count ("100%", "n. 2 riunioni"), read as a
//     minimum;
//   - "scostamento [motivato] <comparison> <time>", "nessuno scostamento";
//   - "entro il 31/01/2024", "entro il 30 novembre 2024";
//   - "rispettato", "raggiunto", "rispetto dei tempi/termini/tempistiche
//     [qualifier]", "nei tempi [qualifier]": yes/no.
//
// Words after the amount are allowed as a qualifier ("almeno 80% delle
// notizie") unless they could change the meaning: a second number, a
// comparison, "/", "e", "o", "per", "da/dal/dalla...", "entro", "ogni",
// "salvo" and a few more make the target unreadable. A parenthesised
// remark is ignored unless it holds a comparison. Working days ("gg
// lavorativi") are not read: they cannot be compared with calendar days.
func Parse(text string) Target {
	t := Target{text: text}
	s, ok := normalise(text)
	if !ok || s == "" {
		return t
	}
	for _, p := range []func(string, *Target) bool{parseYesNo, parseDate, parseDeviation, parseNounFirst, parseComparison, parseBare} {
		r := t
		if p(s, &r) {
			r.readable = true
			return r
		}
	}
	return t
}

var (
	spaces      = regexp.MustCompile(`\s+`)
	spacedOp    = regexp.MustCompile(`([<>])\s+=`)
	parenthesis = regexp.MustCompile(`\([^()]*\)`)
)

// normalise lower-cases s, unifies the comparison signs and removes
// parenthesised remarks; ok is false when a remark holds a comparison or
// parentheses do not balance.
func normalise(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("≥", ">=", "≤", "<=", "=>", ">=", "=<", "<=", "’", "'", "\u00a0", " ").Replace(s)
	s = spaces.ReplaceAllString(s, " ")
	s = spacedOp.ReplaceAllString(s, "$1=")
	for _, m := range parenthesis.FindAllString(s, -1) {
		if strings.ContainsAny(m, "<>=") {
			return "", false
		}
	}
	s = parenthesis.ReplaceAllString(s, " ")
	if strings.ContainsAny(s, "()") {
		return "", false
	}
	s = spaces.ReplaceAllString(s, " ")
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".;:"))
	return s, true
}

var (
	yesWords   = regexp.MustCompile(`^(rispettat[oaie]|raggiunt[oaie]|sì|si)$`)
	yesPhrases = regexp.MustCompile(`^(?:nel )?(?:rispetto (?:dei|delle) (?:tempi|termini|tempistiche|scadenze)|nei tempi)(?: (.*))?$`)
)

func parseYesNo(s string, t *Target) bool {
	if yesWords.MatchString(s) {
		t.measure = measureYesNo
		return true
	}
	m := yesPhrases.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	// The qualifier says whose times they are; it must not add a date, a
	// number or an alternative.
	q := m[1]
	if strings.ContainsAny(q, "0123456789<>=/") || hasWord(q, "o", "oppure", "comunque", "entro", "salvo", "tranne") {
		return false
	}
	t.measure = measureYesNo
	return true
}

var dateTarget = regexp.MustCompile(`^entro (?:il )?(.+)$`)

func parseDate(s string, t *Target) bool {
	m := dateTarget.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	d, rest, ok := value.ParseItalianDate(m[1])
	if !ok || rest != "" {
		return false
	}
	t.measure, t.op, t.date = measureDate, OpLE, d
	return true
}

var deviationPrefix = regexp.MustCompile(`^scostamento(?: motivato)? (.+)$`)

func parseDeviation(s string, t *Target) bool {
	if s == "nessuno scostamento" {
		t.measure, t.op, t.threshold, t.unit, t.deviation = measureTime, OpEQ, 0, "giorni", true
		t.minDays, t.maxDays = 1, 1
		return true
	}
	m := deviationPrefix.FindStringSubmatch(s)
	if m == nil || !parseComparison(m[1], t) || t.measure != measureTime {
		return false
	}
	t.deviation = true
	return true
}

// opPhrases maps the words of a comparison to its operator, longest first
// so that "non superiore a" is not read as "superiore a".
var opPhrases = []struct{ words, op string }{
	{">=", OpGE}, {"<=", OpLE}, {">", OpGT}, {"<", OpLT}, {"=", OpEQ},
	{"pari o superiore a", OpGE}, {"pari o inferiore a", OpLE},
	{"non inferiore al", OpGE}, {"non inferiore a", OpGE}, {"non meno di", OpGE},
	{"non superiore al", OpLE}, {"non superiore a", OpLE}, {"non oltre", OpLE},
	{"almeno", OpGE}, {"minimo di", OpGE}, {"minimo", OpGE},
	{"al massimo", OpLE}, {"massimo di", OpLE}, {"massimo", OpLE}, {"fino a", OpLE},
	{"inferiore al", OpLT}, {"inferiore a", OpLT}, {"meno di", OpLT},
	{"superiore al", OpGT}, {"superiore a", OpGT}, {"più di", OpGT}, {"oltre", OpGT},
	{"pari al", OpEQ}, {"pari a", OpEQ}, {"uguale a", OpEQ},
	{"entro", OpLE}, // only before a time: checked below
}

// cutOp reads the comparison at the start of s.
func cutOp(s string) (op, rest string, within bool, ok bool) {
	for _, p := range opPhrases {
		if !strings.HasPrefix(s, p.words) {
			continue
		}
		rest = s[len(p.words):]
		// A word operator must end at a word boundary ("oltre" is not
		// "oltremare").
		if isLetter(p.words[len(p.words)-1]) && rest != "" && rest[0] != ' ' {
			continue
		}
		return p.op, strings.TrimSpace(rest), p.words == "entro", true
	}
	return "", s, false, false
}

func parseComparison(s string, t *Target) bool {
	op, rest, within, ok := cutOp(s)
	if !ok {
		return false
	}
	if !parseAmount(rest, t) {
		return false
	}
	if within && t.measure != measureTime && t.measure != measureHours {
		return false // "entro" with a count or a percentage is not a comparison we know
	}
	t.op = op
	return true
}

var nounFirst = regexp.MustCompile(`^n(?:\. ?| )([a-zàèéìòù]+) (.+)$`)

// parseNounFirst reads "n. report = 2".
func parseNounFirst(s string, t *Target) bool {
	m := nounFirst.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	op, rest, within, ok := cutOp(m[2])
	if !ok || within {
		return false
	}
	var a Target
	if !parseAmount(rest, &a) || a.measure != measurePlain {
		return false
	}
	t.measure, t.op, t.threshold, t.unit = measureNoun, op, a.threshold, m[1]
	return true
}

// parseBare reads an amount without a comparison, as a minimum: "100%",
// "n. 2 riunioni". A bare time or sum is too ambiguous to read.
func parseBare(s string, t *Target) bool {
	if !parseAmount(s, t) {
		return false
	}
	if t.measure != measurePercent && t.measure != measureNoun {
		return false
	}
	t.op = OpGE
	return true
}
