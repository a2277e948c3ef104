package calendar

import (
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Rome must resolve even on a host without zoneinfo.
)

// DefaultZone is the zone a Calendar uses when Settings.Location is nil.
const DefaultZone = "Europe/Rome"

// Settings configure a Calendar. The zero value is a calendar of national
// holidays in Europe/Rome whose due dates do not move on the patron saint's
// day (there is none); DefaultSettings gives the documented defaults.
type Settings struct {
	// Location is the zone of wall-clock times; nil means Europe/Rome.
	Location *time.Location
	// PatronSaint is the local patron saint's day; zero means none.
	// Lecco: 06/12 (San Nicolò).
	PatronSaint MonthDay
	// Closures are extra office closures. They are not festivi: they stop
	// reminders on that day but do not move a legal due date.
	Closures []Date
	// ExtraHolidays are additional yearly public holidays set by
	// configuration: they move due dates and stop reminders.
	ExtraHolidays []MonthDay
	// ShiftSaturday moves a due date that falls on a Saturday (default
	// false: a Saturday due date stays, art. 2963 c.c.).
	ShiftSaturday bool
	// ShiftPatronSaint moves a due date that falls on the patron saint's
	// day (default true, see DefaultSettings).
	ShiftPatronSaint bool
}

// DefaultSettings returns the documented defaults: Europe/Rome, no patron
// saint, no closures, Saturday due dates stay, a due date on the patron
// saint's day moves. Configuration should start from these values, since
// the zero Settings has ShiftPatronSaint false.
func DefaultSettings() Settings {
	return Settings{ShiftPatronSaint: true}
}

// Calendar answers which days are festivi (they move a legal due date) and
// which are working days (reminders go out). It is safe for concurrent use:
// the per-year tables are computed once, published through atomic pointers
// and never modified afterwards.
type Calendar struct {
	loc      *time.Location
	settings Settings
	closures map[int][]Date // by year
	years    [cacheYears]atomic.Pointer[yearInfo]
}

// Years outside [cacheFirst, cacheFirst+cacheYears) are computed on every
// call; they are valid but slow.
const (
	cacheFirst = 1900
	cacheYears = 400
)

// dayFlags describe one day of a year.
type dayFlags uint8

const (
	flagFestivo dayFlags = 1 << iota
	flagWorking
)

// yearInfo is the immutable table of one year.
type yearInfo struct {
	year  int
	start int // day number of 1 January
	days  int // 365 or 366
	flags [366]dayFlags
	cum   [367]uint16    // cum[i]: working days among the first i days
	names map[int]string // day of year (0-based) -> holiday name
}

// New returns a Calendar for the given settings. Invalid month-days in the
// settings are ignored; configuration validates them before.
func New(s Settings) *Calendar {
	c := &Calendar{settings: s, closures: map[int][]Date{}}
	c.loc = s.Location
	if c.loc == nil {
		loc, err := time.LoadLocation(DefaultZone)
		if err != nil {
			// Unreachable: time/tzdata is embedded.
			panic("calendar: load " + DefaultZone + ": " + err.Error())
		}
		c.loc = loc
	}
	c.settings.Closures = append([]Date(nil), s.Closures...)
	c.settings.ExtraHolidays = append([]MonthDay(nil), s.ExtraHolidays...)
	for _, d := range c.settings.Closures {
		c.closures[d.Year] = append(c.closures[d.Year], d)
	}
	return c
}

// Location returns the zone of the calendar's wall-clock times.
func (c *Calendar) Location() *time.Location { return c.loc }

// Settings returns a copy of the settings the calendar was built with.
func (c *Calendar) Settings() Settings {
	s := c.settings
	s.Location = c.loc
	s.Closures = append([]Date(nil), s.Closures...)
	s.ExtraHolidays = append([]MonthDay(nil), s.ExtraHolidays...)
	return s
}

