package deadline

import (
	"regexp"
	"strings"
	"time"

	"sollecito/workflow/calendar"
)

// parseTokens reads normalised words into a rule, or says why it cannot:
// leading filler words and "entro" are dropped, then the alternatives are
// tried in order.
func parseTokens(toks []string) (Rule, reason) {
	d := &diag{}
	p := parser{toks: toks, d: d}
	for p.word("scadenza", "termine", "ultimo", "ultima", "perentorio", "massimo", "data") {
	}
	entro := p.word("entro")
	if entro {
		p.seq("e", "non", "oltre")
	} else if p.seq("non", "oltre") {
		entro = true
	}
	if p.end() {
		return Rule{}, reasonEmpty
	}
	for _, alt := range alternatives {
		q := p
		if r, ok := alt(&q, entro); ok && q.end() {
			return r, 0
		}
	}
	return Rule{}, classify(p, d)
}

// classify explains why no alternative matched.
func classify(p parser, d *diag) reason {
	entros := 0
	for _, t := range p.toks {
		if t == "entro" {
			entros++
		}
	}
	switch {
	case d.badDate:
		return reasonBadDate
	case d.outOfRange:
		return reasonOutOfRange
	case entros > 1:
		return reasonComposite
	}
	q := p
	if _, ok := q.offset(); ok {
		if q.end() {
			return reasonNoStart
		}
		if q.from() {
			q.word("data", "l'")
			if q.word("approvazione", "adozione", "evento") {
				return reasonUnknownEvent
			}
			return reasonUnknownStart
		}
	}
	return reasonUnknown
}

type alternative func(p *parser, entro bool) (Rule, bool)

// alternatives are tried in order; the first that reads the whole phrase
// wins.
var alternatives = []alternative{
	altFixedDate, altFixedDayMonthYear, altFixedMonthYear, altFixedYear,
	altYearly, altYearlyMonth, altMonthly, altEndOfEvery,
	altAfterPeriod, altPeriodEnd, altEvent, altCadence,
}

// "entro il 31/01/2024", "30.11.2024", "2024-01-31".
func altFixedDate(p *parser, _ bool) (Rule, bool) {
	p.word("il", "l'")
	date, ok := p.fullDate()
	return Rule{kind: Fixed, date: date}, ok
}

// "entro il 30 novembre 2024".
func altFixedDayMonthYear(p *parser, _ bool) (Rule, bool) {
	p.word("il", "l'")
	day, ok1 := p.dayNum()
	m, ok2 := p.month()
	y, ok3 := p.year()
	if !ok1 || !ok2 || !ok3 {
		return Rule{}, false
	}
	date := calendar.D(y, m, day)
	if date.Day != day {
		p.d.badDate = true
		return Rule{}, false
	}
	return Rule{kind: Fixed, date: date}, true
}

// "entro il gennaio 2024", "entro la fine di gennaio 2024": the month's
// last day.
func altFixedMonthYear(p *parser, _ bool) (Rule, bool) {
	p.endOfMonthPrefix()
	m, ok1 := p.month()
	y, ok2 := p.year()
	if !ok1 || !ok2 {
		return Rule{}, false
	}
	return Rule{kind: Fixed, date: calendar.D(y, m, 1).LastOfMonth()}, true
}

// "entro il 2026", "entro la fine del 2026": 31 December of that year.
func altFixedYear(p *parser, entro bool) (Rule, bool) {
	if !entro {
		return Rule{}, false
	}
	p.word("il", "la", "l'")
	if p.word("fine") {
		p.word("del", "dell'")
	}
	p.word("anno")
	y, ok := p.year()
	return Rule{kind: Fixed, date: calendar.D(y, time.December, 31)}, ok
}

// "entro il 31/07", "entro il 31 gennaio", "entro il 31/12 dell'anno",
// "entro il 31 gennaio dell'anno successivo".
func altYearly(p *parser, _ bool) (Rule, bool) {
	p.word("il", "l'")
	md, ok := p.monthDay()
	if !ok {
		day, ok1 := p.dayNum()
		m, ok2 := p.month()
		if !ok1 || !ok2 {
			return Rule{}, false
		}
		if day > calendar.D(2024, m, 1).LastOfMonth().Day {
			p.d.badDate = true
			return Rule{}, false
		}
		md = calendar.MonthDay{Month: m, Day: day}
	}
	return Rule{kind: Yearly, md: md, yearOffset: p.yearlySuffix()}, true
}

// "entro gennaio", "entro la fine di febbraio": the month's last day,
// every year.
func altYearlyMonth(p *parser, entro bool) (Rule, bool) {
	if !entro {
		return Rule{}, false
	}
	p.endOfMonthPrefix()
	m, ok := p.month()
	if !ok {
		return Rule{}, false
	}
	return Rule{kind: Yearly, md: calendar.MonthDay{Month: m, Day: 31}, yearOffset: p.yearlySuffix()}, true
}

// "entro il 5 di ogni mese", "entro il giorno 20 del mese successivo".
func altMonthly(p *parser, _ bool) (Rule, bool) {
	p.word("il", "l'")
	p.word("giorno")
	day, ok := p.dayNum()
	if !ok {
		return Rule{}, false
	}
	switch {
	case p.anySeq([]string{"di", "ogni", "mese"}, []string{"di", "ciascun", "mese"}, []string{"del", "mese"}):
		if p.word("successivo", "seguente") {
			return Rule{kind: Monthly, day: day, monthOffset: 1}, true
		}
		return Rule{kind: Monthly, day: day}, true
	}
	return Rule{}, false
}

