// Package notify delivers what the workflow decided to say: the outbox
// dispatcher (claims due rows, sends them through the channels, retries
// with exponential backoff, gives up on permanent errors), the console
// channel, and the message templates in Italian and English. The channels
// themselves live in sub-packages (telegram, email) and know nothing of the
// domain.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"sollecito/store"
)

// Message is one rendered message for one person on one channel.
type Message struct {
	OutboxID int64
	Key      string // stable across retries: channels derive idempotency ids from it
	Channel  string
	PersonID string
	Name     string // recipient's name
	Email    string
	ChatID   int64
	Lang     string
	Subject  string
	Text     string // plain text (console, e-mail text part)
	HTML     string // e-mail HTML part
	TGHTML   string // Telegram HTML (the tags Telegram allows)
	// E-mail threading and reply token.
	MessageID  string
	InReplyTo  string
	References []string
	ReplyTo    string
	// Items lists the codes the message speaks of, and Kinds what it says
	// of them (reminder, nag, escalation): for logs and simulations.
	Items []string
	Kinds []string
}

// Channel sends messages on one medium. Errors may implement
// Permanent() bool and RetryAfter() time.Duration.
type Channel interface {
	Send(ctx context.Context, m *Message) (externalID string, err error)
}

// Composer turns an outbox row into the message to send now, or nil when
// there is nothing left to say (values arrived meanwhile).
type Composer interface {
	Compose(ctx context.Context, row store.OutboxRow) (*Message, error)
}

// BatchComposer is a Composer that renders a whole claimed batch at once,
// reading what the rows need in a few queries instead of a few per row.
type BatchComposer interface {
	ComposeAll(ctx context.Context, rows []store.OutboxRow) ([]*Message, []error)
}

// Outbox is the part of the store the dispatcher uses.
type Outbox interface {
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxRow, error)
	MarkSent(ctx context.Context, id int64, at time.Time, externalID string) error
	MarkRetry(ctx context.Context, id int64, next time.Time, lastError string) error
	MarkFailed(ctx context.Context, id int64, lastError string) error
	MarkCancelled(ctx context.Context, id int64) error
}

// FailureHandler hears about rows given up, to tell an administrator or
// to reroute (a blocked Telegram chat falls back to e-mail).
type FailureHandler func(ctx context.Context, row store.OutboxRow, err error)

// Config tunes a Dispatcher.
type Config struct {
	MaxAttempts int
	BackoffMin  time.Duration
	BackoffMax  time.Duration
	Lease       time.Duration // how long a claimed row is ours (default 5m)
	Workers     int           // rows sent at once (default 8)
	BatchSize   int           // rows claimed at once (default 64)
	// Fault, when set, is called at named points of a send; an error
	// abandons the row there as a crash would (tests).
	Fault func(point string) error
}

// Dispatcher sends due outbox rows. The database is the state: a crash at
// any point leaves rows pending or leased, and they are sent after the
// lease ends. The only window for a repeat is between a channel accepting
// a message and the row being marked sent; the repeat carries the same Key
// (e-mail: the same Message-ID).
type Dispatcher struct {
	out      Outbox
	comp     Composer
	chMu     sync.RWMutex // guards channels: Telegram is added once connected
	channels map[string]Channel
	now      func() time.Time
	log      *slog.Logger
	cfg      Config
	onFail   FailureHandler
}

// NewDispatcher builds a dispatcher.
func NewDispatcher(out Outbox, comp Composer, channels map[string]Channel, now func() time.Time, log *slog.Logger, cfg Config, onFail FailureHandler) *Dispatcher {
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 64
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = 30 * time.Second
	}
	if cfg.BackoffMax < cfg.BackoffMin {
		cfg.BackoffMax = cfg.BackoffMin
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{out: out, comp: comp, channels: channels, now: now, log: log, cfg: cfg, onFail: onFail}
}

// SetChannel adds or replaces a channel (Telegram once connected), or
// removes it when ch is nil (its rows then wait); it is safe while RunOnce
// runs.
func (d *Dispatcher) SetChannel(name string, ch Channel) {
	d.chMu.Lock()
	defer d.chMu.Unlock()
	if ch == nil {
		delete(d.channels, name)
		return
	}
	d.channels[name] = ch
}

