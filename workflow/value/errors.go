package value

import (
	"fmt"
	"strings"
)

// Error codes say why a value was refused. They are stable: callers may
// branch on them (the bot re-asks, the mail reader lists them).
const (
	CodeEmpty            = "empty"             // nothing written
	CodeUnknownKind      = "unknown_kind"      // the indicator kind is not one of config.IndicatorKinds
	CodeNotNumber        = "not_number"        // text where a number is needed
	CodePercentRange     = "percent_range"     // percentage below 0 or above 100
	CodeNegative         = "negative"          // negative count or days
	CodeNotInteger       = "not_integer"       // a count with decimals
	CodeNotYesNo         = "not_yesno"         // not sì/no/rispettato/...
	CodeBadDate          = "bad_date"          // not a date, or a date that does not exist
	CodeFutureDate       = "future_date"       // a completion date after today
	CodeNotRatio         = "not_ratio"         // a ratio that is neither "45/50" nor a percentage
	CodeZeroDenominator  = "zero_denominator"  // "45/0"
	CodeNumeratorTooBig  = "numerator_too_big" // "55/50"
	CodeMissingReason    = "missing_reason"    // "n.a." without a reason
	CodeAmbiguousPercent = "ratio_for_percent" // "45/50" given for a percentage indicator
	CodeWrongUnit        = "wrong_unit"        // "2 settimane" for an indicator counted in days
)

// Error is a refused value. Error() is the Italian text; Localize gives the
// text in the person's language. Each message says why the value was
// refused and shows an example of a valid answer for the indicator's kind.
type Error struct {
	// Code is one of the Code* constants.
	Code string
	// Kind is the indicator kind the value was read for.
	Kind string
	// Raw is the text that was refused (possibly only the offending part).
	Raw string
	// Today is set for CodeFutureDate: the date the value was compared with.
	Today string
}

// Error returns the Italian message.
func (e *Error) Error() string { return e.Localize("it") }

// Localize returns the message in lang ("it" or "en"; anything else is
// Italian).
func (e *Error) Localize(lang string) string {
	en := lang == "en"
	raw := strings.TrimSpace(e.Raw)
	if r := []rune(raw); len(r) > 60 {
		raw = string(r[:57]) + "..." // by runes: never half an accented letter
	}
	var why string
	switch e.Code {
	case CodeEmpty:
		why = pick(en, "non è stato scritto alcun valore", "no value was written")
	case CodeUnknownKind:
		return pick(en,
			fmt.Sprintf("tipo di indicatore sconosciuto %q: va corretto nel piano", e.Kind),
			fmt.Sprintf("unknown indicator kind %q: the plan must be corrected", e.Kind))
	case CodeNotNumber:
		why = pick(en, fmt.Sprintf("«%s» non è un numero", raw), fmt.Sprintf("%q is not a number", raw))
	case CodePercentRange:
		why = pick(en, fmt.Sprintf("«%s»: una percentuale deve stare tra 0 e 100", raw),
			fmt.Sprintf("%q: a percentage must be between 0 and 100", raw))
	case CodeNegative:
		why = pick(en, fmt.Sprintf("«%s»: il valore non può essere negativo", raw),
			fmt.Sprintf("%q: the value cannot be negative", raw))
	case CodeNotInteger:
		why = pick(en, fmt.Sprintf("«%s»: un conteggio deve essere un numero intero", raw),
			fmt.Sprintf("%q: a count must be a whole number", raw))
	case CodeNotYesNo:
		why = pick(en, fmt.Sprintf("«%s»: rispondere sì o no", raw),
			fmt.Sprintf("%q: please answer yes or no", raw))
	case CodeBadDate:
		why = pick(en, fmt.Sprintf("«%s» non è una data valida", raw),
			fmt.Sprintf("%q is not a valid date", raw))
	case CodeFutureDate:
		why = pick(en, fmt.Sprintf("«%s»: la data è nel futuro (oggi è il %s)", raw, e.Today),
			fmt.Sprintf("%q: the date is in the future (today is %s)", raw, e.Today))
	case CodeNotRatio:
		why = pick(en, fmt.Sprintf("«%s»: scrivere i due numeri del rapporto", raw),
			fmt.Sprintf("%q: please write the two numbers of the ratio", raw))
	case CodeZeroDenominator:
		why = pick(en, fmt.Sprintf("«%s»: il denominatore non può essere zero", raw),
			fmt.Sprintf("%q: the denominator cannot be zero", raw))
	case CodeNumeratorTooBig:
		why = pick(en, fmt.Sprintf("«%s»: il numeratore non può superare il denominatore", raw),
			fmt.Sprintf("%q: the numerator cannot exceed the denominator", raw))
	case CodeMissingReason:
		why = pick(en, "«non applicabile» richiede il motivo", "\"not applicable\" needs a reason")
	case CodeAmbiguousPercent:
		why = pick(en, fmt.Sprintf("«%s»: per questo indicatore scrivere la percentuale", raw),
			fmt.Sprintf("%q: this indicator takes a percentage", raw))
	case CodeWrongUnit:
		why = pick(en, fmt.Sprintf("«%s»: indicare il numero di giorni", raw),
			fmt.Sprintf("%q: please give the number of days", raw))
	default:
		why = pick(en, "valore non valido", "invalid value")
	}
	ex := Example(e.Kind, pickLang(en))
	if e.Code == CodeMissingReason {
		ex = pick(en, "n.a. - servizio non attivato nel semestre", "n/a - service not started this semester")
	}
	return why + pick(en, ". Esempio: ", ". Example: ") + ex
}

// Example returns an example of a valid answer for kind, in lang.
func Example(kind, lang string) string {
	en := lang == "en"
	switch kind {
	case "percent":
		return pick(en, "92,5%", "92.5%")
	case "number":
		return pick(en, "1.234,5", "1234.5")
	case "days":
		return pick(en, "12 giorni", "12 days")
	case "count":
		return "4"
	case "ratio":
		return pick(en, "45/50 oppure 45 su 50", "45/50 or 45 of 50")
	case "yesno":
		return pick(en, "sì, no, rispettato, non rispettato", "yes, no")
	case "date":
		return "31/01/2024"
	case "text":
		return pick(en, "corso svolto il 12/03", "course held on 12/03")
	}
	return pick(en, "92,5%", "92.5%")
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

func pickLang(en bool) string {
	if en {
		return "en"
	}
	return "it"
}
