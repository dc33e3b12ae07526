package leakaudit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// An auditor collects the secrets a scenario used and everything the SDK
// (or the caller, through the SDK's String/GoString/LogValue methods)
// rendered, and scans the renderings for the secrets at the end, so that a
// secret captured late (a token the fake minted) is still looked for in
// what was rendered before.
type auditor struct {
	mu      sync.Mutex
	secrets map[string]secret // by value
	texts   []rendering
	logs    syncBuffer
	// logger is the debug-level JSON logger given to every client; app is
	// the same sink, used to log values the way an application would.
	logger *slog.Logger
}

// secret is one value that must never be shown.
type secret struct {
	kind  string
	value string
	// data marks values the API itself returns as data (a Flinks Tag is
	// echoed on Authorize answers): result renderings may show them.
	data bool
}

// rendering is one piece of text to scan and where it came from.
type rendering struct {
	place string // e.g. "flinks/echo-json Authorize(live): error %+v"
	text  string
	// result marks renderings of values returned to the caller.
	result bool
}

// minPartial is the length from which a secret is also looked for by its
// first and last halves: an excerpt cut in the middle of a secret still
// leaks it.
const minPartial = 12

func newAuditor() *auditor {
	a := &auditor{secrets: map[string]secret{}}
	a.logger = slog.New(slog.NewJSONHandler(&a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return a
}

// add registers values of one kind. Empty and very short values are
// ignored (they would match by accident).
func (a *auditor) add(kind string, values ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range values {
		if len(strings.TrimSpace(v)) < 4 {
			continue
		}
		if _, ok := a.secrets[v]; !ok {
			a.secrets[v] = secret{kind: kind, value: v}
		}
	}
}

// addData registers values that the API legitimately returns as data:
// they must not show in errors, logs or requests, but may in results.
func (a *auditor) addData(kind string, values ...string) {
	a.add(kind, values...)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range values {
		if s, ok := a.secrets[v]; ok {
			s.data = true
			a.secrets[v] = s
		}
	}
}

func (a *auditor) record(place, text string, result bool) {
	a.mu.Lock()
	a.texts = append(a.texts, rendering{place: place, text: text, result: result})
	a.mu.Unlock()
}

// err records every rendering of err and of each error it wraps, and logs
// it the way an application would.
func (a *auditor) err(place string, err error) {
	if err == nil {
		return
	}
	a.record(place+": error Error()", err.Error(), false)
	a.formats(place+": error", err, false)
	seen := map[error]bool{}
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 20 {
			return
		}
		if hashable(e) {
			if seen[e] {
				return
			}
			seen[e] = true
		}
		if depth > 0 {
			p := fmt.Sprintf("%s: wrapped %T", place, e)
			a.record(p+" Error()", e.Error(), false)
			a.formats(p, e, false)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x, depth+1)
			}
		}
	}
	walk(err, 0)
	a.logger.Error("app: call failed", "place", place, "err", err)
}

// hashable reports whether e can be a map key without panicking.
func hashable(e error) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_ = map[error]bool{e: true}
	return true
}

// value records the %v, %+v, %#v and %s renderings of a request,
// configuration or client value, and logs it as an application would. A
// slice is not logged: slog renders it as its JSON, the wire format that
// must carry the secrets (its items are logged one by one instead).
func (a *auditor) value(place string, v any) {
	a.formats(place, v, false)
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		for i := 0; i < rv.Len(); i++ {
			a.logger.Info("app: value", "place", place, "item", rv.Index(i).Interface())
		}
		return
	}
	a.logger.Info("app: value", "place", place, "value", v)
}

// result records the renderings of a value returned to the caller. It is
// logged only when it has a LogValue method: slog would otherwise print
// its fields, which is the application's choice, not the SDK's.
func (a *auditor) result(place string, v any) {
	if isNil(v) {
		return
	}
	a.formats(place, v, true)
	if _, ok := v.(slog.LogValuer); ok {
		a.logger.Info("app: result", "place", place, "value", v)
	}
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	s := fmt.Sprintf("%v", v)
	return s == "<nil>"
}

func (a *auditor) formats(place string, v any, result bool) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		a.record(place+" "+verb, fmt.Sprintf(verb, v), result)
	}
}

// leak is one secret found in one rendering.
type leak struct {
	kind, place, context string
	partial              bool
}

