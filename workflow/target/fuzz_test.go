package target

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"sollecito/workflow/value"
)

// FuzzParse checks that Parse never panics and that its answers hold
// together: the text is kept, an unreadable target is shown as written and
// never evaluated, a readable one accepts its own kind, is met at its
// threshold exactly when the comparison includes equality, and reads the
// same when its Italian description is parsed again. The seed corpus is
// every target of the seed plan, run in every go test.
func FuzzParse(f *testing.F) {
	file, err := os.Open("testdata/seed_targets.txt")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			f.Add(l)
		}
	}
	file.Close()
	for _, s := range []string{"≥ 90%", "(", ")(", "entro il 29/02/2023", "n. x = 1e9", "<= 1.234,5 €", "scostamento <= 0 mesi", ">= -5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tg := Parse(text)
		if tg.Text() != text {
			t.Fatalf("Text() = %q, want %q", tg.Text(), text)
		}
		if !tg.Readable() {
			if tg.Describe("it") != text || tg.Describe("en") != text {
				t.Fatalf("unreadable %q described as %q", text, tg.Describe("it"))
			}
			for _, k := range []string{value.KindPercent, value.KindCount, value.KindYesNo, value.KindDate} {
				if _, ok := tg.Evaluate(value.Value{Kind: k, Number: 1, Bool: true}); ok {
					t.Fatalf("unreadable %q gave a verdict", text)
				}
			}
			return
		}
		kind := tg.Kind()
		if kind == "" || !tg.Accepts(kind) {
			t.Fatalf("readable %q has kind %q it does not accept", text, kind)
		}
		if tg.Describe("it") == "" || tg.Describe("en") == "" {
			t.Fatalf("readable %q has an empty description", text)
		}
		if again := Parse(tg.Describe("it")); reading(again) != reading(tg) {
			t.Fatalf("%q reads as %s, its description %q as %s", text, reading(tg), tg.Describe("it"), reading(again))
		}
		at := value.Value{Kind: kind, Number: tg.Threshold(), Date: tg.Date(), Bool: true}
		if tg.measure == measureTime {
			at.Number *= tg.minDays // the threshold in days
		}
		met, ok := tg.Evaluate(at)
		if tg.unit == "mesi" {
			return // a month is 28 to 31 days: no exact boundary
		}
		if kind != value.KindYesNo && kind != value.KindDate && !ok {
			t.Fatalf("%q gave no verdict at its own threshold", text)
		}
		inclusive := tg.Op() == OpGE || tg.Op() == OpLE || tg.Op() == OpEQ || kind == value.KindYesNo
		if ok && met != inclusive {
			t.Fatalf("%q at its threshold: met = %v, op %s", text, met, tg.Op())
		}
	})
}
