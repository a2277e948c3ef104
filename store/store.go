// Package store is Sollecito's persistence: the plan as loaded, people and
// their channel bindings, indicator values with their revisions, events,
// deadline items, the outbox (rows and their texts) and the audit log. It uses gorm
// over SQLite (WAL, busy timeout, foreign keys) and keeps gorm to itself:
// callers see plain structs and the store's own errors.
//
// Every row carries the organisation it belongs to, and instants are kept
// as Unix milliseconds (UTC), so comparisons are exact on any database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("non trovato")

// Store is the database. It is safe for concurrent use.
type Store struct {
	db    *gorm.DB
	log   *slog.Logger
	stmts map[string]*sql.Stmt // the hot statements, prepared (see fast.go)
}

// Options tune Open.
type Options struct {
	Logger *slog.Logger
	// UpTo stops migrations after this version (tests of upgrades); 0 = all.
	UpTo int
	// Scratch marks a throw-away database (a simulation's copy): commits
	// are not synced to disk, since a crash loses nothing worth keeping.
	// Transactions still commit or roll back as a whole.
	Scratch bool
}

// Open opens (creating if needed) the SQLite database at path and applies
// the pending migrations.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	dsn := "file:" + path + "?_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_txlock=immediate"
	if opt.Scratch {
		// Nobody else opens a scratch copy: it is locked once, not at
		// every transaction (a simulation commits hundreds of thousands).
		dsn += "&_synchronous=OFF&_locking_mode=EXCLUSIVE"
	} else {
		dsn += "&_synchronous=NORMAL"
	}
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{
		Logger:                 gormLogger{log: log},
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Unix(0, 0).UTC() }, // never used: the store sets its times
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and a single
	// connection rules out SQLITE_BUSY between our own goroutines.
	sqlDB.SetMaxOpenConns(1)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if opt.Scratch {
		// A larger write-ahead log before each checkpoint: a page changed
		// by many commits is copied back to the file once per checkpoint.
		if _, err := sqlDB.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 16384"); err != nil {
			_ = sqlDB.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	s := &Store{db: db, log: log}
	if err := s.migrate(ctx, opt.UpTo); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if opt.UpTo == 0 {
		if s.stmts, err = prepareHot(ctx, sqlDB); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	for _, st := range s.stmts {
		_ = st.Close()
	}
	return sqlDB.Close()
}

// Tx runs fn in one transaction: everything fn does through the Store it
// receives is committed together or not at all.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: tx, log: s.log, stmts: s.stmts})
	})
}

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// notFound maps gorm's not-found to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Millis converts an instant to the stored form.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis converts the stored form back to an instant (UTC).
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// gormLogger routes gorm's messages to slog; SQL traces go to debug.
type gormLogger struct{ log *slog.Logger }

func (g gormLogger) LogMode(logger.LogLevel) logger.Interface { return g }
func (g gormLogger) Info(ctx context.Context, msg string, args ...any) {
	g.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (g gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	g.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (g gormLogger) Error(ctx context.Context, msg string, args ...any) {
	g.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}
func (g gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		sql, rows := fc()
		g.log.DebugContext(ctx, "sql error", slog.String("sql", sql), slog.Int64("rows", rows), slog.Any("error", err))
	}
}

// CopyDatabase writes a consistent copy of the database at src to dst
// (VACUUM INTO), for simulations that must not touch the real one.
func CopyDatabase(ctx context.Context, src, dst string) error {
	s, err := Open(ctx, src, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.q(ctx).Exec("VACUUM INTO ?", dst).Error; err != nil {
		return fmt.Errorf("copy database: %w", err)
	}
	return nil
}
