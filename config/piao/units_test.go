package piao

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
)

func TestJoinMendsWordsCutAcrossColumns(t *testing.T) {
	v := buildVocabulary("trasparente trasparente scadenze scadenze alla alla formazione formazione " +
		"misure misure adozione adozione determinazione")
	tests := []struct {
		name, a, b, want string
		how              joinResult
	}{
		{"cut word known elsewhere", "Amministrazione trasp", "arente web", "Amministrazione trasparente web", joinMended},
		{"letter repeated at the cut", "Anticipazione delle sca", "adenze", "Anticipazione delle scadenze", joinMended},
		{"lone repeated letter", "adesione alla", "a formazione", "adesione alla formazione", joinMended},
		{"two whole words", "Percentuale adozione", "misure anticorruzione", "Percentuale adozione misure anticorruzione", joinSpace},
		{"no evidence", "riversan", "nento TARI", "riversan nento TARI", joinUnclear},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, how := v.join(tc.a, tc.b)
			if got != tc.want || how != tc.how {
				t.Errorf("join(%q, %q) = %q, %v; want %q, %v", tc.a, tc.b, got, how, tc.want, tc.how)
			}
		})
	}
}

func TestParseStaffReadsNamesInEitherOrder(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		ids    []string
		titles []string
	}{
		{"surname first with E.Q.", "Area dei Funzionari: Maino Tiziana E.Q., Bugana Carmen", []string{"maino-tiziana", "bugana-carmen"}, []string{"Area dei Funzionari E.Q.", "Area dei Funzionari"}},
		{"name first with particles", "Area dei Funzionari: Raul Dell'Oro Area dei Funzionari: Di Stefano Daniela", []string{"dell-oro-raul", "di-stefano-daniela"}, []string{"Area dei Funzionari", "Area dei Funzionari"}},
		{"dash separated, several given names", "Operatori: Lazzari Elena Lucia Rita - Rossi Francesca", []string{"lazzari-elena-lucia-rita", "rossi-francesca"}, []string{"Operatori", "Operatori"}},
		{"part-time marks and notes dropped", "Area degli istruttori: Vassena Elisabetta_p.t., Todde Ivana (fino al 29/02/2024)", []string{"vassena-elisabetta", "todde-ivana"}, []string{"Area degli istruttori", "Area degli istruttori"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, leftover := parseStaff(tc.text)
			if len(leftover) > 0 {
				t.Errorf("leftover %q", leftover)
			}
			var ids, titles []string
			for _, e := range entries {
				ids = append(ids, e.name.id())
				titles = append(titles, e.title)
			}
			if strings.Join(ids, ",") != strings.Join(tc.ids, ",") || strings.Join(titles, ",") != strings.Join(tc.titles, ",") {
				t.Errorf("got %v %q, want %v %q", ids, titles, tc.ids, tc.titles)
			}
		})
	}
}

func TestInferKindIsConservative(t *testing.T) {
	tests := []struct {
		name, formula, target string
		kind, num, den        string
	}{
		{"percent of a ratio", "n. misure attuate / totale misure previste", ">=90%", config.KindPercent, "n. misure attuate", "totale misure previste"},
		{"ratio without percent", "numero incontri effettuati / numero incontri programmati", "almeno n. 2 incontri", config.KindRatio, "numero incontri effettuati", "numero incontri programmati"},
		{"yes/no", "Rispetto dei tempi previsti nell'azione", "Rispettato", config.KindYesNo, "", ""},
		{"days", "Rispetto dei tempi previsti nelle azioni", "Scostamento <= 20 giorni", config.KindDays, "", ""},
		{"count", "n. report", ">=2", config.KindCount, "", ""},
		{"a deadline is text", "Rispetto dei tempi per la predisposizione", "Entro 30 gg dall'approvazione del Bilancio", config.KindText, "", ""},
		{"slash inside parentheses is no ratio", "n. giorni di pagamento (+ ritardo / - anticipo)", "< 30 giorni", config.KindDays, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, n, d := inferKind(tc.formula, tc.target)
			if k != tc.kind || n != tc.num || d != tc.den {
				t.Errorf("inferKind = %q %q %q, want %q %q %q", k, n, d, tc.kind, tc.num, tc.den)
			}
		})
	}
}

