package deadline

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sollecito/workflow/calendar"
)

// seedUnderstood lists every distinct deadline phrase of the seed plan
// (Provincia di Lecco, PIAO 2024) that the grammar reads, as Find extracts
// it, with the first instance in 2024-2027 ("label nominal due") given the
// events below. Line numbers refer to the seed text.
var seedUnderstood = []struct {
	phrase, first string
}{
	{"ogni anno", "2024 2024-12-31 2024-12-31"},                                      // 23, 1440 (prose)
	{"con cadenza semestrale", "2024-S1 2024-06-30 2024-07-01"},                      // 55
	{"ENTRO IL 31/12 DELL'ANNO", "2024 2024-12-31 2024-12-31"},                       // 460
	{"entro il 31/12/2024", "2024-12-31 2024-12-31 2024-12-31"},                      // 486, 952, 986, 1024, 3499, 3555, 3558
	{"entro 10 gg dalla fine di ogni trimestre", "2023-T4 2024-01-10 2024-01-10"},    // 523, 905
	{"entro il 20 gennaio", "2024 2024-01-20 2024-01-20"},                            // 523, 905 (a Saturday: stays)
	{"Entro 30 gg dall'approvazione del Bilancio", "bilancio 2024-05-29 2024-05-29"}, // 579
	{"Entro 60 gg dall'approvazione del Rendiconto", "rendiconto 2024-06-28 2024-06-28"},
	{"entro il 31/07", "2024 2024-07-31 2024-07-31"},                                         // 614
	{"entro 30 giorni dall'approvazione del rendiconto", "rendiconto 2024-05-29 2024-05-29"}, // 615, 635
	{"entro 30 giorni dall'approvazione del PIAO", "piao 2024-03-16 2024-03-16"},             // 619
	{"entro 30 giorni dall'approvazione del Rendiconto di Gestione", "rendiconto 2024-05-29 2024-05-29"},
	{"entro 30 giorni dalla scadenza del trimestre", "2023-T4 2024-01-30 2024-01-30"}, // 676
	{"entro il primo semestre", "2024-S1 2024-06-30 2024-07-01"},                      // 679, 3253
	{"entro il secondo semestre", "2024-S2 2024-12-31 2024-12-31"},                    // 3253
	{"Ogni trimestre", "2024-T1 2024-03-31 2024-04-02"},                               // 696
	{"entro il 31/01/2024", "2024-01-31 2024-01-31 2024-01-31"},                       // 759, 4875
	{"entro il 2026", "2026-12-31 2026-12-31 2026-12-31"},                             // 794
	{"entro il 30.11.2024", "2024-11-30 2024-11-30 2024-11-30"},                       // 985
	{"entro il 31 gennaio 2024", "2024-01-31 2024-01-31 2024-01-31"},                  // 1019
	{"entro 1° semestre 2024", "2024-S1 2024-06-30 2024-07-01"},                       // 1024
	{"entro dicembre 2024", "2024-12-31 2024-12-31 2024-12-31"},                       // 1024
	{"entro il giorno 20 del mese successivo", "2023-12 2024-01-20 2024-01-20"},       // 1147
	{"entro 31.12.2024", "2024-12-31 2024-12-31 2024-12-31"},                          // 1249
	{"a cadenza mensile", "2024-01 2024-01-31 2024-01-31"},                            // 1423
	{"entro il 5 di ogni mese", "2024-01 2024-01-05 2024-01-05"},                      // 1447
	{"entro il 20 del mese", "2024-01 2024-01-20 2024-01-20"},                         // 1447
	{"con cadenza quadrimestrale", "2024-Q1 2024-04-30 2024-04-30"},                   // 1823
	{"entro il 30 novembre 2024", "2024-11-30 2024-11-30 2024-11-30"},                 // 2561
	{"entro il 31 gennaio", "2024 2024-01-31 2024-01-31"},                             // 2871
	{"entro il 15 febbraio", "2024 2024-02-15 2024-02-15"},                            // 2879
	{"Entro il 30/11/2024", "2024-11-30 2024-11-30 2024-11-30"},                       // 4028, 4876
	{"entro il 31.03.2024", "2024-03-31 2024-03-31 2024-04-02"},                       // 4049 (Easter)
	{"Entro il 31/10/2024", "2024-10-31 2024-10-31 2024-10-31"},                       // 4097
	{"Entro il 30/06/2024", "2024-06-30 2024-06-30 2024-07-01"},                       // 4099, 4101
	{"Entro il 31/05/2024", "2024-05-31 2024-05-31 2024-05-31"},                       // 4106-4114
	{"Entro il 15/09/2024", "2024-09-15 2024-09-15 2024-09-16"},                       // 4145
	{"entro il 31/07/2024", "2024-07-31 2024-07-31 2024-07-31"},                       // 4583
	{"entro il gennaio 2024", "2024-01-31 2024-01-31 2024-01-31"},                     // 4877
}

