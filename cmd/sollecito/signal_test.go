package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRealProcessSignals builds the binary and runs it as an operator
// would: with the embedded defaults, SIGHUP with a broken then a fixed plan,
// and SIGTERM, which must end it with status 0.
func TestRealProcessSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sollecito")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	plan := filepath.Join(dir, "plan.yaml")
	embedded, err := os.ReadFile("../../testdata/sample/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, plan, string(embedded))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--data-dir", filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "SOLLECITO_PLAN="+plan, "SOLLECITO_LOG_FORMAT=text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = new(strings.Builder)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(what string) string {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("process ended before %q", what)
				}
				if strings.Contains(l, what) {
					return l
				}
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %q", what)
			}
		}
	}
	waitFor("sollecito started")

	writeFile(t, plan, "objectives: [\n")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("reload rejected")
	waitFor("reload failed")

	writeFile(t, plan, string(embedded))
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("reload applied")

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor("sollecito stopped")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("stopping took %v", d)
	}
}
