package piao

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
)

// foldWidth is the length above which a text is written folded (">-") over
// several lines instead of on one long line.
const foldWidth = 80

// MarshalPlanYAML writes the plan as readable block-style YAML: long texts
// are folded over several lines, texts YAML would misread are quoted.
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
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	fold(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return wrapFolded(buf.Bytes()), nil
}

// wrapFolded wraps the single content line of each folded scalar (the
// encoder does not) at spaces, keeping its indentation. Folded lines read
// back joined by single spaces, so the text is unchanged.
func wrapFolded(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if !strings.HasSuffix(lines[i], ">-") || i+1 >= len(lines) {
			continue
		}
		i++
		line := lines[i]
		body := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(body)]
		for len(indent)+len(body) > foldWidth {
			cut := strings.LastIndex(body[:foldWidth-len(indent)], " ")
			if cut <= 0 {
				cut = strings.Index(body, " ")
				if cut <= 0 {
					break
				}
			}
			out = append(out, indent+body[:cut])
			body = body[cut+1:]
		}
		out = append(out, indent+body)
	}
	return []byte(strings.Join(out, "\n"))
}

// fold marks long single-line texts for the folded style. Texts whose
// spacing folding could change (double spaces, tabs, edges) keep the
// encoder's own style.
func fold(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && len(n.Value) > foldWidth &&
		!strings.ContainsAny(n.Value, "\n\t") && !strings.Contains(n.Value, "  ") &&
		strings.TrimSpace(n.Value) == n.Value {
		n.Style = yaml.FoldedStyle
	}
	for _, c := range n.Content {
		fold(c)
	}
}
