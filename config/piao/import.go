package piao

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sollecito/config"
)

// Result is what Import produces: the plan (without people, which go to
// their own file), the people it names, and the review report.
type Result struct {
	// Plan has every directorate, service and objective found; People is
	// left empty: the people live in the people file.
	Plan config.Plan
	// People are the responsabili and the named staff, with empty contacts
	// for the administrator to complete.
	People []config.Person
	// Report lists counts and every item to check against the document.
	Report Report
}

// ErrNoCards is returned when the text holds no objective card at all.
var ErrNoCards = errorText{
	it: "il testo non contiene schede obiettivo del PIAO (nessuna riga \"DESCRIZIONE OBIETTIVO\" o \"IMPATTO/OUTCOME\")",
	en: "the text holds no PIAO objective card (no \"DESCRIZIONE OBIETTIVO\" or \"IMPATTO/OUTCOME\" row)",
}

// errorText is an error meant for people, in Italian and English.
type errorText struct{ it, en string }

// Error returns the Italian text.
func (e errorText) Error() string { return e.it }

// Localize returns the text in lang ("it" or "en").
func (e errorText) Localize(lang string) string {
	if lang == "en" {
		return e.en
	}
	return e.it
}

var (
	yearRe       = regexp.MustCompile(`Esercizio\s+(\d{4})`)
	orgRe        = regexp.MustCompile(`Provincia di [A-Z][a-z]+`)
	titleNumRe   = regexp.MustCompile(`^\s*[-–]?\s*\d{1,2}\s*(?:[-–.]\s*)?`)
	upperShareRe = regexp.MustCompile(`[a-zà-ù]`)
	tableWordRe  = regexp.MustCompile(`^(?:DESCRIZIONE|FORMULA|TARGET|QUANTIFICAZIONE|INDICATORI)$`)
)

// Import reads the text extraction of a PIAO document and returns the plan,
// the people and the review report. Nothing is invented: an item the
// importer cannot place keeps its raw text and is listed in the report.
func Import(text []byte) (*Result, error) {
	src := string(text)
	vocab := buildVocabulary(src)
	lines := splitLines(src, vocab)
	cards := segmentCards(lines)
	if len(cards) == 0 {
		return nil, ErrNoCards
	}
	im := importer{
		dir:    readDirectory(lines),
		vocab:  vocab,
		pidx:   map[string]int{},
		counts: map[string]int{},
	}
	res := &Result{}
	p := &res.Plan
	if m := orgRe.FindString(src); m != "" {
		p.Organisation = m
	}
	if m := yearRe.FindStringSubmatch(src); m != nil {
		p.Year, _ = strconv.Atoi(m[1])
	}
	heads := make([]cardHeader, len(cards))
	votes := map[string]map[string]int{}
	for i, c := range cards {
		heads[i] = parseHeader(c.header, im.dir, vocab)
		h := heads[i]
		if _, ok := im.dir.names[h.directorate]; !ok && h.directorate != "" && h.directorateName != "" {
			im.dir.names[h.directorate] = h.directorateName // no overview page
		}
		sec := h.directorate
		if sec == "" {
			sec = c.section
		}
		if c.intersectoral || h.responsabile == "" || sec == "" {
			continue
		}
		k := personKey(h.responsabile)
		if votes[k] == nil {
			votes[k] = map[string]int{}
		}
		votes[k][sec]++
	}
	im.respDir = map[string]string{}
	for k, m := range im.dir.blockDirs {
		votes[k] = m // the cover pages outweigh the headings
	}
	for k, m := range votes {
		best, n := "", 0
		for sec, c := range m {
			if c > n || c == n && sec < best {
				best, n = sec, c
			}
		}
		im.respDir[k] = best
	}
	for i, c := range cards {
		im.card(c, heads[i])
	}
	if len(im.objectives) == 0 {
		return nil, ErrNoCards
	}
	p.Objectives = im.objectives
	p.Directorates = im.directorates()
	p.Services = im.services
	res.People = im.people
	res.Report = im.report(p)
	return res, nil
}

// importer holds the state of one import.
type importer struct {
	dir        directory
	vocab      vocabulary
	objectives []config.Objective
	services   []config.Service
	people     []config.Person
	pidx       map[string]int
	counts     map[string]int // objectives per directorate, for ids
	intersect  int            // intersectoral cards seen
	uncertain  []Finding
	unknownDL  []Finding
	phaseDL    map[string]int
	// responsabili per directorate, to find a dirigente not named in a
	// DIRIGENTE block.
	resp map[string]map[string]int
	// respDir maps a responsabile to the directorate whose headings most
	// often stand above their cards.
	respDir map[string]string
	// nameWords caches the folded words of people[i].Name for cutName.
	nameWords [][]string
}

func (im *importer) doubt(line int, item, why string) {
	im.uncertain = append(im.uncertain, Finding{Line: line, Item: item, Why: why})
}

