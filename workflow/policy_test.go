package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const dstPlan = `
organisation: Prova
year: 2025
directorates: [{code: "I", name: Bilancio}]
people: [{id: anna, name: Anna Rossi, email: anna@example.org}]
objectives:
  - id: I-01
    title: Bilancio
    directorate: "I"
    staff: [anna]
    phases:
      - {n: 1, text: Dopo il cambio di marzo, deadline: "entro il 31/03/2025"}
      - {n: 2, text: Dopo il cambio di ottobre, deadline: "entro il 27/10/2025"}
`

// TestRemindersAcrossDaylightSavingChanges: the last Sundays of March
// (30/03/2025) and October (26/10/2025) move the clocks; a 09:00 reminder
// still fires once, at 09:00 local time, on the right day.
func TestRemindersAcrossDaylightSavingChanges(t *testing.T) {
	e := newEnvWith(t, at(2025, 3, 10, 0, 0), dstPlan, "organisation: prova\ntracking_start: 01/01/2025\nescalation: {nag_every: 0, steps: []}\n")
	e.run(at(2025, 11, 5, 0, 0))
	var got []string
	for _, d := range e.rec.all() {
		got = append(got, d.At.In(rome).Format("Mon 02/01 15:04")+" = "+d.At.UTC().Format("15:04Z"))
	}
	want := []string{
		"Mon 17/03 09:00 = 08:00Z", // 10 working days before 31/03
		"Wed 26/03 09:00 = 08:00Z", // 3 before: still winter time
		"Mon 31/03 09:00 = 07:00Z", // on the day, the Monday after the change
		"Mon 13/10 09:00 = 07:00Z",
		"Wed 22/10 09:00 = 07:00Z",
		"Mon 27/10 09:00 = 08:00Z", // the Monday after the change back
	}
	if !slices.Equal(got, want) {
		t.Fatalf("reminders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPolicyStepsSkipHolidaysAndWeekends(t *testing.T) {
	e := newEnv(t, at(2024, 1, 1, 0, 0))
	pol := e.eng.Snapshot().Policy
	cal := pol.Calendar()
	tests := []struct {
		name string
		due  time.Time
		want []string // step days, dd/mm
	}{
		// Due Tuesday 02/04/2024; Easter Monday 01/04 is a holiday.
		{"easter", at(2024, 4, 2, 0, 0), []string{"r10 18/03", "r3 27/03", "r0 02/04"}},
		// Due Saturday 08/06/2024: the on-the-day reminder moves to Friday.
		{"saturday", at(2024, 6, 8, 0, 0), []string{"r10 27/05", "r3 05/06", "r0 07/06"}},
		// Due Monday 09/12/2024: 06/12 (Lecco's patron saint) is no working day.
		{"patron saint", at(2024, 12, 9, 0, 0), []string{"r10 22/11", "r3 03/12", "r0 09/12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due := cal.Today(tc.due)
			var got []string
			for _, s := range pol.Steps(due, time.Time{}, tc.due.Add(23*time.Hour)) {
				got = append(got, strings.SplitN(s.Name, "@", 2)[0]+" "+s.Day.Italian()[:5])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("steps = %v, want %v", got, tc.want)
			}
		})
	}
}
