package mailread

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
)

// Limits that keep a hostile or broken mail from exhausting memory.
const (
	maxTextBytes = 4 << 20 // bytes read from one text part
	maxMsgBytes  = 8 << 20 // bytes read from an attached message
	maxParts     = 200     // parts visited in one mail
)

// body gathers what a walk over the MIME tree finds.
type body struct {
	plain       string // the first text/plain body that is not an attachment
	plainFlowed bool   // plain is format=flowed
	plainDelSp  bool   // plain has delsp=yes
	html        string // the first text/html body that is not an attachment

	reportType      string  // report-type of a multipart/report, lowercased
	bounce          *Bounce // from a message/delivery-status part
	pecInner        []byte  // raw postacert.eml, for a PEC envelope
	attachedMessage bool    // a message/rfc822 part other than postacert.eml
	parts           int
}

// walk visits e and its parts, keeping the first readable text bodies. It
// returns the first error met; what was found before the error is kept.
func (b *body) walk(e *message.Entity, depth int) error {
	b.parts++
	if b.parts > maxParts {
		return errors.New("too many parts")
	}
	if depth > maxDepth {
		return errors.New("parts nested too deeply")
	}
	mediaType, params, err := e.Header.ContentType()
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", map[string]string{}
	}
	mediaType = strings.ToLower(mediaType)

	if mr := e.MultipartReader(); mr != nil {
		if mediaType == "multipart/report" {
			b.reportType = strings.ToLower(params["report-type"])
		}
		return b.walkMultipart(mr, mediaType, depth)
	}

	disp, dparams, _ := e.Header.ContentDisposition()
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	attachment := strings.EqualFold(disp, "attachment")

	switch mediaType {
	case "text/plain":
		if attachment || b.plain != "" {
			return nil
		}
		text, err := readText(e.Body)
		b.plain = text
		b.plainFlowed = strings.EqualFold(params["format"], "flowed")
		b.plainDelSp = strings.EqualFold(params["delsp"], "yes")
		return err
	case "text/html":
		if attachment || b.html != "" {
			return nil
		}
		text, err := readText(e.Body)
		b.html = text
		return err
	case "message/delivery-status", "message/global-delivery-status":
		data, err := io.ReadAll(io.LimitReader(e.Body, maxTextBytes))
		if err != nil {
			return fmt.Errorf("read delivery status: %w", err)
		}
		if bn := parseDeliveryStatus(data); bn != nil && b.bounce == nil {
			b.bounce = bn
		}
		return nil
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers":
		data, err := io.ReadAll(io.LimitReader(e.Body, maxMsgBytes))
		if err != nil {
			return fmt.Errorf("read attached message: %w", err)
		}
		if b.reportType != "" {
			b.noteOriginal(data)
			return nil
		}
		if strings.EqualFold(filename, "postacert.eml") && b.pecInner == nil {
			b.pecInner = data
			return nil
		}
		b.attachedMessage = true
		return nil
	}
	return nil
}

// walkMultipart visits the parts of a multipart entity. For
// multipart/alternative every part is visited so that a text/plain
// alternative wins over an HTML one wherever it stands.
func (b *body) walkMultipart(mr message.MultipartReader, mediaType string, depth int) error {
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if p == nil {
			if err == nil {
				err = errors.New("empty part")
			}
			return fmt.Errorf("read %s part: %w", mediaType, err)
		}
		// An unknown charset or transfer encoding still gives a readable
		// part: read it as it is rather than lose the reply.
		if werr := b.walk(p, depth+1); werr != nil {
			return werr
		}
		if mediaType == "multipart/signed" {
			// The second part is the signature.
			return nil
		}
	}
}

// readText reads a decoded text body and returns it as valid UTF-8.
func readText(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTextBytes))
	text := validUTF8(string(data))
	if err != nil {
		return text, fmt.Errorf("read text: %w", err)
	}
	return text, nil
}

// noteOriginal records the Message-ID of the returned mail in a report.
func (b *body) noteOriginal(data []byte) {
	if b.bounce == nil {
		return
	}
	// Headers-only parts may lack the blank line that ends a header.
	data = append(bytes.TrimRight(data, "\r\n"), "\r\n\r\n"...)
	e, _ := message.Read(bytes.NewReader(data))
	if e == nil {
		return
	}
	m := &Mail{}
	readHeader(m, e.Header)
	if b.bounce.OriginalMessageID == "" {
		b.bounce.OriginalMessageID = m.MessageID
	}
}

// parseDeliveryStatus reads a message/delivery-status body (RFC 3464): one
// per-message block, then a block per recipient. It returns the first
// recipient that failed, else the first recipient, or nil.
func parseDeliveryStatus(data []byte) *Bounce {
	blocks := statusBlocks(data)
	var first *Bounce
	for i, fields := range blocks {
		if i == 0 && fields["final-recipient"] == "" && fields["original-recipient"] == "" {
			continue // the per-message block
		}
		recipient := fields["final-recipient"]
		if recipient == "" {
			recipient = fields["original-recipient"]
		}
		if j := strings.IndexByte(recipient, ';'); j >= 0 {
			recipient = recipient[j+1:]
		}
		bn := &Bounce{
			Action:     strings.ToLower(strings.TrimSpace(fields["action"])),
			Status:     statusCode(fields["status"]),
			Diagnostic: collapseSpace(fields["diagnostic-code"]),
		}
		if found := findAddresses(recipient); len(found) > 0 {
			bn.Recipient = found[0]
		}
		bn.Permanent = strings.HasPrefix(bn.Status, "5") || (bn.Status == "" && bn.Action == "failed")
		if bn.Action == "failed" {
			return bn
		}
		if first == nil {
			first = bn
		}
	}
	return first
}

// statusCode extracts the "class.subject.detail" code from a Status field.
func statusCode(s string) string {
	for _, f := range strings.Fields(s) {
		f = strings.Trim(f, "()")
		if len(f) >= 5 && (f[0] == '2' || f[0] == '4' || f[0] == '5') && f[1] == '.' {
			return f
		}
	}
	return ""
}

// statusBlocks splits a delivery-status body into blocks of fields with
// lowercased names, unfolding continuation lines.
func statusBlocks(data []byte) []map[string]string {
	var blocks []map[string]string
	cur := map[string]string{}
	last := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxTextBytes)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.TrimSpace(line) == "":
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = map[string]string{}
			}
			last = ""
		case (line[0] == ' ' || line[0] == '\t') && last != "":
			cur[last] += " " + strings.TrimSpace(line)
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			last = strings.ToLower(strings.TrimSpace(k))
			if _, dup := cur[last]; !dup {
				cur[last] = strings.TrimSpace(v)
			}
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}
