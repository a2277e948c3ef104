package telegram

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	tgsend "sollecito/notify/telegram"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
	"sollecito/workflow/target"
	"sollecito/workflow/value"
)

// msgSource is the source of a value written in a message; its edits are
// msgSource + ":e" + edit date.
func msgSource(chatID int64, messageID int) string {
	return fmt.Sprintf("tg:msg:%d:%d", chatID, messageID)
}

// startSubmit begins the guided dialogue: choose the item with a button.
func (b *Bot) startSubmit(ctx context.Context, c chat, args string) error {
	_ = b.endDialogue(ctx, c)
	items, err := b.mine(ctx, c, workflow.KindIndicator, false)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	if args != "" {
		if m := byCode(items, args); len(m) == 1 {
			return b.askValue(ctx, c, m[0], 0)
		} else if len(m) > 1 {
			items = m
		}
	}
	switch len(items) {
	case 0:
		return b.say(ctx, c, c.tr("Non hai indicatori assegnati.", "You have no indicators assigned."))
	case 1:
		return b.askValue(ctx, c, items[0], 0)
	}
	return b.say(ctx, c, c.tr("Per quale indicatore vuoi inviare il valore? (/annulla per uscire)",
		"Which indicator do you want to send the value for? (/cancel to leave)"), tgsend.WithButtons(buttons("i", items, "")...))
}

// askValue asks the value of an item (or, for a ratio, its numerator).
func (b *Bot) askValue(ctx context.Context, c chat, it workflow.PersonItem, prompt int) error {
	b.dropButtons(ctx, c.chatID, prompt)
	head := fmt.Sprintf("<b>%s</b> %s – %s\n", tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.PeriodName), tgsend.EscapeHTML(it.Title))
	if it.Target != "" {
		head += c.tr("Obiettivo: ", "Target: ") + tgsend.EscapeHTML(target.Parse(it.Target).Describe(c.lang)) + "\n"
	}
	d := &dialogue{Step: "value", Item: it.Key}
	var ask string
	if it.ValueKind == value.KindRatio && it.Numerator != "" && it.Denominator != "" {
		d.Step = "numerator"
		ask = fmt.Sprintf(c.tr("Scrivi il numeratore: <i>%s</i>", "Write the numerator: <i>%s</i>"), tgsend.EscapeHTML(it.Numerator))
	} else {
		ask = c.tr("Scrivi il valore, per esempio ", "Write the value, for example ") + tgsend.EscapeHTML(value.Example(it.ValueKind, c.lang))
	}
	if err := b.saveDialogue(ctx, c, d); err != nil {
		return err
	}
	return b.say(ctx, c, head+ask+c.tr("\n(/annulla per uscire)", "\n(/cancel to leave)"))
}

// onText handles a message that is not a command: the next answer of a
// dialogue, a reply to a reminder, or chatter.
func (b *Bot) onText(ctx context.Context, c chat, m *tgbotapi.Message) error {
	text := strings.TrimSpace(m.Text)
	d, err := b.loadDialogue(ctx, c)
	if errors.Is(err, errExpired) && m.ReplyToMessage == nil {
		return b.say(ctx, c, c.tr("La procedura guidata è scaduta e nessun valore è stato registrato: ricomincia con /invia.",
			"The guided dialogue expired and no value was recorded: start again with /submit."))
	}
	if err != nil && !errors.Is(err, errExpired) {
		return err
	}
	if m.ReplyToMessage != nil {
		sent, err := b.st.TelegramSentMessage(ctx, b.org(), c.chatID, m.ReplyToMessage.MessageID)
		if err == nil && sent.PersonID == c.person.ID {
			_ = b.endDialogue(ctx, c)
			return b.replyToReminder(ctx, c, m, splitKeys(sent.Items))
		}
	}
	if d != nil && err == nil {
		return b.dialogueStep(ctx, c, d, m, text)
	}
	return b.say(ctx, c, c.tr("Per inviare un valore usa /invia, oppure rispondi al messaggio di promemoria. /aiuto elenca i comandi.",
		"To send a value use /submit, or reply to the reminder message. /help lists the commands."))
}

