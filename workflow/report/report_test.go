package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/report"
)

var rome, _ = time.LoadLocation("Europe/Rome")

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, rome) }

const reportConfig = `
organisation: prova
tracking_start: "01/01/2024"
`

// reportPlan is a plan of two directorates: the first objectives carry the
// values the tests look at, the others (generated) fill enough pages for
// the print check to mean something.
func reportPlan(extra int) string {
	var b strings.Builder
	b.WriteString(`
organisation: Provincia di Prova
year: 2024
directorates:
  - {code: "I", name: Bilancio e Finanze, dirigente: capo1}
  - {code: "II", name: Personale, dirigente: capo2}
services:
  - {name: Contabilità, directorate: "I"}
  - {name: Risorse umane, directorate: "II"}
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: bruno, name: Bruno Verdi, email: bruno@example.org}
  - {id: dora, name: Dora Neri, email: dora@example.org}
  - {id: capo1, name: Carla Capo, email: capo1@example.org, roles: [responsabile]}
  - {id: capo2, name: Chris Head, email: capo2@example.org, roles: [responsabile]}
objectives:
  - id: I-01
    title: Rendiconto e pagamenti
    category: strategico
    directorate: "I"
    service: Contabilità
    responsabile: capo1
    staff: [anna, bruno]
    phases:
      - {n: 1, text: Rendiconto alla BDAP, deadline: "entro 30 gg dall'approvazione del Rendiconto"}
      - {n: 2, text: Salvaguardia degli equilibri, deadline: "entro il 31/07"}
    indicators:
      - {id: I-01.1, description: Tempi medi di pagamento, formula: "somma dei giorni / n. fatture", target: "<= 30 giorni", kind: days}
      - {id: I-01.2, description: "Certificazioni corrette, sul totale", formula: "n. corrette / n. totali", target: ">= 90%", kind: percent, assignees: [anna]}
  - id: II-01
    title: Formazione del personale
    category: gestionale
    directorate: "II"
    service: Risorse umane
    responsabile: capo2
    staff: [dora]
    indicators:
      - {id: II-01.1, description: Percorsi formativi attivati, target: ">=1 percorso", kind: count}
      - {id: II-01.2, description: Piano della formazione nei tempi, target: Rispettato, kind: yesno}
      - {id: II-01.3, description: Relazione sulle attività, target: "Relazione completa e condivisa", kind: text}
`)
	for i := 2; i < 2+extra; i++ {
		dir, svc, who := "I", "Contabilità", "anna"
		if i%2 == 0 {
			dir, svc, who = "II", "Risorse umane", "dora"
		}
		fmt.Fprintf(&b, `  - id: %s-%02d
    title: "Obiettivo di prova numero %d, con un titolo lungo abbastanza da andare a capo come quelli veri del piano della performance"
    directorate: "%s"
    service: %s
    responsabile: capo%d
    staff: [%s]
    phases:
`, dir, i, i, dir, svc, map[string]int{"I": 1, "II": 2}[dir], who)
		for n := 1; n <= 2+i%4; n++ {
			fmt.Fprintf(&b, "      - {n: %d, text: \"Fase %d: analisi, predisposizione degli atti, verifica con gli uffici e trasmissione degli esiti alla direzione\", deadline: \"entro il %02d/%02d/2024\"}\n", n, n, 10+n, 3+n)
		}
		b.WriteString("    indicators:\n")
		for k := 1; k <= 1+i%3; k++ {
			fmt.Fprintf(&b, "      - {id: %s-%02d.%d, description: \"Indicatore %d dell'obiettivo %d: pratiche istruite entro i termini sul totale delle pratiche pervenute\", formula: \"n. pratiche nei termini / n. pratiche pervenute x 100\", target: \">= %d%%\", kind: percent}\n", dir, i, k, k, i, 80+k)
		}
	}
	return b.String()
}

