package value

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want float64
	}{
		{"integer", "42", 42},
		{"decimal comma", "92,5", 92.5},
		{"decimal dot", "92.5", 92.5},
		{"comma one decimal", "1,5", 1.5},
		{"italian thousands and decimals", "1.234,5", 1234.5},
		{"english thousands and decimals", "1,234.5", 1234.5},
		{"dot with three digits is thousands", "1.234", 1234},
		{"dot thousands twice", "1.234.567", 1234567},
		{"comma thousands twice", "1,234,567", 1234567},
		{"single comma with three digits is decimal", "1,234", 1.234},
		{"zero point three digits is decimal", "0.123", 0.123},
		{"dot with two digits is decimal", "1234.5", 1234.5},
		{"dot with four digits is decimal", "1.2345", 1.2345},
		{"space thousands", "1 234", 1234},
		{"space thousands with decimals", "1 234,5", 1234.5},
		{"no-break space thousands", "12\u00a0345", 12345},
		{"leading decimal comma", ",5", 0.5},
		{"negative", "-3,5", -3.5},
		{"explicit plus", "+7", 7},
		{"surrounding spaces", "  8  ", 8},
		{"big with thousands", "2.000", 2000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNumber(tc.in)
			if err != nil {
				t.Fatalf("ParseNumber(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseNumber(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseNumberRefuses(t *testing.T) {
	for _, in := range []string{"", "abc", "1.2.3", "1,23,4", "12,", "5.", "1 23", "1.234,5,6", "NaN", "Inf", "1e5", "--1", "1..2", "12 34"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseNumber(in)
			var ve *Error
			if !errors.As(err, &ve) || ve.Code != CodeNotNumber {
				t.Fatalf("ParseNumber(%q) error = %v, want CodeNotNumber", in, err)
			}
		})
	}
}

func TestFormatNumberRoundTrips(t *testing.T) {
	for _, n := range []float64{0, 1, 92.5, 1234.5, 1.234, 0.123, 12.345, 100, 1e6, 0.5, 333.333} {
		for _, lang := range []string{"it", "en"} {
			s := formatNumber(n, lang)
			got, err := ParseNumber(s)
			if err != nil || got != n {
				t.Errorf("formatNumber(%v, %s) = %q, read back as %v (%v)", n, lang, s, got, err)
			}
		}
	}
}
