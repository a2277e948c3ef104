package tgfake

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Failure is an answer injected in place of a method's normal one.
type Failure struct {
	status      int
	retryAfter  int
	description string
	html        bool
}

// TooManyRequests answers 429 with parameters.retry_after, as Telegram's
// flood control does.
func TooManyRequests(retryAfter int) Failure {
	return Failure{
		status:      http.StatusTooManyRequests,
		retryAfter:  retryAfter,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
	}
}

// ServerError answers 500 with the JSON envelope.
func ServerError() Failure {
	return Failure{status: http.StatusInternalServerError, description: "Internal Server Error"}
}

// HTMLPage answers an HTML error page with the given status (e.g. 502), as a
// reverse proxy in front of the API does; it is not JSON.
func HTMLPage(status int) Failure { return Failure{status: status, html: true} }

// Conflict answers 409 as Telegram does when another getUpdates poller for
// the same token takes over.
func Conflict() Failure {
	return Failure{
		status:      http.StatusConflict,
		description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
	}
}

// APIError answers any JSON error, e.g. APIError(400, "Bad Request: chat not found").
func APIError(code int, description string) Failure {
	return Failure{status: code, description: description}
}

func (f Failure) write(w http.ResponseWriter) {
	if f.html {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		text := fmt.Sprintf("%d %s", f.status, http.StatusText(f.status))
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
		return
	}
	writeError(w, apiError{code: f.status, description: f.description, retryAfter: f.retryAfter})
}

// FailNext makes the next n calls to method answer f instead of the normal
// answer. Failures queued for one method are used in order.
func (s *Server) FailNext(method string, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for range n {
		s.faults[key] = append(s.faults[key], f)
	}
}

func (s *Server) takeFaultLocked(method string) (Failure, bool) {
	key := strings.ToLower(method)
	q := s.faults[key]
	if len(q) == 0 {
		return Failure{}, false
	}
	s.faults[key] = q[1:]
	return q[0], true
}

// TooManyRequestsAnswered returns how many 429 answers the server gave, both
// injected and from rate enforcement.
func (s *Server) TooManyRequestsAnswered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// RateLimited returns how many 429 answers came from rate enforcement alone.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// rateLimits enforces a global sliding window and a per-chat interval.
type rateLimits struct {
	global   int
	window   time.Duration
	perChat  time.Duration
	accepted []time.Time // times of accepted messages inside the window
	lastChat map[int64]time.Time
}

func newRateLimits(global int, window, perChat time.Duration) *rateLimits {
	return &rateLimits{global: global, window: window, perChat: perChat, lastChat: map[int64]time.Time{}}
}

// admit records a message to chat at now, or returns the whole seconds to
// wait (at least 1) when the message would exceed a limit.
func (r *rateLimits) admit(chat int64, now time.Time) (retryAfter int, ok bool) {
	keep := r.accepted[:0]
	for _, t := range r.accepted {
		if now.Sub(t) < r.window {
			keep = append(keep, t)
		}
	}
	r.accepted = keep
	var wait time.Duration
	if last, seen := r.lastChat[chat]; seen && now.Sub(last) < r.perChat {
		wait = r.perChat - now.Sub(last)
	}
	if len(r.accepted) >= r.global {
		if w := r.window - now.Sub(r.accepted[len(r.accepted)-r.global]); w > wait {
			wait = w
		}
	}
	if wait > 0 {
		return int((wait + time.Second - 1) / time.Second), false
	}
	r.accepted = append(r.accepted, now)
	r.lastChat[chat] = now
	return 0, true
}
