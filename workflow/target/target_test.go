package target

import (
	"testing"
	"time"

	"sollecito/workflow/calendar"
	"sollecito/workflow/value"
)

// TestParseShapes covers the shapes the plan format allows beyond the
// seed's own texts.
func TestParseShapes(t *testing.T) {
	tests := []struct{ text, want string }{
		{"≥ 90%", "percent >= 90 %"},
		{"≤ 5 giorni", "days <= 5 giorni"},
		{"=> 3", "number >= 3"},
		{"< = 4", "number <= 4"},
		{"non inferiore a 80%", "percent >= 80 %"},
		{"non superiore al 5%", "percent <= 5 %"},
		{"non oltre 10 giorni", "days <= 10 giorni"},
		{"massimo 3 segnalazioni", "count <= 3 segnalazioni"},
		{"minimo 2 incontri", "count >= 2 incontri"},
		{"pari a 2 report", "count = 2 report"},
		{"pari al 100%", "percent = 100 %"},
		{"inferiore a 30 giorni", "days < 30 giorni"},
		{"superiore a 50%", "percent > 50 %"},
		{"più di 4 corsi", "count > 4 corsi"},
		{"almeno 92,5%", "percent >= 92.5 %"},
		{">= 1.500", "number >= 1500"},
		{"<= 1.500,50 euro", "number <= 1500.5 €"},
		{"<= 2 mesi", "days <= 2 mesi"},
		{"scostamento massimo di 2 settimane", "days <= 2 settimane scostamento"},
		{"<= 36 ore", "number <= 36 ore"},
		{"entro il 31.01.2024", "date <= 31/01/2024"},
		{"entro 31/01/2024", "date <= 31/01/2024"},
		{"raggiunto", "yesno"},
		{"nel rispetto dei tempi", "yesno"},
		{"n. incontri >= 4", "count >= 4 incontri"},
		{"  >=90%  ", "percent >= 90 %"},
		// Better unreadable than wrong.
		{"", unreadable},
		{"90% oppure 45 pratiche", unreadable},
		{">= 80% e <= 95%", unreadable},
		{"entro 10 gg lavorativi", unreadable},
		{"<= 5 giorni lavorativi", unreadable},
		{"entro 4 incontri", unreadable},
		{"entro il 31/02/2024", unreadable},
		{"entro il 31/01", unreadable},
		{"scostamento <= 5%", unreadable},
		{"oltremare 5", unreadable},
		{"non superiore a 5 (salvo >= 7)", unreadable},
		{">= 5 (circa", unreadable},
		{"30 giorni", unreadable},
		{"€ 500", unreadable},
		{"rispetto dei tempi o entro il 31/12", unreadable},
		{"rispetto dei tempi della fase 2", unreadable},
		{"n. pratiche / n. istanze >= 90%", unreadable},
		{">= 90% per ogni servizio", unreadable},
		{"almeno", unreadable},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := reading(Parse(tc.text)); got != tc.want {
				t.Errorf("Parse(%q) = %s, want %s", tc.text, got, tc.want)
			}
		})
	}
}

func pct(n float64) value.Value   { return value.Value{Kind: value.KindPercent, Number: n} }
func days(n float64) value.Value  { return value.Value{Kind: value.KindDays, Number: n} }
func count(n float64) value.Value { return value.Value{Kind: value.KindCount, Number: n} }
func num(n float64) value.Value   { return value.Value{Kind: value.KindNumber, Number: n} }
func yes(b bool) value.Value      { return value.Value{Kind: value.KindYesNo, Bool: b} }
func date(y, m, d int) value.Value {
	return value.Value{Kind: value.KindDate, Date: calendar.D(y, timeMonth(m), d)}
}
func ratio(a, b float64) value.Value {
	return value.Value{Kind: value.KindRatio, Numerator: a, Denominator: b, Number: 100 * a / b}
}

// verdict is what Evaluate should say: met, not met, or no verdict.
type verdict int

const (
	met verdict = iota
	notMet
	none
)

func (v verdict) String() string { return [...]string{"met", "not met", "no verdict"}[v] }

