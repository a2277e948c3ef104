package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T, opt Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(context.Background(), path, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func f64(v float64) *float64 { return &v }

func snapshot(indicators ...string) PlanSnapshot {
	snap := PlanSnapshot{Org: "lecco", OrgName: "Provincia di Lecco",
		People:       []Person{{Org: "lecco", ID: "rossi", Name: "Mario Rossi", Language: "it", Active: true}},
		Directorates: []Directorate{{Org: "lecco", Code: "I", Name: "Bilancio", Active: true}},
		Objectives:   []Objective{{Org: "lecco", ID: "I-01", Directorate: "I", Title: "Bilancio", Active: true}},
	}
	for i, id := range indicators {
		snap.Indicators = append(snap.Indicators, Indicator{Org: "lecco", ID: id, ObjectiveID: "I-01", Position: i, Description: id, Kind: "percent", Active: true})
	}
	return snap
}

func TestFreshDatabaseHasEveryMigration(t *testing.T) {
	s, _ := openTest(t, Options{})
	v, err := s.Version(context.Background())
	if err != nil || v != SchemaVersion() {
		t.Fatalf("Version = %d, %v; want %d", v, err, SchemaVersion())
	}
}

func TestUpgradeFromPreviousSchemaKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, Options{UpTo: SchemaVersion() - 1})
	if err != nil {
		t.Fatal(err)
	}
	// Data as the previous release wrote it, with that release's columns.
	for _, stmt := range []string{
		`INSERT INTO organisations (id, name, created_at) VALUES ('lecco', 'Provincia di Lecco', 1)`,
		`INSERT INTO people (org, id, name, email, language, roles, title, active) VALUES ('lecco', 'rossi', 'Mario Rossi', '', 'it', 'staff', '', TRUE)`,
		`INSERT INTO indicators (org, id, objective_id, description, kind) VALUES ('lecco', 'I-01.1', 'I-01', 'x', 'percent')`,
		`INSERT INTO indicator_values (org, indicator_id, period, revision, kind, number, channel, received_at) VALUES ('lecco', 'I-01.1', '2024-S1', 1, 'percent', 92.5, 'cli', 1)`,
	} {
		if err := old.db.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := old.Version(ctx); v != SchemaVersion()-1 {
		t.Fatalf("old version = %d", v)
	}
	_ = old.Close()

	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v != SchemaVersion() {
		t.Fatalf("upgraded version = %d, want %d", v, SchemaVersion())
	}
	vals, err := s.LatestValues(ctx, ValueFilter{Org: "lecco"})
	if err != nil || len(vals) != 1 || *vals[0].Number != 92.5 {
		t.Fatalf("values after upgrade = %+v, %v", vals, err)
	}
	if err := s.SetAway(ctx, "lecco", "rossi", "2024-08-01", "2024-08-20"); err != nil {
		t.Fatalf("new column unusable after upgrade: %v", err)
	}

	p, err := s.GetPerson(ctx, "lecco", "rossi")
	if err != nil || p.AwayTo != "2024-08-20" {
		t.Fatalf("person after upgrade = %+v, %v", p, err)
	}
}

