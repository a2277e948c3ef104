package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Item states.
const (
	StateOpen          = "open"           // waiting for a value or for the phase to be done
	StateAwaitingEvent = "awaiting_event" // due date unknown until an event is dated
	StateSubmitted     = "submitted"      // a value was received
	StateDone          = "done"           // a phase was marked done
	StateRemoved       = "removed"        // no longer in the plan
)

// Item is one deadline instance: an indicator for a period, or one
// occurrence of a dated phase. NextActionAt is the next moment the sweep
// must look at it (0: nothing to do); SweptUntil is how far its schedule
// has been processed.
type Item struct {
	Org          string `gorm:"primaryKey"`
	Key          string `gorm:"primaryKey"`
	Kind         string // indicator, phase
	ObjectiveID  string
	IndicatorID  string
	PhaseN       int
	Period       string // "2024-S1" for indicators; the occurrence label for phases
	Rule         string // the deadline phrase (phases)
	Nominal      string // ISO date before any shift
	Due          string // ISO date; "" while awaiting an event
	State        string
	Assignees    string // comma-separated person ids
	Tracked      bool   // false: due before tracking started, never reminded
	NextActionAt int64
	SweptUntil   int64
	ClosedAt     int64
	DoneOn       string // ISO date a phase was done
}

// Items returns every item of org, by key.
func (s *Store) Items(ctx context.Context, org string) ([]Item, error) {
	return s.queryItems(ctx, "org = ? ORDER BY key", org)
}

// GetItem returns one item.
func (s *Store) GetItem(ctx context.Context, org, key string) (Item, error) {
	var it Item
	err := s.q(ctx).Where("org = ? AND key = ?", org, key).Take(&it).Error
	return it, notFound(err)
}

// SaveItems inserts or fully updates items.
func (s *Store) SaveItems(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	cols := strings.Split(itemColumns, ", ")
	var set strings.Builder
	for _, c := range cols[2:] { // all but the key (org, key)
		if set.Len() > 0 {
			set.WriteString(", ")
		}
		set.WriteString(c + " = excluded." + c)
	}
	err := s.insertMany(ctx, "items", cols, len(items), func(i int) []any {
		it := &items[i]
		return []any{it.Org, it.Key, it.Kind, it.ObjectiveID, it.IndicatorID, it.PhaseN, it.Period, it.Rule,
			it.Nominal, it.Due, it.State, it.Assignees, it.Tracked, it.NextActionAt, it.SweptUntil, it.ClosedAt, it.DoneOn}
	}, "ON CONFLICT (org, key) DO UPDATE SET "+set.String())
	if err != nil {
		return fmt.Errorf("save items: %w", err)
	}
	return nil
}

// NextItemAction returns the earliest next action of org's items (0: none).
func (s *Store) NextItemAction(ctx context.Context, org string) (int64, error) {
	var v sql.NullInt64
	rows, err := s.query(ctx, sqlNextItemAction, org)
	if err != nil {
		return 0, fmt.Errorf("read next item action: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, fmt.Errorf("read next item action: %w", err)
		}
	}
	return v.Int64, rows.Err()
}

var sqlNextItemAction = hot("SELECT MIN(next_action_at) FROM items WHERE org = ? AND next_action_at > 0")

// CloseItems sets the state of items (submitted, done, open again) and
// their next action.
func (s *Store) CloseItems(ctx context.Context, org string, keys []string, state string, closedAt int64, doneOn string, next int64) error {
	if len(keys) == 0 {
		return nil
	}
	for start := 0; start < len(keys); start += 500 {
		end := min(start+500, len(keys))
		args := []any{state, closedAt, doneOn, next, org}
		for _, k := range keys[start:end] {
			args = append(args, k)
		}
		if _, err := s.exec(ctx, closeItemsSQL(end-start), args...); err != nil {
			return fmt.Errorf("update items: %w", err)
		}
	}
	return nil
}

// closeItemsSQL closes n items; closing one (a value received) is hot.
func closeItemsSQL(n int) string {
	return "UPDATE items SET state = ?, closed_at = ?, done_on = ?, next_action_at = ? WHERE org = ? AND key IN " + inList(n)
}

var _ = hot(closeItemsSQL(1))
