package flinks

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// secretSet holds the secret values a client knows of: its keys and
// customer id for its lifetime, and each call's credentials, LoginId and MFA
// answers while the call runs. The log handler replaces them in every line,
// so a server that echoes input back in a message cannot leak it into logs.
type secretSet struct {
	mu     sync.RWMutex
	counts map[string]int
}

func newSecretSet(static ...string) *secretSet {
	s := &secretSet{counts: map[string]int{}}
	s.add(static)
	return s
}

// minSecretLen skips values too short to redact without mangling text.
const minSecretLen = 3

func (s *secretSet) add(vals []string) {
	s.mu.Lock()
	for _, v := range vals {
		if len(v) >= minSecretLen {
			s.counts[v]++
		}
	}
	s.mu.Unlock()
}

func (s *secretSet) remove(vals []string) {
	s.mu.Lock()
	for _, v := range vals {
		if len(v) >= minSecretLen {
			if s.counts[v]--; s.counts[v] <= 0 {
				delete(s.counts, v)
			}
		}
	}
	s.mu.Unlock()
}

func (s *secretSet) redact(text string) string {
	if text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for v := range s.counts {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, "[redacted]")
		}
	}
	return text
}

// track registers a call's secrets with the log redactor until the returned
// func runs. It costs nothing when logging is off.
func (c *Client) track(vals ...string) func() {
	set := c.s.secrets
	if set == nil {
		return func() {}
	}
	set.add(vals)
	return func() { set.remove(vals) }
}

// redactingHandler wraps the user's slog.Handler and redacts known secrets
// from every message and string attribute.
type redactingHandler struct {
	next slog.Handler
	set  *secretSet
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.set.redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactingHandler{next: h.next.WithAttrs(clean), set: h.set}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: h.next.WithGroup(name), set: h.set}
}

func (h *redactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.set.redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.set.redact(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
