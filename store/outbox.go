package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Outbox statuses.
const (
	OutboxPending   = "pending"
	OutboxSending   = "sending" // claimed by a dispatcher until LeaseUntil
	OutboxSent      = "sent"
	OutboxFailed    = "failed"    // given up: permanent error or too many attempts
	OutboxCancelled = "cancelled" // nothing left to say (values arrived meanwhile)
)

// OutboxRow is one message to send to one person on one channel. Its Key is
// unique: enqueuing the same key twice has no second effect.
type OutboxRow struct {
	ID            int64 `gorm:"primaryKey"`
	Org           string
	Key           string
	PersonID      string
	Channel       string
	Kind          string // batch, digest, receipt, reply, admin
	Payload       string `gorm:"-"` // read by the composer at send time; stored in outbox_payloads
	Status        string
	Attempts      int
	NextAttemptAt int64
	LeaseUntil    int64
	LastError     string
	CreatedAt     int64
	SentAt        int64
	ExternalID    string // the channel's id of what was sent
}

// TableName names the table.
func (OutboxRow) TableName() string { return "outbox" }

const outboxConflict = "ON CONFLICT (org, key) DO NOTHING"

var outboxCols = hotInsert("outbox", []string{"org", "key", "person_id", "channel", "kind", "status", "attempts",
	"next_attempt_at", "lease_until", "last_error", "created_at", "sent_at", "external_id"}, outboxConflict)

const payloadConflict = "ON CONFLICT (outbox_id) DO NOTHING"

var payloadCols = hotInsert("outbox_payloads", []string{"outbox_id", "payload"}, payloadConflict)

// Enqueue inserts outbox rows, skipping keys that already exist, and
// returns the rows with the IDs stored under their keys.
func (s *Store) Enqueue(ctx context.Context, rows []OutboxRow) ([]OutboxRow, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	err := s.insertMany(ctx, "outbox", outboxCols, len(rows), func(i int) []any {
		r := &rows[i]
		if r.Status == "" {
			r.Status = OutboxPending
		}
		return []any{r.Org, r.Key, r.PersonID, r.Channel, r.Kind, r.Status, r.Attempts, r.NextAttemptAt, r.LeaseUntil, r.LastError, r.CreatedAt, r.SentAt, r.ExternalID}
	}, outboxConflict)
	if err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	// Read the ids back by key: with DO NOTHING, returned ids need not line
	// up with the rows given.
	ids := make(map[string]int64, len(rows))
	byOrg := map[string][]string{}
	for _, r := range rows {
		byOrg[r.Org] = append(byOrg[r.Org], r.Key)
	}
	for org, keys := range byOrg {
		list, err := jsonList(keys)
		if err != nil {
			return nil, fmt.Errorf("enqueue: %w", err)
		}
		got, err := s.query(ctx, sqlOutboxIDs, org, list)
		if err != nil {
			return nil, fmt.Errorf("enqueue: %w", err)
		}
		for got.Next() {
			var id int64
			var key string
			if err := got.Scan(&id, &key); err != nil {
				got.Close()
				return nil, fmt.Errorf("enqueue: %w", err)
			}
			ids[key] = id
		}
		got.Close()
		if err := got.Err(); err != nil {
			return nil, fmt.Errorf("enqueue: %w", err)
		}
	}
	for i := range rows {
		rows[i].ID = ids[rows[i].Key]
	}
	// The texts, for the rows just created (a key that existed keeps its
	// own text).
	var texts []int
	for i, r := range rows {
		if r.Payload != "" {
			texts = append(texts, i)
		}
	}
	if err := s.insertMany(ctx, "outbox_payloads", payloadCols, len(texts), func(i int) []any {
		r := &rows[texts[i]]
		return []any{r.ID, r.Payload}
	}, payloadConflict); err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	return rows, nil
}

var sqlOutboxIDs = hot("SELECT id, key FROM outbox WHERE org = ? AND key IN (SELECT value FROM json_each(?))")

// claimable is the condition on rows a dispatcher may take at now (two
// arguments: now, now): pending and due, or claimed by a dispatcher whose
// lease ran out (it crashed mid-send).
const claimable = "((status = '" + OutboxPending + "' AND next_attempt_at <= ?) OR (status = '" + OutboxSending + "' AND lease_until <= ?))"

