package mailread

import "strings"

// unflowIf decodes text as format=flowed (RFC 3676) when flowed is set and
// returns it unchanged otherwise.
func unflowIf(text string, flowed, delsp bool) string {
	if !flowed {
		return text
	}
	return unflow(text, delsp)
}

// unflow joins the soft-broken lines of a format=flowed body. A line ending
// in a space continues on the next line of the same quote depth; a leading
// space added by space-stuffing is removed; with delsp the trailing space is
// deleted when joining. Quoted lines keep a "> " prefix per depth so that
// the quote stripper still sees them.
func unflow(text string, delsp bool) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	var cur strings.Builder
	curDepth := -1 // quote depth of the paragraph being joined; -1 for none

	flush := func() {
		if curDepth >= 0 {
			out = append(out, quotePrefix(curDepth)+cur.String())
			cur.Reset()
			curDepth = -1
		}
	}
	for _, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		content = strings.TrimPrefix(content, " ") // space-stuffing
		if curDepth >= 0 && depth != curDepth {
			flush()
		}
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delsp {
			content = content[:len(content)-1]
		}
		curDepth = depth
		cur.WriteString(content)
		if !soft {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// quotePrefix returns the quote marker for a depth: "" or "> ", ">> ", ...
func quotePrefix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat(">", depth) + " "
}
