package main

import (
	"context"
	"fmt"

	"sollecito/bot/telegram"
	tgsend "sollecito/notify/telegram"
)

// cmdPeopleInvite creates a single-use Telegram invitation for a person and
// prints the deep link that redeems it.
func (a *app) cmdPeopleInvite(ctx context.Context, args []string) int {
	fs := a.flags("people invite")
	ttl := fs.Duration("ttl", 0, "validity of the invitation (default telegram.invite_ttl, 7 days)")
	botName := fs.String("bot", "", "bot username, to build the link without asking Telegram")
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
	return 0
}
