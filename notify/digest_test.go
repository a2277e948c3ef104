package notify

import (
	"strings"
	"testing"
)

func TestRenderDigestEscapesWhatPeopleWrote(t *testing.T) {
	d := Digest{Lang: "it", Name: "Ufficio <Controllo> & Co", Org: "Comune di Prova", Date: "12/08/2024", Since: "05/08/2024 08:30",
		Directorates: []DigestDirectorate{{Code: "I", Name: "Bilancio", Services: []DigestService{{
			Name:     "Tributi",
			Received: []DigestValue{{Code: "I-01.1", Title: "Pratiche <urgenti>", Period: "1° semestre 2024", Value: "3 (vedi <allegato> & note)", By: "Anna", At: "06/08/2024 10:00", Target: "almeno 5", Verdict: VerdictOff}},
		}}}}}
	r := RenderDigest(d)
	for name, body := range map[string]string{"e-mail HTML": r.HTML, "Telegram": r.TGHTML} {
		if strings.Contains(body, "<urgenti>") || strings.Contains(body, "<allegato>") || strings.Contains(body, "<Controllo>") {
			t.Errorf("%s carries unescaped text:\n%s", name, body)
		}
		if !strings.Contains(body, "&lt;allegato&gt; &amp; note") {
			t.Errorf("%s lost the escaped value:\n%s", name, body)
		}
	}
	// Telegram accepts only a few tags, without attributes.
	for _, bad := range []string{"style=", "<li", "<h2", "<div", "<ul", "<small", "<span", "<p>"} {
		if strings.Contains(r.TGHTML, bad) {
			t.Errorf("Telegram HTML has %q, which Telegram rejects:\n%s", bad, r.TGHTML)
		}
	}
	if !strings.Contains(r.Text, "3 (vedi <allegato> & note) ⚠ FUORI TARGET — target: almeno 5") {
		t.Errorf("plain text:\n%s", r.Text)
	}
}

func TestDigestEmptiness(t *testing.T) {
	away := Digest{Away: []string{"Anna Rossi (fino al 20/08/2024)"}}
	cases := []struct {
		name  string
		d     Digest
		empty bool
	}{
		{"nothing at all", Digest{}, true},
		{"only people away", away, true},
		{"a service with nothing in it", Digest{Directorates: []DigestDirectorate{{Code: "I", Services: []DigestService{{Name: "Tributi"}}}}}, true},
		{"one overdue deadline", Digest{Directorates: []DigestDirectorate{{Code: "I", Services: []DigestService{{Overdue: []DigestItem{{Code: "I-01.1"}}}}}}}, false},
		{"one value", Digest{Directorates: []DigestDirectorate{{Code: "I", Services: []DigestService{{Received: []DigestValue{{Code: "I-01.1"}}}}}}}, false},
		{"one phase awaiting an event", Digest{Directorates: []DigestDirectorate{{Code: "I", Services: []DigestService{{Awaiting: []DigestItem{{Code: "I-01/1"}}}}}}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.d.Empty(); got != c.empty {
				t.Errorf("Empty() = %v, want %v", got, c.empty)
			}
		})
	}
}

func TestDigestCountsWhatItDoesNotList(t *testing.T) {
	d := Digest{Lang: "it", Name: "Carla", Org: "Provincia di Prova", Date: "05/08/2024", Since: "29/07/2024 08:30",
		Directorates: []DigestDirectorate{{Code: "I", Name: "Bilancio", Services: []DigestService{{
			Name:        "Contabilità",
			Overdue:     []DigestItem{{Code: "I-01.1", Title: "Tempi", Due: "31/07/2024", DaysLate: 3}},
			MoreOverdue: 14,
		}}}}}
	if c := d.Counts(); c.Overdue != 15 {
		t.Fatalf("counts = %+v, want 15 overdue (1 listed, 14 more)", c)
	}
	r := RenderDigest(d)
	for _, part := range []string{r.Text, r.HTML, r.TGHTML} {
		if !strings.Contains(part, "… e altre 14") {
			t.Errorf("the unlisted 14 are not mentioned:\n%s", part)
		}
	}
	d.Lang = "en"
	if r := RenderDigest(d); !strings.Contains(r.Text, "… and 14 more") {
		t.Errorf("English:\n%s", r.Text)
	}
}