func (b *Bot) findItem(ctx context.Context, c chat, key string) (workflow.PersonItem, bool, error) {
	items, err := b.mine(ctx, c, "", false)
	if err != nil {
		return workflow.PersonItem{}, false, err
	}
	for _, it := range items {
		if it.Key == key {
			return it, true, nil
		}
	}
	return workflow.PersonItem{}, false, nil
}

func (b *Bot) dialogueStep(ctx context.Context, c chat, d *dialogue, m *tgbotapi.Message, text string) error {
	it, ok, err := b.findItem(ctx, c, d.Item)
	if err != nil {
		return err
	}
	if !ok && d.Step != "pick" {
		_ = b.endDialogue(ctx, c)
		return b.say(ctx, c, c.tr("Questa voce non è più tra le tue: ricomincia con /invia.", "This item is no longer yours: start again with /submit."))
	}
	today := b.eng.Snapshot().Cal.Today(b.now())
	switch d.Step {
	case "numerator":
		// "n.a. - reason" or both counts at once ("45/50") need no second step.
		if v, err := value.Parse(text, it.ValueKind, value.Options{Today: today}); err == nil && (v.NA || v.Denominator != 0) {
			d.Raw, d.MsgID = text, m.MessageID
			return b.askConfirm(ctx, c, d, it, v)
		}
		if _, err := parseCount(text, it.Numerator); err != nil {
			return b.refusal(ctx, c, err)
		}
		d.Step, d.Num = "denominator", text
		if err := b.saveDialogue(ctx, c, d); err != nil {
			return err
		}
		return b.say(ctx, c, fmt.Sprintf(c.tr("Ora il denominatore: <i>%s</i>", "Now the denominator: <i>%s</i>"), tgsend.EscapeHTML(it.Denominator)))
	case "denominator":
		if _, err := parseCount(text, it.Denominator); err != nil {
			return b.refusal(ctx, c, err)
		}
		raw := d.Num + "/" + text
		v, err := value.Parse(raw, it.ValueKind, value.Options{Today: today})
		if err != nil {
			d.Step, d.Num = "numerator", ""
			if serr := b.saveDialogue(ctx, c, d); serr != nil {
				return serr
			}
			return b.say(ctx, c, "❌ "+tgsend.EscapeHTML(workflow.Localize(err, c.lang))+"\n"+
				fmt.Sprintf(c.tr("Scrivi di nuovo il numeratore: <i>%s</i>", "Write the numerator again: <i>%s</i>"), tgsend.EscapeHTML(it.Numerator)))
		}
		d.Raw, d.MsgID = raw, 0
		return b.askConfirm(ctx, c, d, it, v)
	case "value":
		v, err := value.Parse(text, it.ValueKind, value.Options{Today: today})
		if err != nil {
			return b.refusal(ctx, c, err)
		}
		d.Raw, d.MsgID = text, m.MessageID
		return b.askConfirm(ctx, c, d, it, v)
	case "confirm", "pick":
		return b.say(ctx, c, c.tr("Usa i pulsanti qui sopra, oppure /annulla.", "Use the buttons above, or /cancel."))
	}
	return nil
}

// parseCount checks one count of a ratio, labelled as the plan names it.
func parseCount(s, label string) (float64, error) {
	n, err := value.ParseNumber(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, &workflow.UserError{
			It: fmt.Sprintf("«%s»: scrivi un numero non negativo (%s), per esempio 45", strings.TrimSpace(s), label),
			En: fmt.Sprintf("%q: write a non-negative number (%s), for example 45", strings.TrimSpace(s), label),
		}
	}
	return n, nil
}

func (b *Bot) askConfirm(ctx context.Context, c chat, d *dialogue, it workflow.PersonItem, v value.Value) error {
	d.Step = "confirm"
	if err := b.saveDialogue(ctx, c, d); err != nil {
		return err
	}
	text := fmt.Sprintf(c.tr("Registro per <b>%s</b> %s il valore <b>%s</b>. Confermi?", "Record for <b>%s</b> %s the value <b>%s</b>. Confirm?"),
		tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.PeriodName), tgsend.EscapeHTML(v.Format(c.lang)))
	id, err := b.sayID(ctx, c, text, tgsend.WithButtons([]tgsend.Button{
		{Text: c.tr("Sì, registra", "Yes, record"), Data: "y:" + itemHash(it.Key)},
		{Text: c.tr("No, annulla", "No, cancel"), Data: "n:" + itemHash(it.Key)},
	}))
	if err != nil {
		return err
	}
	d.Prompt = id
	return b.saveDialogue(ctx, c, d)
}

