package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// TelegramSent records a message the bot sent that names deadline items
// (a reminder, a nag): a reply to it is a value for one of them.
type TelegramSent struct {
	Org       string `gorm:"primaryKey"`
	ChatID    int64  `gorm:"primaryKey"`
	MessageID int    `gorm:"primaryKey"`
	PersonID  string
	Items     string // comma-separated item keys
	OutboxID  int64
	SentAt    int64
}

// TableName names the table.
func (TelegramSent) TableName() string { return "telegram_sent" }

// RecordTelegramSent remembers sent messages; recording one twice keeps
// the first.
func (s *Store) RecordTelegramSent(ctx context.Context, rows []TelegramSent) error {
	if len(rows) == 0 {
		return nil
	}
	if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("record sent telegram messages: %w", err)
	}
	return nil
}

// TelegramSentMessage returns what was recorded about a sent message.
func (s *Store) TelegramSentMessage(ctx context.Context, org string, chatID int64, messageID int) (TelegramSent, error) {
	var r TelegramSent
	err := s.q(ctx).Where("org = ? AND chat_id = ? AND message_id = ?", org, chatID, messageID).Take(&r).Error
	return r, notFound(err)
}

// TelegramDialogue is the persisted state of a half-finished conversation
// with one Telegram user (JSON owned by the bot).
type TelegramDialogue struct {
	Org       string `gorm:"primaryKey"`
	UserID    int64  `gorm:"primaryKey"`
	State     string
	UpdatedAt int64
}

// Dialogue returns a user's dialogue state, or ErrNotFound.
func (s *Store) Dialogue(ctx context.Context, org string, userID int64) (TelegramDialogue, error) {
	var d TelegramDialogue
	err := s.q(ctx).Where("org = ? AND user_id = ?", org, userID).Take(&d).Error
	return d, notFound(err)
}

// SaveDialogue writes a user's dialogue state.
func (s *Store) SaveDialogue(ctx context.Context, d TelegramDialogue) error {
	err := s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "org"}, {Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"state", "updated_at"}),
	}).Create(&d).Error
	if err != nil {
		return fmt.Errorf("save dialogue: %w", err)
	}
	return nil
}

// DeleteDialogue forgets a user's dialogue state.
func (s *Store) DeleteDialogue(ctx context.Context, org string, userID int64) error {
	if err := s.q(ctx).Where("org = ? AND user_id = ?", org, userID).Delete(&TelegramDialogue{}).Error; err != nil {
		return fmt.Errorf("delete dialogue: %w", err)
	}
	return nil
}

// ValuesBySource returns the revisions recorded from one source (a
// Telegram message: "tg:msg:CHAT:ID") or from its later edits
// ("tg:msg:CHAT:ID:e..."), oldest first.
func (s *Store) ValuesBySource(ctx context.Context, org, sourceRef string) ([]Value, error) {
	var out []Value
	err := s.q(ctx).Where("org = ? AND (source_ref = ? OR source_ref LIKE ?)", org, sourceRef, sourceRef+":e%").
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read values by source: %w", err)
	}
	return out, nil
}
