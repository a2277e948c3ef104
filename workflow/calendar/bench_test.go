package calendar

import "testing"

// The deadline engine's one-year simulation asks these questions millions
// of times; run with
//
//	go test -run '^$' -bench . -benchmem ./workflow/calendar/
func BenchmarkWorkingDaysBefore(b *testing.B) {
	cal := lecco()
	start := d("2024-01-01")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cal.WorkingDaysBefore(start.AddDays(i%730), 10)
	}
}

func BenchmarkWorkingDaysAfter(b *testing.B) {
	cal := lecco()
	start := d("2024-01-01")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cal.WorkingDaysAfter(start.AddDays(i%730), 10)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	cal := lecco()
	a, e := d("2024-01-15"), d("2025-11-20")
	b.ReportAllocs()
	for b.Loop() {
		cal.WorkingDaysBetween(a, e)
	}
}

func BenchmarkShiftDue(b *testing.B) {
	cal := lecco()
	start := d("2024-01-01")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cal.ShiftDue(start.AddDays(i % 730))
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	cal := lecco()
	day := d("2026-10-04")
	b.ReportAllocs()
	for b.Loop() {
		cal.IsWorkingDay(day)
	}
}
