package main

import (
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
	"sollecito/config/piao"
)

// imported is a card as the importer leaves it: three rows, two phases.
func imported() *piao.Result {
	return &piao.Result{Report: piao.Report{Uncertain: []piao.Finding{
		{Line: 1214, Item: "II-07.1", Why: "descrizione ricomposta"},
		{Line: 1223, Item: "II-07.3", Why: "parola spezzata"},
	}}, Plan: config.Plan{Objectives: []config.Objective{{
		ID:     "II-07",
		Title:  "5 - COORDINARE I PROGETTI",
		Phases: []config.Phase{{N: 3, Text: "Terza azione"}, {N: 4, Text: "Quarta azione"}},
		Indicators: []config.Indicator{
			{ID: "II-07.1", Description: "Riga nuova"},
			{ID: "II-07.2", Description: "Formazione generale"},
			{ID: "II-07.3", Description: "Q0/1111110"},
		},
	}}}}
}

func TestCorrectionsEditIndicatorsAndPhases(t *testing.T) {
	tests := []struct {
		name       string
		yaml       string
		wantInds   string // id=description, in plan order
		wantPhases string // n=text, in plan order
		wantReport string // line=item of the review report's findings
		wantErr    string
	}{
		{
			name: "renames keep the shipped ids and later fixes use them",
			yaml: `
objectives:
  - id: II-07
    set:
      indicators:
        - {id: II-07.1, rename: II-07.3}
        - {id: II-07.2, rename: II-07.1}
        - {id: II-07.3, rename: II-07.2}
        - {id: II-07.1, description: Formazione generale ai ragazzi}
`,
			wantInds:   "II-07.3=Riga nuova II-07.1=Formazione generale ai ragazzi II-07.2=Q0/1111110",
			wantPhases: "3=Terza azione 4=Quarta azione",
			wantReport: "1214=II-07.3 1223=II-07.2",
		},
		{
			name: "a row the import missed is added, a row not in the document removed",
			yaml: `
objectives:
  - id: II-07
    set:
      indicators:
        - {id: II-07.3, remove: true, why: OCR of a label}
        - {id: II-07.4, description: Gradimento del tutoraggio, target: ">= 80%", why: line 1214}
`,
			wantInds:   "II-07.1=Riga nuova II-07.2=Formazione generale II-07.4=Gradimento del tutoraggio",
			wantPhases: "3=Terza azione 4=Quarta azione",
			wantReport: "1214=II-07.1 1223=II-07.3",
		},
		{
			name: "a phases list replaces the phases, restoring lost actions",
			yaml: `
objectives:
  - id: II-07
    set:
      phases:
        - {n: 1, text: Prima azione}
        - {n: 3, text: Terza azione}
        - {n: 4, text: Quarta azione}
`,
			wantInds:   "II-07.1=Riga nuova II-07.2=Formazione generale II-07.3=Q0/1111110",
			wantPhases: "1=Prima azione 3=Terza azione 4=Quarta azione",
			wantReport: "1214=II-07.1 1223=II-07.3",
		},
		{
			name:    "removing a row the import does not have is an error",
			yaml:    "objectives: [{id: II-07, set: {indicators: [{id: II-07.9, remove: true}]}}]",
			wantErr: "II-07.9: cannot remove",
		},
		{
			name:    "renaming a row the import does not have is an error",
			yaml:    "objectives: [{id: II-07, set: {indicators: [{id: II-07.9, rename: II-07.1}]}}]",
			wantErr: "II-07.9: cannot rename",
		},
		{
			name:    "a rename that leaves two rows with one id is an error",
			yaml:    "objectives: [{id: II-07, set: {indicators: [{id: II-07.1, rename: II-07.2}]}}]",
			wantErr: "II-07.2: id used twice",
		},
		{
			name:    "an objective the import does not have is an error",
			yaml:    "objectives: [{id: IV-01, set: {title: X}}]",
			wantErr: "IV-01: not in the import",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c corrections
			if err := yaml.Unmarshal([]byte(tt.yaml), &c); err != nil {
				t.Fatalf("decode: %v", err)
			}
			res := imported()
			err := c.apply(res)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("apply error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			o := res.Plan.Objectives[0]
			var inds, phases []string
			for _, ind := range o.Indicators {
				inds = append(inds, ind.ID+"="+ind.Description)
			}
			for _, ph := range o.Phases {
				phases = append(phases, strconv.Itoa(ph.N)+"="+ph.Text)
			}
			if got := strings.Join(inds, " "); got != tt.wantInds {
				t.Errorf("indicators:\n got %s\nwant %s", got, tt.wantInds)
			}
			if got := strings.Join(phases, " "); got != tt.wantPhases {
				t.Errorf("phases:\n got %s\nwant %s", got, tt.wantPhases)
			}
			var findings []string
			for _, f := range res.Report.Uncertain {
				findings = append(findings, strconv.Itoa(f.Line)+"="+f.Item)
			}
			if got := strings.Join(findings, " "); got != tt.wantReport {
				t.Errorf("report findings:\n got %s\nwant %s", got, tt.wantReport)
			}
		})
	}
}
