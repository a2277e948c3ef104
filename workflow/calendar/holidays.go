package calendar

import "time"

// Easter returns the date of Easter Sunday in the given (Gregorian) year,
// by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func Easter(year int) Date {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{Year: year, Month: time.Month(month), Day: day}
}

// fixedHoliday is a national public holiday on the same day every year.
type fixedHoliday struct {
	md    MonthDay
	name  string
	since int // first year it applies; 0 = always
}

// nationalFixed are the fixed-date national holidays of L. 260/1949 and
// later changes. San Francesco (4 October) is a national holiday again from
// 2026 (L. 151/2025).
var nationalFixed = []fixedHoliday{
	{MonthDay{time.January, 1}, "Capodanno", 0},
	{MonthDay{time.January, 6}, "Epifania", 0},
	{MonthDay{time.April, 25}, "Festa della Liberazione", 0},
	{MonthDay{time.May, 1}, "Festa del Lavoro", 0},
	{MonthDay{time.June, 2}, "Festa della Repubblica", 0},
	{MonthDay{time.August, 15}, "Ferragosto", 0},
	{MonthDay{time.October, 4}, "San Francesco d'Assisi", 2026},
	{MonthDay{time.November, 1}, "Ognissanti", 0},
	{MonthDay{time.December, 8}, "Immacolata Concezione", 0},
	{MonthDay{time.December, 25}, "Natale", 0},
	{MonthDay{time.December, 26}, "Santo Stefano", 0},
}

// Names of the holidays that are not in nationalFixed.
const (
	nameEaster       = "Pasqua"
	nameEasterMonday = "Lunedì dell'Angelo"
	namePatronSaint  = "Santo patrono"
	nameExtraHoliday = "Festività locale"
)
