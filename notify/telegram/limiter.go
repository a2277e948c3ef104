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

// catchUp is how many intervals of lateness the spacing may make up.
const catchUp = 15

// limiter keeps sends under a global rate and one message per interval per
// chat, and holds a chat back after a 429 for that chat only.
//
// Telegram counts a message when the request arrives, which the sender
// cannot see; it only knows that arrival lies between the request's start
// and its answer. So the limiter counts each message from its answer (or
// failure): a new message may start only while fewer than limit messages
// were answered within the last window or are still in flight, and a chat's
// next message starts perChat after the previous one was answered. Both
// rules hold whatever the network's delays, so the server never sees more.
// On top of that, starts are spaced by interval so that the rate is smooth
// rather than bursts of limit messages.
//
// Messages to one chat go one at a time, in order: a sender holds the chat's
// turn (a one-slot channel, so waiting for it honours the context) from its
// first part to its last, and takes its global turn only when the chat may
// get a message, so a chat that waits never holds back other chats.
type limiter struct {
	clock    func() time.Time
	wait     waitFunc
	interval time.Duration // between two starts
	window   time.Duration // the window limit applies to
	limit    int           // messages per window
	perChat  time.Duration // between an answer and the chat's next start

	mu       sync.Mutex    // guards the fields below and every chatState's next and users
	next     time.Time     // earliest next start
	recent   []time.Time   // answers within the window, oldest first
	inflight int           // messages started and not yet answered
	answered chan struct{} // closed and replaced at each answer
	chats    map[int64]*chatState
}

// chatState is one chat's turn-taking and earliest next send.
type chatState struct {
	turn  chan struct{} // holds one token while a sender owns the chat
	next  time.Time     // earliest time of the chat's next message
	users int           // senders holding or waiting for turn
}

// newLimiter allows rate messages per second overall (within any window of
// a second, or one per 1/rate seconds below 1/s) and one per perChat per chat.
func newLimiter(clock func() time.Time, wait waitFunc, rate float64, perChat time.Duration) *limiter {
	l := &limiter{
		clock:    clock,
		wait:     wait,
		interval: time.Duration(float64(time.Second) / rate),
		window:   time.Second,
		limit:    int(rate),
		perChat:  perChat,
		answered: make(chan struct{}),
		chats:    map[int64]*chatState{},
	}
	if l.limit < 1 {
		l.limit, l.window = 1, l.interval
	}
	return l
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

// ready waits, holding the chat's turn, until the chat may get a message
// and the global limits allow one more; then the message counts as in
// flight until answered is called.
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
	for {
		l.mu.Lock()
		now := l.clock()
		cut := 0
		for cut < len(l.recent) && !l.recent[cut].After(now.Add(-l.window)) {
			cut++
		}
		l.recent = l.recent[cut:]
		var d time.Duration
		if l.next.After(now) {
			d = l.next.Sub(now)
		}
		if over := len(l.recent) + l.inflight - l.limit + 1; over > 0 {
			if over > len(l.recent) {
				// Only answers still in flight can free a place.
				ch := l.answered
				l.mu.Unlock()
				select {
				case <-ch:
					continue
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			if w := l.recent[over-1].Add(l.window).Sub(now); w > d {
				d = w
			}
		}
		if d <= 0 {
			if err := ctx.Err(); err != nil {
				l.mu.Unlock()
				return err
			}
			// Space starts from the planned time, not from a late wake-up,
			// so that scheduling delays do not add up: a lateness of up to
			// catchUp intervals is made up (the window rule still holds);
			// after a longer pause the spacing starts again from now.
			if now.Sub(l.next) > catchUp*l.interval {
				l.next = now
			}
			l.next = l.next.Add(l.interval)
			l.inflight++
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		if err := l.wait(ctx, d); err != nil {
			return err
		}
	}
}

// done records that the message in flight to the chat got an answer (or
// failed); the chat's next message waits perChat from now, or pause if
// longer (a 429's retry_after).
func (l *limiter) done(st *chatState, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	l.inflight--
	i := len(l.recent)
	for i > 0 && l.recent[i-1].After(now) {
		i--
	}
	l.recent = append(l.recent[:i], append([]time.Time{now}, l.recent[i:]...)...)
	st.next = now.Add(max(l.perChat, pause))
	close(l.answered)
	l.answered = make(chan struct{})
}
