package telegram_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sollecito/store"
)

func TestLinking(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	code, expires, err := h.eng.Invite(ctx, "anna", 0)
	must(t, err)
	if want := t0.Add(7 * 24 * time.Hour); !expires.Equal(want) {
		t.Fatalf("invitation expires %v, want 7 days later %v", expires, want)
	}
	old, _, err := h.eng.Invite(ctx, "bruno", 0)
	must(t, err)

	tests := []struct {
		name     string
		user     int64
		text     string
		advance  time.Duration
		want     string
		bound    string // person the user is linked to afterwards ("" none)
		notWants []string
	}{
		{name: "unknown user gets only an explanation", user: uStray, text: "/pendenti", want: "serve un invito personale",
			notWants: []string{"I-01", "Anna"}},
		{name: "unknown user writing a value", user: uStray, text: "92%", want: "serve un invito personale"},
		{name: "bad code", user: uStray, text: "/start nonesiste", want: "codice di invito non valido"},
		{name: "valid code links by user id", user: uAnna, text: "/start " + code, want: "Ciao Anna Rossi", bound: "anna"},
		{name: "reused code", user: uStray, text: "/start " + code, want: "già stato usato"},
		{name: "expired code", user: uBruno, text: "/start " + old, advance: 8 * 24 * time.Hour, want: "scaduto"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.clock.Set(h.clock.Now().Add(tc.advance))
			got := h.say(tc.user, tc.text)
			if len(got) != 1 || !strings.Contains(got[0].Plain, tc.want) {
				t.Fatalf("answers %q, want one containing %q", texts(got), tc.want)
			}
			for _, nw := range tc.notWants {
				if strings.Contains(got[0].Plain, nw) {
					t.Errorf("a stranger was told %q: %q", nw, got[0].Plain)
				}
			}
			b, err := h.st.BindingByUser(ctx, "prova", tc.user)
			switch {
			case tc.bound == "" && !errors.Is(err, store.ErrNotFound):
				t.Errorf("user %d bound to %q (%v), want no binding", tc.user, b.PersonID, err)
			case tc.bound != "" && (err != nil || b.PersonID != tc.bound || b.ChatID != tc.user):
				t.Errorf("binding of %d = %+v, %v; want %s", tc.user, b, err, tc.bound)
			}
		})
	}
}

func TestCommandMenuInBothLanguages(t *testing.T) {
	h := newHarness(t)
	names := func(lang string) string {
		var out []string
		for _, c := range h.fake.Commands(lang) {
			out = append(out, c.Command)
		}
		return strings.Join(out, " ")
	}
	if got, want := names(""), "start aiuto pendenti invia annulla storico fatto assente stato evento"; got != want {
		t.Errorf("Italian menu %q, want %q", got, want)
	}
	if got, want := names("en"), "start help pending submit cancel history done away status event"; got != want {
		t.Errorf("English menu %q, want %q", got, want)
	}
}
