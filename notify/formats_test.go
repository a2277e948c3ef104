package notify

import "testing"

// TestRenderBatchOnlyTheFormsAsked: a batch rendered for one channel
// carries only the forms that channel sends, each the same as in the full
// rendering (batches are rendered when sent, for the channel they go to).
func TestRenderBatchOnlyTheFormsAsked(t *testing.T) {
	batch := Batch{Lang: "it", Name: "Anna", Org: "Provincia di Prova", HowTo: "Rispondi <qui>",
		Due:       []Line{{Code: "I-01.1", Title: "Tempi <di> pagamento", Period: "1° semestre 2024", Due: "31/07/2024"}},
		Escalated: []Line{{Code: "I-02.1", Title: "Pratiche", Due: "31/07/2024", DaysLate: 3, People: "Bruno"}}, MoreEscalated: 4}
	full := RenderBatch(batch)
	for _, tc := range []struct {
		name                 string
		formats              Format
		text, html, telegram bool
	}{
		{"console", FormatText, true, false, false},
		{"e-mail", FormatText | FormatHTML, true, true, false},
		{"Telegram", FormatTelegram, false, false, true},
		{"all", FormatAll, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := batch
			b.Formats = tc.formats
			r := RenderBatch(b)
			check := func(form string, on bool, have, want string) {
				if on && have != want {
					t.Errorf("%s differs from the full rendering:\n%s\nwant\n%s", form, have, want)
				}
				if !on && have != "" {
					t.Errorf("%s rendered though not asked for", form)
				}
			}
			check("text", tc.text, r.Text, full.Text)
			check("HTML", tc.html, r.HTML, full.HTML)
			check("Telegram HTML", tc.telegram, r.TGHTML, full.TGHTML)
			if r.Subject != full.Subject {
				t.Errorf("subject %q, want %q", r.Subject, full.Subject)
			}
		})
	}
}
