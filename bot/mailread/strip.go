package mailread

import (
	"regexp"
	"strings"
)

// StripQuoted returns only what the author of a plain-text reply wrote. It
// removes lines quoted with ">", attribution lines ("Il giorno ... ha
// scritto:", "On ... wrote:", "Il 26/11/2026 10:15, X ha scritto:"), and
// everything from the first of these onwards: the reminder's "reply above
// this line" marker, an Outlook header block ("Da:/Inviato:/A:/Oggetto:",
// "From:/Sent:/To:/Subject:"), "-----Messaggio originale-----" and other
// original or forwarded message separators, a "-- " signature delimiter and
// phone signatures ("Inviato da iPhone", "Get Outlook for iOS", ...).
//
// Quoted text often contains numbers (the deadline, the target, last
// period's value); none of it is ever left in the result.
func StripQuoted(text string) string {
	out, _ := stripQuoted(text)
	return out
}

var (
	// replyMarkerRE matches the marker line our reminders carry.
	replyMarkerRE = regexp.MustCompile(`(?i)(rispondi|scrivi)\s+sopra\s+questa\s+riga|reply\s+above\s+this\s+line`)
	// separatorRE matches original-message and forward separators.
	separatorRE = regexp.MustCompile(`(?i)^-{2,}\s*(messaggio originale|original message|messaggio inoltrato|forwarded message|ursprüngliche nachricht|message d'origine|message transféré)\s*-{2,}$`)
	// forwardIntroRE matches Apple Mail's forward introductions.
	forwardIntroRE = regexp.MustCompile(`(?i)^(inizio messaggio inoltrato|begin forwarded message|messaggio inoltrato)\s*:$`)
	// underscoreRE matches Outlook's line of underscores above the header
	// block.
	underscoreRE = regexp.MustCompile(`^_{10,}$`)
	// headerFromRE matches the first line of an Outlook-style header block.
	headerFromRE = regexp.MustCompile(`^\*?(Da|DA|From|FROM|De|Von|Mittente)\s*:\*?\s*\S`)
	// headerNextRE matches the other lines of such a block.
	headerNextRE = regexp.MustCompile(`^\*?(Inviato|Data|Sent|Date|A|To|Cc|CC|Ccn|Bcc|Oggetto|Subject|Priorità|Importance|Envoyé|Objet|Gesendet|Betreff|An)\s*:\*?`)
	// headerInlineRE matches a header block folded onto one line.
	headerInlineRE = regexp.MustCompile(`\s\*?(Inviato|Sent|Data|Date)\s*:\*?\s.*\s\*?(A|To|Oggetto|Subject)\s*:`)
	// attributionEndRE matches the end of an attribution line.
	// A bare "scritto:" is Gmail's wrap of "ha scritto:" onto a new line.
	attributionEndRE = regexp.MustCompile(`(?i)((^|\s)(ha scritto|hanno scritto|wrote|scrisse|a écrit|schrieb|escribió)|^scritto)\s*:$`)
	// notesAttributionRE matches the attribution of HCL (Lotus) Notes, which
	// ends with the date and time: "X <x@y> ha scritto il 23/06/2026 09:00:00:".
	notesAttributionRE = regexp.MustCompile(`(?i)\s(ha scritto il|wrote on)\s.*\d{1,2}[:.]\d{2}([:.]\d{2})?\s*(AM|PM)?\s*:$`)
	// attributionStartRE matches how attribution lines begin.
	attributionStartRE = regexp.MustCompile(`(?i)^(il|on|in data|le|am|el|em|op|den)\s`)
	// attributionDetailRE matches what real attribution lines contain: a
	// time, a date, a year or an address.
	attributionDetailRE = regexp.MustCompile(`\d{1,2}[:.]\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\b(19|20)\d{2}\b|@`)
	// phoneSignatureRE matches the signatures mobile clients append.
	phoneSignatureRE = regexp.MustCompile(`(?i)^((inviato|sent|spedito|enviado|envoyé)\s+(da|dal|dalla|from|via|con|with)\s+(il\s+|la\s+)?(mio\s+|mia\s+|my\s+)?(iphone|ipad|android|outlook|samsung|smartphone|galaxy|huawei|xiaomi|oppo|cellulare|telefono|telefonino|dispositivo|device|mobile|blackberry|posta|mail|yahoo|tablet|libero|aruba|tim|windows|gmail|proton)\b.*|(get|scarica|ottieni)\s+(outlook|gmail)\s+(for|per)\s+(ios|android)\b.*)$`)
)

