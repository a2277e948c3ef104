package workflow_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden from the current output")

// digestPlan has two directorates with their own dirigente, three
// services, staff in both, and a coordinator.
const digestPlan = `
organisation: Provincia di Prova
year: 2024
directorates:
  - {code: "I", name: Bilancio e Finanze, dirigente: capo1}
  - {code: "II", name: Personale, dirigente: capo2}
services:
  - {name: Contabilità, directorate: "I"}
  - {name: Tributi, directorate: "I"}
  - {name: Risorse umane, directorate: "II"}
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: bruno, name: Bruno Verdi, email: bruno@example.org}
  - {id: dora, name: Dora Neri, email: dora@example.org}
  - {id: capo1, name: Carla Capo, email: capo1@example.org, roles: [responsabile]}
  - {id: capo2, name: Chris Head, email: capo2@example.org, roles: [responsabile], language: en}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator]}
objectives:
  - id: I-01
    title: Rendiconto e pagamenti
    directorate: "I"
    service: Contabilità
    responsabile: capo1
    staff: [anna, bruno]
    phases:
      - {n: 1, text: Rendiconto alla BDAP, deadline: "entro 30 gg dall'approvazione del Rendiconto"}
    indicators:
      - {id: I-01.1, description: Tempi medi di pagamento, target: "<= 30 giorni", kind: days, periods: [S1]}
      - {id: I-01.2, description: Certificazioni corrette sul totale, target: ">= 90%", kind: percent, assignees: [anna], periods: [S1]}
      - {id: I-01.3, description: Report al Nucleo, target: "n. report = 2", kind: count, assignees: [bruno], periods: [S1]}
  - id: I-02
    title: Recupero dell'evasione
    directorate: "I"
    service: Tributi
    responsabile: capo1
    staff: [bruno]
    indicators:
      - {id: I-02.1, description: Giorni per l'accertamento, target: "Scostamento <= 20 giorni", kind: days, periods: [S1]}
  - id: II-01
    title: Formazione del personale
    directorate: "II"
    service: Risorse umane
    responsabile: capo2
    staff: [dora]
    indicators:
      - {id: II-01.1, description: Percorsi formativi attivati, target: ">=1 percorso", kind: count, periods: [S1]}
      - {id: II-01.2, description: Piano della formazione nei tempi, target: Rispettato, kind: yesno, periods: [S1]}
`

// newDigestEnv is an engine over digestPlan with the given channels.
func newDigestEnv(t *testing.T, start time.Time, chans workflow.ChannelSet) *env {
	t.Helper()
	e := newEnvWith(t, start, digestPlan, testConfig, func(o *workflow.Options) { o.Channels = chans })
	return e
}

var emailOnly = workflow.ChannelSet{Email: true, Console: "never"}

// submitAt records a value at a moment, as its sender would.
func (e *env) submitAt(when time.Time, ind, raw, by string) {
	e.t.Helper()
	e.clock.Set(when)
	if _, err := e.eng.Submit(context.Background(), workflow.Submission{IndicatorID: ind, Period: "2024-S1", Raw: raw, By: by, Channel: workflow.ChannelEmail}); err != nil {
		e.t.Fatalf("submit %s %q: %v", ind, raw, err)
	}
}

// digestState builds the plan state of the golden files: the first
// semester's values were due on 31/07/2024; some came, some did not.
func digestState(e *env) {
	e.submitAt(at(2024, 8, 1, 9, 0), "I-01.3", "2 report", "bruno") // before the digest window
	e.submitAt(at(2024, 8, 5, 10, 15), "I-01.2", "85% - due pratiche sospese per ricorso", "anna")
	e.submitAt(at(2024, 8, 7, 16, 40), "I-02.1", "12 giorni", "bruno")
	e.submitAt(at(2024, 8, 6, 11, 5), "II-01.2", "sì", "dora")
	e.submitAt(at(2024, 8, 8, 9, 30), "II-01.2", "no - approvato in ritardo", "dora") // a correction
	if err := e.st.SetAway(context.Background(), "prova", "anna", "2024-08-09", "2024-08-23"); err != nil {
		e.t.Fatal(err)
	}
}

