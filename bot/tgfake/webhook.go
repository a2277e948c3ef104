package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
)

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// setWebhook registers a webhook; an empty url removes it. Only loopback
// URLs are accepted (plain http included), since the fake delivers there.
func (s *Server) setWebhook(_ context.Context, p map[string]string) (any, *apiError) {
	u := p["url"]
	if u != "" && !isLoopbackURL(u) {
		return nil, badRequest("bad webhook: tgfake delivers only to loopback URLs")
	}
	if sec := p["secret_token"]; sec != "" && !secretToken.MatchString(sec) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookSecret = u, p["secret_token"]
	if boolParam(p, "drop_pending_updates") {
		s.updates = nil
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, p map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookSecret = "", ""
	if boolParam(p, "drop_pending_updates") {
		s.updates = nil
	}
	s.notifyLocked()
	return true, nil
}

// webhookInfo is the result of getWebhookInfo.
type webhookInfo struct {
	URL                  string `json:"url"`
	HasCustomCertificate bool   `json:"has_custom_certificate"`
	PendingUpdateCount   int    `json:"pending_update_count"`
}

func (s *Server) getWebhookInfo(context.Context, map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return webhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.updates)}, nil
}

// Webhook returns the registered webhook URL and secret token.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// WaitWebhook waits until a webhook is registered and returns it. A call to
// setWebhook is recorded before it is handled, so WaitCalls alone may
// return before the webhook is in place.
func (s *Server) WaitWebhook(ctx context.Context) (url, secret string, err error) {
	err = s.waitFor(ctx, func() bool { return s.webhookURL != "" })
	url, secret = s.Webhook()
	return url, secret, err
}

// DeliverWebhook posts the pending updates, oldest first, to the registered
// webhook with the X-Telegram-Bot-Api-Secret-Token header, as Telegram does.
// An update answered with a 2xx status is confirmed; delivery stops at the
// first other answer, which is returned as an error with the count delivered.
func (s *Server) DeliverWebhook(ctx context.Context) (int, error) {
	delivered := 0
	for {
		s.mu.Lock()
		target, secret := s.webhookURL, s.webhookSecret
		if target == "" {
			s.mu.Unlock()
			return delivered, fmt.Errorf("tgfake: no webhook set")
		}
		if len(s.updates) == 0 {
			s.mu.Unlock()
			return delivered, nil
		}
		u := s.updates[0]
		s.mu.Unlock()
		body, err := json.Marshal(u)
		if err != nil {
			return delivered, fmt.Errorf("tgfake: encode update: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return delivered, fmt.Errorf("tgfake: webhook request: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return delivered, fmt.Errorf("tgfake: deliver update %d: %w", u.UpdateID, err)
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return delivered, fmt.Errorf("tgfake: webhook answered %d to update %d", resp.StatusCode, u.UpdateID)
		}
		s.mu.Lock()
		s.confirmLocked(u.UpdateID + 1)
		s.notifyLocked()
		s.mu.Unlock()
		delivered++
	}
}
