package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// digestSnapshot has two directorates with a service of the same name
// each, a second service in I, and an objective no longer in the plan.
func digestSnapshot() PlanSnapshot {
	return PlanSnapshot{Org: "lecco", OrgName: "Provincia di Lecco",
		People:       []Person{{Org: "lecco", ID: "anna", Name: "Anna", Active: true}},
		Directorates: []Directorate{{Org: "lecco", Code: "I", Name: "Bilancio", Active: true}, {Org: "lecco", Code: "II", Name: "Personale", Active: true}},
		Objectives: []Objective{
			{Org: "lecco", ID: "I-01", Directorate: "I", Service: "Contabilità", Title: "a", Active: true},
			{Org: "lecco", ID: "I-02", Directorate: "I", Service: "Contabilità", Title: "b", Active: true},
			{Org: "lecco", ID: "I-03", Directorate: "I", Service: "Tributi", Title: "c", Active: true},
			{Org: "lecco", ID: "II-01", Directorate: "II", Service: "Contabilità", Title: "d", Active: true},
			{Org: "lecco", ID: "GONE", Directorate: "II", Service: "Contabilità", Title: "e", Active: true},
		},
	}
}

// lateItem is an open, tracked indicator item of an objective.
func lateItem(obj, key, due, assignees string) Item {
	return Item{Org: "lecco", Key: key, Kind: "indicator", ObjectiveID: obj, IndicatorID: obj + ".1", Period: "2024-S1",
		Due: due, State: StateOpen, Assignees: assignees, Tracked: true}
}