func TestValueRevisionsKeepHistory(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	if _, err := s.SyncPlan(ctx, snapshot("I-01.1"), t0); err != nil {
		t.Fatal(err)
	}
	for i, n := range []float64{80, 85.5, 90} {
		v, err := s.AddValue(ctx, Value{Org: "lecco", IndicatorID: "I-01.1", Period: "2024-S1", Kind: "percent",
			Number: f64(n), Raw: "x", ByPerson: "rossi", Channel: "telegram", SourceRef: "upd-" + string(rune('a'+i)), ReceivedAt: Millis(t0.Add(time.Duration(i) * time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		if v.Revision != i+1 {
			t.Fatalf("revision = %d, want %d", v.Revision, i+1)
		}
	}
	latest, err := s.LatestValues(ctx, ValueFilter{Org: "lecco", Period: "2024-S1"})
	if err != nil || len(latest) != 1 || *latest[0].Number != 90 || latest[0].Revision != 3 {
		t.Fatalf("latest = %+v, %v", latest, err)
	}
	hist, _ := s.History(ctx, "lecco", "I-01.1", "2024-S1")
	if len(hist) != 3 || *hist[0].Number != 80 || *hist[1].Number != 85.5 {
		t.Fatalf("history = %+v", hist)
	}
	// The same source again (a repeated Telegram update) changes nothing.
	_, err = s.AddValue(ctx, Value{Org: "lecco", IndicatorID: "I-01.1", Period: "2024-S1", Kind: "percent", Number: f64(1), Channel: "telegram", SourceRef: "upd-a", ReceivedAt: Millis(t0)})
	if !errors.Is(err, ErrDuplicateSource) {
		t.Fatalf("duplicate source: err = %v", err)
	}
	if hist, _ := s.History(ctx, "lecco", "I-01.1", "2024-S1"); len(hist) != 3 {
		t.Fatalf("duplicate stored: %d revisions", len(hist))
	}
}

func TestAddValueSourceRefusedOnlyForTheSameIndicatorAndPeriod(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name          string
		first, second Value
		wantDuplicate bool
		wantRevision  int
	}{
		{"same source, same indicator and period",
			Value{IndicatorID: "I-01.1", Period: "2024-S1", SourceRef: "mail-1"}, Value{IndicatorID: "I-01.1", Period: "2024-S1", SourceRef: "mail-1"}, true, 0},
		{"same e-mail, another indicator",
			Value{IndicatorID: "I-01.1", Period: "2024-S1", SourceRef: "mail-1"}, Value{IndicatorID: "I-01.2", Period: "2024-S1", SourceRef: "mail-1"}, false, 1},
		{"same source, another period",
			Value{IndicatorID: "I-01.1", Period: "2024-S1", SourceRef: "mail-1"}, Value{IndicatorID: "I-01.1", Period: "2024-S2", SourceRef: "mail-1"}, false, 1},
		{"no source twice: two revisions",
			Value{IndicatorID: "I-01.1", Period: "2024-S1"}, Value{IndicatorID: "I-01.1", Period: "2024-S1"}, false, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTest(t, Options{})
			if _, err := s.SyncPlan(ctx, snapshot("I-01.1", "I-01.2"), t0); err != nil {
				t.Fatal(err)
			}
			for _, v := range []*Value{&tc.first, &tc.second} {
				v.Org, v.Kind, v.Number, v.Channel, v.ReceivedAt = "lecco", "percent", f64(50), "email", Millis(t0)
			}
			first, err := s.AddValue(ctx, tc.first)
			if err != nil || first.Revision != 1 || first.ID == 0 {
				t.Fatalf("first value = %+v, %v", first, err)
			}
			second, err := s.AddValue(ctx, tc.second)
			if tc.wantDuplicate {
				if !errors.Is(err, ErrDuplicateSource) {
					t.Fatalf("err = %v, want ErrDuplicateSource", err)
				}
				if all, _ := s.AllValues(ctx, ValueFilter{Org: "lecco"}); len(all) != 1 {
					t.Fatalf("%d values stored, want 1", len(all))
				}
				return
			}
			if err != nil || second.Revision != tc.wantRevision || second.ID == first.ID {
				t.Fatalf("second value = %+v, %v; want revision %d", second, err, tc.wantRevision)
			}
		})
	}
}

func TestSyncPlanKeepsValuesOfIndicatorsThatStay(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	if _, err := s.SyncPlan(ctx, snapshot("I-01.1", "I-01.2"), t0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"I-01.1", "I-01.2"} {
		if _, err := s.AddValue(ctx, Value{Org: "lecco", IndicatorID: id, Period: "2024-S1", Kind: "percent", Number: f64(50), Channel: "cli", ReceivedAt: Millis(t0)}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.SyncPlan(ctx, snapshot("I-01.1", "I-01.3"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Deactivated != 1 {
		t.Fatalf("deactivated = %d, want 1 (I-01.2)", st.Deactivated)
	}
	inds, _ := s.Indicators(ctx, "lecco")
	if len(inds) != 2 || inds[0].ID != "I-01.1" || inds[1].ID != "I-01.3" {
		t.Fatalf("active indicators = %+v", inds)
	}
	vals, _ := s.LatestValues(ctx, ValueFilter{Org: "lecco"})
	if len(vals) != 2 {
		t.Fatalf("values lost on reload: %+v", vals)
	}
	// The removed indicator comes back with its value.
	if _, err := s.SyncPlan(ctx, snapshot("I-01.1", "I-01.2", "I-01.3"), t0); err != nil {
		t.Fatal(err)
	}
	ind, err := s.GetIndicator(ctx, "lecco", "I-01.2")
	if err != nil || !ind.Active {
		t.Fatalf("I-01.2 not back: %+v %v", ind, err)
	}
}

func TestMissingRowsAreErrNotFound(t *testing.T) {
	s, _ := openTest(t, Options{})
	if _, err := s.GetPerson(context.Background(), "lecco", "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.Meta(context.Background(), "lecco", "nothing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// TestOutboxTextsLiveApart: a row's text is read back with it, enqueuing
// an existing key keeps the first text, status changes keep it, and an
// upgrade from schema 6 moves the texts out of the rows.
func TestOutboxTextsLiveApart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, Options{UpTo: 6})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.db.Exec(`INSERT INTO outbox (id, org, key, person_id, channel, kind, payload, status, next_attempt_at, created_at)
		VALUES (3, 'lecco', 'old', 'rossi', 'email', 'batch', 'testo di prima', 'sent', 1, 1)`).Error; err != nil {
		t.Fatal(err)
	}
	_ = old.Close()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if r, err := s.GetOutbox(ctx, 3); err != nil || r.Payload != "testo di prima" || r.Status != OutboxSent {
		t.Fatalf("upgraded row = %+v, %v", r, err)
	}
	rows, err := s.Enqueue(ctx, []OutboxRow{{Org: "lecco", Key: "new", PersonID: "rossi", Channel: "email", Kind: "batch", Payload: "primo"},
		{Org: "lecco", Key: "empty", PersonID: "rossi", Channel: "email", Kind: "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Enqueue(ctx, []OutboxRow{{Org: "lecco", Key: "new", PersonID: "rossi", Channel: "email", Kind: "batch", Payload: "secondo"}})
	if err != nil || again[0].ID != rows[0].ID {
		t.Fatalf("same key enqueued again: %+v, %v", again, err)
	}
	claimed, err := s.Claim(ctx, t0, time.Minute, 10)
	if err != nil || len(claimed) != 2 || claimed[0].Payload != "primo" || claimed[1].Payload != "" {
		t.Fatalf("claimed = %+v, %v", claimed, err)
	}
	if err := s.MarkSent(ctx, rows[0].ID, t0, "x"); err != nil {
		t.Fatal(err)
	}
	list, err := s.Outbox(ctx, OutboxFilter{Org: "lecco", Status: OutboxSent})
	if err != nil || len(list) != 2 || list[0].Payload != "testo di prima" || list[1].Payload != "primo" || list[1].ExternalID != "x" {
		t.Fatalf("sent rows = %+v, %v", list, err)
	}
	if _, err := s.GetOutbox(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing row: %v", err)
	}
}
