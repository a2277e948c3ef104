package telegram_test

import (
	"strings"
	"testing"
	"time"

	"sollecito/bot/tgfake"
)

func TestGuidedDialogue(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.link("carla", uCarla)

	t.Run("choose, type, confirm", func(t *testing.T) {
		choose := last(t, h.say(uAnna, "/invia"))
		if n := len(choose.Buttons()); n != 3 {
			t.Fatalf("/invia offers %d indicators, want 3 (anna's): %+v", n, choose.Buttons())
		}
		ask := texts(h.press(uAnna, choose, "I-01.2"))
		if !strings.Contains(ask, "Certificazioni corrette") || !strings.Contains(ask, "almeno 90%") || !strings.Contains(ask, "Scrivi il valore") {
			t.Fatalf("prompt %q", ask)
		}
		confirm := last(t, h.say(uAnna, "92,5% - due pratiche sospese"))
		if !strings.Contains(confirm.Plain, "92,5%") || !strings.Contains(confirm.Plain, "Confermi") {
			t.Fatalf("confirmation %q", confirm.Plain)
		}
		if len(h.history("I-01.2")) != 0 {
			t.Fatal("a value was stored before confirmation")
		}
		got := texts(h.press(uAnna, confirm, "Sì"))
		for _, w := range []string{"Registrato I-01.2", "1° semestre 2024", "92,5%", "almeno 90%", "raggiunto", "Per correggere"} {
			if !strings.Contains(got, w) {
				t.Errorf("receipt lacks %q:\n%s", w, got)
			}
		}
		hist := h.history("I-01.2")
		if len(hist) != 1 || *hist[0].Number != 92.5 || hist[0].Note != "due pratiche sospese" || hist[0].ByPerson != "anna" || hist[0].Channel != "telegram" {
			t.Fatalf("stored %+v", hist)
		}
		if len(h.fake.Unanswered()) != 0 {
			t.Errorf("callback queries left spinning: %v", h.fake.Unanswered())
		}
	})

	t.Run("refused value says why and asks again", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.2")
		got := texts(h.say(uAnna, "150%"))
		if !strings.Contains(got, "❌") || !strings.Contains(got, "100") {
			t.Fatalf("refusal %q", got)
		}
		confirm := last(t, h.say(uAnna, "88%"))
		h.press(uAnna, confirm, "Sì")
		got = texts(h.fake.SentTo(uAnna)[len(h.fake.SentTo(uAnna))-1:])
		if !strings.Contains(got, "non raggiunto") || !strings.Contains(got, "Revisione 2") {
			t.Fatalf("receipt %q", got)
		}
	})

	t.Run("refused days: a negative count", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.1")
		if got := texts(h.say(uAnna, "-3 giorni")); !strings.Contains(got, "❌") {
			t.Fatalf("negative days accepted: %q", got)
		}
		h.say(uAnna, "/annulla")
	})

	t.Run("annulla leaves without storing", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.1")
		confirm := last(t, h.say(uAnna, "25"))
		if got := texts(h.say(uAnna, "/annulla")); !strings.Contains(got, "annullata") {
			t.Fatalf("annulla answered %q", got)
		}
		if got := texts(h.press(uAnna, confirm, "Sì")); got != "" {
			t.Fatalf("a stale confirmation answered %q in the chat", got)
		}
		answers := h.fake.Calls("answerCallbackQuery")
		if n := len(answers); n == 0 || !strings.Contains(answers[n-1].Params["text"], "Nessuna procedura") {
			t.Fatalf("a stale confirmation got no notice on the button: %+v", answers)
		}
		if n := len(h.history("I-01.1")); n != 0 {
			t.Fatalf("%d values stored after /annulla", n)
		}
	})

	t.Run("no confirmation keeps nothing", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.1")
		confirm := last(t, h.say(uAnna, "25"))
		if got := texts(h.press(uAnna, confirm, "No")); !strings.Contains(got, "nessun valore") {
			t.Fatalf("No answered %q", got)
		}
		if n := len(h.history("I-01.1")); n != 0 {
			t.Fatalf("%d values stored after No", n)
		}
	})

	t.Run("a dialogue left half-way expires", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.1")
		h.clock.Set(h.clock.Now().Add(31 * time.Minute))
		got := texts(h.say(uAnna, "25"))
		if !strings.Contains(got, "scaduta") {
			t.Fatalf("late answer got %q", got)
		}
		if n := len(h.history("I-01.1")); n != 0 {
			t.Fatalf("%d values stored after expiry", n)
		}
	})

	t.Run("editing the value before confirming", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.1")
		typed := h.fake.SendText(uAnna, uAnna, "40")
		must(t, h.fake.WaitConfirmed(ctxT(t), typed.UpdateID))
		confirm := last(t, h.do(uAnna, func() tgfake.Update { return h.fake.Edit(uAnna, uAnna, typed.Message.MessageID, "14") }))
		if !strings.Contains(confirm.Plain, "14 giorni") {
			t.Fatalf("after the edit the bot asked %q", confirm.Plain)
		}
		h.press(uAnna, confirm, "Sì")
		if hist := h.history("I-01.1"); len(hist) != 1 || *hist[0].Number != 14 {
			t.Fatalf("stored %+v", hist)
		}
	})

	t.Run("English speaker", func(t *testing.T) {
		if got := texts(h.say(uCarla, "/submit")); !strings.Contains(got, "Write the value") {
			t.Fatalf("with one indicator /submit should ask its value at once: %q", got)
		}
		confirm := last(t, h.say(uCarla, "91.5%"))
		if !strings.Contains(confirm.Plain, "Confirm?") {
			t.Fatalf("confirmation %q", confirm.Plain)
		}
		got := texts(h.press(uCarla, confirm, "Yes"))
		if !strings.Contains(got, "Recorded II-01.1") || !strings.Contains(got, "met ✅") || !strings.Contains(got, "1st half 2024") {
			t.Fatalf("receipt %q", got)
		}
	})
}

