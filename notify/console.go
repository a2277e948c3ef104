package notify

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Console prints messages on a writer (standard output): the channel of a
// fresh installation with neither Telegram nor SMTP configured.
type Console struct {
	mu sync.Mutex // one message at a time, never interleaved
	w  io.Writer
}

// NewConsole returns a console channel writing to w.
func NewConsole(w io.Writer) *Console { return &Console{w: w} }

// Send prints m.
func (c *Console) Send(_ context.Context, m *Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "──── %s → %s (%s)\n", m.Channel, m.Name, m.PersonID)
	if m.Subject != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Subject)
	}
	b.WriteString(strings.TrimRight(m.Text, "\n"))
	b.WriteString("\n\n")
	if _, err := io.WriteString(c.w, b.String()); err != nil {
		return "", fmt.Errorf("console: %w", err)
	}
	return "", nil
}