// newEngine builds an engine over plan on a fresh database at start.
func newEngine(t *testing.T, plan string, start time.Time) (*workflow.Engine, *scheduler.Clock) {
	t.Helper()
	dir := t.TempDir()
	pp, cp := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(pp, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, []byte(reportConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := config.Load(config.Options{ConfigPath: cp, PlanPath: pp, DataDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "db.sqlite"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := scheduler.NewClock(start)
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return eng, clock
}

// withValues records the values of the report tests, each at its moment.
func withValues(t *testing.T, eng *workflow.Engine, clock *scheduler.Clock) {
	t.Helper()
	for _, v := range []struct {
		when                 time.Time
		ind, period, raw, by string
	}{
		{at(2024, 7, 20, 10, 15), "I-01.2", "S1", "85% - due pratiche sospese per ricorso", "anna"},
		{at(2024, 7, 22, 9, 0), "II-01.1", "S1", "2 percorsi", "dora"},
		{at(2024, 7, 23, 9, 0), "II-01.2", "S1", "sì", "dora"},
		{at(2024, 7, 24, 11, 30), "II-01.3", "S1", "relazione inviata al Nucleo", ""},
		{at(2024, 12, 20, 9, 0), "II-01.1", "S2", "0 - corso annullato", "dora"},
	} {
		clock.Set(v.when)
		if _, err := eng.Submit(context.Background(), workflow.Submission{IndicatorID: v.ind, Period: v.period, Raw: v.raw, By: v.by,
			Channel: workflow.ChannelEmail, OnBehalf: v.by == ""}); err != nil {
			t.Fatalf("submit %s: %v", v.ind, err)
		}
	}
	clock.Set(at(2025, 2, 3, 9, 0))
}

func build(t *testing.T, eng *workflow.Engine, opt report.Options) *report.Report {
	t.Helper()
	r, err := report.Build(context.Background(), eng, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readCSV(t *testing.T, r *report.Report) map[string][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v", err)
	}
	out := map[string][]string{"header": recs[0]}
	for _, rec := range recs[1:] {
		out[rec[4]] = rec
	}
	return out
}

func TestReportCSV(t *testing.T) {
	eng, clock := newEngine(t, reportPlan(0), at(2024, 7, 1, 8, 0))
	withValues(t, eng, clock)
	s1 := readCSV(t, build(t, eng, report.Options{Period: "2024-S1"}))
	wantHeader := "Direzione,Servizio,Obiettivo,Descrizione obiettivo,Indicatore,Descrizione indicatore,Formula,Target," +
		"Valore 1° semestre 2024,Note 1° semestre 2024,Inviato da 1° semestre 2024,Ricevuto il 1° semestre 2024," +
		"Valore 2° semestre 2024,Note 2° semestre 2024,Inviato da 2° semestre 2024,Ricevuto il 2° semestre 2024," +
		"Target raggiunto (1° semestre 2024)"
	if got := strings.Join(s1["header"], ","); got != wantHeader {
		t.Errorf("header:\n%s\nwant:\n%s", got, wantHeader)
	}
	s2 := readCSV(t, build(t, eng, report.Options{Period: "S2"}))
	cases := []struct {
		name string
		rows map[string][]string
		ind  string
		want string // the row, joined with " | "
	}{
		{"a value below target", s1, "I-01.2",
			"I - Bilancio e Finanze | Contabilità | I-01 | Rendiconto e pagamenti | I-01.2 | Certificazioni corrette, sul totale | n. corrette / n. totali | >= 90% | 85% | due pratiche sospese per ricorso | Anna Rossi | 20/07/2024 10:15 |  |  |  |  | no"},
		{"no value yet", s1, "I-01.1",
			"I - Bilancio e Finanze | Contabilità | I-01 | Rendiconto e pagamenti | I-01.1 | Tempi medi di pagamento | somma dei giorni / n. fatture | <= 30 giorni |  |  |  |  |  |  |  |  | "},
		{"the second semester is left out of the first's report", s1, "II-01.1",
			"II - Personale | Risorse umane | II-01 | Formazione del personale | II-01.1 | Percorsi formativi attivati |  | >=1 percorso | 2 |  | Dora Neri | 22/07/2024 09:00 |  |  |  |  | sì"},
		{"both semesters in the second's report, met for the second", s2, "II-01.1",
			"II - Personale | Risorse umane | II-01 | Formazione del personale | II-01.1 | Percorsi formativi attivati |  | >=1 percorso | 2 |  | Dora Neri | 22/07/2024 09:00 | 0 | corso annullato | Dora Neri | 20/12/2024 09:00 | no"},
		{"a yes/no target", s1, "II-01.2",
			"II - Personale | Risorse umane | II-01 | Formazione del personale | II-01.2 | Piano della formazione nei tempi |  | Rispettato | sì |  | Dora Neri | 23/07/2024 09:00 |  |  |  |  | sì"},
		{"a target that is not machine-readable", s1, "II-01.3",
			"II - Personale | Risorse umane | II-01 | Formazione del personale | II-01.3 | Relazione sulle attività |  | Relazione completa e condivisa | relazione inviata al Nucleo |  | amministratore | 24/07/2024 11:30 |  |  |  |  | non valutabile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(c.rows[c.ind], " | "); got != c.want {
				t.Errorf("row %s:\n%s\nwant:\n%s", c.ind, got, c.want)
			}
		})
	}
	t.Run("one directorate only", func(t *testing.T) {
		rows := readCSV(t, build(t, eng, report.Options{Period: "S1", Directorate: "II"}))
		if len(rows) != 4 || rows["I-01.1"] != nil || rows["II-01.3"] == nil {
			t.Errorf("directorate II report has %d rows (header included): %v", len(rows), rows)
		}
	})
	t.Run("English", func(t *testing.T) {
		rows := readCSV(t, build(t, eng, report.Options{Period: "S1", Lang: "en"}))
		if h := rows["header"]; h[8] != "Value 1st half 2024" || h[len(h)-1] != "Target met (1st half 2024)" || rows["II-01.2"][16] != "yes" {
			t.Errorf("English header %q, II-01.2 %q", h, rows["II-01.2"])
		}
	})
}

func TestReportRefusesUnknownPeriodAndDirectorate(t *testing.T) {
	eng, _ := newEngine(t, reportPlan(0), at(2024, 7, 1, 8, 0))
	cases := []struct {
		name string
		opt  report.Options
		want string
	}{
		{"period", report.Options{Period: "2024-T3"}, "periodo \"2024-T3\" non riconosciuto"},
		{"directorate", report.Options{Period: "S1", Directorate: "IX"}, "direzione \"IX\" sconosciuta"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := report.Build(context.Background(), eng, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
