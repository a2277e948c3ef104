// Command regen runs the PIAO importer on a text file and writes the plan,
// the people file and the review report, for regenerating
// examples/lecco-2024 before correcting it by hand:
//
//	go run ./config/piao/internal/regen SEED.txt DIR [corrections.yaml]
//
// With a corrections file (examples/lecco-2024/corrections.yaml) it applies
// the hand corrections after the import.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"sollecito/config/piao"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	if len(args) != 2 && len(args) != 3 {
		fmt.Fprintln(os.Stderr, "uso: regen FILE.txt DIR [correzioni.yaml]")
		return 2
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res, err := piao.Import(text)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if len(args) == 3 {
		c, err := readCorrections(args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := c.apply(res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := tidy(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res.Plan.PeopleFile = "people.yaml"
	plan, err := piao.MarshalPlanYAML(res.Plan)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	people, err := piao.MarshalPeopleYAML(res.People)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.MkdirAll(args[1], 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rep, err := os.Create(filepath.Join(args[1], "report.txt"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer rep.Close()
	if err := res.Report.WriteText(rep); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for name, data := range map[string][]byte{"plan.yaml": plan, "people.yaml": people} {
		if err := os.WriteFile(filepath.Join(args[1], name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}
