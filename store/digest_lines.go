package store

import (
	"context"
	"fmt"
)

// Weekly digests list, per service, the few items that are most late and
// count the rest. A large plan has tens of thousands of late items by the
// end of the year, so the counting and the choice of what to list happen
// in SQL: only what a digest may list is read.

// ServiceLate is one service's late items as a digest sees them.
type ServiceLate struct {
	Directorate string
	Service     string
	// Total counts every late item of the service.
	Total int
	// Items are the service's late items due on or before its limit-th
	// earliest due date, ties at that date included (so there may be more
	// than limit), by due date then key. The caller orders them exactly
	// and lists the first limit.
	Items []Item
}

// LateByService returns, for each (directorate, service) of org's active
// objectives, its late items: open, tracked and due on or before lastDueISO
// (the latest due date that is late on the digest's day; "" returns none).
// One query counts them all and reads only the candidates to list (see
// ServiceLate.Items); services come ordered by directorate and service.
// Only what a message line needs is filled in (see lineColumns).
func (s *Store) LateByService(ctx context.Context, org, lastDueISO string, limit int) ([]ServiceLate, error) {
	if lastDueISO == "" || limit <= 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, sqlLateByService, org, StateOpen, lastDueISO, org, StateOpen, limit, limit)
	if err != nil {
		return nil, fmt.Errorf("read late items by service: %w", err)
	}
	defer rows.Close()
	var out []ServiceLate
	for rows.Next() {
		var dir, svc string
		var part, total int
		it := Item{Org: org}
		if err := rows.Scan(&dir, &svc, &part, &total, &it.Key, &it.Kind, &it.ObjectiveID, &it.IndicatorID, &it.PhaseN, &it.Period, &it.Rule,
			&it.Due, &it.State, &it.Assignees, &it.Tracked); err != nil {
			return nil, fmt.Errorf("read late items by service: %w", err)
		}
		switch {
		case part == 0: // a service's count comes before its items
			out = append(out, ServiceLate{Directorate: dir, Service: svc, Total: total})
		case len(out) > 0 && out[len(out)-1].Directorate == dir && out[len(out)-1].Service == svc:
			out[len(out)-1].Items = append(out[len(out)-1].Items, it)
		default:
			return nil, fmt.Errorf("read late items by service: item %s of %s/%s without its count", it.Key, dir, svc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read late items by service: %w", err)
	}
	return out, nil
}

// sqlLateByService counts the late items by service and due date (days),
// then, with window sums over those few rows, each service's total and,
// for each date, how many of the service's items are due earlier
// (before). The candidates are the items of the dates with before < limit:
// exactly those due on or before the service's limit-th earliest due
// date. The result has one count row (part 0) per service, followed by
// its candidates (part 1) by due date and key.
//
// Counting reads every late item once (a range of items_state_due plus
// its row). The candidates are read by due date through the same index,
// each date once, and kept by an IN on (directorate, service, due): with
// a plain join to cut the planner reads a date's items once per service,
// and every indicator of a period is due the same day (on 30,000 items
// of 700 services sharing one date, 13 s instead of 0.12 s).
const sqlLateByService = `WITH days AS (
	SELECT o.directorate AS dir, o.service AS svc, i.due AS due, COUNT(*) AS n
	FROM items i JOIN objectives o ON o.org = i.org AND o.id = i.objective_id AND o.active
	WHERE i.org = ? AND i.state = ? AND i.due <> '' AND i.due <= ? AND i.tracked
	GROUP BY 1, 2, 3
), cut AS MATERIALIZED (
	SELECT dir, svc, due,
		SUM(n) OVER (PARTITION BY dir, svc) AS total,
		SUM(n) OVER (PARTITION BY dir, svc ORDER BY due ROWS UNBOUNDED PRECEDING) - n AS before
	FROM days
)
SELECT dir, svc, 0 AS part, total, '' AS key, '' AS kind, '' AS objective_id, '' AS indicator_id, 0 AS phase_n,
	'' AS period, '' AS rule, '' AS due, '' AS state, '' AS assignees, FALSE AS tracked
FROM cut WHERE before = 0
UNION ALL
SELECT o.directorate, o.service, 1, 0, ` + itemLineColumns + `
FROM items i JOIN objectives o ON o.org = i.org AND o.id = i.objective_id AND o.active
WHERE i.org = ? AND i.state = ? AND i.tracked
	AND i.due IN (SELECT due FROM cut WHERE before < ?)
	AND (o.directorate, o.service, i.due) IN (SELECT dir, svc, due FROM cut WHERE before < ?)
ORDER BY dir, svc, part, due, key`

// AwaitingEventLines returns the items of org still waiting for an event
// date, in no particular order (a plan has few). Only what a message line
// needs is filled in (see lineColumns).
func (s *Store) AwaitingEventLines(ctx context.Context, org string) ([]Item, error) {
	rows, err := s.query(ctx, "SELECT "+lineColumns+" FROM items WHERE org = ? AND state = ?", org, StateAwaitingEvent)
	if err != nil {
		return nil, fmt.Errorf("read items awaiting an event: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it := Item{Org: org}
		if err := rows.Scan(&it.Key, &it.Kind, &it.ObjectiveID, &it.IndicatorID, &it.PhaseN, &it.Period, &it.Rule,
			&it.Due, &it.State, &it.Assignees, &it.Tracked); err != nil {
			return nil, fmt.Errorf("read items awaiting an event: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read items awaiting an event: %w", err)
	}
	return out, nil
}

// lineColumns are the item columns a message line and a digest read:
// Org (known), Key, Kind, ObjectiveID, IndicatorID, PhaseN, Period, Rule,
// Due, State, Assignees and Tracked.
const lineColumns = "key, kind, objective_id, indicator_id, phase_n, period, rule, due, state, assignees, tracked"

// itemLineColumns is lineColumns of the items aliased i.
const itemLineColumns = "i.key, i.kind, i.objective_id, i.indicator_id, i.phase_n, i.period, i.rule, i.due, i.state, i.assignees, i.tracked"

// AssigneeDirectorates returns the directorates (of org's active
// objectives) in which person is an assignee of an item that is open,
// tracked and due before dayISO, or waiting for an event date. A digest
// names the people away who are involved in the directorates it covers;
// people away are few, so each costs one query.
func (s *Store) AssigneeDirectorates(ctx context.Context, org, person, dayISO string) ([]string, error) {
	rows, err := s.query(ctx, sqlAssigneeDirectorates, org, StateOpen, dayISO, person, org, StateAwaitingEvent, person)
	if err != nil {
		return nil, fmt.Errorf("read directorates of %s: %w", person, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var dir string
		if err := rows.Scan(&dir); err != nil {
			return nil, fmt.Errorf("read directorates of %s: %w", person, err)
		}
		out = append(out, dir)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read directorates of %s: %w", person, err)
	}
	return out, nil
}

// sqlAssigneeDirectorates matches a person in the comma-separated
// assignees exactly (instr, not LIKE: an id may hold '_' or '%'), over two
// ranges of items_state_due.
const sqlAssigneeDirectorates = `SELECT o.directorate
	FROM items i JOIN objectives o ON o.org = i.org AND o.id = i.objective_id AND o.active
	WHERE i.org = ? AND i.state = ? AND i.due <> '' AND i.due < ? AND i.tracked
		AND instr(',' || i.assignees || ',', ',' || ? || ',') > 0
UNION
SELECT o.directorate
	FROM items i JOIN objectives o ON o.org = i.org AND o.id = i.objective_id AND o.active
	WHERE i.org = ? AND i.state = ? AND instr(',' || i.assignees || ',', ',' || ? || ',') > 0
ORDER BY 1`