// seedNotUnderstood lists every deadline-like fragment of the seed that
// the grammar deliberately does not read, as Find reports it, and why.
var seedNotUnderstood = []struct {
	fragment, why string
}{
	{"entro 5 giorni", "a response time per request (an indicator target), with no start date"},
	{"entro il termine previsto e della Relazione al", "names no date"},
	{"entro 10 giorni dalla richiesta", "runs from each request, not from a date of the plan"},
	{"entro il primo trimes", "word split by the PDF columns (\"tre 2024\" is in the next cell)"},
	{"entro 90 giorni dalla scadenza de", "cut by the PDF columns"},
	{"entro 30 gionri dal ricevimento della richiesta", "misspelt unit, and runs from each request"},
	{"entro un mese dal ricevimento della pratica dagli", "runs from each application received"},
	{"entro le 36 ore dalla segnalazione del guasto", "hours from each report of a fault"},
	{"entro 36 ore dalla segnalazione", "hours from each report of a fault"},
	{"entro 10 gg dal ricevimento dal Settore Viabilità", "runs from each document received"},
	{"entro 20 gg dalla trasmissione del progetto", "runs from each project sent"},
	{"entro 5 gg dall'accertamento delle condizioni", "runs from each assessment"},
	{"entro 10 gg dalla ricezione", "runs from each receipt"},
	{"entro 30 g", "garbled by the PDF columns (\"30 g giorni\")"},
	{"entro 60 giorni 1° semestre", "garbled by the PDF columns"},
	{"entro l'annualità successiva a quella del finanziamento", "relative to each funding year, not a date"},
	{"entro 1 giorno", "one working day from each act signed (an indicator target)"},
	{"entro 15 gg / N. complessivo istanze pervenute", "part of an indicator formula"},
	{"entro 24h da ricevimento notizia", "hours from each news item"},
	{"entro la scadenza del bando regionale", "a call's deadline that the plan does not give"},
	{"entro i termini", "names no date"},
	{"entro 30 giorni dalla conferma da parte del", "runs from each customer's confirmation"},
	{"entro 90 giorni dalla chiusura del progetto", "a project's closure is not a recorded event (write \"dall'evento NOME\")"},
	{"entro 15 gg lavorativi", "a service time per user, with no start date"},
	{"entro le seguenti tempistiche", "introduces a list of service times"},
	{"entro 5 giorni lavorativi", "a response time per request"},
	{"entro i tempi previsti 5 gg dalla Dichiarazione", "runs from each declaration"},
	{"entro 3 gg dalla ri privati", "garbled by the PDF columns"},
	{"Entro i termini previsti da Regione Lombardia", "names no date itself (the date follows in parentheses)"},
	{"entro i termini procedimentali di 60 giorni al", "a procedural time per case"},
	{"entro 90 gg. dall'acquisizione dei pare", "runs from each opinion acquired"},
	{"entro", "the rest of the phrase is in the next PDF cell"},
	{"entro 90 giorni dopo ri previsti dalla legge", "garbled by the PDF columns"},
	{"entro 60 giorni dalla data di ispezione o", "runs from each inspection"},
	{"entro 90 giorni dalla data di ispezione o", "runs from each inspection"},
	{"entro 90 giorni dal to) o dalla presentazione", "garbled by the PDF columns"},
	{"entro 90 legge nonchè atti di as entro", "garbled by the PDF columns"},
	{"entro 90 giorni dopo", "garbled by the PDF columns"},
	{"entro 60", "garbled by the PDF columns"},
	{"entro 60 giorni dalla data di acc petenza", "garbled by the PDF columns"},
	{"entro 60 giorni dall'acquisizione dei pareri o", "runs from each opinion acquired"},
	{"entro 30 vvedimenti di Verifica di assoggettabilità npo", "garbled by the PDF columns"},
	{"entro 1 zione degli scritti difensivi o dalla", "garbled by the PDF columns"},
	{"entro 30 giorni dal ricevimento dei dati definitivi", "runs from the receipt of the offices' data, whose date is not recorded"},
	{"entro 2 gg. dal ricevimento del primo certificato", "runs from each medical certificate"},
	{"entro 15 gg 1° semestre", "garbled by the PDF columns"},
	{"entro 30 gg lavorativi", "a service time per user, with no start date"},
	{"entro i tempi previsti / N. patti effettuati", "part of an indicator formula"},
	{"entro 3 giorni dalla richiesta dell'operatore privato", "runs from each request"},
	{"entro 90 giorni dopo l'acquisizione dei pareri", "runs from each opinion acquired"},
	{"entro 90 giorni dal parere", "runs from each opinion"},
	{"entro 60 gg dalla data", "garbled by the PDF columns"},
	{"entro 90 gg dall'arrivo dei pareri previsti", "runs from each opinion received"},
	{"entro 60 gg dalla data di ricezione della", "runs from each application received"},
	{"entro 90 giorni dalla data di ispezioneo o", "runs from each inspection"},
	{"entro 30 giorni dalla data di ispezione", "runs from each inspection"},
	{"entro 90 giorni dopo l'acquisizione dei", "runs from each opinion acquired"},
	{"entro 30 giorni dall'istanza e provvedimenti di", "runs from each application"},
	{"entro 1 anno dalla data di ricezione degli", "runs from each defence brief received"},
	{"entro il", "the date is in another PDF cell"},
}

