package notify

import (
	"fmt"
	"html"
	"strings"
)

// Line is one item in a message, already in the reader's words.
type Line struct {
	Code      string // what to write when answering: "I-01.1", "I-01/3"
	Title     string // indicator description or phase text
	Objective string // objective id and title, short
	Period    string // "1° semestre 2024"
	Due       string // dd/mm/yyyy
	DaysLate  int    // working days late (0: not late)
	Target    string // target as written
	People    string // escalations: whose item it is
	Away      string // escalations: "Laura Gatti è assente fino al 20/08/2024"
	Phase     bool   // a phase (to mark done) rather than an indicator (to quantify)
}

// Batch is everything one person hears from one sweep, in one message.
type Batch struct {
	Lang      string
	Name      string
	Org       string
	Due       []Line // reminders: due soon or today
	Overdue   []Line // the person's own overdue items
	Escalated []Line // other people's overdue items the person should know
	// MoreEscalated counts escalated items beyond EscalatedMax, not listed.
	MoreEscalated int
	// HowTo says how to answer on this channel; "" for none.
	HowTo string
	// Formats are the forms to render (zero: all three). A channel reads
	// one or two of them, and a large plan renders tens of thousands of
	// long batches a year.
	Formats Format
}

// Format is a set of rendered forms of a message.
type Format uint8

// The forms a message is rendered in.
const (
	FormatText     Format = 1 << iota // plain text: console, e-mail
	FormatHTML                        // e-mail HTML part
	FormatTelegram                    // Telegram HTML
	FormatAll      = FormatText | FormatHTML | FormatTelegram
)

// EscalatedMax is how many of other people's overdue items one message
// lists; the rest are counted ("… e altre 40"), so that a coordinator told
// of a whole directorate's lateness gets a message readable on a phone,
// not hundreds of lines. `sollecito status` and the digests give the rest.
const EscalatedMax = 20

// Rendered is a message in the three forms channels use.
type Rendered struct {
	Subject string
	Text    string
	HTML    string // e-mail
	TGHTML  string // Telegram
}

type words struct {
	greeting, due, overdue, escalated, period, dueOn, late, target, people, phaseHint, subjectDue, subjectLate, subjectEsc, footer, more string
}

var dict = map[string]words{
	"it": {
		greeting:    "Buongiorno %s,",
		due:         "In scadenza",
		overdue:     "In ritardo",
		escalated:   "Da seguire (ritardi dei tuoi collaboratori)",
		period:      "periodo",
		dueOn:       "scadenza",
		late:        "%d giorni lavorativi di ritardo",
		target:      "target",
		people:      "referenti",
		phaseHint:   "fase: segnala quando è conclusa",
		subjectDue:  "Promemoria: %d scadenze",
		subjectLate: "Sollecito: %d scadenze superate",
		subjectEsc:  "Segnalazione: %d scadenze superate da seguire",
		more:        "… e altre %d scadenze superate (elenco completo: sollecito status)",
		footer:      "Messaggio automatico di Sollecito — %s.",
	},
	"en": {
		greeting:    "Hello %s,",
		due:         "Due soon",
		overdue:     "Overdue",
		escalated:   "To follow up (your staff's delays)",
		period:      "period",
		dueOn:       "due",
		late:        "%d working days late",
		target:      "target",
		people:      "assignees",
		phaseHint:   "phase: report when it is done",
		subjectDue:  "Reminder: %d deadlines",
		subjectLate: "Overdue: %d deadlines passed",
		subjectEsc:  "Escalation: %d overdue deadlines to follow up",
		more:        "… and %d more overdue deadlines (full list: sollecito status)",
		footer:      "Automatic message from Sollecito — %s.",
	},
}

func wordsFor(lang string) words {
	if w, ok := dict[lang]; ok {
		return w
	}
	return dict["it"]
}

