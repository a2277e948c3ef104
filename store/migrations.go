package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migration is one numbered schema step. Steps are never edited once
// released: a change is a new step. Each runs in its own transaction and is
// recorded in schema_migrations.
type migration struct {
	version int
	name    string
	sql     string
}

var migrations = []migration{
	{1, "plan, people, values, audit", `
CREATE TABLE organisations (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE meta (
	org TEXT NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (org, key)
);
CREATE TABLE people (
	org TEXT NOT NULL,
	id TEXT NOT NULL,
	name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT 'it',
	roles TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	PRIMARY KEY (org, id)
);
CREATE TABLE telegram_bindings (
	org TEXT NOT NULL,
	person_id TEXT NOT NULL,
	user_id INTEGER NOT NULL,
	chat_id INTEGER NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	bound_at INTEGER NOT NULL,
	PRIMARY KEY (org, person_id),
	FOREIGN KEY (org, person_id) REFERENCES people (org, id)
);
CREATE UNIQUE INDEX telegram_bindings_user ON telegram_bindings (org, user_id);
CREATE TABLE directorates (
	org TEXT NOT NULL,
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	dirigente TEXT NOT NULL DEFAULT '',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	PRIMARY KEY (org, code)
);
CREATE TABLE objectives (
	org TEXT NOT NULL,
	id TEXT NOT NULL,
	directorate TEXT NOT NULL,
	service TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	responsabile TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	PRIMARY KEY (org, id)
);
CREATE TABLE indicators (
	org TEXT NOT NULL,
	id TEXT NOT NULL,
	objective_id TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0,
	description TEXT NOT NULL,
	formula TEXT NOT NULL DEFAULT '',
	target TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	numerator TEXT NOT NULL DEFAULT '',
	denominator TEXT NOT NULL DEFAULT '',
	periods TEXT NOT NULL DEFAULT '',
	assignees TEXT NOT NULL DEFAULT '',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	PRIMARY KEY (org, id)
);
CREATE TABLE indicator_values (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	org TEXT NOT NULL,
	indicator_id TEXT NOT NULL,
	period TEXT NOT NULL,
	revision INTEGER NOT NULL,
	kind TEXT NOT NULL,
	number REAL,
	numerator REAL,
	denominator REAL,
	bool BOOLEAN,
	date TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL DEFAULT '',
	na BOOLEAN NOT NULL DEFAULT FALSE,
	reason TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	raw TEXT NOT NULL DEFAULT '',
	by_person TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL,
	source_ref TEXT NOT NULL DEFAULT '',
	received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX indicator_values_rev ON indicator_values (org, indicator_id, period, revision);
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	org TEXT NOT NULL,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (org, at);
`},
	{2, "deadline engine: events, items, notifications, outbox", `
ALTER TABLE people ADD COLUMN away_from TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN away_to TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN email_failing BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE events (
	org TEXT NOT NULL,
	name TEXT NOT NULL,
	date TEXT NOT NULL,
	set_by TEXT NOT NULL DEFAULT '',
	set_at INTEGER NOT NULL,
	PRIMARY KEY (org, name)
);
CREATE TABLE items (
	org TEXT NOT NULL,
	key TEXT NOT NULL,
	kind TEXT NOT NULL,
	objective_id TEXT NOT NULL,
	indicator_id TEXT NOT NULL DEFAULT '',
	phase_n INTEGER NOT NULL DEFAULT 0,
	period TEXT NOT NULL DEFAULT '',
	rule TEXT NOT NULL DEFAULT '',
	nominal TEXT NOT NULL DEFAULT '',
	due TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	assignees TEXT NOT NULL DEFAULT '',
	tracked BOOLEAN NOT NULL DEFAULT TRUE,
	next_action_at INTEGER NOT NULL DEFAULT 0,
	swept_until INTEGER NOT NULL DEFAULT 0,
	closed_at INTEGER NOT NULL DEFAULT 0,
	done_on TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (org, key)
);
CREATE INDEX items_next_action ON items (org, next_action_at) WHERE next_action_at > 0;
CREATE INDEX items_indicator ON items (org, indicator_id, period);
CREATE INDEX items_state_due ON items (org, state, due);
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	org TEXT NOT NULL,
	key TEXT NOT NULL,
	person_id TEXT NOT NULL,
	channel TEXT NOT NULL,
	kind TEXT NOT NULL,
	payload TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_until INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER NOT NULL DEFAULT 0,
	external_id TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX outbox_key ON outbox (org, key);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE notifications (
	org TEXT NOT NULL,
	item_key TEXT NOT NULL,
	step TEXT NOT NULL,
	recipient TEXT NOT NULL,
	channel TEXT NOT NULL,
	outbox_id INTEGER NOT NULL REFERENCES outbox (id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (org, item_key, step, recipient, channel)
) WITHOUT ROWID;
`},
	{3, "telegram: invitations, sent messages, dialogues", `
CREATE TABLE telegram_invites (
	code_hash TEXT PRIMARY KEY,
	org TEXT NOT NULL,
	person_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER NOT NULL DEFAULT 0,
	used_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX telegram_invites_person ON telegram_invites (org, person_id);
CREATE TABLE telegram_sent (
	org TEXT NOT NULL,
	chat_id INTEGER NOT NULL,
	message_id INTEGER NOT NULL,
	person_id TEXT NOT NULL,
	items TEXT NOT NULL DEFAULT '',
	outbox_id INTEGER NOT NULL DEFAULT 0,
	sent_at INTEGER NOT NULL,
	PRIMARY KEY (org, chat_id, message_id)
);
CREATE TABLE telegram_dialogues (
	org TEXT NOT NULL,
	user_id INTEGER NOT NULL,
	state TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org, user_id)
);
CREATE INDEX indicator_values_source ON indicator_values (org, source_ref);
CREATE INDEX indicator_values_received ON indicator_values (org, received_at);
`},
	// The notifications table kept one row per item step, recipient and
	// channel: the same facts as the outbox rows' texts (one per person,
	// channel and sweep, listing the item steps), which a year of a large
	// plan wrote over a million times more. A step is told once because
	// the sweep advances each item with compare-and-set in the transaction
	// that creates the messages; the table never guarded that.
	{5, "outbox texts are the record of what was told", `
DROP TABLE notifications;
`},
	// A digest counts the late items of every service each week: with
	// tracked and objective_id in the index, the count reads the index
	// alone (a fraction of reading each item's row on a large plan).
	{6, "items: late counts from the index", `
DROP INDEX items_state_due;
CREATE INDEX items_state_due ON items (org, state, due, tracked, objective_id);
`},
	// A message's text lives apart from its row: SQLite rewrites a whole
	// row on every update, and claiming, marking sent and retrying a
	// message used to rewrite its text (overflow pages for a long one).
	{7, "outbox: texts in their own table", `
CREATE TABLE outbox_payloads (
	outbox_id INTEGER PRIMARY KEY,
	payload TEXT NOT NULL
);
INSERT INTO outbox_payloads (outbox_id, payload) SELECT id, payload FROM outbox WHERE payload <> '';
ALTER TABLE outbox DROP COLUMN payload;
`},
	// What a message line reads of an item, in an index: composing a
	// claimed batch looks up thousands of items by key, and reads the
	// index alone. The sweep's updates (swept_until, next_action_at) do
	// not touch it; a value received rewrites one entry.
	{8, "items: message lines from an index", `
CREATE INDEX items_lines ON items (org, key, state, kind, objective_id, indicator_id, phase_n, period, rule, due, assignees);
`},
	// The dispatcher looks for rows to send among the pending and the
	// leased only: two partial indexes hold just those, instead of one
	// over every row ever sent that each claim and each mark rewrote.
	{9, "outbox: indexes of the rows still to send", `
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_sending ON outbox (lease_until) WHERE status = 'sending';
`},
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

func (s *Store) migrate(ctx context.Context, upTo int) error {
	db := s.q(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if current > SchemaVersion() {
		return fmt.Errorf("il database è alla versione %d, più recente di questo programma (%d): aggiornare sollecito", current, SchemaVersion())
	}
	for _, m := range migrations {
		if m.version <= current || (upTo > 0 && m.version > upTo) {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			for _, stmt := range splitSQL(m.sql) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%s: %w", firstLine(stmt), err)
				}
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli()).Error
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		s.log.InfoContext(ctx, "database migrated", slog.Int("version", m.version), slog.String("name", m.name))
	}
	return nil
}

// Version returns the schema version recorded in the database.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v *int
	if err := s.q(ctx).Raw(`SELECT MAX(version) FROM schema_migrations`).Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

func splitSQL(script string) []string {
	var out []string
	for _, stmt := range strings.Split(script, ";\n") {
		if s := strings.TrimSpace(stmt); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
