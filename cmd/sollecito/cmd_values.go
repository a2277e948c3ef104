package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

// cmdValuesSet records a value received by phone or on paper.
func (a *app) cmdValuesSet(ctx context.Context, args []string) int {
	fs := a.flags("values set")
	note := fs.String("note", "", "note kept with the value")
	by := fs.String("by", "", "person who gave the value")
	pos, ok := a.parse(fs, args)
	if !ok {
		return 2
	}
	if len(pos) < 3 {
		a.errorf("uso: sollecito values set INDICATORE PERIODO VALORE [--note TESTO] [--by PERSONA]", "usage: sollecito values set INDICATOR PERIOD VALUE [--note TEXT] [--by PERSON]")
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	raw := strings.Join(pos[2:], " ")
	if *note != "" {
		raw += " - " + *note
	}
	if *by != "" {
		if _, ok := eng.Snapshot().Person(*by); !ok {
			a.errorf("persona sconosciuta %q (--by)", "unknown person %q (--by)", *by)
			return 1
		}
	}
	rc, err := eng.Submit(ctx, workflow.Submission{IndicatorID: pos[0], Period: pos[1], Raw: raw, By: *by,
		Channel: workflow.ChannelCLI, OnBehalf: true})
	if err != nil {
		return a.fail(err)
	}
	lang := a.langCode()
	if a.en() {
		fmt.Fprintf(a.stdout, "Recorded %s, %s: %s (revision %d)\n", rc.Indicator.ID, eng.Snapshot().PeriodName(rc.Period, lang), rc.Value.Format(lang), rc.Stored.Revision)
	} else {
		fmt.Fprintf(a.stdout, "Registrato %s, %s: %s (revisione %d)\n", rc.Indicator.ID, eng.Snapshot().PeriodName(rc.Period, lang), rc.Value.Format(lang), rc.Stored.Revision)
	}
	return 0
}

func (a *app) langCode() string {
	if a.en() {
		return "en"
	}
	return "it"
}

// valueJSON is one value in `values list --format json`.
type valueJSON struct {
	Indicator  string      `json:"indicator"`
	Period     string      `json:"period"`
	Revision   int         `json:"revision"`
	Value      string      `json:"value"`
	Number     *float64    `json:"number,omitempty"`
	Bool       *bool       `json:"bool,omitempty"`
	Date       string      `json:"date,omitempty"`
	NA         bool        `json:"na,omitempty"`
	Reason     string      `json:"reason,omitempty"`
	Note       string      `json:"note,omitempty"`
	Raw        string      `json:"raw"`
	By         string      `json:"by"`
	Channel    string      `json:"channel"`
	ReceivedAt string      `json:"received_at"`
	History    []valueJSON `json:"history,omitempty"`
}

func toValueJSON(v store.Value, lang string) valueJSON {
	return valueJSON{Indicator: v.IndicatorID, Period: v.Period, Revision: v.Revision, Value: workflow.ValueOf(v).Format(lang),
		Number: v.Number, Bool: v.Bool, Date: v.Date, NA: v.NA, Reason: v.Reason, Note: v.Note, Raw: v.Raw,
		By: v.ByPerson, Channel: v.Channel, ReceivedAt: workflow.ReceivedAt(v).Format("2006-01-02T15:04:05Z07:00")}
}

// cmdValuesList prints the latest value per indicator and period.
func (a *app) cmdValuesList(ctx context.Context, args []string) int {
	fs := a.flags("values list")
	period := fs.String("period", "", "only this period (2024-S1)")
	history := fs.Bool("history", false, "include every revision")
	format := fs.String("format", "table", "table or json")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	snap := eng.Snapshot()
	f := store.ValueFilter{Org: snap.Org()}
	if *period != "" {
		p, err := snap.ParsePeriod(*period)
		if err != nil {
			return a.fail(err)
		}
		f.Period = p.String()
	}
	latest, err := st.LatestValues(ctx, f)
	if err != nil {
		return a.fail(err)
	}
	lang := a.langCode()
	out := make([]valueJSON, 0, len(latest))
	for _, v := range latest {
		j := toValueJSON(v, lang)
		if *history {
			hist, err := st.History(ctx, v.Org, v.IndicatorID, v.Period)
			if err != nil {
				return a.fail(err)
			}
			for _, h := range hist {
				j.History = append(j.History, toValueJSON(h, lang))
			}
		}
		out = append(out, j)
	}
	if *format == "json" {
		return a.writeJSON(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	if a.en() {
		fmt.Fprintln(tw, "INDICATOR\tPERIOD\tVALUE\tREV.\tBY\tCHANNEL\tRECEIVED")
	} else {
		fmt.Fprintln(tw, "INDICATORE\tPERIODO\tVALORE\tREV.\tDA\tCANALE\tRICEVUTO")
	}
	loc := snap.L.Location()
	for _, v := range latest {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", v.IndicatorID, v.Period, short(workflow.ValueOf(v).Format(lang), 40),
			v.Revision, v.ByPerson, v.Channel, workflow.ReceivedAt(v).In(loc).Format("02/01/2006 15:04"))
		if *history {
			hist, _ := st.History(ctx, v.Org, v.IndicatorID, v.Period)
			for _, h := range hist[:len(hist)-1] {
				fmt.Fprintf(tw, "\t\t  %s\t%d\t%s\t%s\t%s\n", short(workflow.ValueOf(h).Format(lang), 38), h.Revision, h.ByPerson,
					h.Channel, workflow.ReceivedAt(h).In(loc).Format("02/01/2006 15:04"))
			}
		}
	}
	return 0
}

// cmdEventSet records an event date ("rendiconto approvato il 29/04").
func (a *app) cmdEventSet(ctx context.Context, args []string) int {
	fs := a.flags("event set")
	pos, ok := a.parse(fs, args)
	if !ok {
		return 2
	}
	if len(pos) != 2 {
		a.errorf("uso: sollecito event set NOME DATA (es. sollecito event set rendiconto 29/04/2024)", "usage: sollecito event set NAME DATE (e.g. sollecito event set rendiconto 29/04/2024)")
		return 2
	}
	d, err := calendar.ParseDate(pos[1])
	if err != nil {
		return a.fail(err)
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	moved, err := eng.SetEvent(ctx, pos[0], d, "admin:cli")
	if err != nil {
		return a.fail(err)
	}
	if a.en() {
		fmt.Fprintf(a.stdout, "Event %s dated %s: %d deadlines now depend on it\n", strings.ToLower(pos[0]), d.Italian(), moved)
	} else {
		fmt.Fprintf(a.stdout, "Evento %s registrato al %s: %d scadenze ne dipendono\n", strings.ToLower(pos[0]), d.Italian(), moved)
	}
	return 0
}

// cmdEventList prints the recorded events.
func (a *app) cmdEventList(ctx context.Context, args []string) int {
	fs := a.flags("event list")
	format := fs.String("format", "table", "table or json")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	evs, err := st.Events(ctx, eng.Snapshot().Org())
	if err != nil {
		return a.fail(err)
	}
	if *format == "json" {
		type ev struct {
			Name  string `json:"name"`
			Date  string `json:"date"`
			SetBy string `json:"set_by"`
		}
		out := []ev{}
		for _, e := range evs {
			out = append(out, ev{e.Name, e.Date, e.SetBy})
		}
		return a.writeJSON(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	if a.en() {
		fmt.Fprintln(tw, "EVENT\tDATE\tSET BY")
	} else {
		fmt.Fprintln(tw, "EVENTO\tDATA\tREGISTRATO DA")
	}
	for _, e := range evs {
		d, _ := calendar.ParseDate(e.Date)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, d.Italian(), e.SetBy)
	}
	return 0
}