// digestRows returns the digest rows in the outbox, by person and channel.
func digestRows(t *testing.T, st *store.Store) map[string]workflow.NotePayload {
	t.Helper()
	rows, err := st.Outbox(context.Background(), store.OutboxFilter{Org: "prova", Kind: workflow.OutboxDigest})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]workflow.NotePayload{}
	for _, r := range rows {
		var p workflow.NotePayload
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			t.Fatal(err)
		}
		out[r.PersonID+"/"+r.Channel] = p
	}
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./workflow -run Digest -update-golden to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func TestDigestContentGolden(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), emailOnly)
	digestState(e)
	ctx := context.Background()
	e.clock.Set(at(2024, 8, 12, 8, 30)) // Monday: both digests are due
	for _, kind := range []string{workflow.DigestDirigenti, workflow.DigestCoordinators} {
		res, err := e.eng.Digest(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages == 0 {
			t.Fatalf("%s: nothing enqueued: %+v", kind, res)
		}
	}
	rows := digestRows(t, e.st)
	cases := []struct{ name, key, file string }{
		{"coordinator text", "coord/email", "digest-coordinators.txt"},
		{"coordinator e-mail HTML", "coord/email", "digest-coordinators.html"},
		{"coordinator Telegram", "coord/email", "digest-coordinators.tg.html"},
		{"dirigente I text", "capo1/email", "digest-dirigente-I.txt"},
		{"dirigente II text in English", "capo2/email", "digest-dirigente-II-en.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := rows[c.key]
			if !ok {
				t.Fatalf("no digest for %s; have %v", c.key, keys(rows))
			}
			body := p.Text
			switch {
			case strings.HasSuffix(c.file, ".tg.html"):
				body = p.TGHTML
			case strings.HasSuffix(c.file, ".html"):
				body = p.HTML
			}
			golden(t, c.file, "Subject: "+p.Subject+"\n\n"+body)
		})
	}
	if len(rows) != 3 {
		t.Errorf("digest rows: %v, want one each for coord, capo1, capo2", keys(rows))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDigestDirigenteSeesOnlyOwnDirectorate(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), emailOnly)
	digestState(e)
	if err := e.st.SetAway(context.Background(), "prova", "dora", "2024-08-01", "2024-08-30"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at(2024, 8, 12, 8, 0))
	if _, err := e.eng.Digest(context.Background(), workflow.DigestDirigenti); err != nil {
		t.Fatal(err)
	}
	rows := digestRows(t, e.st)
	own := map[string][]string{
		"capo1/email": {"I-01.1", "I-01.2", "I-02.1", "I-01/1", "Anna Rossi"},
		"capo2/email": {"II-01.1", "II-01.2", "Dora Neri"},
	}
	foreign := map[string][]string{
		"capo1/email": {"II-01", "Personale", "Dora Neri", "Formazione"},
		"capo2/email": {"Tempi medi", "Certificazioni", "Accertamento", "BDAP", "Bilancio", "Anna Rossi", "Bruno Verdi", "Tributi"},
	}
	for who, want := range own {
		t.Run(who, func(t *testing.T) {
			p, ok := rows[who]
			if !ok {
				t.Fatalf("no digest for %s", who)
			}
			for _, form := range []string{p.Subject + p.Text, p.HTML, p.TGHTML} {
				for _, w := range want {
					if !strings.Contains(form, w) {
						t.Errorf("%s's digest lacks %q", who, w)
					}
				}
				for _, f := range foreign[who] {
					if strings.Contains(form, f) {
						t.Errorf("%s's digest shows %q from another directorate:\n%s", who, f, form)
					}
				}
			}
		})
	}
	if _, ok := rows["coord/email"]; ok {
		t.Error("the dirigenti digest went to the coordinator")
	}
}

