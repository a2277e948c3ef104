package piao

import (
	"regexp"
	"strings"
)

// rawCard is the text of one objective card, cut out of the document.
type rawCard struct {
	header []srcLine // the card's heading: directorate, service, category, responsabile
	body   []srcLine // from the page title to the last QUANTIFICAZIONE row
	anchor int       // line number of the page title or DESCRIZIONE OBIETTIVO
	// section is the directorate code of the last directorate heading seen
	// before the card ("" before the first one).
	section string
	// intersectoral marks the cards that precede the first directorate.
	intersectoral bool
	reversed      bool
}

var (
	markerRe  = regexp.MustCompile(`PIAO Sezione 2\.2 Performance$|^Piano della Performance$`)
	dirHeadRe = regexp.MustCompile(`(?i)^(?:[^A-Za-z]{0,3}[a-z]?\s*)?DIREZIONE\s+ORGANIZZATIVA\s*(VII|VI|IV|V|III|II|I)\b[\s:\-–]*(.*)$`)
	romanRe   = regexp.MustCompile(`\b(VII|VI|IV|V|III|II|I)\b`)
)

// hasCardContent reports whether lines hold the body labels of a card.
func hasCardContent(lines []srcLine) bool {
	for _, l := range lines {
		for _, m := range l.labelsOf() {
			switch m.l {
			case lOutcome, lPhases, lIndicators, lIndHeader:
				return true
			}
		}
	}
	return false
}

// segmentCards cuts the document into cards. A card starts at a page title
// ("Piano Integrato ... PIAO Sezione 2.2 Performance") or, where the page
// title is missing, at a DESCRIZIONE OBIETTIVO that follows the previous
// card's QUANTIFICAZIONE rows. Its heading is what lies between the previous
// card's last QUANTIFICAZIONE row and the start.
func segmentCards(lines []srcLine) []rawCard {
	var anchors []int // indexes into lines
	lastAnchor := -1
	sawQuant, sawBody := false, false
	for i, l := range lines {
		if markerRe.MatchString(l.text) {
			anchors = append(anchors, i)
			lastAnchor, sawQuant, sawBody = i, false, false
			continue
		}
		if lastAnchor >= 0 && isQuantLine(l) {
			sawQuant = true
			continue
		}
		if lb, _ := leadingLabel(l); lb == lOutcome || lb == lPhases {
			sawBody = true
		}
		if sawQuant && sawBody {
			if lb, _ := leadingLabel(l); lb == lTitle {
				anchors = append(anchors, i)
				lastAnchor, sawQuant, sawBody = i, false, false
			}
		}
	}
	firstDir := len(lines)
	for i, l := range lines {
		if strings.HasPrefix(l.raw, "DIREZIONE ORGANIZZATIVA I ") || strings.HasPrefix(l.raw, "DIREZIONE ORGANIZZATIVA I:") {
			firstDir = i
			break
		}
	}
	var cards []rawCard
	for k, a := range anchors {
		end := len(lines)
		if k+1 < len(anchors) {
			end = anchors[k+1]
		}
		seg := lines[a+1 : end]
		if !hasCardContent(seg) {
			continue
		}
		// the body ends at the last QUANTIFICAZIONE row before the next card.
		bodyEnd := len(seg)
		if k+1 < len(anchors) {
			last, lastLabel := -1, -1
			for j, l := range seg {
				if isQuantLine(l) {
					last = j
				}
				if lb, _ := leadingLabel(l); lb == lTitle || lb == lOutcome || lb == lPhases || lb == lStaff || lb == lIndicators {
					lastLabel = j
				}
			}
			switch {
			case last > lastLabel:
				bodyEnd = last + 1
			case lastLabel >= 0:
				// no QUANTIFICAZIONE row after the card's content: it ends
				// where the next card's heading starts.
				bodyEnd = len(seg)
				for j := lastLabel + 1; j < len(seg); j++ {
					if headingStartRe.MatchString(seg[j].text) {
						bodyEnd = j
						break
					}
				}
			}
		}
		c := rawCard{body: seg[:bodyEnd], anchor: lines[a].n, intersectoral: a < firstDir}
		if markerRe.MatchString(lines[a].text) {
			c.header = headerBefore(lines, a)
		} else {
			c.header = headerBefore(lines, a)
			c.body = lines[a:end][:bodyEnd+1]
		}
		c.section = sectionAt(lines, a)
		c.body, c.reversed = unreverse(c.body)
		cards = append(cards, c)
	}
	return cards
}

// headerBefore returns the lines between the previous card's last
// QUANTIFICAZIONE row (or the previous page title) and index a.
func headerBefore(lines []srcLine, a int) []srcLine {
	start := a - 1
	for ; start >= 0; start-- {
		l := lines[start]
		if isQuantLine(l) || markerRe.MatchString(l.text) || len(l.labelsOf()) > 0 {
			break
		}
		if a-start > 60 {
			break
		}
	}
	h := lines[start+1 : a]
	// the heading starts at its first keyword; what comes before is the
	// tail of the previous card (kept, to be reported as unplaced).
	for i, l := range h {
		if headingStartRe.MatchString(l.text) {
			for j := range h[:i] {
				if !isNoise(h[j].text) {
					h[j].text = "\x00" + h[j].text // marked: not part of the heading
				}
			}
			break
		}
	}
	return h
}

// headingStartRe matches the first line of a card's heading.
var headingStartRe = regexp.MustCompile(`^(?:SERVIZIO:|[A-Z]?ERVIZIO:|CATEGORIA|DIREZIONE ORGANIZZATIVA|DIREZIONE\s|DIRIGENTE|SEGRETARIO GENERALE|RESPONSABILE:|Provincia di Lecco|OBIETTIVO:)`)

// sectionAt returns the directorate code of the last directorate heading at
// or before index a.
func sectionAt(lines []srcLine, a int) string {
	for i := a; i >= 0; i-- {
		if m := dirHeadRe.FindStringSubmatch(lines[i].text); m != nil {
			return m[1]
		}
	}
	return ""
}

// unreverse detects a card whose lines were extracted bottom-up (the
// indicator header before DESCRIZIONE OBIETTIVO) and restores their order.
func unreverse(body []srcLine) ([]srcLine, bool) {
	title, firstQuant := -1, len(body)
	for i, l := range body {
		if isQuantLine(l) && i < firstQuant {
			firstQuant = i
		}
		if lb, _ := leadingLabel(l); lb == lTitle && i < firstQuant {
			title = i
		}
	}
	if title < 0 {
		return body, false
	}
	// reversed cards show the body's labels above the title.
	seen := map[label]bool{}
	for _, l := range body[:title] {
		if lb, _ := leadingLabel(l); lb == lOutcome || lb == lPhases || lb == lStakeholder || lb == lMissione || lb == lProgramma {
			seen[lb] = true
		}
	}
	if len(seen) < 2 || !seen[lPhases] {
		return body, false
	}
	out := make([]srcLine, 0, len(body))
	for i := title; i >= 0; i-- {
		out = append(out, body[i])
	}
	out = append(out, body[title+1:]...)
	return out, true
}
