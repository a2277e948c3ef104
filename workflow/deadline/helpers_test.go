package deadline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sollecito/workflow/calendar"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// lecco is the calendar of the embedded default configuration.
func lecco() *calendar.Calendar {
	s := calendar.DefaultSettings()
	s.PatronSaint = calendar.MonthDay{Month: time.December, Day: 6}
	return calendar.New(s)
}

// render writes occurrences as "label nominal due" lines, the form the
// tables below expect.
func render(occ []Occurrence) string {
	var b strings.Builder
	for i, o := range occ {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s %s", o.Label, o.Nominal, o.Due)
	}
	return b.String()
}

func mustParse(t *testing.T, phrase string) Rule {
	t.Helper()
	r, err := Parse(phrase)
	if err != nil {
		t.Fatalf("Parse(%q): %v", phrase, err)
	}
	return r
}
