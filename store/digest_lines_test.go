package store

import (
	"context"
	"fmt"
	"slices"
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

// lateSummary renders LateByService's answer as "DIR/SERVICE total: keys".
func lateSummary(late []ServiceLate) []string {
	var out []string
	for _, sl := range late {
		var keys []string
		for _, it := range sl.Items {
			keys = append(keys, it.Key)
		}
		out = append(out, fmt.Sprintf("%s/%s %d: %v", sl.Directorate, sl.Service, sl.Total, keys))
	}
	return out
}

func TestLateByService(t *testing.T) {
	// Twelve late items in I/Contabilità (over two objectives), due on
	// 1, 2, ... 12 July.
	var contabilita []Item
	for d := 1; d <= 12; d++ {
		obj := "I-01"
		if d%2 == 0 {
			obj = "I-02"
		}
		contabilita = append(contabilita, lateItem(obj, fmt.Sprintf("c%02d", d), fmt.Sprintf("2024-07-%02d", d), "anna"))
	}
	// I/Tributi: eight due on 1 to 8 July, then three on 10 July (the
	// 10th earliest due date), then one on 11 July.
	var tributi []Item
	for d := 1; d <= 8; d++ {
		tributi = append(tributi, lateItem("I-03", fmt.Sprintf("t%02d", d), fmt.Sprintf("2024-07-%02d", d), ""))
	}
	for _, k := range []string{"t10c", "t10a", "t10b"} {
		tributi = append(tributi, lateItem("I-03", k, "2024-07-10", ""))
	}
	tributi = append(tributi, lateItem("I-03", "t11", "2024-07-11", ""))
	notLate := func(it Item, change func(*Item)) Item { change(&it); return it }
	// Never counted: not open, not tracked, no due date, awaiting, of an
	// objective no longer in the plan.
	others := []Item{
		lateItem("II-01", "p1", "2024-07-03", ""),
		notLate(lateItem("II-01", "submitted", "2024-07-01", ""), func(it *Item) { it.State = StateSubmitted }),
		notLate(lateItem("II-01", "untracked", "2024-07-01", ""), func(it *Item) { it.Tracked = false }),
		notLate(lateItem("II-01", "nodue", "", ""), func(it *Item) {}),
		notLate(lateItem("II-01", "awaiting", "", ""), func(it *Item) { it.State = StateAwaitingEvent }),
		lateItem("GONE", "gone", "2024-07-01", ""),
		// Due on the 15th (yesterday on the 16th), still within grace:
		// later than lastDue.
		lateItem("II-01", "grace", "2024-07-15", ""),
	}
	s := openDigestStore(t, slices.Concat(contabilita, tributi, others))
	ctx := context.Background()

	cases := []struct {
		name    string
		lastDue string
		limit   int
		want    []string
	}{
		{"ten earliest listed, every one counted", "2024-07-14", 10, []string{
			"I/Contabilità 12: [c01 c02 c03 c04 c05 c06 c07 c08 c09 c10]",
			"I/Tributi 12: [t01 t02 t03 t04 t05 t06 t07 t08 t10a t10b t10c]",
			"II/Contabilità 1: [p1]",
		}},
		{"the grace day counts once late", "2024-07-15", 10, []string{
			"I/Contabilità 12: [c01 c02 c03 c04 c05 c06 c07 c08 c09 c10]",
			"I/Tributi 12: [t01 t02 t03 t04 t05 t06 t07 t08 t10a t10b t10c]",
			"II/Contabilità 2: [p1 grace]",
		}},
		{"a cut on an earlier day counts less", "2024-07-09", 10, []string{
			"I/Contabilità 9: [c01 c02 c03 c04 c05 c06 c07 c08 c09]",
			"I/Tributi 8: [t01 t02 t03 t04 t05 t06 t07 t08]",
			"II/Contabilità 1: [p1]",
		}},
		{"the limit is a parameter", "2024-07-14", 2, []string{
			"I/Contabilità 12: [c01 c02]",
			"I/Tributi 12: [t01 t02]",
			"II/Contabilità 1: [p1]",
		}},
		{"ties at the cut of a small limit", "2024-07-14", 9, []string{
			"I/Contabilità 12: [c01 c02 c03 c04 c05 c06 c07 c08 c09]",
			"I/Tributi 12: [t01 t02 t03 t04 t05 t06 t07 t08 t10a t10b t10c]",
			"II/Contabilità 1: [p1]",
		}},
		{"nothing late", "", 10, nil},
		{"before every due date", "2024-06-30", 10, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			late, err := s.LateByService(ctx, "lecco", tc.lastDue, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := lateSummary(late); !slices.Equal(got, tc.want) {
				t.Fatalf("LateByService(%q, %d) =\n%q\nwant\n%q", tc.lastDue, tc.limit, got, tc.want)
			}
		})
	}
	late, err := s.LateByService(ctx, "lecco", "2024-07-14", 10)
	if err != nil {
		t.Fatal(err)
	}
	if it := late[0].Items[0]; it != contabilita[0] {
		t.Errorf("item read as %+v, want %+v", it, contabilita[0])
	}
	if late, err := s.LateByService(ctx, "other", "2024-07-14", 10); err != nil || len(late) != 0 {
		t.Errorf("another organisation's items: %v, %v", lateSummary(late), err)
	}
}

func TestAwaitingEventLines(t *testing.T) {
	waiting := lateItem("I-01", "w1", "", "anna")
	waiting.State, waiting.Rule = StateAwaitingEvent, "entro 30 gg dal Rendiconto"
	s := openDigestStore(t, []Item{waiting, lateItem("I-01", "late", "2024-07-01", "anna")})
	got, err := s.AwaitingEventLines(context.Background(), "lecco")
	if err != nil || len(got) != 1 || got[0] != waiting {
		t.Fatalf("AwaitingEventLines = %+v, %v; want [%+v]", got, err, waiting)
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
