package value

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"

	"sollecito/workflow/calendar"
)

// FuzzParse checks, for every kind, that Parse never panics, that a
// refusal is always an *Error, that accepted values respect their kind's
// limits, and that Format then Parse gives the same value in both
// languages. The f.Add seeds run in every go test.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"92,5%", "92.5 %", "1.234,5", "1,234.5", "1.234", "1 234", "0.123", ",5", "-3",
		"45/50", "45 su 50", "0/0", "55/50", "45/50 (90%)", "sì", "no", "non rispettato",
		"31/01/2024", "2024-02-29", "30 novembre 2023", "n.a. - chiuso", "n.a.", "N/A ()",
		"12 giorni", "2 settimane", "3 incontri", "92,5% - due corsi rinviati\naltro",
		"€ 500", "100%;", "Valore: 92%", "A1: 5\nA2: 6", "1e309", "9999999999999999999999",
		"\x00", "%", "/", " - ", "(", "n.a. (a (b)", "1.2340",
	} {
		f.Add(s)
	}
	kinds := []string{KindPercent, KindNumber, KindDays, KindCount, KindRatio, KindYesNo, KindDate, KindText}
	opt := Options{Today: calendar.D(2024, 7, 15)}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, kind := range kinds {
			v, err := Parse(raw, kind, opt)
			if err != nil {
				var ve *Error
				if !errors.As(err, &ve) {
					t.Fatalf("Parse(%q, %s) error %T is not *Error", raw, kind, err)
				}
				if ve.Localize("it") == "" || ve.Localize("en") == "" {
					t.Fatalf("empty message for %q", raw)
				}
				continue
			}
			checkAccepted(t, raw, v, opt)
			if !utf8.ValidString(raw) {
				continue // Format may not reproduce invalid bytes faithfully
			}
			for _, lang := range []string{"it", "en"} {
				back, err := Parse(v.Format(lang), kind, opt)
				if err != nil {
					t.Fatalf("Parse(Format(%q, %s), %s) = %q refused: %v", raw, lang, kind, v.Format(lang), err)
				}
				if !sameValue(v, back) {
					t.Fatalf("round trip of %q as %s in %s: %q gives %+v, want %+v", raw, kind, lang, v.Format(lang), back, v)
				}
			}
		}
		lines, err := ParseLines(raw)
		if err == nil && len(lines) == 0 {
			t.Fatalf("ParseLines(%q) returned no lines and no error", raw)
		}
	})
}

func checkAccepted(t *testing.T, raw string, v Value, opt Options) {
	t.Helper()
	if v.Raw != raw {
		t.Fatalf("Raw = %q, want %q", v.Raw, raw)
	}
	if v.NA {
		if v.Reason == "" {
			t.Fatalf("%q accepted as n.a. without a reason", raw)
		}
		return
	}
	if math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
		t.Fatalf("%q gave %v", raw, v.Number)
	}
	switch v.Kind {
	case KindPercent, KindRatio:
		if v.Number < 0 || v.Number > 100 {
			t.Fatalf("%q accepted as %s %v", raw, v.Kind, v.Number)
		}
		if v.Denominator != 0 && (v.Numerator > v.Denominator || v.Numerator < 0) {
			t.Fatalf("%q accepted as ratio %v/%v", raw, v.Numerator, v.Denominator)
		}
	case KindDays:
		if v.Number < 0 {
			t.Fatalf("%q accepted as negative days", raw)
		}
	case KindCount:
		if v.Number < 0 || v.Number != math.Trunc(v.Number) {
			t.Fatalf("%q accepted as count %v", raw, v.Number)
		}
	case KindDate:
		if v.Date.IsZero() || v.Date.After(opt.Today) {
			t.Fatalf("%q accepted as date %v (today %v)", raw, v.Date, opt.Today)
		}
	case KindText:
		if v.Text == "" {
			t.Fatalf("%q accepted as empty text", raw)
		}
	}
}

// sameValue compares what a value means, not how it was written.
func sameValue(a, b Value) bool {
	return a.Kind == b.Kind && a.NA == b.NA && a.Reason == b.Reason && a.Bool == b.Bool &&
		a.Date == b.Date && a.Text == b.Text && a.Numerator == b.Numerator &&
		a.Denominator == b.Denominator && (a.Number == b.Number || math.Abs(a.Number-b.Number) < 1e-9*math.Max(1, math.Abs(a.Number)))
}
