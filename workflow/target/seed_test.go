package target

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// unreadable marks a seed target that must not be machine-readable.
const unreadable = "not machine-readable"

// seedReadings gives, for every TARGET text of the seed plan
// (testdata/seed_targets.txt), the reading expected: "<kind> <op>
// <threshold> <unit>" (with "scostamento" for deviations), "date <= DD/MM/YYYY",
// "yesno", or unreadable.
var seedReadings = map[string]string{
	">=90%":        "percent >= 90 %",
	">=1 percorso": "count >= 1 percorso",
	">=80% cronoprogramma Piano transizione digitale - sezione PIAO":                                              "percent >= 80 %",
	"<=30 documenti non fascicolati per ogni utente nel 2024 = 0 documenti non fascicolati negli anni precedenti": unreadable,
	">= 80%":                          "percent >= 80 %",
	">= 50%":                          "percent >= 50 %",
	"scostamento massimo di 7 giorni": "days <= 7 giorni scostamento",
	">=3 punteggio medio":             "count >= 3 punteggio",
	">=3 stelle":                      "count >= 3 stelle",
	"< 30 giorni":                     "days < 30 giorni",
	">= 60%":                          "percent >= 60 %",
	">= 20%":                          "percent >= 20 %",
	">= 30%":                          "percent >= 30 %",
	"Scostamento <= 20 giorni":        "days <= 20 giorni scostamento",
	">= 2 giorni":                     "days >= 2 giorni",
	"<= 5 giorni":                     "days <= 5 giorni",
	"<= 10 giorni":                    "days <= 10 giorni",
	"entro 10 gg dalla fine di ogni trimestre ed entro il 20 gennaio per i dati annuali": unreadable,
	">= 90%": "percent >= 90 %",
	"Entro 30 gg dall'approvazione del Bilancio":             unreadable,
	"Entro 60 gg dall'approvazione del Rendiconto":           unreadable,
	"In tempo utile per approvazione rendiconto di gestione": unreadable,
	"<= 4 settimane": "days <= 4 settimane",
	"Redazione entro 30 giorni dal ricevimento dei dati definitivi dai settori e trasmissione entro 30 giorni dall'approvazione del rendiconto": unreadable,
	"Scostamento motivato <= 30 giorni": "days <= 30 giorni scostamento",
	"Ogni trimestre":                    unreadable,
	"<= € 500":                          "number <= 500 €",
	"entro il 31/01/2024":               "date <= 31/01/2024",
	"<= 30 giorni":                      "days <= 30 giorni",
	"> 10%":                             "percent > 10 %",
	"> 60%":                             "percent > 60 %",
	"almeno 4 incontri (trimestrali) de gruppo di lavoro intersettoriale": "count >= 4 incontri",
	"risposte entro 5 giorni":           unreadable,
	"scostamento motivato <= 1 mese":    "days <= 1 mesi scostamento",
	"100%":                              "percent >= 100 %",
	"<= 40%":                            "percent <= 40 %",
	">= 75%":                            "percent >= 75 %",
	"Rispettato":                        "yesno",
	"scostamento motivato <= 15 giorni": "days <= 15 giorni scostamento",
	">= 85%":                            "percent >= 85 %",
	">=75%":                             "percent >= 75 %",
	"> = 70%":                           "percent >= 70 %",
	"rispetto dei tempi":                "yesno",
	"parametri copertura rilevazione annuale >=80% alberghiera e >=70% extralberghiera": unreadable,
	"<=30 gg": "days <= 30 giorni",
	"rispetto dei tempi previsti dal regolamento regionale": "yesno",
	"rispetto dei tempi indicati da RL":                     "yesno",
	"nessuno scostamento":                                   "days = 0 giorni scostamento",
	"80%":                                                   "percent >= 80 %",
	"> 75%":                                                 "percent > 75 %",
	"in linea/non in linea 80%":                             unreadable,
	">=70%":                                                 "percent >= 70 %",
	"<= 5%":                                                 "percent <= 5 %",
	"<= sei ore dalla chiamata":                             unreadable,
	">=una prova":                                           "count >= 1 prova",
	"<=30":                                                  "number <= 30",
	"<=180":                                                 "number <= 180",
	"<=90":                                                  "number <= 90",
	"<=5 gg.":                                               "days <= 5 giorni",
	"75%":                                                   "percent >= 75 %",
	"n. 2 riunioni.":                                        "count >= 2 riunioni",
	"entro 60 giorni":                                       "days <= 60 giorni",
	"entro 15 gg":                                           "days <= 15 giorni",
	">=2":                                                   "number >= 2",
	">=1":                                                   "number >= 1",
	">= 2":                                                  "number >= 2",
	">= 4":                                                  "number >= 4",
	">= 3":                                                  "number >= 3",
	">= 8":                                                  "number >= 8",
	">= 55%":                                                "percent >= 55 %",
	">= n. 4":                                               "number >= 4",
	">= n. 2":                                               "number >= 2",
	">=6":                                                   "number >= 6",
	">=3":                                                   "number >= 3",
	"entro il 30 novembre 2024":                             "date <= 30/11/2024",
	"<= 6 giorni":                                           "days <= 6 giorni",
	">= 90% dei giorni":                                     "percent >= 90 %",
	">=80%":                                                 "percent >= 80 %",
	"<= 15 giorni (30 gg rispetto l'obbligo di legge)": "days <= 15 giorni",
	"almeno 90%":                       "percent >= 90 %",
	">=50%":                            "percent >= 50 %",
	"scostamento motivato < 30 giorni": "days < 30 giorni scostamento",
	"> = 2 percorsi e 3 aree":          unreadable,
	">=80% cronoprogramma Piano transizione digitale":                    "percent >= 80 %",
	"<=30 ogni utente per il 2024 = 0 documenti residuo anni precedenti": unreadable,
	"<= 7 giorni":              "days <= 7 giorni",
	"almeno 80% delle notizie": "percent >= 80 %",
	">= 70%":                   "percent >= 70 %",
	"almeno 80%":               "percent >= 80 %",
	"inferiore a 7 giorni previsti da regolamento": unreadable,
	">= 10":                                "number >= 10",
	"<= 2 giorni":                          "days <= 2 giorni",
	"scostamento < 1 settimana":            "days < 1 settimane scostamento",
	">= 40%":                               "percent >= 40 %",
	">= 2000":                              "number >= 2000",
	">=10":                                 "number >= 10",
	">= 750":                               "number >= 750",
	">=300":                                "number >= 300",
	">=18":                                 "number >= 18",
	">=4":                                  "number >= 4",
	"almeno 2 progetti":                    "count >= 2 progetti",
	">90%":                                 "percent > 90 %",
	">=95%":                                "percent >= 95 %",
	"Rispetto dei tempi":                   "yesno",
	"<=5%":                                 "percent <= 5 %",
	">=5":                                  "number >= 5",
	"rispetto dei tempi definiti dal PNRR": "yesno",
	">=1 entro 15 gg lavorativi":           unreadable,
	">=1 entro 30 gg lavorativi (salvo tempistiche diverse previste dagli avvisi)": unreadable,
	">= incremento 5%": unreadable,
	"Rispetto dei tempi di rilascio indicati da Regione Lombardia": "yesno",
	">=90% nel rispetto dei tempi previsti dalla normativa":        unreadable,
	">=90% nel rispetto dei tempi previsti dalla procedura":        unreadable,
	"Entro il 31/12/2024": "date <= 31/12/2024",
	"Entro il 31/12/2024 o comunque nel rispetto delle tempistiche indicate da Regione Lombardia": unreadable,
	"Rispetto del target obiettivo indicato da Regione Lombardia":                                 unreadable,
	"Nei tempi richiesti da Regione Lombardia":                                                    "yesno",
	"Nei tempi concordati con Re Lombardia":                                                       "yesno",
	"Nei tempi concordati con Regione":                                                            "yesno",
	"Nei tempi concordati con Regione Lombardia":                                                  "yesno",
	">= 95%":                            "percent >= 95 %",
	"Almeno una riunione per Ambito":    unreadable,
	"Almeno due riunioni":               "count >= 2 riunioni",
	">=100% nei tempi previsti da R.L.": unreadable,
	"Entro i termini previsti da Regione Lombardia (31/10/2024)": unreadable,
	"<= 8 giorni":         "days <= 8 giorni",
	"Entro il 30/11/2024": "date <= 30/11/2024",
	"Entro il 31/10/2024": "date <= 31/10/2024",
	"Entro il 30/06/2024": "date <= 30/06/2024",
	"Entro il 31/05/2024": "date <= 31/05/2024",
	"Entro il 15/09/2024": "date <= 15/09/2024",
	"Rispetto dei tempi indicati da Regione Lombardia":                "yesno",
	"Rispetto dei termini indicati da R.L. e dalla normativa vigente": "yesno",
	"<=1":                              "number <= 1",
	"n. report = 2":                    "count = 2 report",
	"entro il 31/07/2024":              "date <= 31/07/2024",
	"< 115 gg":                         "days < 115 giorni",
	"< 110 gg":                         "days < 110 giorni",
	"<= 20 giorni":                     "days <= 20 giorni",
	"> 80%":                            "percent > 80 %",
	"<= 60 gg":                         "days <= 60 giorni",
	"< 85 gg":                          "days < 85 giorni",
	"almeno n. 2 incontri":             "count >= 2 incontri",
	">= 5":                             "number >= 5",
	">= 1":                             "number >= 1",
	"<= 3 segnalazioni / suggerimenti": unreadable,
	">=7":                              "number >= 7",
}