// selectOutbox reads rows with their texts; a WHERE clause follows.
const selectOutbox = "SELECT o.id, o.org, o.key, o.person_id, o.channel, o.kind, coalesce(p.payload, ''), o.status, o.attempts," +
	" o.next_attempt_at, o.lease_until, o.last_error, o.created_at, o.sent_at, o.external_id" +
	" FROM outbox o LEFT JOIN outbox_payloads p ON p.outbox_id = o.id"

// The rows of a claim travel as one JSON array of ids, looked up by id:
// the unary + keeps SQLite from reading a status index instead (every row
// due, when a claim takes a hundred of them).
var (
	sqlClaim = hot("UPDATE outbox SET status = ?, lease_until = ?, attempts = attempts + 1" +
		" WHERE id IN (SELECT value FROM json_each(?)) AND " + strings.ReplaceAll(claimable, "status", "+status"))
	sqlClaimedNow = hot("SELECT id FROM outbox WHERE +status = ? AND lease_until = ? AND id IN (SELECT value FROM json_each(?))")
)

// sqlClaimCandidates picks the first rows to claim by id from the partial
// indexes, due pending rows and rows whose lease ran out, and only then
// reads those rows and their texts: with the texts joined to every
// claimable row, a claim of a hundred read and sorted all of them (a
// sweep of a large plan queues thousands at once). Arguments: now, limit,
// now, limit, limit.
var sqlClaimCandidates = hot(`WITH c AS (
	SELECT id, next_attempt_at FROM (SELECT id, next_attempt_at FROM outbox WHERE status = '` + OutboxPending + `' AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?)
	UNION ALL
	SELECT id, next_attempt_at FROM (SELECT id, next_attempt_at FROM outbox WHERE status = '` + OutboxSending + `' AND lease_until <= ?
		ORDER BY next_attempt_at, id LIMIT ?)
	ORDER BY next_attempt_at, id LIMIT ?
)
SELECT o.id, o.org, o.key, o.person_id, o.channel, o.kind, coalesce(p.payload, ''), o.status, o.attempts,
	o.next_attempt_at, o.lease_until, o.last_error, o.created_at, o.sent_at, o.external_id
FROM c JOIN outbox o ON o.id = c.id LEFT JOIN outbox_payloads p ON p.outbox_id = o.id
ORDER BY c.next_attempt_at, c.id`)

