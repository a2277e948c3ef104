package deadline

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"sollecito/workflow/calendar"
)

// Parse reads a deadline phrase as the plans write it ("entro il 31/07",
// "entro 30 gg dall'approvazione del Bilancio", "ogni trimestre"). Case,
// accents, the kind of apostrophe, leading words such as "scadenza" or
// "termine", "entro e non oltre" and trailing punctuation do not matter.
// A phrase the grammar does not understand returns a *PhraseError; it is
// never guessed. The grammar is documented in docs/deadlines.md.
func Parse(phrase string) (Rule, error) {
	toks := texts(tokenize(phrase))
	r, why := parseTokens(toks)
	if why != 0 || r.kind == 0 {
		return Rule{}, &PhraseError{Phrase: strings.TrimSpace(phrase), reason: why}
	}
	r.phrase = strings.TrimSpace(phrase)
	return r, nil
}

// MustParse is Parse for phrases known to be valid (tests, built-in
// defaults); it panics on an error.
func MustParse(phrase string) Rule {
	r, err := Parse(phrase)
	if err != nil {
		panic(err)
	}
	return r
}

// diag collects what the alternatives noticed, for the error reason.
type diag struct {
	badDate, outOfRange bool
}

// parser is a cursor over normalised words. Alternatives work on copies,
// so a failed alternative leaves the original position untouched.
type parser struct {
	toks []string
	pos  int
	d    *diag
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) end() bool { return p.pos == len(p.toks) }

// word consumes the next word when it is one of ws.
func (p *parser) word(ws ...string) bool {
	t := p.peek()
	if t == "" {
		return false
	}
	for _, w := range ws {
		if t == w {
			p.pos++
			return true
		}
	}
	return false
}

// seq consumes the words ws when they come next, in order.
func (p *parser) seq(ws ...string) bool {
	if p.pos+len(ws) > len(p.toks) {
		return false
	}
	for i, w := range ws {
		if p.toks[p.pos+i] != w {
			return false
		}
	}
	p.pos += len(ws)
	return true
}

// anySeq consumes the first of the sequences that comes next.
func (p *parser) anySeq(seqs ...[]string) bool {
	for _, s := range seqs {
		if p.seq(s...) {
			return true
		}
	}
	return false
}

var (
	reDate     = regexp.MustCompile(`^(\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})$`)
	reMonthDay = regexp.MustCompile(`^\d{1,2}[./]\d{1,2}$`)
	reDay      = regexp.MustCompile(`^(\d{1,2})°?$`)
	reYear     = regexp.MustCompile(`^\d{4}$`)
	reNumber   = regexp.MustCompile(`^\d{1,4}$`)
)

func (p *parser) fullDate() (calendar.Date, bool) {
	t := p.peek()
	if !reDate.MatchString(t) {
		return calendar.Date{}, false
	}
	d, err := calendar.ParseDate(t)
	if err != nil {
		p.d.badDate = true
		return calendar.Date{}, false
	}
	p.pos++
	return d, true
}

func (p *parser) monthDay() (calendar.MonthDay, bool) {
	t := p.peek()
	if !reMonthDay.MatchString(t) {
		return calendar.MonthDay{}, false
	}
	md, err := calendar.ParseMonthDay(t)
	if err != nil {
		p.d.badDate = true
		return calendar.MonthDay{}, false
	}
	p.pos++
	return md, true
}

func (p *parser) dayNum() (int, bool) {
	t := p.peek()
	if t == "primo" {
		p.pos++
		return 1, true
	}
	m := reDay.FindStringSubmatch(t)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > 31 {
		return 0, false
	}
	p.pos++
	return n, true
}

var monthNames = map[string]time.Month{
	"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
	"luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
	"gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6,
	"lug": 7, "ago": 8, "set": 9, "sett": 9, "ott": 10, "nov": 11, "dic": 12,
}

func (p *parser) month() (time.Month, bool) {
	m, ok := monthNames[p.peek()]
	if ok {
		p.pos++
	}
	return m, ok
}

func (p *parser) year() (int, bool) {
	t := p.peek()
	if !reYear.MatchString(t) {
		return 0, false
	}
	y, _ := strconv.Atoi(t)
	if y < 1900 || y > 2200 {
		p.d.outOfRange = true
		return 0, false
	}
	p.pos++
	return y, true
}

var numberWords = map[string]int{
	"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
	"sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "quindici": 15,
	"venti": 20, "trenta": 30, "quaranta": 40, "quarantacinque": 45,
	"sessanta": 60, "novanta": 90, "centoventi": 120, "centottanta": 180,
}

