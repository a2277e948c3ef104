package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one e-mail to send. Addresses may carry a display name
// ("Mario Rossi <mario.rossi@example.it>"); To may list several addresses
// separated by commas.
type Message struct {
	From, To, ReplyTo string
	// ReturnPath is the envelope sender (MAIL FROM), where bounces go; empty
	// means the From address.
	ReturnPath string
	Subject    string
	Text, HTML string
	// MessageID is written as given, angle brackets added when missing.
	MessageID  string
	InReplyTo  string
	References []string
	// Headers are extra headers such as Auto-Submitted.
	Headers map[string]string
	Date    time.Time
}

// structural headers Format writes itself; Headers may not override them.
var reserved = []string{
	"Bcc", "Cc", "Content-Transfer-Encoding", "Content-Type", "Date", "From",
	"In-Reply-To", "Message-Id", "Mime-Version", "References", "Reply-To",
	"Subject", "To",
}

// Format renders m as an RFC 5322 message with CRLF line ends: UTF-8,
// quoted-printable bodies, multipart/alternative when both Text and HTML
// are set, RFC 2047 encoded header values, CR and LF in header values
// replaced by spaces. It is pure: the same message gives the same bytes.
func Format(m *Message) ([]byte, error) {
	if m == nil {
		return nil, errors.New("format message: nil message")
	}
	if m.Date.IsZero() {
		return nil, errors.New("format message: date missing")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("format message: no text and no HTML body")
	}
	from, err := parseList("From", m.From)
	if err != nil {
		return nil, err
	}
	if len(from) != 1 {
		return nil, fmt.Errorf("format message: From must hold one address, got %d", len(from))
	}
	to, err := parseList("To", m.To)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header(&b, "Date", m.Date.Format(time.RFC1123Z))
	header(&b, "From", joinAddrs(from))
	header(&b, "To", joinAddrs(to))
	if m.ReplyTo != "" {
		rt, err := parseList("Reply-To", m.ReplyTo)
		if err != nil {
			return nil, err
		}
		header(&b, "Reply-To", joinAddrs(rt))
	}
	header(&b, "Subject", encodeWords(clean(m.Subject)))
	if m.MessageID != "" {
		header(&b, "Message-ID", msgID(m.MessageID))
	}
	if m.InReplyTo != "" {
		header(&b, "In-Reply-To", msgID(m.InReplyTo))
	}
	if len(m.References) > 0 {
		ids := make([]string, 0, len(m.References))
		for _, r := range m.References {
			if r = clean(r); r != "" {
				ids = append(ids, msgID(r))
			}
		}
		if len(ids) > 0 {
			header(&b, "References", strings.Join(ids, " "))
		}
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		name := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))
		if !validName(name) {
			return nil, fmt.Errorf("format message: invalid header name %q", k)
		}
		if slices.Contains(reserved, name) {
			return nil, fmt.Errorf("format message: header %s is set by its own field", name)
		}
		header(&b, name, encodeWords(clean(m.Headers[k])))
	}
	header(&b, "MIME-Version", "1.0")
	switch {
	case m.Text != "" && m.HTML != "":
		boundary := boundaryFor(m)
		header(&b, "Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		b.WriteString("\r\n")
		b.WriteString("--" + boundary + "\r\n")
		part(&b, "text/plain", m.Text)
		b.WriteString("\r\n--" + boundary + "\r\n")
		part(&b, "text/html", m.HTML)
		b.WriteString("\r\n--" + boundary + "--\r\n")
	case m.Text != "":
		part(&b, "text/plain", m.Text)
	default:
		part(&b, "text/html", m.HTML)
	}
	return b.Bytes(), nil
}

// part writes the Content-Type and encoding headers, a blank line and the
// quoted-printable body.
func part(b *bytes.Buffer, ctype, body string) {
	header(b, "Content-Type", ctype+"; charset=utf-8")
	header(b, "Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	w := quotedprintable.NewWriter(b)
	_, _ = w.Write([]byte(body)) // writes to a bytes.Buffer cannot fail
	_ = w.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
}

// boundaryFor derives the multipart boundary from the content, so Format
// stays pure. "=_" never occurs in quoted-printable text, so the boundary
// cannot collide with a body line.
func boundaryFor(m *Message) string {
	h := sha256.Sum256([]byte(m.Text + "\x00" + m.HTML))
	return "=_sollecito_" + hex.EncodeToString(h[:12])
}

// header writes "Name: value", folding long values at spaces.
func header(b *bytes.Buffer, name, value string) {
	line := name + ":"
	lineLen := len(line)
	for i, word := range strings.Split(value, " ") {
		if i > 0 && lineLen+1+len(word) > 76 {
			b.WriteString(line + "\r\n")
			line, lineLen = " "+word, 1+len(word)
			continue
		}
		line += " " + word
		lineLen += 1 + len(word)
	}
	b.WriteString(line + "\r\n")
}

// clean replaces each run of CR and LF with one space, so a value can never
// start a new header line.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return '\n'
		}
		return r
	}, s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' }), " ")
}

// encodeWords applies RFC 2047 Q-encoding to values that are not ASCII,
// as several encoded-words short enough that every folded line stays within
// 76 characters.
func encodeWords(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	const maxText = 40 // encoded characters per word, plus 12 for "=?utf-8?q?" and "?="
	var words []string
	var chunk strings.Builder
	size := 0
	for _, r := range s {
		n := qLen(r)
		if size+n > maxText && chunk.Len() > 0 {
			words = append(words, qWord(chunk.String()))
			chunk.Reset()
			size = 0
		}
		chunk.WriteRune(r)
		size += n
	}
	if chunk.Len() > 0 {
		words = append(words, qWord(chunk.String()))
	}
	return strings.Join(words, " ")
}

// qWord Q-encodes s as one encoded-word, even when s is ASCII: the space
// between two encoded-words is dropped by readers, the one between an
// encoded-word and plain text is not.
func qWord(s string) string {
	var b strings.Builder
	b.WriteString("=?utf-8?q?")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c > ' ' && c < utf8.RuneSelf && c != '=' && c != '?' && c != '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	b.WriteString("?=")
	return b.String()
}

// qLen is the length of r once Q-encoded.
func qLen(r rune) int {
	if r == ' ' || (r > ' ' && r < utf8.RuneSelf && r != '=' && r != '?' && r != '_') {
		return 1
	}
	return 3 * utf8.RuneLen(r)
}

func msgID(id string) string {
	id = strings.TrimSpace(clean(id))
	if !strings.HasPrefix(id, "<") {
		id = "<" + id
	}
	if !strings.HasSuffix(id, ">") {
		id += ">"
	}
	return id
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}

// parseList parses one or more addresses; an error here is a bad address,
// which retrying cannot fix.
func parseList(field, s string) ([]*mail.Address, error) {
	s = clean(s)
	if strings.TrimSpace(s) == "" {
		return nil, &Error{Kind: KindAddress, Field: field, Err: errors.New("empty")}
	}
	list, err := mail.ParseAddressList(s)
	if err != nil {
		return nil, &Error{Kind: KindAddress, Field: field, Address: s, Err: err}
	}
	return list, nil
}

func joinAddrs(list []*mail.Address) string {
	parts := make([]string, len(list))
	for i, a := range list {
		// mail.Address.String Q-encodes a non-ASCII display name.
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}
