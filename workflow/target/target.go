// Package target understands the TARGET column of the plan's indicators
// where it is machine-readable (">= 90%", "Scostamento <= 20 giorni",
// "entro il 31/01/2024", "Rispettato", ...) and evaluates values against
// it. A target it does not understand keeps its text, is shown as written
// and is never evaluated: an evaluation is never wrong by construction,
// because anything ambiguous is left unreadable. docs/values.md lists the
// shapes understood.
package target

import (
	"math"

	"sollecito/workflow/calendar"
	"sollecito/workflow/value"
)

// Comparison operators a readable target may carry.
const (
	OpGE = ">="
	OpLE = "<="
	OpGT = ">"
	OpLT = "<"
	OpEQ = "="
)

// measure is what a readable target measures; it decides which value
// kinds can be compared with it.
type measure int

const (
	measureNone    measure = iota
	measurePercent         // "90%": percent and ratio values
	measureTime            // giorni, settimane, mesi: days values (and plain numbers)
	measureHours           // ore: plain numbers only
	measureMoney           // €: plain numbers only
	measureNoun            // "4 incontri", "n. report = 2": counts and plain numbers
	measurePlain           // ">= 2", "<=30": counts, plain numbers, days
	measureYesNo           // "Rispettato", "rispetto dei tempi": yes/no values
	measureDate            // "entro il 31/01/2024": date values
)

// Target is an indicator's target: its text as written and, when it is
// machine-readable, what it asks for. The zero Target is an empty,
// unreadable target.
type Target struct {
	text      string
	readable  bool
	measure   measure
	op        string
	threshold float64
	// minDays and maxDays are how many days one unit of a time target is
	// worth: 1 for days, 7 for weeks, 28..31 for months.
	minDays, maxDays float64
	unit             string // "%", "giorni", "settimane", "mesi", "ore", "€", a noun, ""
	deviation        bool   // "scostamento ...": the value is a delay in days
	date             calendar.Date
}

// Readable reports whether the target was understood.
func (t Target) Readable() bool { return t.readable }

// Text returns the target as written in the plan.
func (t Target) Text() string { return t.text }

// Op returns the comparison of a readable numeric or date target (OpGE,
// OpLE, OpGT, OpLT, OpEQ; OpLE for a date deadline), "" for a yes/no target
// or an unreadable one.
func (t Target) Op() string { return t.op }

// Threshold returns the number a numeric target compares with, in the
// target's unit.
func (t Target) Threshold() float64 { return t.threshold }

// Unit returns the unit of a numeric target: "%", "giorni", "settimane",
// "mesi", "ore", "€", the noun counted ("incontri", "report"), or "".
func (t Target) Unit() string { return t.unit }

// Date returns the deadline of a date target ("entro il 31/01/2024").
func (t Target) Date() calendar.Date { return t.date }

// Deviation reports whether the target limits a deviation from the planned
// times ("Scostamento <= 20 giorni", "nessuno scostamento"): the value is
// then the delay in days.
func (t Target) Deviation() bool { return t.deviation }

// Kind returns the indicator kind whose values the target is naturally
// compared with ("percent", "days", "count", "number", "yesno", "date"), or
// "" when the target is not readable.
func (t Target) Kind() string {
	switch t.measure {
	case measurePercent:
		return value.KindPercent
	case measureTime:
		return value.KindDays
	case measureNoun:
		return value.KindCount
	case measureHours, measureMoney, measurePlain:
		return value.KindNumber
	case measureYesNo:
		return value.KindYesNo
	case measureDate:
		return value.KindDate
	}
	return ""
}

// Accepts reports whether values of the given indicator kind can be
// evaluated against t. Configuration checks use it to warn about an
// indicator whose kind does not fit its target.
func (t Target) Accepts(kind string) bool {
	if !t.readable {
		return false
	}
	switch t.measure {
	case measurePercent:
		return kind == value.KindPercent || kind == value.KindRatio
	case measureTime:
		return kind == value.KindDays || kind == value.KindNumber
	case measureHours, measureMoney:
		return kind == value.KindNumber
	case measureNoun:
		return kind == value.KindCount || kind == value.KindNumber
	case measurePlain:
		return kind == value.KindCount || kind == value.KindNumber || kind == value.KindDays
	case measureYesNo:
		return kind == value.KindYesNo
	case measureDate:
		return kind == value.KindDate
	}
	return false
}

