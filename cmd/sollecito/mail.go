package main

import (
	"context"
	"errors"
	"log/slog"

	"sollecito/bot/imapin"
	"sollecito/bot/mailread"
	"sollecito/config"
	"sollecito/notify/email"
	"sollecito/store"
	"sollecito/workflow"
)

// mailRunner is the IMAP reader of a running daemon.
type mailRunner struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func smtpConfig(c config.SMTPConfig) email.Config {
	return email.Config{Host: c.Host, Port: c.Port, Security: c.Security, Username: c.Username,
		Password: c.Password.Value(), From: c.From, Timeout: c.Timeout.D()}
}

func imapConfig(c config.IMAPConfig) imapin.Config {
	return imapin.Config{Addr: c.Addr, Security: c.Security, Username: c.Username, Password: c.Password.Value(),
		Mailbox: c.Mailbox, ProcessedFolder: c.ProcessedFolder, QuarantineFolder: c.QuarantineFolder,
		MaxFailures: c.MaxFailures, PollInterval: c.PollInterval.D()}
}

// newMailChannel builds the e-mail channel from the configuration, with
// reply tokens issued by the engine.
func newMailChannel(l *config.Loaded, eng *workflow.Engine, log *slog.Logger) (*email.Channel, error) {
	c := l.Config.SMTP
	tokens := func(ctx context.Context, outboxID int64) (string, error) {
		tok, _, err := eng.ReplyToken(ctx, outboxID)
		return tok, err
	}
	return email.NewChannel(email.New(smtpConfig(c), log), email.ChannelConfig{From: c.From, ReplyTo: c.ReplyTo}, tokens, log)
}

// setupMail registers the e-mail channel when smtp.host is set.
func (d *daemon) setupMail() error {
	l := d.current()
	if l.Config.SMTP.Host == "" {
		return nil
	}
	ch, err := newMailChannel(l, d.eng, d.log)
	if err != nil {
		return err
	}
	d.disp.SetChannel(workflow.ChanEmail, ch)
	d.log.Info("e-mail channel ready", slog.String("host", l.Config.SMTP.Host), slog.String("from", l.Config.SMTP.From))
	return nil
}

// startMail starts the IMAP reader when imap.addr is set. It returns at
// once; stopMail ends it.
func (d *daemon) startMail(ctx context.Context) {
	c := d.current().Config.IMAP
	if c.Addr == "" {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &mailRunner{cancel: cancel, done: make(chan struct{})}
	d.mail = r
	cfg := imapConfig(c)
	h := imapin.HandlerFunc(func(ctx context.Context, m imapin.Mail) error {
		_, err := d.eng.HandleMail(ctx, m.Raw, workflow.MailSource{UIDValidity: m.UIDValidity, UID: m.UID}, workflow.MailOptions{})
		if err == nil {
			d.nudge() // a receipt or an answer may be waiting
		}
		return err
	})
	state := d.st.NewMailState(cfg.Username+"@"+cfg.Addr+"/"+cfg.Mailbox, d.a.clock())
	reader := imapin.New(cfg, h, state, d.log.With(slog.String("imap", cfg.Addr)))
	reader.OnQuarantine = func(ctx context.Context, m imapin.Mail, reason string) {
		from, subject := "?", "?"
		if pm, err := mailread.Parse(m.Raw); err == nil {
			from, subject = pm.From, pm.Subject
		}
		if err := d.eng.MailQuarantined(ctx, m.UIDValidity, m.UID, from, subject, cfg.QuarantineFolder, reason); err != nil {
			d.log.Error("administrators not told of a quarantined mail", slog.Any("error", err))
			return
		}
		d.nudge()
	}
	go func() {
		defer close(r.done)
		d.log.Info("reading replies", slog.String("addr", cfg.Addr), slog.String("mailbox", cfg.Mailbox))
		if err := reader.Run(ctx); err != nil {
			d.log.Error("imap reader stopped", slog.Any("error", err))
		}
	}()
}

// stopMail ends the IMAP reader and waits for the mail being handled, or
// for ctx.
func (d *daemon) stopMail(ctx context.Context) {
	if d.mail == nil {
		return
	}
	d.mail.cancel()
	select {
	case <-d.mail.done:
	case <-ctx.Done():
	}
}

// onDispatchFailure hears about every row the dispatcher gave up: the
// Telegram side first, then e-mail that could not be delivered.
func (d *daemon) onDispatchFailure(ctx context.Context, row store.OutboxRow, err error) {
	d.onSendFailure(ctx, row, err)
	if row.Channel != workflow.ChanEmail {
		return
	}
	var me *email.Error
	bad := errors.As(err, &me) && me.Permanent() && (me.Kind == email.KindRecipient || me.Kind == email.KindAddress)
	if ferr := d.eng.EmailGivenUp(ctx, row, err, bad); ferr != nil {
		d.log.Error("e-mail failure not recorded", slog.Int64("outbox_id", row.ID), slog.Any("error", ferr))
		return
	}
	d.nudge()
}
