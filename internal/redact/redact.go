// Package redact replaces known secret values in text: the keys, tokens
// and credentials a client sends. Both clients use it for the messages of
// the errors they return (servers echo input back) and, through [Handler],
// for every log line.
package redact

import (
	"context"
	"html"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// MinLen is the shortest value redacted: shorter ones would mangle text.
const MinLen = 3

// Variants returns the forms a value may take in a server's text: as
// sent, URL-escaped (an echoed path or query) and HTML-escaped (an error
// page), without duplicates or values shorter than MinLen.
func Variants(vals ...string) []string {
	out := make([]string, 0, len(vals))
	seen := map[string]bool{}
	for _, v := range vals {
		if len(v) < MinLen {
			continue
		}
		for _, f := range []string{v, url.PathEscape(v), url.QueryEscape(v), html.EscapeString(v)} {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// String replaces every occurrence of the values (and their Variants) in
// text with Mask, longest first so that no part of a longer value
// survives the replacement of a shorter one.
func String(text string, vals ...string) string {
	if text == "" || len(vals) == 0 {
		return text
	}
	vs := Variants(vals...)
	sortLongestFirst(vs)
	for _, v := range vs {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Mask)
		}
	}
	return text
}

func sortLongestFirst(vs []string) {
	sort.SliceStable(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
}

// Set holds the secret values a client knows of: its own keys for its
// lifetime, and each call's credentials while the call runs (reference
// counted, so that concurrent calls with the same value do not remove it
// from each other). It is safe for concurrent use.
//
// Its state sits behind an atomic.Pointer, which fmt prints as an address:
// even %s, which makes fmt walk into nested structs, shows no value.
type Set struct {
	st atomic.Pointer[setState]
}

type setState struct {
	mu     sync.RWMutex
	counts map[string]int
	sorted []string // keys of counts, longest first; nil when stale
}

// NewSet returns a set holding the static values for good.
func NewSet(static ...string) *Set {
	s := &Set{}
	s.st.Store(&setState{counts: map[string]int{}})
	s.Add(static...)
	return s
}

// Add registers values (and their Variants).
func (s *Set) Add(vals ...string) {
	if s == nil {
		return
	}
	vs := Variants(vals...)
	st := s.st.Load()
	st.mu.Lock()
	for _, v := range vs {
		st.counts[v]++
	}
	st.sorted = nil
	st.mu.Unlock()
}

// Remove unregisters values added with Add.
func (s *Set) Remove(vals ...string) {
	if s == nil {
		return
	}
	vs := Variants(vals...)
	st := s.st.Load()
	st.mu.Lock()
	for _, v := range vs {
		if st.counts[v]--; st.counts[v] <= 0 {
			delete(st.counts, v)
		}
	}
	st.sorted = nil
	st.mu.Unlock()
}

// Track adds values until the returned func runs. A nil Set tracks
// nothing.
func (s *Set) Track(vals ...string) func() {
	if s == nil || len(vals) == 0 {
		return func() {}
	}
	s.Add(vals...)
	return func() { s.Remove(vals...) }
}

// values returns the registered values, longest first.
func (s *Set) values() []string {
	if s == nil {
		return nil
	}
	st := s.st.Load()
	st.mu.RLock()
	sorted := st.sorted
	st.mu.RUnlock()
	if sorted != nil {
		return sorted
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sorted == nil {
		st.sorted = make([]string, 0, len(st.counts))
		for v := range st.counts {
			st.sorted = append(st.sorted, v)
		}
		sortLongestFirst(st.sorted)
	}
	return st.sorted
}

// Replace replaces every registered value in text with Mask, and then
// what is left of one next to a mask or an excerpt's "...": a log line
// renders an error before the client scrubs it, so errors.Redact may have
// masked a token-like run that spans a value's edge ("/path/ZqLogin 8c1"
// leaving " 8c1"), and an excerpt may have cut a value ("zqApiK...").
func (s *Set) Replace(text string) string {
	if text == "" || s == nil {
		return text
	}
	vals := s.values()
	for _, v := range vals {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Mask)
		}
	}
	if strings.Contains(text, Mask) || strings.Contains(text, ellipsis) {
		text = fragments(text, vals)
	}
	return text
}

// ellipsis ends a cut excerpt (errors.Excerpt).
const ellipsis = "..."

func fragments(text string, vals []string) string {
	for _, v := range vals {
		if len(v) < 2*MinLen {
			continue
		}
		for k := len(v) - 1; k >= MinLen; k-- {
			pre, suf := v[:k], v[len(v)-k:]
			if p := pre + ellipsis; strings.Contains(text, p) {
				text = strings.ReplaceAll(text, p, Mask+ellipsis)
			}
			if p := pre + Mask; tokenBoundary(v, k) && strings.Contains(text, p) {
				text = strings.ReplaceAll(text, p, Mask)
			}
			if p := Mask + suf; tokenBoundary(v, len(v)-k) && strings.Contains(text, p) {
				text = strings.ReplaceAll(text, p, Mask)
			}
		}
	}
	return text
}

// tokenBoundary reports whether v[:k] and v[k:] are split where a run of
// the characters errors.Redact treats as one token-like word starts or
// ends.
func tokenBoundary(v string, k int) bool {
	return k > 0 && k < len(v) && tokenChar(v[k-1]) != tokenChar(v[k])
}

func tokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.+/=~", c) >= 0
}

// Handler is a slog.Handler that replaces the values of a Set in every
// message and string, error and group attribute before passing the record
// on, so that a server echoing input back cannot leak it into logs.
type Handler struct {
	next slog.Handler
	set  *Set
}

// NewHandler wraps next.
func NewHandler(next slog.Handler, set *Set) *Handler { return &Handler{next: next, set: set} }

// Enabled reports whether next handles the level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle redacts the record and passes it on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.set.Replace(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts the attributes and returns a handler for them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &Handler{next: h.next.WithAttrs(clean), set: h.set}
}

// WithGroup returns a handler for the group.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), set: h.set}
}

func (h *Handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.set.Replace(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.set.Replace(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
