package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sollecito/store"
)

func TestCommands(t *testing.T) {
	h := newHarness(t)
	for p, u := range map[string]int64{"anna": uAnna, "bruno": uBruno, "carla": uCarla, "capo": uCapo, "coord": uCoord} {
		h.link(p, u)
	}
	// 05/08/2024: the first semester's values (due 31/07) are late.
	h.clock.Set(time.Date(2024, 8, 5, 10, 0, 0, 0, rome))

	tests := []struct {
		name   string
		user   int64
		text   string
		want   []string
		reject []string
	}{
		{name: "aiuto", user: uAnna, text: "/aiuto", want: []string{"/pendenti", "/invia", "/annulla", "/assente", "modifica il messaggio"}},
		{name: "help alias for an English speaker", user: uCarla, text: "/help", want: []string{"/pending", "/submit", "/cancel", "edit your message"}},
		{name: "English alias for an Italian speaker answers in Italian", user: uAnna, text: "/help", want: []string{"/pendenti"}},
		{name: "start without a code", user: uAnna, text: "/start", want: []string{"/pendenti"}},
		{name: "pendenti with due dates and days late", user: uAnna, text: "/pendenti",
			want:   []string{"I-01.1 1° semestre 2024", "I-01.2", "I-01.3", "I-01/1", "scadenza 31/07/2024", "in ritardo di"},
			reject: []string{"II-01.1"}},
		{name: "pending in English", user: uCarla, text: "/pending", want: []string{"II-01.1 1st half 2024", "due 31/07/2024", "working days late"},
			reject: []string{"Tempi di pagamento"}},
		{name: "unknown command", user: uAnna, text: "/boh", want: []string{"Comando sconosciuto"}},
		{name: "stato for a responsabile: own directorate only", user: uCapo, text: "/stato", want: []string{"I – Bilancio", "Anna Rossi"},
			reject: []string{"Personale", "II-01.1"}},
		{name: "stato for a coordinator: everything", user: uCoord, text: "/stato", want: []string{"I – Bilancio", "II – Personale", "Bruno Verdi"}},
		{name: "stato refused to staff", user: uAnna, text: "/stato", want: []string{"riservato"}, reject: []string{"Bilancio"}},
		{name: "evento refused to staff", user: uAnna, text: "/evento rendiconto 30/04/2024", want: []string{"riservato agli amministratori"}},
		{name: "evento by an administrator", user: uCoord, text: "/evento rendiconto 30/04/2024", want: []string{"rendiconto", "30/04/2024"}},
		{name: "evento with a bad date", user: uCoord, text: "/evento rendiconto ieri", want: []string{"Data non valida"}},
		{name: "assente without dates", user: uAnna, text: "/assente", want: []string{"/assente 01/08/2024-20/08/2024"}},
		{name: "assente in the past", user: uAnna, text: "/assente 01/01/2024-10/01/2024", want: []string{"già finita"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(h.say(tc.user, tc.text))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
			for _, r := range tc.reject {
				if strings.Contains(got, r) {
					t.Errorf("answer shows %q:\n%s", r, got)
				}
			}
		})
	}

	t.Run("evento recorded", func(t *testing.T) {
		evs, err := h.st.Events(context.Background(), "prova")
		must(t, err)
		if len(evs) != 1 || evs[0].Name != "rendiconto" || evs[0].Date != "2024-04-30" || evs[0].SetBy != "coord" {
			t.Fatalf("events = %+v", evs)
		}
	})
	t.Run("assente pauses reminders", func(t *testing.T) {
		got := texts(h.say(uAnna, "/assente 10/08/2024-20/08/2024"))
		if !strings.Contains(got, "dal 10/08/2024 al 20/08/2024") {
			t.Fatalf("answer %q", got)
		}
		p, err := h.st.GetPerson(context.Background(), "prova", "anna")
		must(t, err)
		if p.AwayFrom != "2024-08-10" || p.AwayTo != "2024-08-20" {
			t.Fatalf("away %s..%s", p.AwayFrom, p.AwayTo)
		}
		h.say(uAnna, "/assente no")
		p, _ = h.st.GetPerson(context.Background(), "prova", "anna")
		if p.AwayFrom != "" {
			t.Fatalf("absence not cancelled: %s", p.AwayFrom)
		}
	})
	t.Run("fatto marks my phase done with the date", func(t *testing.T) {
		ask := last(t, h.say(uAnna, "/fatto 02/08/2024"))
		if !strings.Contains(ask.Plain, "02/08/2024") || len(ask.Buttons()) != 1 {
			t.Fatalf("fatto asked %q with %d buttons", ask.Plain, len(ask.Buttons()))
		}
		got := texts(h.press(uAnna, ask, "I-01/1"))
		if !strings.Contains(got, "conclusa il 02/08/2024") {
			t.Fatalf("answer %q", got)
		}
		it, err := h.st.GetItem(context.Background(), "prova", "ph:I-01:1:2024")
		if err != nil {
			items, _ := h.st.Items(context.Background(), "prova")
			t.Fatalf("phase item: %v (items %+v)", err, items)
		}
		if it.State != store.StateDone || it.DoneOn != "2024-08-02" {
			t.Fatalf("phase %+v", it)
		}
		if got := texts(h.say(uAnna, "/pendenti")); strings.Contains(got, "I-01/1") {
			t.Errorf("a done phase is still pending:\n%s", got)
		}
	})
	t.Run("storico shows values and revisions", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.2")
		h.say(uAnna, "80%")
		confirm := last(t, h.fake.SentTo(uAnna))
		h.press(uAnna, confirm, "Sì")
		h.say(uAnna, "/invia I-01.2")
		h.say(uAnna, "95%")
		h.press(uAnna, last(t, h.fake.SentTo(uAnna)), "Sì")
		got := texts(h.say(uAnna, "/storico I-01.2"))
		for _, w := range []string{"1. 05/08/2024", "80%", "2. 05/08/2024", "95%", "telegram"} {
			if !strings.Contains(got, w) {
				t.Errorf("history lacks %q:\n%s", w, got)
			}
		}
		ask := last(t, h.say(uAnna, "/storico"))
		if len(ask.Buttons()) != 3 {
			t.Fatalf("storico offers %d indicators, want 3: %+v", len(ask.Buttons()), ask.Buttons())
		}
		if got := texts(h.press(uAnna, ask, "I-01.1")); !strings.Contains(got, "Nessun valore") {
			t.Errorf("history of an unanswered indicator: %q", got)
		}
	})
}

func TestAwayPausesRemindersAndShowsInEscalations(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.link("capo", uCapo)
	h.clock.Set(time.Date(2024, 7, 31, 12, 0, 0, 0, rome))
	if got := texts(h.say(uAnna, "/assente 01/08/2024 - 20/08/2024")); !strings.Contains(got, "dal 01/08/2024 al 20/08/2024") {
		t.Fatalf("assente answered %q", got)
	}
	before := len(h.fake.SentTo(uAnna))
	h.remind(time.Date(2024, 8, 12, 9, 0, 0, 0, rome))
	if got := h.fake.SentTo(uAnna)[before:]; len(got) != 0 {
		t.Errorf("anna, away, was reminded: %s", texts(got))
	}
	esc := texts(h.fake.SentTo(uCapo))
	if !strings.Contains(esc, "I-01.2") || !strings.Contains(esc, "Anna Rossi è assente fino al 20/08/2024") {
		t.Fatalf("the escalation does not say anna is away:\n%s", esc)
	}
}
