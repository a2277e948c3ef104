package main

import (
	"io"

	"context"
	"fmt"
	"sollecito/notify/ics"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
	"sollecito/workflow/deadline"
)

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type ruleDateJSON struct {
	Due     string `json:"due"`
	Nominal string `json:"nominal"`
}

type instanceJSON struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Objective string   `json:"objective"`
	Indicator string   `json:"indicator,omitempty"`
	Phase     int      `json:"phase,omitempty"`
	Period    string   `json:"period"`
	Due       string   `json:"due"`
	Nominal   string   `json:"nominal"`
	Rule      string   `json:"rule"`
	Assignees []string `json:"assignees"`
	State     string   `json:"state"`
	Event     string   `json:"event,omitempty"`
	Title     string   `json:"title"`
}

// cmdCalendar lists deadlines in a window: of one phrase, or of the plan.
func (a *app) cmdCalendar(ctx context.Context, args []string) int {
	fs := a.flags("calendar")
	fromS := fs.String("from", "", "first day (dd/mm/yyyy)")
	toS := fs.String("to", "", "last day (dd/mm/yyyy)")
	rule := fs.String("rule", "", "a deadline phrase")
	format := fs.String("format", "table", "table, json or ics")
	var events multiFlag
	fs.Var(&events, "event", "NAME=DATE, repeatable")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	snap := eng.Snapshot()
	year := snap.Plan().Year
	from, to := calendar.D(year, time.January, 1), calendar.D(year+1, time.January, 31)
	for _, f := range []struct {
		s   string
		dst *calendar.Date
	}{{*fromS, &from}, {*toS, &to}} {
		if f.s == "" {
			continue
		}
		d, err := calendar.ParseDate(f.s)
		if err != nil {
			return a.fail(err)
		}
		*f.dst = d
	}
	evs, err := eng.Events(ctx, snap.Org())
	if err != nil {
		return a.fail(err)
	}
	for _, e := range events {
		name, ds, ok := strings.Cut(e, "=")
		d, err := calendar.ParseDate(ds)
		if !ok || err != nil {
			a.errorf("--event %q: usare NOME=gg/mm/aaaa", "--event %q: use NAME=dd/mm/yyyy", e)
			return 2
		}
		evs[strings.ToLower(name)] = d
	}
	if *rule != "" {
		r, err := deadline.Parse(*rule)
		if err != nil {
			return a.fail(err)
		}
		out := []ruleDateJSON{}
		for _, o := range r.Occurrences(snap.Cal, from, to, evs) {
			out = append(out, ruleDateJSON{Due: o.Due.String(), Nominal: o.Nominal.String()})
		}
		if *format == "json" {
			return a.writeJSON(out)
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		defer tw.Flush()
		fmt.Fprintf(tw, "%s\n", r.Describe(a.langCode()))
		for _, o := range out {
			nd, _ := calendar.ParseDate(o.Nominal)
			dd, _ := calendar.ParseDate(o.Due)
			shift := ""
			if o.Due != o.Nominal {
				shift = pick(a.en(), "(spostata dal "+nd.Italian()+")", "(moved from "+nd.Italian()+")")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", weekday(dd, a.en()), dd.Italian(), shift)
		}
		return 0
	}
	list, err := planInstances(ctx, st, snap, evs, from, to)
	if err != nil {
		return a.fail(err)
	}
	switch *format {
	case "json":
		return a.writeJSON(list)
	case "ics":
		writeICS(a.stdout, snap.Org(), list, a.clock()())
		return 0
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintln(tw, pick(a.en(), "SCADENZA\tVOCE\tPERIODO\tSTATO\tREFERENTI", "DUE\tITEM\tPERIOD\tSTATE\tASSIGNEES"))
	for _, in := range list {
		d, _ := calendar.ParseDate(in.Due)
		code := in.Indicator
		if in.Kind == workflow.KindPhase {
			code = fmt.Sprintf("%s/%d", in.Objective, in.Phase)
		}
		due := d.Italian()
		if in.Due == "" {
			due = pick(a.en(), "attende "+in.Event, "awaits "+in.Event)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", due, code, in.Period, in.State, short(strings.Join(in.Assignees, ", "), 40))
	}
	return 0
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

func weekday(d calendar.Date, en bool) string {
	if en {
		return d.Weekday().String()[:3]
	}
	return []string{"dom", "lun", "mar", "mer", "gio", "ven", "sab"}[d.Weekday()]
}

// planInstances lists the plan's deadline instances due in [from, to]
// (and those awaiting an event), with their stored state.
func planInstances(ctx context.Context, st *store.Store, snap *workflow.Snapshot, evs map[string]calendar.Date, from, to calendar.Date) ([]instanceJSON, error) {
	items, err := st.Items(ctx, snap.Org())
	if err != nil {
		return nil, err
	}
	state := map[string]store.Item{}
	for _, it := range items {
		state[it.Key] = it
	}
	out := []instanceJSON{}
	for _, in := range snap.Instances(evs) {
		if !in.Due.IsZero() && (in.Due.Before(from) || in.Due.After(to)) {
			continue
		}
		s := store.StateOpen
		if in.Due.IsZero() {
			s = store.StateAwaitingEvent
		}
		if it, ok := state[in.Key]; ok && (it.State == store.StateSubmitted || it.State == store.StateDone) {
			s = it.State
		}
		j := instanceJSON{ID: in.Key, Kind: in.Kind, Objective: in.ObjectiveID, Indicator: in.IndicatorID, Phase: in.PhaseN,
			Period: in.Period, Due: in.Due.String(), Nominal: in.Nominal.String(), Rule: in.Rule, Assignees: in.Assignees,
			State: s, Event: in.Event}
		if j.Assignees == nil {
			j.Assignees = []string{}
		}
		if ref, ok := snap.Indicator(in.IndicatorID); ok && in.Kind == workflow.KindIndicator {
			j.Title = ref.Description
		} else if o, ok := snap.Objective(in.ObjectiveID); ok {
			for _, ph := range o.Phases {
				if ph.N == in.PhaseN {
					j.Title = ph.Text
				}
			}
		}
		out = append(out, j)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Due == "") != (out[j].Due == "") {
			return out[j].Due == ""
		}
		return out[i].Due < out[j].Due
	})
	return out, nil
}

func writeICS(w io.Writer, org string, list []instanceJSON, now time.Time) {
	var evs []ics.Event
	for _, in := range list {
		d, err := calendar.ParseDate(in.Due)
		if err != nil {
			continue
		}
		code := in.Indicator
		if in.Kind == workflow.KindPhase {
			code = fmt.Sprintf("%s fase %d", in.Objective, in.Phase)
		}
		desc := in.Title
		if in.Rule != "" {
			desc += "\n" + in.Rule
		}
		evs = append(evs, ics.Event{UID: in.ID + "@" + org + ".sollecito", Date: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC),
			Summary: "Scadenza " + code + " (" + in.Period + ")", Description: desc})
	}
	_ = ics.Write(w, "Scadenze PIAO — "+org, evs, now)
}
