package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"sollecito/workflow"
)

// cmdMailInspect shows how a saved mail would be read by the reply reader,
// storing nothing: administrators use it to answer "why was my reply not
// taken?".
func (a *app) cmdMailInspect(ctx context.Context, args []string) int {
	fs := a.flags("mail inspect")
	format := fs.String("format", "text", "output format: text or json")
	pos, ok := a.parse(fs, args)
	if !ok {
		return 2
	}
	if len(pos) != 1 || (*format != "text" && *format != "json") {
		a.errorf("uso: sollecito mail inspect FILE.eml [--format text|json]", "usage: sollecito mail inspect FILE.eml [--format text|json]")
		return 2
	}
	var raw []byte
	var err error
	if pos[0] == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(pos[0])
	}
	if err != nil {
		a.errorf("impossibile leggere %s: %v", "cannot read %s: %v", pos[0], err)
		return 1
	}
	_, st, eng, err := a.open(ctx, nil)
	if err != nil {
		a.printProblems(err, nil)
		return 1
	}
	defer st.Close()
	lang := "it"
	if a.en() {
		lang = "en"
	}
	r, err := eng.InspectMail(ctx, raw, lang)
	if err != nil {
		return a.fail(err)
	}
	if *format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return a.fail(err)
		}
		return 0
	}
	a.printReading(r)
	return 0
}

// printReading writes a reading for people.
func (a *app) printReading(r workflow.MailReading) {
	en := a.en()
	w := a.stdout
	yes := func(b bool) string {
		if b {
			return map[bool]string{false: "sì", true: "yes"}[en]
		}
		return "no"
	}
	tr := func(it, eng string) string {
		if en {
			return eng
		}
		return it
	}
	fmt.Fprintf(w, "%s %s\n", tr("Mittente:", "From:"), r.From)
	fmt.Fprintf(w, "%s %s", tr("Automatica:", "Automatic:"), yes(r.Automatic))
	if r.Reason != "" {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	fmt.Fprintln(w)
	if b := r.Bounce; b != nil {
		fmt.Fprintf(w, "%s %s %s %s", tr("Mancata consegna:", "Bounce:"), b.Recipient, b.Status, b.Action)
		if r.Bounced != "" {
			fmt.Fprintf(w, tr(" — l'indirizzo di %s sarà segnato come non funzionante", " — the address of %s will be marked failing"), r.Bounced)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s %s %s, %s %s", tr("Riferimento:", "Token:"), tr("trovato", "found"), yes(r.Token.Found), tr("valido", "valid"), yes(r.Token.Valid))
	if r.Token.Valid {
		fmt.Fprintf(w, " — %s %s, %s %s (%s)", tr("persona", "person"), r.Token.Person, tr("voci", "items"), strings.Join(r.Token.Items, ", "), r.Token.Where)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, tr("Testo scritto:", "Text written:"))
	for _, l := range strings.Split(r.Text, "\n") {
		fmt.Fprintf(w, "  | %s\n", l)
	}
	if len(r.Values) > 0 {
		fmt.Fprintln(w, tr("Valori:", "Values:"))
		for _, v := range r.Values {
			ref := v.Ref
			if ref == "" {
				ref = "-"
			}
			fmt.Fprintf(w, "  %s: %q", ref, v.Raw)
			if v.Indicator != "" {
				fmt.Fprintf(w, " → %v %s (%s %s)", v.Value, v.Unit, v.Indicator, v.Period)
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintln(w, tr("Problemi:", "Problems:"))
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
	fmt.Fprintf(w, "%s %s\n", tr("Esito:", "Outcome:"), r.Outcome)
}