var seedEvents = map[string]calendar.Date{
	"bilancio":   day("2024-04-29"),
	"rendiconto": day("2024-04-29"),
	"piao":       day("2024-02-15"),
}

func TestSeedPhrasesUnderstood(t *testing.T) {
	cal := lecco()
	for _, tt := range seedUnderstood {
		t.Run(tt.phrase, func(t *testing.T) {
			r := mustParse(t, tt.phrase)
			occ := r.Occurrences(cal, day("2024-01-01"), day("2027-12-31"), seedEvents)
			if len(occ) == 0 {
				t.Fatalf("no occurrence in 2024-2027")
			}
			if got := render(occ[:1]); got != tt.first {
				t.Errorf("first occurrence = %s, want %s", got, tt.first)
			}
		})
	}
}

func TestSeedPhrasesNotUnderstood(t *testing.T) {
	for _, tt := range seedNotUnderstood {
		t.Run(tt.fragment, func(t *testing.T) {
			_, err := Parse(tt.fragment)
			var pe *PhraseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want a *PhraseError (%s)", tt.fragment, err, tt.why)
			}
		})
	}
}

// findSeed looks for the shared seed plan beside the repository.
func findSeed() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for range 6 {
		p := filepath.Join(dir, "shared", "seeds", "000_a690d40916dfd982.txt")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// TestSeedCoverage reads the seed plan, when it is beside the repository,
// and checks that the two tables above are exactly what Find sees in it:
// no phrase of the seed is left out, none listed is stale.
func TestSeedCoverage(t *testing.T) {
	path := findSeed()
	if path == "" {
		t.Skip("seed plan not found beside the repository")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	for _, s := range seedUnderstood {
		known["ok:"+strings.ToLower(s.phrase)] = true
	}
	for _, s := range seedNotUnderstood {
		known["no:"+strings.ToLower(s.fragment)] = true
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		found, fragments := scan(sc.Text(), -1)
		for _, p := range found {
			k := "ok:" + strings.ToLower(p)
			seen[k] = true
			if !known[k] {
				t.Errorf("line %d: phrase %q is read but not in seedUnderstood", n, p)
			}
		}
		for _, p := range fragments {
			k := "no:" + strings.ToLower(p)
			seen[k] = true
			if !known[k] {
				t.Errorf("line %d: fragment %q is not read and not in seedNotUnderstood", n, p)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for k := range known {
		if !seen[k] {
			t.Errorf("%s is listed but not in the seed", k)
		}
	}
}
