package main

import (
	"context"
	"fmt"

	"sollecito/bot/telegram"
	"sollecito/config"
	"sollecito/notify"
	"sollecito/notify/email"
	tgsend "sollecito/notify/telegram"
)

// cmdPeopleInvite creates a single-use Telegram invitation for a person and
// prints the deep link that redeems it.
func (a *app) cmdPeopleInvite(ctx context.Context, args []string) int {
	fs := a.flags("people invite")
	ttl := fs.Duration("ttl", 0, "validity of the invitation (default telegram.invite_ttl, 7 days)")
	botName := fs.String("bot", "", "bot username, to build the link without asking Telegram")
	byMail := fs.Bool("mail", false, "also send the link to the person by e-mail (needs smtp.host)")
	pos, ok := a.parse(fs, args)
	if !ok {
		return 2
	}
	if len(pos) != 1 {
		a.errorf("uso: sollecito people invite PERSONA [--ttl 168h] [--bot NOME]", "usage: sollecito people invite PERSON [--ttl 168h] [--bot NAME]")
		return 2
	}
	l, st, eng, err := a.open(ctx, nil)
	if err != nil {
		a.printProblems(err, nil)
		return 1
	}
	defer st.Close()
	username := *botName
	if username == "" {
		if l.Config.Telegram.Token == "" {
			a.errorf("token del bot Telegram non configurato (SOLLECITO_TELEGRAM_TOKEN): impossibile costruire il link; usare --bot NOME",
				"Telegram bot token not configured (SOLLECITO_TELEGRAM_TOKEN): cannot build the link; use --bot NAME")
			return 1
		}
		api, err := tgsend.New(telegramSenderConfig(l.Config.Telegram), nil, nil)
		if err != nil {
			return a.fail(fmt.Errorf("telegram: %w", err))
		}
		username = api.Username()
	}
	if *ttl == 0 {
		*ttl = l.Config.Telegram.InviteTTL.D()
	}
	code, expires, err := eng.Invite(ctx, pos[0], *ttl)
	if err != nil {
		return a.fail(err)
	}
	p, _ := eng.Snapshot().Person(pos[0])
	when := expires.In(l.Location()).Format("02/01/2006 15:04")
	if a.en() {
		fmt.Fprintf(a.stdout, "Invitation for %s (%s), single use, valid until %s:\n", p.Name, p.ID, when)
	} else {
		fmt.Fprintf(a.stdout, "Invito per %s (%s), da usare una volta, valido fino al %s:\n", p.Name, p.ID, when)
	}
	fmt.Fprintln(a.stdout, telegram.InviteLink(username, code))
	if *byMail {
		return a.mailInvite(ctx, l, p, telegram.InviteLink(username, code), when)
	}
	return 0
}

// mailInvite sends an invitation link to the person by e-mail, at once
// (the command reports whether the server took it).
func (a *app) mailInvite(ctx context.Context, l *config.Loaded, p *config.Person, link, until string) int {
	if l.Config.SMTP.Host == "" {
		a.errorf("smtp.host non configurato: impossibile inviare l'invito per e-mail", "smtp.host not configured: cannot send the invitation by e-mail")
		return 1
	}
	if p.Email == "" {
		a.errorf("%s non ha un indirizzo e-mail nel piano", "%s has no e-mail address in the plan", p.ID)
		return 1
	}
	ch, err := email.NewChannel(email.New(smtpConfig(l.Config.SMTP), nil), email.ChannelConfig{From: l.Config.SMTP.From}, nil, nil)
	if err != nil {
		return a.fail(err)
	}
	en := p.Lang() == "en"
	m := &notify.Message{Key: "invite:" + p.ID + ":" + link, PersonID: p.ID, Name: p.Name, Email: p.Email, Lang: p.Lang()}
	if en {
		m.Subject = "Sollecito: link to Telegram"
		m.Text = fmt.Sprintf("Hello %s,\n\nto get Sollecito's reminders on Telegram and answer them there, open this link on the phone where you use Telegram and press \"Start\":\n\n%s\n\nThe link works once, until %s. If you do not use Telegram you can ignore this message: reminders will keep coming by e-mail.\n", p.Name, link, until)
	} else {
		m.Subject = "Sollecito: collegamento a Telegram"
		m.Text = fmt.Sprintf("Buongiorno %s,\n\nper ricevere i promemoria di Sollecito su Telegram e rispondere da lì, apri questo link dal telefono su cui usi Telegram e premi «Avvia»:\n\n%s\n\nIl link vale una sola volta, fino al %s. Se non usi Telegram puoi ignorare questo messaggio: i promemoria continueranno ad arrivare per e-mail.\n", p.Name, link, until)
	}
	if _, err := ch.Send(ctx, m); err != nil {
		return a.fail(err)
	}
	if a.en() {
		fmt.Fprintf(a.stdout, "Sent by e-mail to %s.\n", p.Email)
	} else {
		fmt.Fprintf(a.stdout, "Inviato per e-mail a %s.\n", p.Email)
	}
	return 0
}
