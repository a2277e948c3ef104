package workflow_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sollecito/workflow"
)

// TestDigestTiesAtTheCutInPlanOrderAcrossObjectives: when the tenth most
// late item shares its due date with items of other objectives, the
// first in plan order are listed (the plan's order, not the ids'), and
// the rest counted.
func TestDigestTiesAtTheCutInPlanOrderAcrossObjectives(t *testing.T) {
	const d2 = "02/07/2024, 02/07/2024, 02/07/2024"
	text := coordinatorDigest(t, digestOrderPlan(
		"B-2 Alfa: 01/07/2024, 01/07/2024, 01/07/2024, 01/07/2024, 01/07/2024, 01/07/2024, 01/07/2024, 01/07/2024",
		"Z-9 Alfa: "+d2,
		"A-1 Alfa: "+d2,
		"M-5 Alfa: "+d2,
		"C-3 Beta: "+d2,
	), testConfig)
	want := []string{"B-2/1", "B-2/2", "B-2/3", "B-2/4", "B-2/5", "B-2/6", "B-2/7", "B-2/8", "Z-9/1", "Z-9/2", "C-3/1", "C-3/2", "C-3/3"}
	if got := listed(text); !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q:\n%s", got, want, text)
	}
	if !strings.Contains(text, "… e altre 7") || !strings.Contains(text, "20 scadenze superate") {
		t.Errorf("the unlisted are not counted:\n%s", text)
	}
}

// TestDigestNamesAuthorsAndPeopleAway: a digest reads only the people it
// names, and names them all: the author of a value who is neither the
// assignee of an item listed nor a recipient, the assignee of an item
// awaiting an event only, and someone away who is involved in nothing
// (in the coordinators' digest, which lists everyone away; a dirigente's
// lists those involved in their directorates).
func TestDigestNamesAuthorsAndPeopleAway(t *testing.T) {
	plan := strings.NewReplacer(
		"people:\n", "people:\n  - {id: ugo, name: Ugo Bassi, email: ugo@example.org}\n  - {id: vera, name: Vera Gialli, email: vera@example.org}\n  - {id: zeno, name: Zeno Cosini, email: zeno@example.org}\n",
		"kind: days, periods: [S1]}\n  - id: II-01", "kind: days, periods: [S1]}\n      - {id: I-02.2, description: Avvisi emessi, target: \">= 100\", kind: count, assignees: [vera], periods: [S1]}\n"+
			"  - id: I-03\n    title: Parifica dei conti\n    directorate: \"I\"\n    service: Tributi\n    staff: [zeno]\n"+
			"    phases:\n      - {n: 1, text: Parifica, deadline: \"entro 30 gg dall'approvazione del Rendiconto\"}\n  - id: II-01",
	).Replace(digestPlan)
	if !strings.Contains(plan, "I-02.2") || !strings.Contains(plan, "I-03") {
		t.Fatal("the plan lacks I-02.2 or I-03")
	}
	e := newEnvWith(t, at(2024, 7, 1, 8, 0), plan, testConfig, func(o *workflow.Options) { o.Channels = emailOnly })
	digestState(e)
	e.submitAt(at(2024, 8, 9, 12, 0), "I-02.2", "120", "vera")
	ctx := context.Background()
	if err := e.st.SetAway(ctx, "prova", "ugo", "2024-08-01", "2024-08-30"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at(2024, 8, 12, 8, 30))
	for _, kind := range []string{workflow.DigestDirigenti, workflow.DigestCoordinators} {
		if _, err := e.eng.Digest(ctx, kind); err != nil {
			t.Fatal(err)
		}
	}
	rows := digestRows(t, e.st)
	coord := rows["coord/email"].Text
	for _, w := range []string{"Buongiorno Controllo di gestione", "da Vera Gialli il 09/08/2024 12:00", "referenti: Dora Neri", "referenti: Zeno Cosini",
		"- Anna Rossi (fino al 23/08/2024)", "- Ugo Bassi (fino al 30/08/2024)"} {
		if !strings.Contains(coord, w) {
			t.Errorf("the coordinators' digest lacks %q:\n%s", w, coord)
		}
	}
	capo1 := rows["capo1/email"].Text
	if !strings.Contains(capo1, "- Anna Rossi (fino al 23/08/2024)") || strings.Contains(capo1, "Ugo Bassi") {
		t.Errorf("dirigente I's digest: Anna Rossi is away and involved, Ugo Bassi is not involved:\n%s", capo1)
	}
}

// TestDigestLeavesOutObjectivesNoLongerInThePlan: the late items of an
// objective the plan dropped are neither listed nor counted.
func TestDigestLeavesOutObjectivesNoLongerInThePlan(t *testing.T) {
	e := newEnvWith(t, at(2024, 8, 12, 8, 45), digestOrderPlan("A-1 Alfa: 01/07/2024", "A-2 Alfa: 02/07/2024, 03/07/2024"), testConfig,
		func(o *workflow.Options) { o.Channels = emailOnly })
	ctx := context.Background()
	if err := e.eng.Apply(ctx, loadTest(t, t.TempDir(), digestOrderPlan("A-1 Alfa: 01/07/2024"), testConfig)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.Digest(ctx, workflow.DigestCoordinators); err != nil {
		t.Fatal(err)
	}
	text := digestRows(t, e.st)["coord/email"].Text
	if got, want := listed(text), []string{"A-1/1"}; !slices.Equal(got, want) || !strings.Contains(text, "1 scadenza superata") {
		t.Errorf("listed %q, want %q, one late:\n%s", got, want, text)
	}
}

// TestDigestListsAwaitingInPlanOrderAndCountsTheRest: of eighteen phases
// waiting for an event date, over three objectives, the first ten in plan
// order (not in the order of their ids) are listed and eight counted.
func TestDigestListsAwaitingInPlanOrderAndCountsTheRest(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.SplitAfter(digestOrderPlan(), "objectives:\n")[0])
	for _, id := range []string{"Z-9", "A-1", "M-5"} {
		fmt.Fprintf(&b, "  - id: %s\n    title: Obiettivo %s\n    directorate: \"I\"\n    service: Alfa\n    staff: [anna]\n    phases:\n", id, id)
		for n := 1; n <= 6; n++ {
			fmt.Fprintf(&b, "      - {n: %d, text: Fase %s numero %d, deadline: \"entro %d gg dall'approvazione del Rendiconto\"}\n", n, id, n, 10*n)
		}
	}
	text := coordinatorDigest(t, b.String(), testConfig)
	want := []string{"Z-9/1", "Z-9/2", "Z-9/3", "Z-9/4", "Z-9/5", "Z-9/6", "A-1/1", "A-1/2", "A-1/3", "A-1/4"}
	if got := listed(text); !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q:\n%s", got, want, text)
	}
	if !strings.Contains(text, "… e altre 8") || !strings.Contains(text, "18 in attesa di un evento") {
		t.Errorf("the eight unlisted are not counted:\n%s", text)
	}
}
