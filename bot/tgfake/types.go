package tgfake

import "encoding/json"

// The types below are the fake's own rendering of the Bot API objects, with
// the field names and omissions of the documentation, so that the fake does
// not inherit the quirks of the client library it is meant to test.

// User is a Telegram user or bot as the Bot API describes it.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a Telegram chat; a private chat has the id of the user.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
}

// MessageEntity marks a special span of a message's text, in UTF-16 units.
type MessageEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// Message is a Telegram message.
type Message struct {
	MessageID      int             `json:"message_id"`
	From           *User           `json:"from,omitempty"`
	Date           int64           `json:"date"`
	EditDate       int64           `json:"edit_date,omitempty"`
	Chat           Chat            `json:"chat"`
	ReplyToMessage *Message        `json:"reply_to_message,omitempty"`
	Text           string          `json:"text,omitempty"`
	Entities       []MessageEntity `json:"entities,omitempty"`
	ReplyMarkup    json.RawMessage `json:"reply_markup,omitempty"`
}

// CallbackQuery is the press of an inline keyboard button.
type CallbackQuery struct {
	ID           string   `json:"id"`
	From         User     `json:"from"`
	Message      *Message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

// ChatMember is the status of a member of a chat.
type ChatMember struct {
	Status string `json:"status"`
	User   User   `json:"user"`
}

// ChatMemberUpdated reports a change of the bot's membership in a chat,
// such as a user blocking the bot (new status "kicked").
type ChatMemberUpdated struct {
	Chat          Chat       `json:"chat"`
	From          User       `json:"from"`
	Date          int64      `json:"date"`
	OldChatMember ChatMember `json:"old_chat_member"`
	NewChatMember ChatMember `json:"new_chat_member"`
}

// Update is one incoming update, as getUpdates returns it.
type Update struct {
	UpdateID      int                `json:"update_id"`
	Message       *Message           `json:"message,omitempty"`
	EditedMessage *Message           `json:"edited_message,omitempty"`
	CallbackQuery *CallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *ChatMemberUpdated `json:"my_chat_member,omitempty"`
}

// BotCommand is one entry of the bot's command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Button is one inline keyboard button of a sent message.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// apiResponse is the envelope of every Bot API answer.
type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

// responseParameters tells the client how to retry a failed call.
type responseParameters struct {
	RetryAfter      int   `json:"retry_after,omitempty"`
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}
