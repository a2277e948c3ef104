package value

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseLines(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Line
	}{
		{"single value", "92,5%", []Line{{Raw: "92,5%"}}},
		{"single value with note lines", "92,5%\ndue corsi rinviati\na gennaio", []Line{{Raw: "92,5%\ndue corsi rinviati\na gennaio"}}},
		{"value label", "Valore: 92%", []Line{{Raw: "92%"}}},
		{"value label with note label", "Valore: 92%\nNota: stima provvisoria", []Line{{Raw: "92%\nNota: stima provvisoria"}}},
		{"reason label is not a code", "n.a.\nMotivo: servizio chiuso", []Line{{Raw: "n.a.\nMotivo: servizio chiuso"}}},
		{"note label alone is not a code", "88%\nnote: dato parziale", []Line{{Raw: "88%\nnote: dato parziale"}}},
		{"one code", "A1: 92%", []Line{{Ref: "A1", Raw: "92%"}}},
		{"several codes", "A1: 92%\r\nA2: sì\nob-3.ind_2 : 45/50 - due in corso",
			[]Line{{Ref: "A1", Raw: "92%"}, {Ref: "A2", Raw: "sì"}, {Ref: "ob-3.ind_2", Raw: "45/50 - due in corso"}}},
		{"greeting and signature ignored with codes", "Buongiorno,\nA1: 92%\nA2: no\n\nCordiali saluti\nMario Rossi",
			[]Line{{Ref: "A1", Raw: "92%"}, {Ref: "A2", Raw: "no"}}},
		{"label lines ignored with codes", "A1: 92%\nNota: A2 arriva la prossima settimana",
			[]Line{{Ref: "A1", Raw: "92%"}}},
		{"header and signature lines are not codes", "A1: 80%\nTel: 0341 123456\nDa: Mario Rossi\nOggetto: Re: sollecito\nhttps://www.provincia.lecco.it",
			[]Line{{Ref: "A1", Raw: "80%"}}},
		{"time of day is not a code", "12:30 consegnato", []Line{{Raw: "12:30 consegnato"}}},
		{"na with colon is not a code", "n.a.: servizio chiuso", []Line{{Raw: "n.a.: servizio chiuso"}}},
		{"code with na", "B2: n.a. - nessuna richiesta", []Line{{Ref: "B2", Raw: "n.a. - nessuna richiesta"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLines(tc.text)
			if err != nil {
				t.Fatalf("ParseLines(%q): %v", tc.text, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseLines(%q)\n got %+v\nwant %+v", tc.text, got, tc.want)
			}
		})
	}
}

func TestParseLinesErrors(t *testing.T) {
	if _, err := ParseLines(" \n\t"); !errors.Is(err, ErrNoValue) {
		t.Errorf("empty body: err = %v, want ErrNoValue", err)
	}
	if _, err := ParseLines("Valore:  "); !errors.Is(err, ErrNoValue) {
		t.Errorf("label without value: err = %v, want ErrNoValue", err)
	}
	_, err := ParseLines("A1: 92%\na1: 95%")
	var dup *DuplicateRefError
	if !errors.As(err, &dup) || dup.Ref != "a1" {
		t.Fatalf("duplicate ref: err = %v, want *DuplicateRefError for a1", err)
	}
	if dup.Localize("en") == dup.Error() {
		t.Errorf("duplicate ref message not localised: %q", dup.Error())
	}
}

// TestParseLinesThenParse reads a whole reply the way the mail reader does.
func TestParseLinesThenParse(t *testing.T) {
	lines, err := ParseLines("Valore: 92,5%\ndue corsi rinviati")
	if err != nil || len(lines) != 1 {
		t.Fatalf("ParseLines: %v %v", lines, err)
	}
	v, err := Parse(lines[0].Raw, KindPercent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 92.5 || v.Note != "due corsi rinviati" {
		t.Errorf("got %+v", v)
	}
	lines, err = ParseLines("Valore: 92%\nNota: stima")
	if err != nil {
		t.Fatal(err)
	}
	if v, err = Parse(lines[0].Raw, KindPercent, Options{}); err != nil || v.Number != 92 || v.Note != "stima" {
		t.Errorf("labelled value and note: got %+v, %v", v, err)
	}
}
