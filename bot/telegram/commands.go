package telegram

import (
	"context"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	tgsend "sollecito/notify/telegram"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

// maxButtons bounds the items offered as buttons in one message.
const maxButtons = 24

func (b *Bot) command(ctx context.Context, c chat, m *tgbotapi.Message) error {
	name, ok := canonical[strings.ToLower(m.Command())]
	args := strings.TrimSpace(m.CommandArguments())
	if !ok {
		return b.say(ctx, c, c.tr("Comando sconosciuto. ", "Unknown command. ")+helpText(c))
	}
	if name != "invia" && name != "annulla" {
		// Any other command leaves a half-finished dialogue.
		_ = b.endDialogue(ctx, c)
	}
	switch name {
	case "start", "aiuto":
		return b.say(ctx, c, helpText(c))
	case "pendenti":
		return b.pending(ctx, c)
	case "invia":
		return b.startSubmit(ctx, c, args)
	case "annulla":
		return b.cancel(ctx, c)
	case "storico":
		return b.history(ctx, c, args)
	case "fatto":
		return b.done(ctx, c, args)
	case "assente":
		return b.away(ctx, c, args)
	case "stato":
		return b.status(ctx, c)
	case "evento":
		return b.event(ctx, c, args)
	}
	return nil
}

// helpText lists the commands in the person's language.
func helpText(c chat) string {
	var sb strings.Builder
	sb.WriteString(c.tr("<b>Comandi</b>\n", "<b>Commands</b>\n"))
	for _, cmd := range commandList {
		if cmd.it == "start" {
			continue
		}
		if c.en() {
			fmt.Fprintf(&sb, "/%s – %s\n", cmd.en, tgsend.EscapeHTML(cmd.descEN))
		} else {
			fmt.Fprintf(&sb, "/%s – %s\n", cmd.it, tgsend.EscapeHTML(cmd.descIT))
		}
	}
	sb.WriteString(c.tr("\nPer inviare un valore puoi anche rispondere direttamente a un promemoria (es. 92,5%). Se sbagli, modifica il messaggio: vale come correzione.",
		"\nTo send a value you can also reply to a reminder (e.g. 92.5%). If you make a mistake, edit your message: it counts as a correction."))
	return sb.String()
}

// itemLine describes an item on one line of HTML.
func itemLine(c chat, it workflow.PersonItem) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "• <b>%s</b> %s", tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.PeriodName))
	if it.Title != "" {
		fmt.Fprintf(&sb, " – %s", tgsend.EscapeHTML(it.Title))
	}
	switch {
	case it.Due.IsZero():
		sb.WriteString(c.tr(" (in attesa dell'evento)", " (waiting for the event)"))
	case it.DaysLate > 0:
		fmt.Fprintf(&sb, c.tr("\n  scadenza %s, <b>in ritardo di %d giorni lavorativi</b>", "\n  due %s, <b>%d working days late</b>"), it.Due.Italian(), it.DaysLate)
	default:
		fmt.Fprintf(&sb, c.tr("\n  scadenza %s", "\n  due %s"), it.Due.Italian())
	}
	return sb.String()
}

func (b *Bot) pending(ctx context.Context, c chat) error {
	items, err := b.eng.PersonItems(ctx, c.person.ID, c.lang, true)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	if len(items) == 0 {
		return b.say(ctx, c, c.tr("Nessuna scadenza aperta. Grazie!", "No open deadlines. Thank you!"))
	}
	lines := []string{c.tr("<b>Le tue scadenze aperte</b>", "<b>Your open deadlines</b>")}
	for _, it := range items {
		lines = append(lines, itemLine(c, it))
	}
	lines = append(lines, c.tr("\nPer inviare un valore: /invia. Per segnare una fase conclusa: /fatto.",
		"\nTo send a value: /submit. To mark a phase as done: /done."))
	return b.say(ctx, c, strings.Join(lines, "\n"))
}

// buttons builds one button per item, one per row.
func buttons(act string, items []workflow.PersonItem, extra string) [][]tgsend.Button {
	var rows [][]tgsend.Button
	for i, it := range items {
		if i == maxButtons {
			break
		}
		label := it.Code + " · " + it.PeriodName
		if !it.Open() {
			label = "✓ " + label
		}
		rows = append(rows, []tgsend.Button{{Text: label, Data: act + ":" + itemHash(it.Key) + extra}})
	}
	return rows
}

