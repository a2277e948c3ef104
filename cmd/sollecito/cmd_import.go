package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sollecito/config/piao"
)

// cmdImport dispatches `import KIND`.
func (a *app) cmdImport(ctx context.Context, args []string) int {
	return a.sub(ctx, "import", args, map[string]func(context.Context, []string) int{"piao": a.cmdImportPIAO})
}

// cmdImportPIAO turns the text extraction of a PIAO document into a plan
// (YAML or JSON), a people file and a review report.
func (a *app) cmdImportPIAO(_ context.Context, args []string) int {
	fs := a.flags("import piao")
	out := fs.String("o", "", "plan file to write (default: standard output)")
	people := fs.String("people", "", "people file to write (default: people.yaml beside -o)")
	format := fs.String("format", "yaml", "yaml or json")
	report := fs.String("report", "", "review report to write (default: standard error)")
	pos, ok := a.parse(fs, args)
	if !ok {
		return 2
	}
	if len(pos) != 1 || (*format != "yaml" && *format != "json") {
		a.errorf("uso: sollecito import piao FILE.txt [-o plan.yaml] [--people people.yaml] [--format yaml|json] [--report FILE]",
			"usage: sollecito import piao FILE.txt [-o plan.yaml] [--people people.yaml] [--format yaml|json] [--report FILE]")
		return 2
	}
	var text []byte
	var err error
	if pos[0] == "-" {
		text, err = io.ReadAll(os.Stdin)
	} else {
		text, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return a.fail(fmt.Errorf("lettura di %s: %w", pos[0], err))
	}
	res, err := piao.Import(text)
	if err != nil {
		return a.fail(err)
	}

	var rep bytes.Buffer
	if err := res.Report.WriteText(&rep); err != nil {
		return a.fail(err)
	}
	if *report != "" {
		if err := os.WriteFile(*report, rep.Bytes(), 0o644); err != nil {
			return a.fail(err)
		}
	} else {
		_, _ = a.stderr.Write(rep.Bytes())
	}

	if *format == "json" {
		// The same shape as `plan show --format json`: people inside.
		p := res.Plan
		p.People = res.People
		if *out == "" {
			return a.writeJSON(p)
		}
		f, err := os.Create(*out)
		if err != nil {
			return a.fail(err)
		}
		defer f.Close()
		saved := a.stdout
		a.stdout = f
		defer func() { a.stdout = saved }()
		return a.writeJSON(p)
	}

	plan := res.Plan
	peoplePath := *people
	if peoplePath == "" && *out != "" {
		peoplePath = filepath.Join(filepath.Dir(*out), "people.yaml")
	}
	if peoplePath != "" {
		rel := peoplePath
		if *out != "" {
			if r, err := filepath.Rel(filepath.Dir(*out), peoplePath); err == nil {
				rel = r
			}
		}
		plan.PeopleFile = rel
		pdata, err := piao.MarshalPeopleYAML(res.People)
		if err != nil {
			return a.fail(err)
		}
		if err := os.WriteFile(peoplePath, pdata, 0o644); err != nil {
			return a.fail(err)
		}
	} else {
		plan.People = res.People // everything on standard output
	}
	data, err := piao.MarshalPlanYAML(plan)
	if err != nil {
		return a.fail(err)
	}
	if *out == "" {
		_, err = a.stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		return a.fail(err)
	}
	if *out != "" {
		fmt.Fprintf(a.stderr, pick(a.en(), "Scritti %s e %s: controllare con sollecito --plan %s check\n",
			"Wrote %s and %s: check with sollecito --plan %s check\n"), *out, peoplePath, *out)
	}
	return 0
}