// TestEvaluate checks values below, at and above each kind of threshold.
func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		target string
		v      value.Value
		want   verdict
	}{
		{">=90% below", ">=90%", pct(89.9), notMet},
		{">=90% at", ">=90%", pct(90), met},
		{">=90% above", ">=90%", pct(92.5), met},
		{">=90% ratio below", ">=90%", ratio(44, 50), notMet},
		{">=90% ratio at", ">=90%", ratio(9, 10), met},
		{">=90% ratio above", ">=90%", ratio(50, 50), met},
		{">=90% ratio given as percent", ">=90%", value.Value{Kind: value.KindRatio, Number: 91}, met},
		{"> 10% at", "> 10%", pct(10), notMet},
		{"> 10% above", "> 10%", pct(10.5), met},
		{"> 10% below", "> 10%", pct(9), notMet},
		{"<= 5% below", "<= 5%", pct(4), met},
		{"<= 5% at", "<= 5%", pct(5), met},
		{"<= 5% above", "<= 5%", pct(5.1), notMet},
		{"100% below", "100%", pct(99.9), notMet},
		{"100% at", "100%", pct(100), met},
		{"bare 80% below", "80%", pct(79), notMet},
		{"bare 80% at", "80%", pct(80), met},
		{"< 30 giorni below", "< 30 giorni", days(29), met},
		{"< 30 giorni at", "< 30 giorni", days(30), notMet},
		{"< 30 giorni above", "< 30 giorni", days(31), notMet},
		{"< 30 giorni plain number", "< 30 giorni", num(12.5), met},
		{"scostamento <= 20 below", "Scostamento <= 20 giorni", days(0), met},
		{"scostamento <= 20 at", "Scostamento <= 20 giorni", days(20), met},
		{"scostamento <= 20 above", "Scostamento <= 20 giorni", days(21), notMet},
		{"scostamento massimo di 7 at", "scostamento massimo di 7 giorni", days(7), met},
		{"scostamento massimo di 7 above", "scostamento massimo di 7 giorni", days(8), notMet},
		{"nessuno scostamento at", "nessuno scostamento", days(0), met},
		{"nessuno scostamento above", "nessuno scostamento", days(1), notMet},
		{"<= 4 settimane at", "<= 4 settimane", days(28), met},
		{"<= 4 settimane above", "<= 4 settimane", days(29), notMet},
		{"< 1 settimana below", "scostamento < 1 settimana", days(6), met},
		{"< 1 settimana at", "scostamento < 1 settimana", days(7), notMet},
		{"<= 1 mese surely within", "scostamento motivato <= 1 mese", days(28), met},
		{"<= 1 mese depends on the month", "scostamento motivato <= 1 mese", days(30), none},
		{"<= 1 mese surely beyond", "scostamento motivato <= 1 mese", days(32), notMet},
		{">= 2 giorni below", ">= 2 giorni", days(1), notMet},
		{">= 2 giorni at", ">= 2 giorni", days(2), met},
		{"entro 60 giorni above", "entro 60 giorni", days(61), notMet},
		{"entro 60 giorni at", "entro 60 giorni", days(60), met},
		{">=1 percorso below", ">=1 percorso", count(0), notMet},
		{">=1 percorso at", ">=1 percorso", count(1), met},
		{">=1 percorso above", ">=1 percorso", count(3), met},
		{"almeno 4 incontri below", "almeno 4 incontri (trimestrali) de gruppo di lavoro intersettoriale", count(3), notMet},
		{"almeno 4 incontri at", "almeno 4 incontri (trimestrali) de gruppo di lavoro intersettoriale", count(4), met},
		{"n. report = 2 below", "n. report = 2", count(1), notMet},
		{"n. report = 2 at", "n. report = 2", count(2), met},
		{"n. report = 2 above", "n. report = 2", count(3), notMet},
		{"<=30 plain below", "<=30", num(29.5), met},
		{"<=30 plain at", "<=30", days(30), met},
		{"<=30 plain above", "<=30", count(31), notMet},
		{"<= € 500 below", "<= € 500", num(499.99), met},
		{"<= € 500 at", "<= € 500", num(500), met},
		{"<= € 500 above", "<= € 500", num(500.01), notMet},
		{">= 2000 below", ">= 2000", count(1999), notMet},
		{">= 2000 at", ">= 2000", count(2000), met},
		{"Rispettato yes", "Rispettato", yes(true), met},
		{"Rispettato no", "Rispettato", yes(false), notMet},
		{"rispetto dei tempi yes", "rispetto dei tempi previsti dal regolamento regionale", yes(true), met},
		{"rispetto dei tempi no", "rispetto dei tempi", yes(false), notMet},
		{"entro il 31/01/2024 before", "entro il 31/01/2024", date(2024, 1, 30), met},
		{"entro il 31/01/2024 on", "entro il 31/01/2024", date(2024, 1, 31), met},
		{"entro il 31/01/2024 after", "entro il 31/01/2024", date(2024, 2, 1), notMet},
		{"entro il 30 novembre 2024 after", "entro il 30 novembre 2024", date(2024, 12, 1), notMet},
		// No verdict rather than a wrong one.
		{"unreadable target", "Ogni trimestre", pct(100), none},
		{"percent target, count value", ">=90%", count(95), none},
		{"percent target, number value", ">=90%", num(95), none},
		{"count target, percent value", ">=2", pct(50), none},
		{"noun target, days value", ">=1 percorso", days(2), none},
		{"days target, count value", "<= 5 giorni", count(3), none},
		{"date target, yes/no value", "entro il 31/01/2024", yes(true), none},
		{"date target, empty date", "entro il 31/01/2024", value.Value{Kind: value.KindDate}, none},
		{"yes/no target, percent value", "Rispettato", pct(100), none},
		{"money target, count value", "<= € 500", count(3), none},
		{"not applicable", ">=90%", value.Value{Kind: value.KindPercent, NA: true, Reason: "nessuna richiesta"}, none},
		{"zero target", "", pct(1), none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, has := Parse(tc.target).Evaluate(tc.v)
			got := none
			if has {
				got = notMet
				if ok {
					got = met
				}
			} else if ok {
				t.Fatalf("Evaluate said met without a verdict")
			}
			if got != tc.want {
				t.Errorf("Parse(%q).Evaluate(%+v) = %v, want %v", tc.target, tc.v, got, tc.want)
			}
		})
	}
}