// stripQuoted is StripQuoted that also reports whether a forward separator
// was met.
func stripQuoted(text string) (string, bool) {
	lines := strings.Split(normalizeText(text), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	drop := make([]bool, len(lines))
	cut := len(lines)
	forward := false

scan:
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case isQuoted(line):
			drop[i] = true
		case replyMarkerRE.MatchString(t),
			underscoreRE.MatchString(t),
			phoneSignatureRE.MatchString(t) && len(t) < 80,
			t == "--" && strings.HasPrefix(line, "--"),
			headerBlockAt(lines, i):
			cut = i
			break scan
		case notesAttributionRE.MatchString(t):
			cut = i
			break scan
		case separatorRE.MatchString(t) || forwardIntroRE.MatchString(t):
			lower := strings.ToLower(t)
			forward = strings.Contains(lower, "inoltrat") || strings.Contains(lower, "forward") || strings.Contains(lower, "transféré")
			cut = i
			break scan
		case attributionEndRE.MatchString(t):
			// The attribution starts on the nearest line above (at most
			// two, for wrapped ones) that begins like one.
			start := i
			for k := i; k >= 0 && k >= i-2; k-- {
				if strings.TrimSpace(lines[k]) == "" || isQuoted(lines[k]) {
					break
				}
				if attributionStartRE.MatchString(strings.TrimSpace(lines[k])) {
					start = k
					break
				}
			}
			next := nextNonBlank(lines, i+1)
			switch {
			case next < 0 || isQuoted(lines[next]):
				for k := start; k <= i; k++ {
					drop[k] = true
				}
			case attributionStartRE.MatchString(strings.TrimSpace(lines[start])) &&
				attributionDetailRE.MatchString(strings.Join(lines[start:i+1], " ")):
				// An attribution above unmarked quoted text, as some
				// webmails write it: nothing below is the author's.
				cut = start
				break scan
			}
		}
	}

	var kept []string
	for i := 0; i < cut; i++ {
		if !drop[i] {
			kept = append(kept, lines[i])
		}
	}
	return tidyLines(kept), forward
}

// isQuoted reports whether a line is quoted with ">".
func isQuoted(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

// nextNonBlank returns the index of the first non-blank line from i, or -1.
func nextNonBlank(lines []string, i int) int {
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return i
		}
	}
	return -1
}

// headerBlockAt reports whether an Outlook-style header block ("Da:" then
// "Inviato:", "A:", "Oggetto:" ...) starts at line i.
func headerBlockAt(lines []string, i int) bool {
	first := strings.TrimSpace(lines[i])
	if !headerFromRE.MatchString(first) {
		return false
	}
	if headerInlineRE.MatchString(first) {
		return true
	}
	found := 0
	for j := i + 1; j < len(lines) && j <= i+8; j++ {
		if headerNextRE.MatchString(strings.TrimSpace(lines[j])) {
			found++
			if found == 2 {
				return true
			}
		}
	}
	return false
}

// normalizeText turns line breaks into "\n", non-breaking spaces into
// spaces and drops invisible characters clients insert.
func normalizeText(s string) string {
	r := strings.NewReplacer(
		"\r\n", "\n", "\r", "\n",
		"\u00a0", " ", "\u202f", " ",
		"\u200b", "", "\ufeff", "", "\u200e", "", "\u200f", "", "\u00ad", "",
	)
	return r.Replace(s)
}

// tidyLines joins lines, trimming trailing spaces, dropping leading and
// trailing blank lines and keeping at most one blank line in a row.
func tidyLines(lines []string) string {
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
