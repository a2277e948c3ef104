package piao

import (
	"regexp"
	"strings"
	"unicode"

	"sollecito/config"
)

// givenNames are the Italian given names that occur in the document; they
// tell "Maino Tiziana" (surname first) from "Laura Casini" (name first).
var givenNames = setOf(`Adolfo Adriano Alessandra Alessandro Alessia Andrea Angelo Anita Anna Annapaola
Antonella Antonello Antonio Aurora Azzurra Barbara Beatrice Biagio Bruna Bruno Carlo Carmen Carolina
Chiara Christian Cinzia Clara Claudia Claudio Concetta Corrado Cristina Daniela Daniele Dante Dario
Davide Domenica Domenico Donata Elena Eleonora Elia Elio Elisa Elisabetta Emanuela Enrico Fabio
Fabrizio Federica Federico Filippo Francesca Francesco Gerolamo Giada Giancarlo Gildo Giorgio
Giovanna Giovanni Giuliana Giuseppe Giuseppina Glenda Grazia Graziella Heidi Ilaria Ivan Ivana
Jessica Jose Katia Laura Lena Livia Lorenzo Luca Lucia Luciana Luciano Luigia Luisa Mara Marco Maria Marina
Mario Marta Martina Marzia Massimo Matteo Maurizia Michela Michele Miguel Miriam Monica Nadia Nicola
Nicoletta Oscar Paola Paolo Raffaella Raul Remo Renato Richard Rino Rita Robert Roberta Roberto
Rosaria Rossana Sabrina Salvatore Samuele Santo Sara Sebastiano Silvia Simona Sonia Stefano Susanna
Tecla Teresa Tiziana Tiziano Valentina Veronica Veruska Viviana Vittorio Yasmine`)