// Claim takes up to limit rows due at now for this dispatcher, marking
// them sending until now+lease and counting the attempt. A row is claimed
// by one dispatcher only (compare-and-set on its status).
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxRow, error) {
	ms := Millis(now)
	until := ms + lease.Milliseconds()
	var out []OutboxRow
	err := s.Tx(ctx, func(tx *Store) error {
		cand, err := tx.queryOutbox(ctx, sqlClaimCandidates, ms, limit, ms, limit, limit)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		if len(cand) == 0 {
			return nil
		}
		ids := make([]int64, len(cand))
		for i, r := range cand {
			ids[i] = r.ID
		}
		list, err := jsonList(ids)
		if err != nil {
			return fmt.Errorf("claim outbox rows: %w", err)
		}
		claimed := map[int64]bool{}
		res, err := tx.exec(ctx, sqlClaim, OutboxSending, until, list, ms, ms)
		if err != nil {
			return fmt.Errorf("claim outbox rows: %w", err)
		}
		if n, _ := res.RowsAffected(); int(n) == len(cand) {
			for _, id := range ids {
				claimed[id] = true
			}
		} else {
			// Another dispatcher took some: keep only what is ours now.
			rows, err := tx.query(ctx, sqlClaimedNow, OutboxSending, until, list)
			if err != nil {
				return fmt.Errorf("claim outbox rows: %w", err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return fmt.Errorf("claim outbox rows: %w", err)
				}
				claimed[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("claim outbox rows: %w", err)
			}
		}
		for _, r := range cand {
			if claimed[r.ID] {
				r.Status, r.LeaseUntil, r.Attempts = OutboxSending, until, r.Attempts+1
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

func (s *Store) queryOutbox(ctx context.Context, query string, args ...any) ([]OutboxRow, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.ID, &r.Org, &r.Key, &r.PersonID, &r.Channel, &r.Kind, &r.Payload, &r.Status, &r.Attempts,
			&r.NextAttemptAt, &r.LeaseUntil, &r.LastError, &r.CreatedAt, &r.SentAt, &r.ExternalID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkSent records a delivery.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time, externalID string) error {
	return s.mark(ctx, id, sqlMarkSent, OutboxSent, Millis(at), externalID, "")
}

// MarkRetry puts a row back for another attempt at next.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, lastError string) error {
	return s.mark(ctx, id, sqlMarkRetry, OutboxPending, Millis(next), 0, lastError)
}

// MarkFailed gives a row up.
func (s *Store) MarkFailed(ctx context.Context, id int64, lastError string) error {
	return s.mark(ctx, id, sqlMarkFailed, OutboxFailed, lastError, 0)
}

// MarkCancelled records that a row had nothing left to say.
func (s *Store) MarkCancelled(ctx context.Context, id int64) error {
	return s.mark(ctx, id, sqlMarkCancelled, OutboxCancelled, 0)
}

var (
	sqlMarkSent      = hot("UPDATE outbox SET status = ?, sent_at = ?, external_id = ?, last_error = ? WHERE id = ?")
	sqlMarkRetry     = hot("UPDATE outbox SET status = ?, next_attempt_at = ?, lease_until = ?, last_error = ? WHERE id = ?")
	sqlMarkFailed    = hot("UPDATE outbox SET status = ?, last_error = ?, lease_until = ? WHERE id = ?")
	sqlMarkCancelled = hot("UPDATE outbox SET status = ?, lease_until = ? WHERE id = ?")
)

func (s *Store) mark(ctx context.Context, id int64, query string, args ...any) error {
	if _, err := s.exec(ctx, query, append(args, id)...); err != nil {
		return fmt.Errorf("update outbox row %d: %w", id, err)
	}
	return nil
}

// NextOutboxAt returns the earliest moment a pending or leased row becomes
// claimable (0: none).
func (s *Store) NextOutboxAt(ctx context.Context) (int64, error) {
	var v struct{ A, B sql.NullInt64 }
	rows, err := s.query(ctx, sqlNextOutboxAt)
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&v.A, &v.B); err != nil {
			return 0, fmt.Errorf("read outbox: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	switch {
	case !v.A.Valid && !v.B.Valid:
		return 0, nil
	case !v.A.Valid:
		return v.B.Int64, nil
	case !v.B.Valid:
		return v.A.Int64, nil
	}
	return min(v.A.Int64, v.B.Int64), nil
}

// The statuses are written out: SQLite uses a partial index only for a
// query that names its condition.
var sqlNextOutboxAt = hot(`SELECT
		(SELECT MIN(next_attempt_at) FROM outbox WHERE status = '` + OutboxPending + `') AS a,
		(SELECT MIN(lease_until) FROM outbox WHERE status = '` + OutboxSending + `') AS b`)

// OutboxFilter selects rows for listing.
type OutboxFilter struct {
	Org    string
	Status string
	Kind   string
}

// Outbox lists rows by id.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxRow, error) {
	q, args := selectOutbox+" WHERE o.org = ?", []any{f.Org}
	if f.Status != "" {
		q, args = q+" AND o.status = ?", append(args, f.Status)
	}
	if f.Kind != "" {
		q, args = q+" AND o.kind = ?", append(args, f.Kind)
	}
	out, err := s.queryOutbox(ctx, q+" ORDER BY o.id", args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// GetOutbox returns one row.
func (s *Store) GetOutbox(ctx context.Context, id int64) (OutboxRow, error) {
	out, err := s.queryOutbox(ctx, selectOutbox+" WHERE o.id = ?", id)
	if err != nil {
		return OutboxRow{}, fmt.Errorf("read outbox row %d: %w", id, err)
	}
	if len(out) == 0 {
		return OutboxRow{}, ErrNotFound
	}
	return out[0], nil
}
