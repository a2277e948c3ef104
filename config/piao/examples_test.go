package piao

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
)

const examplePlan = "../../examples/lecco-2024/plan.yaml"

// TestShippedPlanHoldsEveryImportedItem checks that the hand-corrected
// Lecco 2024 plan keeps every objective and indicator the importer finds in
// the document: corrections may fix texts, never lose an item.
func TestShippedPlanHoldsEveryImportedItem(t *testing.T) {
	data, err := os.ReadFile(examplePlan)
	if err != nil {
		t.Fatalf("read shipped plan: %v", err)
	}
	var shipped config.Plan
	if err := yaml.Unmarshal(data, &shipped); err != nil {
		t.Fatalf("decode shipped plan: %v", err)
	}
	res, err := Import(readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]map[string]bool{}
	for _, o := range shipped.Objectives {
		have[o.ID] = map[string]bool{}
		for _, ind := range o.Indicators {
			have[o.ID][ind.ID] = true
		}
	}
	for _, o := range res.Plan.Objectives {
		inds, ok := have[o.ID]
		if !ok {
			t.Errorf("objective %s (%q) is missing from the shipped plan", o.ID, o.Title)
			continue
		}
		for _, ind := range o.Indicators {
			if !inds[ind.ID] {
				t.Errorf("indicator %s is missing from the shipped plan", ind.ID)
			}
		}
	}
	if len(shipped.Objectives) != len(res.Plan.Objectives) {
		t.Errorf("shipped plan has %d objectives, the import %d", len(shipped.Objectives), len(res.Plan.Objectives))
	}
	if shipped.PeopleFile != "people.yaml" {
		t.Errorf("people_file = %q, want people.yaml", shipped.PeopleFile)
	}
}

// TestShippedPlanPassesCheck loads the shipped plan as "sollecito check"
// does: no errors; people without contacts are warnings only.
func TestShippedPlanPassesCheck(t *testing.T) {
	l, err := config.Load(config.Options{PlanPath: examplePlan, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("the shipped plan does not pass the check: %v", err)
	}
	if len(l.Plan.People) == 0 {
		t.Fatal("the people file was not loaded")
	}
	for _, p := range l.Plan.People {
		if p.Email != "" || p.Telegram != 0 {
			t.Errorf("person %s has a contact; the shipped people file must leave contacts empty", p.ID)
		}
	}
}

// TestImportTotals checks the totals of the seed that REVIEW.md states.
func TestImportTotals(t *testing.T) {
	res, err := Import(readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	want := map[string]int{"I": 9, "II": 13, "III": 11, "IV": 12, "V": 20, "VI": 15, "VII": 20}
	for _, d := range r.Directorates {
		if d.Objectives != want[d.Code] {
			t.Errorf("directorate %s: %d objectives, want %d", d.Code, d.Objectives, want[d.Code])
		}
	}
	if len(r.Directorates) != 7 {
		t.Errorf("%d directorates, want 7", len(r.Directorates))
	}
	if r.Objectives != 100 {
		t.Errorf("%d objectives, want 100", r.Objectives)
	}
	if r.Indicators != 290 {
		t.Errorf("%d indicators, want 290", r.Indicators)
	}
	if r.Phases != 475 || r.PhasesWithDeadline != 22 {
		t.Errorf("%d phases (%d with a deadline), want 475 (22)", r.Phases, r.PhasesWithDeadline)
	}
	sumPhases, sumDL := 0, 0
	for _, o := range res.Plan.Objectives {
		sumPhases += len(o.Phases)
		for _, ph := range o.Phases {
			if ph.Deadline != "" {
				sumDL++
			}
		}
	}
	if r.Phases != sumPhases || r.PhasesWithDeadline != sumDL {
		t.Errorf("report phases %d/%d, plan %d/%d", r.Phases, r.PhasesWithDeadline, sumPhases, sumDL)
	}
}
