package workflow_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/notify"
	"sollecito/scheduler"
	"sollecito/store"
	"sollecito/workflow"
)

var rome, _ = time.LoadLocation("Europe/Rome")

// testPlan is a small plan: one objective with two indicators and one
// dated phase, two staff, a responsabile and a coordinator.
const testPlan = `
organisation: Provincia di Prova
year: 2024
directorates:
  - {code: "I", name: Bilancio, dirigente: capo}
services:
  - {name: Contabilità, directorate: "I"}
people:
  - {id: anna, name: Anna Rossi, email: anna@example.org}
  - {id: bruno, name: Bruno Verdi, email: bruno@example.org}
  - {id: capo, name: Carla Capo, email: capo@example.org, roles: [responsabile]}
  - {id: coord, name: Controllo di gestione, email: cdg@example.org, roles: [coordinator]}
objectives:
  - id: I-01
    title: Bilancio
    directorate: "I"
    service: Contabilità
    responsabile: capo
    staff: [anna, bruno]
    phases:
      - {n: 1, text: Rendiconto alla BDAP, deadline: "entro 30 gg dall'approvazione del Rendiconto"}
      - {n: 2, text: Salvaguardia degli equilibri, deadline: "entro il 31/07"}
    indicators:
      - {id: I-01.1, description: Tempi di pagamento, target: "<= 30 giorni", kind: days}
      - {id: I-01.2, description: Certificazioni corrette, target: ">= 90%", kind: percent, assignees: [anna]}
`

const testConfig = `
organisation: prova
calendar:
  patron_saint: "06/12"
tracking_start: "01/01/2024"
`

// env is an engine over a fresh database with a settable clock.
type env struct {
	t     *testing.T
	dir   string
	clock *scheduler.Clock
	st    *store.Store
	eng   *workflow.Engine
	rec   *recorder
	disp  *notify.Dispatcher
	l     *config.Loaded
}

func loadTest(t *testing.T, dir, plan, cfg string) *config.Loaded {
	t.Helper()
	pp, cp := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(pp, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := config.Load(config.Options{ConfigPath: cp, PlanPath: pp, DataDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return l
}

func newEnv(t *testing.T, start time.Time, opts ...func(*workflow.Options)) *env {
	t.Helper()
	return newEnvWith(t, start, testPlan, testConfig, opts...)
}

// newEnvWith is newEnv over a plan and configuration of the test's own.
func newEnvWith(t *testing.T, start time.Time, plan, cfg string, opts ...func(*workflow.Options)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, clock: scheduler.NewClock(start), rec: &recorder{}}
	e.l = loadTest(t, dir, plan, cfg)
	e.open(opts...)
	return e
}

// open (re)opens store, engine and dispatcher: a restart.
func (e *env) open(opts ...func(*workflow.Options)) {
	t := e.t
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(e.dir, "db.sqlite"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	o := workflow.Options{Clock: e.clock.Now, Channels: workflow.ChannelSet{Console: "auto"}}
	for _, f := range opts {
		f(&o)
	}
	eng, err := workflow.New(ctx, st, e.l, o)
	if err != nil {
		t.Fatal(err)
	}
	e.st, e.eng = st, eng
	e.rec.now = e.clock.Now
	e.disp = notify.NewDispatcher(st, eng, map[string]notify.Channel{workflow.ChanConsole: e.rec}, e.clock.Now, nil,
		notify.Config{Workers: 1, BackoffMin: time.Minute, BackoffMax: time.Hour, Lease: 5 * time.Minute}, nil)
}

// run drives the clock to until, sweeping and dispatching as the daemon does.
func (e *env) run(until time.Time) {
	e.t.Helper()
	ctx := context.Background()
	org := e.eng.Snapshot().Org()
	err := scheduler.Drive(ctx, e.clock, until, nil,
		scheduler.SourceFunc{
			DueFunc: func(ctx context.Context) (time.Time, bool, error) {
				ms, err := e.st.NextItemAction(ctx, org)
				return store.FromMillis(ms), ms > 0, err
			},
			RunFunc: func(ctx context.Context, _ time.Time) error { _, err := e.eng.Sweep(ctx); return err },
		},
		scheduler.SourceFunc{
			DueFunc: func(ctx context.Context) (time.Time, bool, error) {
				ms, err := e.st.NextOutboxAt(ctx)
				return store.FromMillis(ms), ms > 0, err
			},
			RunFunc: func(ctx context.Context, _ time.Time) error { _, err := e.disp.RunOnce(ctx); return err },
		})
	if err != nil {
		e.t.Fatalf("drive: %v", err)
	}
}

// recorder is a channel that keeps what it was given.
type recorder struct {
	mu   sync.Mutex // guards msgs
	now  func() time.Time
	msgs []delivery
}

type delivery struct {
	At  time.Time
	Msg notify.Message
}

func (r *recorder) Send(_ context.Context, m *notify.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, delivery{At: r.now(), Msg: *m})
	return "", nil
}

func (r *recorder) all() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.msgs...)
}

// summary renders deliveries as "dd/mm hh:mm person kinds items" lines.
func (r *recorder) summary() []string {
	var out []string
	for _, d := range r.all() {
		kinds := map[string]bool{}
		var ks []string
		for _, k := range d.Msg.Kinds {
			if !kinds[k] {
				kinds[k] = true
				ks = append(ks, k)
			}
		}
		sort.Strings(ks)
		out = append(out, d.At.In(rome).Format("02/01 15:04")+" "+d.Msg.PersonID+" "+strings.Join(ks, "+")+" "+strings.Join(d.Msg.Items, ","))
	}
	sort.Strings(out)
	return out
}

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, rome) }
