package simulate_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/scheduler/simulate"
	"sollecito/workflow/calendar"
)

func sampleRun(t *testing.T, rate float64, seed uint64) *simulate.Result {
	t.Helper()
	l, err := config.Load(config.Options{PlanPath: "../../testdata/sample/plan.yaml", DataDir: t.TempDir(),
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	l.Config.TrackingStart = "01/01/2024"
	loc := l.Location()
	res, err := simulate.Run(context.Background(), simulate.Options{Loaded: l, DBPath: filepath.Join(t.TempDir(), "sim.db"),
		From: time.Date(2024, 7, 1, 0, 0, 0, 0, loc), To: time.Date(2024, 9, 30, 23, 0, 0, 0, loc), AnswerRate: rate, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// count returns how many sent messages speak of item with kind.
func count(res *simulate.Result, item, kind string) int {
	n := 0
	for _, s := range res.Sent {
		for i, it := range s.Items {
			if it == item && s.Kinds[i] == kind {
				n++
			}
		}
	}
	return n
}

func TestSimulationIsDeterministicAndAnswersStopTheLadder(t *testing.T) {
	a, b := sampleRun(t, 0.5, 7), sampleRun(t, 0.5, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different simulations")
	}
	if len(a.Sent) == 0 || a.Answers == 0 {
		t.Fatalf("nothing happened: %d messages, %d answers", len(a.Sent), a.Answers)
	}
	silent := sampleRun(t, 0, 7)
	all := sampleRun(t, 1, 7)
	// I-01.1 (S1, due 31/07/2024): reminded in both runs before anybody
	// could answer, nagged only where nobody does.
	if count(silent, "I-01.1@2024-S1", "reminder") == 0 || count(silent, "I-01.1@2024-S1", "nag") == 0 {
		t.Fatalf("without answers I-01.1 should be reminded and nagged: %+v", silent.Sent)
	}
	ladder := func(res *simulate.Result) int {
		n := 0
		for _, s := range res.Sent {
			for _, k := range s.Kinds {
				if k == "nag" || k == "escalation" {
					n++
				}
			}
		}
		return n
	}
	// Everything answered (some of it late): the ladders stop, so far
	// fewer nags and escalations than when nobody answers.
	if with, without := ladder(all), ladder(silent); with*2 > without {
		t.Fatalf("answers did not stop the ladders: %d nag/escalation lines with answers, %d without", with, without)
	}
	var people []string
	for _, s := range silent.Sent {
		if !slices.Contains(people, s.Person) {
			people = append(people, s.Person)
		}
	}
	if !slices.Contains(people, "valsecchi-daniela") {
		t.Fatalf("the responsabile never heard of her people's lateness: %v", people)
	}
}

// TestSimulatedAnswersComeOnWorkingDays: nobody answers on a Sunday, a
// public holiday or the patron saint's day.
func TestSimulatedAnswersComeOnWorkingDays(t *testing.T) {
	opt := sampleOptions(t, 1)
	var days []time.Time
	opt.Print = printer(func(line string) {
		if strings.HasPrefix(line, "──── ") {
			if d, err := time.ParseInLocation("02/01/2006", line[len("──── "):len("──── ")+10], opt.Loaded.Location()); err == nil {
				days = append(days, d)
			}
		}
	})
	if _, err := simulate.Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if len(days) < 10 {
		t.Fatalf("only %d answers printed", len(days))
	}
	cal := calendar.New(opt.Loaded.CalendarSettings())
	for _, d := range days {
		if day := calendar.DateOf(d); !cal.IsWorkingDay(day) {
			t.Errorf("an answer on %s, not a working day", day.Italian())
		}
	}
}

// printer calls fn with each line written.
type printer func(line string)

func (p printer) Write(b []byte) (int, error) {
	for _, l := range strings.Split(string(b), "\n") {
		p(l)
	}
	return len(b), nil
}
