package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Value is one revision of an indicator's value for a period. The latest
// revision is the current value; earlier ones are its history.
type Value struct {
	ID          int64 `gorm:"primaryKey"`
	Org         string
	IndicatorID string
	Period      string // "2024-S1"
	Revision    int
	Kind        string
	Number      *float64
	Numerator   *float64
	Denominator *float64
	Bool        *bool
	Date        string // ISO
	Text        string
	NA          bool `gorm:"column:na"`
	Reason      string
	Note        string
	Raw         string
	ByPerson    string
	Channel     string // telegram, email, cli
	SourceRef   string // update id, Message-ID ...: what produced it
	ReceivedAt  int64
}

// TableName names the table.
func (Value) TableName() string { return "indicator_values" }

// ErrDuplicateSource is returned when a value from the same source (the
// same Telegram update, the same e-mail) was already recorded.
var ErrDuplicateSource = errors.New("valore già registrato da questa stessa fonte")

// AddValue stores v as the next revision for its indicator and period and
// returns it with Revision and ID set. A non-empty SourceRef already used
// for that indicator and period gives ErrDuplicateSource and stores nothing.
//
// One statement computes the revision, refuses a repeated source and
// inserts: it is atomic on its own, so it needs no transaction (callers
// still put it in theirs, with the item closing and the audit).
func (s *Store) AddValue(ctx context.Context, v Value) (Value, error) {
	rows, err := s.query(ctx, sqlAddValue,
		v.Org, v.IndicatorID, v.Period, v.Org, v.IndicatorID, v.Period,
		v.Kind, v.Number, v.Numerator, v.Denominator, v.Bool, v.Date, v.Text, v.NA, v.Reason, v.Note, v.Raw, v.ByPerson, v.Channel, v.SourceRef, v.ReceivedAt,
		v.SourceRef, v.Org, v.SourceRef, v.IndicatorID, v.Period)
	if err != nil {
		return v, fmt.Errorf("store value: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return v, fmt.Errorf("store value: %w", err)
		}
		return v, ErrDuplicateSource
	}
	if err := rows.Scan(&v.ID, &v.Revision); err != nil {
		return v, fmt.Errorf("store value: %w", err)
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("store value: %w", err)
	}
	return v, nil
}

// sqlAddValue stores the next revision unless the source was seen.
var sqlAddValue = hot(`INSERT INTO indicator_values (org, indicator_id, period, revision, kind, number, numerator, denominator,
		bool, date, text, na, reason, note, raw, by_person, channel, source_ref, received_at)
		SELECT ?, ?, ?, COALESCE((SELECT MAX(revision) FROM indicator_values WHERE org = ? AND indicator_id = ? AND period = ?), 0) + 1,
			?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		WHERE ? = '' OR NOT EXISTS (SELECT 1 FROM indicator_values WHERE org = ? AND source_ref = ? AND indicator_id = ? AND period = ?)
		RETURNING id, revision`)

// ValueFilter selects values.
type ValueFilter struct {
	Org           string
	IndicatorID   string // "" = all
	Period        string // "" = all
	ReceivedAfter time.Time
}

func (f ValueFilter) apply(db *gorm.DB) *gorm.DB {
	db = db.Where("org = ?", f.Org)
	if f.IndicatorID != "" {
		db = db.Where("indicator_id = ?", f.IndicatorID)
	}
	if f.Period != "" {
		db = db.Where("period = ?", f.Period)
	}
	if !f.ReceivedAfter.IsZero() {
		db = db.Where("received_at > ?", Millis(f.ReceivedAfter))
	}
	return db
}

// LatestValues returns the current (latest) revision for every indicator and
// period matching f, ordered by indicator and period.
func (s *Store) LatestValues(ctx context.Context, f ValueFilter) ([]Value, error) {
	var out []Value
	sub := f.apply(s.q(ctx).Model(&Value{}).Select("indicator_id, period, MAX(revision) AS revision")).Group("indicator_id, period")
	err := s.q(ctx).Model(&Value{}).
		Joins("JOIN (?) AS latest ON latest.indicator_id = indicator_values.indicator_id AND latest.period = indicator_values.period AND latest.revision = indicator_values.revision", sub).
		Where("indicator_values.org = ?", f.Org).
		Order("indicator_values.indicator_id, indicator_values.period").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	return out, nil
}

// History returns every revision for one indicator and period, oldest first.
func (s *Store) History(ctx context.Context, org, indicatorID, period string) ([]Value, error) {
	var out []Value
	err := s.q(ctx).Where("org = ? AND indicator_id = ? AND period = ?", org, indicatorID, period).
		Order("revision").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	return out, nil
}

// AllValues returns every revision matching f, by indicator, period and
// revision.
func (s *Store) AllValues(ctx context.Context, f ValueFilter) ([]Value, error) {
	where, args := "org = ?", []any{f.Org}
	if f.IndicatorID != "" {
		where, args = where+" AND indicator_id = ?", append(args, f.IndicatorID)
	}
	if f.Period != "" {
		where, args = where+" AND period = ?", append(args, f.Period)
	}
	if !f.ReceivedAfter.IsZero() {
		where, args = where+" AND received_at > ?", append(args, Millis(f.ReceivedAfter))
	}
	rows, err := s.query(ctx, "SELECT "+valueColumns+" FROM indicator_values WHERE "+where+" ORDER BY indicator_id, period, revision", args...)
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.ID, &v.Org, &v.IndicatorID, &v.Period, &v.Revision, &v.Kind, &v.Number, &v.Numerator, &v.Denominator,
			&v.Bool, &v.Date, &v.Text, &v.NA, &v.Reason, &v.Note, &v.Raw, &v.ByPerson, &v.Channel, &v.SourceRef, &v.ReceivedAt); err != nil {
			return nil, fmt.Errorf("read values: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	return out, nil
}

const valueColumns = "id, org, indicator_id, period, revision, kind, number, numerator, denominator, bool, date, text, na, reason, note, raw, by_person, channel, source_ref, received_at"