// card turns one raw card into an objective.
func (im *importer) card(c rawCard, h cardHeader) {
	if c.intersectoral {
		h.service = ""
	}
	b := sortBody(c.body)
	o := config.Objective{Category: h.category}

	// directorate: the service's place on the overview page, else the
	// coordinating directorate of an intersectoral objective, else the
	// heading above the card.
	code, why := "", ""
	if c.intersectoral {
		if im.intersect < len(im.dir.coord) {
			code = im.dir.coord[im.intersect]
			why = fmt.Sprintf("obiettivo intersettoriale assegnato alla direzione che lo coordina (riga %d)", im.dir.coordLine[im.intersect])
		}
		im.intersect++
	} else {
		svcDir, ok := im.dir.serviceDirectorate(h.service)
		head := h.directorate
		if head == "" {
			head = c.section
		}
		respDir := im.respDir[personKey(h.responsabile)]
		switch {
		case respDir != "" && respDir != head:
			code = respDir
			why = fmt.Sprintf("l'intestazione indica la direzione %s ma il responsabile %s guida le schede della direzione %s: scelta la %s", head, h.responsabile, respDir, respDir)
		case respDir != "":
			code = respDir
		case ok && head != "" && svcDir != head:
			code = svcDir
			why = fmt.Sprintf("l'intestazione indica la direzione %s ma il servizio %q è elencato sotto la direzione %s: scelta la %s", head, h.service, svcDir, svcDir)
		case ok:
			code = svcDir
		default:
			code = head
			if h.service != "" {
				why = fmt.Sprintf("servizio %q non trovato nell'elenco dei servizi: direzione presa dall'intestazione", h.service)
			}
		}
	}
	if code == "" {
		code = "?"
		why = "direzione non trovata"
	}
	im.counts[code]++
	o.ID = fmt.Sprintf("%s-%02d", code, im.counts[code])
	o.Directorate = code
	anchor := c.anchor
	if why != "" {
		im.doubt(anchor, o.ID, why)
	}
	for _, u := range h.unplaced {
		im.doubt(anchor, o.ID, "testo nell'intestazione non collocato: "+u)
	}
	if c.reversed {
		im.doubt(anchor, o.ID, "righe della scheda estratte in ordine inverso: ordine ripristinato")
	}
	o.Service = im.service(h.service, code)
	if o.Service == "" && !c.intersectoral {
		im.doubt(anchor, o.ID, "servizio non indicato nell'intestazione della scheda")
	}

	// responsabile
	if h.responsabile != "" {
		pn := splitName(strings.Fields(h.responsabile))
		pid := pn.id()
		im.addPerson(config.Person{ID: pid, Name: pn.display(), Roles: []string{config.RoleResponsabile}})
		o.Responsabile = pid
		if im.resp == nil {
			im.resp = map[string]map[string]int{}
		}
		if im.resp[code] == nil {
			im.resp[code] = map[string]int{}
		}
		im.resp[code][pid]++
	} else {
		im.doubt(anchor, o.ID, "responsabile non trovato nell'intestazione della scheda")
	}
	if o.Category == "" {
		im.doubt(anchor, o.ID, "categoria non trovata nell'intestazione della scheda")
	}

	im.titleAndCodes(&o, b, anchor)
	im.phases(&o, b, anchor)
	im.staff(&o, b, anchor)
	im.indicators(&o, b, anchor)
	im.objectives = append(im.objectives, o)
}

