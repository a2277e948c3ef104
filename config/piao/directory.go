package piao

import (
	"regexp"
	"strings"
)

// directory is what the document's overview pages say about the
// organisation: directorates with their services, the dirigenti, and which
// directorate coordinates each intersectoral objective.
type directory struct {
	names     map[string]string // directorate code -> name as written
	nameLine  map[string]int
	order     []string
	services  []dirService        // services listed on the overview page
	dirigenti map[string]dirBlock // person key -> block
	// blockDirs counts, per dirigente, the directorates of the cover pages
	// carrying their DIRIGENTE block.
	blockDirs map[string]map[string]int
	coord     []string // directorate coding each intersectoral objective, in order
	coordLine []int
}

type dirService struct {
	name, directorate string
	line              int
}

type dirBlock struct {
	name string // as written, without the academic title
	line int
}

var (
	dirigenteRe = regexp.MustCompile(`^(?:DIRIGENTE|SEGRETARIO GENERALE)\s*(.*)$`)
	honorificRe = regexp.MustCompile(`^(?:DOTT\.SSA|DOTT\.|DOTT|ARCH\.|ING\.|AVV\.|GEOM\.)\s*`)
	coordRe     = regexp.MustCompile(`(?i)coordinato dalla Direzione Organizzativa (VII|VI|IV|V|III|II|I)\b`)
)

// readDirectory scans the overview pages.
func readDirectory(lines []srcLine) directory {
	d := directory{names: map[string]string{}, nameLine: map[string]int{}, dirigenti: map[string]dirBlock{}, blockDirs: map[string]map[string]int{}}
	var blocks []struct {
		key  string
		line int
	}
	// DIRIGENTE blocks: "DIRIGENTE ARCH. LUCA GILARDONI" or the name on the next line.
	for i, l := range lines {
		m := dirigenteRe.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		name := strings.TrimSpace(m[1])
		if name == "" && i+1 < len(lines) {
			name = lines[i+1].text
		}
		name = strings.TrimSpace(honorificRe.ReplaceAllString(name, ""))
		if name == "" {
			continue
		}
		k := personKey(name)
		if _, ok := d.dirigenti[k]; !ok {
			d.dirigenti[k] = dirBlock{name: name, line: l.n}
		}
		blocks = append(blocks, struct {
			key  string
			line int
		}{k, i})
	}
	defer func() {
		// after the overview page is read: the directorate of each cover page.
		for _, b := range blocks {
			code := ""
			for j := b.line - 1; j >= 0 && j >= b.line-8 && code == ""; j-- {
				t := lines[j].text
				if m := dirHeadRe.FindStringSubmatch(t); m != nil {
					code = m[1]
				} else if t != "" && !dirigenteRe.MatchString(t) {
					code = d.servicesIn(t)
				}
			}
			if code == "" {
				continue
			}
			if d.blockDirs[b.key] == nil {
				d.blockDirs[b.key] = map[string]int{}
			}
			d.blockDirs[b.key][code]++
		}
	}()
	// Intersectoral overview: "coordinato dalla Direzione Organizzativa V".
	for _, l := range lines {
		if m := coordRe.FindStringSubmatch(l.text); m != nil {
			d.coord = append(d.coord, m[1])
			d.coordLine = append(d.coordLine, l.n)
		}
	}
	// Overview of directorates and services: the page whose header reads
	// "RESPONSABILE: DIREZIONE ORGANIZZATIVA – SERVIZIO:".
	start := -1
	for i, l := range lines {
		if strings.Contains(l.text, "DIREZIONE ORGANIZZATIVA – SERVIZIO") || strings.Contains(l.text, "DIREZIONE ORGANIZZATIVA - SERVIZIO") {
			start = i
			break
		}
	}
	if start < 0 {
		return d
	}
	cur := ""
	wantName := false
	for i := start + 1; i < len(lines) && i < start+80; i++ {
		l := lines[i]
		if strings.HasPrefix(l.raw, "DIREZIONE") {
			break
		}
		if strings.Contains(l.text, "SERVIZIO:") {
			continue
		}
		cell := lastCell(l)
		if cell == "" {
			continue
		}
		if m := dirHeadRe.FindStringSubmatch(cell); m != nil {
			cur = m[1]
			if _, ok := d.names[cur]; !ok {
				d.order = append(d.order, cur)
			}
			d.names[cur] = strings.TrimSpace(m[2])
			d.nameLine[cur] = l.n
			wantName = d.names[cur] == ""
			continue
		}
		if cur == "" || !isUpperText(cell) {
			continue
		}
		if wantName {
			d.names[cur] = cell
			wantName = false
			continue
		}
		d.services = append(d.services, dirService{name: cell, directorate: cur, line: l.n})
	}
	return d
}

// lastCell returns the last non-empty cell of a line.
func lastCell(l srcLine) string {
	for i := len(l.cells) - 1; i >= 0; i-- {
		if l.cells[i] != "" {
			return l.cells[i]
		}
	}
	return ""
}

// isUpperText reports text of at least four letters, all upper case.
func isUpperText(s string) bool {
	letters := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			letters++
		}
	}
	return letters >= 4
}

// serviceDirectorate finds the directorate of a service named on a card by
// comparing it with the overview page's list.
func (d directory) serviceDirectorate(name string) (string, bool) {
	k := serviceKey(name)
	if k == "" {
		return "", false
	}
	best, bestScore := "", 0.0
	for _, s := range d.services {
		sk := serviceKey(s.name)
		score := tokenOverlap(k, sk)
		if score > bestScore {
			best, bestScore = s.directorate, score
		}
	}
	return best, bestScore >= 0.5
}

// serviceKey folds a service name to lower-case ascii words.
func serviceKey(s string) string {
	s = strings.ToLower(foldAccents(s))
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	f := strings.Fields(b.String())
	var out []string
	for _, w := range f {
		if len(w) > 2 || w == "ict" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// tokenOverlap is the share of a's words found in b.
func tokenOverlap(a, b string) float64 {
	aw, bw := strings.Fields(a), strings.Fields(b)
	if len(aw) == 0 {
		return 0
	}
	set := map[string]bool{}
	for _, w := range bw {
		set[w] = true
	}
	n := 0
	for _, w := range aw {
		if set[w] || (len(w) > 5 && prefixIn(w[:5], bw)) {
			n++
		}
	}
	return float64(n) / float64(len(aw))
}

func prefixIn(p string, ws []string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// servicesIn returns the directorate of the services named in full in a
// cover page's line, when they all belong to one directorate.
func (d directory) servicesIn(text string) string {
	k := " " + serviceKey(text) + " "
	code := ""
	for _, s := range d.services {
		sk := serviceKey(s.name)
		if len(strings.Fields(sk)) < 1 || !strings.Contains(k, " "+sk+" ") {
			continue
		}
		if code != "" && code != s.directorate {
			return ""
		}
		code = s.directorate
	}
	return code
}
