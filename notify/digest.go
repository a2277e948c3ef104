package notify

import (
	"fmt"
	"html"
	"strings"
)

// DigestItem is an overdue deadline, or one awaiting an event date, in a
// digest.
type DigestItem struct {
	Code     string // "I-01.1", "I-01/3"
	Title    string
	Period   string // "1° semestre 2024", or the phase rule
	Due      string // dd/mm/yyyy; "" while awaiting an event
	DaysLate int    // working days late
	People   string // assignees' names
	Event    string // the event an awaiting phase needs ("rendiconto")
}

// Verdicts of a value against its target.
const (
	VerdictMet     = "met"
	VerdictOff     = "off"
	VerdictUnknown = "" // target not machine-readable, or value not comparable
)

// DigestValue is a value received since the recipient's last digest.
type DigestValue struct {
	Code     string
	Title    string
	Period   string
	Value    string // as people read it: "92,5% — due corsi rinviati"
	By       string // sender's name
	At       string // dd/mm/yyyy hh:mm
	Target   string // target as written
	Revision int    // >1: a correction of an earlier value
	Verdict  string // VerdictMet, VerdictOff or VerdictUnknown
}

// DigestListMax is how many entries of each kind a digest lists for one
// service; the rest are counted ("… e altre 12"), so that a digest stays
// readable on a phone. `sollecito status` and `report` give everything.
const DigestListMax = 10

// DigestService is what a digest says about one service. The More* counts
// are entries beyond DigestListMax, not listed.
type DigestService struct {
	Name                                    string
	Overdue                                 []DigestItem
	Received                                []DigestValue
	Awaiting                                []DigestItem
	MoreOverdue, MoreReceived, MoreAwaiting int
}

// DigestDirectorate groups a digest's services under their directorate.
type DigestDirectorate struct {
	Code     string
	Name     string
	Services []DigestService
}

// Digest is one person's periodic summary: for coordinators every
// directorate, for a dirigente their own.
type Digest struct {
	Lang         string
	Name         string // recipient
	Org          string // organisation name
	Date         string // dd/mm/yyyy of the digest
	Since        string // dd/mm/yyyy hh:mm: values received after it are listed
	Directorates []DigestDirectorate
	Away         []string // "Anna Rossi (fino al 20/08/2024)"
}

// DigestCounts sums what a digest says.
type DigestCounts struct {
	Overdue, Received, OffTarget, Awaiting int
}

// Counts returns how many overdue deadlines, values (and off-target ones)
// and awaiting deadlines d lists.
func (d Digest) Counts() DigestCounts {
	var c DigestCounts
	for _, dir := range d.Directorates {
		for _, s := range dir.Services {
			c.Overdue += len(s.Overdue) + s.MoreOverdue
			c.Received += len(s.Received) + s.MoreReceived
			c.Awaiting += len(s.Awaiting) + s.MoreAwaiting
			for _, v := range s.Received {
				if v.Verdict == VerdictOff {
					c.OffTarget++
				}
			}
		}
	}
	return c
}

// Empty reports whether the digest has nothing to say: nothing overdue,
// no value received, nothing awaiting an event. People away alone are not
// worth a message.
func (d Digest) Empty() bool {
	c := d.Counts()
	return c.Overdue+c.Received+c.Awaiting == 0
}

type digestWords struct {
	subject, intro, summary, overdue, received, awaiting, away, service, directorate string
	late, due, people, event, target, by, revision, met, off, footer, none, more     string
	nOverdue, nReceived, nOff, nAwaiting                                             [2]string
}

var digestDict = map[string]digestWords{
	"it": {
		subject:     "Riepilogo del %s",
		intro:       "ecco il riepilogo del %s.",
		summary:     "In sintesi",
		overdue:     "Scadenze superate",
		received:    "Valori ricevuti dal %s",
		awaiting:    "In attesa della data di un evento",
		away:        "Persone assenti",
		service:     "Servizio",
		directorate: "D.O.",
		late:        "%d giorni lavorativi di ritardo",
		due:         "scadenza",
		people:      "referenti",
		event:       "evento",
		target:      "target",
		by:          "da %s il %s",
		revision:    "correzione (revisione %d)",
		met:         "in target",
		off:         "FUORI TARGET",
		footer:      "Messaggio automatico di Sollecito — %s.",
		none:        "(senza servizio)",
		nOverdue:    [2]string{"%d scadenza superata", "%d scadenze superate"},
		nReceived:   [2]string{"%d valore ricevuto", "%d valori ricevuti"},
		nOff:        [2]string{"%d fuori target", "%d fuori target"},
		nAwaiting:   [2]string{"%d in attesa di un evento", "%d in attesa di un evento"},
		more:        "… e altre %d (elenco completo: sollecito status, sollecito report)",
	},
	"en": {
		subject:     "Summary of %s",
		intro:       "here is the summary of %s.",
		summary:     "At a glance",
		overdue:     "Overdue deadlines",
		received:    "Values received since %s",
		awaiting:    "Awaiting an event date",
		away:        "People away",
		service:     "Service",
		directorate: "Directorate",
		late:        "%d working days late",
		due:         "due",
		people:      "assignees",
		event:       "event",
		target:      "target",
		by:          "from %s on %s",
		revision:    "correction (revision %d)",
		met:         "on target",
		off:         "OFF TARGET",
		footer:      "Automatic message from Sollecito — %s.",
		none:        "(no service)",
		nOverdue:    [2]string{"%d overdue deadline", "%d overdue deadlines"},
		nReceived:   [2]string{"%d value received", "%d values received"},
		nOff:        [2]string{"%d off target", "%d off target"},
		nAwaiting:   [2]string{"%d awaiting an event", "%d awaiting an event"},
		more:        "… and %d more (full list: sollecito status, sollecito report)",
	},
}

