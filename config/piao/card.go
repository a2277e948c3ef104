package piao

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// piece is text that belongs to one field of a card, with its source line.
type piece struct {
	text string
	line int
}

// cardBody is a card's body sorted into fields.
type cardBody struct {
	pre        []piece // text before any label (title lines above DESCRIZIONE OBIETTIVO)
	fields     map[label][]piece
	indLines   []srcLine // the INDICATORI table, row by row
	indStart   int
	phasesSeen bool
	// strayTitles are numbered titles in capitals found away from the
	// DESCRIZIONE OBIETTIVO label.
	strayTitles []piece
	// outcomeLabel is the line of the IMPATTO/OUTCOME label (0: none).
	outcomeLabel int
	// outcomeUnlabelled is the line of an outcome whose label is missing.
	outcomeUnlabelled int
}

var titleLineRe = regexp.MustCompile(`^\d{1,2}\s*-\s*[A-Z]`)

var phaseNumRe = regexp.MustCompile(`^\s*[-–•]?\s*(\d{1,2})\)\s*`)

// sortBody walks the body and hands every piece of text to its field.
func sortBody(body []srcLine) cardBody {
	b := cardBody{fields: map[label][]piece{}}
	cur := lNone
	// labels left alone above DESCRIZIONE OBIETTIVO ("INDICATORI",
	// "RISORSE UMANE") are debris of the page layout.
	titleAt := -1
	stakeholderPending := false
	for i, l := range body {
		if lb, _ := leadingLabel(l); lb == lTitle {
			titleAt = i
			break
		}
	}
	for i, l := range body {
		if i < titleAt {
			if lb, m := leadingLabel(l); lb != lNone && lb != lTitle && strings.TrimSpace(l.text[m.end:]) == "" {
				continue
			}
		}
		if cur == lIndicators {
			b.indLines = append(b.indLines, l)
			continue
		}
		if isNoise(l.text) {
			continue
		}
		if cur == lStaff && isHeadlessRow(l, body[i+1:]) {
			// the table's first row right after RISORSE UMANE, its
			// INDICATORI heading missing: the table starts here.
			b.indStart = l.n
			b.indLines = append(b.indLines, body[i:]...)
			return b
		}
		ms := l.labelsOf()
		pos := 0
		for k, m := range ms {
			before := strings.TrimSpace(l.text[pos:m.start])
			if before != "" {
				target := cur
				if m.l == lStaff && k == 0 {
					target = lStaff // flattened: the staff list starts before its label
					// flattened actions may precede the staff list on the line.
					if phaseStartRe.MatchString(before) {
						if at := staffStartRe.FindStringIndex(before); at != nil && at[0] > 0 {
							b.add(lPhases, before[:at[0]], l.n)
							b.phasesSeen = true
							before = before[at[0]:]
						}
					}
				}
				b.add(target, before, l.n)
			}
			if m.l == lIndicators || (m.l == lIndHeader || m.l == lQuant) && (b.phasesSeen || cur == lStaff) {
				// the rest of the line, and every following line, is the table.
				rest := strings.TrimSpace(l.text[m.end:])
				b.indStart = l.n
				if rest != "" {
					b.indLines = append(b.indLines, srcLine{n: l.n, raw: rest, cells: []string{rest}, text: rest})
				}
				b.indLines = append(b.indLines, body[i+1:]...)
				return b
			}
			if m.l == lIndHeader || m.l == lQuant {
				pos = m.end
				continue
			}
			if m.l == lOutcome {
				b.outcomeLabel = l.n
			}
			cur = m.l
			if cur == lPhases {
				b.phasesSeen = true
			}
			pos = m.end
		}
		rest := strings.TrimSpace(l.text[pos:])
		if rest == "" {
			continue
		}
		if len(ms) == 0 && cur != lNone && cur != lTitle && titleLineRe.MatchString(rest) && upperShare(rest) > 0.9 {
			// a numbered title in capitals, away from its label
			b.strayTitles = append(b.strayTitles, piece{rest, l.n})
			continue
		}
		target := cur
		if len(ms) == 0 && (cur == lStakeholder || cur == lOutcome) && phaseNumRe.MatchString(l.text) && (b.phasesSeen || strings.HasPrefix(strings.TrimSpace(l.raw), "-") || l.cells[0] != "") {
			target = lPhases // numbered actions whose AZIONI/FASI label is missing
			b.phasesSeen = true
			stakeholderPending = cur == lStakeholder && len(b.fields[lStakeholder]) == 0
			cur = lPhases
		} else if len(ms) == 0 && stakeholderPending && cur == lPhases && !phaseNumRe.MatchString(l.text) && l.cells[0] != "" && startsUpper(rest) {
			// STAKEHOLDER's own value, written after the first action
			target = lStakeholder
			stakeholderPending = false
		}
		if len(ms) == 0 && (cur == lFinance || cur == lPhases) && (staffLineRe.MatchString(rest) || strings.HasPrefix(rest, "Area de")) {
			target = lStaff // the RISORSE UMANE label is missing
			cur = lStaff
		}
		if len(ms) == 0 && cur == lProgramma && l.cells[0] == "" && !codeRe.MatchString(rest) && nextLabel(body[i+1:]) == lStakeholder && len(b.fields[lOutcome]) == 0 {
			target = lOutcome // the IMPATTO/OUTCOME label is missing
			b.outcomeUnlabelled = l.n
		} else if len(ms) == 0 && len(l.cells) > 1 && l.cells[0] == "" && !phaseNumRe.MatchString(rest) {
			if nl := nextLabel(body[i+1:]); nl == lOutcome || nl == lStakeholder {
				target = nl // a cell that starts just above its label
			}
		}
		// a staff list written just above its RISORSE UMANE label
		if len(ms) == 0 && cur == lPhases && l.cells[0] == "" && !phaseNumRe.MatchString(rest) && nextLabelIs(body[i+1:], lStaff) {
			target = lStaff
		}
		b.add(target, rest, l.n)
	}
	return b
}

