package simulate

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSONWriter writes a run's messages as they come (Options.OnSent) in the
// JSON form of a Result: {"sent": [...], "answers": N}, indented by two
// spaces, without holding them.
type JSONWriter struct {
	w io.Writer
	n int
}

// NewJSONWriter starts the JSON document on w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Write adds one message.
func (j *JSONWriter) Write(s Sent) error {
	b, err := json.MarshalIndent(s, "    ", "  ")
	if err != nil {
		return fmt.Errorf("simulation output: %w", err)
	}
	sep := "{\n  \"sent\": [\n    "
	if j.n > 0 {
		sep = ",\n    "
	}
	j.n++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return fmt.Errorf("simulation output: %w", err)
	}
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("simulation output: %w", err)
	}
	return nil
}

// Close ends the document with the number of simulated answers.
func (j *JSONWriter) Close(answers int) error {
	end := fmt.Sprintf("\n  ],\n  \"answers\": %d\n}\n", answers)
	if j.n == 0 {
		end = fmt.Sprintf("{\n  \"sent\": [],\n  \"answers\": %d\n}\n", answers)
	}
	if _, err := io.WriteString(j.w, end); err != nil {
		return fmt.Errorf("simulation output: %w", err)
	}
	return nil
}
