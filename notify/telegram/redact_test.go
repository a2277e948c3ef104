package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"sollecito/bot/tgfake"
)

// leaks reports every form of the token found in s.
func leaks(s string) bool {
	for _, form := range []string{testToken, url.PathEscape(testToken), url.QueryEscape(testToken), "SECRET-token"} {
		if strings.Contains(s, form) {
			return true
		}
	}
	return false
}

// errorTexts renders err every way a log or a person might see it.
func errorTexts(err error) []string {
	var out []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		out = append(out, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		var le interface{ Localize(string) string }
		if errors.As(e, &le) {
			out = append(out, le.Localize("en"))
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				out = append(out, errorTexts(inner)...)
			}
		}
	}
	return out
}

// deadEndpoint is an endpoint on a port where nothing listens any more.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/bot%s/%s"
}

func TestTokenNeverLeaks(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error

	// Start-up against an endpoint where nothing listens: net/http's error
	// names the URL, token included.
	ft := newFakeTime()
	attempts := 0
	ctx, cancel := context.WithCancel(context.Background())
	stopAfter3 := func(ctx context.Context, d time.Duration) error {
		if attempts++; attempts == 3 {
			cancel()
		}
		return ctx.Err()
	}
	_, err := connect(ctx, Config{Token: testToken, APIEndpoint: deadEndpoint(t)}, logger, ft.Now, stopAfter3)
	if err == nil {
		t.Fatal("connect to a dead endpoint succeeded")
	}
	errs = append(errs, err)
	_, err = New(Config{Token: testToken, APIEndpoint: deadEndpoint(t)}, logger, time.Now)
	errs = append(errs, err)

	// Sends that fail in every way, with the library's debug logging on.
	srv := tgfake.New(t, testToken)
	s, err := New(Config{Token: testToken, APIEndpoint: srv.URL()}, logger, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.bot.Debug = true
	for _, f := range []tgfake.Failure{tgfake.HTMLPage(502), tgfake.ServerError(), tgfake.TooManyRequests(1)} {
		srv.FailNext("sendMessage", 1, f)
		_, err := s.Send(testCtx(t), int64(len(errs)), "ciao")
		errs = append(errs, err)
	}
	srv.Close()
	_, err = s.Send(testCtx(t), 99, "ciao")
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		for _, text := range errorTexts(err) {
			if leaks(text) {
				t.Errorf("case %d: token in error text %q", i, text)
			}
		}
	}

	// The library's own logger is routed through the redacting one.
	libLog.Printf("Endpoint: %s", "https://example.invalid/bot"+testToken+"/getMe")
	libLog.Println("failed:", url.QueryEscape(testToken))

	out := logs.String()
	if !strings.Contains(out, "Endpoint: sendMessage") || !strings.Contains(out, "telegram getMe failed") {
		t.Fatalf("expected library and retry log lines, got:\n%s", out)
	}
	if !strings.Contains(out, "bot"+redactedToken+"/getMe") {
		t.Errorf("library line not redacted in place:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if leaks(line) {
			t.Errorf("token in log line %q", line)
		}
	}
}

func TestTokenNotInPanicsOrConfig(t *testing.T) {
	red := newRedactor(testToken)
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		func() {
			defer red.guard()
			panic(fmt.Errorf("request to /bot%s/sendMessage failed", testToken))
		}()
	}()
	if recovered == nil || leaks(fmt.Sprint(recovered)) || !strings.Contains(fmt.Sprint(recovered), redactedToken) {
		t.Fatalf("panic value %q", recovered)
	}

	cfg := Config{Token: testToken, APIEndpoint: "http://127.0.0.1:1/bot%s/%s"}
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", slog.Any("telegram", cfg))
	for _, text := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), logs.String()} {
		if leaks(text) {
			t.Errorf("token printed: %q", text)
		}
	}
}