// year returns the table of year y, computing and caching it on first use.
func (c *Calendar) year(y int) *yearInfo {
	idx := y - cacheFirst
	if idx < 0 || idx >= cacheYears {
		return c.build(y)
	}
	if info := c.years[idx].Load(); info != nil {
		return info
	}
	// Two goroutines may build the same year; both results are equal and
	// the first one stored wins.
	info := c.build(y)
	if c.years[idx].CompareAndSwap(nil, info) {
		return info
	}
	return c.years[idx].Load()
}

func validMonthDay(md MonthDay) bool {
	return md.Month >= time.January && md.Month <= time.December && md.Day >= 1 && md.Day <= 31
}

func (c *Calendar) build(y int) *yearInfo {
	info := &yearInfo{year: y, start: dayNumber(Date{Year: y, Month: time.January, Day: 1}), names: map[int]string{}}
	info.days = 365
	if isLeap(y) {
		info.days = 366
	}
	var national, extra, patron, closed [366]bool
	doy := func(d Date) int { return dayNumber(d) - info.start }
	name := func(i int, n string) {
		if _, ok := info.names[i]; !ok {
			info.names[i] = n
		}
	}
	for _, h := range nationalFixed {
		if h.since != 0 && y < h.since {
			continue
		}
		i := doy(h.md.In(y))
		national[i] = true
		name(i, h.name)
	}
	e := doy(Easter(y))
	national[e], national[e+1] = true, true
	name(e, nameEaster)
	name(e+1, nameEasterMonday)
	for _, md := range c.settings.ExtraHolidays {
		if !validMonthDay(md) {
			continue
		}
		i := doy(md.In(y))
		extra[i] = true
		name(i, nameExtraHoliday)
	}
	if md := c.settings.PatronSaint; !md.IsZero() && validMonthDay(md) {
		i := doy(md.In(y))
		patron[i] = true
		name(i, namePatronSaint)
	}
	for _, d := range c.closures[y] {
		if i := doy(d); i >= 0 && i < info.days {
			closed[i] = true
		}
	}
	s := c.settings
	for i := 0; i < info.days; i++ {
		wd := weekdayOf(info.start + i)
		weekend := wd == time.Saturday || wd == time.Sunday
		var f dayFlags
		if wd == time.Sunday || national[i] || extra[i] ||
			(patron[i] && s.ShiftPatronSaint) || (wd == time.Saturday && s.ShiftSaturday) {
			f |= flagFestivo
		}
		if !weekend && !national[i] && !extra[i] && !patron[i] && !closed[i] {
			f |= flagWorking
		}
		info.flags[i] = f
		info.cum[i+1] = info.cum[i]
		if f&flagWorking != 0 {
			info.cum[i+1]++
		}
	}
	return info
}

// cursor walks the calendar day by day without allocating.
type cursor struct {
	c    *Calendar
	info *yearInfo
	i    int // day of year, 0-based
}

func (c *Calendar) at(d Date) cursor {
	n := dayNumber(d)
	info := c.year(d.Year)
	if i := n - info.start; i >= 0 && i < info.days {
		return cursor{c: c, info: info, i: i}
	}
	// d was not normalised (31 April); find its real year.
	nd := fromDayNumber(n)
	info = c.year(nd.Year)
	return cursor{c: c, info: info, i: n - info.start}
}

func (k *cursor) next() {
	k.i++
	if k.i >= k.info.days {
		k.info = k.c.year(k.info.year + 1)
		k.i = 0
	}
}

func (k *cursor) prev() {
	k.i--
	if k.i < 0 {
		k.info = k.c.year(k.info.year - 1)
		k.i = k.info.days - 1
	}
}

func (k cursor) is(f dayFlags) bool { return k.info.flags[k.i]&f != 0 }
func (k cursor) date() Date         { return fromDayNumber(k.info.start + k.i) }

