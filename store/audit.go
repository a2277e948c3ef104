package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// AuditEntry is one change worth a trace: a value recorded, an event date
// set, a plan reloaded, a binding made.
type AuditEntry struct {
	ID      int64 `gorm:"primaryKey"`
	Org     string
	At      int64
	Actor   string // person id, "admin:cli", "system"
	Action  string // value.set, event.set, plan.sync, ...
	Subject string
	Detail  string
}

// TableName names the table.
func (AuditEntry) TableName() string { return "audit_log" }

// Audit records an entry.
func (s *Store) Audit(ctx context.Context, org string, at time.Time, actor, action, subject, detail string) error {
	if _, err := s.exec(ctx, sqlAudit, org, Millis(at), actor, action, subject, detail); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

var sqlAudit = hot("INSERT INTO audit_log (org, at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)")

// AuditLog returns the newest entries first, at most limit.
func (s *Store) AuditLog(ctx context.Context, org string, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.q(ctx).Where("org = ?", org).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

type metaRow struct {
	Org   string `gorm:"primaryKey"`
	Key   string `gorm:"primaryKey"`
	Value string
}

func (metaRow) TableName() string { return "meta" }

// Meta reads a small piece of daemon state ("" and ErrNotFound if unset).
func (s *Store) Meta(ctx context.Context, org, key string) (string, error) {
	var m metaRow
	err := s.q(ctx).Where("org = ? AND key = ?", org, key).Take(&m).Error
	return m.Value, notFound(err)
}

// SetMeta writes a small piece of daemon state.
func (s *Store) SetMeta(ctx context.Context, org, key, value string) error {
	return s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "org"}, {Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"}),
	}).Create(&metaRow{Org: org, Key: key, Value: value}).Error
}

// SetMetaIfMissing writes value only when key is unset and returns the
// value in force afterwards.
func (s *Store) SetMetaIfMissing(ctx context.Context, org, key, value string) (string, error) {
	if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&metaRow{Org: org, Key: key, Value: value}).Error; err != nil {
		return "", fmt.Errorf("write %s: %w", key, err)
	}
	return s.Meta(ctx, org, key)
}

// Event is a dated event that deadlines may depend on (bilancio approved).
type Event struct {
	Org   string `gorm:"primaryKey"`
	Name  string `gorm:"primaryKey"`
	Date  string // ISO
	SetBy string
	SetAt int64
}

// SetEvent records (or moves) an event's date.
func (s *Store) SetEvent(ctx context.Context, e Event) error {
	return s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "org"}, {Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"date", "set_by", "set_at"}),
	}).Create(&e).Error
}

// Events returns every recorded event of org, by name.
func (s *Store) Events(ctx context.Context, org string) ([]Event, error) {
	var out []Event
	err := s.q(ctx).Where("org = ?", org).Order("name").Find(&out).Error
	return out, err
}
