// Package calendar is Sollecito's working calendar: civil dates without a
// time of day, Italian public holidays, the local patron saint, closures,
// and the rules that move a due date forward and a reminder earlier.
package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (year, month, day) with no time of day and no zone.
// Deadlines are dates; instants are computed from them in the calendar's
// location, so daylight-saving changes never shift a deadline by a day.
// The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D builds a Date; it normalises out-of-range values as time.Date does.
func D(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// time returns noon UTC of d, a safe anchor for day arithmetic.
func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil returns the number of calendar days from d to e (negative when
// e is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.time().Sub(d.time()).Hours() / 24)
}

// LastOfMonth returns the last day of d's month.
func (d Date) LastOfMonth() Date { return D(d.Year, d.Month+1, 0) }

// In returns the instant of the given local wall-clock time on d in loc.
func (d Date) In(loc *time.Location, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}

// String formats d as ISO 8601 (YYYY-MM-DD); the zero Date is "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Italian formats d as dd/mm/yyyy, the form people read; "" for zero.
func (d Date) Italian() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// MarshalText writes the ISO form, so Dates read naturally in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts the forms ParseDate accepts.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDate reads a date written as dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy or
// ISO yyyy-mm-dd, and rejects dates that do not exist (31/02/2024).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var parts []string
	iso := false
	switch {
	case strings.Count(s, "-") == 2 && len(s) >= 8 && strings.Index(s, "-") == 4:
		parts, iso = strings.Split(s, "-"), true
	case strings.Count(s, "/") == 2:
		parts = strings.Split(s, "/")
	case strings.Count(s, ".") == 2:
		parts = strings.Split(s, ".")
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
	default:
		return Date{}, fmt.Errorf("data non valida %q: usare gg/mm/aaaa o aaaa-mm-gg", s)
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return Date{}, fmt.Errorf("data non valida %q: usare gg/mm/aaaa o aaaa-mm-gg", s)
		}
		nums[i] = n
	}
	y, m, d := nums[2], nums[1], nums[0]
	if iso {
		y, d = nums[0], nums[2]
	}
	if y < 100 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 9999 {
		return Date{}, fmt.Errorf("data non valida %q: giorno, mese o anno fuori intervallo", s)
	}
	out := D(y, time.Month(m), d)
	if out.Day != d || int(out.Month) != m {
		return Date{}, fmt.Errorf("data non valida %q: il giorno %d non esiste in quel mese", s, d)
	}
	return out, nil
}

// MonthDay is a day of the year without a year (a patron saint's day, a
// yearly deadline). The zero MonthDay means "none".
type MonthDay struct {
	Month time.Month
	Day   int
}

// IsZero reports whether md is unset.
func (md MonthDay) IsZero() bool { return md.Month == 0 }

// In returns md in the given year; 29/02 becomes 28/02 in common years.
func (md MonthDay) In(year int) Date {
	d := D(year, md.Month, 1)
	last := d.LastOfMonth().Day
	if md.Day > last {
		return D(year, md.Month, last)
	}
	return D(year, md.Month, md.Day)
}

// String writes md as dd/mm.
func (md MonthDay) String() string {
	if md.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d", md.Day, int(md.Month))
}

// ParseMonthDay reads dd/mm (or dd.mm, dd-mm).
func ParseMonthDay(s string) (MonthDay, error) {
	s = strings.TrimSpace(s)
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(f) != 2 {
		return MonthDay{}, fmt.Errorf("giorno dell'anno non valido %q: usare gg/mm", s)
	}
	d, err1 := strconv.Atoi(f[0])
	m, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > D(2024, time.Month(m), 1).LastOfMonth().Day {
		return MonthDay{}, fmt.Errorf("giorno dell'anno non valido %q: usare gg/mm", s)
	}
	return MonthDay{Month: time.Month(m), Day: d}, nil
}
