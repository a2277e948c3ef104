package calendar

import (
	"testing"
	"time"
)

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// lecco is the embedded default configuration's calendar.
func lecco() *Calendar {
	s := DefaultSettings()
	s.PatronSaint = MonthDay{Month: time.December, Day: 6}
	return New(s)
}

func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1818, "1818-03-22"}, // earliest possible
		{1943, "1943-04-25"}, // latest possible
		{2000, "2000-04-23"},
		{2019, "2019-04-21"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2038, "2038-04-25"},
		{2285, "2285-03-22"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Easter(tt.year).String(); got != tt.want {
				t.Errorf("Easter(%d) = %s, want %s", tt.year, got, tt.want)
			}
		})
	}
}

func TestHoliday(t *testing.T) {
	cal := lecco()
	tests := []struct {
		name, date, want string // want "" = not a holiday
	}{
		{"Easter Monday 2024", "2024-04-01", "Lunedì dell'Angelo"},
		{"Easter Monday 2025", "2025-04-21", "Lunedì dell'Angelo"},
		{"Easter Monday 2026", "2026-04-06", "Lunedì dell'Angelo"},
		{"Easter Monday 2027", "2027-03-29", "Lunedì dell'Angelo"},
		{"Easter Sunday 2024", "2024-03-31", "Pasqua"},
		{"day after Easter Monday", "2025-04-22", ""},
		{"4 October 2024 is not a holiday yet", "2024-10-04", ""},
		{"4 October 2025 is not a holiday yet", "2025-10-04", ""},
		{"4 October 2026 is a holiday", "2026-10-04", "San Francesco d'Assisi"},
		{"4 October 2027 is a holiday", "2027-10-04", "San Francesco d'Assisi"},
		{"patron saint of Lecco", "2024-12-06", "Santo patrono"},
		{"Immacolata", "2024-12-08", "Immacolata Concezione"},
		{"Liberazione", "2025-04-25", "Festa della Liberazione"},
		{"Repubblica", "2026-06-02", "Festa della Repubblica"},
		{"Ferragosto", "2024-08-15", "Ferragosto"},
		{"Santo Stefano", "2027-12-26", "Santo Stefano"},
		{"Epifania", "2025-01-06", "Epifania"},
		{"29 February", "2024-02-29", ""},
		{"ordinary Wednesday", "2025-03-12", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := cal.Holiday(d(tt.date))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Holiday(%s) = %q, %v; want %q", tt.date, got, ok, tt.want)
			}
		})
	}
	if name, ok := New(Settings{}).Holiday(d("2024-12-06")); ok {
		t.Errorf("without a patron saint 06/12 is %q, want no holiday", name)
	}
	extra := New(Settings{ExtraHolidays: []MonthDay{{Month: time.June, Day: 29}}})
	if name, ok := extra.Holiday(d("2025-06-29")); !ok || name != "Festività locale" {
		t.Errorf("extra holiday 29/06 = %q, %v", name, ok)
	}
}

func TestIsWorkingDayAndFestivo(t *testing.T) {
	closure := d("2024-07-05") // a Friday
	s := DefaultSettings()
	s.PatronSaint = MonthDay{Month: time.December, Day: 6}
	s.Closures = []Date{closure}
	cal := New(s)
	noShiftPatron := New(Settings{PatronSaint: MonthDay{Month: time.December, Day: 6}})
	shiftSat := New(Settings{ShiftSaturday: true})
	tests := []struct {
		name    string
		cal     *Calendar
		date    string
		working bool
		festivo bool
	}{
		{"ordinary Friday", cal, "2024-10-04", true, false},
		{"Saturday is not a working day nor festivo", cal, "2025-10-04", false, false},
		{"Saturday is festivo when set", shiftSat, "2025-10-04", false, true},
		{"Sunday", cal, "2024-06-30", false, true},
		{"4 October 2027, a Monday", cal, "2027-10-04", false, true},
		{"Easter Monday 2026", cal, "2026-04-06", false, true},
		{"patron saint", cal, "2024-12-06", false, true},
		{"patron saint without shift", noShiftPatron, "2024-12-06", false, false},
		{"closure blocks reminders only", cal, "2024-07-05", false, false},
		{"29 February 2024", cal, "2024-02-29", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkingDay(d(tt.date)); got != tt.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
			}
			if got := tt.cal.IsFestivo(d(tt.date)); got != tt.festivo {
				t.Errorf("IsFestivo(%s) = %v, want %v", tt.date, got, tt.festivo)
			}
		})
	}
}

