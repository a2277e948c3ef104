// Package mailread turns a raw e-mail reply (RFC 5322) into what its author
// wrote: the sender, the threading headers, whether the mail was sent by a
// robot (out-of-office, bounce, mailer-daemon, read receipt) and the text
// typed above the quoted reminder, with quotes, attribution lines and
// signatures removed.
//
// The package is pure: it reads no network, no database and no clock, so the
// IMAP reader and the "mail inspect" command read a mail in the same way.
// Outlook (Italian and English, text and HTML), Gmail, Thunderbird, Apple
// Mail and phone clients are handled, as are format=flowed, quoted-printable,
// base64, UTF-8, ISO-8859-1 and Windows-1252 bodies, HTML-only mail and
// Italian certified mail (PEC), whose inner postacert.eml is read.
package mailread

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message"
	// Registers the ISO-8859-x, Windows-125x and other charset decoders
	// with go-message; without it non-UTF-8 mail cannot be read.
	_ "github.com/emersion/go-message/charset"
)

// Mail is what a reply says once read: who sent it, how it is threaded,
// whether a robot sent it, and the text its author wrote.
type Mail struct {
	From     string // address only, lowercased
	FromName string // display name, decoded

	// To, Cc and DeliveredTo hold addresses in header order, so that a
	// plus-addressed token can be found in any of them. Domains are
	// lowercased; local parts keep their case, since a token may be case
	// sensitive (though some servers lowercase it on the way). DeliveredTo
	// gathers Delivered-To, X-Original-To, X-Forwarded-To and Envelope-To.
	To, Cc, DeliveredTo []string

	Subject    string   // decoded
	MessageID  string   // without angle brackets; empty when missing
	InReplyTo  string   // first identifier of In-Reply-To, without brackets
	References []string // identifiers of References, without brackets
	Date       time.Time

	// Automatic is true for mail no person typed: auto-replies,
	// out-of-office, bounces, mailer-daemon, read receipts, PEC receipts,
	// Auto-Submitted other than "no", Precedence bulk/junk/list/auto_reply.
	// Such mail must never be answered and must change nothing.
	Automatic bool
	// AutomaticReason is a short English code saying why Automatic is set:
	// "bounce", "pec-receipt", "read-receipt", "mailer-daemon",
	// "null-sender", "out-of-office", "auto-submitted", "precedence" or
	// "noreply". Empty when Automatic is false.
	AutomaticReason string
	// Bounce describes a delivery status notification; nil otherwise.
	Bounce *Bounce

	// Text is only what the person wrote: the quoted reminder, attribution
	// lines and signatures are removed. For a forwarded mail it is what the
	// forwarder wrote above the forwarded block.
	Text string
	// HTMLOnly is true when Text was read from an HTML body because the
	// mail had no text/plain body, or only a blank one.
	HTMLOnly bool
	// Forwarded is true when the mail forwards another one (subject prefix,
	// forward separator or attached message). The forwarded block is never
	// part of Text.
	Forwarded bool
	// Certified is true when the mail arrived wrapped in Italian certified
	// mail (PEC). Every field except DeliveredTo then describes the inner
	// postacert.eml, which is the message its author sent.
	Certified bool
}

// Bounce is the reading of a delivery status notification (RFC 3464).
type Bounce struct {
	Recipient string `json:"recipient"` // the address that failed, lowercased
	Action    string `json:"action"`    // "failed", "delayed", ... lowercased
	Status    string `json:"status"`    // enhanced status code such as "5.1.1"; may be empty
	// Permanent is true when the failure will not go away by retrying: a
	// 5.x.x status, or Action "failed" without a status.
	Permanent  bool   `json:"permanent"`
	Diagnostic string `json:"diagnostic"` // the remote server's words, when given
	// OriginalMessageID is the Message-ID of the mail that bounced, without
	// brackets, when the report includes its headers.
	OriginalMessageID string `json:"original_message_id"`
}

// ErrUnreadable is matched (errors.Is) by every error Parse returns.
var ErrUnreadable = errors.New("unreadable mail")

// ParseError reports a mail that cannot be read. Error returns the Italian
// text; Localize gives the text in another language.
type ParseError struct {
	Err error // the underlying cause
}

// Error returns the Italian text followed by the cause.
func (e *ParseError) Error() string { return e.Localize("it") }

// Localize returns the message in lang ("it" or "en"); Italian otherwise.
func (e *ParseError) Localize(lang string) string {
	if lang == "en" {
		return "the e-mail message cannot be read: " + e.Err.Error()
	}
	return "il messaggio e-mail non è leggibile: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnreadable.
func (e *ParseError) Is(target error) bool { return target == ErrUnreadable }

// Parse reads a raw RFC 5322 message. It fails, with an error matching
// ErrUnreadable, only when the mail has no readable header or a body whose
// structure is broken before any text could be read.
func Parse(raw []byte) (*Mail, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &ParseError{Err: errors.New("empty message")}
	}
	m, err := parseMessage(raw, 0)
	if err != nil {
		return nil, &ParseError{Err: err}
	}
	return m, nil
}

// DedupKey returns the key under which a received mail is recorded so that
// it has no second effect: its Message-ID, or "sha256:<hex>" of the raw mail
// when it has none.
func DedupKey(m *Mail, raw []byte) string {
	if m != nil && m.MessageID != "" {
		return m.MessageID
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// maxDepth bounds how deeply messages and multiparts may nest.
const maxDepth = 8

// parseMessage reads one message; depth counts enclosing messages and parts.
func parseMessage(raw []byte, depth int) (*Mail, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && e == nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if e.Header.Len() == 0 {
		return nil, errors.New("read header: no header fields")
	}
	m := &Mail{}
	readHeader(m, e.Header)

	var b body
	walkErr := b.walk(e, depth)

	if b.pecInner != nil && isPECEnvelope(e.Header) && depth < maxDepth {
		inner, innerErr := parseMessage(b.pecInner, depth+1)
		if innerErr == nil {
			inner.Certified = true
			inner.DeliveredTo = appendUnique(inner.DeliveredTo, m.DeliveredTo...)
			return inner, nil
		}
	}
	if walkErr != nil && b.plain == "" && b.html == "" {
		return nil, fmt.Errorf("read body: %w", walkErr)
	}

	var forwardMarker bool
	switch {
	case strings.TrimSpace(b.plain) != "" || (b.plain != "" && strings.TrimSpace(b.html) == ""):
		m.Text, forwardMarker = stripQuoted(unflowIf(b.plain, b.plainFlowed, b.plainDelSp))
	case b.html != "":
		m.Text, forwardMarker = stripQuoted(HTMLToText(b.html))
		m.HTMLOnly = true
	}
	m.Forwarded = forwardMarker || b.attachedMessage || hasForwardPrefix(m.Subject)
	m.Bounce = b.bounce
	if failed := findAddresses(e.Header.Get("X-Failed-Recipients")); m.Bounce == nil && len(failed) > 0 {
		// Exim and others name permanently failed recipients in a header.
		m.Bounce = &Bounce{Recipient: failed[0], Action: "failed", Permanent: true}
	}
	m.Automatic, m.AutomaticReason = automatic(e.Header, m, &b)
	return m, nil
}