// TestEvaluateParsedValues goes from what a person writes to the verdict.
func TestEvaluateParsedValues(t *testing.T) {
	tests := []struct {
		target, raw, kind string
		want              verdict
	}{
		{">=90%", "92,5% - due corsi rinviati", value.KindPercent, met},
		{">=90%", "45 su 50", value.KindRatio, met},
		{">=90%", "44/50", value.KindRatio, notMet},
		{"Scostamento <= 20 giorni", "21 gg", value.KindDays, notMet},
		{"Rispettato", "non rispettato", value.KindYesNo, notMet},
		{"entro il 31/01/2024", "2024-01-31", value.KindDate, met},
		{"n. report = 2", "2 report", value.KindCount, met},
		{">=90%", "n.a. - nessuna richiesta", value.KindPercent, none},
	}
	for _, tc := range tests {
		t.Run(tc.target+" "+tc.raw, func(t *testing.T) {
			v, err := value.Parse(tc.raw, tc.kind, value.Options{Today: calendar.D(2024, 7, 1)})
			if err != nil {
				t.Fatal(err)
			}
			ok, has := Parse(tc.target).Evaluate(v)
			got := none
			if has {
				got = notMet
				if ok {
					got = met
				}
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct{ text, it, en string }{
		{">=90%", "almeno 90%", "at least 90%"},
		{"almeno 92,5%", "almeno 92,5%", "at least 92.5%"},
		{"100%", "100%", "100%"},
		{"> 10%", "più di 10%", "more than 10%"},
		{"<= 5 giorni", "non oltre 5 giorni", "at most 5 days"},
		{"< 30 giorni", "meno di 30 giorni", "less than 30 days"},
		{"Scostamento <= 20 giorni", "scostamento non oltre 20 giorni", "deviation of at most 20 days"},
		{"scostamento motivato < 30 giorni", "scostamento inferiore a 30 giorni", "deviation of less than 30 days"},
		{"scostamento motivato <= 1 mese", "scostamento non oltre 1 mese", "deviation of at most 1 month"},
		{"scostamento < 1 settimana", "scostamento inferiore a 1 settimana", "deviation of less than 1 week"},
		{"nessuno scostamento", "nessuno scostamento", "no deviation"},
		{"<= 4 settimane", "non oltre 4 settimane", "at most 4 weeks"},
		{"<= € 500", "non oltre 500 €", "at most €500"},
		{"n. report = 2", "pari a 2 report", "exactly 2 report"},
		{"almeno 4 incontri (trimestrali)", "almeno 4 incontri", "at least 4 incontri"},
		{">=2", "almeno 2", "at least 2"},
		{"entro il 31/01/2024", "entro il 31/01/2024", "by 31/01/2024"},
		{"Rispettato", "rispettato (sì)", "met (yes)"},
		{"Ogni trimestre", "Ogni trimestre", "Ogni trimestre"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			tg := Parse(tc.text)
			if got := tg.Describe("it"); got != tc.it {
				t.Errorf("Describe(it) = %q, want %q", got, tc.it)
			}
			if got := tg.Describe("en"); got != tc.en {
				t.Errorf("Describe(en) = %q, want %q", got, tc.en)
			}
		})
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		text  string
		kinds []string // the kinds accepted; every other kind is refused
	}{
		{">=90%", []string{value.KindPercent, value.KindRatio}},
		{"<= 5 giorni", []string{value.KindDays, value.KindNumber}},
		{">=1 percorso", []string{value.KindCount, value.KindNumber}},
		{">=2", []string{value.KindCount, value.KindNumber, value.KindDays}},
		{"Rispettato", []string{value.KindYesNo}},
		{"entro il 31/01/2024", []string{value.KindDate}},
		{"Ogni trimestre", nil},
	}
	all := []string{value.KindPercent, value.KindNumber, value.KindDays, value.KindCount, value.KindRatio, value.KindYesNo, value.KindDate, value.KindText}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			tg := Parse(tc.text)
			for _, k := range all {
				want := false
				for _, a := range tc.kinds {
					want = want || a == k
				}
				if got := tg.Accepts(k); got != want {
					t.Errorf("Accepts(%s) = %v, want %v", k, got, want)
				}
			}
		})
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