// titleAndCodes fills title, missione, programma and outcome.
func (im *importer) titleAndCodes(o *config.Objective, b cardBody, anchor int) {
	var codes []string
	var titleParts []string
	var titleLines []int
	take := func(ps []piece, title bool) {
		for _, p := range ps {
			items, rest := codeSegments(p.text)
			codes = append(codes, items...)
			if title && rest != "" {
				titleParts = append(titleParts, rest)
				titleLines = append(titleLines, p.line)
			}
		}
	}
	// text above DESCRIZIONE OBIETTIVO is the title only when written in
	// capitals (the card titles are); the rest is left over prose.
	for _, p := range b.pre {
		if tableWordRe.MatchString(p.text) {
			continue // a stray table heading ("DESCRIZIONE", "FORMULA")
		}
		if garbled(p.text, im.vocab) {
			im.doubt(p.line, o.ID, fmt.Sprintf("riga illeggibile ignorata: %q", p.text))
			continue
		}
		items, rest := codeSegments(p.text)
		codes = append(codes, items...)
		if rest == "" {
			continue
		}
		if !upperShareRe.MatchString(strings.TrimPrefix(rest, "-")) || strings.Count(rest, " ") > 3 && upperShare(rest) > 0.8 {
			titleParts = append(titleParts, rest)
			titleLines = append(titleLines, p.line)
		} else {
			im.doubt(p.line, o.ID, fmt.Sprintf("testo sopra DESCRIZIONE OBIETTIVO non collocato: %q", rest))
		}
	}
	var titleFields []piece
	for _, p := range b.fields[lTitle] {
		if garbled(p.text, im.vocab) {
			im.doubt(p.line, o.ID, fmt.Sprintf("riga illeggibile ignorata: %q", p.text))
			continue
		}
		titleFields = append(titleFields, p)
	}
	take(titleFields, true)
	var codeRest []piece
	for _, p := range append(append([]piece{}, b.fields[lMissione]...), b.fields[lProgramma]...) {
		items, rest := codeSegments(p.text)
		codes = append(codes, items...)
		if rest != "" {
			codeRest = append(codeRest, piece{rest, p.line})
		}
	}
	// outcome text can carry the programme code when the cells were mixed.
	var outcome []string
	for _, p := range b.fields[lOutcome] {
		items, rest := codeSegments(p.text)
		codes = append(codes, items...)
		if rest != "" {
			outcome = append(outcome, rest)
		}
	}
	o.Title = dedupeTitle(strings.Join(titleParts, " "))
	for _, p := range b.strayTitles {
		if o.Title == "" {
			o.Title = p.text
			im.doubt(p.line, o.ID, "titolo preso da una riga in maiuscolo lontana da DESCRIZIONE OBIETTIVO: verificare")
		} else {
			im.doubt(p.line, o.ID, fmt.Sprintf("riga in maiuscolo non collocata: %q", p.text))
		}
	}
	if o.Title == "" {
		im.doubt(anchor, o.ID, "titolo (DESCRIZIONE OBIETTIVO) non trovato")
	} else if len(titleLines) > 1 && titleLines[len(titleLines)-1]-titleLines[0] > 4 {
		im.doubt(titleLines[0], o.ID, "titolo ricomposto da righe lontane: verificare")
	}
	var mis, prog []string
	for _, c := range codes {
		if isMission(c) {
			mis = appendNew(mis, c)
		} else {
			prog = appendNew(prog, c)
		}
	}
	o.Missione = strings.Join(mis, "; ")
	o.Programma = strings.Join(prog, "; ")
	if len(prog) > 0 && len(mis) == 0 {
		im.doubt(anchor, o.ID, "programma D.U.P. senza missione")
	}
	o.Outcome = strings.Join(outcome, " ")
	if len(codeRest) > 0 && len(b.fields[lStakeholder]) == 0 && o.Outcome != "" {
		// values written above their labels: the text above IMPATTO/OUTCOME
		// is the outcome, the text below it the stakeholders.
		o.Outcome = joinPieces(codeRest)
		im.doubt(codeRest[0].line, o.ID, "IMPATTO/OUTCOME scritto sopra la sua etichetta (il testo sotto è l'elenco degli STAKEHOLDER): verificare")
	}
	if b.outcomeUnlabelled > 0 {
		im.doubt(b.outcomeUnlabelled, o.ID, "IMPATTO/OUTCOME senza etichetta: preso dalla riga tra PROGRAMMA e STAKEHOLDER")
	}
	if st := b.fields[lStakeholder]; o.Outcome == "" && len(b.fields[lOutcome]) == 0 && len(st) >= 2 && b.outcomeLabel > 0 {
		// "IMPATTO/OUTCOME" and "STAKEHOLDER" written one under the other,
		// then their two values in the same order.
		o.Outcome = st[0].text
		im.doubt(st[0].line, o.ID, "IMPATTO/OUTCOME preso dal primo dei due testi scritti sotto le etichette IMPATTO/OUTCOME e STAKEHOLDER")
	}
	if o.Outcome == "" && len(codeRest) > 0 {
		o.Outcome = joinPieces(codeRest)
		im.doubt(codeRest[0].line, o.ID, "IMPATTO/OUTCOME preso dal testo scritto accanto a MISSIONE/PROGRAMMA: verificare")
	}
	if o.Outcome == "" && len(b.fields[lOutcome]) == 0 {
		im.doubt(anchor, o.ID, "IMPATTO/OUTCOME vuoto o non trovato")
	}
}

func upperShare(s string) float64 {
	up, all := 0, 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'À' && r <= 'Ù' {
			up++
			all++
		} else if r >= 'a' && r <= 'z' || r >= 'à' && r <= 'ù' {
			all++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(up) / float64(all)
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// dedupeTitle removes a title written twice by the extraction ("1 - RIS...
// DI ANN 1 - RISANAMENTO ... DI ANNONE" keeps the complete copy).
func dedupeTitle(t string) string {
	t = strings.TrimSpace(t)
	m := titleNumRe.FindString(t)
	if m == "" {
		return t
	}
	if i := strings.Index(t[len(m):], strings.TrimSpace(m)+" "); i > 0 {
		first := strings.TrimSpace(t[:len(m)+i])
		second := strings.TrimSpace(t[len(m)+i:])
		if strings.HasPrefix(second, first[:len(first)*2/3]) {
			return second
		}
	}
	return t
}
