package redact

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestString(t *testing.T) {
	got := String("user zq.jane and zq.jane.doe, path /a/zq%20jane, html a&amp;b", "zq.jane", "zq.jane.doe", "zq jane", "a&b", "x")
	want := "user [redacted] and [redacted], path /a/[redacted], html [redacted]"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestSetFragments(t *testing.T) {
	s := NewSet("ZqLogin 8c1-41d", "zqApiKey 9c1#e70", "zq-cred.tok#5e7a1")
	for in, want := range map[string]string{
		// errors.Redact masked a token-like run that ends inside the value.
		"INVALID (HTTP 400): [redacted] 8c1-41d": "INVALID (HTTP 400): [redacted]",
		// ... or starts inside it.
		"token zq-cred.tok#[redacted] refused": "token [redacted] refused",
		// an excerpt cut the value.
		"body: xxxx zqApiK...": "body: xxxx [redacted]...",
		// nothing to do.
		"plain text...": "plain text...",
	} {
		if got := s.Replace(in); got != want {
			t.Errorf("Replace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSetTrackAndPrint(t *testing.T) {
	s := NewSet("static-secret")
	done := s.Track("call-secret")
	done2 := s.Track("call-secret")
	done()
	if got := s.Replace("call-secret static-secret"); got != "[redacted] [redacted]" {
		t.Errorf("a value tracked twice was removed by one release: %q", got)
	}
	done2()
	if got := s.Replace("call-secret"); got != "call-secret" {
		t.Errorf("released value still redacted: %q", got)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if p := fmt.Sprintf(verb, s); strings.Contains(p, "static") {
			t.Errorf("%s of a Set shows a value: %s", verb, p)
		}
	}
	var nilSet *Set
	nilSet.Track("x")()
	if nilSet.Replace("x") != "x" {
		t.Error("nil set replaced")
	}
}

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	s := NewSet("hunter2 pass")
	l := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), s)).With("k", "with hunter2 pass").WithGroup("g")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.Track(fmt.Sprintf("call-%d-token", i))()
			l.Info("msg hunter2 pass", "s", "a hunter2 pass", "err", fmt.Errorf("e hunter2 pass"),
				"grp", slog.GroupValue(slog.String("x", "hunter2 pass")), "n", 3)
		}()
	}
	wg.Wait()
	if out := buf.String(); strings.Contains(out, "hunter2") || strings.Count(out, "[redacted]") != 8*5 {
		t.Errorf("log output:\n%s", out)
	}
}
