package deadline

// triggers are the words a deadline phrase can start with inside a longer
// text. Bare cadence adjectives ("mensile", "annuale") are not triggers:
// inside a sentence they usually name a document ("Relazione annuale"),
// so they are read only when they are the whole phrase.
var triggers = map[string]bool{"entro": true, "ogni": true, "cadenza": true, "con": true, "a": true, "non": true}

// maxPhraseWords bounds the length of a phrase inside a text.
const maxPhraseWords = 14

// Find extracts the first deadline phrase from a longer text, such as a
// phase "Predisposizione report entro il 31/07", and returns it as written
// in the text, ready for Parse. When no phrase is understood, ok is false
// and phrase is the first fragment that looks like a deadline ("entro ..."
// up to the next punctuation), or "" when there is none, so the caller
// can report it instead of dropping it.
func Find(text string) (phrase string, ok bool) {
	all, fragments := scan(text, 1)
	if len(all) > 0 {
		return all[0], true
	}
	if len(fragments) > 0 {
		return fragments[0], false
	}
	return "", false
}

// FindAll returns every deadline phrase understood in text, in order and
// not overlapping ("entro 10 gg dalla fine di ogni trimestre ed entro il
// 20 gennaio" holds two).
func FindAll(text string) []string {
	all, _ := scan(text, -1)
	return all
}

// scan looks for up to limit phrases (limit < 0: all). At each trigger it
// takes the longest run of words that parses. fragments are the clauses
// starting with "entro" that no phrase covers.
func scan(text string, limit int) (found, fragments []string) {
	toks := tokenize(text)
	words := texts(toks)
	for i := 0; i < len(toks) && (limit < 0 || len(found) < limit); i++ {
		if !triggers[words[i]] {
			continue
		}
		best := -1
		for j := min(len(toks), i+maxPhraseWords); j > i; j-- {
			if r, why := parseTokens(words[i:j]); why == 0 && r.kind != 0 {
				best = j
				break
			}
		}
		if best < 0 {
			if words[i] == "entro" {
				fragments = append(fragments, text[toks[i].start:fragmentEnd(text, toks, i)])
			}
			continue
		}
		found = append(found, text[toks[i].start:toks[best-1].end])
		i = best - 1
	}
	return found, fragments
}

// fragmentEnd returns where the clause starting at word i ends: at the
// first word followed by punctuation, or after a few words.
func fragmentEnd(text string, toks []token, i int) int {
	last := min(len(toks), i+8) - 1
	for k := i; k <= last; k++ {
		next := len(text)
		if k+1 < len(toks) {
			next = toks[k+1].start
		}
		for _, c := range text[toks[k].end:next] {
			switch c {
			case ',', ';', '(', '\t', '\n', ':':
				return toks[k].end
			case '.':
				if !abbreviations[toks[k].text] {
					return toks[k].end
				}
			}
		}
	}
	return toks[last].end
}

// abbreviations are words a full stop does not end a clause after.
var abbreviations = map[string]bool{"gg": true, "n": true, "art": true, "c": true, "lgs": true, "d": true, "l": true}
