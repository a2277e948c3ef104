package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sollecito/workflow/report"
)

// cmdReport writes the values of a period as CSV, XLSX or HTML cards.
func (a *app) cmdReport(ctx context.Context, args []string) int {
	fs := a.flags("report")
	period := fs.String("period", "", "period reported on (2024-S1)")
	dir := fs.String("directorate", "", "only this directorate (code)")
	format := fs.String("format", "", "csv, xlsx or html (default: from the file name)")
	outPath := fs.String("o", "", "output file (- for standard output)")
	if _, ok := a.parse(fs, args); !ok {
		return 2
	}
	if *period == "" || *outPath == "" {
		a.errorf("uso: sollecito report --period 2024-S1 [--directorate CODICE] --format csv|xlsx|html -o FILE",
			"usage: sollecito report --period 2024-S1 [--directorate CODE] --format csv|xlsx|html -o FILE")
		return 2
	}
	if *format == "" {
		ext := filepath.Ext(*outPath)
		if len(ext) > 1 {
			*format = ext[1:]
		}
	}
	if *format != "csv" && *format != "xlsx" && *format != "html" {
		a.errorf("formato %q non previsto: usare csv, xlsx o html", "unknown format %q: use csv, xlsx or html", *format)
		return 2
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		return a.fail(err)
	}
	defer st.Close()
	r, err := report.Build(ctx, eng, report.Options{Period: *period, Directorate: *dir, Lang: a.langCode()})
	if err != nil {
		return a.fail(err)
	}
	write := map[string]func(w *bufio.Writer) error{
		"csv":  func(w *bufio.Writer) error { return r.WriteCSV(w) },
		"xlsx": func(w *bufio.Writer) error { return r.WriteXLSX(w) },
		"html": func(w *bufio.Writer) error { return r.WriteHTML(w) },
	}[*format]
	if *outPath == "-" {
		w := bufio.NewWriter(a.stdout)
		if err := write(w); err != nil {
			return a.fail(err)
		}
		if err := w.Flush(); err != nil {
			return a.fail(err)
		}
		return 0
	}
	// Written beside the target and renamed: a failed run leaves no
	// half-written report.
	tmp, err := os.CreateTemp(filepath.Dir(*outPath), ".report-*")
	if err != nil {
		return a.fail(fmt.Errorf("create %s: %w", *outPath, err))
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		_ = tmp.Close()
		return a.fail(err)
	}
	if err := w.Flush(); err != nil {
		_ = tmp.Close()
		return a.fail(fmt.Errorf("write %s: %w", *outPath, err))
	}
	if err := tmp.Close(); err != nil {
		return a.fail(fmt.Errorf("write %s: %w", *outPath, err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return a.fail(err)
	}
	if err := os.Rename(tmp.Name(), *outPath); err != nil {
		return a.fail(fmt.Errorf("write %s: %w", *outPath, err))
	}
	fmt.Fprintf(a.stdout, pick(a.en(), "Report %s: %d indicatori, %d schede → %s\n", "Report %s: %d indicators, %d cards → %s\n"),
		r.PeriodName, len(r.Rows()), len(r.Cards), *outPath)
	return 0
}
