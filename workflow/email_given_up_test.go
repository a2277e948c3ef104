package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sollecito/store"
	"sollecito/workflow"
)

// TestEmailGivenUpTellsAdministratorsOnceADay: while the mail server is
// down every message fails alike, and the administrators get one note a
// day, not one per message; a bad address is about one person and gets
// its own note.
func TestEmailGivenUpTellsAdministratorsOnceADay(t *testing.T) {
	ctx := context.Background()
	e := newEnvWith(t, at(2024, 7, 31, 9, 0), testPlan, testConfig+"admins: [coord]\n")
	down := errors.New("451 4.3.0 servizio temporaneamente non disponibile")
	row := func(id int64, person string) store.OutboxRow {
		return store.OutboxRow{ID: id, Org: "prova", Key: "batch:" + person, PersonID: person, Channel: workflow.ChanEmail,
			Kind: workflow.OutboxBatch, Attempts: 8}
	}
	giveUp := func(r store.OutboxRow, cause error, bad bool) {
		t.Helper()
		if err := e.eng.EmailGivenUp(ctx, r, cause, bad); err != nil {
			t.Fatal(err)
		}
	}
	notes := func() []store.OutboxRow {
		t.Helper()
		rows, err := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxAdmin})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	giveUp(row(1, "anna"), down, false)
	giveUp(row(2, "bruno"), down, false)
	e.clock.Set(at(2024, 7, 31, 17, 0))
	giveUp(row(3, "capo"), down, false)
	if n := len(notes()); n != 1 {
		t.Fatalf("%d notes for three messages given up the same day, want 1", n)
	}
	if text := notes()[0].Payload; !strings.Contains(text, "Anna Rossi") || !strings.Contains(text, "non arriveranno altri avvisi") {
		t.Fatalf("the day's note: %s", text)
	}
	e.clock.Set(at(2024, 8, 1, 9, 0))
	giveUp(row(4, "anna"), down, false)
	giveUp(row(5, "bruno"), errors.New("550 5.1.1 utente sconosciuto"), true)
	got := notes()
	if len(got) != 3 || !strings.Contains(got[2].Payload, "Bruno Verdi") || !strings.Contains(got[2].Payload, "non funzionante") {
		t.Fatalf("notes after a second day and a bad address: %+v", got)
	}
	if p, err := e.st.GetPerson(ctx, "prova", "bruno"); err != nil || !p.EmailFailing {
		t.Fatalf("bruno's address not marked failing: %+v %v", p, err)
	}
}