func nextLabelIs(lines []srcLine, want label) bool { return nextLabel(lines) == want }

// isHeadlessRow tells an indicator row written without its INDICATORI
// heading: a line with no label, at least three cells (description,
// formula, target) and a QUANTIFICAZIONE line next.
func isHeadlessRow(l srcLine, next []srcLine) bool {
	if len(l.labelsOf()) > 0 || !nextLabelIs(next, lQuant) {
		return false
	}
	cells := 0
	for _, c := range l.cells {
		if strings.TrimSpace(c) != "" {
			cells++
		}
	}
	return cells >= 3
}

// nextLabel returns the leading label of the next non-empty line.
func nextLabel(lines []srcLine) label {
	for _, l := range lines {
		if isNoise(l.text) {
			continue
		}
		lb, _ := leadingLabel(l)
		return lb
	}
	return lNone
}

// staffStartRe finds where a staff list starts inside a flattened line.
var staffStartRe = regexp.MustCompile(`\b(?:Area de[il]|Istruttor[ei]|E\.Q\.|Funzionari[oa]?|Operatori|Agenti|Specialist[ai]|Esecutore|Collaboratori|Operai)\b[^:]{0,60}:`)

var staffLineRe = regexp.MustCompile(`^(?:E\.Q\.|Area d|Istrutt|Specialist|Tecnico|Funzionari|Operat|Esecutor|Collaborator|Agenti|Operai)[^:]{0,80}:\s*\S`)

func (b *cardBody) add(l label, text string, line int) {
	if l == lNone {
		b.pre = append(b.pre, piece{text, line})
		return
	}
	b.fields[l] = append(b.fields[l], piece{text, line})
}

// official names of the budget missions (D.Lgs. 118/2011), used to tell a
// MISSIONE from a PROGRAMMA when the extraction mixed their cells.
var missionNames = map[string]string{
	"01": "servizi istituzionali generali e di gestione", "02": "giustizia", "03": "ordine pubblico e sicurezza",
	"04": "istruzione e diritto allo studio", "05": "tutela e valorizzazione dei beni e delle attivita culturali",
	"06": "politiche giovanili sport e tempo libero", "07": "turismo", "08": "assetto del territorio ed edilizia abitativa",
	"09": "sviluppo sostenibile e tutela del territorio e dell'ambiente", "10": "trasporti e diritto alla mobilita",
	"11": "soccorso civile", "12": "diritti sociali politiche sociali e famiglia", "13": "tutela della salute",
	"14": "sviluppo economico e competitivita", "15": "politiche per il lavoro e la formazione professionale",
	"16": "agricoltura politiche agroalimentari e pesca", "17": "energia e diversificazione delle fonti energetiche",
	"18": "relazioni con le altre autonomie territoriali e locali", "19": "relazioni internazionali",
	"20": "fondi e accantonamenti",
}