// reading writes what Parse understood in the form of seedReadings.
func reading(t Target) string {
	if !t.Readable() {
		return unreadable
	}
	switch t.Kind() {
	case "yesno":
		return "yesno"
	case "date":
		return "date " + t.Op() + " " + t.Date().Italian()
	}
	s := fmt.Sprintf("%s %s %v", t.Kind(), t.Op(), t.Threshold())
	if t.Unit() != "" {
		s += " " + t.Unit()
	}
	if t.Deviation() {
		s += " scostamento"
	}
	return s
}

func seedTargets(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/seed_targets.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSeedTargets reads every TARGET text of the seed plan and checks the
// reading, or that it is left unreadable.
func TestSeedTargets(t *testing.T) {
	texts := seedTargets(t)
	if len(texts) < 140 {
		t.Fatalf("only %d seed targets read", len(texts))
	}
	inFile := map[string]bool{}
	for _, text := range texts {
		inFile[text] = true
		t.Run(text, func(t *testing.T) {
			want, ok := seedReadings[text]
			if !ok {
				t.Fatalf("no expected reading for seed target %q", text)
			}
			got := Parse(text)
			if r := reading(got); r != want {
				t.Errorf("Parse(%q) = %s, want %s", text, r, want)
			}
			if got.Text() != text {
				t.Errorf("Text() = %q, want the text as written", got.Text())
			}
			if !got.Readable() && (got.Describe("it") != text || got.Describe("en") != text) {
				t.Errorf("unreadable target described as %q / %q, want the text", got.Describe("it"), got.Describe("en"))
			}
		})
	}
	for text := range seedReadings {
		if !inFile[text] {
			t.Errorf("expected reading for %q, which is not in testdata/seed_targets.txt", text)
		}
	}
}
