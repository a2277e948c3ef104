package piao

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"sollecito/config"
)

// rawIndicator is one row of a card's INDICATORI table.
type rawIndicator struct {
	desc, formula, target string
	quant                 map[string]string
	lines                 []int
	doubts                []string // why the row needs a human look
	s1                    bool     // its first-semester QUANTIFICAZIONE row was seen
}

var (
	quantSplitRe  = regexp.MustCompile(`\b(?:QUANTIFICAZIONE|[QGOCW0][UOLI0-9]{0,2}[AR0-9][NRT0-9][TH0-9][A-Z0-9]{0,4}\s?[A-Z0-9]{2,9})\b|([12Il])?\s*[°º]\s*(?:semestre|semestr\s*e|comoctro)\s*:?`)
	targetLikeRe  = regexp.MustCompile(`(?i)^(?:[<>=≥≤]|\d|almeno|entro|rispett|scostamento|ogni |in tempo|max|min|non |sì|si$|redazione entro|nessun|ottenimento|mantenimento)`)
	trailTargetRe = regexp.MustCompile(`\s((?:[<>]=?|=|≥|≤)\s*\d[^<>=]*)$`)
)

// tableEvent is either a row line or a QUANTIFICAZIONE mark.
type tableEvent struct {
	row     *srcLine
	quant   bool
	garbled bool   // an unreadable line was dropped here
	period  string // "S1", "S2" or "" when the mark had no period
	value   string // text written after the mark
	line    int
	// afterMark: the row is the text written after a QUANTIFICAZIONE mark
	// on the same line.
	afterMark bool
}

// tableEvents turns the table lines into events, splitting flattened lines
// at their QUANTIFICAZIONE marks.
func tableEvents(lines []srcLine, v vocabulary) []tableEvent {
	var ev []tableEvent
	for i := range lines {
		l := lines[i]
		if isNoise(l.text) {
			continue
		}
		if lb, m := leadingLabel(l); lb == lIndHeader || lb == lIndicators {
			rest := strings.TrimSpace(l.text[m.end:])
			if rest == "" || len(l.cells) > 1 {
				continue
			}
			// a flattened table: the header and its rows on one line.
			l = srcLine{n: l.n, raw: rest, cells: []string{rest}, text: rest}
			lines[i] = l
		}
		if strings.HasPrefix(l.text, "INDIOATO") || strings.HasPrefix(l.text, "IN DI CA") {
			continue
		}
		nonEmpty := 0
		for _, c := range l.cells {
			if c != "" {
				nonEmpty++
			}
		}
		if cutSemesterRe.MatchString(l.text) {
			// "mestre:", the tail of a "2° semestre:" cut by a column, in the
			// middle of a row: debris.
			continue
		}
		if lostSemesterRe.MatchString(l.text) {
			ev = append(ev, tableEvent{quant: true, line: l.n})
			continue
		}
		locs := quantSplitRe.FindAllStringSubmatchIndex(l.text, -1)
		if len(locs) > 0 && locs[0][0] > 2 && upperShare(l.text) > 0.9 && len(strings.Fields(l.text)) >= 8 {
			// a note in capitals about the table ("LA QUANTIFICAZIONE DEGLI
			// INDICATORI SARA' EFFETTUATA DALLA D.O. I ..."), not a row.
			ev = append(ev, tableEvent{garbled: true, line: l.n})
			continue
		}
		if len(locs) == 0 && garbled(l.text, v) {
			ev = append(ev, tableEvent{garbled: true, line: l.n})
			continue
		}
		if len(locs) == 0 {
			ev = append(ev, tableEvent{row: &lines[i], line: l.n})
			continue
		}
		if nonEmpty >= 3 && !isQuantStart(l) {
			// a row with a stray "1° semestre:" inside: drop the mark.
			clean := l
			clean.cached = false
			clean.cells = append([]string(nil), l.cells...)
			for j, c := range clean.cells {
				clean.cells[j] = strings.TrimSpace(quantSplitRe.ReplaceAllString(c, ""))
			}
			clean.text = strings.TrimSpace(quantSplitRe.ReplaceAllString(l.text, ""))
			ev = append(ev, tableEvent{row: &clean, line: l.n}, tableEvent{quant: true, line: l.n})
			continue
		}
		pos := 0
		for k, lc := range locs {
			if before := strings.TrimSpace(l.text[pos:lc[0]]); before != "" && !garbled(before, v) && !(k == 0 && labelDebrisRe.MatchString(before)) {
				if k > 0 && ev[len(ev)-1].quant && len(ev[len(ev)-1].value) == 0 && isShortValue(before) {
					ev[len(ev)-1].value = before
				} else {
					one := srcLine{n: l.n, raw: before, cells: []string{before}, text: before}
					ev = append(ev, tableEvent{row: &one, line: l.n})
				}
			}
			e := tableEvent{quant: true, line: l.n}
			if lc[2] >= 0 {
				switch l.text[lc[2]:lc[3]] {
				case "1", "I", "l":
					e.period = "S1"
				case "2":
					e.period = "S2"
				}
			} else if strings.Contains(strings.ToLower(l.text[lc[0]:lc[1]]), "semestre") {
				e.period = "S1" // "° semestre:" with its digit lost: the first comes first
			}
			ev = append(ev, e)
			pos = lc[1]
		}
		rest := strings.TrimSpace(l.text[pos:])
		if rest != "" && garbled(rest, v) {
			ev = append(ev, tableEvent{garbled: true, line: l.n})
			rest = ""
		}
		if rest != "" {
			last := &ev[len(ev)-1]
			if nonEmpty <= 3 && isShortValue(rest) {
				last.value = rest
			} else {
				cells := cellsAfterMark(l)
				if cells == nil {
					cells = []string{rest}
				}
				one := srcLine{n: l.n, raw: rest, cells: cells, text: rest}
				ev = append(ev, tableEvent{row: &one, line: l.n, afterMark: true})
			}
		}
	}
	return ev
}

