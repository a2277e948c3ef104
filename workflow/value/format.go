package value

import (
	"math"
	"strings"
)

// Format writes v as people read it, in lang ("it" or "en"): "92,5%" in
// Italian and "92.5%" in English, "45/50 (90%)" for a ratio given as two
// counts, "12 giorni", dates as dd/mm/yyyy, "sì"/"no", "non applicabile
// (motivo)". The note is not included. Parse reads back what Format
// writes, in either language.
func (v Value) Format(lang string) string {
	en := lang == "en"
	if v.NA {
		na := pick(en, "non applicabile", "not applicable")
		if wrapped := "(" + v.Reason + ")"; closes(wrapped) == len(wrapped)-1 {
			return na + " " + wrapped
		}
		return na + " - " + v.Reason // parentheses in the reason do not balance
	}
	switch v.Kind {
	case KindPercent:
		return formatNumber(v.Number, lang) + "%"
	case KindRatio:
		if v.Denominator > 0 {
			shown := math.Round(v.Number*10) / 10
			return formatNumber(v.Numerator, lang) + "/" + formatNumber(v.Denominator, lang) +
				" (" + formatNumber(shown, lang) + "%)"
		}
		return formatNumber(v.Number, lang) + "%"
	case KindDays:
		unit := pick(en, " giorni", " days")
		if v.Number == 1 {
			unit = pick(en, " giorno", " day")
		}
		return formatNumber(v.Number, lang) + unit
	case KindNumber, KindCount:
		return formatNumber(v.Number, lang)
	case KindYesNo:
		if v.Bool {
			return pick(en, "sì", "yes")
		}
		return "no"
	case KindDate:
		return v.Date.Italian()
	}
	return v.Text
}

// Unit returns the unit of v's kind as shown beside a bare number: "%" for
// percentages and ratios, "giorni" for days, "" otherwise.
func (v Value) Unit() string {
	switch v.Kind {
	case KindPercent, KindRatio:
		return "%"
	case KindDays:
		return "giorni"
	}
	return ""
}

// String is the Italian form, with the note when there is one; it is meant
// for logs and receipts.
func (v Value) String() string {
	s := v.Format("it")
	if n := strings.TrimSpace(v.Note); n != "" {
		s += " - " + n
	}
	return s
}
