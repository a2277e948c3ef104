package piao

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
)

// expectedCard is one objective card checked by hand against the document
// (testdata/seed.txt): what the importer must produce for it, and which of
// its items the review report must list.
type expectedCard struct {
	// Note says what the card exercises (flattened, interleaved ...).
	Note      string           `yaml:"note,omitempty"`
	Objective config.Objective `yaml:"objective"`
	// Uncertain are the item ids (objective or indicator) that the review
	// report must list for this card.
	Uncertain []string `yaml:"uncertain,omitempty"`
}

func loadExpected(t *testing.T) map[string]expectedCard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "expected", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]expectedCard{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var e expectedCard
		if err := yaml.Unmarshal(data, &e); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[e.Objective.ID] = e
	}
	return out
}

// TestImportMatchesHandCheckedCards compares the import of the seed, field
// by field, with cards checked by hand against the document.
func TestImportMatchesHandCheckedCards(t *testing.T) {
	res, err := Import(readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]config.Objective{}
	for _, o := range res.Plan.Objectives {
		byID[o.ID] = o
	}
	reported := map[string]bool{}
	for _, f := range res.Report.Uncertain {
		reported[f.Item] = true
	}
	exp := loadExpected(t)
	if len(exp) < 25 {
		t.Fatalf("only %d hand-checked cards, want at least 25", len(exp))
	}
	dirs := map[string]bool{}
	ids := make([]string, 0, len(exp))
	for id := range exp {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := exp[id]
		dirs[e.Objective.Directorate] = true
		t.Run(id, func(t *testing.T) {
			got, ok := byID[id]
			if !ok {
				t.Fatalf("objective %s not imported", id)
			}
			compareObjective(t, e.Objective, got)
			for _, item := range e.Uncertain {
				if !reported[item] {
					t.Errorf("review report does not list %s", item)
				}
			}
		})
	}
	for _, d := range []string{"I", "II", "III", "IV", "V", "VI", "VII"} {
		if !dirs[d] {
			t.Errorf("no hand-checked card for directorate %s", d)
		}
	}
}

func compareObjective(t *testing.T, want, got config.Objective) {
	t.Helper()
	check := func(field string, w, g any) {
		if !reflect.DeepEqual(w, g) {
			t.Errorf("%s:\n got: %#v\nwant: %#v", field, g, w)
		}
	}
	check("directorate", want.Directorate, got.Directorate)
	check("service", want.Service, got.Service)
	check("category", want.Category, got.Category)
	check("responsabile", want.Responsabile, got.Responsabile)
	check("title", want.Title, got.Title)
	check("missione", want.Missione, got.Missione)
	check("programma", want.Programma, got.Programma)
	check("outcome", want.Outcome, got.Outcome)
	check("staff", want.Staff, got.Staff)
	check("staff_text", want.StaffText, got.StaffText)
	check("number of phases", len(want.Phases), len(got.Phases))
	for i := 0; i < len(want.Phases) && i < len(got.Phases); i++ {
		check("phase "+strconv.Itoa(i+1), want.Phases[i], got.Phases[i])
	}
	check("number of indicators", len(want.Indicators), len(got.Indicators))
	for i := 0; i < len(want.Indicators) && i < len(got.Indicators); i++ {
		w, g := want.Indicators[i], got.Indicators[i]
		p := w.ID + " "
		check(p+"id", w.ID, g.ID)
		check(p+"description", w.Description, g.Description)
		check(p+"formula", w.Formula, g.Formula)
		check(p+"target", w.Target, g.Target)
		check(p+"kind", w.Kind, g.Kind)
		check(p+"numerator", w.Numerator, g.Numerator)
		check(p+"denominator", w.Denominator, g.Denominator)
		check(p+"quantifications", w.Quantifications, g.Quantifications)
	}
}
