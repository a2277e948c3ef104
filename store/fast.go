package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// The sweep and the dispatcher touch hundreds of thousands of rows in a
// year of a large plan: their queries are written in plain SQL with
// multi-row statements and hand scanning, which is several times faster
// than going through gorm's reflection row by row.

// exec runs a statement on the connection (or transaction) underneath
// gorm, skipping gorm's per-argument processing.
//
// A cancelled context stops a statement before it starts; the driver is
// handed the context without its cancellation: given a cancellable one,
// the SQLite driver runs every statement and every row fetch on a
// goroutine of its own and waits for it, which cost a year of a large
// plan half its time in thread switches. The statements are short.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	if st := s.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.db.Statement.ConnPool.ExecContext(ctx, query, args...)
}

// query runs a query on the connection (or transaction) underneath gorm;
// the context is treated as by exec.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.Statement.ConnPool.QueryContext(ctx, query, args...)
}

// hotStatements are the statements run once per value, item or message:
// compiling them every time cost SQLite more than running them. Open
// prepares them once; exec and query use the prepared form, inside
// transactions too.
var hotStatements = map[string]bool{}

// hot registers a statement text as hot and returns it.
func hot(query string) string {
	hotStatements[query] = true
	return query
}

// prepareHot prepares the hot statements on the database. It runs at Open,
// outside any transaction: inside one, the only connection is taken.
func prepareHot(ctx context.Context, db *sql.DB) (map[string]*sql.Stmt, error) {
	out := make(map[string]*sql.Stmt, len(hotStatements))
	for q := range hotStatements {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range out {
				_ = st.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", firstLine(q), err)
		}
		out[q] = st
	}
	return out, nil
}

// prepared returns the prepared form of a hot statement for this store's
// connection or transaction, or nil.
func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	st, ok := s.stmts[query]
	if !ok {
		return nil
	}
	switch pool := s.db.Statement.ConnPool.(type) {
	case *sql.Tx:
		return pool.StmtContext(ctx, st) // closed with the transaction
	case *sql.DB:
		return st
	}
	return nil
}

// inList returns "(?,?,?)" for n values.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

const itemColumns = "org, key, kind, objective_id, indicator_id, phase_n, period, rule, nominal, due, state, assignees, tracked, next_action_at, swept_until, closed_at, done_on"

func (s *Store) queryItems(ctx context.Context, where string, args ...any) ([]Item, error) {
	return s.queryItemsSQL(ctx, "SELECT "+itemColumns+" FROM items WHERE "+where, args...)
}

// queryItemsSQL runs a whole query selecting itemColumns.
func (s *Store) queryItemsSQL(ctx context.Context, query string, args ...any) ([]Item, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.Org, &it.Key, &it.Kind, &it.ObjectiveID, &it.IndicatorID, &it.PhaseN, &it.Period, &it.Rule,
			&it.Nominal, &it.Due, &it.State, &it.Assignees, &it.Tracked, &it.NextActionAt, &it.SweptUntil, &it.ClosedAt, &it.DoneOn); err != nil {
			return nil, fmt.Errorf("read items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	return out, nil
}

// Advance is one item's schedule moving on: from swept_until Old to
// Swept, with its next action at Next (0: none).
type Advance struct {
	Key              string
	Old, Swept, Next int64
}

// AdvanceItems applies advances with compare-and-set on swept_until and
// returns the keys that somebody else had already advanced (they must not
// be acted on). Items sharing a schedule are updated in one statement.
func (s *Store) AdvanceItems(ctx context.Context, org string, advs []Advance) (map[string]bool, error) {
	type group struct{ old, swept, next int64 }
	groups := map[group][]string{}
	var order []group
	for _, a := range advs {
		g := group{a.Old, a.Swept, a.Next}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], a.Key)
	}
	lost := map[string]bool{}
	for _, g := range order {
		keys := groups[g]
		list, err := jsonList(keys)
		if err != nil {
			return nil, fmt.Errorf("advance items: %w", err)
		}
		res, err := s.exec(ctx, sqlAdvance, g.swept, g.next, org, g.old, list)
		if err != nil {
			return nil, fmt.Errorf("advance items: %w", err)
		}
		if n, _ := res.RowsAffected(); int(n) == len(keys) {
			continue
		}
		// Someone else moved some of them: find out which.
		rows, err := s.query(ctx, sqlAdvanced, org, g.swept, g.next, list)
		if err != nil {
			return nil, fmt.Errorf("advance items: %w", err)
		}
		got := map[string]bool{}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("advance items: %w", err)
			}
			got[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("advance items: %w", err)
		}
		for _, k := range keys {
			if !got[k] {
				lost[k] = true
			}
		}
	}
	return lost, nil
}

// The keys of the items advanced together travel as one JSON array.
var (
	sqlAdvance = hot("UPDATE items SET swept_until = ?, next_action_at = ? WHERE org = ? AND swept_until = ?" +
		" AND key IN (SELECT value FROM json_each(?))")
	sqlAdvanced = hot("SELECT key FROM items WHERE org = ? AND swept_until = ? AND next_action_at = ?" +
		" AND key IN (SELECT value FROM json_each(?))")
)

