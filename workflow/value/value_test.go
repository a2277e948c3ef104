package value

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"sollecito/workflow/calendar"
)

var today = calendar.D(2024, 7, 15)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		kind string
		want Value // Raw and Kind are filled in by the test
	}{
		{"percent with comma", "92,5%", KindPercent, Value{Number: 92.5}},
		{"percent with dot", "92.5 %", KindPercent, Value{Number: 92.5}},
		{"percent without sign", "80", KindPercent, Value{Number: 80}},
		{"percent written out", "75 per cento", KindPercent, Value{Number: 75}},
		{"percent with dash note", "92,5% - due corsi rinviati", KindPercent, Value{Number: 92.5, Note: "due corsi rinviati"}},
		{"percent with words after", "92,5% due corsi rinviati", KindPercent, Value{Number: 92.5, Note: "due corsi rinviati"}},
		{"percent with semicolon note", "100%; tutto regolare", KindPercent, Value{Number: 100, Note: "tutto regolare"}},
		{"percent with note on next line", "85%\nmanca il dato di dicembre", KindPercent, Value{Number: 85, Note: "manca il dato di dicembre"}},
		{"percent with labelled note", "85% nota: stima", KindPercent, Value{Number: 85, Note: "stima"}},
		{"percent zero", "0%", KindPercent, Value{Number: 0}},
		{"percent ends a sentence", "90%.", KindPercent, Value{Number: 90}},
		{"number with thousands", "1.234,5", KindNumber, Value{Number: 1234.5}},
		{"number euro", "€ 480,50", KindNumber, Value{Number: 480.5}},
		{"number euro after", "480 euro", KindNumber, Value{Number: 480}},
		{"number negative", "-3", KindNumber, Value{Number: -3}},
		{"number ends a sentence", "12.", KindNumber, Value{Number: 12}},
		{"days bare", "12", KindDays, Value{Number: 12}},
		{"days with unit", "12 giorni", KindDays, Value{Number: 12}},
		{"days gg", "5 gg", KindDays, Value{Number: 5}},
		{"days average", "12,5 giorni di media", KindDays, Value{Number: 12.5, Note: "di media"}},
		{"count", "4", KindCount, Value{Number: 4}},
		{"count with noun", "3 incontri", KindCount, Value{Number: 3}},
		{"count with noun and note", "2 report - il terzo a gennaio", KindCount, Value{Number: 2, Note: "il terzo a gennaio"}},
		{"count with other words", "3 con la Regione", KindCount, Value{Number: 3, Note: "con la Regione"}},
		{"ratio slash", "45/50", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50}},
		{"ratio su", "45 su 50", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50}},
		{"ratio di", "45 di 50", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50}},
		{"ratio equal", "50/50", KindRatio, Value{Number: 100, Numerator: 50, Denominator: 50}},
		{"ratio zero numerator", "0/12", KindRatio, Value{Number: 0, Numerator: 0, Denominator: 12}},
		{"ratio with spaces and note", "45 / 50 - 5 in corso", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50, Note: "5 in corso"}},
		{"ratio as percentage", "90%", KindRatio, Value{Number: 90}},
		{"ratio out of", "45 out of 50", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50}},
		{"ratio as formatted", "45/50 (90%)", KindRatio, Value{Number: 90, Numerator: 45, Denominator: 50}},
		{"yes accented", "sì", KindYesNo, Value{Bool: true}},
		{"yes plain", "Si", KindYesNo, Value{Bool: true}},
		{"yes english", "yes", KindYesNo, Value{Bool: true}},
		{"no", "no", KindYesNo, Value{Bool: false}},
		{"rispettato", "Rispettato", KindYesNo, Value{Bool: true}},
		{"rispettati", "rispettati", KindYesNo, Value{Bool: true}},
		{"non rispettato", "non rispettato", KindYesNo, Value{Bool: false}},
		{"raggiunto", "raggiunto", KindYesNo, Value{Bool: true}},
		{"not met", "not met", KindYesNo, Value{Bool: false}},
		{"days in dd-mm-yyyy", "31-01-2024", KindDate, Value{Date: calendar.D(2024, 1, 31)}},
		{"non raggiunto with note", "non raggiunto, ritardo della Regione", KindYesNo, Value{Bool: false, Note: "ritardo della Regione"}},
		{"yes with punctuation", "sì.", KindYesNo, Value{Bool: true}},
		{"date slashes", "31/01/2024", KindDate, Value{Date: calendar.D(2024, 1, 31)}},
		{"date dots", "31.01.2024", KindDate, Value{Date: calendar.D(2024, 1, 31)}},
		{"date iso", "2024-01-31", KindDate, Value{Date: calendar.D(2024, 1, 31)}},
		{"date words", "30 novembre 2023", KindDate, Value{Date: calendar.D(2023, 11, 30)}},
		{"date today", "15/07/2024", KindDate, Value{Date: today}},
		{"date with note", "12/03/2024 approvato in giunta", KindDate, Value{Date: calendar.D(2024, 3, 12), Note: "approvato in giunta"}},
		{"text", "Corso svolto; 12 partecipanti", KindText, Value{Text: "Corso svolto; 12 partecipanti"}},
		{"empty kind is text", "fatto", "", Value{Text: "fatto"}},
		{"na with dash", "n.a. - servizio non attivato", KindPercent, Value{NA: true, Reason: "servizio non attivato"}},
		{"na short", "na: nessuna richiesta pervenuta", KindCount, Value{NA: true, Reason: "nessuna richiesta pervenuta"}},
		{"na slash", "N/A nessuna richiesta", KindRatio, Value{NA: true, Reason: "nessuna richiesta"}},
		{"non applicabile", "non applicabile (progetto sospeso)", KindDate, Value{NA: true, Reason: "progetto sospeso"}},
		{"na for yes/no", "N.A. perché il bando è slittato", KindYesNo, Value{NA: true, Reason: "perché il bando è slittato"}},
		{"na with reason label", "n.a.\nMotivo: servizio chiuso", KindPercent, Value{NA: true, Reason: "servizio chiuso"}},
		{"na on several lines", "n.a.\nnessun procedimento nel semestre", KindDays, Value{NA: true, Reason: "nessun procedimento nel semestre"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.raw, tc.kind, Options{Today: today})
			if err != nil {
				t.Fatalf("Parse(%q, %s): %v", tc.raw, tc.kind, err)
			}
			want := tc.want
			want.Raw = tc.raw
			want.Kind = tc.kind
			if want.Kind == "" {
				want.Kind = KindText
			}
			if got != want {
				t.Errorf("Parse(%q, %s)\n got %+v\nwant %+v", tc.raw, tc.kind, got, want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		kind string
		opt  Options
		code string
	}{
		{"empty", "   ", KindPercent, Options{}, CodeEmpty},
		{"unknown kind", "5", "money", Options{}, CodeUnknownKind},
		{"percent over 100", "120%", KindPercent, Options{}, CodePercentRange},
		{"percent negative", "-5%", KindPercent, Options{}, CodePercentRange},
		{"percent as words", "quasi tutto", KindPercent, Options{}, CodeNotNumber},
		{"percent given as ratio", "45/50", KindPercent, Options{}, CodeAmbiguousPercent},
		{"number as text", "tanti", KindNumber, Options{}, CodeNotNumber},
		{"days negative", "-2 giorni", KindDays, Options{}, CodeNegative},
		{"days in weeks", "2 settimane", KindDays, Options{}, CodeWrongUnit},
		{"days in months", "3 mesi", KindDays, Options{}, CodeWrongUnit},
		{"days as words", "pochi giorni", KindDays, Options{}, CodeNotNumber},
		{"count negative", "-1", KindCount, Options{}, CodeNegative},
		{"count with decimals", "2,5", KindCount, Options{}, CodeNotInteger},
		{"ratio zero denominator", "3/0", KindRatio, Options{}, CodeZeroDenominator},
		{"ratio numerator too big", "55 su 50", KindRatio, Options{}, CodeNumeratorTooBig},
		{"ratio negative", "-1/5", KindRatio, Options{}, CodeNegative},
		{"ratio bare number", "45", KindRatio, Options{}, CodeNotRatio},
		{"ratio percentage over 100", "140%", KindRatio, Options{}, CodePercentRange},
		{"ratio words", "quasi tutti", KindRatio, Options{}, CodeNotRatio},
		{"yes/no other word", "forse", KindYesNo, Options{}, CodeNotYesNo},
		{"yes/no prefix of a word", "sicuro", KindYesNo, Options{}, CodeNotYesNo},
		{"date impossible", "31/02/2024", KindDate, Options{}, CodeBadDate},
		{"date words", "ieri", KindDate, Options{}, CodeBadDate},
		{"date in the future", "16/07/2024", KindDate, Options{Today: today}, CodeFutureDate},
		{"na without reason", "n.a.", KindPercent, Options{}, CodeMissingReason},
		{"na with only punctuation", "non applicabile - ", KindText, Options{}, CodeMissingReason},
		{"na with empty parentheses", "N/A ()", KindCount, Options{}, CodeMissingReason},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.raw, tc.kind, tc.opt)
			var ve *Error
			if !errors.As(err, &ve) {
				t.Fatalf("Parse(%q, %s) = %+v, %v; want *Error %s", tc.raw, tc.kind, got, err, tc.code)
			}
			if ve.Code != tc.code {
				t.Errorf("Parse(%q, %s) code = %s, want %s (%v)", tc.raw, tc.kind, ve.Code, tc.code, err)
			}
		})
	}
}

