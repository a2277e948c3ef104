package token

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that any text either fails to parse or parses to a
// token whose only valid spelling is the signer's own, and that the
// finders never panic or return a non-token.
func FuzzParse(f *testing.F) {
	s, _ := NewSigner(testKey)
	exp := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range []int64{1, 300, 2_000_000, 1 << 50} {
		tok, _ := s.Issue(id, "anna", exp)
		f.Add(tok)
		f.Add(strings.ToUpper(tok))
		f.Add("sollecito+" + tok + "@comune.example.it")
		f.Add("[S-" + tok + "]")
	}
	f.Add("")
	f.Add("aaaaaaaaaaaaaaa")
	f.Add("77777777777777777777777777777")
	f.Add("k7QxZ2")
	f.Fuzz(func(t *testing.T, text string) {
		tok, err := Parse(text)
		if err == nil {
			if tok.OutboxID <= 0 {
				t.Fatalf("Parse(%q) gave outbox id %d", text, tok.OutboxID)
			}
			_, verr := s.Verify(text, "anna", tok.Expires.Add(-time.Hour))
			if verr == ErrMalformed || verr == ErrExpired {
				t.Fatalf("Verify says %v of what Parse read: %q", verr, text)
			}
			// A token that verifies is exactly what the signer writes for
			// its fields, up to letter case: no second spelling exists.
			again, _ := s.Issue(tok.OutboxID, "anna", tok.Expires.Add(-time.Hour))
			if verr == nil && again != strings.ToLower(strings.TrimSpace(text)) {
				t.Fatalf("%q verifies but the signer writes %q", text, again)
			}
		}
		for _, f := range Find("sollecito+{token}@x.it", []string{text}, []string{text}, text) {
			if !shaped(f.Text) {
				t.Fatalf("Find returned %q from %q", f.Text, text)
			}
		}
	})
}
