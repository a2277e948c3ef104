package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong (or worth a warning) in a configuration or
// plan file, located by file and line.
type Problem struct {
	File    string
	Line    int
	Path    string // YAML path of the setting or item ("objectives[3].kind")
	Warning bool
	It, En  string // the message in Italian and English
}

// Message returns the message in lang ("it" default, "en").
func (p Problem) Message(lang string) string {
	if lang == "en" && p.En != "" {
		return p.En
	}
	return p.It
}

// Format renders "file:line: [avviso: ]message" in lang.
func (p Problem) Format(lang string) string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Warning {
		if lang == "en" {
			b.WriteString("warning: ")
		} else {
			b.WriteString("avviso: ")
		}
	}
	b.WriteString(p.Message(lang))
	return b.String()
}

// String renders the problem in Italian.
func (p Problem) String() string { return p.Format("it") }

// Problems is every problem found in one load; it is an error when at least
// one is not a warning.
type Problems []Problem

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Sort orders problems by file and line.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// Format renders every problem, one a line, in lang.
func (ps Problems) Format(lang string) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Format(lang)
	}
	return strings.Join(lines, "\n")
}

// LoadError is returned when a load finds errors; it carries them all.
type LoadError struct{ Problems Problems }

// Error lists every error in Italian.
func (e *LoadError) Error() string {
	errs := e.Problems.Errors()
	return fmt.Sprintf("configurazione non valida (%d errori):\n%s", len(errs), errs.Format("it"))
}

// Localize lists every error in lang.
func (e *LoadError) Localize(lang string) string {
	if lang != "en" {
		return e.Error()
	}
	errs := e.Problems.Errors()
	return fmt.Sprintf("invalid configuration (%d errors):\n%s", len(errs), errs.Format("en"))
}

// ProblemsOf extracts the problems carried by err, if any.
func ProblemsOf(err error) Problems {
	var le *LoadError
	if errors.As(err, &le) {
		return le.Problems
	}
	return nil
}

// collector gathers problems for one file, locating paths through the
// file's line index.
type collector struct {
	file  string
	lines *lineIndex
	out   *Problems
}

func (c collector) add(warning bool, path, it, en string, args ...any) {
	*c.out = append(*c.out, Problem{
		File: c.file, Line: c.lines.find(path), Path: path, Warning: warning,
		It: fmt.Sprintf(it, args...), En: fmt.Sprintf(en, args...),
	})
}

func (c collector) errorf(path, it, en string, args ...any) { c.add(false, path, it, en, args...) }

func (c collector) warnf(path, it, en string, args ...any) { c.add(true, path, it, en, args...) }