// Evaluate says whether v meets the target. ok is false when the target is
// not readable, when v is "non applicabile", when v's kind cannot be
// compared with the target (a yes/no answer against "entro il ..."), or
// when the answer depends on something the target leaves open (20-30 days
// against "<= 1 mese"): Evaluate gives no verdict rather than a wrong one.
func (t Target) Evaluate(v value.Value) (met bool, ok bool) {
	if !t.Accepts(v.Kind) || v.NA {
		return false, false
	}
	switch t.measure {
	case measureYesNo:
		return v.Bool, true
	case measureDate:
		if v.Date.IsZero() {
			return false, false
		}
		return !v.Date.After(t.date), true
	case measureTime:
		lo := compare(v.Number, t.op, t.threshold*t.minDays)
		hi := compare(v.Number, t.op, t.threshold*t.maxDays)
		if lo != hi {
			return false, false
		}
		return lo, true
	}
	if math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
		return false, false
	}
	return compare(v.Number, t.op, t.threshold), true
}

// compare applies op with a tolerance, so that a computed percentage such
// as 100*9/10 equals 90.
func compare(x float64, op string, y float64) bool {
	eq := math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
	switch op {
	case OpGE:
		return x > y || eq
	case OpLE:
		return x < y || eq
	case OpGT:
		return x > y && !eq
	case OpLT:
		return x < y && !eq
	case OpEQ:
		return eq
	}
	return false
}

// Describe returns the target in words, in lang ("it" or "en"): "almeno
// 90%" / "at least 90%", "scostamento non oltre 20 giorni" / "deviation of
// at most 20 days", "entro il 31/01/2024" / "by 31/01/2024". An unreadable
// target is returned as written.
func (t Target) Describe(lang string) string {
	if !t.readable {
		return t.text
	}
	en := lang == "en"
	switch t.measure {
	case measureYesNo:
		return pick(en, "rispettato (sì)", "met (yes)")
	case measureDate:
		return pick(en, "entro il ", "by ") + t.date.Italian()
	}
	if t.deviation && t.op == OpEQ && t.threshold == 0 {
		return pick(en, "nessuno scostamento", "no deviation")
	}
	num := value.FormatNumber(t.threshold, pickLang(en))
	var amount string
	switch t.measure {
	case measurePercent:
		amount = num + "%"
	case measureMoney:
		amount = num + " €"
		if en {
			amount = "€" + num
		}
	case measureTime, measureHours:
		amount = num + " " + timeUnit(t.unit, t.threshold == 1, en)
	case measureNoun:
		amount = num + " " + t.unit
	default:
		amount = num
	}
	if t.deviation {
		return deviationWords(t.op, en) + " " + amount
	}
	if t.measure == measurePercent && t.op == OpGE && t.threshold == 100 {
		return amount // "100%": nothing above it
	}
	return opWords(t.op, en) + " " + amount
}

func deviationWords(op string, en bool) string {
	switch op {
	case OpGE:
		return pick(en, "scostamento di almeno", "deviation of at least")
	case OpLE:
		return pick(en, "scostamento non oltre", "deviation of at most")
	case OpGT:
		return pick(en, "scostamento superiore a", "deviation of more than")
	case OpLT:
		return pick(en, "scostamento inferiore a", "deviation of less than")
	}
	return pick(en, "scostamento pari a", "deviation of exactly")
}

func opWords(op string, en bool) string {
	switch op {
	case OpGE:
		return pick(en, "almeno", "at least")
	case OpLE:
		return pick(en, "non oltre", "at most")
	case OpGT:
		return pick(en, "più di", "more than")
	case OpLT:
		return pick(en, "meno di", "less than")
	}
	return pick(en, "pari a", "exactly")
}

func timeUnit(unit string, one, en bool) string {
	names := map[string][4]string{ // it plural, it singular, en plural, en singular
		"giorni":    {"giorni", "giorno", "days", "day"},
		"settimane": {"settimane", "settimana", "weeks", "week"},
		"mesi":      {"mesi", "mese", "months", "month"},
		"ore":       {"ore", "ora", "hours", "hour"},
	}
	n, ok := names[unit]
	if !ok {
		return unit
	}
	i := 0
	if one {
		i = 1
	}
	if en {
		i += 2
	}
	return n[i]
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

func pickLang(en bool) string {
	if en {
		return "en"
	}
	return "it"
}
