package tgfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// These tests drive the fake through the project's client library, so the
// shapes it answers are the ones the library decodes.

func newBot(t *testing.T, s *Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(testToken, s.URL(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

func TestLibraryGetMe(t *testing.T) {
	s := New(t, testToken, WithBotUsername("ufficio_bot"))
	bot := newBot(t, s)
	if bot.Self.UserName != "ufficio_bot" || !bot.Self.IsBot {
		t.Fatalf("Self = %+v", bot.Self)
	}
	_, err := tgbotapi.NewBotAPIWithClient("1:other", s.URL(), http.DefaultClient)
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 401 {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestLibraryDecodesUpdates(t *testing.T) {
	s := New(t, testToken)
	bot := newBot(t, s)
	s.SetUser(User{ID: 11, FirstName: "Anna", LanguageCode: "en"})
	sent, err := bot.Send(tgbotapi.NewMessage(11, "Promemoria"))
	if err != nil {
		t.Fatal(err)
	}
	start := s.SendText(11, 11, "/start abc123")
	s.Reply(11, 11, sent.MessageID, "42,5")
	s.Edit(11, 11, start.Message.MessageID, "/start xyz")
	s.Press(11, 11, sent.MessageID, "ok:1")
	s.Kick(11)

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(updates) != 5 {
		t.Fatalf("got %d updates, want 5", len(updates))
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"command", updates[0].Message != nil && updates[0].Message.IsCommand() &&
			updates[0].Message.Command() == "start" && updates[0].Message.CommandArguments() == "abc123" &&
			updates[0].Message.From.ID == 11 && updates[0].Message.From.LanguageCode == "en"},
		{"reply", updates[1].Message != nil && updates[1].Message.ReplyToMessage != nil &&
			updates[1].Message.ReplyToMessage.MessageID == sent.MessageID &&
			updates[1].Message.ReplyToMessage.Text == "Promemoria" && updates[1].Message.Text == "42,5"},
		{"edit", updates[2].EditedMessage != nil && updates[2].EditedMessage.MessageID == start.Message.MessageID &&
			updates[2].EditedMessage.CommandArguments() == "xyz" && updates[2].EditedMessage.EditDate != 0},
		{"button", updates[3].CallbackQuery != nil && updates[3].CallbackQuery.Data == "ok:1" &&
			updates[3].CallbackQuery.Message.MessageID == sent.MessageID && updates[3].CallbackQuery.From.ID == 11},
		{"blocked", updates[4].MyChatMember != nil && updates[4].MyChatMember.NewChatMember.Status == "kicked"},
		{"increasing ids", updates[0].UpdateID < updates[1].UpdateID && updates[3].UpdateID < updates[4].UpdateID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				b, _ := json.Marshal(updates)
				t.Fatalf("updates decoded as %s", b)
			}
		})
	}
	if _, err := bot.Request(tgbotapi.NewCallback(updates[3].CallbackQuery.ID, "")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(11, "ancora?"))
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 403 || apiErr.Message != "Forbidden: bot was blocked by the user" {
		t.Fatalf("send after Kick: %v", err)
	}
}

func TestLibraryCommands(t *testing.T) {
	s := New(t, testToken)
	bot := newBot(t, s)
	it := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "it",
		tgbotapi.BotCommand{Command: "pendenti", Description: "Le mie scadenze aperte"})
	if _, err := bot.Request(it); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	got, err := bot.GetMyCommandsWithConfig(tgbotapi.GetMyCommandsConfig{Scope: &tgbotapi.BotCommandScope{Type: "default"}, LanguageCode: "it"})
	if err != nil || len(got) != 1 || got[0].Command != "pendenti" {
		t.Fatalf("getMyCommands(it) = %+v, %v", got, err)
	}
	if en, _ := bot.GetMyCommands(); len(en) != 0 {
		t.Fatalf("default-language menu should be empty, got %+v", en)
	}
	bad := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Attività", Description: "x"})
	var apiErr *tgbotapi.Error
	if _, err := bot.Request(bad); !errors.As(err, &apiErr) || apiErr.Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Fatalf("invalid command name accepted: %v", err)
	}
}

func TestLibraryFailures(t *testing.T) {
	tests := []struct {
		name  string
		fail  Failure
		check func(error) bool
	}{
		{"429 carries retry_after", TooManyRequests(3), func(err error) bool {
			var e *tgbotapi.Error
			return errors.As(err, &e) && e.Code == 429 && e.RetryAfter == 3
		}},
		{"HTML page is a decode error", HTMLPage(502), func(err error) bool {
			var syn *json.SyntaxError
			return errors.As(err, &syn)
		}},
		{"500", ServerError(), func(err error) bool {
			var e *tgbotapi.Error
			return errors.As(err, &e) && e.Code == 500
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(t, testToken)
			bot := newBot(t, s)
			s.FailNext("sendMessage", 1, tc.fail)
			_, err := bot.Send(tgbotapi.NewMessage(1, "x"))
			if err == nil || !tc.check(err) {
				t.Fatalf("error %T %v", err, err)
			}
		})
	}
}

func TestLibraryPollConflict(t *testing.T) {
	s := New(t, testToken)
	bot := newBot(t, s)
	s.FailNext("getUpdates", 1, Conflict())
	s.SendText(2, 2, "ciao")
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 409 {
		t.Fatalf("injected conflict: %v", err)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 || updates[0].Message.Text != "ciao" {
		t.Fatalf("poll after the conflict: %+v, %v", updates, err)
	}
}
