package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// migrationMail is schema version 4: what the e-mail reader remembers,
// and a trigger that clears a failing address once the plan corrects it.
// It is registered from here (init below) to keep the e-mail tables beside
// their code; migrations are sorted by version before any runs.
var migrationMail = migration{4, "e-mail: processed mails, IMAP failures, reply limits", `
CREATE TABLE mail_processed (
	org TEXT NOT NULL,
	dedup_key TEXT NOT NULL,
	uid_validity INTEGER NOT NULL DEFAULT 0,
	uid INTEGER NOT NULL DEFAULT 0,
	from_addr TEXT NOT NULL DEFAULT '',
	person_id TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	items TEXT NOT NULL DEFAULT '',
	answer_key TEXT NOT NULL DEFAULT '',
	processed_at INTEGER NOT NULL,
	PRIMARY KEY (org, dedup_key)
);
CREATE INDEX mail_processed_at ON mail_processed (org, processed_at);
CREATE INDEX mail_processed_answer ON mail_processed (org, answer_key) WHERE answer_key <> '';
CREATE TABLE mail_failures (
	mailbox TEXT NOT NULL,
	uid_validity INTEGER NOT NULL,
	uid INTEGER NOT NULL,
	count INTEGER NOT NULL,
	last_reason TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (mailbox, uid_validity, uid)
);
CREATE TABLE mail_replies (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	org TEXT NOT NULL,
	sender TEXT NOT NULL,
	sent_at INTEGER NOT NULL
);
CREATE INDEX mail_replies_sender ON mail_replies (org, sender, sent_at);
CREATE TRIGGER people_email_corrected AFTER UPDATE OF email ON people WHEN NEW.email <> OLD.email AND NEW.email_failing BEGIN UPDATE people SET email_failing = FALSE WHERE org = NEW.org AND id = NEW.id; END;
`}

func init() {
	migrations = append(migrations, migrationMail)
	slices.SortStableFunc(migrations, func(a, b migration) int { return a.version - b.version })
}

// Outcomes of a processed mail.
const (
	MailAccepted  = "accepted"  // at least one value stored
	MailRejected  = "rejected"  // read, nothing stored, the sender told why
	MailAutomatic = "automatic" // an auto-reply or bounce: nothing answered
	MailIgnored   = "ignored"   // nothing to do and nobody to tell
)

// ProcessedMail records that a received mail had its effect, under its
// Message-ID (or a hash of the raw mail): seeing it again does nothing.
type ProcessedMail struct {
	Org         string `gorm:"primaryKey"`
	DedupKey    string `gorm:"primaryKey"`
	UIDValidity uint32
	UID         uint32
	FromAddr    string
	PersonID    string
	Outcome     string
	Detail      string
	// Items are the indicator items ("CODE@PERIOD", comma-separated) the
	// mail gave values for; AnswerKey is the outbox key of the receipt or
	// answer sent for it, so a reply to that receipt knows its items.
	Items       string
	AnswerKey   string
	ProcessedAt int64
}

// TableName names the table.
func (ProcessedMail) TableName() string { return "mail_processed" }

// ErrMailSeen is returned by RecordMail for a mail already recorded.
var ErrMailSeen = errors.New("messaggio e-mail già elaborato")

// RecordMail records a processed mail; ErrMailSeen when its key is already
// there (another pass, or a crash between the commit and the move).
// Called inside the transaction that carries the mail's effect, it makes
// the effect happen once.
func (s *Store) RecordMail(ctx context.Context, m ProcessedMail) error {
	res := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&m)
	if res.Error != nil {
		return fmt.Errorf("record processed mail: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrMailSeen
	}
	return nil
}

// Mail returns the record of a processed mail, or ErrNotFound.
func (s *Store) Mail(ctx context.Context, org, dedupKey string) (ProcessedMail, error) {
	var m ProcessedMail
	err := s.q(ctx).Where("org = ? AND dedup_key = ?", org, dedupKey).Take(&m).Error
	return m, notFound(err)
}

