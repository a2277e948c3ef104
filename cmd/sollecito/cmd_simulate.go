package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"sollecito/config"
	"sollecito/scheduler/simulate"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// cmdSimulate runs the real sweep, outbox and dispatcher on a virtual
// clock over a throw-away copy of the database and prints every message.
func (a *app) cmdSimulate(ctx context.Context, args []string) int {
	fs := a.flags("simulate")
	fromS := fs.String("from", "", "first day (dd/mm/yyyy)")
	toS := fs.String("to", "", "last day (dd/mm/yyyy)")
	rate := fs.Float64("answer-rate", 0, "fraction of indicator items that get a value (0..1)")
	seed := fs.Uint64("seed", 1, "random seed for the answers")
	format := fs.String("format", "table", "table or json")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	l, err := a.load()
	if err != nil {
		a.printProblems(err, nil)
		return 1
	}
	loc := l.Location()
	from := calendar.D(l.Plan.Year, time.January, 1)
	to := calendar.D(l.Plan.Year+1, time.February, 28)
	for _, f := range []struct {
		s   string
		dst *calendar.Date
	}{{*fromS, &from}, {*toS, &to}} {
		if f.s != "" {
			if *f.dst, err = calendar.ParseDate(f.s); err != nil {
				return a.fail(err)
			}
		}
	}
	if *rate < 0 || *rate > 1 {
		a.errorf("--answer-rate deve essere tra 0 e 1", "--answer-rate must be between 0 and 1")
		return 2
	}
	tmp, err := os.MkdirTemp("", "sollecito-sim-")
	if err != nil {
		return a.fail(err)
	}
	defer os.RemoveAll(tmp)
	dbPath := filepath.Join(tmp, "sim.db")
	if _, err := os.Stat(l.DatabasePath()); err == nil {
		if err := store.CopyDatabase(ctx, l.DatabasePath(), dbPath); err != nil {
			return a.fail(err)
		}
	}
	if l.Config.TrackingStart == "" {
		// A simulation tracks from its first day, unless told otherwise.
		l.Config.TrackingStart = from.Italian()
	}
	// Messages are printed as the run goes: a year of a large plan sends
	// too many to hold.
	opt := simulate.Options{Loaded: l, DBPath: dbPath, From: from.In(loc, 0, 0),
		To: to.In(loc, 23, 59), AnswerRate: *rate, Seed: *seed}
	if *format == "json" {
		jw := simulate.NewJSONWriter(a.stdout)
		opt.OnSent = jw.Write
		res, err := simulate.Run(ctx, opt)
		if err == nil {
			err = jw.Close(res.Answers)
		}
		if err != nil {
			return a.fail(err)
		}
		return 0
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintln(tw, pick(a.en(), "QUANDO\tDESTINATARIO\tCANALE\tTIPO\tVOCI", "WHEN\tRECIPIENT\tCHANNEL\tKIND\tITEMS"))
	opt.OnSent = func(s simulate.Sent) error {
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.At.In(loc).Format("02/01/2006 15:04"), s.Person, s.Channel,
			strings.Join(uniq(s.Kinds), "+"), short(strings.Join(s.Items, " "), 60))
		return err
	}
	res, err := simulate.Run(ctx, opt)
	if err != nil {
		return a.fail(err)
	}
	fmt.Fprintf(tw, "\n%s\n", pick(a.en(),
		fmt.Sprintf("%d messaggi, %d valori simulati", res.Messages, res.Answers),
		fmt.Sprintf("%d messages, %d simulated values", res.Messages, res.Answers)))
	return 0
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// runDemo runs the daemon's machinery on the embedded (or given) plan with
// a fast virtual clock: one plan day every dayLen, from three weeks before
// the first semester's deadline, printing messages and answers.
func (a *app) runDemo(ctx context.Context, l *config.Loaded, dayLen time.Duration) int {
	tmp, err := os.MkdirTemp("", "sollecito-demo-")
	if err != nil {
		return a.fail(err)
	}
	defer os.RemoveAll(tmp)
	loc := l.Location()
	md, _ := calendar.ParseMonthDay(l.Config.Periods[0].Due)
	start := md.In(l.Plan.Year).AddDays(-21)
	l.Config.TrackingStart = start.Italian()
	end := start.AddDays(120)
	fmt.Fprintf(a.stdout, pick(a.en(),
		"Demo di Sollecito: %s, piano %d. Un giorno del piano dura %s; Ctrl+C per uscire.\n\n",
		"Sollecito demo: %s, plan %d. One plan day lasts %s; Ctrl+C to quit.\n\n"), l.Plan.Organisation, l.Plan.Year, dayLen)
	lastDay := calendar.Date{}
	pace := func(from, to time.Time) error {
		wait := time.Duration(float64(dayLen) * to.Sub(from).Hours() / 24)
		if d := calendar.DateOf(to.In(loc)); d != lastDay {
			lastDay = d
			fmt.Fprintf(a.stdout, "═══ %s %s ═══\n", weekday(d, a.en()), d.Italian())
		}
		t := time.NewTimer(min(wait, 10*dayLen))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	_, err = simulate.Run(ctx, simulate.Options{Loaded: l, DBPath: filepath.Join(tmp, "demo.db"),
		From: start.In(loc, 7, 0), To: end.In(loc, 23, 0), AnswerRate: 0.6, Seed: 1, Print: a.stdout, Pace: pace})
	if err != nil && ctx.Err() == nil {
		return a.fail(err)
	}
	return 0
}