func openDigestStore(t *testing.T, items []Item) *Store {
	t.Helper()
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	if _, err := s.SyncPlan(ctx, digestSnapshot(), t0); err != nil {
		t.Fatal(err)
	}
	// GONE leaves the plan: its row stays, inactive.
	snap := digestSnapshot()
	snap.Objectives = snap.Objectives[:4]
	if _, err := s.SyncPlan(ctx, snap, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	return s
}

// lateByDue renders LateObjectives' answer as "DUE: OBJECTIVES", the
// objectives of a day sorted (their order within a day is not promised).
func lateByDue(t *testing.T, s *Store, org, lastDue string) []string {
	t.Helper()
	var out []string
	var dues []string
	byDue := map[string][]string{}
	err := s.LateObjectives(context.Background(), org, lastDue, func(due, obj string) {
		if len(dues) == 0 || dues[len(dues)-1] != due {
			if byDue[due] != nil {
				t.Errorf("%s comes again after %s", due, dues[len(dues)-1])
			}
			dues = append(dues, due)
		}
		byDue[due] = append(byDue[due], obj)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(dues) {
		t.Errorf("due dates out of order: %v", dues)
	}
	for _, due := range dues {
		slices.Sort(byDue[due])
		out = append(out, due+": "+strings.Join(byDue[due], " "))
	}
	return out
}

// digestItems are the late and not late items of the store tests.
func digestItems() []Item {
	// Twelve late items in I/Contabilità (over two objectives), due on
	// 1, 2, ... 12 July.
	var items []Item
	for d := 1; d <= 12; d++ {
		obj := "I-01"
		if d%2 == 0 {
			obj = "I-02"
		}
		items = append(items, lateItem(obj, fmt.Sprintf("c%02d", d), fmt.Sprintf("2024-07-%02d", d), "anna"))
	}
	// I/Tributi: eight due on 1 to 8 July, then three on 10 July, then
	// one on 11 July.
	for d := 1; d <= 8; d++ {
		items = append(items, lateItem("I-03", fmt.Sprintf("t%02d", d), fmt.Sprintf("2024-07-%02d", d), ""))
	}
	for _, k := range []string{"t10c", "t10a", "t10b"} {
		items = append(items, lateItem("I-03", k, "2024-07-10", ""))
	}
	items = append(items, lateItem("I-03", "t11", "2024-07-11", ""))
	notLate := func(it Item, change func(*Item)) Item { change(&it); return it }
	return append(items,
		lateItem("II-01", "p1", "2024-07-03", ""),
		// Never late: not open, not tracked, no due date, awaiting.
		notLate(lateItem("II-01", "submitted", "2024-07-01", ""), func(it *Item) { it.State = StateSubmitted }),
		notLate(lateItem("II-01", "untracked", "2024-07-01", ""), func(it *Item) { it.Tracked = false }),
		notLate(lateItem("II-01", "nodue", "", ""), func(it *Item) {}),
		notLate(lateItem("II-01", "awaiting", "", ""), func(it *Item) { it.State = StateAwaitingEvent }),
		// Of an objective no longer in the plan: the caller leaves it out.
		lateItem("GONE", "gone", "2024-07-01", ""),
		// Due on the 15th (yesterday on the 16th), still within grace:
		// later than lastDue.
		lateItem("II-01", "grace", "2024-07-15", ""),
	)
}

func TestLateObjectives(t *testing.T) {
	s := openDigestStore(t, digestItems())
	upTo14 := []string{
		"2024-07-01: GONE I-01 I-03",
		"2024-07-02: I-02 I-03",
		"2024-07-03: I-01 I-03 II-01",
		"2024-07-04: I-02 I-03",
		"2024-07-05: I-01 I-03",
		"2024-07-06: I-02 I-03",
		"2024-07-07: I-01 I-03",
		"2024-07-08: I-02 I-03",
		"2024-07-09: I-01",
		"2024-07-10: I-02 I-03 I-03 I-03",
		"2024-07-11: I-01 I-03",
		"2024-07-12: I-02",
	}
	cases := []struct {
		name    string
		lastDue string
		want    []string
	}{
		{"every late item once, by due date", "2024-07-14", upTo14},
		{"the last due date is included", "2024-07-15", append(slices.Clone(upTo14), "2024-07-15: II-01")},
		{"a cut on an earlier day reads less", "2024-07-02", []string{
			"2024-07-01: GONE I-01 I-03",
			"2024-07-02: I-02 I-03",
		}},
		{"nothing late", "", nil},
		{"before every due date", "2024-06-30", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := lateByDue(t, s, "lecco", tc.lastDue)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("LateObjectives(%q) =\n%q\nwant\n%q", tc.lastDue, got, tc.want)
			}
		})
	}
	if got := lateByDue(t, s, "other", "2024-07-14"); got != nil {
		t.Errorf("another organisation's items: %q", got)
	}
}

func TestLateLines(t *testing.T) {
	items := digestItems()
	s := openDigestStore(t, items)
	ctx := context.Background()
	got, err := s.LateLines(ctx, "lecco", []DueObjective{
		{"2024-07-10", "I-03"},
		{"2024-07-01", "GONE"},
		{"2024-07-01", "II-01"}, // submitted and untracked: none late
		{"2024-07-12", "I-02"},
		{"2024-07-12", "I-01"}, // none due that day
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range got {
		keys = append(keys, it.Key)
		if i := slices.IndexFunc(items, func(x Item) bool { return x.Key == it.Key }); i < 0 || items[i] != it {
			t.Errorf("item read as %+v", it)
		}
	}
	slices.Sort(keys)
	if want := []string{"c12", "gone", "t10a", "t10b", "t10c"}; !slices.Equal(keys, want) {
		t.Errorf("LateLines = %q, want %q", keys, want)
	}
	if got, err := s.LateLines(ctx, "other", []DueObjective{{"2024-07-10", "I-03"}}); err != nil || len(got) != 0 {
		t.Errorf("another organisation's items: %v, %v", got, err)
	}
	if got, err := s.LateLines(ctx, "lecco", nil); err != nil || len(got) != 0 {
		t.Errorf("no pairs: %v, %v", got, err)
	}
}

// TestLateStatementsUseTheIndex: counting reads items_state_due alone, in
// its order (no sort), the lines look each pair up on all its columns,
// and the items awaiting an event are found in the index too.
func TestLateStatementsUseTheIndex(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	plan, err := s.explain(ctx, sqlLateObjectives, "lecco", StateOpen, "2024-08-01")
	if err != nil || plan != "SEARCH items USING COVERING INDEX items_state_due (org=? AND state=? AND due<?)" {
		t.Errorf("late objectives: query plan:\n%s\n(%v)", plan, err)
	}
	plan, err = s.explain(ctx, sqlLateLines, `[["2024-07-01","I-01"]]`, "lecco", StateOpen)
	if err != nil || !strings.Contains(plan, "USING INDEX items_state_due (org=? AND state=? AND due=? AND tracked=? AND objective_id=?)") {
		t.Errorf("late lines: query plan:\n%s\n(%v)", plan, err)
	}
	plan, err = s.explain(ctx, sqlAwaitingObjectives, "lecco", StateAwaitingEvent)
	if err != nil || plan != "SEARCH items USING COVERING INDEX items_state_due (org=? AND state=?)" {
		t.Errorf("awaiting objectives: query plan:\n%s\n(%v)", plan, err)
	}
	plan, err = s.explain(ctx, sqlAwaitingLines, "lecco", StateAwaitingEvent, `["I-01"]`)
	if err != nil || !strings.Contains(plan, "USING INDEX items_state_due (org=? AND state=?") {
		t.Errorf("awaiting lines: query plan:\n%s\n(%v)", plan, err)
	}
}

func TestAwaitingObjectivesAndLines(t *testing.T) {
	waiting := func(obj, key string) Item {
		it := lateItem(obj, key, "", "anna")
		it.State, it.Rule, it.Tracked = StateAwaitingEvent, "entro 30 gg dal Rendiconto", false
		return it
	}
	items := []Item{waiting("I-01", "w1"), waiting("I-03", "w2"), waiting("I-01", "w3"), waiting("GONE", "w4"),
		lateItem("I-01", "late", "2024-07-01", "anna")}
	s := openDigestStore(t, items)
	ctx := context.Background()
	var objs []string
	if err := s.AwaitingObjectives(ctx, "lecco", func(obj string) { objs = append(objs, obj) }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(objs)
	if want := []string{"GONE", "I-01", "I-01", "I-03"}; !slices.Equal(objs, want) {
		t.Errorf("AwaitingObjectives = %q, want %q", objs, want)
	}
	got, err := s.AwaitingLines(ctx, "lecco", []string{"I-01", "II-01"})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
	if want := []Item{items[0], items[2]}; !slices.Equal(got, want) {
		t.Errorf("AwaitingLines = %+v, want %+v", got, want)
	}
	objs = nil
	if err := s.AwaitingObjectives(ctx, "other", func(obj string) { objs = append(objs, obj) }); err != nil || objs != nil {
		t.Errorf("another organisation: %q, %v", objs, err)
	}
	if got, err := s.AwaitingLines(ctx, "lecco", nil); err != nil || got != nil {
		t.Errorf("no objectives: %v, %v", got, err)
	}
}

func TestAssigneeDirectorates(t *testing.T) {
	waiting := lateItem("II-01", "w1", "", "bruno,dora")
	waiting.State = StateAwaitingEvent
	untracked := lateItem("II-01", "u1", "2024-07-01", "carla")
	untracked.Tracked = false
	s := openDigestStore(t, []Item{
		lateItem("I-01", "a1", "2024-07-01", "anna,bruno"),
		lateItem("I-03", "a2", "2024-07-02", "anna"),
		lateItem("II-01", "a3", "2024-07-16", "anna"), // due today: not late
		waiting,
		untracked,
		lateItem("GONE", "g1", "2024-07-01", "elio"),
		lateItem("I-01", "x1", "2024-07-01", "axb"),
	})
	cases := []struct {
		person string
		want   []string
	}{
		{"anna", []string{"I"}},
		{"bruno", []string{"I", "II"}}, // late in I, awaiting in II
		{"dora", []string{"II"}},
		{"ann", nil},   // a prefix of anna
		{"carla", nil}, // untracked
		{"elio", nil},  // objective no longer in the plan
		{"a_b", nil},   // no wildcard: "axb" is somebody else
		{"axb", []string{"I"}},
	}
	for _, tc := range cases {
		t.Run(tc.person, func(t *testing.T) {
			got, err := s.AssigneeDirectorates(context.Background(), "lecco", tc.person, "2024-07-16")
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("AssigneeDirectorates(%s) = %q, %v; want %q", tc.person, got, err, tc.want)
			}
		})
	}
}
