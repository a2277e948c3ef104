package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"sollecito/config"
)

// cmdCheck validates configuration and plan: every problem, exit 1 on any
// error.
func (a *app) cmdCheck(args []string) int {
	fs := a.flags("check")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	l, err := a.load()
	var warnings config.Problems
	if l != nil {
		warnings = l.Warnings
	}
	if a.printProblems(err, warnings) {
		n := len(config.ProblemsOf(err).Errors())
		a.errorf("%d errori: la configurazione non è stata accettata", "%d errors: the configuration was not accepted", n)
		return 1
	}
	objectives, indicators, phases := 0, 0, 0
	for _, o := range l.Plan.Objectives {
		objectives++
		indicators += len(o.Indicators)
		phases += len(o.Phases)
	}
	if a.en() {
		fmt.Fprintf(a.stdout, "OK: %s, plan %s %d: %d directorates, %d objectives, %d indicators, %d phases, %d people (%d warnings)\n",
			l.ConfigFile, l.PlanFile, l.Plan.Year, len(l.Plan.Directorates), objectives, indicators, phases, len(l.Plan.People), len(warnings))
	} else {
		fmt.Fprintf(a.stdout, "OK: %s, piano %s %d: %d direzioni, %d obiettivi, %d indicatori, %d fasi, %d persone (%d avvisi)\n",
			l.ConfigFile, l.PlanFile, l.Plan.Year, len(l.Plan.Directorates), objectives, indicators, phases, len(l.Plan.People), len(warnings))
	}
	return 0
}

// cmdPlanShow prints the normalised plan.
func (a *app) cmdPlanShow(_ context.Context, args []string) int {
	fs := a.flags("plan show")
	format := fs.String("format", "table", "table or json")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	l, err := a.load()
	if err != nil {
		a.printProblems(err, nil)
		return 1
	}
	switch *format {
	case "json":
		return a.writeJSON(l.Plan)
	case "table":
		writePlanTable(a.stdout, &l.Plan, a.en())
		return 0
	}
	a.errorf("formato %q non previsto (table o json)", "format %q not supported (table or json)", *format)
	return 2
}

func (a *app) writeJSON(v any) int {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return a.fail(err)
	}
	return 0
}

func writePlanTable(w io.Writer, p *config.Plan, en bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "%s — %d\n\n", p.Organisation, p.Year)
	h := "OBIETTIVO\tD.O.\tSERVIZIO\tRESPONSABILE\tINDICATORE\tTIPO\tTARGET\tPERIODI"
	if en {
		h = "OBJECTIVE\tDIR.\tSERVICE\tRESPONSIBLE\tINDICATOR\tKIND\tTARGET\tPERIODS"
	}
	fmt.Fprintln(tw, h)
	for _, o := range p.Objectives {
		if len(o.Indicators) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t\t\t\n", o.ID, o.Directorate, o.Service, o.Responsabile)
		}
		for _, ind := range o.Indicators {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Directorate, short(o.Service, 24), o.Responsabile,
				ind.ID, ind.Kind, short(ind.Target, 30), strings.Join(ind.Periods, ","))
		}
	}
}

// short cuts s to n runes with an ellipsis.
func short(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
