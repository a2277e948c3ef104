package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestMigrationsSortedAndMailTablesPresent(t *testing.T) {
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version <= migrations[i-1].version {
			t.Fatalf("migration %d follows %d: versions must increase", migrations[i].version, migrations[i-1].version)
		}
	}
	s, _ := openTest(t, Options{})
	if err := s.RecordMail(context.Background(), ProcessedMail{Org: "lecco", DedupKey: "a@b", Outcome: MailAccepted, ProcessedAt: 1}); err != nil {
		t.Fatalf("mail tables missing: %v", err)
	}
}

func TestUpgradeFromVersion3AddsMailTables(t *testing.T) {
	ctx := context.Background()
	_, path := openTest(t, Options{UpTo: 3})
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v < 4 {
		t.Fatalf("version %d after upgrade, want at least 4", v)
	}
}

func TestRecordMailOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	m := ProcessedMail{Org: "lecco", DedupKey: "CAF1@mail.gmail.com", UID: 7, FromAddr: "m.rossi@x.it", Outcome: MailAccepted, ProcessedAt: Millis(t0)}
	if err := s.RecordMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	// The same mail again, inside a transaction that would also store a
	// value: the whole transaction must be undone.
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.Audit(ctx, "lecco", t0, "x", "value.set", "k", "second effect"); err != nil {
			return err
		}
		return tx.RecordMail(ctx, m)
	})
	if !errors.Is(err, ErrMailSeen) {
		t.Fatalf("second record: %v, want ErrMailSeen", err)
	}
	log, _ := s.AuditLog(ctx, "lecco", 10)
	if len(log) != 0 {
		t.Errorf("the second effect was committed: %+v", log)
	}
	got, err := s.Mail(ctx, "lecco", m.DedupKey)
	if err != nil || got.Outcome != MailAccepted || got.UID != 7 {
		t.Errorf("Mail = %+v, %v", got, err)
	}
	if _, err := s.Mail(ctx, "other", m.DedupKey); !errors.Is(err, ErrNotFound) {
		t.Errorf("another organisation sees the mail: %v", err)
	}
}

func TestAllowMailReplyLimitsPerSender(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	tests := []struct {
		name   string
		sender string
		at     time.Time
		want   bool
	}{
		{"first", "a@x.it", t0, true},
		{"second", "A@X.it", t0.Add(time.Minute), true},
		{"third within the hour", "a@x.it", t0.Add(30 * time.Minute), false},
		{"another sender", "b@x.it", t0.Add(30 * time.Minute), true},
		{"after the window", "a@x.it", t0.Add(time.Hour + time.Second), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AllowMailReply(ctx, "lecco", tc.sender, tc.at, time.Hour, 2)
			if err != nil || got != tc.want {
				t.Fatalf("AllowMailReply = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestMailStateCountsPerMailbox(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	a := s.NewMailState("u@x/INBOX", func() time.Time { return t0 })
	b := s.NewMailState("v@x/INBOX", func() time.Time { return t0 })
	for want := 1; want <= 3; want++ {
		n, err := a.RecordFailure(ctx, 10, 5, "boom")
		if err != nil || n != want {
			t.Fatalf("RecordFailure = %d, %v; want %d", n, err, want)
		}
	}
	tests := []struct {
		name     string
		st       *MailState
		uv, uid  uint32
		failures int
	}{
		{"counted", a, 10, 5, 3},
		{"another uid", a, 10, 6, 0},
		{"renumbered mailbox", a, 11, 5, 0},
		{"another mailbox", b, 10, 5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := tc.st.Failures(ctx, tc.uv, tc.uid)
			if err != nil || n != tc.failures {
				t.Fatalf("Failures = %d, %v; want %d", n, err, tc.failures)
			}
		})
	}
}

func TestCorrectedAddressIsNoLongerFailing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	snap := snapshot("I-01.1")
	snap.People[0].Email = "m.rossi@old.example"
	if _, err := s.SyncPlan(ctx, snap, t0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		email   string
		failing bool
	}{
		{"plan reloaded, same address", "m.rossi@old.example", true},
		{"address corrected", "m.rossi@new.example", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.SetEmailFailing(ctx, "lecco", "rossi", true); err != nil {
				t.Fatal(err)
			}
			snap.People[0].Email = tc.email
			if _, err := s.SyncPlan(ctx, snap, t0); err != nil {
				t.Fatal(err)
			}
			p, _ := s.GetPerson(ctx, "lecco", "rossi")
			if p.EmailFailing != tc.failing {
				t.Errorf("failing %v, want %v", p.EmailFailing, tc.failing)
			}
		})
	}
}
