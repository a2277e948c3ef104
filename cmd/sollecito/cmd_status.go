package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"sollecito/workflow"
)

// statusJSON is one directorate (or the totals) in `status --format json`.
type statusJSON struct {
	workflow.CompletionRow
	Completion *float64 `json:"completion_pct"`
	OnTarget   *float64 `json:"on_target_pct"`
}

func toStatusJSON(r workflow.CompletionRow) statusJSON {
	j := statusJSON{CompletionRow: r}
	if v, ok := r.Rate(); ok {
		j.Completion = &v
	}
	if v, ok := r.OnTargetRate(); ok {
		j.OnTarget = &v
	}
	return j
}

// cmdStatus prints completion (values received / due) and the on-target
// rate per directorate, with totals.
func (a *app) cmdStatus(ctx context.Context, args []string) int {
	fs := a.flags("status")
	dir := fs.String("directorate", "", "only this directorate (code)")
	period := fs.String("period", "", "only this period (2024-S1)")
	format := fs.String("format", "table", "table or json")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	if *format != "table" && *format != "json" {
		a.errorf("formato %q non previsto: usare table o json", "unknown format %q: use table or json", *format)
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	c, err := eng.Completion(ctx, workflow.CompletionFilter{Directorate: *dir, Period: *period})
	if err != nil {
		return a.fail(err)
	}
	if *format == "json" {
		out := struct {
			At           string       `json:"at"`
			Today        string       `json:"today"`
			Period       string       `json:"period,omitempty"`
			Directorates []statusJSON `json:"directorates"`
			Total        statusJSON   `json:"total"`
		}{At: c.At.Format("2006-01-02T15:04:05Z07:00"), Today: c.Today.String(), Period: c.Period, Total: toStatusJSON(c.Total)}
		out.Directorates = []statusJSON{}
		for _, r := range c.Directorates {
			out.Directorates = append(out.Directorates, toStatusJSON(r))
		}
		return a.writeJSON(out)
	}
	en := a.en()
	scope := pick(en, "tutto l'anno", "the whole year")
	if c.Period != "" {
		p, _ := eng.Snapshot().ParsePeriod(c.Period)
		scope = eng.Snapshot().PeriodName(p, a.langCode())
	}
	fmt.Fprintf(a.stdout, pick(en, "Situazione al %s (%s)\n\n", "Status on %s (%s)\n\n"), c.Today.Italian(), scope)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, pick(en, "D.O.\tDIREZIONE\tINDICATORI\tDOVUTI\tRICEVUTI\tCOMPLETAMENTO\tVALUTATI\tIN TARGET\tQUOTA IN TARGET\tIN RITARDO\tIN ATTESA EVENTO\t",
		"DIR.\tDIRECTORATE\tINDICATORS\tDUE\tRECEIVED\tCOMPLETION\tASSESSED\tON TARGET\tON-TARGET RATE\tOVERDUE\tAWAITING EVENT\t"))
	lang := a.langCode()
	row := func(code, name string, r workflow.CompletionRow) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%s\t%d\t%d\t\n", code, short(name, 30), r.Indicators, r.Due, r.Received,
			pct(lang)(r.Rate()), r.Evaluated, r.OnTarget, pct(lang)(r.OnTargetRate()), r.Overdue, r.Awaiting)
	}
	for _, r := range c.Directorates {
		row(r.Code, r.Name, r)
	}
	if len(c.Directorates) > 1 {
		row("", pick(en, "Totale", "Total"), c.Total)
	}
	if err := tw.Flush(); err != nil {
		return a.fail(err)
	}
	return 0
}

// pct writes a percentage with one decimal (a decimal comma in Italian),
// or "—" when there is none.
func pct(lang string) func(v float64, ok bool) string {
	return func(v float64, ok bool) string {
		if !ok {
			return "—"
		}
		s := fmt.Sprintf("%.1f%%", v)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	}
}
