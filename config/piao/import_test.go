package piao

import (
	"errors"
	"os"
	"testing"
)

func readSeed(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		tb.Fatalf("read seed: %v", err)
	}
	return b
}

func TestImportRejectsTextWithoutCards(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"prose only", "Il documento nella pratica è costituito da una serie di schede.\n"},
		{"page title without a card", "Piano Integrato di Attivita' e Organizzazione - PIAO Sezione 2.2 Performance\nEsercizio 2024\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import([]byte(tc.text))
			if !errors.Is(err, ErrNoCards) {
				t.Fatalf("Import: err = %v, want ErrNoCards", err)
			}
			var loc interface{ Localize(string) string }
			if !errors.As(err, &loc) || loc.Localize("en") == loc.Localize("it") {
				t.Fatalf("error %v is not localised", err)
			}
		})
	}
}

func BenchmarkImportSeed(b *testing.B) {
	text := readSeed(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Import(text); err != nil {
			b.Fatal(err)
		}
	}
}