func TestParseFutureDateAllowed(t *testing.T) {
	v, err := Parse("31/12/2024", KindDate, Options{Today: today, AllowFutureDate: true})
	if err != nil || v.Date != calendar.D(2024, 12, 31) {
		t.Fatalf("Parse planned date = %+v, %v", v, err)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		kind   string
		it, en []string // fragments each message must contain
	}{
		{"percent over 100", "120%", KindPercent,
			[]string{"tra 0 e 100", "Esempio: 92,5%"}, []string{"between 0 and 100", "Example: 92.5%"}},
		{"missing reason", "n.a.", KindCount,
			[]string{"richiede il motivo", "n.a. - "}, []string{"needs a reason", "n/a - "}},
		{"future date", "01/08/2024", KindDate,
			[]string{"nel futuro", "15/07/2024"}, []string{"in the future", "15/07/2024"}},
		{"not a number", "boh", KindDays,
			[]string{"«boh» non è un numero", "12 giorni"}, []string{`"boh" is not a number`, "12 days"}},
		{"ratio", "5/0", KindRatio,
			[]string{"denominatore", "45 su 50"}, []string{"denominator", "45 of 50"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.raw, tc.kind, Options{Today: today})
			var ve *Error
			if !errors.As(err, &ve) {
				t.Fatalf("no *Error for %q: %v", tc.raw, err)
			}
			if err.Error() != ve.Localize("it") {
				t.Errorf("Error() is not the Italian text: %q", err.Error())
			}
			for _, f := range tc.it {
				if !strings.Contains(ve.Localize("it"), f) {
					t.Errorf("Italian message %q lacks %q", ve.Localize("it"), f)
				}
			}
			for _, f := range tc.en {
				if !strings.Contains(ve.Localize("en"), f) {
					t.Errorf("English message %q lacks %q", ve.Localize("en"), f)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name   string
		v      Value
		it, en string
	}{
		{"percent", Value{Kind: KindPercent, Number: 92.5}, "92,5%", "92.5%"},
		{"percent whole", Value{Kind: KindPercent, Number: 100}, "100%", "100%"},
		{"ratio counts", Value{Kind: KindRatio, Number: 100 * 2.0 / 3, Numerator: 2, Denominator: 3}, "2/3 (66,7%)", "2/3 (66.7%)"},
		{"ratio percent", Value{Kind: KindRatio, Number: 90}, "90%", "90%"},
		{"days", Value{Kind: KindDays, Number: 12}, "12 giorni", "12 days"},
		{"one day", Value{Kind: KindDays, Number: 1}, "1 giorno", "1 day"},
		{"number", Value{Kind: KindNumber, Number: 1234.5}, "1234,5", "1234.5"},
		{"count", Value{Kind: KindCount, Number: 4}, "4", "4"},
		{"yes", Value{Kind: KindYesNo, Bool: true}, "sì", "yes"},
		{"no", Value{Kind: KindYesNo}, "no", "no"},
		{"date", Value{Kind: KindDate, Date: calendar.D(2024, 1, 31)}, "31/01/2024", "31/01/2024"},
		{"text", Value{Kind: KindText, Text: "fatto"}, "fatto", "fatto"},
		{"na", Value{Kind: KindPercent, NA: true, Reason: "servizio chiuso"}, "non applicabile (servizio chiuso)", "not applicable (servizio chiuso)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.Format("it"); got != tc.it {
				t.Errorf("Format(it) = %q, want %q", got, tc.it)
			}
			if got := tc.v.Format("en"); got != tc.en {
				t.Errorf("Format(en) = %q, want %q", got, tc.en)
			}
		})
	}
}

func TestUnit(t *testing.T) {
	for kind, want := range map[string]string{KindPercent: "%", KindRatio: "%", KindDays: "giorni", KindCount: "", KindDate: ""} {
		if got := (Value{Kind: kind}).Unit(); got != want {
			t.Errorf("Unit(%s) = %q, want %q", kind, got, want)
		}
	}
}

func TestStringIncludesNote(t *testing.T) {
	v, err := Parse("92,5% - due corsi rinviati", KindPercent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "92,5% - due corsi rinviati"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestLongRefusalsKeepWholeLetters(t *testing.T) {
	raw := strings.Repeat("è", 70)
	_, err := Parse(raw, KindPercent, Options{})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, lang := range []string{"it", "en"} {
		if msg := err.(*Error).Localize(lang); !utf8.ValidString(msg) {
			t.Fatalf("%s message cuts a letter in half: %q", lang, msg)
		}
	}
}

func TestValueAfterACommonLeadIn(t *testing.T) {
	tests := []struct {
		raw, kind string
		want      float64
		note      string
	}{
		{"il valore è 97% (più alto del semestre scorso)", KindPercent, 97, "(più alto del semestre scorso)"},
		{"Valore: 12 giorni", KindDays, 12, ""},
		{"il dato è pari a 30", KindCount, 30, ""},
		{"sono 4", KindCount, 4, ""},
		{"the value is 92.5%", KindPercent, 92.5, ""},
		{"pari a 45/50", KindRatio, 90, ""},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			v, err := Parse(tc.raw, tc.kind, Options{Today: today})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if v.Number != tc.want || v.Note != tc.note {
				t.Fatalf("read %v note %q, want %v note %q", v.Number, v.Note, tc.want, tc.note)
			}
		})
	}
	// Other text before a number is still refused: it may be anything.
	for _, raw := range []string{"nel 2023 erano 90%", "circa 90%", "valore"} {
		if _, err := Parse(raw, KindPercent, Options{Today: today}); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}
