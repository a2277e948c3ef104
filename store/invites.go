package store

import (
	"context"
	"errors"
	"fmt"
)

// TelegramInvite is a single-use invitation to link a Telegram chat to a
// person. Only a hash of the code is kept: a copy of the database does not
// let anyone link themselves.
type TelegramInvite struct {
	CodeHash  string `gorm:"primaryKey"`
	Org       string
	PersonID  string
	CreatedAt int64
	ExpiresAt int64
	UsedAt    int64 // 0 while unused
	UsedBy    int64 // Telegram user id that used it
}

// Invitation outcomes of UseInvite.
var (
	ErrInviteUsed    = errors.New("invito già usato")
	ErrInviteExpired = errors.New("invito scaduto")
)

// AddInvite stores a new invitation.
func (s *Store) AddInvite(ctx context.Context, inv TelegramInvite) error {
	if err := s.q(ctx).Create(&inv).Error; err != nil {
		return fmt.Errorf("store invitation: %w", err)
	}
	return nil
}

// UseInvite marks the invitation with codeHash used by userID at
// nowMillis and returns it. It fails with ErrNotFound for an unknown code,
// ErrInviteUsed when it was used before (even by the same user) and
// ErrInviteExpired after its expiry. The update is a compare-and-set on
// used_at, so two people racing with one code cannot both win.
func (s *Store) UseInvite(ctx context.Context, org, codeHash string, userID, nowMillis int64) (TelegramInvite, error) {
	var inv TelegramInvite
	err := s.q(ctx).Where("org = ? AND code_hash = ?", org, codeHash).Take(&inv).Error
	if err != nil {
		return inv, notFound(err)
	}
	switch {
	case inv.UsedAt != 0:
		return inv, ErrInviteUsed
	case nowMillis >= inv.ExpiresAt:
		return inv, ErrInviteExpired
	}
	res := s.q(ctx).Model(&TelegramInvite{}).Where("code_hash = ? AND used_at = 0", codeHash).
		Updates(map[string]any{"used_at": nowMillis, "used_by": userID})
	if res.Error != nil {
		return inv, fmt.Errorf("use invitation: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return inv, ErrInviteUsed
	}
	inv.UsedAt, inv.UsedBy = nowMillis, userID
	return inv, nil
}