func isQuantStart(l srcLine) bool {
	m := quantSplitRe.FindStringIndex(l.text)
	return m != nil && m[0] <= 2
}

// cellsAfterMark returns the cells that follow the cell holding the mark.
func cellsAfterMark(l srcLine) []string {
	if len(l.cells) < 2 {
		return nil
	}
	for j, c := range l.cells {
		if quantSplitRe.MatchString(c) {
			return append([]string{""}, l.cells[j+1:]...)
		}
	}
	return []string{l.text}
}

// isShortValue tells a written quantification ("raggiunto", "n pratiche")
// from the next row of the table.
func isShortValue(s string) bool {
	return len(strings.Fields(s)) <= 6 && !strings.Contains(s, "\t")
}

// lowerStarts are words a description may start with in lower case;
// any other lower-case start is likely a word cut at the left margin.
var lowerStarts = map[string]bool{"n": true, "nr": true, "numero": true, "rispetto": true, "tempo": true, "tempi": true, "percentuale": true}

var cutSemesterRe = regexp.MustCompile(`^\W*mestre:?\W*$`)

// labelDebrisRe matches the OCR of a QUANTIFICAZIONE label too garbled for
// quantSplitRe ("Q0/1111110/1210112"): one token in capitals, digits and
// slashes, with at least one digit or slash.
var labelDebrisRe = regexp.MustCompile(`^[QGOC0][A-Z0-9/|]*[0-9/][A-Z0-9/|]*$`)

var debrisRe = regexp.MustCompile(`^[^\p{L}\d]*$|^[\p{L}]$|^\d$|^Ш$|^The state of the s$`)