// RunOnce sends every row due now, batch after batch, and returns how many
// rows it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	total := 0
	for {
		rows, err := d.out.Claim(ctx, d.now(), d.cfg.Lease, d.cfg.BatchSize)
		if err != nil {
			return total, fmt.Errorf("claim: %w", err)
		}
		if len(rows) == 0 {
			return total, nil
		}
		d.sendAll(ctx, rows)
		total += len(rows)
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

func (d *Dispatcher) sendAll(ctx context.Context, rows []store.OutboxRow) {
	// A row abandoned right after its claim stays leased: a crash there.
	kept := rows[:0:0]
	for _, r := range rows {
		if !d.fault("dispatch:claimed") {
			kept = append(kept, r)
		}
	}
	rows = kept
	msgs, errs := d.composeAll(ctx, rows)
	if d.cfg.Workers == 1 || len(rows) == 1 {
		// One at a time: no goroutine to hand each row to and wait for.
		for i, r := range rows {
			d.sendOne(ctx, r, msgs[i], errs[i])
		}
		return
	}
	type job struct {
		row store.OutboxRow
		msg *Message
		err error
	}
	work := make(chan job)
	var wg sync.WaitGroup
	for range min(d.cfg.Workers, len(rows)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				d.sendOne(ctx, j.row, j.msg, j.err)
			}
		}()
	}
	for i, r := range rows {
		work <- job{r, msgs[i], errs[i]}
	}
	close(work)
	wg.Wait()
}

// composeAll renders rows at send time, in one go when the composer can.
func (d *Dispatcher) composeAll(ctx context.Context, rows []store.OutboxRow) ([]*Message, []error) {
	if bc, ok := d.comp.(BatchComposer); ok {
		return bc.ComposeAll(ctx, rows)
	}
	msgs, errs := make([]*Message, len(rows)), make([]error, len(rows))
	for i, r := range rows {
		msgs[i], errs[i] = d.comp.Compose(ctx, r)
	}
	return msgs, errs
}

func (d *Dispatcher) sendOne(ctx context.Context, row store.OutboxRow, msg *Message, err error) {
	log := d.log.With(slog.Int64("outbox_id", row.ID), slog.String("channel", row.Channel), slog.String("person", row.PersonID))
	d.chMu.RLock()
	ch, ok := d.channels[row.Channel]
	d.chMu.RUnlock()
	if !ok {
		// The channel is not connected (yet): try again later.
		d.retry(ctx, row, fmt.Errorf("canale %s non disponibile", row.Channel), 0, log)
		return
	}
	if err != nil {
		d.fail(ctx, row, fmt.Errorf("compose: %w", err), log)
		return
	}
	if msg == nil {
		if err := d.out.MarkCancelled(ctx, row.ID); err != nil {
			log.ErrorContext(ctx, "mark cancelled", slog.Any("error", err))
		}
		return
	}
	msg.OutboxID, msg.Key, msg.Channel = row.ID, row.Key, row.Channel
	if d.fault("dispatch:composed") {
		return
	}
	ext, err := ch.Send(ctx, msg)
	if err == nil {
		if d.fault("dispatch:accepted") {
			return
		}
		if err := d.out.MarkSent(ctx, row.ID, d.now(), ext); err != nil {
			log.ErrorContext(ctx, "mark sent", slog.Any("error", err))
		}
		return
	}
	var perm interface{ Permanent() bool }
	if errors.As(err, &perm) && perm.Permanent() {
		d.fail(ctx, row, err, log)
		return
	}
	var ra interface{ RetryAfter() time.Duration }
	wait := time.Duration(0)
	if errors.As(err, &ra) {
		wait = ra.RetryAfter()
	}
	d.retry(ctx, row, err, wait, log)
}

// fault reports whether a test wants the send abandoned at point.
func (d *Dispatcher) fault(point string) bool {
	return d.cfg.Fault != nil && d.cfg.Fault(point) != nil
}

func (d *Dispatcher) retry(ctx context.Context, row store.OutboxRow, err error, wait time.Duration, log *slog.Logger) {
	if row.Attempts >= d.cfg.MaxAttempts {
		d.fail(ctx, row, fmt.Errorf("%d tentativi falliti, ultimo errore: %w", row.Attempts, err), log)
		return
	}
	if wait <= 0 {
		wait = Backoff(row.Attempts, d.cfg.BackoffMin, d.cfg.BackoffMax)
	}
	log.WarnContext(ctx, "send failed, will retry", slog.Any("error", err), slog.Int("attempt", row.Attempts), slog.Duration("retry_in", wait))
	if err := d.out.MarkRetry(ctx, row.ID, d.now().Add(wait), err.Error()); err != nil {
		log.ErrorContext(ctx, "mark retry", slog.Any("error", err))
	}
}

func (d *Dispatcher) fail(ctx context.Context, row store.OutboxRow, err error, log *slog.Logger) {
	log.ErrorContext(ctx, "message given up", slog.Any("error", err), slog.Int("attempts", row.Attempts))
	if err := d.out.MarkFailed(ctx, row.ID, err.Error()); err != nil {
		log.ErrorContext(ctx, "mark failed", slog.Any("error", err))
	}
	if d.onFail != nil {
		d.onFail(ctx, row, err)
	}
}

// Backoff is the delay before attempt n+1: min doubled n-1 times, capped
// at max.
func Backoff(attempt int, lo, hi time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	f := float64(lo) * math.Pow(2, float64(attempt-1))
	if f > float64(hi) {
		return hi
	}
	return time.Duration(f)
}