// check scans everything recorded and every log line; it fails the test
// with one line per leak (kind, place, context).
func (a *auditor) check(t *testing.T) {
	t.Helper()
	a.mu.Lock()
	secrets := make([]secret, 0, len(a.secrets))
	for _, s := range a.secrets {
		secrets = append(secrets, s)
	}
	texts := append([]rendering(nil), a.texts...)
	a.mu.Unlock()
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].value < secrets[j].value })

	lines := 0
	sc := bufio.NewScanner(strings.NewReader(a.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		lines++
		line := sc.Text()
		place := "log line"
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			place = fmt.Sprintf("log line msg=%q", m["msg"])
			if p, ok := m["place"].(string); ok {
				place += " place=" + p
			}
			if op, ok := m["op"].(string); ok {
				place += " op=" + op
			}
			// Scan the decoded strings too: JSON escaping could hide a
			// secret holding <, > or & from a raw search.
			texts = append(texts, rendering{place: place + " (decoded)", text: strings.Join(stringsIn(m), "\n")})
		}
		texts = append(texts, rendering{place: place, text: line})
	}
	if lines == 0 {
		t.Fatal("no log line was written: the debug logger is not wired")
	}

	var leaks []leak
	dedup := map[string]bool{}
	for _, r := range texts {
		for _, s := range secrets {
			if r.result && s.data {
				continue
			}
			i, partial := find(r.text, s.value)
			if i < 0 {
				continue
			}
			key := s.kind + "\x00" + r.place
			if dedup[key] {
				continue
			}
			dedup[key] = true
			leaks = append(leaks, leak{kind: s.kind, place: r.place, context: contextOf(r.text, i, s.value), partial: partial})
		}
	}
	kinds := make([]string, 0, len(secrets))
	for k := range kindsOf(secrets) {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	t.Logf("leak audit: %d secrets of %d kinds scanned in %d renderings and %d log lines; kinds: %s",
		len(secrets), len(kinds), len(a.texts), lines, strings.Join(kinds, ", "))
	maxShown := 60
	if n, err := strconv.Atoi(os.Getenv("LEAKAUDIT_MAX")); err == nil {
		maxShown = n
	}
	for i, l := range leaks {
		if i == maxShown {
			t.Errorf("... and %d more leaks", len(leaks)-maxShown)
			break
		}
		how := "leaked"
		if l.partial {
			how = "partly leaked"
		}
		t.Errorf("%s %s in %s: …%s…", l.kind, how, l.place, l.context)
	}
}

// find returns where secret (or, for long secrets, its first or last
// partialLen bytes) occurs in text, and whether only part of it did.
func find(text, value string) (int, bool) {
	if i := strings.Index(text, value); i >= 0 {
		return i, false
	}
	if half := len(value) / 2; len(value) >= minPartial {
		if i := strings.Index(text, value[:half]); i >= 0 {
			return i, true
		}
		if i := strings.Index(text, value[len(value)-half:]); i >= 0 {
			return i, true
		}
	}
	return -1, false
}

func contextOf(text string, i int, value string) string {
	lo, hi := max(0, i-60), min(len(text), i+len(value)+40)
	return strings.ReplaceAll(text[lo:hi], "\n", "⏎")
}

func kindsOf(ss []secret) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s.kind] = true
	}
	return m
}

// stringsIn returns every string (keys and values) of a decoded JSON value.
func stringsIn(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// recorder is a RoundTripper that registers the credentials the SDK sends
// (authorize tokens it minted, access tokens the fake issued) as secrets,
// so that values the test never sees otherwise are looked for too.
type recorder struct {
	a    *auditor
	next http.RoundTripper
}

// headerKinds names the secret each credential header carries.
var headerKinds = map[string]string{
	"Flinks-Auth-Key": "authorize token or secret key (header)",
	"X-Api-Key":       "API key (header)",
	"Authorization":   "bearer token (header)",
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	for h, kind := range headerKinds {
		if v := req.Header.Get(h); v != "" {
			v, _ = strings.CutPrefix(v, "Bearer ")
			r.a.add(kind, v)
		}
	}
	return r.next.RoundTrip(req)
}

func newRecordingClient(a *auditor) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: &recorder{a: a, next: tr}}
}

// errs joins the non-nil errors, for ops that return several.
func errs(list ...error) error { return errors.Join(list...) }
