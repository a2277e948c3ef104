package deadline

import "fmt"

// reason says why a phrase was not understood.
type reason int

const (
	reasonUnknown reason = iota
	reasonEmpty
	reasonBadDate
	reasonComposite
	reasonNoStart
	reasonUnknownStart
	reasonUnknownEvent
	reasonOutOfRange
)

var reasonText = map[reason][2]string{ // it, en
	reasonUnknown: {"forma non prevista dalla grammatica delle scadenze (vedi docs/deadlines.md)",
		"not a form of the deadline grammar (see docs/deadlines.md)"},
	reasonEmpty:     {"nessuna scadenza indicata", "no deadline given"},
	reasonBadDate:   {"la data non esiste", "the date does not exist"},
	reasonComposite: {"più scadenze nella stessa frase: indicarle separatamente", "more than one deadline in the phrase: give them separately"},
	reasonNoStart:   {"non dice da quando si contano i giorni", "it does not say from when the days run"},
	reasonUnknownStart: {"il termine decorre da un fatto di cui Sollecito non conosce la data",
		"the term runs from a fact whose date Sollecito does not know"},
	reasonUnknownEvent: {"evento non riconosciuto: usare bilancio, rendiconto, piao, dup, peg oppure «dall'evento NOME»",
		"unknown event: use bilancio, rendiconto, piao, dup, peg or \"dall'evento NAME\""},
	reasonOutOfRange: {"numero di giorni, mesi o anni fuori intervallo", "number of days, months or years out of range"},
}

// PhraseError reports a deadline phrase the grammar does not understand.
// The phrase is never guessed: the caller keeps it as text and shows the
// error, in Italian by default.
type PhraseError struct {
	// Phrase is the text as given.
	Phrase string
	reason reason
}

// Error returns the Italian message.
func (e *PhraseError) Error() string { return e.Localize("it") }

// Localize returns the message in lang ("it" or "en"; anything else is
// Italian).
func (e *PhraseError) Localize(lang string) string {
	txt := reasonText[e.reason]
	if lang == "en" {
		return fmt.Sprintf("deadline not understood: %q (%s)", e.Phrase, txt[1])
	}
	return fmt.Sprintf("scadenza non riconosciuta: %q (%s)", e.Phrase, txt[0])
}
