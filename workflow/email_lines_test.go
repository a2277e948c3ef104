package workflow

import (
	"errors"
	"reflect"
	"testing"

	"sollecito/config"
	"sollecito/workflow/value"
)

func TestReplyLines(t *testing.T) {
	snap := &Snapshot{indicators: map[string]*IndicatorRef{
		"2.1.3":  {Indicator: &config.Indicator{ID: "2.1.3"}},
		"2.1.4":  {Indicator: &config.Indicator{ID: "2.1.4"}},
		"I-01.1": {Indicator: &config.Indicator{ID: "I-01.1"}},
	}}
	tests := []struct {
		name string
		text string
		want []value.Line
		err  error
	}{
		{"numeric codes", "2.1.3: 27,8\n2.1.4: 91%\n\nGrazie", []value.Line{{Ref: "2.1.3", Raw: "27,8"}, {Ref: "2.1.4", Raw: "91%"}}, nil},
		{"note under a code line", "2.1.3: 31\nNota: due fatture contestate\n\nMario", []value.Line{{Ref: "2.1.3", Raw: "31\nNota: due fatture contestate"}}, nil},
		{"a note does not jump over other lines", "2.1.3: 31\nciao\nNota: x", []value.Line{{Ref: "2.1.3", Raw: "31"}}, nil},
		{"letter codes through the shared grammar", "I-01.1: 92,5%", []value.Line{{Ref: "I-01.1", Raw: "92,5%"}}, nil},
		{"a time is not a code", "12:30", []value.Line{{Raw: "12:30"}}, nil},
		{"an unknown code beside a known one", "2.1.3: 5\nZ-9: 4\nTel: 0341 1234", []value.Line{{Ref: "2.1.3", Raw: "5"}, {Ref: "Z-9", Raw: "4"}}, nil},
		{"a phase", "I-01/2: fatto il 15/07/2024", []value.Line{{Ref: "I-01/2", Raw: "fatto il 15/07/2024"}}, nil},
		{"value, closing and name left out", "28,5\n\nCordiali saluti\nMario Rossi", []value.Line{{Raw: "28,5"}}, nil},
		{"greeting above the value", "Buongiorno,\n92%\n\nSaluti", []value.Line{{Raw: "92%"}}, nil},
		{"later note paragraph kept", "13,2\n\nNota: comprende la formazione\n\nDavide", []value.Line{{Raw: "13,2\nNota: comprende la formazione"}}, nil},
		{"same code twice", "2.1.3: 1\n2.1.3: 2", nil, &value.DuplicateRefError{}},
		{"only a greeting", "Buongiorno,", nil, value.ErrNoValue},
		{"empty", "", nil, value.ErrNoValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := replyLines(tc.text, snap)
			if tc.err != nil {
				if err == nil || reflect.TypeOf(err) != reflect.TypeOf(tc.err) && !errors.Is(err, tc.err) {
					t.Fatalf("replyLines = %v, %v; want error %T", got, err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("replyLines = %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}
