package workflow_test

import (
	"context"
	"strings"
	"testing"

	"sollecito/store"
)

// TestMessageLinesReadStateAndDueAfresh: the plan's part of a line is
// remembered between messages, but an item's due date and state are read
// when each message is composed: a due date moved after the sweep shows
// in the message, and an item answered meanwhile leaves it.
func TestMessageLinesReadStateAndDueAfresh(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, at(2024, 7, 17, 8, 0))
	e.run(at(2024, 7, 17, 12, 0)) // first reminders: the lines are now remembered
	e.rec.msgs = nil
	e.clock.Set(at(2024, 7, 26, 9, 0))
	if _, err := e.eng.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	// Between the sweep and the dispatch: I-01.1 moves to 05/08, I-01.2
	// gets its value.
	it, err := e.st.GetItem(ctx, "prova", "ind:I-01.1:2024-S1")
	if err != nil {
		t.Fatal(err)
	}
	it.Due = "2024-08-05"
	if err := e.st.SaveItems(ctx, []store.Item{it}); err != nil {
		t.Fatal(err)
	}
	closed, err := e.st.GetItem(ctx, "prova", "ind:I-01.2:2024-S1")
	if err != nil {
		t.Fatal(err)
	}
	closed.State = store.StateSubmitted
	if err := e.st.SaveItems(ctx, []store.Item{closed}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.disp.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var anna string
	for _, d := range e.rec.all() {
		if d.Msg.PersonID == "anna" {
			anna = d.Msg.Text
		}
	}
	if !strings.Contains(anna, "I-01.1") || !strings.Contains(anna, "scadenza 05/08/2024 · target <= 30 giorni") {
		t.Fatalf("anna's reminder does not show I-01.1's new due date:\n%s", anna)
	}
	if strings.Contains(anna, "I-01.2") {
		t.Fatalf("anna's reminder still lists I-01.2, answered before it was sent:\n%s", anna)
	}
}
