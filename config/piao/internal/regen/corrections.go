package main

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"sollecito/config"
	"sollecito/config/piao"
)

// corrections are the changes made by hand after checking the import
// against the document. Each names what it replaces and why, so a reader
// can check it again and a new import can be corrected the same way.
type corrections struct {
	Directorates []fix `yaml:"directorates"`
	People       []fix `yaml:"people"`
	Objectives   []fix `yaml:"objectives"`
}

// fix replaces the fields it names in the item with the given id (code for
// directorates). Indicators inside an objective fix are matched by id;
// unknown indicator ids are appended (a row the import missed), and an
// indicator with remove: true is dropped (a row that is not in the
// document); removing an id the import does not have is an error, so a
// changed import cannot silently turn a removal into an empty row. An
// indicator with rename gets a new id before the other indicator fixes of
// the same objective fix apply (see renameIndicators). A phases list
// replaces the objective's phases whole. Remove drops the item.
type fix struct {
	ID     string         `yaml:"id"`
	Why    string         `yaml:"why"`
	Remove bool           `yaml:"remove"`
	Set    map[string]any `yaml:"set"`
	// Rename (people only) replaces the id everywhere; when the new id
	// already exists the two are one person.
	Rename string `yaml:"rename"`
}

func readCorrections(path string) (corrections, error) {
	var c corrections
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read corrections: %w", err)
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("decode corrections %s: %w", path, err)
	}
	return c, nil
}

// overlay copies fields of set over v (a struct pointer) through YAML.
func overlay(v any, set map[string]any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	for k, x := range set {
		if k == "indicators" {
			continue
		}
		m[k] = x
	}
	data, err = yaml.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return yaml.Unmarshal(data, v)
}

func (c corrections) apply(res *piao.Result) error {
	p := &res.Plan
	for _, f := range c.Directorates {
		found := false
		for i := range p.Directorates {
			if p.Directorates[i].Code == f.ID {
				found = true
				if err := overlay(&p.Directorates[i], f.Set); err != nil {
					return fmt.Errorf("directorate %s: %w", f.ID, err)
				}
			}
		}
		if !found {
			return fmt.Errorf("directorate %s: not in the import", f.ID)
		}
	}
	for _, f := range c.People {
		i := indexPerson(res.People, f.ID)
		if f.Rename != "" {
			if i < 0 {
				return fmt.Errorf("person %s: not in the import", f.ID)
			}
			renamePerson(res, f.ID, f.Rename)
			if j := indexPerson(res.People, f.Rename); j >= 0 {
				res.People = append(res.People[:i], res.People[i+1:]...)
				i = indexPerson(res.People, f.Rename)
			} else {
				res.People[i].ID = f.Rename
			}
			if len(f.Set) > 0 {
				if err := overlay(&res.People[i], f.Set); err != nil {
					return fmt.Errorf("person %s: %w", f.ID, err)
				}
			}
			continue
		}
		switch {
		case f.Remove && i >= 0:
			res.People = append(res.People[:i], res.People[i+1:]...)
			renamePerson(res, f.ID, "")
		case i >= 0:
			if err := overlay(&res.People[i], f.Set); err != nil {
				return fmt.Errorf("person %s: %w", f.ID, err)
			}
		default:
			np := config.Person{ID: f.ID}
			if err := overlay(&np, f.Set); err != nil {
				return fmt.Errorf("person %s: %w", f.ID, err)
			}
			res.People = append(res.People, np)
		}
	}
	for _, f := range c.Objectives {
		i := -1
		for j := range p.Objectives {
			if p.Objectives[j].ID == f.ID {
				i = j
			}
		}
		if i < 0 {
			return fmt.Errorf("objective %s: not in the import", f.ID)
		}
		o := &p.Objectives[i]
		if err := overlay(o, f.Set); err != nil {
			return fmt.Errorf("objective %s: %w", f.ID, err)
		}
		if f.Remove {
			p.Objectives = append(p.Objectives[:i], p.Objectives[i+1:]...)
			continue
		}
		inds, _ := f.Set["indicators"].([]any)
		if err := renameIndicators(o, &res.Report, inds); err != nil {
			return fmt.Errorf("objective %s: %w", f.ID, err)
		}
		for _, x := range inds {
			m, _ := x.(map[string]any)
			id, _ := m["id"].(string)
			if _, ok := m["rename"]; ok {
				continue
			}
			j := -1
			for k := range o.Indicators {
				if o.Indicators[k].ID == id {
					j = k
				}
			}
			if id == "" {
				return fmt.Errorf("objective %s: indicator fix without id", f.ID)
			}
			if rm, _ := m["remove"].(bool); rm {
				if j < 0 {
					return fmt.Errorf("indicator %s: cannot remove, not in the import", id)
				}
				o.Indicators = append(o.Indicators[:j], o.Indicators[j+1:]...)
				continue
			}
			delete(m, "why")
			if j < 0 {
				o.Indicators = append(o.Indicators, config.Indicator{ID: id})
				j = len(o.Indicators) - 1
			}
			if err := overlay(&o.Indicators[j], m); err != nil {
				return fmt.Errorf("indicator %s: %w", id, err)
			}
		}
	}
	return nil
}

