package mailread

import (
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// readHeader fills the header fields of m. Malformed fields fall back to a
// lenient reading instead of failing: a reply from a sloppy client must still
// be read.
func readHeader(m *Mail, h message.Header) {
	mh := mail.Header{Header: h}

	from := addresses(mh, "From")
	if len(from) > 0 {
		m.From = from[0].addr
		m.FromName = from[0].name
	}
	for _, a := range addresses(mh, "To") {
		m.To = appendUnique(m.To, a.exact)
	}
	for _, a := range addresses(mh, "Cc") {
		m.Cc = appendUnique(m.Cc, a.exact)
	}
	for _, key := range []string{"Delivered-To", "X-Original-To", "X-Forwarded-To", "Envelope-To"} {
		for _, v := range h.Values(key) {
			for _, a := range addrRE.FindAllString(v, -1) {
				m.DeliveredTo = appendUnique(m.DeliveredTo, lowerDomain(a))
			}
		}
	}

	subject, err := mh.Subject()
	if err != nil {
		subject = h.Get("Subject")
	}
	m.Subject = strings.TrimSpace(collapseSpace(validUTF8(subject)))

	m.MessageID = firstID(mh, "Message-Id")
	m.InReplyTo = firstID(mh, "In-Reply-To")
	m.References = ids(mh, "References")

	if d, err := mh.Date(); err == nil {
		m.Date = d
	}
}

// address is one parsed mailbox: addr is lowercased, exact keeps the case of
// the local part (where a plus-addressed token lives) and lowercases the
// domain.
type address struct{ name, addr, exact string }

// lowerDomain lowercases the domain of an address and keeps its local part.
func lowerDomain(a string) string {
	a = strings.TrimRight(a, ".")
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		return a[:i] + strings.ToLower(a[i:])
	}
	return a
}

// addresses parses an address-list header field; when it is malformed the
// addresses found in its text are returned without names.
func addresses(h mail.Header, key string) []address {
	list, err := h.AddressList(key)
	if err == nil {
		out := make([]address, 0, len(list))
		for _, a := range list {
			if a.Address == "" {
				continue
			}
			out = append(out, address{name: validUTF8(a.Name), addr: strings.ToLower(a.Address), exact: lowerDomain(a.Address)})
		}
		return out
	}
	raw, terr := h.Text(key)
	if terr != nil {
		raw = h.Get(key)
	}
	var out []address
	for _, a := range addrRE.FindAllString(raw, -1) {
		out = append(out, address{addr: strings.ToLower(strings.TrimRight(a, ".")), exact: lowerDomain(a)})
	}
	return out
}

// addrRE matches a bare addr-spec inside arbitrary text.
var addrRE = regexp.MustCompile(`[^\s<>"(),;:\[\]]+@[^\s<>"(),;:\[\]]+`)

// findAddresses returns the lowercased addresses that appear in s.
func findAddresses(s string) []string {
	found := addrRE.FindAllString(s, -1)
	for i, a := range found {
		found[i] = strings.ToLower(strings.TrimRight(a, "."))
	}
	return found
}

// idRE matches one bracketed message identifier.
var idRE = regexp.MustCompile(`<([^<>\s]+)>`)

// ids parses a list of message identifiers, falling back to a lenient scan.
func ids(h mail.Header, key string) []string {
	list, err := h.MsgIDList(key)
	if err == nil {
		return list
	}
	var out []string
	for _, sub := range idRE.FindAllStringSubmatch(h.Get(key), -1) {
		out = append(out, sub[1])
	}
	if len(out) == 0 {
		if v := strings.TrimSpace(h.Get(key)); v != "" && !strings.ContainsAny(v, " \t<>") {
			out = append(out, v)
		}
	}
	return out
}

// firstID returns the first message identifier of a field, or "".
func firstID(h mail.Header, key string) string {
	if l := ids(h, key); len(l) > 0 {
		return l[0]
	}
	return ""
}

// maxAddrs bounds each address list, so that a header naming thousands of
// recipients cannot make reading quadratic.
const maxAddrs = 500

