package workflow

import (
	"regexp"
	"strings"

	"sollecito/workflow/value"
)

// replyLines finds the values in what a person wrote in a reply:
//
//   - lines "CODE: value" whose CODE is an indicator of the plan, even a
//     purely numeric one such as "2.1.3" (which value.ParseLines takes for
//     a number), or a phase ("I-01/2: fatto"), or any code value.ParseLines
//     takes for one (unknown codes are answered, not dropped), each
//     followed by its "Nota: ..." lines;
//   - otherwise value.ParseLines, and for a single value only its first
//     paragraph plus later paragraphs that are notes ("Nota: ..."), so
//     that a greeting above it and a closing or a name below it ("Cordiali
//     saluti", "Marco") are neither the value nor its note.
func replyLines(text string, snap *Snapshot) ([]value.Line, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if coded, err := knownCodeLines(text, snap); err != nil || len(coded) > 0 {
		return coded, err
	}
	lines, err := value.ParseLines(text)
	if err != nil || len(lines) != 1 || lines[0].Ref != "" {
		return lines, err
	}
	body := valueParagraphs(dropGreeting(text))
	if body == "" {
		return nil, value.ErrNoValue
	}
	return value.ParseLines(body)
}

var (
	codeLineRE  = regexp.MustCompile(`^\s*([\p{L}0-9][\p{L}0-9._/-]{0,39})\s*:\s*(.*)$`)
	phaseCodeRE = regexp.MustCompile(`^([\p{L}0-9][\p{L}0-9._-]*)/(\d{1,3})$`)
	noteStartRE = regexp.MustCompile(`(?i)^\s*(nota|note|nb|n\.b\.|motivo|motivazione|reason)\b`)
	greetingRE  = regexp.MustCompile(`(?i)^(buongiorno|buonasera|salve|gentil\p{L}*|egregi\p{L}*|spettabile|ciao|hello|hi|dear|good (morning|afternoon))\b`)
)

// knownCodeLines reads the "CODE: value" lines (see isCode).
func knownCodeLines(text string, snap *Snapshot) ([]value.Line, error) {
	var out []value.Line
	seen := map[string]bool{}
	last := -1
	for _, l := range strings.Split(text, "\n") {
		m := codeLineRE.FindStringSubmatch(l)
		if m != nil && isCode(snap, l, m[1]) {
			key := strings.ToLower(m[1])
			if ref, ok := snap.Indicator(m[1]); ok {
				key = strings.ToLower(ref.ID)
			}
			if seen[key] {
				return nil, &value.DuplicateRefError{Ref: m[1]}
			}
			seen[key] = true
			out = append(out, value.Line{Ref: m[1], Raw: strings.TrimSpace(m[2])})
			last = len(out) - 1
			continue
		}
		switch {
		case last >= 0 && noteStartRE.MatchString(l):
			out[last].Raw += "\n" + strings.TrimSpace(l)
		case strings.TrimSpace(l) != "" && !noteStartRE.MatchString(l):
			last = -1 // a note belongs to the code line just above it
		}
	}
	return out, nil
}

// isCode reports whether code, at the start of line, names an indicator or
// a phase of the plan, or is what the shared grammar takes for a code.
func isCode(snap *Snapshot, line, code string) bool {
	if _, ok := snap.Indicator(code); ok {
		return true
	}
	if m := phaseCodeRE.FindStringSubmatch(code); m != nil {
		return true
	}
	pl, err := value.ParseLines(line)
	return err == nil && len(pl) == 1 && pl[0].Ref != ""
}

// dropGreeting removes a short greeting line at the top ("Buongiorno,").
func dropGreeting(text string) string {
	first, rest, _ := strings.Cut(text, "\n")
	if len(first) <= 40 && greetingRE.MatchString(strings.TrimSpace(first)) {
		return strings.TrimSpace(rest)
	}
	return text
}

// valueParagraphs keeps the first paragraph and the later ones that are
// notes.
func valueParagraphs(text string) string {
	var keep []string
	for i, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if len(keep) == 0 || (i > 0 && noteStartRE.MatchString(para)) {
			keep = append(keep, para)
		}
	}
	return strings.Join(keep, "\n")
}
