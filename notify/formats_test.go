package notify

import "testing"

// TestRenderOnlyTheFormsAsked: a batch or a digest rendered for one
// channel carries only the forms that channel sends, each the same as in
// the full rendering.
func TestRenderOnlyTheFormsAsked(t *testing.T) {
	batch := Batch{Lang: "it", Name: "Anna", Org: "Provincia di Prova", HowTo: "Rispondi <qui>",
		Due:       []Line{{Code: "I-01.1", Title: "Tempi <di> pagamento", Period: "1° semestre 2024", Due: "31/07/2024"}},
		Escalated: []Line{{Code: "I-02.1", Title: "Pratiche", Due: "31/07/2024", DaysLate: 3, People: "Bruno"}}, MoreEscalated: 4}
	digest := Digest{Lang: "it", Name: "Carla", Org: "Provincia di Prova", Date: "12/08/2024", Since: "05/08/2024 08:30",
		Directorates: []DigestDirectorate{{Code: "I", Name: "Bilancio", Services: []DigestService{{Name: "Tributi",
			Overdue: []DigestItem{{Code: "I-01.1", Title: "Tempi", Due: "31/07/2024", DaysLate: 8, People: "Anna"}}, MoreOverdue: 2}}}}}
	render := func(f Format) (Rendered, Rendered) {
		b, d := batch, digest
		b.Formats, d.Formats = f, f
		return RenderBatch(b), RenderDigest(d)
	}
	fullBatch, fullDigest := render(0)
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
			b, d := render(tc.formats)
			for _, got := range []struct {
				kind    string
				r, full Rendered
			}{{"batch", b, fullBatch}, {"digest", d, fullDigest}} {
				check := func(form string, on bool, have, want string) {
					if on && have != want {
						t.Errorf("%s %s differs from the full rendering:\n%s\nwant\n%s", got.kind, form, have, want)
					}
					if !on && have != "" {
						t.Errorf("%s %s rendered though not asked for", got.kind, form)
					}
				}
				check("text", tc.text, got.r.Text, got.full.Text)
				check("HTML", tc.html, got.r.HTML, got.full.HTML)
				check("Telegram HTML", tc.telegram, got.r.TGHTML, got.full.TGHTML)
				if got.r.Subject != got.full.Subject {
					t.Errorf("%s subject %q, want %q", got.kind, got.r.Subject, got.full.Subject)
				}
			}
		})
	}
}
