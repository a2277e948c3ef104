package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SentMessage is one message the bot sent (or one edit it made), as the
// server recorded it.
type SentMessage struct {
	MessageID        int
	ChatID           int64
	Text             string // as sent, markup included
	Plain            string // as shown, after HTML parsing
	ParseMode        string
	ReplyMarkup      string // JSON text, "" when absent
	ReplyToMessageID int
	At               time.Time
}

// Buttons returns the inline keyboard buttons of the message, row by row.
func (m SentMessage) Buttons() []Button {
	var kb struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if m.ReplyMarkup == "" || json.Unmarshal([]byte(m.ReplyMarkup), &kb) != nil {
		return nil
	}
	var out []Button
	for _, row := range kb.InlineKeyboard {
		out = append(out, row...)
	}
	return out
}

// Sent returns the messages accepted by sendMessage, oldest first.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// SentTo returns the messages accepted for chatID, oldest first.
func (s *Server) SentTo(chatID int64) []SentMessage {
	var out []SentMessage
	for _, m := range s.Sent() {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// WaitSent waits until at least n messages were accepted and returns all of
// them.
func (s *Server) WaitSent(ctx context.Context, n int) ([]SentMessage, error) {
	var out []SentMessage
	err := s.waitFor(ctx, func() bool {
		if len(s.sent) < n {
			return false
		}
		out = slices.Clone(s.sent)
		return true
	})
	return out, err
}

// Message returns the current state of a message (after edits).
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[msgKey{chatID, messageID}]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// checkText validates a message text as Telegram does and returns the
// visible text.
func checkText(text, parseMode string) (string, *apiError) {
	visible := text
	switch strings.ToLower(parseMode) {
	case "":
	case "html":
		v, err := parseHTML(text)
		if err != nil {
			return "", badRequest(err.Error())
		}
		visible = v
	default:
		// MarkdownV2 is not used by Sollecito; the fake does not parse it.
	}
	switch n := utf16Len(strings.TrimSpace(visible)); {
	case n == 0:
		return "", badRequest("message text is empty")
	case n > 4096:
		return "", badRequest("message is too long")
	}
	return visible, nil
}

// checkMarkup validates reply_markup and returns it in canonical JSON.
func checkMarkup(raw string) (string, *apiError) {
	if raw == "" {
		return "", nil
	}
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if text, _ := b["text"].(string); text == "" {
				return "", badRequest("BUTTON_TEXT_INVALID")
			}
			if data, ok := b["callback_data"].(string); ok && (len(data) < 1 || len(data) > 64) {
				return "", badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	var canon bytes.Buffer
	if err := json.Compact(&canon, []byte(raw)); err != nil {
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	return canon.String(), nil
}

func chatIDParam(p map[string]string) (int64, *apiError) {
	id, err := intParam(p, "chat_id", 0)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

func (s *Server) sendMessage(_ context.Context, p map[string]string) (any, *apiError) {
	chat, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	visible, aerr := checkText(p["text"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := checkMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	replyTo, err := intParam(p, "reply_to_message_id", 0)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.chatErrors[chat]; ok {
		return nil, &e
	}
	if s.requireStarted && chat > 0 && !s.started[chat] {
		return nil, &apiError{code: http.StatusForbidden, description: "Forbidden: bot can't initiate conversation with a user"}
	}
	var original *Message
	if replyTo != 0 {
		if m, ok := s.messages[msgKey{chat, int(replyTo)}]; ok {
			cp := *m
			cp.ReplyToMessage = nil
			original = &cp
		} else if !boolParam(p, "allow_sending_without_reply") {
			return nil, badRequest("message to be replied not found")
		}
	}
	now := s.clock()
	if s.rate != nil {
		if wait, ok := s.rate.admit(chat, now); !ok {
			s.tooMany++
			s.rateLimited++
			f := TooManyRequests(wait)
			return nil, &apiError{code: f.status, description: f.description, retryAfter: wait}
		}
	}
	bot := s.bot
	m := &Message{
		MessageID:      s.nextMessageID,
		From:           &bot,
		Date:           now.Unix(),
		Chat:           Chat{ID: chat, Type: "private"},
		ReplyToMessage: original,
		Text:           visible,
		ReplyMarkup:    json.RawMessage(markup),
	}
	if chat < 0 {
		m.Chat.Type = "group"
	}
	s.nextMessageID++
	s.messages[msgKey{chat, m.MessageID}] = m
	s.sent = append(s.sent, SentMessage{
		MessageID: m.MessageID, ChatID: chat, Text: p["text"], Plain: visible,
		ParseMode: p["parse_mode"], ReplyMarkup: markup, ReplyToMessageID: int(replyTo), At: now,
	})
	s.notifyLocked()
	return *m, nil
}

// editTarget finds the bot's message an edit refers to; s.mu must be held.
func (s *Server) editTargetLocked(p map[string]string) (*Message, *apiError) {
	if p["inline_message_id"] != "" {
		return nil, badRequest("inline messages are not supported by tgfake")
	}
	chat, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	id, err := intParam(p, "message_id", 0)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	m, ok := s.messages[msgKey{chat, int(id)}]
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	if m.From == nil || m.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(_ context.Context, p map[string]string) (any, *apiError) {
	visible, aerr := checkText(p["text"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := checkMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, aerr := s.editTargetLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	if m.Text == visible && string(m.ReplyMarkup) == markup {
		return nil, badRequest(notModified)
	}
	return s.recordEditLocked(m, p, visible, markup), nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p map[string]string) (any, *apiError) {
	markup, aerr := checkMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, aerr := s.editTargetLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	if string(m.ReplyMarkup) == markup {
		return nil, badRequest(notModified)
	}
	return s.recordEditLocked(m, p, m.Text, markup), nil
}

// recordEditLocked applies an edit and records it among the edits.
func (s *Server) recordEditLocked(m *Message, p map[string]string, visible, markup string) Message {
	now := s.clock()
	m.Text = visible
	m.ReplyMarkup = json.RawMessage(markup)
	m.EditDate = now.Unix()
	text := p["text"]
	if text == "" {
		text = visible
	}
	s.edits = append(s.edits, SentMessage{
		MessageID: m.MessageID, ChatID: m.Chat.ID, Text: text, Plain: visible,
		ParseMode: p["parse_mode"], ReplyMarkup: markup, At: now,
	})
	s.notifyLocked()
	return *m
}

// Edits returns the edits the bot made with editMessageText and
// editMessageReplyMarkup, oldest first.
func (s *Server) Edits() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.edits)
}

func (s *Server) answerCallbackQuery(_ context.Context, p map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p["callback_query_id"]
	if answered, ok := s.callbacks[id]; !ok || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.callbacks[id] = true
	s.notifyLocked()
	return true, nil
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// commandsKey identifies a command list by scope and language.
func commandsKey(p map[string]string) string {
	scope := p["scope"]
	if scope == "" {
		scope = `{"type":"default"}`
	}
	var canon bytes.Buffer
	if json.Compact(&canon, []byte(scope)) == nil {
		scope = canon.String()
	}
	return scope + "|" + p["language_code"]
}

func (s *Server) setMyCommands(_ context.Context, p map[string]string) (any, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(c.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(p)] = cmds
	s.notifyLocked()
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.commands[commandsKey(p)]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(p))
	s.notifyLocked()
	return true, nil
}

// Commands returns the command menu set for a language code ("" for the
// default one) in the default scope.
func (s *Server) Commands(languageCode string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[commandsKey(map[string]string{"language_code": languageCode})])
}
