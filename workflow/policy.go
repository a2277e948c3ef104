package workflow

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"sollecito/config"
	"sollecito/workflow/calendar"
)

// StepKind tells what a step of an item's schedule does.
type StepKind int

// Step kinds.
const (
	// StepReminder is sent before (or on) the due date to the assignees.
	StepReminder StepKind = iota
	// StepNag is sent to the assignees while the item is overdue.
	StepNag
	// StepEscalation tells someone else (responsabile, coordinators).
	StepEscalation
)

// Step is one moment of an item's schedule.
type Step struct {
	Kind StepKind
	// Name is unique inside the item's schedule for one due date; with the
	// due date it forms the notification key, so a moved due date makes
	// new steps.
	Name string
	Day  calendar.Date
	At   time.Time
	// Offset is the working days before the due date (reminders).
	Offset int
	// Late is the working days of lateness (nags and escalations).
	Late int
	// Notify is the escalation target ("responsabile", "coordinators", an id).
	Notify string
}

// Policy is the reminder and escalation schedule as data: offsets before
// the due date, and the ladder after it, on the working calendar.
type Policy struct {
	cal          *calendar.Calendar
	offsets      []int // distinct, descending
	hour, minute int
	grace        int
	nagEvery     int
	nagMax       int
	steps        []config.EscalationStep // by day
	lastDay      int                     // last lateness day with a step; 0 = unbounded, -1 = none

	// byDue memoises reminders per due date (a plan has few distinct
	// ones, a year of sweeps asks for them hundreds of thousands of times).
	byDue sync.Map // calendar.Date -> []Step, never modified
}

// NewPolicy builds the policy from the configuration.
func NewPolicy(cal *calendar.Calendar, cfg config.Config) (*Policy, error) {
	h, m, err := config.ParseClock(cfg.Reminders.Time)
	if err != nil {
		return nil, err
	}
	p := &Policy{cal: cal, hour: h, minute: m, grace: cfg.Escalation.GraceDays,
		nagEvery: cfg.Escalation.NagEvery, nagMax: cfg.Escalation.NagMax}
	seen := map[int]bool{}
	for _, o := range cfg.Reminders.Offsets {
		if !seen[o] {
			seen[o] = true
			p.offsets = append(p.offsets, o)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(p.offsets)))
	p.steps = append(p.steps, cfg.Escalation.Steps...)
	sort.SliceStable(p.steps, func(i, j int) bool { return p.steps[i].Day < p.steps[j].Day })
	switch {
	case len(p.steps) == 0 && p.nagEvery == 0:
		p.lastDay = -1 // no ladder at all
	case p.nagEvery > 0 && p.nagMax == 0:
		p.lastDay = 0 // nags forever
	default:
		for _, s := range p.steps {
			p.lastDay = max(p.lastDay, s.Day)
		}
		if p.nagEvery > 0 {
			p.lastDay = max(p.lastDay, 1+(p.nagMax-1)*p.nagEvery)
		}
	}
	return p, nil
}

// Calendar returns the policy's calendar.
func (p *Policy) Calendar() *calendar.Calendar { return p.cal }

// SendTime returns the configured local send time of day.
func (p *Policy) SendTime() (hour, minute int) { return p.hour, p.minute }

// overdueBase is the last day that is not late: the due date plus grace.
func (p *Policy) overdueBase(due calendar.Date) calendar.Date { return due.AddDays(p.grace) }

// OverdueSince returns the first day an item due on due counts as overdue.
func (p *Policy) OverdueSince(due calendar.Date) calendar.Date {
	return p.overdueBase(due).AddDays(1)
}

// DaysLate returns the working days of lateness on day (0 when not late).
func (p *Policy) DaysLate(due, day calendar.Date) int {
	if due.IsZero() || !day.After(due) {
		return 0 // awaiting an event, or not late
	}
	return p.cal.WorkingDaysBetween(p.overdueBase(due), day)
}

// reminders returns the reminder steps of due, in time order. Callers
// must not modify the slice.
func (p *Policy) reminders(due calendar.Date) []Step {
	if v, ok := p.byDue.Load(due); ok {
		return v.([]Step)
	}
	out := p.computeReminders(due)
	p.byDue.Store(due, out)
	return out
}

func (p *Policy) computeReminders(due calendar.Date) []Step {
	var out []Step
	var last calendar.Date
	for _, o := range p.offsets {
		day := p.cal.WorkingDaysBefore(due, o)
		if day == last {
			continue // two offsets on one day (holidays): one reminder
		}
		last = day
		out = append(out, Step{Kind: StepReminder, Name: fmt.Sprintf("r%d@%s", o, due), Day: day, At: p.cal.At(day, p.hour, p.minute), Offset: o})
	}
	return out
}

// lateSteps returns the steps on lateness day n (n >= 1).
func (p *Policy) lateSteps(due calendar.Date, n int, day calendar.Date) []Step {
	var out []Step
	at := p.cal.At(day, p.hour, p.minute)
	if p.nagEvery > 0 && (n-1)%p.nagEvery == 0 && (p.nagMax == 0 || (n-1)/p.nagEvery < p.nagMax) {
		out = append(out, Step{Kind: StepNag, Name: fmt.Sprintf("n%d@%s", n, due), Day: day, At: at, Late: n})
	}
	for _, s := range p.steps {
		if s.Day == n {
			out = append(out, Step{Kind: StepEscalation, Name: fmt.Sprintf("e%d-%s@%s", n, s.Notify, due), Day: day, At: at, Late: n, Notify: s.Notify})
		}
	}
	return out
}

// Steps returns the steps of an item due on due whose moment is in
// (after, upTo], in time order.
func (p *Policy) Steps(due calendar.Date, after, upTo time.Time) []Step {
	var out []Step
	for _, s := range p.reminders(due) {
		if s.At.After(after) && !s.At.After(upTo) {
			out = append(out, s)
		}
	}
	base := p.overdueBase(due)
	n := 1
	if !after.IsZero() {
		// Skip the lateness days that are wholly before after.
		if d := p.cal.Today(after); d.After(base) {
			n = max(1, p.cal.WorkingDaysBetween(base, d))
		}
	}
	for ; p.lastDay == 0 || n <= p.lastDay; n++ {
		day := p.cal.WorkingDaysAfter(base, n)
		at := p.cal.At(day, p.hour, p.minute)
		if at.After(upTo) {
			break
		}
		if !at.After(after) {
			continue
		}
		out = append(out, p.lateSteps(due, n, day)...)
	}
	return out
}

// Next returns the first step moment after after, and false when the
// schedule has nothing more.
func (p *Policy) Next(due calendar.Date, after time.Time) (time.Time, bool) {
	for _, s := range p.reminders(due) {
		if s.At.After(after) {
			return s.At, true
		}
	}
	base := p.overdueBase(due)
	n := 1
	if d := p.cal.Today(after); d.After(base) {
		n = max(1, p.cal.WorkingDaysBetween(base, d))
	}
	for ; p.lastDay == 0 || n <= p.lastDay; n++ {
		day := p.cal.WorkingDaysAfter(base, n)
		at := p.cal.At(day, p.hour, p.minute)
		if !at.After(after) {
			continue
		}
		if len(p.lateSteps(due, n, day)) > 0 {
			return at, true
		}
	}
	return time.Time{}, false
}
