package store

import (
	"context"
	"slices"
	"testing"
)

func TestPeopleNamedOrAway(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	person := func(id string) Person { return Person{Org: "lecco", ID: id, Name: "N " + id, Active: true} }
	snap := PlanSnapshot{Org: "lecco", OrgName: "Provincia di Lecco", People: []Person{
		person("anna"), person("bruno"), person("carla"), person("dora"), person("elio"), person("fabio"), person("gina"), person("ugo"),
	}}
	if _, err := s.SyncPlan(ctx, snap, t0); err != nil {
		t.Fatal(err)
	}
	// bruno and dora leave the plan: inactive.
	snap.People = slices.DeleteFunc(snap.People, func(p Person) bool { return p.ID == "bruno" || p.ID == "dora" })
	if _, err := s.SyncPlan(ctx, snap, t0); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ id, from, to string }{
		{"carla", "2024-07-10", "2024-07-20"}, // away
		{"dora", "2024-07-10", "2024-07-20"},  // away, but no longer in the plan
		{"elio", "2024-07-17", "2024-07-20"},  // from tomorrow
		{"fabio", "2024-07-01", "2024-07-15"}, // back today
		{"gina", "2024-07-16", "2024-07-16"},  // today only
	} {
		if err := s.SetAway(ctx, "lecco", a.id, a.from, a.to); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(people []Person) []string {
		var out []string
		for _, p := range people {
			out = append(out, p.ID)
		}
		return out
	}
	cases := []struct {
		name  string
		org   string
		named []string
		day   string
		want  []string
	}{
		{"named and away, by id", "lecco", []string{"ugo", "anna", "bruno", "nobody", "carla"}, "2024-07-16", []string{"anna", "carla", "gina", "ugo"}},
		{"away only", "lecco", nil, "2024-07-16", []string{"carla", "gina"}},
		{"away on another day", "lecco", nil, "2024-07-20", []string{"carla", "elio"}},
		{"named only", "lecco", []string{"elio"}, "", []string{"elio"}},
		{"nobody", "lecco", nil, "", nil},
		{"another organisation", "other", []string{"anna"}, "2024-07-16", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.PeopleNamedOrAway(ctx, tc.org, tc.named, tc.day)
			if err != nil || !slices.Equal(ids(got), tc.want) {
				t.Fatalf("PeopleNamedOrAway(%q, %q) = %q, %v; want %q", tc.named, tc.day, ids(got), err, tc.want)
			}
		})
	}
	got, err := s.PeopleNamedOrAway(ctx, "lecco", []string{"carla"}, "")
	if want, _ := s.GetPerson(ctx, "lecco", "carla"); err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("carla read as %+v, %v; want %+v", got, err, want)
	}
}