func digestWordsFor(lang string) digestWords {
	if w, ok := digestDict[lang]; ok {
		return w
	}
	return digestDict["it"]
}

func plural(forms [2]string, n int) string {
	if n == 1 {
		return fmt.Sprintf(forms[0], n)
	}
	return fmt.Sprintf(forms[1], n)
}

// summaryLine says in one line what the digest holds.
func (w digestWords) summaryLine(c DigestCounts) string {
	var parts []string
	if c.Overdue > 0 {
		parts = append(parts, plural(w.nOverdue, c.Overdue))
	}
	if c.Received > 0 {
		p := plural(w.nReceived, c.Received)
		if c.OffTarget > 0 {
			p += " (" + plural(w.nOff, c.OffTarget) + ")"
		}
		parts = append(parts, p)
	}
	if c.Awaiting > 0 {
		parts = append(parts, plural(w.nAwaiting, c.Awaiting))
	}
	return strings.Join(parts, " · ")
}

// digestWriter renders the same structure as text, e-mail HTML and
// Telegram HTML side by side.
type digestWriter struct {
	t, h, tg strings.Builder
}

func esc(s string) string { return html.EscapeString(s) }

// RenderDigest renders a digest: a plain text readable on a phone, an
// e-mail HTML part with the same content, and Telegram HTML (the Telegram
// channel splits it when it is longer than a message).
func RenderDigest(d Digest) Rendered {
	w := digestWordsFor(d.Lang)
	c := d.Counts()
	subject := fmt.Sprintf(w.subject, d.Date) + ": " + w.summaryLine(c)
	if d.Org != "" {
		subject += " — " + d.Org
	}
	var o digestWriter
	greeting := wordsFor(d.Lang).greeting
	intro := fmt.Sprintf(w.intro, d.Date)
	fmt.Fprintf(&o.t, greeting+"\n%s\n\n%s: %s\n", d.Name, intro, w.summary, w.summaryLine(c))
	o.h.WriteString(`<div style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.4;max-width:640px">` + "\n")
	fmt.Fprintf(&o.h, "<p>"+greeting+"<br>%s</p>\n<p><b>%s:</b> %s</p>\n", esc(d.Name), esc(intro), esc(w.summary), esc(w.summaryLine(c)))
	fmt.Fprintf(&o.tg, greeting+"\n%s\n\n<b>%s:</b> %s\n", esc(d.Name), esc(intro), esc(w.summary), esc(w.summaryLine(c)))
	for _, dir := range d.Directorates {
		title := w.directorate + " " + dir.Code
		if dir.Name != "" {
			title += " — " + dir.Name
		}
		fmt.Fprintf(&o.t, "\n== %s ==\n", title)
		fmt.Fprintf(&o.h, "<h2 style=\"font-size:18px;border-bottom:2px solid #1f4e79;color:#1f4e79;margin:20px 0 6px\">%s</h2>\n", esc(title))
		fmt.Fprintf(&o.tg, "\n<b>▌%s</b>\n", esc(title))
		for _, s := range dir.Services {
			o.service(w, d.Since, s)
		}
	}
	if len(d.Away) > 0 {
		fmt.Fprintf(&o.t, "\n%s:\n", w.away)
		fmt.Fprintf(&o.h, "<h3 style=\"font-size:16px;margin:16px 0 4px\">%s</h3>\n<ul style=\"padding-left:20px;margin:0\">\n", esc(w.away))
		fmt.Fprintf(&o.tg, "\n<b>%s</b>\n", esc(w.away))
		for _, a := range d.Away {
			fmt.Fprintf(&o.t, "- %s\n", a)
			fmt.Fprintf(&o.h, "<li>%s</li>\n", esc(a))
			fmt.Fprintf(&o.tg, "• %s\n", esc(a))
		}
		o.h.WriteString("</ul>\n")
	}
	footer := fmt.Sprintf(w.footer, d.Org)
	fmt.Fprintf(&o.t, "\n-- \n%s\n", footer)
	fmt.Fprintf(&o.h, "<p style=\"color:#666;font-size:small\">%s</p>\n</div>\n", esc(footer))
	return Rendered{Subject: subject, Text: o.t.String(), HTML: o.h.String(), TGHTML: o.tg.String()}
}

