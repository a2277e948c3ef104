package report

import (
	"fmt"
	"html/template"
	"io"
)

// htmlWords are the fixed texts of the HTML report.
type htmlWords struct {
	Title, Generated, Directorate, Service, Category, Responsabile, Staff, Phases, Deadline, State string
	Indicator, Formula, Target, Quantification, Value, Note, SentBy, Met, Card, End, None          string
}

var htmlDict = map[string]htmlWords{
	"it": {Title: "Monitoraggio degli obiettivi", Generated: "Generato il", Directorate: "D.O.", Service: "Servizio",
		Category: "Obiettivo", Responsabile: "Responsabile", Staff: "Risorse umane", Phases: "Azioni / fasi",
		Deadline: "Scadenza", State: "Stato", Indicator: "Indicatore", Formula: "Formula", Target: "Target",
		Quantification: "QUANTIFICAZIONE", Value: "Valore", Note: "Note", SentBy: "Inviato da", Met: "Target raggiunto",
		Card: "Scheda", End: "fine scheda", None: "non pervenuto"},
	"en": {Title: "Objectives monitoring", Generated: "Generated on", Directorate: "Directorate", Service: "Service",
		Category: "Objective", Responsabile: "Responsabile", Staff: "Staff", Phases: "Actions / phases",
		Deadline: "Deadline", State: "State", Indicator: "Indicator", Formula: "Formula", Target: "Target",
		Quantification: "QUANTIFICATION", Value: "Value", Note: "Notes", SentBy: "Sent by", Met: "Target met",
		Card: "Card", End: "end of card", None: "not received"},
}

// The page is sized for A4 in print and on screen alike (the width of the
// printable area), so what a browser shows is what prints. Cards never
// break across pages unless one is taller than a page.
const reportCSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { background: #eee; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 8.5pt; line-height: 1.3; color: #111;
  width: 186mm; margin: 0 auto; background: #fff; padding: 0; }
@media screen { body { padding: 4mm; } }
h1 { font-size: 14pt; margin: 0 0 2mm; }
.sub { color: #444; margin: 0 0 4mm; }
.card { border: 1px solid #1f4e79; margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }
.card header { background: #1f4e79; color: #fff; padding: 1.5mm 2.5mm; }
.card header .meta { font-size: 7.5pt; opacity: .9; }
.card h2 { font-size: 10.5pt; margin: .5mm 0; }
.people { padding: 1.5mm 2.5mm; border-bottom: 1px solid #ccc; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
tr, .card header, .people { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; word-break: break-word; }
th { background: #dde6f0; font-weight: bold; }
td.q { background: #f7f7f0; }
.met-yes { color: #1b5e20; font-weight: bold; }
.met-no { color: #b00020; font-weight: bold; }
.end { font-size: 6.5pt; color: #888; text-align: right; padding: .5mm 2.5mm; }
.none { color: #888; font-style: italic; }
`

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"metClass": func(met string) string {
		switch met {
		case "sì", "yes":
			return "met-yes"
		case "no":
			return "met-no"
		}
		return ""
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{.R.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.W.Title}} — {{.R.PeriodName}} — {{.R.Org}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<h1>{{.R.Org}} — {{.W.Title}}, {{.R.PeriodName}}</h1>
<p class="sub">{{.W.Generated}} {{.R.Generated.Format "02/01/2006 15:04"}}</p>
{{range .R.Cards}}{{$c := .}}
<section class="card" id="card-{{.ObjectiveID}}" data-card="{{.ObjectiveID}}">
<header>
<div class="meta">{{$.W.Directorate}} {{.Directorate}}{{if .DirectorateName}} — {{.DirectorateName}}{{end}}{{if .Service}} · {{$.W.Service}} {{.Service}}{{end}}{{if .Category}} · {{$.W.Category}} {{.Category}}{{end}}</div>
<h2>{{$.W.Card}} {{.ObjectiveID}} — {{.Title}}</h2>
</header>
<div class="people"><b>{{$.W.Responsabile}}:</b> {{.Responsabile}}{{if .Staff}} · <b>{{$.W.Staff}}:</b> {{.Staff}}{{end}}</div>
{{if .Phases}}<table class="phases">
<colgroup><col style="width:7mm"><col><col style="width:44mm"><col style="width:34mm"></colgroup>
<thead><tr><th>N.</th><th>{{$.W.Phases}}</th><th>{{$.W.Deadline}}</th><th>{{$.W.State}}</th></tr></thead>
<tbody>{{range .Phases}}<tr><td>{{.N}}</td><td>{{.Text}}</td><td>{{.Deadline}}</td><td>{{.State}}</td></tr>
{{end}}</tbody>
</table>{{end}}
{{if .Rows}}<table class="indicators">
<colgroup><col style="width:22mm"><col><col style="width:52mm"><col style="width:30mm"></colgroup>
<thead><tr><th>{{$.W.Indicator}}</th><th></th><th>{{$.W.Formula}}</th><th>{{$.W.Target}}</th></tr></thead>
<tbody>{{range .Rows}}
<tr><td><b>{{.IndicatorID}}</b></td><td>{{.Indicator}}</td><td>{{.Formula}}</td><td>{{.Target}}</td></tr>
{{range $i, $cell := .Cells}}<tr><td class="q" colspan="2"><b>{{$.W.Quantification}} {{index $.R.PeriodNames $i}}:</b> {{if .Value}}{{.Value}}{{else}}<span class="none">{{$.W.None}}</span>{{end}}{{if .Note}} — {{.Note}}{{end}}</td>
<td class="q">{{if .By}}{{$.W.SentBy}} {{.By}}, {{.At}}{{end}}</td><td class="q">{{if .Met}}{{$.W.Met}}: <span class="{{metClass .Met}}">{{.Met}}</span>{{end}}</td></tr>
{{end}}{{end}}</tbody>
</table>{{end}}
<div class="end">{{$.W.Card}} {{.ObjectiveID}} — {{$.W.End}}</div>
</section>
{{end}}
</body>
</html>
`))

// WriteHTML writes the report as the plan's cards: objective, phases and
// indicators with their QUANTIFICAZIONE rows filled in, printable on A4
// (scripts/report-pdf-check.sh checks that no card is cut).
func (r *Report) WriteHTML(w io.Writer) error {
	words, ok := htmlDict[r.Lang]
	if !ok {
		words = htmlDict["it"]
	}
	err := reportTemplate.Execute(w, struct {
		R   *Report
		W   htmlWords
		CSS template.CSS
	}{r, words, template.CSS(reportCSS)})
	if err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}
