package workflow

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestBatchPayloadRoundTrip(t *testing.T) {
	p := BatchPayload{At: time.Date(2024, 7, 31, 7, 0, 0, 5, time.UTC), Entries: []Entry{
		{Item: "ind:I-01.1:2024-S1", Step: "r3@2024-07-31", Kind: "reminder"},
		{Item: "ph:I-02:3:2024", Step: "n2@2024-07-24", Kind: "nag", Late: 10},
		{Item: "ind:V-77.2:2024-S2", Step: "e10-coordinators@2025-01-31", Kind: "escalation", Late: 10},
	}}
	s, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBatchPayload(s)
	if err != nil {
		t.Fatal(err)
	}
	if !got.At.Equal(p.At) || !reflect.DeepEqual(got.Entries, p.Entries) {
		t.Fatalf("round trip:\n%+v\n%+v", got, p)
	}
	empty, err := BatchPayload{At: p.At}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeBatchPayload(empty); err != nil || len(got.Entries) != 0 {
		t.Fatalf("empty payload: %+v, %v", got, err)
	}
}

func TestBatchPayloadRefusesWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"empty", ""},
		{"old JSON form", `{"at":"2024-07-31T07:00:00Z","entries":[]}`},
		{"missing fields", "2024-07-31T07:00:00Z\nind:I-01.1:2024-S1\tr3@2024-07-31"},
		{"late not a number", "2024-07-31T07:00:00Z\nind:I-01.1:2024-S1\tr3@2024-07-31\treminder\tx"},
		{"no item", "2024-07-31T07:00:00Z\n\tr3@2024-07-31\treminder\t0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeBatchPayload(tc.payload); !errors.Is(err, errPayload) {
				t.Fatalf("got %v, want errPayload", err)
			}
		})
	}
	if _, err := (BatchPayload{Entries: []Entry{{Item: "a\tb", Step: "r3"}}}).Encode(); err == nil {
		t.Fatal("a tab in an item key was encoded")
	}
}