// "entro la fine di ogni trimestre", "entro fine mese": the end of each
// period.
func altEndOfEvery(p *parser, _ bool) (Rule, bool) {
	p.word("la", "alla", "a", "l'")
	switch {
	case p.word("fine"):
	case p.seq("ultimo", "giorno"):
	default:
		return Rule{}, false
	}
	if !p.anySeq([]string{"di", "ogni"}, []string{"di", "ciascun"}, []string{"del"}) {
		// "fine mese"
		if p.word("mese") {
			return Rule{kind: Cadence, months: 1}, true
		}
		return Rule{}, false
	}
	m, ok := p.periodNoun()
	return Rule{kind: Cadence, months: m}, ok
}

// periodRef reads "di ogni trimestre", "del trimestre", "del primo
// semestre 2024", "dell'anno".
func (p *parser) periodRef() (months, index, year int, ok bool) {
	if !p.anySeq([]string{"di", "ogni"}, []string{"di", "ciascun"}, []string{"di", "ciascuno"}) {
		p.word("del", "dello", "dell'", "della")
	}
	index, _ = p.ordinal()
	months, ok = p.periodNoun()
	if !ok {
		return 0, 0, 0, false
	}
	if index != 0 {
		if index == -1 {
			index = 12 / months
		}
		if index > 12/months {
			return 0, 0, 0, false
		}
	}
	if y, ok := p.year(); ok {
		year = y
		if months == 12 {
			index = 1
		}
	} else if months != 12 {
		p.anySeq([]string{"di", "ogni", "anno"}, []string{"dell'", "anno"})
	}
	return months, index, year, true
}

// "entro 10 gg dalla fine di ogni trimestre", "entro 30 giorni dalla
// scadenza del trimestre".
func altAfterPeriod(p *parser, _ bool) (Rule, bool) {
	off, ok := p.offset()
	if !ok || !p.from() {
		return Rule{}, false
	}
	if !p.word("fine", "scadenza", "chiusura", "conclusione", "termine") {
		return Rule{}, false
	}
	months, index, year, ok := p.periodRef()
	return Rule{kind: AfterPeriod, months: months, index: index, year: year, off: off}, ok
}

// "entro il primo semestre", "entro il primo trimestre 2024", "entro la
// fine del secondo semestre".
func altPeriodEnd(p *parser, _ bool) (Rule, bool) {
	p.word("il", "la", "l'", "alla")
	if p.word("fine") {
		p.word("del", "dello", "dell'", "della")
	}
	index, ok := p.ordinal()
	if !ok {
		return Rule{}, false
	}
	months, ok := p.periodNoun()
	if !ok || months == 12 {
		return Rule{}, false
	}
	if index == -1 {
		index = 12 / months
	}
	if index > 12/months {
		return Rule{}, false
	}
	year := 0
	if y, ok := p.year(); ok {
		year = y
	} else {
		p.anySeq([]string{"di", "ogni", "anno"}, []string{"dell'", "anno"})
	}
	return Rule{kind: AfterPeriod, months: months, index: index, year: year}, true
}

// knownEvents maps the documents whose approval starts a term to event
// names; keys are the document's words joined by spaces, without dots.
var knownEvents = map[string]string{
	"bilancio":                  "bilancio",
	"bilancio di previsione":    "bilancio",
	"bilancio previsionale":     "bilancio",
	"rendiconto":                "rendiconto",
	"rendiconto di gestione":    "rendiconto",
	"rendiconto della gestione": "rendiconto",
	"piao":                      "piao",
	"piano integrato di attivita e organizzazione": "piao",
	"dup":                               "dup",
	"documento unico di programmazione": "dup",
	"peg":                               "peg",
	"piano esecutivo di gestione":       "peg",
}

var reEventName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// "entro 30 gg dall'approvazione del Bilancio", "entro 10 giorni
// dall'evento collaudo".
func altEvent(p *parser, _ bool) (Rule, bool) {
	off, ok := p.offset()
	if !ok || !p.from() {
		return Rule{}, false
	}
	p.word("data")
	p.word("dell'", "l'")
	if p.word("evento") {
		name := p.peek()
		if !reEventName.MatchString(name) {
			return Rule{}, false
		}
		p.pos++
		return Rule{kind: AfterEvent, event: name, off: off}, true
	}
	if !p.word("approvazione", "adozione") || !p.article() {
		return Rule{}, false
	}
	rest := strings.ReplaceAll(strings.Join(p.toks[p.pos:], " "), ".", "")
	name, ok := knownEvents[rest]
	if !ok {
		return Rule{}, false
	}
	p.pos = len(p.toks)
	return Rule{kind: AfterEvent, event: name, off: off}, true
}

// "ogni trimestre", "cadenza quadrimestrale", "mensile", "ogni 3 mesi".
func altCadence(p *parser, entro bool) (Rule, bool) {
	bare := !entro
	if p.word("con", "a") {
		bare = false
	}
	if p.word("cadenza", "frequenza", "periodicita", "scadenza") {
		m, ok := periodAdjectives[p.peek()]
		if ok {
			p.pos++
		}
		return Rule{kind: Cadence, months: m}, ok
	}
	if p.word("ogni", "ciascun") {
		if m, ok := p.periodNoun(); ok {
			return Rule{kind: Cadence, months: m}, true
		}
		n, ok := p.number()
		if !ok || !p.word("mesi") || n < 1 || 12%n != 0 {
			return Rule{}, false
		}
		return Rule{kind: Cadence, months: n}, true
	}
	if !bare {
		return Rule{}, false
	}
	if m, ok := periodAdjectives[p.peek()]; ok {
		p.pos++
		return Rule{kind: Cadence, months: m}, true
	}
	if m, ok := periodAdverbs[p.peek()]; ok {
		p.pos++
		return Rule{kind: Cadence, months: m}, true
	}
	return Rule{}, false
}