const tinyCard = "DIREZIONE ORGANIZZATIVA I BILANCIO E FINANZE\n" +
	"\nSERVIZIO:\nCATEGORIA OBIETTIVO:\nRESPONSABILE:\n\nContabilità Generale\nGestionale\nDaniela Valsecchi\n\n" +
	"Piano Integrato di Attivita' e Organizzazione - PIAO Sezione 2.2 Performance\n\nEsercizio 2024\n\n" +
	"DESCRIZIONE OBIETTIVO\t1 - GESTIONE DELLE ENTRATE\n" +
	"MISSIONE D.U.P.\t01: Servizi istituzionali, generali e di gestione\n" +
	"PROGRAMMA D.U.P.\t04: Gestione delle entrate tributarie e servizi fiscali\n" +
	"IMPATTO/OUTCOME\tGarantire un adeguato livello di entrate.\n" +
	"STAKEHOLDER\tComuni.\n" +
	"AZIONI/FASI\n" +
	"- 1) Invio rendicontazione entro il 31/01/2024.\n" +
	"- 2) Verifiche e monitoraggio entrate.\n" +
	"RISORSE UMANE\tArea degli Istruttori: Magno Teresa\n" +
	"INDICATORI\n" +
	"DESCRIZIONE\t\tFORMULA\tTARGET\n" +
	"Rispetto tempistiche\t\tRispetto dei tempi previsti nelle azioni\tScostamento <= 20 giorni\n" +
	"QUANTIFICAZIONE\t1° semestre: raggiunto\t\t\n" +
	"\t2° semestre:\t\t\n" +
	"Questa riga non ha colonne 1° semestre:\n"

func TestImportReadsOneCard(t *testing.T) {
	res, err := Import([]byte(tinyCard))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Objectives) != 1 {
		t.Fatalf("%d objectives, want 1", len(res.Plan.Objectives))
	}
	o := res.Plan.Objectives[0]
	want := config.Objective{
		ID: "I-01", Title: "1 - GESTIONE DELLE ENTRATE", Category: "Gestionale", Directorate: "I",
		Service: "Contabilità Generale", Responsabile: "valsecchi-daniela",
		Missione: "01: Servizi istituzionali, generali e di gestione", Programma: "04: Gestione delle entrate tributarie e servizi fiscali",
		Outcome: "Garantire un adeguato livello di entrate.",
		Phases: []config.Phase{
			{N: 1, Text: "Invio rendicontazione entro il 31/01/2024.", Deadline: "entro il 31/01/2024"},
			{N: 2, Text: "Verifiche e monitoraggio entrate."},
		},
		Staff: []string{"magno-teresa"},
		Indicators: []config.Indicator{
			{ID: "I-01.1", Description: "Rispetto tempistiche", Formula: "Rispetto dei tempi previsti nelle azioni",
				Target: "Scostamento <= 20 giorni", Kind: config.KindDays, Quantifications: map[string]string{"S1": "raggiunto"}},
			{ID: "I-01.2", Description: "Questa riga non ha colonne", Kind: config.KindText},
		},
	}
	compareObjective(t, want, o)
	if d := res.Plan.Directorates; len(d) != 1 || d[0].Name != "BILANCIO E FINANZE" || d[0].Dirigente != "valsecchi-daniela" {
		t.Errorf("directorates = %+v", d)
	}
	if len(res.People) != 2 || !res.People[0].HasRole(config.RoleResponsabile) || res.People[1].Title != "Area degli Istruttori" {
		t.Errorf("people = %+v", res.People)
	}
	if res.Plan.People != nil {
		t.Error("the plan must leave people to the people file")
	}
	var buf bytes.Buffer
	if err := res.Report.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	// the flattened row is listed with its source line.
	if !strings.Contains(buf.String(), "riga    29  I-01.2") {
		t.Errorf("report does not list the raw row with its line:\n%s", buf.String())
	}
}

func TestMarshalYAMLRoundTrips(t *testing.T) {
	res, err := Import([]byte(tinyCard))
	if err != nil {
		t.Fatal(err)
	}
	res.Plan.PeopleFile = "people.yaml"
	data, err := MarshalPlanYAML(res.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "people_file: people.yaml\n") || !strings.Contains(string(data), "  - id: I-01\n") {
		t.Errorf("plan YAML is not block style:\n%s", data)
	}
	pdata, err := MarshalPeopleYAML(res.People)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdata), "people:\n  - id: valsecchi-daniela\n") {
		t.Errorf("people YAML starts %q", pdata[:40])
	}
}

func TestPlanYAMLReadsBackUnchanged(t *testing.T) {
	res, err := Import(readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := MarshalPlanYAML(res.Plan)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if len(line) > 120 && !strings.Contains(strings.TrimLeft(line, " "), "  ") {
			t.Errorf("line %d is %d characters long: %.60s...", i+1, len(line), line)
			break
		}
	}
	var back config.Plan
	if err := yaml.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for i := range res.Plan.Objectives {
		w, g := res.Plan.Objectives[i], back.Objectives[i]
		compareObjective(t, w, g)
		if w.ID != g.ID {
			t.Errorf("objective %d: id %q read back as %q", i, w.ID, g.ID)
		}
	}
}

