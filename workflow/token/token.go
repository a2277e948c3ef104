// Package token signs and reads the reply tokens that go out with every
// e-mail reminder: in the Reply-To address ("sollecito+TOKEN@..."), in the
// reminder's own Message-ID and as a short tag in its subject.
//
// A token names the outbox message it was issued with (and so the items
// that message asked about), when it expires, and - through its signature -
// the person it was issued to: a token copied from another person's mail
// does not verify for a different sender. It is written in lower-case
// base32 ([a-z2-7]) so that servers which lowercase Delivered-To or the
// local part do not break it, and it is short (18 characters for the first
// two million messages) so it fits plus-addressing and a subject.
//
// The signature is HMAC-SHA256 over the fields, cut to 48 bits: forging one
// needs about 2^47 attempts by mail, each answered at most at the
// rejection rate limit.
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// KeySize is the size in bytes of a generated key.
const KeySize = 32

// macSize is how many bytes of the HMAC a token carries.
const macSize = 6

// MaxLen bounds the text of a token: a 10-byte outbox id, 2 bytes of
// expiry and the signature, in base32.
const MaxLen = ((10+2+macSize)*8 + 4) / 5

// minLen is the text of a token with a 1-byte outbox id.
const minLen = ((1+2+macSize)*8 + 4) / 5

// epoch is day 0 of the expiry field.
var epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Token is the content of a reply token.
type Token struct {
	// OutboxID is the outbox message the token went out with.
	OutboxID int64
	// Expires is the first instant (UTC midnight) the token is no longer
	// valid.
	Expires time.Time
	mac     [macSize]byte
}

// Errors of Parse and Verify. They are for logs and `mail inspect`; the
// person who sent the mail gets a localised answer from the caller.
var (
	ErrMalformed = errors.New("token malformed")
	ErrSignature = errors.New("token signature does not match the sender")
	ErrExpired   = errors.New("token expired")
)

// Signer issues and verifies tokens with one key. It is safe for
// concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a signer for key, which must hold at least 16 bytes.
// The key is kept private: neither the Signer nor its errors ever print it.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("token key: %d bytes, at least 16 needed", len(key))
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// String hides the key.
func (s *Signer) String() string { return "token.Signer{key:[redacted]}" }

// GoString hides the key from %#v.
func (s *Signer) GoString() string { return s.String() }

// GenerateKey returns a new random key, hex-encoded for storage.
func GenerateKey() (string, error) {
	var b [KeySize]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate token key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// DecodeKey reads a key as written in the configuration or the database:
// hex when it is hex of at least 16 bytes, otherwise its bytes as given.
func DecodeKey(s string) []byte {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) >= 16 {
		return b
	}
	return []byte(s)
}

// Issue returns the token for an outbox message sent to personID, valid
// until expires (rounded up to the next UTC midnight). The same arguments
// give the same token, so a message sent again carries the same one.
func (s *Signer) Issue(outboxID int64, personID string, expires time.Time) (string, error) {
	if outboxID <= 0 {
		return "", fmt.Errorf("issue token: outbox id %d", outboxID)
	}
	day := expiryDay(expires)
	var buf [binary.MaxVarintLen64 + 2 + macSize]byte
	n := binary.PutUvarint(buf[:], uint64(outboxID))
	binary.BigEndian.PutUint16(buf[n:], day)
	n += 2
	mac := s.sum(buf[:n], personID)
	copy(buf[n:], mac[:])
	return enc.EncodeToString(buf[:n+macSize]), nil
}

func expiryDay(t time.Time) uint16 {
	d := t.UTC().Sub(epoch)
	days := (d + 24*time.Hour - 1) / (24 * time.Hour)
	switch {
	case days < 0:
		return 0
	case days > 0xffff:
		return 0xffff
	}
	return uint16(days)
}

func (s *Signer) sum(fields []byte, personID string) [macSize]byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("sollecito-reply-token-v1\x00"))
	h.Write(fields)
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(strings.TrimSpace(personID))))
	var out [macSize]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Parse reads a token's fields without checking its signature; it accepts
// any letter case. The error is ErrMalformed.
func Parse(text string) (Token, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	if len(text) < minLen || len(text) > MaxLen {
		return Token{}, ErrMalformed
	}
	raw, err := enc.DecodeString(text)
	if err != nil || len(raw) < 1+2+macSize {
		return Token{}, ErrMalformed
	}
	// Canonical form only: a token re-encodes to the same text.
	if enc.EncodeToString(raw) != text {
		return Token{}, ErrMalformed
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id == 0 || id > 1<<62 || len(raw) != n+2+macSize {
		return Token{}, ErrMalformed
	}
	// Minimal varint encoding only, so one message has one token.
	var chk [binary.MaxVarintLen64]byte
	if binary.PutUvarint(chk[:], id) != n {
		return Token{}, ErrMalformed
	}
	day := binary.BigEndian.Uint16(raw[n:])
	t := Token{OutboxID: int64(id), Expires: epoch.Add(time.Duration(day) * 24 * time.Hour)}
	copy(t.mac[:], raw[n+2:])
	return t, nil
}

// Verify parses text and checks that it was issued to personID by this
// signer's key and is still valid at now. It returns ErrMalformed,
// ErrSignature or ErrExpired.
func (s *Signer) Verify(text, personID string, now time.Time) (Token, error) {
	t, err := Parse(text)
	if err != nil {
		return t, err
	}
	raw, _ := enc.DecodeString(strings.ToLower(strings.TrimSpace(text)))
	want := s.sum(raw[:len(raw)-macSize], personID)
	if !hmac.Equal(want[:], t.mac[:]) {
		return t, ErrSignature
	}
	if !now.Before(t.Expires) {
		return t, ErrExpired
	}
	return t, nil
}
