package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// lineIndex finds the line a YAML path ("objectives[3].indicators[0].kind")
// starts on, so problems found after decoding can be located. The file is
// parsed into a tree for it only when a problem asks: a valid plan of
// 30,000 indicators would otherwise hold a tree of a hundred megabytes, and
// parse twice, to locate nothing.
type lineIndex struct {
	data  []byte
	once  sync.Once
	lines map[string]int
}

func newLineIndex(data []byte) *lineIndex { return &lineIndex{data: data} }

// find returns the line of path, or of its nearest ancestor that exists.
func (li *lineIndex) find(path string) int {
	li.once.Do(li.build)
	for path != "" {
		if l, ok := li.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return li.lines[""]
}

func (li *lineIndex) build() {
	li.lines = map[string]int{}
	var root yaml.Node
	if len(li.data) == 0 || yaml.Unmarshal(li.data, &root) != nil {
		return // a file that does not parse was reported as such
	}
	indexNode(&root, "", li.lines)
}

func indexNode(n *yaml.Node, path string, li map[string]int) {
	if _, ok := li[path]; !ok {
		li[path] = n.Line
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			indexNode(c, path, li)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			li[p] = k.Line
			indexNode(v, p, li)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			indexNode(c, fmt.Sprintf("%s[%d]", path, i), li)
		}
	}
}

var (
	lineRe      = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRe   = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	unmarshalRe = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// decodeYAML decodes data into out, rejecting unknown keys, and returns
// the line index plus every syntax or type problem with its line. broken
// is true when the file is not YAML at all: checking its content further
// would only add noise.
func decodeYAML(file string, data []byte, out any) (li *lineIndex, probs Problems, broken bool) {
	li = newLineIndex(data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(out)
	if err == nil || errors.Is(err, io.EOF) {
		return li, nil, false
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, msg := range te.Errors {
			probs = append(probs, yamlProblem(file, msg))
		}
		return li, probs, false
	}
	return li, append(probs, yamlProblem(file, err.Error())), true
}

// yamlProblem turns a yaml.v3 message into a located, translated Problem.
func yamlProblem(file, msg string) Problem {
	p := Problem{File: file}
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	switch {
	case unknownRe.MatchString(msg):
		m := unknownRe.FindStringSubmatch(msg)
		p.It = fmt.Sprintf("chiave sconosciuta %q (controllare l'ortografia; le chiavi ammesse sono in docs/)", m[1])
		p.En = fmt.Sprintf("unknown key %q (check the spelling; the allowed keys are in docs/)", m[1])
	case unmarshalRe.MatchString(msg):
		m := unmarshalRe.FindStringSubmatch(msg)
		want, wantEn := typeName(m[3])
		p.It = fmt.Sprintf("valore %q del tipo sbagliato: atteso %s", m[2], want)
		p.En = fmt.Sprintf("value %q has the wrong type: expected %s", m[2], wantEn)
	case strings.HasPrefix(msg, "durata non valida"):
		p.It = msg
		p.En = "invalid duration: " + strings.TrimPrefix(msg, "durata non valida ")
	default:
		p.It = "YAML non valido: " + msg
		p.En = "invalid YAML: " + msg
	}
	return p
}

func typeName(goType string) (it, en string) {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "un elenco", "a list"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "un numero intero", "a whole number"
	case goType == "bool":
		return "true o false", "true or false"
	case goType == "string", strings.HasSuffix(goType, "Secret"):
		return "un testo", "a text"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "config."):
		return "una sezione (chiave: valore)", "a section (key: value)"
	}
	return goType, goType
}
