package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// Weekly digests list, per service, the few items that are most late and
// count the rest. A large plan has tens of thousands of late items by the
// end of the year, nearly all due on the same few days (every indicator
// of a semester is due the same day), so a digest reads them in two
// steps: the objectives of every late item, from items_state_due alone,
// which the digest maps to services and counts in memory; then the rows
// of only the items it lists.

// LateObjectives calls each, by due date (ascending), with the due date
// and objective of every late item of org: open, tracked and due on or
// before lastDueISO (the latest due date that is late on the digest's
// day; "" reads none). An objective with three late items due one day
// comes three times (one after the other in practice, as the index
// orders them, but not promised). No row is read: one pass over
// items_state_due returns one string per due date, so that tens of
// thousands of items cost a few rows, not one each. Objectives are not
// joined: the caller maps them to services through its plan.
func (s *Store) LateObjectives(ctx context.Context, org, lastDueISO string, each func(due, objectiveID string)) error {
	if lastDueISO == "" {
		return nil
	}
	rows, err := s.query(ctx, sqlLateObjectives, org, StateOpen, lastDueISO)
	if err != nil {
		return fmt.Errorf("read late items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var due, list string
		if err := rows.Scan(&due, &list); err != nil {
			return fmt.Errorf("read late items: %w", err)
		}
		for list != "" {
			var id string
			id, list, _ = strings.Cut(list, lateSep)
			each(due, id)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read late items: %w", err)
	}
	return nil
}

// lateSep separates the objective ids of a due date's late items: plan
// ids hold no comma (as in assignees).
const lateSep = ","

// sqlLateObjectives groups by due date only, in the index's order: no
// sort, and a group per day instead of one per objective and day (an
// aggregate row per objective cost more than the whole scan).
var sqlLateObjectives = hot(`SELECT due, group_concat(objective_id, ',') FROM items
	WHERE org = ? AND state = ? AND due <> '' AND due <= ? AND tracked = TRUE
	GROUP BY due ORDER BY due`)

// DueObjective names the items of one objective due on one day.
type DueObjective struct {
	Due         string
	ObjectiveID string
}

// LateLines returns the late items (open and tracked) of the given
// objectives on the given due dates: what a digest lists, found by
// LateObjectives. Each pair is one look-up in items_state_due. Items come
// in no particular order; only what a message line needs is filled in
// (see lineColumns).
func (s *Store) LateLines(ctx context.Context, org string, pairs []DueObjective) ([]Item, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	pairList := make([][2]string, len(pairs))
	for i, p := range pairs {
		pairList[i] = [2]string{p.Due, p.ObjectiveID}
	}
	list, err := json.Marshal(pairList)
	if err != nil {
		return nil, fmt.Errorf("read late items: %w", err)
	}
	out, err := s.queryLines(ctx, org, sqlLateLines, string(list), org, StateOpen)
	if err != nil {
		return nil, fmt.Errorf("read late items: %w", err)
	}
	return out, nil
}

// queryLines runs a query selecting lineColumns (or itemLineColumns) of
// org's items.
func (s *Store) queryLines(ctx context.Context, org, query string, args ...any) ([]Item, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it := Item{Org: org}
		if err := rows.Scan(&it.Key, &it.Kind, &it.ObjectiveID, &it.IndicatorID, &it.PhaseN, &it.Period, &it.Rule,
			&it.Due, &it.State, &it.Assignees, &it.Tracked); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// sqlLateLines takes the pairs as one JSON array of [due, objective]
// arrays. CROSS JOIN keeps the pairs outside, so that each is one search
// of items_state_due on all its columns.
var sqlLateLines = hot(`SELECT ` + itemLineColumns + `
	FROM json_each(?) AS p CROSS JOIN items i
	WHERE i.org = ? AND i.state = ? AND i.due = p.value ->> 0 AND i.tracked = TRUE AND i.objective_id = p.value ->> 1`)

// AwaitingObjectives calls each with the objective of every item of org
// waiting for an event date (an objective with three such items comes
// three times), read from items_state_due alone, as LateObjectives.
func (s *Store) AwaitingObjectives(ctx context.Context, org string, each func(objectiveID string)) error {
	rows, err := s.query(ctx, sqlAwaitingObjectives, org, StateAwaitingEvent)
	if err != nil {
		return fmt.Errorf("read items awaiting an event: %w", err)
	}
	defer rows.Close()
	var list sql.NullString // NULL: none
	for rows.Next() {
		if err := rows.Scan(&list); err != nil {
			return fmt.Errorf("read items awaiting an event: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read items awaiting an event: %w", err)
	}
	for rest := list.String; rest != ""; {
		var id string
		id, rest, _ = strings.Cut(rest, lateSep)
		each(id)
	}
	return nil
}

var sqlAwaitingObjectives = hot(`SELECT group_concat(objective_id, ',') FROM items WHERE org = ? AND state = ?`)

// AwaitingLines returns the items of org waiting for an event date of the
// given objectives, in no particular order: what a digest lists, found by
// AwaitingObjectives. Only what a message line needs is filled in (see
// lineColumns).
func (s *Store) AwaitingLines(ctx context.Context, org string, objectiveIDs []string) ([]Item, error) {
	if len(objectiveIDs) == 0 {
		return nil, nil
	}
	list, err := jsonList(objectiveIDs)
	if err != nil {
		return nil, fmt.Errorf("read items awaiting an event: %w", err)
	}
	out, err := s.queryLines(ctx, org, sqlAwaitingLines, org, StateAwaitingEvent, list)
	if err != nil {
		return nil, fmt.Errorf("read items awaiting an event: %w", err)
	}
	return out, nil
}

// sqlAwaitingLines reads the index entries of the items awaiting an event
// (few) and the rows of those whose objective is listed.
var sqlAwaitingLines = hot(`SELECT ` + lineColumns + ` FROM items
	WHERE org = ? AND state = ? AND objective_id IN (SELECT value FROM json_each(?))`)

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
