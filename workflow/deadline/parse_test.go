package deadline

import (
	"errors"
	"strings"
	"testing"

	"sollecito/workflow/calendar"
)

// TestSpellingDoesNotMatter: case, accents, apostrophes, filler words and
// punctuation give the same deadlines as the plain phrase.
func TestSpellingDoesNotMatter(t *testing.T) {
	groups := []struct {
		name     string
		variants []string
	}{
		{"yearly", []string{
			"entro il 31/07", "ENTRO IL 31/07", "Entro il 31/07.", "entro e non oltre il 31/07",
			"Scadenza: entro il 31/07", "termine entro il 31/07", "  entro   il\t31/07 ;",
			"non oltre il 31/07", "entro il 31 luglio", "Entro il 31 Luglio di ogni anno", "31/07",
		}},
		{"event", []string{
			"entro 30 gg dall'approvazione del bilancio", "Entro 30 gg dall’approvazione del Bilancio",
			"ENTRO 30 GG DALL'APPROVAZIONE DEL BILANCIO", "entro 30 gg. dall'approvazione del bilancio.",
			"entro trenta giorni dall`approvazione del bilancio", "entro 30 giorni naturali e consecutivi dall'approvazione del bilancio",
			"entro i 30 giorni successivi all'approvazione del bilancio",
		}},
		{"cadence", []string{
			"ogni trimestre", "Ogni trimestre.", "cadenza trimestrale", "con cadenza trimestrale",
			"a cadenza trimestrale", "periodicità trimestrale", "con periodicita' trimestrale",
			"trimestrale", "Trimestralmente", "ogni 3 mesi", "entro la fine di ogni trimestre",
		}},
		{"fixed", []string{
			"entro il 31/01/2024", "entro il 31.01.2024", "entro il 31-01-2024", "2024-01-31",
			"entro il 31 gennaio 2024", "entro il gennaio 2024", "entro la fine di gennaio 2024",
			"entro fine gennaio 2024", "Scadenza 31/01/2024", "entro il 31/01/24",
		}},
	}
	cal := lecco()
	from, to := day("2023-01-01"), day("2026-12-31")
	events := map[string]calendar.Date{"bilancio": day("2024-04-29")}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			want := render(mustParse(t, g.variants[0]).Occurrences(cal, from, to, events))
			if want == "" {
				t.Fatalf("%q has no occurrences", g.variants[0])
			}
			for _, v := range g.variants[1:] {
				r, err := Parse(v)
				if err != nil {
					t.Errorf("Parse(%q): %v", v, err)
					continue
				}
				if got := render(r.Occurrences(cal, from, to, events)); got != want {
					t.Errorf("Parse(%q) gives %s, want %s", v, got, want)
				}
			}
		})
	}
}