var codeRe = regexp.MustCompile(`\b(\d{2}):\s*`)

// codeSegments cuts "04: Istruzione ... 15: Politiche ..." into items and
// returns the text outside them.
func codeSegments(s string) (items []string, rest string) {
	locs := codeRe.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return nil, s
	}
	rest = s[:locs[0][0]]
	for i, lc := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		seg := strings.TrimSpace(s[lc[0]:end])
		// a programme name ends at the first full stop; what follows is prose.
		if j := strings.Index(seg, ". "); j > 0 {
			rest += " " + seg[j+2:]
			seg = seg[:j]
		}
		items = append(items, strings.TrimRight(seg, " ;."))
	}
	return items, strings.TrimSpace(rest)
}

// isMission reports whether "NN: text" names a budget mission: most of its
// words belong to the official name of mission NN.
func isMission(item string) bool {
	if len(item) < 4 {
		return false
	}
	name, ok := missionNames[item[:2]]
	if !ok {
		return false
	}
	official := strings.Fields(name)
	n, hit := 0, 0
	for _, w := range strings.Fields(strings.ToLower(foldAccents(item[3:]))) {
		w = strings.Trim(w, ".,;:'()")
		if len(w) < 4 {
			continue
		}
		n++
		for _, o := range official {
			if len(o) >= 4 && strings.HasPrefix(o, w[:min(6, len(w))]) {
				hit++
				break
			}
		}
	}
	return n > 0 && hit*2 > n
}

// rawPhase is one numbered action with its source line.
type rawPhase struct {
	n    int
	text string
	line int
}

var (
	inlinePhaseRe = regexp.MustCompile(`(?:^|\s)[-–]?\s*(\d{1,2})\)\s+`)
	// lostNumberRe is an action whose number the extraction cut off.
	lostNumberRe = regexp.MustCompile(`^[lI]?\)\s+`)
)

// splitPhases reads the AZIONI/FASI pieces into numbered phases. Text before
// the first number on a line continues the previous phase.
func splitPhases(ps []piece) (out []rawPhase, unnumbered []piece, lost []int) {
	for _, p := range ps {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.text), "- "))
		if m := lostNumberRe.FindString(t); m != "" {
			out = append(out, rawPhase{n: 0, text: strings.TrimSpace(t[len(m):]), line: p.line})
			lost = append(lost, p.line)
			continue
		}
		locs := inlinePhaseRe.FindAllStringSubmatchIndex(t, -1)
		// keep only numbers that follow the sequence, so "art. 53)" stays text.
		var keep [][]int
		next := len(out) + 1
		if len(out) > 0 && out[len(out)-1].n > 0 {
			next = out[len(out)-1].n + 1
		}
		for _, lc := range locs {
			n, _ := strconv.Atoi(t[lc[2]:lc[3]])
			if n == next || (len(keep) == 0 && len(out) == 0 && n > 0) {
				keep = append(keep, lc)
				next = n + 1
			}
		}
		head := t
		if len(keep) > 0 {
			head = t[:keep[0][0]]
		}
		if head = strings.TrimSpace(head); head != "" {
			if len(out) > 0 {
				out[len(out)-1].text += " " + head
			} else {
				unnumbered = append(unnumbered, piece{head, p.line})
			}
		}
		for i, lc := range keep {
			end := len(t)
			if i+1 < len(keep) {
				end = keep[i+1][0]
			}
			n, _ := strconv.Atoi(t[lc[2]:lc[3]])
			out = append(out, rawPhase{n: n, text: strings.TrimSpace(t[lc[1]:end]), line: p.line})
		}
	}
	return out, unnumbered, lost
}

func joinPieces(ps []piece) string {
	var parts []string
	for _, p := range ps {
		if t := strings.TrimSpace(p.text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