// renameIndicators gives the indicators named by id the id in their
// rename field, all at once, so the ids of a shipped plan stay stable when
// the importer numbers a card's rows differently (a row it now reads
// shifts the rows after it): {id: II-07.1, rename: II-07.4} keeps the
// document's new first row from taking an id people already use. The
// report's findings follow, so it names the rows as the plan does. Every
// renamed id must be in the import and the ids must stay unique.
func renameIndicators(o *config.Objective, rep *piao.Report, fixes []any) error {
	to := map[string]string{}
	for _, x := range fixes {
		m, _ := x.(map[string]any)
		r, ok := m["rename"]
		if !ok {
			continue
		}
		id, _ := m["id"].(string)
		nid, _ := r.(string)
		if id == "" || nid == "" {
			return fmt.Errorf("indicator rename needs id and rename: %v", m)
		}
		if _, dup := to[id]; dup {
			return fmt.Errorf("indicator %s renamed twice", id)
		}
		to[id] = nid
	}
	if len(to) == 0 {
		return nil
	}
	for id := range to {
		found := false
		for _, ind := range o.Indicators {
			found = found || ind.ID == id
		}
		if !found {
			return fmt.Errorf("indicator %s: cannot rename, not in the import", id)
		}
	}
	seen := map[string]bool{}
	for i := range o.Indicators {
		if nid, ok := to[o.Indicators[i].ID]; ok {
			o.Indicators[i].ID = nid
		}
		if seen[o.Indicators[i].ID] {
			return fmt.Errorf("indicator %s: id used twice after renaming", o.Indicators[i].ID)
		}
		seen[o.Indicators[i].ID] = true
	}
	for i := range rep.Uncertain {
		if nid, ok := to[rep.Uncertain[i].Item]; ok {
			rep.Uncertain[i].Item = nid
		}
	}
	return nil
}

func indexPerson(ps []config.Person, id string) int {
	for i := range ps {
		if ps[i].ID == id {
			return i
		}
	}
	return -1
}

// tidy rebuilds the service list from the objectives (corrections rename
// services) and checks that every person named in the plan exists.
func tidy(res *piao.Result) error {
	p := &res.Plan
	p.Services = nil
	seen := map[[2]string]bool{}
	for _, o := range p.Objectives {
		k := [2]string{o.Service, o.Directorate}
		if o.Service == "" || seen[k] {
			continue
		}
		seen[k] = true
		p.Services = append(p.Services, config.Service{Name: o.Service, Directorate: o.Directorate})
	}
	known := map[string]bool{}
	for _, pe := range res.People {
		known[pe.ID] = true
	}
	var missing []string
	need := func(where, id string) {
		if id != "" && !known[id] {
			missing = append(missing, where+": "+id)
		}
	}
	for _, d := range p.Directorates {
		need("directorate "+d.Code, d.Dirigente)
	}
	used := map[string]bool{}
	for _, o := range p.Objectives {
		need(o.ID, o.Responsabile)
		used[o.Responsabile] = true
		for _, s := range o.Staff {
			need(o.ID, s)
			used[s] = true
		}
	}
	for _, d := range p.Directorates {
		used[d.Dirigente] = true
	}
	var people []config.Person
	for _, pe := range res.People {
		if used[pe.ID] {
			people = append(people, pe)
		}
	}
	res.People = people
	if len(missing) > 0 {
		return fmt.Errorf("unknown people: %v", missing)
	}
	return nil
}

// renamePerson replaces id with to ("" removes it) wherever the plan
// names the person.
func renamePerson(res *piao.Result, id, to string) {
	p := &res.Plan
	for i := range p.Directorates {
		if p.Directorates[i].Dirigente == id {
			p.Directorates[i].Dirigente = to
		}
	}
	for i := range p.Objectives {
		o := &p.Objectives[i]
		if o.Responsabile == id {
			o.Responsabile = to
		}
		var staff []string
		for _, s := range o.Staff {
			if s == id {
				s = to
			}
			dup := false
			for _, x := range staff {
				dup = dup || x == s
			}
			if s != "" && !dup {
				staff = append(staff, s)
			}
		}
		o.Staff = staff
	}
}