// onCallback handles a button press. Each press is answered; items are
// looked up among the presser's own only.
func (b *Bot) onCallback(ctx context.Context, q *tgbotapi.CallbackQuery) error {
	if q.From == nil || q.Message == nil || q.Message.Chat == nil {
		b.answer(ctx, q, "")
		return nil
	}
	c, err := b.who(ctx, q.From.ID, q.Message.Chat.ID)
	if err != nil {
		b.answer(ctx, q, "")
		return err
	}
	if c.person.ID == "" {
		b.answer(ctx, q, "")
		return b.stranger(ctx, c)
	}
	parts := strings.Split(q.Data, ":")
	act, hash := parts[0], ""
	if len(parts) > 1 {
		hash = parts[1]
	}
	items, err := b.mine(ctx, c, "", false)
	if err != nil {
		b.answer(ctx, q, "")
		return err
	}
	i := slices.IndexFunc(items, func(it workflow.PersonItem) bool { return itemHash(it.Key) == hash })
	if i < 0 {
		b.answer(ctx, q, c.tr("Voce non trovata tra le tue.", "Item not found among yours."))
		return nil
	}
	it := items[i]
	if act == "y" || act == "n" || act == "p" {
		return b.onDialogueButton(ctx, c, q, act, it)
	}
	b.answer(ctx, q, "")
	switch act {
	case "i":
		return b.askValue(ctx, c, it, q.Message.MessageID)
	case "h":
		return b.showHistory(ctx, c, it)
	case "f":
		return b.markDone(ctx, c, it, parts, q.Message.MessageID)
	}
	return nil
}

func (b *Bot) markDone(ctx context.Context, c chat, it workflow.PersonItem, parts []string, prompt int) error {
	on := b.eng.Snapshot().Cal.Today(b.now())
	if len(parts) > 2 && len(parts[2]) == 8 {
		if d, err := calendar.ParseDate(parts[2][:4] + "-" + parts[2][4:6] + "-" + parts[2][6:]); err == nil {
			on = d
		}
	}
	if err := b.eng.MarkDone(ctx, it.Key, c.person.ID, workflow.ChannelTelegram, on); err != nil {
		return b.refusal(ctx, c, err)
	}
	b.dropButtons(ctx, c.chatID, prompt)
	return b.say(ctx, c, fmt.Sprintf(c.tr("✅ Fase <b>%s</b> (%s) segnata come conclusa il %s. Non riceverai altri promemoria per questa scadenza.",
		"✅ Phase <b>%s</b> (%s) marked as done on %s. You will get no more reminders for this deadline."),
		tgsend.EscapeHTML(it.Code), tgsend.EscapeHTML(it.Title), on.Italian()))
}

// onDialogueButton handles the buttons of a dialogue (confirm, cancel,
// pick). A press that finds no dialogue (a stale button, or the same press
// handled again after a crash) only gets a notice on the button.
func (b *Bot) onDialogueButton(ctx context.Context, c chat, q *tgbotapi.CallbackQuery, act string, it workflow.PersonItem) error {
	d, err := b.loadDialogue(ctx, c)
	if errors.Is(err, errExpired) {
		b.answer(ctx, q, "")
		b.dropButtons(ctx, c.chatID, q.Message.MessageID)
		return b.say(ctx, c, c.tr("La procedura guidata è scaduta e nessun valore è stato registrato: ricomincia con /invia.",
			"The guided dialogue expired and no value was recorded: start again with /submit."))
	}
	if err != nil {
		b.answer(ctx, q, "")
		return err
	}
	if d == nil || (act != "p" && d.Item != it.Key) || (act == "p" && !slices.Contains(d.Choices, it.Key)) {
		b.answer(ctx, q, c.tr("Nessuna procedura in corso per questa voce.", "Nothing in progress for this item."))
		b.dropButtons(ctx, c.chatID, q.Message.MessageID)
		return nil
	}
	b.answer(ctx, q, "")
	b.dropButtons(ctx, c.chatID, q.Message.MessageID)
	if act == "n" {
		if err := b.endDialogue(ctx, c); err != nil {
			return err
		}
		return b.say(ctx, c, c.tr("Procedura annullata: nessun valore è stato registrato.", "Cancelled: no value was recorded."))
	}
	source := msgSource(c.chatID, d.MsgID)
	if d.MsgID == 0 {
		source = "tg:cb:" + q.ID
	}
	// The dialogue ends after the value is stored: the same press handled
	// again after a crash finds it, and the source makes it a no-op.
	err = b.submit(ctx, c, it, d.Raw, source)
	if endErr := b.endDialogue(ctx, c); err == nil {
		err = endErr
	}
	return err
}