// MailByAnswer returns the processed mail whose receipt or answer went
// out under the outbox key answerKey, or ErrNotFound.
func (s *Store) MailByAnswer(ctx context.Context, org, answerKey string) (ProcessedMail, error) {
	var m ProcessedMail
	err := s.q(ctx).Where("org = ? AND answer_key = ?", org, answerKey).Take(&m).Error
	return m, notFound(err)
}

// Mails returns the processed mails of org, newest first, at most limit.
func (s *Store) Mails(ctx context.Context, org string, limit int) ([]ProcessedMail, error) {
	var out []ProcessedMail
	err := s.q(ctx).Where("org = ?", org).Order("processed_at DESC, dedup_key").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read processed mails: %w", err)
	}
	return out, nil
}

// AllowMailReply decides whether sender may be answered once more: at
// most max answers within window before now. When it may, the answer is
// counted (inside the caller's transaction, with the answer itself).
func (s *Store) AllowMailReply(ctx context.Context, org, sender string, now time.Time, window time.Duration, max int) (bool, error) {
	sender = strings.ToLower(strings.TrimSpace(sender))
	var n int64
	err := s.q(ctx).Table("mail_replies").Where("org = ? AND sender = ? AND sent_at > ?", org, sender, Millis(now.Add(-window))).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("count replies to %s: %w", sender, err)
	}
	if n >= int64(max) {
		return false, nil
	}
	err = s.q(ctx).Exec("INSERT INTO mail_replies (org, sender, sent_at) VALUES (?, ?, ?)", org, sender, Millis(now)).Error
	if err != nil {
		return false, fmt.Errorf("count reply to %s: %w", sender, err)
	}
	return true, nil
}

type mailFailure struct {
	Mailbox     string `gorm:"primaryKey"`
	UIDValidity uint32 `gorm:"primaryKey"`
	UID         uint32 `gorm:"primaryKey"`
	Count       int
	LastReason  string
	UpdatedAt   int64
}

func (mailFailure) TableName() string { return "mail_failures" }

// MailState keeps the IMAP reader's failure counts for one mailbox in the
// database (it implements imapin.State).
type MailState struct {
	st      *Store
	mailbox string
	now     func() time.Time
}

// NewMailState returns the failure counts of mailbox (an account and folder
// name, so two mailboxes never mix), timed by now.
func (s *Store) NewMailState(mailbox string, now func() time.Time) *MailState {
	return &MailState{st: s, mailbox: mailbox, now: now}
}

// Failures returns how many times a mail failed so far.
func (m *MailState) Failures(ctx context.Context, uidValidity, uid uint32) (int, error) {
	var f mailFailure
	err := m.st.q(ctx).Where("mailbox = ? AND uid_validity = ? AND uid = ?", m.mailbox, uidValidity, uid).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read mail failures: %w", err)
	}
	return f.Count, nil
}

// RecordFailure adds one failure and returns the new count.
func (m *MailState) RecordFailure(ctx context.Context, uidValidity, uid uint32, reason string) (int, error) {
	var count int
	err := m.st.Tx(ctx, func(tx *Store) error {
		f := mailFailure{Mailbox: m.mailbox, UIDValidity: uidValidity, UID: uid, Count: 1, LastReason: reason, UpdatedAt: Millis(m.now())}
		err := tx.q(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "mailbox"}, {Name: "uid_validity"}, {Name: "uid"}},
			DoUpdates: clause.Assignments(map[string]any{"count": gorm.Expr("count + 1"), "last_reason": reason, "updated_at": f.UpdatedAt}),
		}).Create(&f).Error
		if err != nil {
			return fmt.Errorf("record mail failure: %w", err)
		}
		var got mailFailure
		if err := tx.q(ctx).Where("mailbox = ? AND uid_validity = ? AND uid = ?", m.mailbox, uidValidity, uid).Take(&got).Error; err != nil {
			return fmt.Errorf("read mail failures: %w", err)
		}
		count = got.Count
		return nil
	})
	return count, err
}
