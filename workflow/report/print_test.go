package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sollecito/workflow/report"
)

// TestXLSXOpensInLibreOffice converts the spreadsheet to CSV with
// LibreOffice, as an office would open it, and compares every cell with
// the report's records.
func TestXLSXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice (LibreOffice) is not installed: scripts/test.sh installs it (libreoffice-calc-nogui)")
	}
	eng, clock := newEngine(t, reportPlan(3), at(2024, 7, 1, 8, 0))
	withValues(t, eng, clock)
	r := build(t, eng, report.Options{Period: "S2"})
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "report.xlsx")
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xlsx, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// 44,34,76: comma, double quote, UTF-8. A profile of its own, so that
	// a LibreOffice already running does not take the job.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", filepath.Join(dir, "out"), xlsx)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "report.csv"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no CSV: %v", err)
	}
	got, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV does not read: %v\n%s", err, data)
	}
	want := r.Records()
	if len(got) != len(want) {
		t.Fatalf("LibreOffice sees %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d as LibreOffice reads it:\n%q\nwant:\n%q", i+1, got[i], want[i])
		}
	}
}

// TestHTMLReportPrintsOnA4 renders the cards in headless Chromium and
// checks with scripts/report-pdf-check.sh that no card is cut across pages
// and nothing overflows; then shows the check notices a cut card.
func TestHTMLReportPrintsOnA4(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "report-pdf-check.sh"))
	if err != nil {
		t.Fatal(err)
	}
	eng, clock := newEngine(t, reportPlan(14), at(2024, 7, 1, 8, 0))
	withValues(t, eng, clock)
	r := build(t, eng, report.Options{Period: "S2"})
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"QUANTIFICAZIONE 1° semestre 2024:</b> 85% — due pratiche sospese per ricorso",
		"Inviato da Anna Rossi, 20/07/2024 10:15", `Target raggiunto: <span class="met-no">no</span>`,
		"break-inside: avoid", "@page { size: A4"} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	dir := t.TempDir()
	run := func(name, html string) (string, error) {
		path := filepath.Join(dir, name+".html")
		if err := os.WriteFile(path, []byte(html), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "bash", script, path).CombinedOutput()
		return string(out), err
	}
	out, err := run("report", page)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 {
		t.Fatalf("the print check could not run (scripts/test.sh installs chromium and poppler-utils):\n%s", out)
	}
	if err != nil {
		t.Fatalf("the printed report has cut or overflowing cards: %v\n%s", err, out)
	}
	if !strings.Contains(out, "none cut, none overflowing") {
		t.Fatalf("unexpected check output:\n%s", out)
	}
	// Without the rule that keeps cards whole, some card must end up cut:
	// the check is not blind.
	loose := strings.ReplaceAll(page, "break-inside: avoid; page-break-inside: avoid;", "")
	out, err = run("loose", loose)
	if err == nil || !strings.Contains(out, "is cut: it starts on page") {
		t.Fatalf("the check did not notice cards cut across pages (err %v):\n%s", err, out)
	}
	// A card taller than a page cannot stay whole: it is noted, not failed.
	tall := strings.Replace(page, `<div class="people">`, `<div class="people" style="height:290mm">`, 1)
	out, err = run("tall", tall)
	if err != nil || !strings.Contains(out, "note: card I-01 is taller than a page") || !strings.Contains(out, "(1 taller than a page)") {
		t.Fatalf("a card taller than a page (err %v):\n%s", err, out)
	}
	// A card wider than the page is an overflow.
	wide := strings.Replace(page, "<h2>", `<h2><span style="display:inline-block;width:260mm">`, 1)
	out, err = run("wide", wide)
	if err == nil || !strings.Contains(out, "overflows its box") {
		t.Fatalf("the check did not notice a card overflowing (err %v):\n%s", err, out)
	}
}