// submit records raw for an item and sends the receipt or the refusal.
// A repeated source (the same update after a crash) is silent.
func (b *Bot) submit(ctx context.Context, c chat, it workflow.PersonItem, raw, source string) error {
	rec, err := b.eng.Submit(ctx, workflow.Submission{IndicatorID: it.IndicatorID, Period: it.Period, Raw: raw,
		By: c.person.ID, Channel: workflow.ChannelTelegram, SourceRef: source})
	if errors.Is(err, workflow.ErrDuplicate) {
		b.log.DebugContext(ctx, "telegram value already recorded", "source", source)
		return nil
	}
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	return b.say(ctx, c, receipt(c, rec, b.eng.Snapshot().PeriodName(rec.Period, c.lang)))
}

// receipt says what was recorded: indicator, period, the value as
// understood, the target and whether it is met, and how to correct it.
func receipt(c chat, r *workflow.Receipt, period string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, c.tr("✅ Registrato <b>%s</b> – %s\n", "✅ Recorded <b>%s</b> – %s\n"), tgsend.EscapeHTML(r.Indicator.ID), tgsend.EscapeHTML(period))
	fmt.Fprintf(&sb, c.tr("Valore: <b>%s</b>\n", "Value: <b>%s</b>\n"), tgsend.EscapeHTML(r.Value.Format(c.lang)))
	if r.Indicator.Target != "" {
		t := target.Parse(r.Indicator.Target)
		fmt.Fprintf(&sb, c.tr("Obiettivo: %s", "Target: %s"), tgsend.EscapeHTML(t.Describe(c.lang)))
		if met, ok := t.Evaluate(r.Value); ok && !r.Value.NA {
			sb.WriteString(c.tr(map[bool]string{true: " – raggiunto ✅", false: " – non raggiunto ❌"}[met], map[bool]string{true: " – met ✅", false: " – not met ❌"}[met]))
		}
		sb.WriteString("\n")
	}
	if r.Stored.Revision > 1 {
		fmt.Fprintf(&sb, c.tr("Revisione %d: i valori precedenti restano nello storico (/storico).\n", "Revision %d: earlier values stay in the history (/history).\n"), r.Stored.Revision)
	}
	if r.Late {
		fmt.Fprintf(&sb, c.tr("Arrivato dopo la scadenza del %s.\n", "Received after the due date %s.\n"), r.Due.Italian())
	}
	sb.WriteString(c.tr("Per correggere: modifica il tuo messaggio oppure invia di nuovo il valore con /invia.",
		"To correct it: edit your message or send the value again with /submit."))
	return sb.String()
}

