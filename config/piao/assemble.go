package piao

import (
	"fmt"
	"sort"
	"strings"

	"sollecito/config"
	"sollecito/workflow/deadline"
)

// service returns the name under which the service is listed, adding it
// the first time. Names differing only in case or accents are one service.
func (im *importer) service(name, code string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	k := serviceKey(name)
	for _, s := range im.services {
		if serviceKey(s.Name) == k && s.Directorate == code {
			return s.Name
		}
	}
	im.services = append(im.services, config.Service{Name: name, Directorate: code})
	return name
}

func (im *importer) addPerson(p config.Person) {
	collectPerson(&im.people, im.pidx, p)
}

// phases fills the numbered actions and their deadline phrases.
func (im *importer) phases(o *config.Objective, b cardBody, anchor int) {
	raw, unnumbered, lost := splitPhases(b.fields[lPhases])
	for _, l := range lost {
		im.doubt(l, o.ID, "azione con il numero tagliato nel testo estratto: numerata in ordine di lettura")
	}
	for _, u := range unnumbered {
		if len(raw) == 0 {
			raw = append(raw, rawPhase{n: 0, text: u.text, line: u.line})
			im.doubt(u.line, o.ID, "azione senza numero: numerata in ordine di lettura")
		} else {
			im.doubt(u.line, o.ID, fmt.Sprintf("testo prima della prima azione numerata non collocato: %q", u.text))
		}
	}
	seen := map[int]bool{}
	for i, r := range raw {
		n := r.n
		if n == 0 || seen[n] {
			n = i + 1
		}
		seen[n] = true
		ph := config.Phase{N: n, Text: strings.TrimSpace(r.text)}
		if d, ok := deadline.Find(ph.Text); ok {
			ph.Deadline = d
		} else if d != "" {
			im.unknownDL = append(im.unknownDL, Finding{Line: r.line, Item: fmt.Sprintf("%s fase %d", o.ID, n), Why: fmt.Sprintf("%q: frase di scadenza non compresa, lasciata nel testo della fase", d)})
		}
		o.Phases = append(o.Phases, ph)
	}
	if len(o.Phases) == 0 {
		im.doubt(anchor, o.ID, "nessuna azione/fase trovata")
	}
}

// staff fills the people of RISORSE UMANE.
func (im *importer) staff(o *config.Objective, b cardBody, anchor int) {
	ps := b.fields[lStaff]
	text := joinPieces(ps)
	if text == "" {
		im.doubt(anchor, o.ID, "RISORSE UMANE non trovate")
		return
	}
	line := ps[0].line
	if genericRe.MatchString(text) {
		o.StaffText = text
		return
	}
	entries, leftover := parseStaff(text)
	for _, e := range entries {
		id := e.name.id()
		if id == "" {
			continue
		}
		if cut := im.cutName(e.name); cut != "" {
			im.doubt(line, id, fmt.Sprintf("nome forse tagliato dall'estrazione (%q, simile a %s) in %s", e.raw, cut, o.ID))
		}
		im.addPerson(config.Person{ID: id, Name: e.name.display(), Roles: []string{config.RoleStaff}, Title: e.title})
		o.Staff = appendNew(o.Staff, id)
		if !e.name.sure {
			im.doubt(line, id, fmt.Sprintf("nome e cognome non distinti con certezza in %q (%s)", e.raw, o.ID))
		}
	}
	if len(leftover) > 0 || len(entries) == 0 {
		o.StaffText = text
		im.doubt(line, o.ID, fmt.Sprintf("RISORSE UMANE lette solo in parte, testo conservato in staff_text (non collocato: %q)", strings.Join(leftover, " ")))
	}
}

// indicators fills the INDICATORI table.
func (im *importer) indicators(o *config.Objective, b cardBody, anchor int) {
	rows, orphans := parseIndicators(b.indLines, im.vocab)
	for _, l := range orphans {
		im.doubt(l, o.ID, "riga QUANTIFICAZIONE senza descrizione, formula e target leggibili: indicatore non importato")
	}
	for i, r := range rows {
		ind := config.Indicator{
			ID:              fmt.Sprintf("%s.%d", o.ID, i+1),
			Description:     r.desc,
			Formula:         r.formula,
			Target:          r.target,
			Quantifications: r.quant,
		}
		ind.Kind, ind.Numerator, ind.Denominator = inferKind(r.formula, r.target)
		line := anchor
		if len(r.lines) > 0 {
			line = r.lines[0]
		}
		for _, d := range r.doubts {
			im.doubt(line, ind.ID, d)
		}
		o.Indicators = append(o.Indicators, ind)
	}
	if len(rows) == 0 {
		im.doubt(anchor, o.ID, "nessun indicatore trovato")
	}
}