// Holiday reports whether d is a public holiday and its Italian name: the
// national holidays (Easter Sunday and Monday computed, 4 October from 2026
// on), the patron saint's day and the extra holidays of the settings.
// Closures are not holidays.
func (c *Calendar) Holiday(d Date) (name string, ok bool) {
	k := c.at(d)
	name, ok = k.info.names[k.i]
	return name, ok
}

// IsFestivo reports whether a legal due date on d moves to a later day:
// a Sunday, a public holiday, the patron saint's day when ShiftPatronSaint
// is set, a Saturday when ShiftSaturday is set.
func (c *Calendar) IsFestivo(d Date) bool { return c.at(d).is(flagFestivo) }

// IsWorkingDay reports whether the office works on d, so reminders may go
// out: Monday to Friday, not a public holiday, not the patron saint's day,
// not a closure.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.at(d).is(flagWorking) }

// maxShift bounds the search for a day of the wanted kind, so a settings
// list that closes every day cannot loop forever.
const maxShift = 3 * 366

// ShiftDue returns the legal due date for a nominal date d: d itself when
// it is not festivo, otherwise the next day that is not (art. 2963 c.c.).
func (c *Calendar) ShiftDue(d Date) Date {
	k := c.at(d)
	for n := 0; k.is(flagFestivo) && n < maxShift; n++ {
		k.next()
	}
	return k.date()
}

// WorkingDayOnOrBefore returns d when it is a working day, otherwise the
// last working day before it.
func (c *Calendar) WorkingDayOnOrBefore(d Date) Date {
	k := c.at(d)
	for n := 0; !k.is(flagWorking) && n < maxShift; n++ {
		k.prev()
	}
	return k.date()
}

// WorkingDaysBefore returns the n-th working day strictly before d, so
// that exactly n working days lie in [result, d); n <= 0 returns
// WorkingDayOnOrBefore(d). A reminder "n working days before" a due date
// therefore moves earlier over holidays, never later.
func (c *Calendar) WorkingDaysBefore(d Date, n int) Date {
	if n <= 0 {
		return c.WorkingDayOnOrBefore(d)
	}
	k := c.at(d)
	for guard := 0; n > 0 && guard < maxShift*8; guard++ {
		k.prev()
		if k.is(flagWorking) {
			n--
		}
	}
	return k.date()
}

// WorkingDaysAfter returns the n-th working day strictly after d, so that
// exactly n working days lie in (d, result]; n < 1 counts as 1.
func (c *Calendar) WorkingDaysAfter(d Date, n int) Date {
	if n < 1 {
		n = 1
	}
	k := c.at(d)
	for guard := 0; n > 0 && guard < maxShift*8; guard++ {
		k.next()
		if k.is(flagWorking) {
			n--
		}
	}
	return k.date()
}

// WorkingDaysBetween counts the working days in (a, b]; 0 when b is not
// after a.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	if !b.After(a) {
		return 0
	}
	ka, kb := c.at(a), c.at(b)
	if ka.info.year == kb.info.year {
		return int(kb.info.cum[kb.i+1]) - int(ka.info.cum[ka.i+1])
	}
	n := int(ka.info.cum[ka.info.days]) - int(ka.info.cum[ka.i+1])
	for y := ka.info.year + 1; y < kb.info.year; y++ {
		info := c.year(y)
		n += int(info.cum[info.days])
	}
	return n + int(kb.info.cum[kb.i+1])
}

// Today returns the civil date of now in the calendar's location.
func (c *Calendar) Today(now time.Time) Date { return DateOf(now.In(c.loc)) }

// At returns the instant of the local wall-clock time hour:minute on d in
// the calendar's location. The offset is the one in force at that moment,
// so 09:00 is 09:00 on both sides of a daylight-saving change; a time that
// does not exist (02:30 on the last Sunday of March) is moved forward by
// the gap, and one that occurs twice (02:30 on the last Sunday of October)
// is the first of the two, as time.Date does.
func (c *Calendar) At(d Date, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, c.loc)
}
