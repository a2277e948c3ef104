package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestSweepAndLineItemsReadWhatTheirCallersUse checks the two narrow item
// reads of the hot paths against the items saved: the due ones in order
// of their next action, and the ones asked for by key, whatever their
// number.
func TestSweepAndLineItemsReadWhatTheirCallersUse(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	if _, err := s.SyncPlan(ctx, snapshot("I-01.1"), t0); err != nil {
		t.Fatal(err)
	}
	items := []Item{
		{Org: "lecco", Key: "ind:I-01.1:2024-S1", Kind: "indicator", ObjectiveID: "I-01", IndicatorID: "I-01.1", Period: "2024-S1",
			Due: "2024-07-31", State: StateOpen, Assignees: "rossi,verdi", Tracked: true, NextActionAt: 200, SweptUntil: 150},
		{Org: "lecco", Key: "ph:I-01:2:2024", Kind: "phase", ObjectiveID: "I-01", PhaseN: 2, Period: "2024", Rule: "entro il 30/06",
			Due: "2024-07-01", State: StateDone, Assignees: "rossi", Tracked: true, NextActionAt: 100},
		{Org: "lecco", Key: "ind:I-01.1:2024-S2", Kind: "indicator", ObjectiveID: "I-01", IndicatorID: "I-01.1", Period: "2024-S2",
			Due: "2025-01-31", State: StateOpen, Assignees: "rossi", Tracked: true, NextActionAt: 900},
		{Org: "lecco", Key: "ind:I-01.1:2023-S2", Kind: "indicator", ObjectiveID: "I-01", IndicatorID: "I-01.1", Period: "2023-S2",
			Due: "2024-01-31", State: StateOpen, Assignees: "rossi", Tracked: false},
	}
	if err := s.SaveItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		now  int64
		want []Item
	}{
		{"nothing due yet", 99, nil},
		{"one due", 100, []Item{{Org: "lecco", Key: "ph:I-01:2:2024", ObjectiveID: "I-01", Due: "2024-07-01", Assignees: "rossi"}}},
		{"in order of next action", 500, []Item{
			{Org: "lecco", Key: "ph:I-01:2:2024", ObjectiveID: "I-01", Due: "2024-07-01", Assignees: "rossi"},
			{Org: "lecco", Key: "ind:I-01.1:2024-S1", ObjectiveID: "I-01", Due: "2024-07-31", Assignees: "rossi,verdi", SweptUntil: 150}}},
	} {
		t.Run("sweep/"+tc.name, func(t *testing.T) {
			got, err := s.SweepItems(ctx, "lecco", tc.now)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("SweepItems(%d) = %+v, %v; want %+v", tc.now, got, err, tc.want)
			}
		})
	}
	line := func(it Item) Item {
		return Item{Org: it.Org, Key: it.Key, Kind: it.Kind, ObjectiveID: it.ObjectiveID, IndicatorID: it.IndicatorID, PhaseN: it.PhaseN,
			Period: it.Period, Rule: it.Rule, Due: it.Due, State: it.State, Assignees: it.Assignees}
	}
	many := []string{items[0].Key, items[1].Key, "ind:nobody:2024-S1", items[0].Key}
	for i := 0; i < 3000; i++ { // more keys than one statement could bind
		many = append(many, "ind:X-"+strings.Repeat("9", i%7)+":2024-S1")
	}
	for _, tc := range []struct {
		name string
		keys []string
		want []Item
	}{
		{"none", nil, nil},
		{"unknown key", []string{"ind:nobody:2024-S1"}, nil},
		{"a phase and an indicator", []string{items[1].Key, items[0].Key}, []Item{line(items[0]), line(items[1])}},
		{"thousands of keys, repeats", many, []Item{line(items[0]), line(items[1])}},
	} {
		t.Run("line/"+tc.name, func(t *testing.T) {
			got, err := s.LineItems(ctx, "lecco", tc.keys)
			slices.SortFunc(got, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
			slices.SortFunc(tc.want, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("LineItems = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// explain returns SQLite's query plan of a statement, one step per line.
func (s *Store) explain(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.query(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		out = append(out, detail)
	}
	return strings.Join(out, "\n"), rows.Err()
}

// TestListStatementsUseTheirIndexes: the statements that take a JSON list
// of keys or ids look each one up, whatever the table's size.
func TestListStatementsUseTheirIndexes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	for _, tc := range []struct {
		name, query string
		args        []any
		want        string
	}{
		{"line items", sqlLineItems, []any{"lecco", `["a"]`}, "USING COVERING INDEX items_lines (org=? AND key=?)"},
		{"advance", sqlAdvance, []any{1, 2, "lecco", 0, `["a"]`}, "(org=? AND key=?)"},
		{"advanced", sqlAdvanced, []any{"lecco", 1, 2, `["a"]`}, "(org=? AND key=?)"},
		{"claim candidates", sqlClaimCandidates, []any{1, 100, 1, 100, 100}, "SEARCH outbox USING COVERING INDEX outbox_pending (next_attempt_at<?)"},
		{"claim candidates (leases)", sqlClaimCandidates, []any{1, 100, 1, 100, 100}, "SEARCH outbox USING INDEX outbox_sending (lease_until<?)"},
		{"next to send", sqlNextOutboxAt, nil, "SEARCH outbox USING COVERING INDEX outbox_sending"},
		{"claim", sqlClaim, []any{"sending", 1, `[1]`, 0, 0}, "USING INTEGER PRIMARY KEY (rowid=?)"},
		{"claimed now", sqlClaimedNow, []any{"sending", 1, `[1]`}, "USING INTEGER PRIMARY KEY (rowid=?)"},
		{"outbox ids", sqlOutboxIDs, []any{"lecco", `["a"]`}, "INDEX outbox_key (org=? AND key=?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := s.explain(ctx, tc.query, tc.args...)
			if err != nil || !strings.Contains(plan, tc.want) {
				t.Fatalf("query plan:\n%s\n(%v); want %q", plan, err, tc.want)
			}
		})
	}
}

func TestLineStatesReadTheIndexAlone(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	items := []Item{
		{Org: "lecco", Key: "a", Kind: "indicator", ObjectiveID: "I-01", Due: "2024-07-31", State: StateOpen, Tracked: true},
		{Org: "lecco", Key: "b", Kind: "phase", ObjectiveID: "I-01", Due: "", State: StateAwaitingEvent, Tracked: true},
		{Org: "other", Key: "a", Kind: "indicator", ObjectiveID: "X", Due: "2024-01-31", State: StateDone, Tracked: true},
	}
	if err := s.SaveItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	got, err := s.LineStates(ctx, "lecco", []string{"b", "a", "zz"})
	slices.SortFunc(got, func(x, y Item) int { return strings.Compare(x.Key, y.Key) })
	want := []Item{{Org: "lecco", Key: "a", Due: "2024-07-31", State: StateOpen}, {Org: "lecco", Key: "b", State: StateAwaitingEvent}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("LineStates = %+v, %v; want %+v", got, err, want)
	}
	plan, err := s.explain(ctx, sqlLineStates, "lecco", `["a"]`)
	if err != nil || !strings.Contains(plan, "USING COVERING INDEX items_lines (org=? AND key=?)") {
		t.Fatalf("query plan:\n%s\n(%v)", plan, err)
	}
}