func (p *parser) number() (int, bool) {
	t := p.peek()
	if n, ok := numberWords[t]; ok {
		p.pos++
		return n, true
	}
	if !reNumber.MatchString(t) {
		return 0, false
	}
	n, _ := strconv.Atoi(t)
	p.pos++
	return n, true
}

// offset reads "[i] N giorni|gg|mesi|anni [naturali e consecutivi]".
func (p *parser) offset() (offset, bool) {
	p.word("i", "gli")
	n, ok := p.number()
	if !ok {
		return offset{}, false
	}
	var o offset
	switch {
	case p.word("giorni", "giorno", "gg", "g"):
		o = offset{n: n, unit: unitDays}
	case p.word("settimane", "settimana"):
		o = offset{n: 7 * n, unit: unitDays}
	case p.word("mesi", "mese"):
		o = offset{n: n, unit: unitMonths}
	case p.word("anni", "anno"):
		o = offset{n: n, unit: unitYears}
	default:
		return offset{}, false
	}
	if (o.unit == unitDays && o.n > 3660) || (o.unit == unitMonths && o.n > 120) || (o.unit == unitYears && o.n > 10) {
		p.d.outOfRange = true
		return offset{}, false
	}
	for p.word("naturali", "solari", "consecutivi", "e", "di", "calendario") {
	}
	return o, true
}

// from reads the word that says what the days run from.
func (p *parser) from() bool {
	if p.word("dalla", "dal", "dall'", "dallo", "dai", "dagli", "dalle") {
		return true
	}
	if p.word("dopo") {
		p.word("la", "il", "l'", "lo")
		return true
	}
	if p.word("successivi", "successive", "seguenti", "decorrenti") {
		return p.word("alla", "al", "all'", "allo", "dalla", "dal", "dall'")
	}
	return false
}

func (p *parser) article() bool {
	return p.word("del", "dello", "della", "dell'", "dei", "degli", "delle", "di")
}

var periodNouns = map[string]int{
	"mese": 1, "bimestre": 2, "trimestre": 3, "quadrimestre": 4, "semestre": 6,
	"anno": 12, "esercizio": 12,
}

func (p *parser) periodNoun() (int, bool) {
	m, ok := periodNouns[p.peek()]
	if ok {
		p.pos++
		p.word("solare")
	}
	return m, ok
}

var periodAdjectives = map[string]int{
	"mensile": 1, "mensili": 1, "bimestrale": 2, "bimestrali": 2,
	"trimestrale": 3, "trimestrali": 3, "quadrimestrale": 4, "quadrimestrali": 4,
	"semestrale": 6, "semestrali": 6, "annuale": 12, "annuali": 12,
}

var periodAdverbs = map[string]int{
	"mensilmente": 1, "bimestralmente": 2, "trimestralmente": 3,
	"quadrimestralmente": 4, "semestralmente": 6, "annualmente": 12,
}

var ordinals = map[string]int{
	"primo": 1, "prima": 1, "1°": 1, "i": 1,
	"secondo": 2, "seconda": 2, "2°": 2, "ii": 2,
	"terzo": 3, "terza": 3, "3°": 3, "iii": 3,
	"quarto": 4, "quarta": 4, "4°": 4, "iv": 4,
	"quinto": 5, "5°": 5, "sesto": 6, "6°": 6,
	"ultimo": -1, "ultima": -1,
}

func (p *parser) ordinal() (int, bool) {
	n, ok := ordinals[p.peek()]
	if ok {
		p.pos++
	}
	return n, ok
}

// yearlySuffix reads what may follow a day of the year and returns how
// many years after the reference year the date falls.
func (p *parser) yearlySuffix() int {
	switch {
	case p.anySeq([]string{"dell'", "anno", "successivo"}, []string{"dell'", "anno", "seguente"},
		[]string{"dell'", "esercizio", "successivo"}):
		return 1
	case p.anySeq([]string{"di", "ogni", "anno"}, []string{"di", "ciascun", "anno"},
		[]string{"dell'", "anno", "in", "corso"}, []string{"dell'", "anno"}):
	}
	return 0
}

// endOfMonthPrefix reads the optional words before a month that mean its
// last day: "il", "la fine di", "fine", "il mese di", "l'ultimo giorno di".
func (p *parser) endOfMonthPrefix() {
	p.word("il", "la", "l'", "alla")
	switch {
	case p.word("fine"):
		_ = p.seq("del", "mese", "di") || p.seq("mese", "di") || p.word("di")
	case p.word("ultimo"):
		p.word("giorno")
		_ = p.seq("del", "mese", "di") || p.word("di")
	default:
		p.seq("mese", "di")
	}
}
