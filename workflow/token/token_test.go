package token

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef-test-key")

func signer(t testing.TB) *Signer {
	t.Helper()
	s, err := NewSigner(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIssueVerify(t *testing.T) {
	s := signer(t)
	now := time.Date(2024, 7, 20, 10, 0, 0, 0, time.UTC)
	expires := now.Add(120 * 24 * time.Hour)
	tok, err := s.Issue(1234, "anna", expires)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSigner([]byte("another key, sixteen+ bytes"))
	tests := []struct {
		name   string
		text   string
		person string
		at     time.Time
		signer *Signer
		want   error
	}{
		{"as issued", tok, "anna", now, s, nil},
		{"upper case, as some servers rewrite it", strings.ToUpper(tok), "anna", now, s, nil},
		{"person id in another case", tok, "ANNA", now, s, nil},
		{"another person", tok, "bruno", now, s, ErrSignature},
		{"another key", tok, "anna", now, other, ErrSignature},
		{"last valid day", tok, "anna", expires, s, nil},
		{"the day after expiry", tok, "anna", expires.Add(24 * time.Hour), s, ErrExpired},
		{"one letter changed", flip(tok, 3), "anna", now, s, ErrSignature},
		{"signature changed", flip(tok, len(tok)-2), "anna", now, s, ErrSignature},
		{"cut short", tok[:len(tok)-3], "anna", now, s, ErrMalformed},
		{"not base32", tok[:5] + "1" + tok[6:], "anna", now, s, ErrMalformed},
		{"empty", "", "anna", now, s, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.signer.Verify(tc.text, tc.person, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify(%q, %q) = %v, want %v", tc.text, tc.person, err, tc.want)
			}
			if err == nil && got.OutboxID != 1234 {
				t.Errorf("outbox id %d, want 1234", got.OutboxID)
			}
		})
	}
}

func flip(s string, i int) string {
	c := 'a'
	if s[i] == 'a' {
		c = 'b'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestTokenIsShortStableAndLowerCase(t *testing.T) {
	s := signer(t)
	exp := time.Date(2024, 11, 17, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		id     int64
		maxLen int
	}{{1, 15}, {127, 15}, {2_000_000, 18}, {1 << 40, 24}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.id), func(t *testing.T) {
			a, _ := s.Issue(tc.id, "anna", exp)
			b, _ := s.Issue(tc.id, "anna", exp.Add(time.Hour)) // same day: same token
			if a != b {
				t.Errorf("a message sent again got another token: %q, %q", a, b)
			}
			if len(a) > tc.maxLen || strings.ToLower(a) != a {
				t.Errorf("token %q: %d characters (max %d), want lower case", a, len(a), tc.maxLen)
			}
			p, err := Parse(a)
			if err != nil || p.OutboxID != tc.id || !p.Expires.Equal(time.Date(2024, 11, 18, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("Parse(%q) = %+v, %v", a, p, err)
			}
		})
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	s := signer(t)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v", s, s, s)} {
		if strings.Contains(out, "0123456789abcdef") {
			t.Errorf("the key was printed: %s", out)
		}
	}
	if _, err := NewSigner([]byte("short")); err == nil || strings.Contains(err.Error(), "short") {
		t.Errorf("short key: error %v must refuse it without quoting it", err)
	}
}

func TestFind(t *testing.T) {
	s := signer(t)
	tok, _ := s.Issue(42, "anna", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	form := "sollecito+{token}@Comune.Example.it"
	tests := []struct {
		name      string
		addrs     []string
		ids       []string
		subject   string
		wantWhere []Where
	}{
		{"plus address", []string{"sollecito+" + tok + "@comune.example.it"}, nil, "Re: x", []Where{InAddress}},
		{"plus address lowercased by the server", []string{strings.ToUpper("sollecito+" + tok + "@comune.example.it")}, nil, "", []Where{InAddress}},
		{"another mailbox", []string{"altro+" + tok + "@comune.example.it"}, nil, "", nil},
		{"threading only", []string{"sollecito@comune.example.it"}, []string{"<sollecito." + tok + "@comune.example.it>"}, "", []Where{InMessageID}},
		{"subject only", nil, []string{"CAF123@mail.gmail.com"}, "R: Promemoria [S-" + strings.ToUpper(tok) + "]", []Where{InSubject}},
		{"all three, same token listed once", []string{"sollecito+" + tok + "@comune.example.it"}, []string{"sollecito." + tok + "@x"}, "[S-" + tok + "]", []Where{InAddress}},
		{"none", []string{"sollecito@comune.example.it"}, []string{"abc@def"}, "Re: Promemoria", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Find(form, tc.addrs, tc.ids, tc.subject)
			if len(got) != len(tc.wantWhere) {
				t.Fatalf("Find = %+v, want %v", got, tc.wantWhere)
			}
			for i, f := range got {
				if f.Where != tc.wantWhere[i] || f.Text != tok {
					t.Errorf("found %+v, want %s in %s", f, tok, tc.wantWhere[i])
				}
			}
		})
	}
}

func TestBuilders(t *testing.T) {
	if got := Address("sollecito+{token}@comune.example.it", "abc"); got != "sollecito+abc@comune.example.it" {
		t.Errorf("Address = %q", got)
	}
	if got, ok := FromMessageID("<" + MessageID("aaaaaaaaaaaaaaaa", "x.it") + ">"); !ok || got != "aaaaaaaaaaaaaaaa" {
		t.Errorf("FromMessageID = %q %v", got, ok)
	}
	if got, ok := FromSubject("Promemoria " + SubjectTag("bbbbbbbbbbbbbbbb")); !ok || got != "bbbbbbbbbbbbbbbb" {
		t.Errorf("FromSubject = %q %v", got, ok)
	}
}
