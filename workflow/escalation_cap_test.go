package workflow_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestEscalationListsTwentyAndCountsTheRest: a coordinator told of 25
// late items gets one message listing 20 and counting the other 5.
func TestEscalationListsTwentyAndCountsTheRest(t *testing.T) {
	var inds strings.Builder
	for n := 1; n <= 25; n++ {
		fmt.Fprintf(&inds, "      - {id: I-01.%d, description: Indicatore numero %d, kind: count, periods: [S1]}\n", n, n)
	}
	plan := `
organisation: Provincia di Prova
year: 2024
directorates: [{code: "I", name: Bilancio, dirigente: capo}]
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: capo, name: Carla Capo, email: capo@example.org, roles: [responsabile]}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator]}
objectives:
  - id: I-01
    title: Adempimenti
    directorate: "I"
    responsabile: capo
    staff: [anna]
    indicators:
` + inds.String()
	e := newEnvWith(t, at(2024, 7, 31, 10, 0), plan, testConfig)
	e.run(at(2024, 8, 14, 12, 0)) // day 10 late: the coordinators are told
	var found bool
	for _, d := range e.rec.all() {
		if d.Msg.PersonID != "coord" {
			continue
		}
		found = true
		if len(d.Msg.Items) != 20 {
			t.Errorf("the message lists %d items, want 20", len(d.Msg.Items))
		}
		if !strings.Contains(d.Msg.Text, "… e altre 5 scadenze superate") || !strings.Contains(d.Msg.Subject, "25 scadenze superate") {
			t.Errorf("the other 5 are not counted:\n%s\n%s", d.Msg.Subject, d.Msg.Text)
		}
	}
	if !found {
		t.Fatal("the coordinator was never told")
	}
	// The assignee's own nag still lists every item: she must answer each.
	for _, d := range e.rec.all() {
		if d.Msg.PersonID == "anna" && len(d.Msg.Items) != 25 {
			t.Fatalf("anna's message lists %d of her 25 items", len(d.Msg.Items))
		}
	}
}
