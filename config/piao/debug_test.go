package piao

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugCard(t *testing.T) {
	at := os.Getenv("PIAO_DEBUG")
	if at == "" {
		t.Skip()
	}
	text := readSeed(t)
	v := buildVocabulary(string(text))
	lines := splitLines(string(text), v)
	for _, c := range segmentCards(lines) {
		if fmt.Sprint(c.anchor) != at {
			continue
		}
		for _, l := range c.header {
			fmt.Printf("H %d %q\n", l.n, l.text)
		}
		b := sortBody(c.body)
		for _, p := range b.pre {
			fmt.Printf("pre %d %q\n", p.line, p.text)
		}
		for k, ps := range b.fields {
			for _, p := range ps {
				fmt.Printf("F%d %d %.100q\n", k, p.line, p.text)
			}
		}
		for _, l := range b.indLines {
			fmt.Printf("IND %d %.120q\n", l.n, l.text)
		}
	}
}

func TestDebugCounts(t *testing.T) {
	if os.Getenv("PIAO_COUNTS") == "" {
		t.Skip()
	}
	text := readSeed(t)
	v := buildVocabulary(string(text))
	lines := splitLines(string(text), v)
	res, _ := Import(text)
	k := 0
	for _, c := range segmentCards(lines) {
		s1 := 0
		for _, l := range c.body {
			for _, m := range quantSplitRe.FindAllStringSubmatch(l.text, -1) {
				if m[1] == "1" || m[1] == "I" || m[1] == "l" {
					s1++
				}
			}
		}
		o := res.Plan.Objectives[k]
		k++
		if s1 != len(o.Indicators) {
			fmt.Printf("%s anchor %d: S1 marks %d, indicators %d\n", o.ID, c.anchor, s1, len(o.Indicators))
		}
	}
}
