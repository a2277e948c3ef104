package tgfake

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// getUpdates confirms the updates below offset, then answers the pending
// ones at once or waits up to timeout seconds for one. A newer getUpdates
// request ends an older pending one with 409 Conflict, as Telegram does.
func (s *Server) getUpdates(ctx context.Context, p map[string]string) (any, *apiError) {
	offset, err := intParam(p, "offset", 0)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	limit, err := intParam(p, "limit", 100)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	if limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, err := intParam(p, "timeout", 0)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	s.mu.Lock()
	if s.webhookURL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	s.confirmLocked(int(offset))
	s.pollGen++
	gen := s.pollGen
	s.notifyLocked()
	s.mu.Unlock()

	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.pollGen != gen {
			s.mu.Unlock()
			f := Conflict()
			return nil, &apiError{code: f.status, description: f.description}
		}
		n := min(int(limit), len(s.updates))
		out := slices.Clone(s.updates[:n])
		ch := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			return out, nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return []Update{}, nil
		case <-ctx.Done():
			return []Update{}, nil
		case <-s.closed:
			return []Update{}, nil
		}
	}
}

// confirmLocked forgets the updates that offset confirms: those below a
// positive offset, or all but the last -offset ones for a negative offset.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		if offset > s.offset {
			s.offset = offset
		}
		s.updates = slices.DeleteFunc(s.updates, func(u Update) bool { return u.UpdateID < offset })
	case offset < 0:
		if keep := -offset; keep < len(s.updates) {
			s.updates = s.updates[len(s.updates)-keep:]
		}
		if len(s.updates) > 0 {
			s.offset = s.updates[0].UpdateID
		}
	}
}

// Push enqueues an update, giving it the next update_id if it has none, and
// returns it. Updates stay queued until a getUpdates offset confirms them.
func (s *Server) Push(u Update) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

func (s *Server) pushLocked(u Update) Update {
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdateID
	}
	if u.UpdateID >= s.nextUpdateID {
		s.nextUpdateID = u.UpdateID + 1
	}
	s.updates = append(s.updates, u)
	s.notifyLocked()
	return u
}

// Pending returns the updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

// WaitConfirmed waits until a getUpdates call confirmed updateID, that is
// asked for an offset above it: the bot is done with that update.
func (s *Server) WaitConfirmed(ctx context.Context, updateID int) error {
	return s.waitFor(ctx, func() bool { return s.offset > updateID })
}

// SetUser registers the profile (names, language_code) used for a user id
// in pushed updates; unknown ids get "Utente <id>" speaking Italian.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

func (s *Server) userLocked(id int64) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return User{ID: id, FirstName: "Utente " + strconv.FormatInt(id, 10), LanguageCode: "it"}
}

// chatLocked describes chatID: private when it equals the user's id, a
// group otherwise.
func (s *Server) chatLocked(chatID, userID int64) Chat {
	if chatID == userID {
		return Chat{ID: chatID, Type: "private", FirstName: s.userLocked(userID).FirstName}
	}
	return Chat{ID: chatID, Type: "group", Title: "Gruppo " + strconv.FormatInt(chatID, 10)}
}

// SendText pushes a message from userID in chatID. A text starting with "/"
// carries a bot_command entity, as Telegram adds one.
func (s *Server) SendText(userID, chatID int64, text string) Update {
	return s.incoming(userID, chatID, 0, text)
}

// Reply pushes a message from userID that replies to message replyTo (a
// message of the bot or of the user) in chatID.
func (s *Server) Reply(userID, chatID int64, replyTo int, text string) Update {
	return s.incoming(userID, chatID, replyTo, text)
}