// TestImportReadsTableQuirksOfTheSeed covers three layouts of the Lecco
// document's indicator tables: a first row with no INDICATORI heading
// (II-07, line 1214), a row whose formula and target slipped beside the
// QUANTIFICAZIONE label below it (VII-19, lines 4935-4936) and a label
// whose OCR is unreadable (VII-20, line 4992). Each must give exactly the
// document's rows.
func TestImportReadsTableQuirksOfTheSeed(t *testing.T) {
	card, _, ok := strings.Cut(tinyCard, "INDICATORI\n")
	if !ok {
		t.Fatal("tinyCard has no INDICATORI table")
	}
	header := "INDICATORI\nDESCRIZIONE\t\tFORMULA\tTARGET\n"
	tests := []struct {
		name  string
		table string
		want  []config.Indicator
	}{
		{
			name: "first row right after RISORSE UMANE, heading missing",
			table: "\nGradimento del servizio\t% questionari con gradimento > 3 su 4\t>= 80%\n" +
				"QUANTIFICAZIONE 1° semestre: 2° semestre:\t\t\t\n\n" +
				"Gradimento della formazione\t% questionari con valutazione >3 su 4\t>= 80%\n" +
				"QUANTIFICAZIONE\t1° semestre:\t\t\n\t2° semestre:\t\t\n",
			want: []config.Indicator{
				{ID: "I-01.1", Description: "Gradimento del servizio", Formula: "% questionari con gradimento > 3 su 4", Target: ">= 80%", Kind: config.KindPercent},
				{ID: "I-01.2", Description: "Gradimento della formazione", Formula: "% questionari con valutazione >3 su 4", Target: ">= 80%", Kind: config.KindPercent},
			},
		},
		{
			name: "formula and target beside the QUANTIFICAZIONE label",
			table: header +
				"Studi di fattibilità interni per attività\t\t\n" +
				"QUANTIFICAZIONE 1° semestre:\tN. studi di fattibilità interni\t>= 5\n" +
				"2° semestre:\t\t\n" +
				"Attività realizzate con professionalità interne\tN. attività realizzate\t>= 5\n" +
				"QUANTIFICAZIONE 1° semestre:\t\t\n2° semestre:\t\t\n",
			want: []config.Indicator{
				{ID: "I-01.1", Description: "Studi di fattibilità interni per attività", Formula: "N. studi di fattibilità interni", Target: ">= 5", Kind: config.KindCount},
				{ID: "I-01.2", Description: "Attività realizzate con professionalità interne", Formula: "N. attività realizzate", Target: ">= 5", Kind: config.KindCount},
			},
		},
		{
			name: "unreadable QUANTIFICAZIONE label",
			table: header +
				"Newsletter e aggiornamento notizie\tN. di news pubblicate mensilmente\t>=5\t\n" +
				"QUANTIFICAZIONE\t1° semestre:\t\t\t\n" +
				"Q0/1111110/1210112\t2° semestre:\t\t\t\n" +
				"Controllo del concessionario\t\tN. verifiche effettuate\t>=7\t\n" +
				"QUANTIFICAZIONE\t1° semestre:\t\t\t\n\t2° semestre:\t\t\t\n",
			want: []config.Indicator{
				{ID: "I-01.1", Description: "Newsletter e aggiornamento notizie", Formula: "N. di news pubblicate mensilmente", Target: ">=5", Kind: config.KindCount},
				{ID: "I-01.2", Description: "Controllo del concessionario", Formula: "N. verifiche effettuate", Target: ">=7", Kind: config.KindCount},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import([]byte(card + tc.table))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Plan.Objectives) != 1 {
				t.Fatalf("%d objectives, want 1", len(res.Plan.Objectives))
			}
			o := res.Plan.Objectives[0]
			if !reflect.DeepEqual(o.Staff, []string{"magno-teresa"}) || o.StaffText != "" {
				t.Errorf("staff = %v, staff_text = %q; want only magno-teresa", o.Staff, o.StaffText)
			}
			if len(o.Indicators) != len(tc.want) {
				t.Fatalf("%d indicators, want %d: %+v", len(o.Indicators), len(tc.want), o.Indicators)
			}
			for i, w := range tc.want {
				if g := o.Indicators[i]; !reflect.DeepEqual(g, w) {
					t.Errorf("indicator %d:\n got %+v\nwant %+v", i+1, g, w)
				}
			}
		})
	}
}
