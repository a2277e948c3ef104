package token

import (
	"regexp"
	"strings"
)

// Where says where a token was found in a mail.
type Where string

// The places a token travels in.
const (
	InAddress   Where = "address"    // To, Cc or Delivered-To: the Reply-To plus-address
	InMessageID Where = "message-id" // In-Reply-To or References: our own Message-ID
	InSubject   Where = "subject"    // the subject tag
)

// Found is a token text found in a mail.
type Found struct {
	Text  string
	Where Where
}

// Placeholder is what the reply address form holds where the token goes.
const Placeholder = "{token}"

// Address writes the reply address for a token from the configured form
// ("sollecito+{token}@comune.example.it").
func Address(form, tok string) string {
	return strings.Replace(form, Placeholder, tok, 1)
}

// MessageID returns our own Message-ID carrying a token, without angle
// brackets: "sollecito.TOKEN@domain".
func MessageID(tok, domain string) string {
	return "sollecito." + tok + "@" + domain
}

// SubjectTag returns the short tag put at the end of a subject.
func SubjectTag(tok string) string { return "[S-" + tok + "]" }

var (
	msgIDRE   = regexp.MustCompile(`(?i)^sollecito\.([a-z2-7]{15,29})@`)
	subjectRE = regexp.MustCompile(`(?i)\[S-([a-z2-7]{15,29})\]`)
)

// FromAddress returns the token in addr when addr has the shape of the
// reply address form: the same text before and after {token}, compared
// without regard to case, and a token-shaped middle.
func FromAddress(form, addr string) (string, bool) {
	before, after, ok := strings.Cut(strings.ToLower(strings.TrimSpace(form)), Placeholder)
	if !ok {
		return "", false
	}
	a := strings.ToLower(strings.TrimSpace(addr))
	if len(a) < len(before)+len(after) || !strings.HasPrefix(a, before) || !strings.HasSuffix(a, after) {
		return "", false
	}
	mid := a[len(before) : len(a)-len(after)]
	if !shaped(mid) {
		return "", false
	}
	return mid, true
}

// FromMessageID returns the token in one of our own Message-IDs (with or
// without angle brackets).
func FromMessageID(id string) (string, bool) {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	m := msgIDRE.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// FromSubject returns the token of the last subject tag.
func FromSubject(subject string) (string, bool) {
	all := subjectRE.FindAllStringSubmatch(subject, -1)
	if len(all) == 0 {
		return "", false
	}
	return strings.ToLower(all[len(all)-1][1]), true
}

func shaped(s string) bool {
	if len(s) < minLen || len(s) > MaxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Find lists the token texts a mail carries, most trusted first: the
// addresses it was sent to (when form is set), then our Message-IDs in its
// threading headers, then the subject tag. The same text is listed once.
func Find(form string, addrs, threadIDs []string, subject string) []Found {
	var out []Found
	seen := map[string]bool{}
	add := func(t string, w Where) {
		if !seen[t] {
			seen[t] = true
			out = append(out, Found{Text: t, Where: w})
		}
	}
	if form != "" {
		for _, a := range addrs {
			if t, ok := FromAddress(form, a); ok {
				add(t, InAddress)
			}
		}
	}
	for _, id := range threadIDs {
		if t, ok := FromMessageID(id); ok {
			add(t, InMessageID)
		}
	}
	if t, ok := FromSubject(subject); ok {
		add(t, InSubject)
	}
	return out
}
