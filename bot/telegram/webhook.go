package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// secretHeader carries the secret token Telegram was given in setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// WebhookHandler returns the HTTP endpoint for webhook mode: it accepts a
// POSTed update only with the right secret-token header (403 otherwise),
// handles it, and answers 200 once it is handled, so that Telegram sends
// again what was not.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			b.log.WarnContext(r.Context(), "telegram webhook: request without the right secret token", slog.String("remote", r.RemoteAddr))
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := b.HandleUpdate(r.Context(), u); err != nil {
			b.log.ErrorContext(r.Context(), "telegram webhook update", slog.Int("update_id", u.UpdateID), slog.Any("error", err))
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// SetWebhook registers url (the public address of WebhookHandler) with
// Telegram, with secret as its secret token.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	p := tgbotapi.Params{"url": url, "secret_token": secret}
	p["allowed_updates"] = `["message","edited_message","callback_query","my_chat_member"]`
	if _, err := b.api.Call(ctx, "setWebhook", p); err != nil {
		return fmt.Errorf("set telegram webhook: %w", err)
	}
	return nil
}

// commandSet is one command with its Italian and English names.
type commandSet struct{ it, en, descIT, descEN string }

var commandList = []commandSet{
	{"start", "start", "Collega la chat o mostra il benvenuto", "Link this chat or show the welcome"},
	{"aiuto", "help", "Come usare il bot", "How to use the bot"},
	{"pendenti", "pending", "Le mie scadenze aperte", "My open deadlines"},
	{"invia", "submit", "Invia il valore di un indicatore", "Send an indicator's value"},
	{"annulla", "cancel", "Esci dalla procedura in corso", "Leave the current dialogue"},
	{"storico", "history", "Valori e revisioni di un indicatore", "Values and revisions of an indicator"},
	{"fatto", "done", "Segna una fase come conclusa", "Mark a phase as done"},
	{"assente", "away", "Sospendi i promemoria (gg/mm/aaaa-gg/mm/aaaa)", "Pause reminders (dd/mm/yyyy-dd/mm/yyyy)"},
	{"stato", "status", "Quadro della mia direzione", "Status of my directorate"},
	{"evento", "event", "Registra la data di un evento (amministratori)", "Record an event date (administrators)"},
}

// canonical maps every accepted command name to its Italian name.
var canonical = func() map[string]string {
	m := map[string]string{}
	for _, c := range commandList {
		m[c.it], m[c.en] = c.it, c.it
	}
	return m
}()

// RegisterCommands publishes the command menu: Italian names by default,
// English names for people whose Telegram speaks English.
func (b *Bot) RegisterCommands(ctx context.Context) error {
	type cmd struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	var it, en []cmd
	for _, c := range commandList {
		it = append(it, cmd{c.it, c.descIT})
		en = append(en, cmd{c.en, c.descEN})
	}
	for _, set := range []struct {
		lang string
		cmds []cmd
	}{{"", it}, {"en", en}} {
		raw, err := json.Marshal(set.cmds)
		if err != nil {
			return err
		}
		p := tgbotapi.Params{"commands": string(raw)}
		p.AddNonEmpty("language_code", set.lang)
		if _, err := b.api.Call(ctx, "setMyCommands", p); err != nil {
			return fmt.Errorf("set telegram commands (%q): %w", set.lang, err)
		}
	}
	return nil
}