func TestEmptyDigestIsNotSent(t *testing.T) {
	// 01/07/2024, a Monday: nothing due yet, no value, the rendiconto dated
	// so that no phase is waiting for it.
	e := newDigestEnv(t, at(2024, 6, 20, 8, 0), workflow.ChannelSet{Console: "auto"})
	ctx := context.Background()
	if _, err := e.eng.SetEvent(ctx, "rendiconto", calendar.D(2024, 6, 20), "admin"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at(2024, 7, 1, 8, 30))
	for _, kind := range []string{workflow.DigestCoordinators, workflow.DigestDirigenti} {
		res, err := e.eng.Digest(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages != 0 || res.Empty == 0 {
			t.Errorf("%s: %+v, want nothing enqueued and empty digests counted", kind, res)
		}
	}
	e.run(at(2024, 7, 1, 8, 45))
	for _, d := range e.rec.all() {
		if d.Msg.Subject != "" && strings.Contains(d.Msg.Subject, "Riepilogo") {
			t.Errorf("an empty digest was sent to %s: %s", d.Msg.PersonID, d.Msg.Subject)
		}
	}
	if rows := digestRows(t, e.st); len(rows) != 0 {
		t.Fatalf("digest rows for an empty digest: %v", keys(rows))
	}
	// One value received during the week: the next Monday says so, to the
	// coordinator and to that directorate's dirigente only.
	e.submitAt(at(2024, 7, 3, 10, 0), "II-01.1", "2 percorsi", "dora")
	e.clock.Set(at(2024, 7, 8, 8, 30))
	for _, kind := range []string{workflow.DigestCoordinators, workflow.DigestDirigenti} {
		if _, err := e.eng.Digest(ctx, kind); err != nil {
			t.Fatal(err)
		}
	}
	rows := digestRows(t, e.st)
	if len(rows) != 2 || rows["coord/console"].Text == "" || rows["capo2/console"].Text == "" {
		t.Fatalf("digest rows after one value: %v, want coord and capo2", keys(rows))
	}
}

func TestDigestIsEnqueuedOnceAcrossRestarts(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), workflow.ChannelSet{Console: "auto"})
	digestState(e)
	ctx := context.Background()
	monday := at(2024, 8, 12, 8, 30)
	e.clock.Set(monday)
	first, err := e.eng.Digest(ctx, workflow.DigestCoordinators)
	if err != nil || first.Messages != 1 || !first.Moment.Equal(monday) {
		t.Fatalf("first run: %+v, %v", first, err)
	}
	count := func() int {
		rows, err := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxDigest})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	again, err := e.eng.Digest(ctx, workflow.DigestCoordinators)
	if err != nil || !again.AlreadyDone || again.Messages != 0 {
		t.Fatalf("second run at the same moment: %+v, %v", again, err)
	}
	// A restart an hour later (within the catch-up window), with a value
	// arrived meanwhile: the 08:30 digest is not sent again.
	e.submitAt(at(2024, 8, 12, 9, 10), "I-01.1", "25 giorni", "bruno")
	e.clock.Set(monday.Add(time.Hour))
	e.open(func(o *workflow.Options) { o.Channels = workflow.ChannelSet{Console: "auto"} })
	after, err := e.eng.Digest(ctx, workflow.DigestCoordinators)
	if err != nil || !after.AlreadyDone {
		t.Fatalf("after restart: %+v, %v", after, err)
	}
	if n := count(); n != 1 {
		t.Fatalf("digest rows after restart: %d, want 1", n)
	}
	// It is delivered once.
	e.run(monday.Add(2 * time.Hour))
	sent := 0
	for _, d := range e.rec.all() {
		if d.Msg.PersonID == "coord" && strings.HasPrefix(d.Msg.Subject, "Riepilogo del 12/08/2024") {
			sent++
		}
	}
	if sent != 1 {
		t.Fatalf("coordinator received the 12/08 digest %d times, want 1", sent)
	}
	// The next Monday lists only what arrived since the last digest.
	e.clock.Set(at(2024, 8, 19, 8, 30))
	next, err := e.eng.Digest(ctx, workflow.DigestCoordinators)
	if err != nil || next.Messages != 1 {
		t.Fatalf("next week: %+v, %v", next, err)
	}
	if n := count(); n != 2 {
		t.Fatalf("digest rows after the next week: %d, want 2", n)
	}
	p := digestRows(t, e.st)["coord/console"] // the newest row wins the map
	if !strings.Contains(p.Text, "I-01.1 Tempi medi di pagamento: 25 giorni") {
		t.Errorf("next digest lacks the value received after the last one:\n%s", p.Text)
	}
	if strings.Contains(p.Text, "I-01.2 Certificazioni corrette sul totale: 85") {
		t.Errorf("next digest repeats a value already reported:\n%s", p.Text)
	}
}

