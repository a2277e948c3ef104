package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the daemon's goroutines.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the app in-process with a fixed clock and no environment.
func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb,
		lookup: func(string) (string, bool) { return "", false },
		now:    func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) }})
	return result{code, out.String(), errb.String()}
}

func TestCheckReportsFileAndLineAndExitStatus(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"good files", []string{"--config", "../../testdata/good/config.yaml", "--plan", "../../testdata/good/plan.yaml", "check"}, 0, []string{"OK:", "1 obiettivi, 1 indicatori"}},
		{"built-in defaults", []string{"check"}, 0, []string{"OK: (predefinito)"}},
		{"shipped example configuration", []string{"--config", "../../examples/sollecito.yaml", "check"}, 0, []string{"OK: ../../examples/sollecito.yaml"}},
		{"unknown key", []string{"--plan", "../../testdata/bad/unknown_key.yaml", "check"}, 1, []string{"unknown_key.yaml:9: chiave sconosciuta \"titel\""}},
		{"duplicate id", []string{"--plan", "../../testdata/bad/duplicate_id.yaml", "check"}, 1, []string{"duplicate_id.yaml:13:"}},
		{"dangling reference", []string{"--plan", "../../testdata/bad/dangling_ref.yaml", "check"}, 1, []string{"dangling_ref.yaml:13:", "dangling_ref.yaml:14:", "2 errori"}},
		{"bad type", []string{"--plan", "../../testdata/bad/bad_type.yaml", "check"}, 1, []string{"bad_type.yaml:2:", "bad_type.yaml:12:"}},
		{"bad YAML", []string{"--plan", "../../testdata/bad/bad_yaml.yaml", "check"}, 1, []string{"bad_yaml.yaml:3: YAML non valido"}},
		{"bad configuration, in English", []string{"--lang", "en", "--config", "../../testdata/bad/config_errors.yaml", "check"}, 1, []string{"config_errors.yaml:2: timezone: unknown time zone", "config_errors.yaml:9: unknown key \"hots\""}},
		{"missing file", []string{"--plan", "/nonexistent/plan.yaml", "check"}, 1, []string{"/nonexistent/plan.yaml: impossibile leggere il file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, append([]string{"--data-dir", t.TempDir()}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestPlanShowJSONHasTheDocumentedShape(t *testing.T) {
	r := runCLI(t, "--data-dir", t.TempDir(), "--plan", "../../testdata/good/plan.yaml", "--config", "../../testdata/good/config.yaml", "plan", "show", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var p struct {
		Organisation string
		Year         int
		Directorates []struct{ Code, Name, Dirigente string }
		Services     []struct{ Name, Directorate string }
		People       []struct {
			ID, Name, Email string
			Roles           []string
		}
		Objectives []struct {
			ID, Directorate, Service, Category, Responsabile, Title string
			Phases                                                  []struct {
				N              int
				Text, Deadline string
			}
			Staff      []string
			Indicators []struct {
				ID, Description, Formula, Target, Kind string
				Periods, Assignees                     []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	o := p.Objectives[0]
	if p.Organisation != "Comune di Prova" || p.Year != 2024 || p.Directorates[0].Dirigente != "bianchi" ||
		o.Phases[0].Deadline != "entro il 5 di ogni mese" || o.Indicators[0].Kind != "ratio" ||
		strings.Join(o.Indicators[0].Periods, ",") != "S1,S2" || strings.Join(o.Indicators[0].Assignees, ",") != "rossi" {
		t.Fatalf("plan show json = %+v", p)
	}
}

func TestValuesByHandKeepRevisionsAndRefuseNonsense(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--data-dir", dir, "--plan", "../../testdata/good/plan.yaml", "--config", "../../testdata/good/config.yaml"}
	cli := func(args ...string) result { return runCLI(t, append(append([]string{}, base...), args...)...) }

	r := cli("values", "set", "I-01.1", "2024-S1", "45/50", "--by", "rossi", "--note", "dato da protocollo")
	if r.code != 0 || !strings.Contains(r.stdout, "Registrato I-01.1, 1° semestre 2024: 45/50 (90%)") || !strings.Contains(r.stdout, "revisione 1") {
		t.Fatalf("first value: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = cli("values", "set", "I-01.1", "S1", "47 su 50")
	if r.code != 0 || !strings.Contains(r.stdout, "revisione 2") {
		t.Fatalf("revision: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range []struct{ args []string }{
		{[]string{"values", "set", "I-01.1", "S1", "60/50"}},
		{[]string{"values", "set", "I-09.9", "S1", "10"}},
		{[]string{"values", "set", "I-01.1", "2024-S7", "10"}},
		{[]string{"values", "set", "I-01.1", "S1", "10", "--by", "nessuno"}},
	} {
		r := cli(bad.args...)
		if r.code != 1 || r.stderr == "" {
			t.Fatalf("%v accepted: %d %s", bad.args, r.code, r.stdout)
		}
	}
	r = cli("values", "list", "--history", "--format", "json")
	var vals []struct {
		Indicator, Period, Value, By, Note string
		Revision                           int
		History                            []struct{ Revision int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &vals); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if len(vals) != 1 || vals[0].Revision != 2 || len(vals[0].History) != 2 || vals[0].Period != "2024-S1" {
		t.Fatalf("values = %+v", vals)
	}
	r = cli("--lang", "en", "values", "set", "I-01.1", "S1", "60/50")
	if r.code != 1 || strings.Contains(r.stderr, "numeratore") {
		t.Fatalf("English refusal: %s", r.stderr)
	}
}

func TestEventsAndCalendarJSON(t *testing.T) {
	dir := t.TempDir()
	sample := "../../testdata/sample/plan.yaml"
	r := runCLI(t, "--data-dir", dir, "--plan", sample, "calendar", "--rule", "entro 60 gg dall'approvazione del Rendiconto", "--event", "rendiconto=29/04/2024", "--format", "json")
	var dates []struct{ Due, Nominal string }
	if err := json.Unmarshal([]byte(r.stdout), &dates); err != nil || len(dates) != 1 || dates[0].Due != "2024-06-28" {
		t.Fatalf("rule dates = %+v (%v) %s", dates, err, r.stderr)
	}
	r = runCLI(t, "--data-dir", dir, "--plan", sample, "event", "set", "rendiconto", "29/04/2024")
	if r.code != 0 || !strings.Contains(r.stdout, "29/04/2024") {
		t.Fatalf("event set: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "--data-dir", dir, "--plan", sample, "calendar", "--from", "01/05/2024", "--to", "31/05/2024", "--format", "json")
	var inst []struct {
		ID, Kind, Objective, Due, Nominal, Rule, State string
		Assignees                                      []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &inst); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	found := false
	for _, in := range inst {
		if in.ID == "ph:I-01:11:rendiconto" {
			found = in.Due == "2024-05-29" && in.Kind == "phase" && in.State == "open" && len(in.Assignees) == 2
		}
		if in.Due < "2024-05-01" || in.Due > "2024-05-31" {
			t.Errorf("%s due %s outside the window", in.ID, in.Due)
		}
	}
	if !found {
		t.Fatalf("the rendiconto phase is not due 29/05/2024: %+v", inst)
	}
	r = runCLI(t, "--data-dir", dir, "--plan", sample, "calendar", "--format", "ics")
	if !strings.HasPrefix(r.stdout, "BEGIN:VCALENDAR\r\n") || !strings.Contains(r.stdout, "UID:ind:I-01.1:2024-S1@lecco.sollecito\r\n") ||
		!strings.Contains(r.stdout, "DTSTART;VALUE=DATE:20240731\r\n") {
		t.Fatalf("ics:\n%s", r.stdout)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeGoodPlan writes testdata/good's plan into dir, its people file named
// by absolute path, and returns the plan's path.
func writeGoodPlan(t *testing.T, dir string) string {
	t.Helper()
	plan := filepath.Join(dir, "plan.yaml")
	good, err := os.ReadFile("../../testdata/good/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, plan, strings.ReplaceAll(string(good), "people_file: people.yaml", "people_file: "+mustAbs(t, "../../testdata/good/people.yaml")))
	return plan
}

// startDaemon runs `sollecito run` on dir and plan in-process with e, and
// returns the daemon once it is ready and the channel its exit status
// comes on.
func startDaemon(t *testing.T, ctx context.Context, dir, plan string, e env) (*daemon, <-chan int) {
	t.Helper()
	ready := make(chan *daemon, 1)
	e.ready = func(d *daemon) { ready <- d }
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--data-dir", dir, "--plan", plan, "run"}, e) }()
	select {
	case d := <-ready:
		return d, done
	case code := <-done:
		t.Fatalf("daemon exited %d before it was ready: %v", code, e.stderr)
		return nil, nil
	}
}

// stopDaemon cancels the daemon's context and expects exit status 0
// before deadline.
func stopDaemon[T any](t *testing.T, cancel context.CancelFunc, done <-chan int, deadline <-chan T, errb *syncBuffer) {
	t.Helper()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit status %d:\n%s", code, errb.String())
		}
	case <-deadline:
		t.Fatal("the daemon did not stop in time")
	}
}

func TestDaemonReloadsAndStops(t *testing.T) {
	dir := t.TempDir()
	plan := writeGoodPlan(t, dir)
	good, err := os.ReadFile("../../testdata/good/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reload := make(chan struct{})
	reloaded := make(chan bool, 1)
	var out, errb syncBuffer
	d, done := startDaemon(t, ctx, dir, plan, env{
		stdout: &out, stderr: &errb, reload: reload,
		lookup:   func(string) (string, bool) { return "", false },
		now:      func() time.Time { return time.Date(2024, 7, 17, 10, 0, 0, 0, time.UTC) },
		reloaded: func(ok bool) { reloaded <- ok },
	})
	before := len(d.eng.Snapshot().Plan().Objectives)

	// A broken plan: the daemon keeps running on the previous one.
	writeFile(t, plan, "organisation: [broken\n")
	reload <- struct{}{}
	if ok := <-reloaded; ok {
		t.Fatal("a broken plan was applied")
	}
	if !strings.Contains(errb.String(), "reload failed") || !strings.Contains(errb.String(), "plan.yaml:1") {
		t.Fatalf("errors not logged with file and line:\n%s", errb.String())
	}
	if n := len(d.eng.Snapshot().Plan().Objectives); n != before {
		t.Fatalf("objectives changed to %d by a rejected reload", n)
	}

	// A fixed plan with one more objective is applied.
	fixed := strings.ReplaceAll(string(good), "people_file: people.yaml", "people_file: "+mustAbs(t, "../../testdata/good/people.yaml")) + `
  - id: I-02
    title: Protocollo
    directorate: "I"
    staff: [rossi]
    indicators:
      - {id: I-02.1, description: Documenti protocollati in giornata, kind: percent, target: "100%"}
`
	writeFile(t, plan, fixed)
	reload <- struct{}{}
	if ok := <-reloaded; !ok {
		t.Fatalf("the fixed plan was not applied:\n%s", errb.String())
	}
	if _, ok := d.eng.Snapshot().Indicator("I-02.1"); !ok {
		t.Fatal("new indicator not in force after reload")
	}

	stopDaemon(t, cancel, done, time.After(10*time.Second), &errb)
	if !strings.Contains(errb.String(), "sollecito stopped") {
		t.Fatalf("no orderly stop:\n%s", errb.String())
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestImportPIAOWritesAPlanThatPassesCheck(t *testing.T) {
	dir := t.TempDir()
	plan, people, report := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "people.yaml"), filepath.Join(dir, "review.txt")
	r := runCLI(t, "import", "piao", "../../config/piao/testdata/seed.txt", "-o", plan, "--report", report)
	if r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	for _, f := range []string{plan, people, report} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Fatalf("%s not written: %v", f, err)
		}
	}
	// Where the document has no title or description the importer invents
	// none: check refuses those few items, and the review report lists
	// each of them for the administrator to complete by hand.
	r = runCLI(t, "--data-dir", dir, "--plan", plan, "check")
	rep, _ := os.ReadFile(report)
	errs := 0
	for _, line := range strings.Split(r.stderr, "\n") {
		if !strings.Contains(line, "plan.yaml:") || strings.Contains(line, "avviso:") {
			continue
		}
		errs++
		if !strings.Contains(line, "mancante") {
			t.Errorf("unexpected error on the imported plan: %s", line)
		}
		id := line[strings.Index(line, "\"")+1:]
		id = id[:strings.Index(id, "\"")]
		if !strings.Contains(string(rep), id) {
			t.Errorf("%s is refused by check but not in the review report", id)
		}
	}
	if r.code != 1 || errs == 0 || errs > 10 {
		t.Fatalf("check on the raw import: exit %d, %d errors\n%s", r.code, errs, r.stderr)
	}
	r = runCLI(t, "import", "piao", "../../config/piao/testdata/seed.txt", "--format", "json", "--report", report)
	var p struct {
		Organisation string
		Year         int
		People       []struct{ ID string }
		Objectives   []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("json: %v", err)
	}
	if p.Year != 2024 || len(p.Objectives) != 100 || len(p.People) == 0 {
		t.Fatalf("json plan: year %d, %d objectives, %d people", p.Year, len(p.Objectives), len(p.People))
	}
	if r := runCLI(t, "import", "piao", filepath.Join(dir, "missing.txt")); r.code != 1 {
		t.Fatalf("missing file: exit %d", r.code)
	}
}