// jsonList writes values as a JSON array: a statement takes a list of any
// length as one parameter, read with json_each, instead of one parameter
// per value (the number of which changes the statement's text, and
// SQLite compiles each text anew).
func jsonList[T string | int64](vals []T) (string, error) {
	b, err := json.Marshal(vals)
	return string(b), err
}

// insertMany runs multi-row INSERTs of n rows of the given columns, in
// full chunks under SQLite's parameter limit and a remainder in pieces of
// 256, 128, ... 1 rows: every statement text is one of a few, prepared
// once (hotInsert). suffix ends each statement ("ON CONFLICT DO NOTHING").
func (s *Store) insertMany(ctx context.Context, table string, cols []string, n int, row func(i int) []any, suffix string) error {
	per := insertChunk(len(cols))
	for start := 0; start < n; {
		size := per
		for size > n-start {
			size = pieceBelow(n - start)
		}
		args := make([]any, 0, size*len(cols))
		for i := start; i < start+size; i++ {
			args = append(args, row(i)...)
		}
		if _, err := s.exec(ctx, insertSQL(table, cols, size, suffix), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		start += size
	}
	return nil
}

// pieceBelow is the largest power of two not above n (n >= 1).
func pieceBelow(n int) int {
	p := 1
	for p*2 <= n {
		p *= 2
	}
	return p
}

// insertChunk is how many rows of cols columns one INSERT carries.
func insertChunk(cols int) int {
	return min(max(1, 30000/cols), 400)
}

// insertSQL is the text of an INSERT of rows rows.
func insertSQL(table string, cols []string, rows int, suffix string) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	var b strings.Builder
	b.Grow(len(table) + 40 + rows*(len(one)+1) + len(suffix))
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	b.WriteString(" " + suffix)
	return b.String()
}

// hotInsert registers the INSERTs of a table that insertMany runs (a full
// chunk and each power of two below it) as hot, and returns cols.
func hotInsert(table string, cols []string, suffix string) []string {
	per := insertChunk(len(cols))
	hot(insertSQL(table, cols, per, suffix))
	for size := pieceBelow(per); size >= 1; size /= 2 {
		hot(insertSQL(table, cols, size, suffix))
	}
	return cols
}

// SweepItems returns the items whose next action is at or before now, with
// the fields a sweep reads (key, objective, due date, assignees and
// swept_until; the rest are left zero). A sweep of a large plan reads tens
// of thousands at once, and scanning seventeen columns cost three times
// as much as these five.
func (s *Store) SweepItems(ctx context.Context, org string, nowMillis int64) ([]Item, error) {
	rows, err := s.query(ctx, sqlSweepItems, org, nowMillis)
	if err != nil {
		return nil, fmt.Errorf("read due items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it := Item{Org: org}
		if err := rows.Scan(&it.Key, &it.ObjectiveID, &it.Due, &it.Assignees, &it.SweptUntil); err != nil {
			return nil, fmt.Errorf("read due items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read due items: %w", err)
	}
	return out, nil
}

var sqlSweepItems = hot("SELECT key, objective_id, due, assignees, swept_until FROM items" +
	" WHERE org = ? AND next_action_at > 0 AND next_action_at <= ? ORDER BY next_action_at, key")

// LineItems returns the items of keys (in no particular order) with the
// fields a message line reads: kind, objective, indicator, phase, period,
// rule, due date, state and assignees. The keys travel as one JSON array,
// so that reading the items of a claimed batch is one statement whatever
// their number.
func (s *Store) LineItems(ctx context.Context, org string, keys []string) ([]Item, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	rows, err := s.query(ctx, sqlLineItems, org, string(list))
	if err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	defer rows.Close()
	out := make([]Item, 0, len(keys))
	for rows.Next() {
		it := Item{Org: org}
		if err := rows.Scan(&it.Key, &it.Kind, &it.ObjectiveID, &it.IndicatorID, &it.PhaseN, &it.Period, &it.Rule,
			&it.Due, &it.State, &it.Assignees); err != nil {
			return nil, fmt.Errorf("read items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	return out, nil
}

var sqlLineItems = hot("SELECT key, kind, objective_id, indicator_id, phase_n, period, rule, due, state, assignees FROM items" +
	" WHERE org = ? AND key IN (SELECT value FROM json_each(?))")

// LineStates returns the state and due date of the items of keys (in no
// particular order; Org, Key, State and Due are set): what a message line
// must read afresh, from the items_lines index alone.
func (s *Store) LineStates(ctx context.Context, org string, keys []string) ([]Item, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	list, err := jsonList(keys)
	if err != nil {
		return nil, fmt.Errorf("read item states: %w", err)
	}
	rows, err := s.query(ctx, sqlLineStates, org, list)
	if err != nil {
		return nil, fmt.Errorf("read item states: %w", err)
	}
	defer rows.Close()
	out := make([]Item, 0, len(keys))
	for rows.Next() {
		it := Item{Org: org}
		if err := rows.Scan(&it.Key, &it.State, &it.Due); err != nil {
			return nil, fmt.Errorf("read item states: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read item states: %w", err)
	}
	return out, nil
}

var sqlLineStates = hot("SELECT key, state, due FROM items WHERE org = ? AND key IN (SELECT value FROM json_each(?))")
