package deadline

import (
	"fmt"
	"time"

	"sollecito/workflow/calendar"
)

var periodNames = map[int][2]string{ // it, en
	1: {"mese", "month"}, 2: {"bimestre", "two-month period"}, 3: {"trimestre", "quarter"},
	4: {"quadrimestre", "four-month period"}, 6: {"semestre", "half-year"}, 12: {"anno", "year"},
}

var ordinalNames = [][2]string{
	{"", ""}, {"primo", "first"}, {"secondo", "second"}, {"terzo", "third"}, {"quarto", "fourth"},
	{"quinto", "fifth"}, {"sesto", "sixth"},
}

var monthNamesIT = [...]string{"", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
	"luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// Describe returns a short reading of the rule for people, in Italian
// ("ogni anno il 31/07") or, with lang "en", English ("every year on
// 31/07").
func (r Rule) Describe(lang string) string {
	en := lang == "en"
	pick := func(it, eng string) string {
		if en {
			return eng
		}
		return it
	}
	switch r.kind {
	case Fixed:
		return pick("entro il "+r.date.Italian(), "by "+r.date.Italian())
	case Yearly:
		day := describeMonthDay(r.md, en)
		s := pick("ogni anno "+day, "every year "+day)
		if r.yearOffset > 0 {
			s += pick(" dell'anno successivo", " of the following year")
		}
		return s
	case Monthly:
		switch {
		case r.monthOffset > 0 && r.day >= 31:
			return pick("l'ultimo giorno del mese successivo a ciascun mese", "on the last day of the month after each month")
		case r.monthOffset > 0:
			return pick(fmt.Sprintf("il giorno %d del mese successivo a ciascun mese", r.day), fmt.Sprintf("on day %d of the month after each month", r.day))
		case r.day >= 31:
			return pick("l'ultimo giorno di ogni mese", "on the last day of every month")
		}
		return pick(fmt.Sprintf("il giorno %d di ogni mese", r.day), fmt.Sprintf("on day %d of every month", r.day))
	case Cadence:
		p := periodNames[r.months]
		return pick("alla fine di ogni "+p[0], "at the end of every "+p[1])
	case AfterPeriod:
		return r.describeAfterPeriod(en)
	case AfterEvent:
		return pick(fmt.Sprintf("%s dopo l'evento «%s»", r.off.describe(false), r.event),
			fmt.Sprintf("%s after the event %q", r.off.describe(true), r.event))
	}
	return pick("scadenza non valida", "invalid deadline")
}

func (r Rule) describeAfterPeriod(en bool) string {
	l := 0
	if en {
		l = 1
	}
	p := periodNames[r.months][l]
	var what string
	switch {
	case r.index == 0 && r.year != 0:
		what = [2]string{"di ogni %s del %d", "of every %s of %d"}[l]
		what = fmt.Sprintf(what, p, r.year)
	case r.index == 0:
		what = [2]string{"di ogni ", "of every "}[l] + p
	case r.months == 1:
		what = [2]string{"di ", "of "}[l] + monthName(time.Month(r.index), en)
	case r.months == 12:
		what = [2]string{"dell'anno", "of the year"}[l]
	default:
		what = fmt.Sprintf([2]string{"del %s %s", "of the %s %s"}[l], ordinalNames[r.index][l], p)
	}
	if r.index != 0 {
		if r.year != 0 {
			what += fmt.Sprintf(" %d", r.year)
		} else {
			what += [2]string{" di ogni anno", " of every year"}[l]
		}
	}
	if r.off.n == 0 {
		s := [2]string{"alla fine ", "at the end "}[l] + what
		if r.year != 0 && r.index != 0 {
			end := calendar.D(r.year, time.Month(r.index*r.months+1), 0)
			s += " (" + end.Italian() + ")"
		}
		return s
	}
	return fmt.Sprintf([2]string{"%s dopo la fine %s", "%s after the end %s"}[l], r.off.describe(en), what)
}

func monthName(m time.Month, en bool) string {
	if en {
		return m.String()
	}
	return monthNamesIT[m]
}

func describeMonthDay(md calendar.MonthDay, en bool) string {
	if md.Day > calendar.D(2024, md.Month, 1).LastOfMonth().Day { // "entro febbraio"
		if en {
			return "on the last day of " + monthName(md.Month, true)
		}
		return "l'ultimo giorno di " + monthName(md.Month, false)
	}
	if en {
		return "on " + md.String()
	}
	return "il " + md.String()
}

func (o offset) describe(en bool) string {
	names := map[unit][4]string{
		unitDays:   {"giorno", "giorni", "day", "days"},
		unitMonths: {"mese", "mesi", "month", "months"},
		unitYears:  {"anno", "anni", "year", "years"},
	}[o.unit]
	i := 1
	if o.n == 1 {
		i = 0
	}
	if en {
		i += 2
	}
	return fmt.Sprintf("%d %s", o.n, names[i])
}
