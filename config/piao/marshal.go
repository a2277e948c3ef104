package piao

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
)

// MarshalPlanYAML writes the plan as readable block-style YAML; long texts
// are folded or quoted by the encoder as YAML requires.
func MarshalPlanYAML(p config.Plan) ([]byte, error) {
	return marshalYAML(p)
}

// peopleFile is the shape of the people file a plan references through
// people_file.
type peopleFile struct {
	People []config.Person `yaml:"people"`
}

// MarshalPeopleYAML writes the people file ("people:\n  - id: ...").
func MarshalPeopleYAML(people []config.Person) ([]byte, error) {
	return marshalYAML(peopleFile{People: people})
}

func marshalYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return buf.Bytes(), nil
}
