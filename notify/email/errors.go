package email

import (
	"errors"
	"fmt"
	"net/textproto"
)

// Kind says which step of sending failed.
type Kind int

// The kinds of Error.
const (
	// KindConfig is a setting that cannot work (for example plain SMTP to a
	// remote host).
	KindConfig Kind = iota
	// KindAddress is an address that cannot be parsed.
	KindAddress
	// KindFormat is a message that cannot be rendered.
	KindFormat
	// KindConnect is a failure to reach or greet the server, or to set up
	// TLS.
	KindConnect
	// KindAuth is a failed login.
	KindAuth
	// KindSender is the server refusing the envelope sender.
	KindSender
	// KindRecipient is the server refusing a recipient.
	KindRecipient
	// KindData is the server refusing the message itself, or the connection
	// failing while it was sent.
	KindData
)

// Error is a failure to send one message. Error returns Italian text;
// Localize gives English too. Neither ever contains the password.
type Error struct {
	Kind    Kind
	Field   string // for KindAddress: the header that holds the address
	Address string // the address concerned, when there is one
	// Code is the SMTP reply code when the server answered, 0 otherwise.
	Code int
	Err  error
}

// Permanent reports whether sending the same message again cannot succeed:
// a 5xx reply from the server, a bad address or an unusable setting.
// 4xx replies, network failures and timeouts are temporary.
func (e *Error) Permanent() bool {
	switch e.Kind {
	case KindAddress, KindFormat, KindConfig:
		return true
	}
	return e.Code >= 500 && e.Code < 600
}

// Temporary is the opposite of Permanent, for callers that look for it.
func (e *Error) Temporary() bool { return !e.Permanent() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Error returns the Italian description.
func (e *Error) Error() string { return e.Localize("it") }

// Localize returns the description in lang ("it" or "en"; other values give
// Italian).
func (e *Error) Localize(lang string) string {
	en := lang == "en"
	var what string
	switch e.Kind {
	case KindConfig:
		what = pick(en, "impostazioni SMTP non valide", "invalid SMTP settings")
	case KindAddress:
		what = pick(en, fmt.Sprintf("indirizzo non valido in %s %q", e.Field, e.Address),
			fmt.Sprintf("invalid address in %s %q", e.Field, e.Address))
	case KindFormat:
		what = pick(en, "messaggio non componibile", "message cannot be formatted")
	case KindConnect:
		what = pick(en, "connessione al server SMTP non riuscita", "cannot connect to the SMTP server")
	case KindAuth:
		what = pick(en, "accesso al server SMTP rifiutato", "SMTP login refused")
	case KindSender:
		what = pick(en, fmt.Sprintf("mittente %s rifiutato dal server", e.Address),
			fmt.Sprintf("sender %s refused by the server", e.Address))
	case KindRecipient:
		what = pick(en, fmt.Sprintf("destinatario %s rifiutato dal server", e.Address),
			fmt.Sprintf("recipient %s refused by the server", e.Address))
	case KindData:
		what = pick(en, "invio del messaggio non riuscito", "sending the message failed")
	}
	when := pick(en, " (errore temporaneo, si può riprovare)", " (temporary, can be retried)")
	if e.Permanent() {
		when = pick(en, " (errore definitivo)", " (permanent)")
	}
	if e.Err == nil {
		return "e-mail: " + what + when
	}
	return "e-mail: " + what + when + ": " + e.Err.Error()
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

// newError wraps err, taking the SMTP reply code from it when the server
// answered.
func newError(kind Kind, addr string, err error) *Error {
	e := &Error{Kind: kind, Address: addr, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code = tp.Code
	}
	return e
}