func TestDigestMomentCatchUp(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), workflow.ChannelSet{Console: "auto"})
	snap := e.eng.Snapshot()
	cases := []struct {
		name string
		now  time.Time
		want time.Time // zero: none
	}{
		{"at the moment", at(2024, 8, 12, 8, 30), at(2024, 8, 12, 8, 30)},
		{"a minute early", at(2024, 8, 12, 8, 29), time.Time{}},
		{"down until the afternoon", at(2024, 8, 12, 15, 0), at(2024, 8, 12, 8, 30)},
		{"down until Tuesday", at(2024, 8, 13, 9, 0), time.Time{}},
		{"across the autumn clock change", at(2024, 10, 28, 8, 30), at(2024, 10, 28, 8, 30)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok, err := snap.DigestMoment(workflow.DigestCoordinators, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if ok != !c.want.IsZero() || (ok && !got.Equal(c.want)) {
				t.Fatalf("DigestMoment(%v) = %v, %v; want %v", c.now, got, ok, c.want)
			}
		})
	}
	if _, _, err := snap.DigestMoment("weekly", at(2024, 8, 12, 8, 30)); err == nil {
		t.Error("an unknown digest kind was accepted")
	}
}

func TestDigestGoesOncePerChannelThePersonIsReachedOn(t *testing.T) {
	e := newDigestEnv(t, at(2024, 7, 1, 8, 0), workflow.ChannelSet{Telegram: true, Email: true, Console: "always"})
	digestState(e)
	ctx := context.Background()
	if err := e.st.Bind(ctx, store.TelegramBinding{Org: "prova", PersonID: "coord", UserID: 42, ChatID: 42, Active: true}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at(2024, 8, 12, 8, 30))
	res, err := e.eng.Digest(ctx, workflow.DigestCoordinators)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.st.Outbox(ctx, store.OutboxFilter{Org: "prova", Kind: workflow.OutboxDigest})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Key)
	}
	// Bound to Telegram: Telegram instead of e-mail, and the console as
	// configured.
	want := []string{
		"digest:coordinators:coord:console:2024-08-12T06:30:00Z",
		"digest:coordinators:coord:telegram:2024-08-12T06:30:00Z",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) || res.Messages != 2 || res.Recipients != 1 {
		t.Fatalf("rows %q (result %+v), want %q", got, res, want)
	}
	// The Telegram message is composed from the same pre-rendered payload.
	m, err := e.eng.Compose(ctx, rows[0])
	if err != nil || m == nil || !strings.Contains(m.TGHTML+m.Text, "FUORI TARGET") {
		t.Fatalf("composed digest: %+v, %v", m, err)
	}
}

// digestOrderPlan is a plan of phases only: objectives of directorate I,
// each "OBJ SERVICE: deadline, deadline, ...", staffed by anna.
func digestOrderPlan(objectives ...string) string {
	var b strings.Builder
	b.WriteString(`
organisation: Provincia di Prova
year: 2024
directorates: [{code: "I", name: Bilancio, dirigente: capo}]
services: [{name: Alfa, directorate: "I"}, {name: Beta, directorate: "I"}]
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: capo, name: Carla Capo, email: capo@example.org, roles: [responsabile]}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator]}
objectives:
`)
	for _, o := range objectives {
		id, rest, _ := strings.Cut(o, " ")
		svc, deadlines, _ := strings.Cut(rest, ": ")
		fmt.Fprintf(&b, "  - id: %s\n    title: Obiettivo %s\n    directorate: \"I\"\n    service: %s\n    staff: [anna]\n    phases:\n", id, id, svc)
		for n, d := range strings.Split(deadlines, ", ") {
			fmt.Fprintf(&b, "      - {n: %d, text: Fase %s numero %d, deadline: \"entro il %s\"}\n", n+1, id, n+1, d)
		}
	}
	return b.String()
}

