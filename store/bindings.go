package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// TelegramBinding ties a person to a Telegram user and chat.
type TelegramBinding struct {
	Org      string `gorm:"primaryKey"`
	PersonID string `gorm:"primaryKey"`
	UserID   int64
	ChatID   int64
	Active   bool
	BoundAt  int64
}

// Bindings returns the active Telegram bindings of org by person id.
func (s *Store) Bindings(ctx context.Context, org string) (map[string]TelegramBinding, error) {
	var rows []TelegramBinding
	if err := s.q(ctx).Where("org = ? AND active", org).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read telegram bindings: %w", err)
	}
	out := make(map[string]TelegramBinding, len(rows))
	for _, r := range rows {
		out[r.PersonID] = r
	}
	return out, nil
}

// BindingByUser returns the active binding of a Telegram user.
func (s *Store) BindingByUser(ctx context.Context, org string, userID int64) (TelegramBinding, error) {
	var b TelegramBinding
	err := s.q(ctx).Where("org = ? AND user_id = ? AND active", org, userID).Take(&b).Error
	return b, notFound(err)
}

// Bind ties a person to a Telegram user and chat, replacing an earlier
// binding of either.
func (s *Store) Bind(ctx context.Context, b TelegramBinding) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Where("org = ? AND user_id = ? AND person_id <> ?", b.Org, b.UserID, b.PersonID).Delete(&TelegramBinding{}).Error; err != nil {
			return fmt.Errorf("unbind previous person: %w", err)
		}
		b.Active = true
		return tx.q(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "org"}, {Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"user_id", "chat_id", "active", "bound_at"}),
		}).Create(&b).Error
	})
}

// DeactivateBinding marks a person's Telegram binding inactive (the bot was
// blocked, the chat is gone).
func (s *Store) DeactivateBinding(ctx context.Context, org, personID string) error {
	return s.q(ctx).Model(&TelegramBinding{}).Where("org = ? AND person_id = ?", org, personID).Update("active", false).Error
}
