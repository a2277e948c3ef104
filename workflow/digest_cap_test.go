package workflow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sollecito/workflow"
)

// TestDigestListsTheMostLateAndCountsTheRest: a service with twelve late
// phases shows the ten most late and says two more are late.
func TestDigestListsTheMostLateAndCountsTheRest(t *testing.T) {
	var phases strings.Builder
	for n := 1; n <= 12; n++ {
		fmt.Fprintf(&phases, "      - {n: %d, text: Fase numero %d, deadline: \"entro il %02d/07/2024\"}\n", n, n, n)
	}
	plan := `
organisation: Provincia di Prova
year: 2024
directorates: [{code: "I", name: Bilancio, dirigente: capo}]
services: [{name: Contabilità, directorate: "I"}]
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: capo, name: Carla Capo, email: capo@example.org, roles: [responsabile]}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator]}
objectives:
  - id: I-01
    title: Adempimenti
    directorate: "I"
    service: Contabilità
    staff: [anna]
    phases:
` + phases.String()
	e := newEnvWith(t, at(2024, 8, 12, 8, 45), plan, testConfig, func(o *workflow.Options) { o.Channels = emailOnly })
	if _, err := e.eng.Digest(context.Background(), workflow.DigestCoordinators); err != nil {
		t.Fatal(err)
	}
	p, ok := digestRows(t, e.st)["coord/email"]
	if !ok {
		t.Fatal("no digest for the coordinator")
	}
	for n := 1; n <= 10; n++ {
		if !strings.Contains(p.Text, fmt.Sprintf("I-01/%d Fase numero %d\n", n, n)) {
			t.Errorf("phase %d (among the ten most late) not listed", n)
		}
	}
	for _, n := range []int{11, 12} {
		if strings.Contains(p.Text, fmt.Sprintf("Fase numero %d\n", n)) {
			t.Errorf("phase %d (least late) listed beyond the limit", n)
		}
	}
	if !strings.Contains(p.Text, "… e altre 2") || !strings.Contains(p.Subject+p.Text, "12 scadenze superate") {
		t.Errorf("the two unlisted are not counted:\n%s", p.Text)
	}
}
