package deadline

import (
	"errors"
	"strings"
	"testing"

	"sollecito/workflow/calendar"
)

// FuzzParse: Parse never panics; whatever parses yields ordered
// occurrences with unique labels and Due >= Nominal, inside the window.
// The seed corpus (the seed plan's phrases and fragments and the grammar's
// families) runs in every go test.
func FuzzParse(f *testing.F) {
	for _, s := range seedUnderstood {
		f.Add(s.phrase)
	}
	for _, s := range seedNotUnderstood {
		f.Add(s.fragment)
	}
	for _, s := range []string{
		"entro il 29/02", "entro il 31 di ogni mese", "entro 2 mesi dalla fine del semestre",
		"entro il 31 gennaio dell'anno successivo", "ogni 4 mesi", "entro l'ultimo trimestre",
		"entro 10 giorni dall'evento collaudo", "semestrale", "annuale", "mensile", "2024-01-31",
		"Predisposizione report entro e non oltre il 31/07.", "entro 3 anni dalla fine del bimestre 2025",
	} {
		f.Add(s)
	}
	cal := lecco()
	from, to := day("2023-01-01"), day("2028-12-31")
	f.Fuzz(func(t *testing.T, phrase string) {
		r, err := Parse(phrase)
		if err != nil {
			var pe *PhraseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "scadenza non riconosciuta: ") {
				t.Fatalf("Parse(%q) error %v is not a *PhraseError", phrase, err)
			}
			return
		}
		if r.Describe("it") == "" || r.Describe("en") == "" || r.Kind().String() == "unknown" {
			t.Fatalf("Parse(%q): empty description or kind", phrase)
		}
		events := map[string]calendar.Date{"bilancio": day("2024-04-29"), "rendiconto": day("2025-05-30"), "piao": day("2026-01-31")}
		if r.Event() != "" {
			events[r.Event()] = day("2027-03-15")
		}
		occ := r.Occurrences(cal, from, to, events)
		labels := map[string]bool{}
		for i, o := range occ {
			if o.Nominal.Before(from) || o.Nominal.After(to) {
				t.Fatalf("%q: nominal %s outside the window", phrase, o.Nominal)
			}
			if o.Due.Before(o.Nominal) || cal.IsFestivo(o.Due) {
				t.Fatalf("%q: due %s for nominal %s", phrase, o.Due, o.Nominal)
			}
			if i > 0 && o.Nominal.Before(occ[i-1].Nominal) {
				t.Fatalf("%q: occurrences out of order at %s", phrase, o.Nominal)
			}
			if o.Label == "" || labels[o.Label] {
				t.Fatalf("%q: label %q empty or repeated", phrase, o.Label)
			}
			labels[o.Label] = true
		}
		if found, ok := Find(phrase); ok {
			if _, err := Parse(found); err != nil {
				t.Fatalf("Find(%q) = %q, which does not parse: %v", phrase, found, err)
			}
		}
	})
}