// RenderBatch renders a batch message.
func RenderBatch(b Batch) Rendered {
	w := wordsFor(b.Lang)
	var subject string
	switch {
	case len(b.Overdue) > 0:
		subject = fmt.Sprintf(w.subjectLate, len(b.Overdue)+len(b.Due))
	case len(b.Due) > 0:
		subject = fmt.Sprintf(w.subjectDue, len(b.Due))
	default:
		subject = fmt.Sprintf(w.subjectEsc, len(b.Escalated)+b.MoreEscalated)
	}
	if b.Org != "" {
		subject += " — " + b.Org
	}
	sections := []struct {
		title string
		lines []Line
	}{{w.overdue, b.Overdue}, {w.due, b.Due}, {w.escalated, b.Escalated}}

	formats := b.Formats
	if formats == 0 {
		formats = FormatAll
	}
	// Each builder is sized once: a long batch would otherwise regrow it
	// many times, and a year of a large plan renders tens of thousands.
	n := len(b.Overdue) + len(b.Due) + len(b.Escalated)
	t := newForm(formats&FormatText != 0, 400+220*n)
	h := newForm(formats&FormatHTML != 0, 600+300*n)
	tg := newForm(formats&FormatTelegram != 0, 400+260*n)
	t.printf(w.greeting+"\n", b.Name)
	h.printf("<p>"+w.greeting+"</p>\n", html.EscapeString(b.Name))
	tg.printf(w.greeting+"\n", html.EscapeString(b.Name))
	escape := h.on || tg.on
	for _, s := range sections {
		if len(s.lines) == 0 {
			continue
		}
		t.printf("\n%s:\n", strings.ToUpper(s.title))
		h.printf("<h3>%s</h3>\n<ul>\n", html.EscapeString(s.title))
		tg.printf("\n<b>%s</b>\n", html.EscapeString(s.title))
		for _, l := range s.lines {
			details := lineDetails(l, w)
			t.write("- ", l.Code, ": ", l.Title, "\n  ", details, "\n")
			if escape {
				code, title, detailsHTML := html.EscapeString(l.Code), html.EscapeString(l.Title), html.EscapeString(details)
				h.write("<li><b>", code, "</b>: ", title, "<br><small>", detailsHTML, "</small></li>\n")
				tg.write("• <b>", code, "</b> ", title, "\n  <i>", detailsHTML, "</i>\n")
			}
		}
		if s.title == w.escalated && b.MoreEscalated > 0 {
			more := fmt.Sprintf(w.more, b.MoreEscalated)
			t.write("- ", more, "\n")
			h.write("<li><i>", html.EscapeString(more), "</i></li>\n")
			tg.write("• <i>", html.EscapeString(more), "</i>\n")
		}
		h.write("</ul>\n")
	}
	if b.HowTo != "" {
		t.printf("\n%s\n", b.HowTo)
		h.printf("<p>%s</p>\n", strings.ReplaceAll(html.EscapeString(b.HowTo), "\n", "<br>"))
		tg.printf("\n%s\n", html.EscapeString(b.HowTo))
	}
	footer := fmt.Sprintf(w.footer, b.Org)
	t.printf("\n-- \n%s\n", footer)
	h.printf("<p style=\"color:#666;font-size:small\">%s</p>\n", html.EscapeString(footer))
	return Rendered{Subject: subject, Text: t.String(), HTML: h.String(), TGHTML: tg.String()}
}

// form is one rendered form of a message; writes to a form not wanted
// are dropped.
type form struct {
	on bool
	strings.Builder
}

func newForm(on bool, size int) *form {
	f := &form{on: on}
	if on {
		f.Grow(size)
	}
	return f
}

func (f *form) printf(format string, args ...any) {
	if f.on {
		fmt.Fprintf(&f.Builder, format, args...)
	}
}

func (f *form) write(parts ...string) {
	if f.on {
		for _, p := range parts {
			f.WriteString(p)
		}
	}
}

// lineDetails is the second line of an item: objective, period, due
// date, lateness, target, people, joined by " · ".
func lineDetails(l Line, w words) string {
	var b strings.Builder
	b.Grow(len(l.Objective) + len(l.Period) + len(l.Target) + len(l.People) + len(l.Away) + 80)
	add := func(parts ...string) {
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	if l.Objective != "" {
		add(l.Objective)
	}
	if l.Period != "" {
		add(w.period, " ", l.Period)
	}
	if l.Due != "" {
		add(w.dueOn, " ", l.Due)
	}
	if l.DaysLate > 0 {
		add(fmt.Sprintf(w.late, l.DaysLate))
	}
	if l.Target != "" {
		add(w.target, " ", l.Target)
	}
	if l.People != "" {
		add(w.people, ": ", l.People)
	}
	if l.Away != "" {
		add(l.Away)
	}
	if l.Phase && l.People == "" {
		add(w.phaseHint)
	}
	return b.String()
}
