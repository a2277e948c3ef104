package piao

import (
	"fmt"
	"io"
	"strings"
)

// Finding is one item a person should check against the document.
type Finding struct {
	// Line is the 1-based source line where the item starts.
	Line int `json:"line" yaml:"line"`
	// Item names what is concerned: an objective or indicator id, a person.
	Item string `json:"item" yaml:"item"`
	// Why says, in Italian, what is uncertain.
	Why string `json:"why" yaml:"why"`
}

// ServiceCount is the number of objectives of one service.
type ServiceCount struct {
	Directorate string `json:"directorate" yaml:"directorate"`
	Service     string `json:"service" yaml:"service"`
	Objectives  int    `json:"objectives" yaml:"objectives"`
	Indicators  int    `json:"indicators" yaml:"indicators"`
}

// DirectorateCount totals one directorate.
type DirectorateCount struct {
	Code       string `json:"code" yaml:"code"`
	Name       string `json:"name" yaml:"name"`
	Objectives int    `json:"objectives" yaml:"objectives"`
	Indicators int    `json:"indicators" yaml:"indicators"`
	Phases     int    `json:"phases" yaml:"phases"`
	// PhasesWithDeadline counts phases whose text holds a deadline phrase.
	PhasesWithDeadline int `json:"phases_with_deadline" yaml:"phases_with_deadline"`
}

// Report is the review report of an import: what was found, and every
// item that a person must check against the document.
type Report struct {
	Directorates []DirectorateCount `json:"directorates" yaml:"directorates"`
	Services     []ServiceCount     `json:"services" yaml:"services"`
	// Totals over the whole plan.
	Objectives         int `json:"objectives" yaml:"objectives"`
	Indicators         int `json:"indicators" yaml:"indicators"`
	Phases             int `json:"phases" yaml:"phases"`
	PhasesWithDeadline int `json:"phases_with_deadline" yaml:"phases_with_deadline"`
	People             int `json:"people" yaml:"people"`
	// Uncertain lists items kept with their raw text or repaired on weak
	// evidence.
	Uncertain []Finding `json:"uncertain" yaml:"uncertain"`
	// UnknownDeadlines lists deadline phrases the deadline grammar does not
	// understand; they are kept as written.
	UnknownDeadlines []Finding `json:"unknown_deadlines" yaml:"unknown_deadlines"`
}

// WriteText writes the report for a person to read, in Italian.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Rapporto di importazione PIAO\n\n")
	fmt.Fprintf(&b, "Totali: %d obiettivi, %d indicatori, %d fasi (%d con una scadenza), %d persone\n\n",
		r.Objectives, r.Indicators, r.Phases, r.PhasesWithDeadline, r.People)
	fmt.Fprintf(&b, "Per direzione:\n")
	for _, d := range r.Directorates {
		fmt.Fprintf(&b, "  %-4s %-55s %3d obiettivi %4d indicatori %4d fasi %3d con scadenza\n",
			d.Code, d.Name, d.Objectives, d.Indicators, d.Phases, d.PhasesWithDeadline)
	}
	fmt.Fprintf(&b, "\nPer servizio:\n")
	for _, s := range r.Services {
		name := s.Service
		if name == "" {
			name = "(nessun servizio)"
		}
		fmt.Fprintf(&b, "  %-4s %-55s %3d obiettivi %4d indicatori\n", s.Directorate, name, s.Objectives, s.Indicators)
	}
	fmt.Fprintf(&b, "\nDa verificare sul documento (%d):\n", len(r.Uncertain))
	for _, f := range r.Uncertain {
		fmt.Fprintf(&b, "  riga %5d  %-14s %s\n", f.Line, f.Item, f.Why)
	}
	fmt.Fprintf(&b, "\nScadenze non comprese dalla grammatica (%d):\n", len(r.UnknownDeadlines))
	for _, f := range r.UnknownDeadlines {
		fmt.Fprintf(&b, "  riga %5d  %-14s %s\n", f.Line, f.Item, f.Why)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write import report: %w", err)
	}
	return nil
}