// mine returns the person's items of a kind ("" for all).
func (b *Bot) mine(ctx context.Context, c chat, kind string, openOnly bool) ([]workflow.PersonItem, error) {
	all, err := b.eng.PersonItems(ctx, c.person.ID, c.lang, openOnly)
	if err != nil {
		return nil, err
	}
	var out []workflow.PersonItem
	for _, it := range all {
		if kind == "" || it.Kind == kind {
			out = append(out, it)
		}
	}
	return out, nil
}

// byCode keeps the items whose code is code (case-insensitive).
func byCode(items []workflow.PersonItem, code string) []workflow.PersonItem {
	var out []workflow.PersonItem
	for _, it := range items {
		if strings.EqualFold(it.Code, code) {
			out = append(out, it)
		}
	}
	return out
}

func (b *Bot) history(ctx context.Context, c chat, args string) error {
	items, err := b.mine(ctx, c, workflow.KindIndicator, false)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	if args != "" {
		if m := byCode(items, args); len(m) == 1 {
			return b.showHistory(ctx, c, m[0])
		} else if len(m) > 1 {
			items = m
		}
	}
	if len(items) == 0 {
		return b.say(ctx, c, c.tr("Non hai indicatori assegnati.", "You have no indicators assigned."))
	}
	return b.say(ctx, c, c.tr("Di quale indicatore vuoi lo storico?", "Which indicator's history do you want?"),
		tgsend.WithButtons(buttons("h", items, "")...))
}

func (b *Bot) showHistory(ctx context.Context, c chat, it workflow.PersonItem) error {
	rows, err := b.st.History(ctx, b.org(), it.IndicatorID, it.Period)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	head := fmt.Sprintf("<b>%s</b> %s", tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.PeriodName))
	if len(rows) == 0 {
		return b.say(ctx, c, head+c.tr("\nNessun valore ricevuto.", "\nNo value received."))
	}
	lines := []string{head}
	loc := b.eng.Snapshot().Cal.Location()
	for _, r := range rows {
		v := workflow.ValueOf(r)
		lines = append(lines, fmt.Sprintf(c.tr("%d. %s – %s (%s)", "%d. %s – %s (%s)"), r.Revision,
			workflow.ReceivedAt(r).In(loc).Format("02/01/2006 15:04"), tgsend.EscapeHTML(v.Format(c.lang)), tgsend.EscapeHTML(r.Channel)))
	}
	lines = append(lines, c.tr("L'ultimo è il valore in vigore.", "The last one is the value in force."))
	return b.say(ctx, c, strings.Join(lines, "\n"))
}

func (b *Bot) done(ctx context.Context, c chat, args string) error {
	on := b.eng.Snapshot().Cal.Today(b.now())
	if args != "" {
		d, err := calendar.ParseDate(args)
		if err != nil {
			return b.say(ctx, c, c.tr("Data non valida: scrivi per esempio /fatto ", "Invalid date: write for example /done ")+on.Italian())
		}
		on = d
	}
	phases, err := b.mine(ctx, c, workflow.KindPhase, true)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	var dated []workflow.PersonItem
	for _, p := range phases {
		if !p.Due.IsZero() {
			dated = append(dated, p)
		}
	}
	if len(dated) == 0 {
		return b.say(ctx, c, c.tr("Non hai fasi aperte da segnare come concluse.", "You have no open phases to mark as done."))
	}
	return b.say(ctx, c, fmt.Sprintf(c.tr("Quale fase hai concluso il %s?", "Which phase did you finish on %s?"), on.Italian()),
		tgsend.WithButtons(buttons("f", dated, ":"+strings.ReplaceAll(on.String(), "-", ""))...))
}