// surnameParticles join the next word into a surname ("Della Torre").
var surnameParticles = setOf(`De Del Della Dell' Di Lo La D'`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var accentFold = strings.NewReplacer(
	"à", "a", "á", "a", "è", "e", "é", "e", "ì", "i", "í", "i", "ò", "o", "ó", "o", "ù", "u", "ú", "u",
	"À", "A", "Á", "A", "È", "E", "É", "E", "Ì", "I", "Í", "I", "Ò", "O", "Ó", "O", "Ù", "U", "Ú", "U",
)

// foldAccents replaces accented Latin letters with plain ones.
func foldAccents(s string) string { return accentFold.Replace(s) }

// personKey folds a name to a comparable key regardless of word order.
func personKey(name string) string {
	f := strings.Fields(strings.ToLower(foldAccents(name)))
	// order-insensitive: sort the words.
	for i := 1; i < len(f); i++ {
		for j := i; j > 0 && f[j] < f[j-1]; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
	return strings.Join(f, " ")
}

// slug turns "Della Torre Graziella" into "della-torre-graziella".
func slug(s string) string {
	s = strings.ToLower(foldAccents(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// titleCase writes "DARIO STRAMBINI" as "Dario Strambini"; names already in
// mixed case are kept.
func titleCase(s string) string {
	if strings.ToUpper(s) != s {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		for j := 1; j < len(rs); j++ {
			if rs[j-1] == '\'' {
				rs[j] = unicode.ToUpper(rs[j])
			}
		}
		words[i] = string(rs)
	}
	return strings.Join(words, " ")
}

// personName is a name split into given name and surname.
type personName struct {
	given, surname string
	sure           bool // the given name was recognised
}

// splitName decides which words of a two- to four-word name are the given
// name, using the document's given names.
func splitName(words []string) personName {
	if len(words) == 0 {
		return personName{}
	}
	tc := func(ws []string) string { return titleCase(strings.Join(ws, " ")) }
	first, last := titleCase(words[0]), titleCase(words[len(words)-1])
	switch {
	case givenNames[first] && !givenNames[last]:
		return personName{given: first, surname: tc(words[1:]), sure: true}
	case givenNames[last] && !givenNames[first]:
		return personName{given: last, surname: tc(words[:len(words)-1]), sure: true}
	case givenNames[first] && givenNames[last] && len(words) == 2:
		// "Santo Roccaforte" style ambiguity cannot arise here; both given: keep as written.
		return personName{given: first, surname: last}
	}
	return personName{given: tc(words[1:]), surname: first}
}

// id is "surname-given" as a slug.
func (p personName) id() string { return slug(p.surname + " " + p.given) }

// display is "Given Surname".
func (p personName) display() string { return strings.TrimSpace(p.given + " " + p.surname) }

// staffEntry is one person named in RISORSE UMANE.
type staffEntry struct {
	name  personName
	title string
	raw   string
}

var (
	parenRe    = regexp.MustCompile(`\([^)]*\)|_p\.t\.?|_p\.?t\.?`)
	roleWords  = setOf(`area dei degli delle funzionari funzionario istruttori istruttore istrauttori direttivo direttivi tecnico tecnici amministrativo amministrativi operatori operatore esperti esperto collaboratori operai operaio qualificati qualificato agenti agente di polizia provinciale ufficiale ufficiali comandante addetto comunicazione programmatore esecutore impianti audiovisivi dt part-time d3 c e.q. e.q.: eq specialista specialisti specializzato cantonieri capo capi squadra geologo posizioni organizzative dirigente dirigenti incaricati elevata qualificazione e personale della d.o. iv tutti i dipendenti servizio referenti`)
	genericRe  = regexp.MustCompile(`(?i)^(dirigent|tutti i dipendenti|funzionari incaricati)`)
	nameWordRe = regexp.MustCompile(`^(?:[A-Z][a-zàèéìòù]+|[A-Z][a-z]{0,3}'[A-Z][a-zàèéìòù]+|De|Del|Della|Di|Lo|La|D'|Dell')$`)
)

// parseStaff reads the RISORSE UMANE text into people with their role as
// written. ok is false when some words could not be placed.
func parseStaff(text string) (entries []staffEntry, leftover []string) {
	t := parenRe.ReplaceAllString(text, " ")
	t = strings.NewReplacer("E.Q.:", " E.Q. : ", "E.Q.", " E.Q. ", ":", " : ", ",", " , ", " - ", " , ", " – ", " , ", ";", " , ").Replace(t)
	toks := strings.Fields(t)
	role := ""        // current role phrase
	roleOpen := false // collecting a role phrase
	var names []string
	flush := func() {
		for len(names) > 0 {
			n := takeName(names)
			if n == 0 {
				leftover = append(leftover, names...)
				names = nil
				break
			}
			pn := splitName(names[:n])
			if strings.ContainsAny(strings.Join(names[:n], ""), "0123456789") {
				leftover = append(leftover, names[:n]...)
				names = names[n:]
				continue
			}
			entries = append(entries, staffEntry{name: pn, title: role, raw: strings.Join(names[:n], " ")})
			names = names[n:]
		}
	}
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		low := strings.ToLower(tk)
		switch {
		case tk == ",":
			flush()
		case tk == ":":
			flush()
			roleOpen = false
		case tk == "E.Q.":
			flush()
			if roleOpen || len(entries) == 0 || i == 0 || toks[i-1] == ":" {
				role = strings.TrimSpace(role + " E.Q.")
			} else if last := &entries[len(entries)-1]; !strings.HasSuffix(last.title, "E.Q.") {
				last.title = strings.TrimSpace(last.title + " E.Q.")
			}
		case surnameParticles[tk] && i+1 < len(toks) && nameWordRe.MatchString(toks[i+1]) && !roleWords[strings.ToLower(toks[i+1])]:
			roleOpen = false
			names = append(names, tk) // "Di Stefano", "Della Torre"
		case roleWords[low] && !(len(names) > 0 && nameWordRe.MatchString(tk) && (low == "di" || low == "c")) && !givenNames[tk]:
			flush()
			if !roleOpen && !(i > 0 && toks[i-1] == ":") {
				role = ""
			}
			roleOpen = true
			role = strings.TrimSpace(role + " " + tk)
		case nameWordRe.MatchString(tk) || strings.ToUpper(tk) == tk && len(tk) > 2:
			roleOpen = false
			names = append(names, tk)
		default:
			flush()
			leftover = append(leftover, tk)
		}
	}
	flush()
	return entries, leftover
}

// takeName returns how many of ws form the next person's name: a given
// name and a surname (with its particles), in either order.
func takeName(ws []string) int {
	if len(ws) == 0 {
		return 0
	}
	surname := func(i int) int { // words in the surname starting at i
		n := 0
		for i+n < len(ws) && surnameParticles[ws[i+n]] {
			n++
		}
		if i+n < len(ws) {
			n++
		}
		return n
	}
	if givenNames[titleCase(ws[0])] {
		g := 1 // "Jose Miguel Vidal": given names, then the surname
		for g+1 < len(ws) && givenNames[titleCase(ws[g])] && !surnameParticles[ws[g]] && g < 3 {
			g++
		}
		if g >= len(ws) {
			return 0
		}
		return g + surname(g)
	}
	n := surname(0)
	if n >= len(ws) {
		return 0
	}
	// "Lazzari Elena Lucia Rita": the surname, then one or more given names.
	k := n + 1
	for k < len(ws) && k < n+3 && givenNames[titleCase(ws[k])] && givenNames[titleCase(ws[k-1])] {
		k++
	}
	return k
}

// collectPerson adds p to people once, merging roles; order is kept.
func collectPerson(people *[]config.Person, idx map[string]int, p config.Person) {
	if i, ok := idx[p.ID]; ok {
		q := &(*people)[i]
		for _, r := range p.Roles {
			if !q.HasRole(r) {
				q.Roles = append(q.Roles, r)
			}
		}
		if q.Title == "" {
			q.Title = p.Title
		}
		return
	}
	idx[p.ID] = len(*people)
	*people = append(*people, p)
}
