package calendar

import "time"

// dayNumber returns the number of days from 1970-01-01 to d (negative
// before it), computed without time.Time so the hot paths of the calendar
// do not allocate or consult a zone. Out-of-range days roll over as in
// time.Date (31 April is 1 May).
func dayNumber(d Date) int {
	y, m := d.Year, int(d.Month)
	// Normalise the month first so month arithmetic (Month+1 at December)
	// behaves like time.Date.
	if m < 1 || m > 12 {
		y += floorDiv(m-1, 12)
		m = (m-1)%12 + 1
		if m < 1 {
			m += 12
		}
	}
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNumber is the inverse of dayNumber.
func fromDayNumber(n int) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// weekdayOf returns the day of the week of day number n (1970-01-01 was a
// Thursday).
func weekdayOf(n int) time.Weekday {
	w := (n + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