func (o *digestWriter) service(w digestWords, since string, s DigestService) {
	name := s.Name
	if name == "" {
		name = w.none
	} else {
		name = w.service + " " + name
	}
	fmt.Fprintf(&o.t, "\n%s\n", name)
	fmt.Fprintf(&o.h, "<h3 style=\"font-size:16px;margin:14px 0 4px\">%s</h3>\n", esc(name))
	fmt.Fprintf(&o.tg, "\n<u>%s</u>\n", esc(name))
	if len(s.Overdue) > 0 {
		o.heading(w.overdue)
		for _, it := range s.Overdue {
			var d []string
			if it.Period != "" {
				d = append(d, it.Period)
			}
			d = append(d, w.due+" "+it.Due, fmt.Sprintf(w.late, it.DaysLate))
			var people []string
			if it.People != "" {
				people = append(people, w.people+": "+it.People)
			}
			o.entry(it.Code, it.Title, [3]string{}, d, people)
		}
		o.more(w, s.MoreOverdue)
		o.end()
	}
	if len(s.Received) > 0 {
		o.heading(fmt.Sprintf(w.received, since))
		for _, v := range s.Received {
			mark, markHTML, markTG := "", "", ""
			switch v.Verdict {
			case VerdictOff:
				mark = " ⚠ " + w.off + " — " + w.target + ": " + v.Target
				markHTML = ` <b style="color:#b00020">⚠ ` + esc(w.off) + "</b> — " + esc(w.target+": "+v.Target)
				markTG = " ⚠ <b>" + esc(w.off) + "</b> — " + esc(w.target+": "+v.Target)
			case VerdictMet:
				mark = " ✓ " + w.met
				markHTML = ` <span style="color:#1b5e20">✓ ` + esc(w.met) + "</span>"
				markTG = " ✓ " + esc(w.met)
			}
			d := []string{v.Period, fmt.Sprintf(w.by, v.By, v.At)}
			if v.Revision > 1 {
				d = append(d, fmt.Sprintf(w.revision, v.Revision))
			}
			o.entry(v.Code, v.Title, [3]string{v.Value + mark, esc(v.Value) + markHTML, esc(v.Value) + markTG}, d, nil)
		}
		o.more(w, s.MoreReceived)
		o.end()
	}
	if len(s.Awaiting) > 0 {
		o.heading(w.awaiting)
		for _, it := range s.Awaiting {
			d := []string{w.event + ": " + it.Event}
			if it.Period != "" {
				d = append(d, it.Period)
			}
			var people []string
			if it.People != "" {
				people = append(people, w.people+": "+it.People)
			}
			o.entry(it.Code, it.Title, [3]string{}, d, people)
		}
		o.more(w, s.MoreAwaiting)
		o.end()
	}
}

// more says how many entries were not listed.
func (o *digestWriter) more(w digestWords, n int) {
	if n <= 0 {
		return
	}
	line := fmt.Sprintf(w.more, n)
	fmt.Fprintf(&o.t, "- %s\n", line)
	fmt.Fprintf(&o.h, "<li style=\"margin-bottom:6px\"><i>%s</i></li>\n", esc(line))
	fmt.Fprintf(&o.tg, "• <i>%s</i>\n", esc(line))
}

func (o *digestWriter) heading(title string) {
	fmt.Fprintf(&o.t, "%s:\n", title)
	fmt.Fprintf(&o.h, "<p style=\"margin:8px 0 2px\"><b>%s</b></p>\n<ul style=\"padding-left:20px;margin:0\">\n", esc(title))
	fmt.Fprintf(&o.tg, "<b>%s</b>\n", esc(title))
}

func (o *digestWriter) end() { o.h.WriteString("</ul>\n") }

// entry writes one bullet: code and title (and a value, as text, e-mail
// HTML and Telegram HTML), then detail lines.
func (o *digestWriter) entry(code, title string, val [3]string, details, more []string) {
	head := code + " " + title
	if val[0] != "" {
		head += ": " + val[0]
	}
	fmt.Fprintf(&o.t, "- %s\n", head)
	hHead := "<b>" + esc(code) + "</b> " + esc(title)
	tgHead := "<b>" + esc(code) + "</b> " + esc(title)
	if val[0] != "" {
		hHead += ": " + val[1]
		tgHead += ": " + val[2]
	}
	fmt.Fprintf(&o.h, "<li style=\"margin-bottom:6px\">%s", hHead)
	fmt.Fprintf(&o.tg, "• %s\n", tgHead)
	for _, l := range [][]string{details, more} {
		if len(l) == 0 {
			continue
		}
		line := strings.Join(l, " · ")
		fmt.Fprintf(&o.t, "  %s\n", line)
		fmt.Fprintf(&o.h, "<br><small style=\"color:#444\">%s</small>", esc(line))
		fmt.Fprintf(&o.tg, "  <i>%s</i>\n", esc(line))
	}
	o.h.WriteString("</li>\n")
}
