package deadline

import (
	"testing"

	"sollecito/workflow/calendar"
)

// TestFamilies covers every family of the grammar with the dates a user
// sees over 2024-2027 on Lecco's calendar (patron saint 6 December).
// Each expected line is "label nominal due".
func TestFamilies(t *testing.T) {
	events := map[string]calendar.Date{
		"bilancio":   day("2024-04-29"),
		"rendiconto": day("2024-04-29"),
		"piao":       day("2025-01-31"),
	}
	tests := []struct {
		name     string
		phrase   string
		kind     Kind
		from, to string
		want     string
	}{
		// A date.
		{"date dd/mm/yyyy", "entro il 31/01/2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-01-31 2024-01-31 2024-01-31"},
		{"date with dots on a Saturday stays", "entro il 30.11.2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-11-30 2024-11-30 2024-11-30"},
		{"date in words", "entro il 30 novembre 2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-11-30 2024-11-30 2024-11-30"},
		{"month and year is the month's end", "entro il gennaio 2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-01-31 2024-01-31 2024-01-31"},
		{"end of a year", "entro il 31.12.2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-12-31 2024-12-31 2024-12-31"},
		{"ISO date", "2024-01-31", Fixed, "2024-01-01", "2027-12-31",
			"2024-01-31 2024-01-31 2024-01-31"},
		{"a year alone is its last day", "entro il 2026", Fixed, "2024-01-01", "2027-12-31",
			"2026-12-31 2026-12-31 2026-12-31"},
		{"Easter Sunday moves past Easter Monday", "entro il 31/03/2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-03-31 2024-03-31 2024-04-02"},
		{"29 February", "entro il 29/02/2024", Fixed, "2024-01-01", "2027-12-31",
			"2024-02-29 2024-02-29 2024-02-29"},
		{"date outside the window", "entro il 31/01/2024", Fixed, "2025-01-01", "2027-12-31", ""},

		// Every year.
		{"yearly dd/mm, Saturday stays", "entro il 31/07", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-07-31 2024-07-31; 2025 2025-07-31 2025-07-31; 2026 2026-07-31 2026-07-31; 2027 2027-07-31 2027-07-31"},
		{"yearly in words, Sunday moves to Monday", "entro il 31 gennaio", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-01-31 2024-01-31; 2025 2025-01-31 2025-01-31; 2026 2026-01-31 2026-01-31; 2027 2027-01-31 2027-02-01"},
		{"yearly 15 February", "entro il 15 febbraio", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-02-15 2024-02-15; 2025 2025-02-15 2025-02-15; 2026 2026-02-15 2026-02-16; 2027 2027-02-15 2027-02-15"},
		{"yearly 29 February is 28 February in common years", "entro il 29/02", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-02-29 2024-02-29; 2025 2025-02-28 2025-02-28; 2026 2026-02-28 2026-02-28; 2027 2027-02-28 2027-03-01"},
		{"4 October is a holiday from 2026", "entro il 4 ottobre", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-10-04 2024-10-04; 2025 2025-10-04 2025-10-04; 2026 2026-10-04 2026-10-05; 2027 2027-10-04 2027-10-05"},
		{"patron saint moves the due date", "entro il 6 dicembre", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-12-06 2024-12-07; 2025 2025-12-06 2025-12-09; 2026 2026-12-06 2026-12-07; 2027 2027-12-06 2027-12-07"},
		{"yearly of the following year", "entro il 31 gennaio dell'anno successivo", Yearly, "2024-01-01", "2025-12-31",
			"2023 2024-01-31 2024-01-31; 2024 2025-01-31 2025-01-31"},
		{"yearly with dell'anno", "ENTRO IL 31/12 DELL'ANNO", Yearly, "2024-01-01", "2027-12-31",
			"2024 2024-12-31 2024-12-31; 2025 2025-12-31 2025-12-31; 2026 2026-12-31 2026-12-31; 2027 2027-12-31 2027-12-31"},
		{"a month alone is its last day every year", "entro febbraio", Yearly, "2024-01-01", "2025-12-31",
			"2024 2024-02-29 2024-02-29; 2025 2025-02-28 2025-02-28"},

		// Every month.
		{"day of every month", "entro il 5 di ogni mese", Monthly, "2024-01-01", "2024-06-30",
			"2024-01 2024-01-05 2024-01-05; 2024-02 2024-02-05 2024-02-05; 2024-03 2024-03-05 2024-03-05; " +
				"2024-04 2024-04-05 2024-04-05; 2024-05 2024-05-05 2024-05-06; 2024-06 2024-06-05 2024-06-05"},
		{"day of the following month", "entro il giorno 20 del mese successivo", Monthly, "2024-03-01", "2024-05-31",
			"2024-02 2024-03-20 2024-03-20; 2024-03 2024-04-20 2024-04-20; 2024-04 2024-05-20 2024-05-20"},
		{"following month over a Sunday", "entro il giorno 20 del mese successivo", Monthly, "2024-10-01", "2024-10-31",
			"2024-09 2024-10-20 2024-10-21"},
		{"day 31 is each month's last day", "entro il 31 di ogni mese", Monthly, "2024-01-01", "2024-04-30",
			"2024-01 2024-01-31 2024-01-31; 2024-02 2024-02-29 2024-02-29; 2024-03 2024-03-31 2024-04-02; 2024-04 2024-04-30 2024-04-30"},

		// After the end of a period.
		{"days after every quarter", "entro 10 gg dalla fine di ogni trimestre", AfterPeriod, "2024-01-01", "2024-12-31",
			"2023-T4 2024-01-10 2024-01-10; 2024-T1 2024-04-10 2024-04-10; 2024-T2 2024-07-10 2024-07-10; 2024-T3 2024-10-10 2024-10-10"},
		{"days after the quarter's end", "entro 30 giorni dalla scadenza del trimestre", AfterPeriod, "2025-01-01", "2025-12-31",
			"2024-T4 2025-01-30 2025-01-30; 2025-T1 2025-04-30 2025-04-30; 2025-T2 2025-07-30 2025-07-30; 2025-T3 2025-10-30 2025-10-30"},
		{"first half of every year", "entro il primo semestre", AfterPeriod, "2024-01-01", "2027-12-31",
			"2024-S1 2024-06-30 2024-07-01; 2025-S1 2025-06-30 2025-06-30; 2026-S1 2026-06-30 2026-06-30; 2027-S1 2027-06-30 2027-06-30"},
		{"first quarter of one year", "entro il primo trimestre 2024", AfterPeriod, "2024-01-01", "2027-12-31",
			"2024-T1 2024-03-31 2024-04-02"},
		{"second half", "entro il secondo semestre", AfterPeriod, "2024-01-01", "2024-12-31",
			"2024-S2 2024-12-31 2024-12-31"},
		{"months after every half, same-numbered day", "entro 2 mesi dalla fine del semestre", AfterPeriod, "2024-07-01", "2025-03-31",
			"2024-S1 2024-08-30 2024-08-30; 2024-S2 2025-02-28 2025-02-28"},

		// A cadence, due at the end of each period.
		{"every quarter", "ogni trimestre", Cadence, "2024-01-01", "2024-12-31",
			"2024-T1 2024-03-31 2024-04-02; 2024-T2 2024-06-30 2024-07-01; 2024-T3 2024-09-30 2024-09-30; 2024-T4 2024-12-31 2024-12-31"},
		{"four-monthly", "cadenza quadrimestrale", Cadence, "2025-01-01", "2025-12-31",
			"2025-Q1 2025-04-30 2025-04-30; 2025-Q2 2025-08-31 2025-09-01; 2025-Q3 2025-12-31 2025-12-31"},
		{"monthly", "mensile", Cadence, "2024-01-01", "2024-04-30",
			"2024-01 2024-01-31 2024-01-31; 2024-02 2024-02-29 2024-02-29; 2024-03 2024-03-31 2024-04-02; 2024-04 2024-04-30 2024-04-30"},
		{"half-yearly", "semestrale", Cadence, "2026-01-01", "2026-12-31",
			"2026-S1 2026-06-30 2026-06-30; 2026-S2 2026-12-31 2026-12-31"},
		{"yearly cadence", "annuale", Cadence, "2024-01-01", "2027-12-31",
			"2024 2024-12-31 2024-12-31; 2025 2025-12-31 2025-12-31; 2026 2026-12-31 2026-12-31; 2027 2027-12-31 2027-12-31"},

		// After an event.
		{"after the budget", "Entro 30 gg dall'approvazione del Bilancio", AfterEvent, "2024-01-01", "2027-12-31",
			"bilancio 2024-05-29 2024-05-29"},
		{"after the accounts, first day not counted", "entro 60 gg dall'approvazione del Rendiconto", AfterEvent, "2024-01-01", "2027-12-31",
			"rendiconto 2024-06-28 2024-06-28"},
		{"after the PIAO, Sunday moves", "entro 30 giorni dall'approvazione del PIAO", AfterEvent, "2024-01-01", "2027-12-31",
			"piao 2025-03-02 2025-03-03"},
		{"event without a date yields none", "entro 10 giorni dall'approvazione del DUP", AfterEvent, "2024-01-01", "2027-12-31", ""},
		{"event outside the window", "Entro 30 gg dall'approvazione del Bilancio", AfterEvent, "2025-01-01", "2027-12-31", ""},
	}
	cal := lecco()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustParse(t, tt.phrase)
			if r.Kind() != tt.kind {
				t.Errorf("Kind() = %s, want %s", r.Kind(), tt.kind)
			}
			got := render(r.Occurrences(cal, day(tt.from), day(tt.to), events))
			if got != tt.want {
				t.Errorf("Occurrences(%s..%s)\n got: %s\nwant: %s", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestSaturdaySetting(t *testing.T) {
	r := mustParse(t, "entro il 30.11.2024")
	shift := calendar.New(calendar.Settings{ShiftSaturday: true, ShiftPatronSaint: true})
	got := render(r.Occurrences(shift, day("2024-01-01"), day("2024-12-31"), nil))
	if want := "2024-11-30 2024-11-30 2024-12-02"; got != want {
		t.Errorf("with ShiftSaturday: %s, want %s", got, want)
	}
}

func TestEvents(t *testing.T) {
	tests := []struct {
		phrase, event string
	}{
		{"entro 30 gg dall'approvazione del Bilancio", "bilancio"},
		{"entro 30 gg dall'approvazione del bilancio di previsione", "bilancio"},
		{"entro 60 gg dall'approvazione del Rendiconto", "rendiconto"},
		{"entro 30 giorni dall'approvazione del Rendiconto di Gestione", "rendiconto"},
		{"entro 30 giorni dall'approvazione del PIAO", "piao"},
		{"entro 30 giorni dall'adozione del P.I.A.O.", "piao"},
		{"entro 20 giorni dall'approvazione del DUP", "dup"},
		{"entro 15 giorni dall'approvazione del PEG", "peg"},
		{"entro 10 giorni dall'evento collaudo", "collaudo"},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			r := mustParse(t, tt.phrase)
			if r.Kind() != AfterEvent || r.Event() != tt.event {
				t.Errorf("Kind, Event = %s, %q; want after_event, %q", r.Kind(), r.Event(), tt.event)
			}
		})
	}
	if e := mustParse(t, "entro il 31/07").Event(); e != "" {
		t.Errorf("Event() of a yearly rule = %q, want empty", e)
	}
}

func TestOccurrencesEmptyWindow(t *testing.T) {
	r := mustParse(t, "ogni trimestre")
	if occ := r.Occurrences(lecco(), day("2025-01-01"), day("2024-01-01"), nil); len(occ) != 0 {
		t.Errorf("reversed window gave %s", render(occ))
	}
	if occ := (Rule{}).Occurrences(lecco(), day("2024-01-01"), day("2025-01-01"), nil); len(occ) != 0 {
		t.Errorf("zero Rule gave %s", render(occ))
	}
	// A nil calendar is the default one (no patron saint).
	got := render(mustParse(t, "entro il 6 dicembre").Occurrences(nil, day("2024-01-01"), day("2024-12-31"), nil))
	if want := "2024 2024-12-06 2024-12-06"; got != want {
		t.Errorf("nil calendar: %s, want %s", got, want)
	}
}
