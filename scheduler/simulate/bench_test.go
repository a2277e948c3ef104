package simulate_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"sollecito/config"
	"sollecito/scheduler/simulate"
)

// writeLargePlan replicates the sample plan's cards into a plan of about
// indicators indicators and people people, written to dir/plan.yaml with
// its configuration in dir/config.yaml: every card keeps its phases (with
// their deadline phrases) and indicators, and takes three staff from the
// pool in turn.
func writeLargePlan(tb testing.TB, dir string, indicators, people int) {
	tb.Helper()
	sample, err := config.Load(config.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("organisation: Provincia di Prova\nyear: 2024\ndirectorates:\n")
	for d := 1; d <= 7; d++ {
		fmt.Fprintf(&b, "  - {code: \"D%d\", name: Direzione %d, dirigente: p%d}\n", d, d, d)
	}
	b.WriteString("people:\n")
	for p := 1; p <= people; p++ {
		role := ""
		if p <= 7 {
			role = ", roles: [responsabile]"
		}
		if p == 8 || p == 9 {
			role = ", roles: [coordinator]"
		}
		fmt.Fprintf(&b, "  - {id: p%d, name: Persona %d, email: p%d@example.org%s}\n", p, p, p, role)
	}
	b.WriteString("objectives:\n")
	n, card := 0, 0
	for n < indicators {
		for _, o := range sample.Plan.Objectives {
			card++
			d := card%7 + 1
			staff := []string{}
			for k := 0; k < 3; k++ {
				staff = append(staff, "p"+strconv.Itoa(10+(card*3+k)%(people-10)))
			}
			fmt.Fprintf(&b, "  - id: O%d\n    title: %q\n    directorate: \"D%d\"\n    responsabile: p%d\n    staff: [%s]\n",
				card, o.Title, d, d, strings.Join(staff, ", "))
			if len(o.Phases) > 0 {
				b.WriteString("    phases:\n")
				for _, ph := range o.Phases {
					fmt.Fprintf(&b, "      - {n: %d, text: %q, deadline: %q}\n", ph.N, ph.Text, ph.Deadline)
				}
			}
			b.WriteString("    indicators:\n")
			for i, ind := range o.Indicators {
				fmt.Fprintf(&b, "      - {id: O%d.%d, description: %q, target: %q, kind: %s}\n", card, i+1, ind.Description, ind.Target, ind.Kind)
				n++
			}
		}
	}
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("organisation: prova\ntracking_start: 01/01/2024\ndispatch: {console: always}\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// loadLargePlan loads what writeLargePlan wrote.
func loadLargePlan(tb testing.TB, dir string) *config.Loaded {
	tb.Helper()
	l, err := config.Load(config.Options{PlanPath: filepath.Join(dir, "plan.yaml"), ConfigPath: filepath.Join(dir, "config.yaml"),
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// peakRSS reads the process's peak resident set size (Linux).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// resetPeakRSS starts the peak resident set size again from the current
// size (Linux: "5" written to clear_refs).
func resetPeakRSS(tb testing.TB) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		tb.Logf("peak RSS not reset (%v): it includes loading the plan", err)
	}
}

// BenchmarkSimulateYear loads a plan of 30,000 indicators and 3,000 people
// and simulates one year of it (01/01/2024 to 28/02/2025) with the real
// sweep, outbox and dispatcher over SQLite, as `sollecito simulate` does.
// docs/benchmarks.md has the results.
func BenchmarkSimulateYear(b *testing.B) {
	for _, rate := range []float64{0.7, 0} {
		b.Run(fmt.Sprintf("answer-rate=%.1f", rate), func(b *testing.B) {
			// Writing the plan file is setup; loading it is timed, and
			// the peak memory starts again from here.
			planDir := b.TempDir()
			writeLargePlan(b, planDir, benchIndicators, benchPeople)
			// A soft memory limit, as GOMEMLIMIT would set: by default the
			// heap may grow to twice the live size before a collection.
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(benchMemoryLimit))
			runtime.GC()
			debug.FreeOSMemory()
			resetPeakRSS(b)
			b.ResetTimer()
			var load time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				l := loadLargePlan(b, planDir)
				load += time.Since(start)
				loc := l.Location()
				// The messages are written out as they come, as
				// `sollecito simulate --format json` does.
				out := simulate.NewJSONWriter(io.Discard)
				res, err := simulate.Run(context.Background(), simulate.Options{Loaded: l, DBPath: filepath.Join(b.TempDir(), "sim.db"),
					From: time.Date(2024, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 2, 28, 23, 0, 0, 0, loc), AnswerRate: rate, Seed: 1,
					OnSent: out.Write})
				if err == nil {
					err = out.Close(res.Answers)
				}
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Messages), "messages")
				b.ReportMetric(float64(res.Answers), "answers")
			}
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
			b.ReportMetric(load.Seconds()/float64(b.N), "load-s")
		})
	}
}

// benchMemoryLimit is the Go heap's soft limit during the benchmark.
const benchMemoryLimit = 240 << 20

// The plan size of the benchmark; smaller values help profiling.
var benchIndicators, benchPeople = 30000, 3000

func init() {
	if v, err := strconv.Atoi(os.Getenv("SOLLECITO_BENCH_INDICATORS")); err == nil {
		benchIndicators = v
		benchPeople = max(20, v/10)
	}
}
