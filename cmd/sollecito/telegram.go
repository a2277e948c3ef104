package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"sollecito/bot/telegram"
	"sollecito/config"
	tgsend "sollecito/notify/telegram"
	"sollecito/store"
	"sollecito/workflow"
)

// tgRunner is the Telegram bot of a running daemon: it connects in the
// background (retrying while Telegram is unreachable, the rest of the
// daemon working meanwhile), then polls or serves the webhook.
type tgRunner struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu  sync.Mutex // guards bot: nil until connected
	bot *telegram.Bot
}

func (r *tgRunner) get() *telegram.Bot {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bot
}

func telegramSenderConfig(c config.TelegramConfig) tgsend.Config {
	return tgsend.Config{Token: string(c.Token), APIEndpoint: c.API}
}

// startTelegram starts the bot when a token is configured. It returns at
// once; stopTelegram ends it.
func (d *daemon) startTelegram(ctx context.Context) {
	cfg := d.current().Config.Telegram
	if cfg.Token == "" {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &tgRunner{cancel: cancel, done: make(chan struct{})}
	d.tg.Store(r)
	go func() {
		defer close(r.done)
		api, err := tgsend.Connect(ctx, telegramSenderConfig(cfg), d.log)
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("telegram bot not started", slog.Any("error", err))
			}
			return
		}
		bot := telegram.New(d.eng, api, telegram.Options{Clock: d.a.clock(), Logger: d.log})
		r.mu.Lock()
		r.bot = bot
		r.mu.Unlock()
		if err := bot.RegisterCommands(ctx); err != nil {
			d.log.Warn("telegram commands not registered", slog.Any("error", err))
		}
		d.disp.SetChannel(workflow.ChanTelegram, bot.Channel())
		d.nudge()
		d.log.Info("telegram bot connected", slog.String("username", bot.Username()), slog.String("mode", cfg.Mode))
		if cfg.Mode == "webhook" {
			d.serveWebhook(ctx, bot, cfg)
			return
		}
		if err := bot.Run(ctx); err != nil {
			d.log.Error("telegram update loop stopped", slog.Any("error", err))
		}
	}()
}

// serveWebhook serves the webhook endpoint on telegram.webhook_listen and
// registers telegram.webhook_url with Telegram, until ctx ends.
func (d *daemon) serveWebhook(ctx context.Context, bot *telegram.Bot, cfg config.TelegramConfig) {
	mux := http.NewServeMux()
	path := "/"
	if u, err := url.Parse(cfg.WebhookURL); err == nil && u.Path != "" {
		path = u.Path
	}
	mux.Handle(path, bot.WebhookHandler(string(cfg.WebhookSecret)))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", cfg.WebhookListen)
	if err != nil {
		d.log.Error("telegram webhook: cannot listen", slog.String("listen", cfg.WebhookListen), slog.Any("error", err))
		return
	}
	go func() {
		<-ctx.Done()
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(stop)
	}()
	if cfg.WebhookURL != "" {
		if err := bot.SetWebhook(ctx, cfg.WebhookURL, string(cfg.WebhookSecret)); err != nil {
			d.log.Error("telegram webhook not registered", slog.Any("error", err))
		}
	} else {
		d.log.Warn("telegram.webhook_url is empty: register the webhook with Telegram yourself")
	}
	d.log.Info("telegram webhook listening", slog.String("listen", ln.Addr().String()), slog.String("path", path))
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		d.log.Error("telegram webhook server", slog.Any("error", err))
	}
}

// stopTelegram ends the bot and waits for the update being handled, or
// for ctx. Messages for Telegram wait until a bot is connected again.
func (d *daemon) stopTelegram(ctx context.Context) {
	r := d.tg.Swap(nil)
	if r == nil {
		return
	}
	d.disp.SetChannel(workflow.ChanTelegram, nil)
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// restartTelegram stops the bot and starts it with the settings in force
// (a reload that adds, changes or removes the token or the mode).
func (d *daemon) restartTelegram(ctx context.Context) {
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d.stopTelegram(stopCtx)
	d.startTelegram(ctx)
}

// onSendFailure hears about rows the dispatcher gave up: the bot turns an
// unreachable Telegram chat into e-mail and a note for the administrators.
func (d *daemon) onSendFailure(ctx context.Context, row store.OutboxRow, err error) {
	if bot := d.tg.Load().get(); bot != nil {
		bot.OnFailure(ctx, row, err)
	}
}
