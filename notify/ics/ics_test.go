package ics

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestWriteFoldsEscapesAndKeepsUIDs(t *testing.T) {
	var b strings.Builder
	long := "Scadenza I-01.1 — Tempo medio per l'assunzione di impegni di spesa dal ricevimento della determinazione; verifica, controllo"
	err := Write(&b, "Scadenze PIAO — lecco", []Event{{UID: "ind:I-01.1:2024-S1@lecco.sollecito", Date: time.Date(2024, 7, 31, 0, 0, 0, 0, time.UTC), Summary: long, Description: "riga 1\nriga 2"}},
		time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "UID:ind:I-01.1:2024-S1@lecco.sollecito\r\n", "DTSTART;VALUE=DATE:20240731\r\n",
		"DTEND;VALUE=DATE:20240801\r\n", "DTSTAMP:20240701T100000Z\r\n", `DESCRIPTION:riga 1\nriga 2`, "END:VCALENDAR\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line over 75 octets: %q", line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("folding split a UTF-8 sequence: %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	if !strings.Contains(unfolded, `SUMMARY:Scadenza I-01.1 — Tempo medio per l'assunzione di impegni di spesa dal ricevimento della determinazione\; verifica\, controllo`) {
		t.Errorf("summary not escaped or not unfolding back:\n%s", unfolded)
	}
}
