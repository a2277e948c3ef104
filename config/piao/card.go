package piao

import (
	"regexp"
	"strconv"
	"strings"
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
}

var phaseNumRe = regexp.MustCompile(`^\s*[-–•]?\s*(\d{1,2})\)\s*`)

// sortBody walks the body and hands every piece of text to its field.
func sortBody(body []srcLine) cardBody {
	b := cardBody{fields: map[label][]piece{}}
	cur := lNone
	// labels left alone above DESCRIZIONE OBIETTIVO ("INDICATORI",
	// "RISORSE UMANE") are debris of the page layout.
	titleAt := -1
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
		ms := findLabels(l.text)
		pos := 0
		for k, m := range ms {
			before := strings.TrimSpace(l.text[pos:m.start])
			if before != "" {
				target := cur
				if m.l == lStaff && k == 0 {
					target = lStaff // flattened: the staff list starts before its label
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
		target := cur
		if len(ms) == 0 && (cur == lStakeholder || cur == lOutcome) && phaseNumRe.MatchString(l.text) && (b.phasesSeen || strings.HasPrefix(strings.TrimSpace(l.raw), "-") || l.cells[0] != "") {
			target = lPhases // numbered actions whose AZIONI/FASI label is missing
			b.phasesSeen = true
			cur = lPhases
		}
		if len(ms) == 0 && (cur == lFinance || cur == lPhases) && staffLineRe.MatchString(rest) {
			target = lStaff // the RISORSE UMANE label is missing
			cur = lStaff
		}
		if len(ms) == 0 && len(l.cells) > 1 && l.cells[0] == "" && !phaseNumRe.MatchString(rest) {
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
	"01": "servizi istituzionali", "02": "giustizia", "03": "ordine pubblico", "04": "istruzione e diritto",
	"05": "tutela e valorizzazione dei beni", "06": "politiche giovanili", "07": "turismo",
	"08": "assetto del territorio", "09": "sviluppo sostenibile", "10": "trasporti e diritto",
	"11": "soccorso civile", "12": "diritti sociali", "13": "tutela della salute", "14": "sviluppo economico",
	"15": "politiche per il lavoro", "16": "agricoltura", "17": "energia", "18": "relazioni con le altre",
	"19": "relazioni internazionali", "20": "fondi e accantonamenti",
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

// isMission reports whether "NN: text" names a budget mission.
func isMission(item string) bool {
	if len(item) < 4 {
		return false
	}
	name, ok := missionNames[item[:2]]
	if !ok {
		return false
	}
	return strings.HasPrefix(strings.ToLower(foldAccents(strings.TrimSpace(item[3:]))), name)
}

// rawPhase is one numbered action with its source line.
type rawPhase struct {
	n    int
	text string
	line int
}

var inlinePhaseRe = regexp.MustCompile(`(?:^|\s)[-–]?\s*(\d{1,2})\)\s+`)

// splitPhases reads the AZIONI/FASI pieces into numbered phases. Text before
// the first number on a line continues the previous phase.
func splitPhases(ps []piece) (out []rawPhase, unnumbered []piece) {
	for _, p := range ps {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.text), "- "))
		locs := inlinePhaseRe.FindAllStringSubmatchIndex(t, -1)
		// keep only numbers that follow the sequence, so "art. 53)" stays text.
		var keep [][]int
		next := 1
		if len(out) > 0 {
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
	return out, unnumbered
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

func pieceLines(ps []piece) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.line)
	}
	return out
}