// parseIndicators reads the INDICATORI table of one card.
func parseIndicators(lines []srcLine, v vocabulary) (out []rawIndicator, orphans []int) {
	var block []srcLine
	closeBlock := func() {
		if len(block) == 0 {
			return
		}
		if r := rowFromBlock(block, v); r.desc != "" || r.formula != "" || r.target != "" {
			out = append(out, r)
		}
		block = nil
	}
	dropped := 0
	for _, e := range tableEvents(lines, v) {
		if e.garbled {
			dropped = e.line
			continue
		}
		if !e.quant {
			if e.afterMark && len(block) == 0 && len(out) > 0 && fillFormulaTarget(&out[len(out)-1], *e.row) {
				continue
			}
			if dropped > 0 && len(block) == 0 {
				note := srcLine{n: dropped}
				block = append(block, note)
				dropped = 0
			}
			block = append(block, *e.row)
			continue
		}
		closed := len(block) > 0
		closeBlock()
		if e.period == "S1" && !closed && (len(out) == 0 || out[len(out)-1].s1) {
			orphans = append(orphans, e.line)
		}
		if len(out) == 0 {
			continue
		}
		last := &out[len(out)-1]
		if e.period == "S1" {
			last.s1 = true
		}
		val := strings.TrimSpace(e.value)
		if val == "" || e.period == "" {
			continue
		}
		if debrisRe.MatchString(val) {
			last.doubts = append(last.doubts, "segno isolato nella riga QUANTIFICAZIONE ignorato: \""+val+"\"")
			continue
		}
		if last.quant == nil {
			last.quant = map[string]string{}
		}
		last.quant[e.period] = val
	}
	closeBlock()
	return out, orphans
}

// fillFormulaTarget completes a row read with its description only from
// the formula and target written after the QUANTIFICAZIONE mark below it
// (the row's cells slipped one line down). It reports whether it did.
func fillFormulaTarget(r *rawIndicator, l srcLine) bool {
	if r.desc == "" || r.formula != "" || r.target != "" {
		return false
	}
	var cells []string
	for _, c := range l.cells {
		if c = strings.TrimSpace(c); c != "" {
			cells = append(cells, c)
		}
	}
	if len(cells) != 2 || !targetLikeRe.MatchString(cells[1]) {
		return false
	}
	r.formula, r.target = cells[0], cells[1]
	r.lines = append(r.lines, l.n)
	var doubts []string
	for _, d := range r.doubts {
		if d != doubtColumnsMerged {
			doubts = append(doubts, d)
		}
	}
	r.doubts = append(doubts, "formula e target scritti accanto a QUANTIFICAZIONE, nella riga sotto la descrizione: uniti alla riga")
	return true
}

// doubtColumnsMerged is the doubt of a row whose columns cannot be told apart.
const doubtColumnsMerged = "colonne non separate: descrizione, formula e target non distinguibili"