func TestRatioEntry(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	got := texts(h.say(uAnna, "/invia I-01.3"))
	if !strings.Contains(got, "numeratore") || !strings.Contains(got, "pratiche evase nel semestre") {
		t.Fatalf("numerator prompt %q", got)
	}
	if got := texts(h.say(uAnna, "quaranta")); !strings.Contains(got, "❌") || !strings.Contains(got, "pratiche evase nel semestre") {
		t.Fatalf("a word accepted as numerator: %q", got)
	}
	got = texts(h.say(uAnna, "45"))
	if !strings.Contains(got, "denominatore") || !strings.Contains(got, "pratiche ricevute nel semestre") {
		t.Fatalf("denominator prompt %q", got)
	}
	confirm := last(t, h.say(uAnna, "50"))
	if !strings.Contains(confirm.Plain, "90%") {
		t.Fatalf("confirmation %q", confirm.Plain)
	}
	got = texts(h.press(uAnna, confirm, "Sì"))
	if !strings.Contains(got, "almeno 80%") || !strings.Contains(got, "raggiunto") {
		t.Fatalf("receipt %q", got)
	}
	hist := h.history("I-01.3")
	if len(hist) != 1 || *hist[0].Number != 90 || *hist[0].Numerator != 45 || *hist[0].Denominator != 50 {
		t.Fatalf("stored %+v", hist)
	}

	t.Run("not applicable needs no counts", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.3")
		confirm := last(t, h.say(uAnna, "n.a. - nessuna pratica ricevuta"))
		if !strings.Contains(confirm.Plain, "Confermi") {
			t.Fatalf("n.a. answered %q", confirm.Plain)
		}
		h.press(uAnna, confirm, "Sì")
		hist := h.history("I-01.3")
		if len(hist) != 2 || !hist[1].NA || hist[1].Reason != "nessuna pratica ricevuta" {
			t.Fatalf("stored %+v", hist)
		}
	})
	t.Run("numerator above denominator is refused", func(t *testing.T) {
		h.say(uAnna, "/invia I-01.3")
		h.say(uAnna, "60")
		got := texts(h.say(uAnna, "50"))
		if !strings.Contains(got, "❌") || !strings.Contains(got, "non può superare") || !strings.Contains(got, "di nuovo il numeratore") {
			t.Fatalf("60/50 answered %q", got)
		}
		if got := texts(h.say(uAnna, "40")); !strings.Contains(got, "denominatore") {
			t.Fatalf("the dialogue did not start again from the numerator: %q", got)
		}
	})
}