// TestNotUnderstood: a phrase the grammar does not read is reported, in
// Italian and English, with the reason; nothing is guessed.
func TestNotUnderstood(t *testing.T) {
	tests := []struct {
		phrase, reasonIT, reasonEN string
	}{
		{"", "nessuna scadenza", "no deadline"},
		{"entro il", "forma non prevista", "not a form"},
		{"entro", "nessuna scadenza", "no deadline"},
		{"entro il termine previsto", "forma non prevista", "not a form"},
		{"quanto prima", "forma non prevista", "not a form"},
		{"entro il 31/02/2024", "la data non esiste", "does not exist"},
		{"entro il 30 febbraio", "la data non esiste", "does not exist"},
		{"entro 5 giorni", "non dice da quando", "from when"},
		{"entro 10 giorni dalla richiesta", "non conosce la data", "does not know"},
		{"entro 30 giorni dall'approvazione del piano ferie", "evento non riconosciuto", "unknown event"},
		{"entro 10 gg dalla fine di ogni trimestre ed entro il 20 gennaio", "più scadenze", "more than one deadline"},
		{"entro 9999 giorni dalla fine del trimestre", "fuori intervallo", "out of range"},
		{"entro il quinto trimestre", "forma non prevista", "not a form"},
		{"Relazione annuale sulla performance", "forma non prevista", "not a form"},
		{"entro 36 ore dalla segnalazione", "forma non prevista", "not a form"},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			_, err := Parse(tt.phrase)
			var pe *PhraseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want *PhraseError", tt.phrase, err)
			}
			it, en := err.Error(), pe.Localize("en")
			if !strings.HasPrefix(it, "scadenza non riconosciuta: ") || !strings.Contains(it, tt.reasonIT) {
				t.Errorf("Error() = %q, want the Italian reason %q", it, tt.reasonIT)
			}
			if !strings.HasPrefix(en, "deadline not understood: ") || !strings.Contains(en, tt.reasonEN) {
				t.Errorf("Localize(en) = %q, want the reason %q", en, tt.reasonEN)
			}
			if pe.Localize("it") != it || pe.Phrase != strings.TrimSpace(tt.phrase) {
				t.Errorf("Localize(it) or Phrase differ: %q, %q", pe.Localize("it"), pe.Phrase)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		phrase, it, en string
	}{
		{"entro il 31/01/2024", "entro il 31/01/2024", "by 31/01/2024"},
		{"entro il 31/07", "ogni anno il 31/07", "every year on 31/07"},
		{"entro il 31 gennaio dell'anno successivo", "ogni anno il 31/01 dell'anno successivo", "every year on 31/01 of the following year"},
		{"entro febbraio", "ogni anno l'ultimo giorno di febbraio", "every year on the last day of February"},
		{"entro il 5 di ogni mese", "il giorno 5 di ogni mese", "on day 5 of every month"},
		{"entro il giorno 20 del mese successivo", "il giorno 20 del mese successivo a ciascun mese", "on day 20 of the month after each month"},
		{"ogni trimestre", "alla fine di ogni trimestre", "at the end of every quarter"},
		{"entro 10 gg dalla fine di ogni trimestre", "10 giorni dopo la fine di ogni trimestre", "10 days after the end of every quarter"},
		{"entro il primo semestre", "alla fine del primo semestre di ogni anno", "at the end of the first half-year of every year"},
		{"entro il primo trimestre 2024", "alla fine del primo trimestre 2024 (31/03/2024)", "at the end of the first quarter 2024 (31/03/2024)"},
		{"entro 30 gg dall'approvazione del Bilancio", "30 giorni dopo l'evento «bilancio»", `30 days after the event "bilancio"`},
		{"entro 1 mese dall'approvazione del PIAO", "1 mese dopo l'evento «piao»", `1 month after the event "piao"`},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			r := mustParse(t, tt.phrase)
			if got := r.Describe("it"); got != tt.it {
				t.Errorf("Describe(it) = %q, want %q", got, tt.it)
			}
			if got := r.Describe("en"); got != tt.en {
				t.Errorf("Describe(en) = %q, want %q", got, tt.en)
			}
			if r.Phrase() != tt.phrase {
				t.Errorf("Phrase() = %q, want %q", r.Phrase(), tt.phrase)
			}
		})
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text, phrase string
		ok                 bool
	}{
		{"phase with a yearly date", "Predisposizione report entro il 31/07", "entro il 31/07", true},
		{"longest phrase wins", "Predisposizione del DUP entro il 31/12 dell'anno al fine di garantire", "entro il 31/12 dell'anno", true},
		{"event with curly apostrophe", "Relazione entro 60 gg dall’approvazione del Rendiconto.", "entro 60 gg dall’approvazione del Rendiconto", true},
		{"cadence in a sentence", "Produzione report sull'andamento dell'attività con cadenza quadrimestrale", "con cadenza quadrimestrale", true},
		{"first of two", "entro 10 gg dalla fine di ogni trimestre ed entro il 20 gennaio", "entro 10 gg dalla fine di ogni trimestre", true},
		{"skips a clause it cannot read", "Redazione entro 30 giorni dal ricevimento dei dati e trasmissione entro 30 giorni dall'approvazione del rendiconto",
			"entro 30 giorni dall'approvazione del rendiconto", true},
		{"bare adjective names a document", "Predisposizione della Relazione annuale sulla performance", "", false},
		{"unreadable deadline is returned for reporting", "Compilazione del Conto Annuale entro il termine previsto, e invio", "entro il termine previsto", false},
		{"no deadline at all", "Gestione delle presenze del personale", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phrase, ok := Find(tt.text)
			if phrase != tt.phrase || ok != tt.ok {
				t.Errorf("Find = %q, %v; want %q, %v", phrase, ok, tt.phrase, tt.ok)
			}
			if ok {
				mustParse(t, phrase)
			}
		})
	}
}

func TestFindAll(t *testing.T) {
	text := "con inizio configurazioni entro il 31/01/2024 e con avvio del servizio entro il 31/03/2024, migrazione entro il 30/11/2024."
	got := strings.Join(FindAll(text), " | ")
	want := "entro il 31/01/2024 | entro il 31/03/2024 | entro il 30/11/2024"
	if got != want {
		t.Errorf("FindAll = %s, want %s", got, want)
	}
	if all := FindAll("entro 10 gg dalla fine di ogni trimestre ed entro il 20 gennaio"); len(all) != 2 {
		t.Errorf("FindAll of a double deadline = %q, want two phrases", all)
	}
}

// TestDocumentedForms: the other forms docs/deadlines.md promises, with
// the first instance they give in 2024 on Lecco's calendar.
func TestDocumentedForms(t *testing.T) {
	tests := []struct {
		phrase string
		kind   Kind
		first  string
	}{
		{"entro il 1° marzo 2024", Fixed, "2024-03-01 2024-03-01 2024-03-01"},
		{"entro la fine del 2026", Fixed, "2026-12-31 2026-12-31 2026-12-31"},
		{"entro i 30 giorni successivi alla chiusura del semestre", AfterPeriod, "2023-S2 2024-01-30 2024-01-30"},
		{"entro la fine del primo semestre", AfterPeriod, "2024-S1 2024-06-30 2024-07-01"},
		{"entro l'ultimo trimestre", AfterPeriod, "2024-T4 2024-12-31 2024-12-31"},
		{"entro 1 settimana dalla fine del mese", AfterPeriod, "2023-12 2024-01-07 2024-01-08"},
		{"ogni mese", Cadence, "2024-01 2024-01-31 2024-01-31"},
		{"fine mese", Cadence, "2024-01 2024-01-31 2024-01-31"},
		{"ogni semestre", Cadence, "2024-S1 2024-06-30 2024-07-01"},
		{"ogni 2 mesi", Cadence, "2024-B1 2024-02-29 2024-02-29"},
		{"entro il 31 luglio di ogni anno", Yearly, "2024 2024-07-31 2024-07-31"},
	}
	cal := lecco()
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			r := mustParse(t, tt.phrase)
			occ := r.Occurrences(cal, day("2024-01-01"), day("2027-12-31"), nil)
			if r.Kind() != tt.kind || len(occ) == 0 || render(occ[:1]) != tt.first {
				t.Errorf("Kind %s, first %s; want %s, %s", r.Kind(), render(occ[:min(1, len(occ))]), tt.kind, tt.first)
			}
		})
	}
}