func (s *Server) incoming(userID, chatID int64, replyTo int, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.userLocked(userID)
	m := &Message{
		MessageID: s.nextMessageID,
		From:      &from,
		Date:      s.clock().Unix(),
		Chat:      s.chatLocked(chatID, userID),
		Text:      text,
		Entities:  commandEntities(text),
	}
	s.nextMessageID++
	if replyTo != 0 {
		if orig, ok := s.messages[msgKey{chatID, replyTo}]; ok {
			cp := *orig
			cp.ReplyToMessage = nil
			m.ReplyToMessage = &cp
		} else {
			s.tb.Errorf("tgfake: Reply to unknown message %d in chat %d", replyTo, chatID)
		}
	}
	s.messages[msgKey{chatID, m.MessageID}] = m
	s.started[chatID] = true
	cp := *m
	return s.pushLocked(Update{Message: &cp})
}

// commandEntities marks a leading "/command" (or "/command@bot") token.
func commandEntities(text string) []MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	word, _, _ := strings.Cut(text, " ")
	word, _, _ = strings.Cut(word, "\n")
	return []MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(word)))}}
}

// Edit pushes an edited_message: userID changed the text of their message
// messageID in chatID.
func (s *Server) Edit(userID, chatID int64, messageID int, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[msgKey{chatID, messageID}]
	if !ok {
		s.tb.Errorf("tgfake: Edit of unknown message %d in chat %d", messageID, chatID)
		from := s.userLocked(userID)
		m = &Message{MessageID: messageID, From: &from, Date: s.clock().Unix(), Chat: s.chatLocked(chatID, userID)}
		s.messages[msgKey{chatID, messageID}] = m
	}
	m.Text = text
	m.Entities = commandEntities(text)
	m.EditDate = s.clock().Unix()
	cp := *m
	return s.pushLocked(Update{EditedMessage: &cp})
}

// Press pushes a callback_query: userID pressed the inline button carrying
// data under the bot's message messageID in chatID. The query stays
// unanswered until the bot calls answerCallbackQuery with its id.
func (s *Server) Press(userID, chatID int64, messageID int, data string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCallbackID++
	q := &CallbackQuery{
		ID:           fmt.Sprintf("cbq%d", s.nextCallbackID),
		From:         s.userLocked(userID),
		ChatInstance: "ci" + strconv.FormatInt(chatID, 10),
		Data:         data,
	}
	if m, ok := s.messages[msgKey{chatID, messageID}]; ok {
		cp := *m
		q.Message = &cp
	} else {
		s.tb.Errorf("tgfake: Press on unknown message %d in chat %d", messageID, chatID)
	}
	s.callbacks[q.ID] = false
	return s.pushLocked(Update{CallbackQuery: q})
}

// Unanswered returns the ids of callback queries the bot has not answered.
func (s *Server) Unanswered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, answered := range s.callbacks {
		if !answered {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Block makes sendMessage to userID's private chat answer 403 "Forbidden:
// bot was blocked by the user". Use Kick to also push the my_chat_member
// update that Telegram sends.
func (s *Server) Block(userID int64) {
	s.SetChatError(userID, http.StatusForbidden, "Forbidden: bot was blocked by the user")
}

// Kick blocks the bot for userID and pushes the my_chat_member update
// (status "kicked") that Telegram sends when a person blocks a bot.
func (s *Server) Kick(userID int64) Update {
	s.Block(userID)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(Update{MyChatMember: &ChatMemberUpdated{
		Chat:          s.chatLocked(userID, userID),
		From:          s.userLocked(userID),
		Date:          s.clock().Unix(),
		OldChatMember: ChatMember{Status: "member", User: s.bot},
		NewChatMember: ChatMember{Status: "kicked", User: s.bot},
	}})
}

// SetChatError makes every message to chatID fail with the given error,
// e.g. 400 "Bad Request: chat not found" or 403 "Forbidden: user is
// deactivated". A code of 0 clears it.
func (s *Server) SetChatError(chatID int64, code int, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.chatErrors, chatID)
		return
	}
	s.chatErrors[chatID] = apiError{code: code, description: description}
}