// rowFromBlock reads description, formula and target from the lines of one
// row. Lines of one row are merged column by column.
func rowFromBlock(block []srcLine, v vocabulary) rawIndicator {
	r := rawIndicator{}
	width := 0
	if len(block) > 0 && block[0].cells == nil {
		r.doubts = append(r.doubts, fmt.Sprintf("riga illeggibile %d ignorata: la descrizione può essere incompleta", block[0].n))
		block = block[1:]
	}
	for _, l := range block {
		r.lines = append(r.lines, l.n)
		if len(l.cells) > width {
			width = len(l.cells)
		}
	}
	cols := make([]string, width)
	for _, l := range block {
		for j, c := range l.cells {
			if c != "" && !debrisRe.MatchString(c) {
				cols[j] = strings.TrimSpace(cols[j] + " " + c)
			}
		}
	}
	var cells []string
	for _, c := range cols {
		if c != "" {
			cells = append(cells, c)
		}
	}
	if len(block) > 1 {
		r.doubts = append(r.doubts, "riga distribuita su più righe del testo, colonne unite per posizione: controllare l'ordine delle parole")
	}
	switch k := len(cells); {
	case k == 0:
	case k == 1 && len(block) == 1 && width >= 4 && cols[0] == "" && cols[1] == "":
		r.formula = cells[0]
		r.doubts = append(r.doubts, "riga con la sola formula: descrizione e target mancano nel documento")
	case k == 1:
		r.desc = cells[0]
		if m := trailTargetRe.FindStringSubmatchIndex(r.desc); m != nil {
			r.target = strings.TrimSpace(r.desc[m[2]:m[3]])
			r.desc = strings.TrimSpace(r.desc[:m[0]])
		}
		r.doubts = append(r.doubts, doubtColumnsMerged)
	case k == 2 && len(block) == 1 && width >= 4 && cols[0] == "" && cols[1] == "":
		r.formula, r.target = cells[0], cells[1]
		r.doubts = append(r.doubts, "riga senza descrizione: solo formula e target nel documento")
	case k == 2:
		if targetLikeRe.MatchString(cells[1]) {
			r.desc, r.target = cells[0], cells[1]
		} else {
			r.desc, r.formula = cells[0], cells[1]
		}
		r.doubts = append(r.doubts, "solo due colonne: manca la descrizione, la formula o il target")
	default:
		r.target = cells[k-1]
		r.formula = cells[k-2]
		if k == 4 {
			if d, ok := v.unweave(cells[0], cells[1]); ok {
				r.desc = d
				r.doubts = append(r.doubts, "descrizione su due righe intrecciate tra due colonne, ricomposta con le parole spezzate: \""+d+"\"")
				break
			}
		}
		desc := cells[0]
		for _, c := range cells[1 : k-2] {
			var how joinResult
			desc, how = v.join(desc, c)
			if how == joinUnclear {
				r.doubts = append(r.doubts, "parola forse spezzata tra due colonne della descrizione: \""+desc+"\"")
			}
		}
		r.desc = desc
		if k > 4 {
			r.doubts = append(r.doubts, "più di quattro colonne: righe di testo intrecciate")
		}
	}
	if d := []rune(r.desc); len(d) > 0 && unicode.IsLower(d[0]) && !lowerStarts[firstWord(r.desc)] {
		r.doubts = append(r.doubts, "descrizione che comincia a metà parola: l'inizio manca nel testo estratto")
	}
	return r
}

var (
	ratioFormulaRe = regexp.MustCompile(`^([^()/]+?)\s+/\s+([^()/]+)$`)
	daysTargetRe   = regexp.MustCompile(`(?i)(?:[<>]=?|≤|≥|=|massimo(?: di)?|max\.?)\s*\d+\s*(?:giorni|gg)\b`)
	countTargetRe  = regexp.MustCompile(`(?i)^(?:[<>]=?|=|≥|≤|almeno)?\s*(?:n\.?\s*)?\d+\b`)
	digitRe        = regexp.MustCompile(`\d`)
)

// inferKind chooses the indicator kind conservatively from the target and
// the formula, with the numerator and denominator of a ratio.
func inferKind(formula, target string) (kind, num, den string) {
	t, f := strings.ToLower(target), strings.ToLower(formula)
	if m := ratioFormulaRe.FindStringSubmatch(formula); m != nil && len(strings.Fields(m[1])) >= 2 && len(strings.Fields(m[2])) >= 2 {
		switch {
		case strings.Contains(t, "%"):
			return config.KindPercent, strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		case digitRe.MatchString(t):
			return config.KindRatio, strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		}
	}
	switch {
	case strings.Contains(t, "%"):
		return config.KindPercent, "", ""
	case strings.Contains(t, "rispettat"):
		return config.KindYesNo, "", ""
	case daysTargetRe.MatchString(t):
		return config.KindDays, "", ""
	case (strings.Contains(f, "rispetto dei tempi") || strings.Contains(f, "rispetto tempi")) && !digitRe.MatchString(t):
		return config.KindYesNo, "", ""
	case countTargetRe.MatchString(t) && (strings.HasPrefix(f, "n.") || strings.HasPrefix(f, "n ") || strings.HasPrefix(f, "n°") || strings.HasPrefix(f, "nr") || strings.HasPrefix(f, "numero") || strings.Contains(t, "n.")):
		return config.KindCount, "", ""
	}
	return config.KindText, "", ""
}