func TestShiftDue(t *testing.T) {
	cal := lecco()
	satCal := New(Settings{ShiftSaturday: true, ShiftPatronSaint: true, PatronSaint: MonthDay{Month: time.December, Day: 6}})
	noPatronShift := New(Settings{PatronSaint: MonthDay{Month: time.December, Day: 6}})
	closed := New(Settings{Closures: []Date{d("2024-07-05")}})
	tests := []struct {
		name     string
		cal      *Calendar
		in, want string
	}{
		{"working day stays", cal, "2024-02-29", "2024-02-29"},
		{"Sunday moves to Monday", cal, "2024-06-30", "2024-07-01"},
		{"Saturday stays by default", cal, "2025-06-28", "2025-06-28"},
		{"Saturday moves when set", satCal, "2025-06-28", "2025-06-30"},
		{"Easter Sunday moves past Easter Monday", cal, "2024-03-31", "2024-04-02"},
		{"Easter Monday 2027", cal, "2027-03-29", "2027-03-30"},
		{"4 October 2025 (Saturday, no holiday) stays", cal, "2025-10-04", "2025-10-04"},
		{"4 October 2027 moves", cal, "2027-10-04", "2027-10-05"},
		{"patron saint moves", cal, "2027-12-06", "2027-12-07"},
		{"patron saint stays when not shifted", noPatronShift, "2027-12-06", "2027-12-06"},
		{"Christmas and Santo Stefano", cal, "2024-12-25", "2024-12-27"},
		{"Saturday, then Sunday and patron saint", satCal, "2026-12-05", "2026-12-07"},
		{"Sunday before Epifania on Monday", cal, "2025-01-05", "2025-01-07"},
		{"closure does not move a due date", closed, "2024-07-05", "2024-07-05"},
		{"New Year's Eve Sunday into 2 January", cal, "2023-12-31", "2024-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.ShiftDue(d(tt.in)).String(); got != tt.want {
				t.Errorf("ShiftDue(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBeforeAfter(t *testing.T) {
	s := DefaultSettings()
	s.PatronSaint = MonthDay{Month: time.December, Day: 6}
	s.Closures = []Date{d("2024-07-05")}
	cal := New(s)
	before := []struct {
		name string
		due  string
		n    int
		want string
	}{
		{"on the day, working", "2024-04-02", 0, "2024-04-02"},
		{"on the day, holiday moves earlier", "2024-04-01", 0, "2024-03-29"},
		{"on the day, Saturday moves to Friday", "2025-06-28", 0, "2025-06-27"},
		{"one before skips Easter Monday and weekend", "2024-04-02", 1, "2024-03-29"},
		{"three before skip the patron saint", "2024-12-09", 3, "2024-12-03"},
		{"closure is skipped", "2024-07-08", 1, "2024-07-04"},
		{"ten before cross the year and Christmas", "2024-01-08", 10, "2023-12-20"},
		{"negative counts as zero", "2024-04-01", -2, "2024-03-29"},
	}
	for _, tt := range before {
		t.Run("before/"+tt.name, func(t *testing.T) {
			if got := cal.WorkingDaysBefore(d(tt.due), tt.n).String(); got != tt.want {
				t.Errorf("WorkingDaysBefore(%s, %d) = %s, want %s", tt.due, tt.n, got, tt.want)
			}
		})
	}
	after := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"one after skips Easter Monday", "2024-03-29", 1, "2024-04-02"},
		{"one after skips Christmas", "2024-12-24", 1, "2024-12-27"},
		{"three after cross New Year and Epifania", "2024-12-31", 3, "2025-01-07"},
		{"five after skip patron saint and Immacolata", "2027-12-03", 5, "2027-12-14"},
		{"zero counts as one", "2024-03-29", 0, "2024-04-02"},
	}
	for _, tt := range after {
		t.Run("after/"+tt.name, func(t *testing.T) {
			if got := cal.WorkingDaysAfter(d(tt.from), tt.n).String(); got != tt.want {
				t.Errorf("WorkingDaysAfter(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := lecco()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"over Easter", "2024-03-29", "2024-04-02", 1},
		{"over the year end", "2024-12-20", "2025-01-07", 8},
		{"same day", "2024-05-06", "2024-05-06", 0},
		{"reversed", "2024-05-07", "2024-05-06", 0},
		{"end is counted, start is not", "2024-05-06", "2024-05-07", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkingDaysBetween(d(tt.a), d(tt.b)); got != tt.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestConsistency checks the fast paths against day-by-day walks over
// several years, across year ends and leap days.
func TestConsistency(t *testing.T) {
	cal := lecco()
	start := d("2023-11-01")
	for day := start; day.Before(d("2028-02-01")); day = day.AddDays(7) {
		count := 0
		for e := day; e.Before(d("2028-03-01")); {
			e = e.AddDays(1)
			if cal.IsWorkingDay(e) {
				count++
				if got := cal.WorkingDaysBetween(day, e); got != count {
					t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", day, e, got, count)
				}
				if count <= 15 {
					if got := cal.WorkingDaysAfter(day, count); got != e {
						t.Fatalf("WorkingDaysAfter(%s, %d) = %s, want %s", day, count, got, e)
					}
				}
			}
			if count > 40 {
				break
			}
		}
		for n := 1; n <= 12; n++ {
			w := cal.WorkingDaysBefore(day, n)
			if !w.Before(day) || !cal.IsWorkingDay(w) {
				t.Fatalf("WorkingDaysBefore(%s, %d) = %s: not a working day before", day, n, w)
			}
			if got := cal.WorkingDaysBetween(w.AddDays(-1), day.AddDays(-1)); got != n {
				t.Fatalf("WorkingDaysBefore(%s, %d) = %s leaves %d working days before the due date", day, n, w, got)
			}
		}
		s := cal.ShiftDue(day)
		if s.Before(day) || cal.IsFestivo(s) {
			t.Fatalf("ShiftDue(%s) = %s", day, s)
		}
	}
}

func TestDayNumberRoundTrip(t *testing.T) {
	for day := D(1899, time.December, 25); day.Before(d("2101-01-10")); day = day.AddDays(1) {
		n := dayNumber(day)
		if back := fromDayNumber(n); back != day {
			t.Fatalf("fromDayNumber(dayNumber(%s)) = %s", day, back)
		}
		if weekdayOf(n) != day.Weekday() {
			t.Fatalf("weekday of %s = %s, want %s", day, weekdayOf(n), day.Weekday())
		}
	}
	if got := dayNumber(Date{Year: 2024, Month: 13, Day: 1}); got != dayNumber(d("2025-01-01")) {
		t.Errorf("month 13 does not roll over")
	}
}

func TestTodayAndAt(t *testing.T) {
	cal := New(Settings{})
	if got := cal.Location().String(); got != "Europe/Rome" {
		t.Fatalf("default location = %s", got)
	}
	now := time.Date(2024, 3, 30, 23, 30, 0, 0, time.UTC)
	if got := cal.Today(now).String(); got != "2024-03-31" {
		t.Errorf("Today(%s) = %s, want 2024-03-31 in Rome", now, got)
	}
	tests := []struct {
		name, date string
		wantUTC    string
	}{
		{"Saturday before spring DST", "2024-03-30", "2024-03-30T08:00:00Z"},
		{"Sunday of spring DST", "2024-03-31", "2024-03-31T07:00:00Z"},
		{"Saturday before autumn DST", "2024-10-26", "2024-10-26T07:00:00Z"},
		{"Sunday of autumn DST", "2024-10-27", "2024-10-27T08:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := cal.At(d(tt.date), 9, 0)
			if got := at.UTC().Format(time.RFC3339); got != tt.wantUTC {
				t.Errorf("At(%s, 09:00) = %s, want %s", tt.date, got, tt.wantUTC)
			}
			if local := at.In(cal.Location()); local.Hour() != 9 || cal.Today(at) != d(tt.date) {
				t.Errorf("At(%s, 09:00) reads %s locally", tt.date, local)
			}
		})
	}
}

func TestNoAllocations(t *testing.T) {
	cal := lecco()
	due := d("2025-01-07")
	cal.IsWorkingDay(due) // warm the year cache
	from := d("2024-06-01")
	cal.IsWorkingDay(from)
	allocs := testing.AllocsPerRun(100, func() {
		cal.WorkingDaysBefore(due, 10)
		cal.WorkingDaysAfter(due, 10)
		cal.WorkingDaysBetween(from, due)
		cal.ShiftDue(due)
		cal.IsFestivo(due)
		cal.Holiday(due)
	})
	if allocs != 0 {
		t.Errorf("calendar queries allocate %.1f times per run, want 0", allocs)
	}
}

// TestConcurrentUse: goroutines that fill the year cache at the same time
// see the same answers (run with -race).
func TestConcurrentUse(t *testing.T) {
	cal := lecco()
	ref := lecco()
	done := make(chan [2]Date, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			due := D(2020+g, time.January, 8)
			done <- [2]Date{due, cal.WorkingDaysBefore(due, 10)}
		}(g)
	}
	for g := 0; g < 8; g++ {
		got := <-done
		if want := ref.WorkingDaysBefore(got[0], 10); got[1] != want {
			t.Errorf("WorkingDaysBefore(%s, 10) = %s concurrently, want %s", got[0], got[1], want)
		}
	}
}
