package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sollecito/store"
	"sollecito/workflow"
)

// TestSubmitAllRecordsEachOnItsOwn: values sent together are stored with
// their own receive times; a refused one (unknown code, nonsense value,
// someone else's item, a repeated source) gets its own error and changes
// nothing, and the others are stored all the same.
func TestSubmitAllRecordsEachOnItsOwn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, at(2024, 7, 20, 9, 0))
	first := at(2024, 7, 18, 10, 15)
	if _, err := e.eng.Submit(ctx, workflow.Submission{IndicatorID: "I-01.1", Period: "S1", Raw: "12", By: "bruno",
		Channel: workflow.ChannelEmail, SourceRef: "<a@x>", At: first}); err != nil {
		t.Fatal(err)
	}
	later := at(2024, 7, 19, 16, 40)
	subs := []workflow.Submission{
		{IndicatorID: "I-01.2", Period: "S1", Raw: "95,5%", By: "anna", Channel: workflow.ChannelEmail, SourceRef: "<b@x>", At: later},
		{IndicatorID: "I-99.9", Period: "S1", Raw: "3", By: "anna", Channel: workflow.ChannelEmail, SourceRef: "<c@x>"},
		{IndicatorID: "I-01.1", Period: "S1", Raw: "tanti", By: "anna", Channel: workflow.ChannelEmail, SourceRef: "<d@x>"},
		{IndicatorID: "I-01.2", Period: "S1", Raw: "90%", By: "bruno", Channel: workflow.ChannelEmail, SourceRef: "<e@x>"},
		{IndicatorID: "I-01.1", Period: "S1", Raw: "14", By: "bruno", Channel: workflow.ChannelEmail, SourceRef: "<a@x>"},
	}
	receipts, errs := e.eng.SubmitAll(ctx, subs)
	if errs[0] != nil || receipts[0] == nil || receipts[0].Stored.Revision != 1 || receipts[0].Value.Format("it") != "95,5%" {
		t.Fatalf("valid value: %+v, %v", receipts[0], errs[0])
	}
	var ue *workflow.UserError
	for i, want := range []string{"", "unknown", "nonsense", "not assigned", "repeated"} {
		switch {
		case i == 0:
		case want == "repeated":
			if !errors.Is(errs[i], workflow.ErrDuplicate) || receipts[i] != nil {
				t.Fatalf("repeated source: %+v, %v", receipts[i], errs[i])
			}
		case errs[i] == nil || receipts[i] != nil:
			t.Fatalf("%s value accepted: %+v", want, receipts[i])
		case want != "nonsense" && !errors.As(errs[i], &ue):
			t.Fatalf("%s value: %v is not a UserError", want, errs[i])
		}
	}
	vals, err := e.st.LatestValues(ctx, store.ValueFilter{Org: "prova"})
	if err != nil || len(vals) != 2 {
		t.Fatalf("stored values = %+v, %v; want I-01.1 (12) and I-01.2 (95,5%%)", vals, err)
	}
	for _, v := range vals {
		switch v.IndicatorID {
		case "I-01.1":
			if *v.Number != 12 || v.Revision != 1 || store.FromMillis(v.ReceivedAt) != first.UTC() {
				t.Fatalf("I-01.1 = %+v", v)
			}
		case "I-01.2":
			if *v.Number != 95.5 || store.FromMillis(v.ReceivedAt) != later.UTC() {
				t.Fatalf("I-01.2 = %+v received %s", v, store.FromMillis(v.ReceivedAt).Format(time.RFC3339))
			}
		}
	}
	it, err := e.st.GetItem(ctx, "prova", "ind:I-01.2:2024-S1")
	if err != nil || it.State != store.StateSubmitted || store.FromMillis(it.ClosedAt) != later.UTC() {
		t.Fatalf("I-01.2's item = %+v, %v", it, err)
	}
}