func (b *Bot) away(ctx context.Context, c chat, args string) error {
	usage := c.tr("Scrivi le date così: /assente 01/08/2024-20/08/2024 (oppure /assente no per annullare).",
		"Write the dates like this: /away 01/08/2024-20/08/2024 (or /away no to cancel).")
	a := strings.ToLower(strings.TrimSpace(args))
	if a == "no" || a == "annulla" || a == "cancel" {
		if err := b.eng.SetAway(ctx, c.person.ID, calendar.Date{}, calendar.Date{}, workflow.ChannelTelegram); err != nil {
			return b.refusal(ctx, c, err)
		}
		return b.say(ctx, c, c.tr("Assenza annullata: i promemoria riprendono.", "Absence cancelled: reminders resume."))
	}
	parts := strings.FieldsFunc(args, func(r rune) bool { return r == ' ' || r == '–' })
	if len(parts) == 1 {
		if i := strings.Index(parts[0], "-"); i > 0 && strings.Count(parts[0], "/") == 4 {
			parts = []string{parts[0][:i], parts[0][i+1:]}
		}
	}
	parts = dropWords(parts, "al", "to", "dal", "from", "-")
	if len(parts) != 2 {
		return b.say(ctx, c, usage)
	}
	from, err1 := calendar.ParseDate(parts[0])
	to, err2 := calendar.ParseDate(parts[1])
	if err1 != nil || err2 != nil {
		return b.say(ctx, c, usage)
	}
	if err := b.eng.SetAway(ctx, c.person.ID, from, to, workflow.ChannelTelegram); err != nil {
		return b.refusal(ctx, c, err)
	}
	return b.say(ctx, c, fmt.Sprintf(c.tr("Promemoria sospesi dal %s al %s. Chi riceve i solleciti saprà che sei assente.",
		"Reminders paused from %s to %s. Those who get escalations will know you are away."), from.Italian(), to.Italian()))
}

func dropWords(parts []string, words ...string) []string {
	var out []string
	for _, p := range parts {
		skip := false
		for _, w := range words {
			if strings.EqualFold(p, w) {
				skip = true
			}
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

func (b *Bot) status(ctx context.Context, c chat) error {
	lines, err := b.eng.Status(ctx, c.person.ID, c.lang)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	if len(lines) == 0 {
		return b.say(ctx, c, c.tr("Nessuna scadenza nel tuo ambito.", "No deadlines in your scope."))
	}
	out := []string{c.tr("<b>Quadro delle scadenze</b>", "<b>Deadline status</b>")}
	for _, l := range lines {
		out = append(out, fmt.Sprintf(c.tr("\n<b>%s – %s</b>: %d aperte, %d in ritardo, %d completate", "\n<b>%s – %s</b>: %d open, %d late, %d answered"),
			tgsend.EscapeHTML(l.Directorate), tgsend.EscapeHTML(l.Name), l.Open, l.Late, l.Answered))
		for i, it := range l.LateItems {
			out = append(out, fmt.Sprintf(c.tr("• %s %s: %s, %d gg lavorativi di ritardo", "• %s %s: %s, %d working days late"),
				tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.PeriodName), tgsend.EscapeHTML(strings.Join(l.LateWho[i], ", ")), it.DaysLate))
		}
	}
	return b.say(ctx, c, strings.Join(out, "\n"))
}

func (b *Bot) event(ctx context.Context, c chat, args string) error {
	if !b.eng.Snapshot().IsAdmin(c.person.ID) {
		return b.say(ctx, c, c.tr("Comando riservato agli amministratori.", "This command is for administrators only."))
	}
	f := strings.Fields(args)
	if len(f) != 2 {
		return b.say(ctx, c, c.tr("Scrivi così: /evento rendiconto 30/04/2024", "Write it like this: /event rendiconto 30/04/2024"))
	}
	d, err := calendar.ParseDate(f[1])
	if err != nil {
		return b.say(ctx, c, c.tr("Data non valida: usa gg/mm/aaaa.", "Invalid date: use dd/mm/yyyy."))
	}
	n, err := b.eng.SetEvent(ctx, f[0], d, c.person.ID)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	return b.say(ctx, c, fmt.Sprintf(c.tr("Evento <b>%s</b> registrato al %s: %d scadenze ne dipendono.", "Event <b>%s</b> recorded on %s: %d deadlines depend on it."),
		tgsend.EscapeHTML(strings.ToLower(f[0])), d.Italian(), n))
}

func (b *Bot) cancel(ctx context.Context, c chat) error {
	d, err := b.loadDialogue(ctx, c)
	if d == nil || err != nil {
		return b.say(ctx, c, c.tr("Nessuna procedura in corso.", "Nothing in progress."))
	}
	if err := b.endDialogue(ctx, c); err != nil {
		return err
	}
	b.dropButtons(ctx, c.chatID, d.Prompt)
	return b.say(ctx, c, c.tr("Procedura annullata: nessun valore è stato registrato.", "Cancelled: no value was recorded."))
}