// coordinatorDigest runs the coordinators' digest of Monday 12/08/2024
// and returns its text.
func coordinatorDigest(t *testing.T, plan, cfg string) string {
	t.Helper()
	e := newEnvWith(t, at(2024, 8, 12, 8, 45), plan, cfg, func(o *workflow.Options) { o.Channels = emailOnly })
	if _, err := e.eng.Digest(context.Background(), workflow.DigestCoordinators); err != nil {
		t.Fatal(err)
	}
	p, ok := digestRows(t, e.st)["coord/email"]
	if !ok {
		t.Fatal("no digest for the coordinator")
	}
	return p.Subject + "\n" + p.Text
}

// listed returns the codes of the listed phases ("I-01/3"), in order.
func listed(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if code, _, ok := strings.Cut(strings.TrimPrefix(line, "- "), " Fase "); ok && strings.HasPrefix(line, "- ") {
			out = append(out, code)
		}
	}
	return out
}

// TestDigestListsByDueDateWithTiesAtTheCut: the most late come first
// (the earliest due date), equal due dates in plan order, and of three
// phases sharing the tenth due date only the first in plan order is
// listed; the other two are counted.
func TestDigestListsByDueDateWithTiesAtTheCut(t *testing.T) {
	// Phases 1-3 due on 15/07; phases 4-12 on the working days from
	// 11/07 back to 01/07 (phase 12 is the most late).
	text := coordinatorDigest(t, digestOrderPlan(
		"I-01 Alfa: 15/07/2024, 15/07/2024, 15/07/2024, 11/07/2024, 10/07/2024, 09/07/2024, 08/07/2024, 05/07/2024, 04/07/2024, 03/07/2024, 02/07/2024, 01/07/2024",
	), testConfig)
	want := []string{"I-01/12", "I-01/11", "I-01/10", "I-01/9", "I-01/8", "I-01/7", "I-01/6", "I-01/5", "I-01/4", "I-01/1"}
	if got := listed(text); !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q:\n%s", got, want, text)
	}
	if !strings.Contains(text, "… e altre 2") || !strings.Contains(text, "12 scadenze superate") {
		t.Errorf("the two unlisted are not counted:\n%s", text)
	}
}

// TestDigestLeavesOutWhatIsWithinGrace: with three days of grace, on
// Monday 12/08 a phase due on Friday 09/08 is not late yet (neither
// listed nor counted), one due on Thursday 08/08 is.
func TestDigestLeavesOutWhatIsWithinGrace(t *testing.T) {
	cfg := testConfig + "escalation:\n  grace_days: 3\n"
	text := coordinatorDigest(t, digestOrderPlan("I-01 Alfa: 02/08/2024, 08/08/2024, 09/08/2024, 12/08/2024"), cfg)
	if got, want := listed(text), []string{"I-01/1", "I-01/2"}; !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q:\n%s", got, want, text)
	}
	if !strings.Contains(text, "2 scadenze superate") || strings.Contains(text, "altre") {
		t.Errorf("the count includes what is within grace:\n%s", text)
	}
}

// TestDigestServicesInPlanOrder: services come in the order of their
// first objective in the plan, even when only a later objective of the
// service has something late.
func TestDigestServicesInPlanOrder(t *testing.T) {
	text := coordinatorDigest(t, digestOrderPlan(
		"A-1 Alfa: 15/12/2024", // not due yet
		"B-1 Beta: 01/07/2024",
		"A-2 Alfa: 02/07/2024",
	), testConfig)
	alfa, beta := strings.Index(text, "Alfa"), strings.Index(text, "Beta")
	if alfa < 0 || beta < 0 || alfa > beta {
		t.Errorf("services not in plan order (Alfa at %d, Beta at %d):\n%s", alfa, beta, text)
	}
	if got, want := listed(text), []string{"A-2/1", "B-1/1"}; !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q:\n%s", got, want, text)
	}
}