// appendUnique appends the values of add that list does not hold yet.
func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		if len(list) >= maxAddrs {
			break
		}
		dup := false
		for _, l := range list {
			if l == a {
				dup = true
				break
			}
		}
		if !dup && a != "" {
			list = append(list, a)
		}
	}
	return list
}

// validUTF8 returns s unchanged when it is valid UTF-8; otherwise it reads
// s as Windows-1252, the charset undeclared 8-bit mail almost always uses.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	r, err := charset.Reader("windows-1252", strings.NewReader(s))
	if err == nil {
		if b, err := io.ReadAll(r); err == nil && utf8.Valid(b) {
			return string(b)
		}
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// collapseSpace turns runs of white space (folded headers) into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// forwardPrefixRE matches the subject prefixes clients put on forwards:
// "Fwd:", "Fw:" and Outlook Italian "I:" / "Inoltro:".
var forwardPrefixRE = regexp.MustCompile(`(?i)^\s*(fwd?|i|inoltro|inoltra|tr|wg)\s*:`)

// hasForwardPrefix reports whether a subject says the mail is a forward.
func hasForwardPrefix(subject string) bool {
	return forwardPrefixRE.MatchString(subject)
}

// isPECEnvelope reports whether h is the header of an Italian certified-mail
// transport envelope (busta di trasporto, or busta di anomalia), which carries
// the real message as postacert.eml. Receipts (X-Ricevuta) are not envelopes.
func isPECEnvelope(h message.Header) bool {
	switch strings.ToLower(strings.TrimSpace(h.Get("X-Trasporto"))) {
	case "posta-certificata", "errore":
		return true
	}
	subject, _ := (&mail.Header{Header: h}).Subject()
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(subject)), "POSTA CERTIFICATA:")
}

// oofSubjectRE matches the subjects of out-of-office and other automatic
// replies, in Italian and English, as Exchange, Gmail and webmail write them.
var oofSubjectRE = regexp.MustCompile(`(?i)^\s*(risposta automatica|autorisposta|risposta di assenza|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponse|out of (the )?office|fuori sede|fuori ufficio|assente dal|assenza dal|messaggio automatico|vacation reply|abwesenheitsnotiz|réponse automatique)\b`)

// robotLocalRE matches the local parts of mailer daemons.
var robotLocalRE = regexp.MustCompile(`^(mailer-daemon|mailerdaemon|mail-daemon|postmaster)$`)

// noreplyLocalRE matches the local parts of addresses that take no answers.
var noreplyLocalRE = regexp.MustCompile(`^(no-?reply|do-?not-?reply|no_reply|noreply-.*|bounces?)$`)

// automatic decides whether a robot sent the mail and why. The order puts the
// most specific reason first. X-Auto-Response-Suppress is deliberately not
// consulted: Exchange puts it on ordinary mail too.
func automatic(h message.Header, m *Mail, b *body) (bool, string) {
	local := m.From
	if i := strings.LastIndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	autoSubmitted := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))
	if i := strings.IndexByte(autoSubmitted, ';'); i >= 0 {
		autoSubmitted = strings.TrimSpace(autoSubmitted[:i])
	}
	precedence := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))

	switch {
	case b.reportType == "delivery-status" || b.bounce != nil:
		return true, "bounce"
	case h.Has("X-Ricevuta"):
		return true, "pec-receipt"
	case b.reportType == "disposition-notification":
		return true, "read-receipt"
	case robotLocalRE.MatchString(local):
		return true, "mailer-daemon"
	case h.Has("X-Failed-Recipients"):
		return true, "bounce"
	case oofSubjectRE.MatchString(m.Subject),
		h.Has("X-Autoreply"), h.Has("X-Autorespond"), h.Has("X-Autoresponder"),
		autoSubmitted == "auto-replied" && h.Has("X-Auto-Response-Suppress"):
		return true, "out-of-office"
	case autoSubmitted != "" && autoSubmitted != "no":
		return true, "auto-submitted"
	case strings.TrimSpace(h.Get("Return-Path")) == "<>":
		return true, "null-sender"
	case precedence == "bulk" || precedence == "junk" || precedence == "list" || precedence == "auto_reply":
		return true, "precedence"
	case noreplyLocalRE.MatchString(local):
		return true, "noreply"
	}
	return false, ""
}