// replyToReminder reads a plain reply to a reminder naming items: one
// indicator takes the value at once; "CODE: value" lines go to their
// indicators; a bare value for several indicators asks which one.
func (b *Bot) replyToReminder(ctx context.Context, c chat, m *tgbotapi.Message, keys []string) error {
	all, err := b.mine(ctx, c, workflow.KindIndicator, false)
	if err != nil {
		return err
	}
	var named []workflow.PersonItem
	for _, it := range all {
		if slices.Contains(keys, it.Key) {
			named = append(named, it)
		}
	}
	if len(named) == 0 {
		return b.say(ctx, c, c.tr("Questo messaggio non chiede valori di indicatori assegnati a te: per una fase conclusa usa /fatto, per inviare un valore /invia.",
			"This message asks for no value of an indicator of yours: for a finished phase use /done, to send a value /submit."))
	}
	source := msgSource(c.chatID, m.MessageID)
	lines, err := value.ParseLines(m.Text)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	if lines[0].Ref != "" {
		for _, l := range lines {
			match := byCode(named, l.Ref)
			if len(match) == 0 {
				match = byCode(all, l.Ref)
			}
			if len(match) == 0 {
				_ = b.say(ctx, c, fmt.Sprintf(c.tr("❌ %s: non è tra i tuoi indicatori.", "❌ %s: not one of your indicators."), tgsend.EscapeHTML(l.Ref)))
				continue
			}
			if err := b.submit(ctx, c, match[0], l.Raw, source); err != nil {
				return err
			}
		}
		return nil
	}
	if len(named) == 1 {
		return b.submit(ctx, c, named[0], lines[0].Raw, source)
	}
	d := &dialogue{Step: "pick", Raw: lines[0].Raw, MsgID: m.MessageID}
	for _, it := range named {
		d.Choices = append(d.Choices, it.Key)
	}
	if err := b.saveDialogue(ctx, c, d); err != nil {
		return err
	}
	id, err := b.sayID(ctx, c, fmt.Sprintf(c.tr("Il promemoria riguarda più indicatori: a quale si riferisce il valore «%s»?",
		"The reminder is about several indicators: which one is the value “%s” for?"), tgsend.EscapeHTML(lines[0].Raw)),
		tgsend.WithButtons(buttons("p", named, "")...))
	if err != nil {
		return err
	}
	d.Prompt = id
	return b.saveDialogue(ctx, c, d)
}

// onEdit treats an edited message that carried a value as a revision of
// that value.
func (b *Bot) onEdit(ctx context.Context, c chat, m *tgbotapi.Message) error {
	source := msgSource(c.chatID, m.MessageID)
	prev, err := b.st.ValuesBySource(ctx, b.org(), source)
	if err != nil {
		return err
	}
	type ip struct{ ind, period string }
	var targets []ip
	for _, v := range prev {
		if v.ByPerson == c.person.ID && !slices.Contains(targets, ip{v.IndicatorID, v.Period}) {
			targets = append(targets, ip{v.IndicatorID, v.Period})
		}
	}
	if len(targets) == 0 {
		return b.editBeforeConfirming(ctx, c, m)
	}
	items, err := b.mine(ctx, c, workflow.KindIndicator, false)
	if err != nil {
		return err
	}
	lines, err := value.ParseLines(m.Text)
	if err != nil {
		return b.refusal(ctx, c, err)
	}
	editSource := fmt.Sprintf("%s:e%d", source, m.EditDate)
	for _, t := range targets {
		i := slices.IndexFunc(items, func(it workflow.PersonItem) bool { return it.IndicatorID == t.ind && it.Period == t.period })
		if i < 0 {
			continue
		}
		raw := ""
		for _, l := range lines {
			if l.Ref == "" && len(targets) == 1 || strings.EqualFold(l.Ref, t.ind) {
				raw = l.Raw
			}
		}
		if raw == "" {
			continue
		}
		if err := b.submit(ctx, c, items[i], raw, editSource); err != nil {
			return err
		}
	}
	return nil
}

// editBeforeConfirming takes an edit of the value a dialogue is waiting to
// confirm: the new text is read and confirmation asked again. Edits of
// other messages (chatter, commands) change nothing.
func (b *Bot) editBeforeConfirming(ctx context.Context, c chat, m *tgbotapi.Message) error {
	d, err := b.loadDialogue(ctx, c)
	if err != nil || d == nil || d.Step != "confirm" || d.MsgID != m.MessageID {
		return nil
	}
	it, ok, err := b.findItem(ctx, c, d.Item)
	if err != nil || !ok {
		return err
	}
	b.dropButtons(ctx, c.chatID, d.Prompt)
	text := strings.TrimSpace(m.Text)
	v, err := value.Parse(text, it.ValueKind, value.Options{Today: b.eng.Snapshot().Cal.Today(b.now())})
	if err != nil {
		d.Step = "value"
		if serr := b.saveDialogue(ctx, c, d); serr != nil {
			return serr
		}
		return b.refusal(ctx, c, err)
	}
	d.Raw = text
	return b.askConfirm(ctx, c, d, it, v)
}