// sentReminder returns the last reminder the bot sent to chat.
func sentReminder(t testing.TB, h *harness, chat int64) tgfake.SentMessage {
	t.Helper()
	for _, m := range h.fake.SentTo(chat) {
		if strings.Contains(strings.ToLower(m.Plain), "rispondi a questo messaggio") {
			return m
		}
	}
	t.Fatalf("no reminder sent to %d: %s", chat, texts(h.fake.SentTo(chat)))
	return tgfake.SentMessage{}
}

func TestReplyToReminder(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.link("bruno", uBruno)
	h.remind(time.Date(2024, 7, 31, 9, 0, 0, 0, rome))
	one := sentReminder(t, h, uBruno)
	several := sentReminder(t, h, uAnna)

	t.Run("one item: the reply is its value", func(t *testing.T) {
		got := texts(h.do(uBruno, func() tgfake.Update { return h.fake.Reply(uBruno, uBruno, one.MessageID, "85%") }))
		if !strings.Contains(got, "Registrato II-01.1") || !strings.Contains(got, "non raggiunto") {
			t.Fatalf("receipt %q", got)
		}
		if hist := h.history("II-01.1"); len(hist) != 1 || *hist[0].Number != 85 {
			t.Fatalf("stored %+v", hist)
		}
	})
	t.Run("several items: asks which", func(t *testing.T) {
		ask := last(t, h.do(uAnna, func() tgfake.Update { return h.fake.Reply(uAnna, uAnna, several.MessageID, "97%") }))
		if !strings.Contains(ask.Plain, "a quale") || len(ask.Buttons()) != 3 {
			t.Fatalf("question %q with %d buttons", ask.Plain, len(ask.Buttons()))
		}
		got := texts(h.press(uAnna, ask, "I-01.2"))
		if !strings.Contains(got, "Registrato I-01.2") || !strings.Contains(got, "97%") {
			t.Fatalf("receipt %q", got)
		}
	})
	t.Run("several items: one line per code", func(t *testing.T) {
		got := texts(h.do(uAnna, func() tgfake.Update {
			return h.fake.Reply(uAnna, uAnna, several.MessageID, "I-01.1: 21 giorni\nI-01.3: 40/50")
		}))
		if !strings.Contains(got, "Registrato I-01.1") || !strings.Contains(got, "Registrato I-01.3") {
			t.Fatalf("receipts %q", got)
		}
		if hist := h.history("I-01.3"); len(hist) != 1 || *hist[0].Number != 80 {
			t.Fatalf("ratio stored %+v", hist)
		}
	})
	t.Run("an edited reply is a revision, once", func(t *testing.T) {
		u := h.fake.Reply(uBruno, uBruno, one.MessageID, "70%")
		must(t, h.fake.WaitConfirmed(ctxT(t), u.UpdateID))
		got := texts(h.do(uBruno, func() tgfake.Update { return h.fake.Edit(uBruno, uBruno, u.Message.MessageID, "75%") }))
		if !strings.Contains(got, "75%") || !strings.Contains(got, "Revisione 3") {
			t.Fatalf("revision receipt %q", got)
		}
		edit, _ := h.fake.Message(uBruno, u.Message.MessageID)
		again := texts(h.do(uBruno, func() tgfake.Update { return h.fake.Push(tgfake.Update{EditedMessage: &edit}) }))
		if again != "" {
			t.Fatalf("the same edit delivered again was answered %q", again)
		}
		hist := h.history("II-01.1")
		if len(hist) != 3 || *hist[2].Number != 75 || *hist[1].Number != 70 {
			t.Fatalf("history %+v", hist)
		}
	})
	t.Run("an edited chatter message changes nothing", func(t *testing.T) {
		u := h.fake.SendText(uBruno, uBruno, "ciao")
		must(t, h.fake.WaitConfirmed(ctxT(t), u.UpdateID))
		if got := h.do(uBruno, func() tgfake.Update { return h.fake.Edit(uBruno, uBruno, u.Message.MessageID, "50%") }); len(got) != 0 {
			t.Fatalf("edit answered %q", texts(got))
		}
		if n := len(h.history("II-01.1")); n != 3 {
			t.Fatalf("%d revisions, want 3", n)
		}
	})
}

