package deadline

import "testing"

// BenchmarkYearOfDeadlines dates one year of 60,000 deadline items (the
// seed's phrases, cycled) with three reminders each, the way the deadline
// engine's one-year simulation does. Run with
//
//	go test -run '^$' -bench YearOfDeadlines -benchmem ./workflow/deadline/
func BenchmarkYearOfDeadlines(b *testing.B) {
	rules := make([]Rule, 0, len(seedUnderstood))
	for _, s := range seedUnderstood {
		rules = append(rules, MustParse(s.phrase))
	}
	cal := lecco()
	from, to := day("2024-01-01"), day("2024-12-31")
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range 60000 {
			for _, o := range rules[i%len(rules)].Occurrences(cal, from, to, seedEvents) {
				for _, off := range [...]int{10, 3, 0} {
					if cal.WorkingDaysBefore(o.Due, off).After(o.Due) {
						b.Fatal("a reminder after its due date")
					}
				}
				n++
			}
		}
		if n == 0 {
			b.Fatal("no occurrences")
		}
	}
}
