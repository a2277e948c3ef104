package telegram

import (
	"context"
	"sync"
	"time"
)

// waitFunc blocks for d or until ctx ends, whichever comes first.
type waitFunc func(ctx context.Context, d time.Duration) error

// sleep is the real waitFunc: one timer, no polling.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// limiter keeps sends under a global rate and one message per interval per
// chat, and holds a chat back after a 429 for that chat only.
//
// Messages to one chat go one at a time, in order: a sender holds the chat's
// lock (a one-slot channel, so waiting for it honours the context) from its
// first part to its last. Only then does it take a global slot, so a chat
// that waits (per-chat interval, retry_after) never holds a global slot that
// other chats could use.
type limiter struct {
	clock    func() time.Time
	wait     waitFunc
	interval time.Duration // between two global slots
	perChat  time.Duration // between two messages to one chat

	mu    sync.Mutex // guards next, chats and every chatState's next and users
	next  time.Time  // start of the next free global slot
	chats map[int64]*chatState
}

// chatState is one chat's turn-taking and earliest next send.
type chatState struct {
	turn  chan struct{} // holds one token while a sender owns the chat
	next  time.Time     // earliest time of the chat's next message
	users int           // senders holding or waiting for turn
}

func newLimiter(clock func() time.Time, wait waitFunc, interval, perChat time.Duration) *limiter {
	return &limiter{clock: clock, wait: wait, interval: interval, perChat: perChat, chats: map[int64]*chatState{}}
}

// acquire waits for chat's turn.
func (l *limiter) acquire(ctx context.Context, chat int64) (*chatState, error) {
	l.mu.Lock()
	st := l.chats[chat]
	if st == nil {
		st = &chatState{turn: make(chan struct{}, 1)}
		l.chats[chat] = st
	}
	st.users++
	l.mu.Unlock()
	select {
	case st.turn <- struct{}{}:
		return st, nil
	case <-ctx.Done():
		l.forget(chat, st)
		return nil, ctx.Err()
	}
}

// release gives chat's turn to the next sender.
func (l *limiter) release(chat int64, st *chatState) {
	<-st.turn
	l.forget(chat, st)
}

// forget drops a chat's state once nobody uses it and its interval or pause
// is over; states left behind are bounded by the number of chats written to.
func (l *limiter) forget(chat int64, st *chatState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.users--
	if st.users == 0 && !st.next.After(l.clock()) {
		delete(l.chats, chat)
	}
}

// ready waits, holding chat's turn, until the chat may get a message and a
// global slot is free.
func (l *limiter) ready(ctx context.Context, st *chatState) error {
	for {
		l.mu.Lock()
		d := st.next.Sub(l.clock())
		l.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := l.wait(ctx, d); err != nil {
			return err
		}
	}
	l.mu.Lock()
	now := l.clock()
	slot := now
	if l.next.After(slot) {
		slot = l.next
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		return l.wait(ctx, d)
	}
	return ctx.Err()
}

// sent records that a message to the chat was answered; the next one waits
// the per-chat interval from now (after the answer, so a slow request
// cannot bring two arrivals closer than the interval).
func (l *limiter) sent(st *chatState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.next = l.clock().Add(l.perChat)
}

// pause holds the chat back for d (a 429's retry_after).
func (l *limiter) pause(st *chatState, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := l.clock().Add(d); until.After(st.next) {
		st.next = until
	}
}