func TestNobodySeesOrChangesAnothersItems(t *testing.T) {
	h := newHarness(t)
	h.link("anna", uAnna)
	h.link("bruno", uBruno)
	h.remind(time.Date(2024, 7, 31, 9, 0, 0, 0, rome))
	annaAsk := last(t, h.say(uAnna, "/invia"))
	var annaData string
	for _, b := range annaAsk.Buttons() {
		if strings.Contains(b.Text, "I-01.2") {
			annaData = b.CallbackData
		}
	}
	bruno := last(t, h.say(uBruno, "/pendenti"))
	tests := []struct {
		name string
		act  func() []tgfake.SentMessage
		want string
	}{
		{"pending lists only mine", func() []tgfake.SentMessage { return h.say(uBruno, "/pendenti") }, "II-01.1"},
		{"another's button data", func() []tgfake.SentMessage {
			return h.do(uBruno, func() tgfake.Update { return h.fake.Press(uBruno, uBruno, bruno.MessageID, annaData) })
		}, ""},
		{"submit naming another's code", func() []tgfake.SentMessage { return h.say(uBruno, "/invia I-01.2") }, "II-01.1"},
		{"history naming another's code", func() []tgfake.SentMessage { return h.say(uBruno, "/storico I-01.2") }, "II-01.1"},
		{"reply line naming another's code", func() []tgfake.SentMessage {
			return h.do(uBruno, func() tgfake.Update {
				return h.fake.Reply(uBruno, uBruno, sentReminder(t, h, uBruno).MessageID, "I-01.2: 10%")
			})
		}, "non è tra i tuoi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(tc.act())
			if strings.Contains(got, "Certificazioni") || strings.Contains(got, "I-01.2 ") || strings.Contains(got, "Registrato I-01.2") {
				t.Fatalf("bruno was shown anna's item:\n%s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("answer lacks %q:\n%s", tc.want, got)
			}
		})
	}
	t.Run("reply to an escalation about another's items", func(t *testing.T) {
		h.link("capo", uCapo)
		h.remind(time.Date(2024, 8, 12, 9, 0, 0, 0, rome))
		var esc tgfake.SentMessage
		for _, m := range h.fake.SentTo(uCapo) {
			if strings.Contains(m.Plain, "I-01.2") {
				esc = m
			}
		}
		if esc.MessageID == 0 {
			t.Fatalf("capo got no escalation: %s", texts(h.fake.SentTo(uCapo)))
		}
		got := texts(h.do(uCapo, func() tgfake.Update { return h.fake.Reply(uCapo, uCapo, esc.MessageID, "50%") }))
		if strings.Contains(got, "Registrato") || !strings.Contains(got, "/invia") {
			t.Fatalf("a reply to an escalation answered %q", got)
		}
	})
	if n := len(h.history("I-01.2")); n != 0 {
		t.Fatalf("someone changed anna's indicator: %d values", n)
	}
	if len(h.fake.Unanswered()) != 0 {
		t.Errorf("callback queries left spinning: %v", h.fake.Unanswered())
	}
}
