// Package deadline reads the deadline phrases of performance plans
// ("entro il 31/07", "entro 30 gg dall'approvazione del Bilancio", "ogni
// trimestre") into rules, and lists the dated instances of a rule inside a
// window on Sollecito's working calendar. The grammar is documented in
// docs/deadlines.md.
package deadline

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"sollecito/workflow/calendar"
)

// Kind is the shape of a deadline rule.
type Kind int

// The kinds of rule.
const (
	// Fixed is one date: "entro il 31/01/2024", "entro il gennaio 2024".
	Fixed Kind = iota + 1
	// Yearly is a day every year: "entro il 31/07".
	Yearly
	// Monthly is a day every month: "entro il 5 di ogni mese".
	Monthly
	// AfterPeriod is a term after the end of a period: "entro 10 gg dalla
	// fine di ogni trimestre", "entro il primo semestre".
	AfterPeriod
	// Cadence is due at the end of each period: "ogni trimestre".
	Cadence
	// AfterEvent is a term after an event whose date is recorded later:
	// "entro 30 gg dall'approvazione del Bilancio".
	AfterEvent
)

var kindNames = map[Kind]string{
	Fixed: "fixed", Yearly: "yearly", Monthly: "monthly",
	AfterPeriod: "after_period", Cadence: "cadence", AfterEvent: "after_event",
}

// String returns the kind's stable name ("fixed", "after_event", ...).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "unknown"
}

// MarshalText writes the kind's name, so JSON shows "yearly", not 2.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

type unit int

const (
	unitDays unit = iota
	unitMonths
	unitYears
)

// offset is a term: calendar days (the first day not counted), or months
// and years ending on the same-numbered day or the month's last day (art.
// 2963 c.c.).
type offset struct {
	n    int
	unit unit
}

func (o offset) apply(d calendar.Date) calendar.Date {
	switch o.unit {
	case unitMonths:
		return addMonths(d, o.n)
	case unitYears:
		return addMonths(d, 12*o.n)
	}
	return d.AddDays(o.n)
}

// addMonths moves d by n months, clamping to the last day of the month.
func addMonths(d calendar.Date, n int) calendar.Date {
	first := calendar.D(d.Year, d.Month+time.Month(n), 1)
	return calendar.MonthDay{Month: first.Month, Day: d.Day}.In(first.Year)
}

// Rule is a parsed deadline phrase. The zero Rule has no occurrences.
type Rule struct {
	phrase string
	kind   Kind

	date calendar.Date // Fixed

	md         calendar.MonthDay // Yearly; day 31 means the month's last day
	yearOffset int               // Yearly: years from the label year to the date

	day         int // Monthly: day of the month (clamped to its last day)
	monthOffset int // Monthly: 1 when due in the month after the labelled one

	months int // AfterPeriod, Cadence: length of the period in months
	index  int // AfterPeriod: which period of the year, 0 = each
	year   int // AfterPeriod: only this year, 0 = each

	off   offset // AfterPeriod, AfterEvent
	event string // AfterEvent
}

// Phrase returns the phrase the rule was parsed from, trimmed.
func (r Rule) Phrase() string { return r.phrase }

// Kind returns the shape of the rule.
func (r Rule) Kind() Kind { return r.kind }

// Event returns the name of the event an AfterEvent rule counts from
// ("bilancio", "rendiconto", "piao", ...), "" for other kinds.
func (r Rule) Event() string { return r.event }

// Occurrence is one dated instance of a rule.
type Occurrence struct {
	// Nominal is the date as the phrase gives it.
	Nominal calendar.Date
	// Due is Nominal moved past festivi by the calendar (ShiftDue).
	Due calendar.Date
	// Label identifies the instance inside its rule, stably: "2024",
	// "2024-03", "2024-T1", "2024-Q2", "2024-S1", "2024-01-31",
	// "bilancio". It is part of deadline ids.
	Label string
}

var defaultCalendar = sync.OnceValue(func() *calendar.Calendar {
	return calendar.New(calendar.DefaultSettings())
})

// Occurrences lists the instances whose nominal date lies in [from, to],
// ordered by nominal date. events maps event names to their dates; an
// AfterEvent rule whose event is missing has none (the caller shows
// "awaiting event"). A nil cal is the default calendar (Europe/Rome, no
// patron saint).
func (r Rule) Occurrences(cal *calendar.Calendar, from, to calendar.Date, events map[string]calendar.Date) []Occurrence {
	if to.Before(from) || r.kind == 0 {
		return nil
	}
	if cal == nil {
		cal = defaultCalendar()
	}
	var out []Occurrence
	add := func(nominal calendar.Date, label string) {
		if nominal.Before(from) || nominal.After(to) {
			return
		}
		out = append(out, Occurrence{Nominal: nominal, Due: cal.ShiftDue(nominal), Label: label})
	}
	switch r.kind {
	case Fixed:
		add(r.date, r.date.String())
	case Yearly:
		for y := from.Year - r.yearOffset - 1; y <= to.Year; y++ {
			add(r.md.In(y+r.yearOffset), strconv.Itoa(y))
		}
	case Monthly:
		first := calendar.D(from.Year, from.Month-time.Month(r.monthOffset+1), 1)
		for m := first; !m.After(to); m = calendar.D(m.Year, m.Month+1, 1) {
			due := calendar.D(m.Year, m.Month+time.Month(r.monthOffset), 1)
			add(calendar.MonthDay{Month: due.Month, Day: r.day}.In(due.Year), fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)))
		}
	case AfterPeriod, Cadence:
		r.periodOccurrences(from, to, add)
	case AfterEvent:
		if d, ok := events[r.event]; ok && !d.IsZero() {
			add(r.off.apply(d), r.event)
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int { return a.Nominal.Compare(b.Nominal) })
	return out
}

func (r Rule) periodOccurrences(from, to calendar.Date, add func(calendar.Date, string)) {
	if r.months < 1 || 12%r.months != 0 {
		return
	}
	per := 12 / r.months
	lead := 1 // years before from whose periods may still end inside it
	switch r.off.unit {
	case unitDays:
		lead += r.off.n/365 + 1
	case unitMonths:
		lead += r.off.n/12 + 1
	case unitYears:
		lead += r.off.n + 1
	}
	for y := from.Year - lead; y <= to.Year; y++ {
		if r.year != 0 && y != r.year {
			continue
		}
		for k := 1; k <= per; k++ {
			if r.index != 0 && k != r.index {
				continue
			}
			end := calendar.D(y, time.Month(k*r.months+1), 0) // last day of the period
			add(r.off.apply(end), periodLabel(y, r.months, k))
		}
	}
}

// periodLabel names the k-th period of length months in year y.
func periodLabel(y, months, k int) string {
	switch months {
	case 1:
		return fmt.Sprintf("%04d-%02d", y, k)
	case 2:
		return fmt.Sprintf("%04d-B%d", y, k)
	case 3:
		return fmt.Sprintf("%04d-T%d", y, k)
	case 4:
		return fmt.Sprintf("%04d-Q%d", y, k)
	case 6:
		return fmt.Sprintf("%04d-S%d", y, k)
	}
	return strconv.Itoa(y)
}