// directorates lists the directorates in document order with their
// dirigente: the person of the DIRIGENTE page who is responsabile of the
// directorate's objectives, or else its most frequent responsabile.
func (im *importer) directorates() []config.Directorate {
	codes := append([]string{}, im.dir.order...)
	for c := range im.counts {
		found := false
		for _, x := range codes {
			found = found || x == c
		}
		if !found {
			codes = append(codes, c)
		}
	}
	var out []config.Directorate
	for _, c := range codes {
		d := config.Directorate{Code: c, Name: im.dir.names[c]}
		best, bestN := "", 0
		var ids []string
		for id := range im.resp[c] {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			n := im.resp[c][id]
			if _, isDir := im.dir.dirigenti[personKey(strings.ReplaceAll(id, "-", " "))]; isDir {
				n += 1000
			}
			if n > bestN {
				best, bestN = id, n
			}
		}
		d.Dirigente = best
		if best != "" && bestN < 1000 {
			im.doubt(im.dir.nameLine[c], best, fmt.Sprintf("dirigente della direzione %s non indicato in una pagina DIRIGENTE: scelto il responsabile più frequente delle sue schede", c))
		}
		if best == "" {
			im.doubt(im.dir.nameLine[c], c, "dirigente non trovato")
		}
		out = append(out, d)
	}
	return out
}

// report totals the plan and gathers the findings.
func (im *importer) report(p *config.Plan) Report {
	r := Report{Uncertain: im.uncertain, UnknownDeadlines: im.unknownDL, People: len(im.people)}
	byDir := map[string]*DirectorateCount{}
	for _, d := range p.Directorates {
		r.Directorates = append(r.Directorates, DirectorateCount{Code: d.Code, Name: d.Name})
	}
	for i := range r.Directorates {
		byDir[r.Directorates[i].Code] = &r.Directorates[i]
	}
	svc := map[[2]string]*ServiceCount{}
	var order [][2]string
	for _, o := range p.Objectives {
		d := byDir[o.Directorate]
		k := [2]string{o.Directorate, o.Service}
		s, ok := svc[k]
		if !ok {
			s = &ServiceCount{Directorate: o.Directorate, Service: o.Service}
			svc[k] = s
			order = append(order, k)
		}
		s.Objectives++
		s.Indicators += len(o.Indicators)
		r.Objectives++
		r.Indicators += len(o.Indicators)
		r.Phases += len(o.Phases)
		withDL := 0
		for _, ph := range o.Phases {
			if ph.Deadline != "" {
				withDL++
			}
		}
		r.PhasesWithDeadline += withDL
		if d != nil {
			d.Objectives++
			d.Indicators += len(o.Indicators)
			d.Phases += len(o.Phases)
			d.PhasesWithDeadline += withDL
		}
	}
	for _, k := range order {
		r.Services = append(r.Services, *svc[k])
	}
	sort.SliceStable(r.Uncertain, func(i, j int) bool { return r.Uncertain[i].Line < r.Uncertain[j].Line })
	return r
}

// cutName returns the id of a person already named whose name starts with
// the words of n, cut short: "Cassinelli Anto" is likely "Cassinelli
// Antonella". The cut name is kept as written and reported.
func (im *importer) cutName(n personName) string {
	id := n.id()
	nn := strings.Fields(strings.ToLower(foldAccents(n.display())))
	for len(im.nameWords) < len(im.people) {
		p := im.people[len(im.nameWords)]
		im.nameWords = append(im.nameWords, strings.Fields(strings.ToLower(foldAccents(p.Name))))
	}
	for i, pn := range im.nameWords {
		if len(pn) != len(nn) || im.people[i].ID == id {
			continue
		}
		same, prefix := 0, 0
		for j := range nn {
			switch {
			case nn[j] == pn[j]:
				same++
			case strings.HasPrefix(pn[j], nn[j]):
				prefix++
			}
		}
		if same == len(nn)-1 && prefix == 1 {
			return im.people[i].ID
		}
	}
	return ""
}
