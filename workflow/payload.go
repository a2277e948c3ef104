package workflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A batch payload is stored as text, one line per entry after the moment
// of the sweep:
//
//	2024-07-31T07:00:00Z
//	ind:I-01.1:2024-S1	r3@2024-07-31	reminder	0
//	ind:I-01.2:2024-S1	n1@2024-07-24	nag	1
//
// (item, step, kind, working days late, separated by tabs). A year of a
// large plan writes and reads about a million entries: this form costs a
// fraction of JSON's reflection both ways, and stays readable in the
// database. Item keys and step names never hold tabs or line breaks (plan
// ids are letters, digits, dots, dashes and underscores).

// Encode writes the payload in its stored form.
func (p BatchPayload) Encode() (string, error) {
	var b strings.Builder
	b.Grow(32 + 48*len(p.Entries))
	b.WriteString(p.At.UTC().Format(time.RFC3339Nano))
	for _, en := range p.Entries {
		if strings.ContainsAny(en.Item, "\t\n") || strings.ContainsAny(en.Step, "\t\n") || strings.ContainsAny(en.Kind, "\t\n") {
			return "", fmt.Errorf("batch entry %q %q: tab or line break in a key", en.Item, en.Step)
		}
		b.WriteByte('\n')
		b.WriteString(en.Item)
		b.WriteByte('\t')
		b.WriteString(en.Step)
		b.WriteByte('\t')
		b.WriteString(en.Kind)
		b.WriteByte('\t')
		b.WriteString(strconv.Itoa(en.Late))
	}
	return b.String(), nil
}

// errPayload is returned for a payload that is not a batch.
var errPayload = errors.New("payload illeggibile")

// DecodeBatchPayload reads a stored batch payload. The entries' strings
// share the payload's memory.
func DecodeBatchPayload(s string) (BatchPayload, error) {
	head, rest, _ := strings.Cut(s, "\n")
	at, err := time.Parse(time.RFC3339Nano, head)
	if err != nil {
		return BatchPayload{}, fmt.Errorf("%w: %v", errPayload, err)
	}
	p := BatchPayload{At: at, Entries: make([]Entry, 0, strings.Count(rest, "\n")+1)}
	for line := range strings.SplitSeq(rest, "\n") {
		if line == "" {
			continue
		}
		item, r, ok1 := strings.Cut(line, "\t")
		step, r, ok2 := strings.Cut(r, "\t")
		kind, late, ok3 := strings.Cut(r, "\t")
		n, err := strconv.Atoi(late)
		if !ok1 || !ok2 || !ok3 || err != nil || item == "" {
			return BatchPayload{}, fmt.Errorf("%w: riga %q", errPayload, line)
		}
		p.Entries = append(p.Entries, Entry{Item: item, Step: step, Kind: internKind(kind), Late: n})
	}
	return p, nil
}
