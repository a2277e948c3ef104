package telegram

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Error is a failed call to the Bot API, classified so that a dispatcher can
// decide without knowing Telegram: retry later (Permanent false, after
// RetryAfter), give up on the message (Permanent true), or stop writing to
// the chat altogether (ChatUnreachable true). Its texts never contain the
// bot token. Error returns the Italian text; Localize gives English too.
type Error struct {
	Method      string // Bot API method, e.g. "sendMessage"
	ChatID      int64  // 0 when the call concerns no chat
	Code        int    // Telegram's error_code, else the HTTP status; 0 if no answer
	Description string // Telegram's description, token-free; "" if none

	kind       errorKind
	retryAfter time.Duration
	cause      error // token-free
}

// errorKind is the classification behind the methods of Error.
type errorKind int

const (
	kindRateLimited errorKind = iota // 429: wait RetryAfter, then retry
	kindUnavailable                  // 5xx, 409 and other transient answers
	kindBadAnswer                    // an answer that is not the API's JSON
	kindNetwork                      // no answer at all
	kindCancelled                    // the caller's context ended
	kindBotConfig                    // 401/404: the token or endpoint is wrong
	kindUnreachable                  // 403, chat not found: this chat is gone
	kindRefused                      // other 400s: this message can never go
	kindNotModified                  // an edit that changed nothing: harmless
)

// Permanent reports whether sending the same message again can never work:
// the chat is unreachable (blocked, deactivated, not found) or Telegram
// refused the request itself (400 other than "message is not modified").
// 429, 5xx, network errors, answers that are not JSON, a cancelled context
// and a wrong token or endpoint (a fault of the bot, not of the message) are
// not permanent.
func (e *Error) Permanent() bool { return e.kind == kindUnreachable || e.kind == kindRefused }

// ChatUnreachable reports whether the chat can no longer receive messages:
// the person blocked the bot, deleted their account or the chat is unknown.
// The person's Telegram binding should be marked inactive.
func (e *Error) ChatUnreachable() bool { return e.kind == kindUnreachable }

// RetryAfter is how long Telegram asked to wait before writing to this chat
// again (from a 429's retry_after); 0 when it did not say.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// Unwrap returns the underlying cause, already stripped of the token.
func (e *Error) Unwrap() error { return e.cause }

// Error returns the Italian text.
func (e *Error) Error() string { return e.Localize("it") }

// Localize returns the text in "it" (default) or "en".
func (e *Error) Localize(lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	pick := func(it, english string) string {
		if en {
			return english
		}
		return it
	}
	detail := e.Description
	if detail == "" && e.cause != nil {
		detail = strings.ReplaceAll(e.cause.Error(), "\n", "; ")
	}
	chat := fmt.Sprint(e.ChatID)
	switch e.kind {
	case kindRateLimited:
		return fmt.Sprintf(pick("Telegram: troppi messaggi alla chat %s, riprovare tra %s", "Telegram: too many messages to chat %s, retry in %s"), chat, e.retryAfter)
	case kindUnavailable:
		return fmt.Sprintf(pick("Telegram non disponibile per %s (codice %d), riprovare più tardi: %s", "Telegram unavailable for %s (code %d), retry later: %s"), e.Method, e.Code, detail)
	case kindBadAnswer:
		return fmt.Sprintf(pick("risposta non valida da Telegram per %s (HTTP %d), riprovare più tardi", "invalid answer from Telegram for %s (HTTP %d), retry later"), e.Method, e.Code)
	case kindNetwork:
		return fmt.Sprintf(pick("Telegram non raggiungibile per %s: %s", "Telegram unreachable for %s: %s"), e.Method, detail)
	case kindCancelled:
		return fmt.Sprintf(pick("invio a Telegram interrotto (%s): %s", "sending to Telegram interrupted (%s): %s"), e.Method, detail)
	case kindBotConfig:
		return fmt.Sprintf(pick("Telegram ha rifiutato il bot (codice %d): controllare token e indirizzo dell'API", "Telegram refused the bot (code %d): check the token and the API address"), e.Code)
	case kindUnreachable:
		return fmt.Sprintf(pick("la chat Telegram %s non è raggiungibile: %s", "Telegram chat %s cannot be reached: %s"), chat, detail)
	case kindNotModified:
		return pick("Telegram: il messaggio non è cambiato", "Telegram: the message is not modified")
	default:
		return fmt.Sprintf(pick("Telegram ha rifiutato %s per la chat %s: %s", "Telegram refused %s for chat %s: %s"), e.Method, chat, detail)
	}
}

// unreachableHints are descriptions of 400/403 answers meaning the chat is
// gone for good.
var unreachableHints = []string{
	"blocked", "deactivated", "chat not found", "can't initiate", "kicked",
	"user not found", "peer_id_invalid", "not enough rights to send",
}

// classify turns what a library call returned into an *Error. status is the
// HTTP status of the answer (0 if none came); err must be token-free;
// ctxErr is the caller's context's error, if it ended.
func classify(method string, chatID int64, status int, err, ctxErr error) *Error {
	e := &Error{Method: method, ChatID: chatID, Code: status, cause: err}
	var apiErr *tgbotapi.Error
	switch {
	case errors.As(err, &apiErr):
		if apiErr.Code != 0 {
			e.Code = apiErr.Code
		}
		e.Description = apiErr.Message
		e.kind = classifyAPI(e.Code, strings.ToLower(apiErr.Message))
		if e.kind == kindRateLimited {
			e.retryAfter = time.Duration(max(apiErr.RetryAfter, 1)) * time.Second
		}
	case ctxErr != nil && status == 0:
		e.kind = kindCancelled
	case status != 0:
		// An answer came but was not the API's JSON (an HTML page from a
		// proxy, a truncated body): the library reports a decode error.
		e.kind = kindBadAnswer
	default:
		e.kind = kindNetwork
	}
	return e
}

// classifyAPI classifies a JSON error answer by code and description.
func classifyAPI(code int, desc string) errorKind {
	switch {
	case code == http.StatusTooManyRequests:
		return kindRateLimited
	case code >= 500, code == http.StatusConflict, code == 0:
		return kindUnavailable
	case code == http.StatusUnauthorized || code == http.StatusNotFound:
		return kindBotConfig
	case strings.Contains(desc, "message is not modified"):
		return kindNotModified
	case code == http.StatusForbidden:
		return kindUnreachable
	}
	for _, h := range unreachableHints {
		if strings.Contains(desc, h) {
			return kindUnreachable
		}
	}
	return kindRefused
}
