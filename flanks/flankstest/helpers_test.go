package flankstest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// api is a tiny plain net/http client for the fake.
type api struct {
	t     testing.TB
	srv   *flankstest.Server
	token string
}

func newAPI(t testing.TB, opts ...flankstest.Option) *api {
	t.Helper()
	srv := flankstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	a := &api{t: t, srv: srv}
	a.token = a.fetchToken()
	return a
}

func (a *api) fetchToken() string {
	a.t.Helper()
	st, body := a.raw("POST", "/v0/token", "application/json", mustJSON(map[string]string{
		"client_id": a.srv.ClientID, "client_secret": a.srv.ClientSecret, "grant_type": "client_credentials",
	}), "")
	if st != 200 {
		a.t.Fatalf("token: %d %s", st, body)
	}
	return obj(a.t, body)["access_token"].(string)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// raw sends a request with an explicit content type and bearer token ("" = none).
func (a *api) raw(method, path, contentType string, body []byte, token string) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// do sends JSON (body may be nil, []byte or any value) with the api's token.
func (a *api) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	default:
		b = mustJSON(v)
	}
	ct := ""
	if b != nil {
		ct = "application/json"
	}
	return a.raw(method, path, ct, b, a.token)
}

func (a *api) post(path string, body any) (int, []byte) {
	a.t.Helper()
	return a.do("POST", path, body)
}

// postOK posts and fails unless 200; it returns the body.
func (a *api) postOK(path string, body any) []byte {
	a.t.Helper()
	st, b := a.post(path, body)
	if st != 200 {
		a.t.Fatalf("%s: status %d body %s", path, st, b)
	}
	return b
}

func obj(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, b)
	}
	return m
}

func arr(t testing.TB, b []byte) []map[string]any {
	t.Helper()
	var m []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON array: %v: %s", err, b)
	}
	return m
}

// exchange turns a new TestBank link code into a credentials_token.
func (a *api) exchange(password string) string {
	a.t.Helper()
	b := a.postOK("/v0/platform/link", map[string]string{"code": a.srv.NewLinkCode(password)})
	return obj(a.t, b)["credentials_token"].(string)
}

func (a *api) status(tok string) map[string]any {
	a.t.Helper()
	return obj(a.t, a.postOK("/v0/bank/credentials/status", map[string]string{"credentials_token": tok}))
}

// waitDone polls status until pending is false and returns the final status
// and the number of polls.
func (a *api) waitDone(tok string) (map[string]any, int) {
	a.t.Helper()
	for i := 1; i <= 50; i++ {
		st := a.status(tok)
		if st["pending"] == false {
			return st, i
		}
	}
	a.t.Fatalf("credential still pending after 50 polls")
	return nil, 0
}

func (a *api) data(path, tok string, extra map[string]any) (int, []byte) {
	a.t.Helper()
	body := map[string]any{"credentials_token": tok}
	for k, v := range extra {
		body[k] = v
	}
	return a.post(path, body)
}

// wantV0 checks a v0 error body.
func wantV0(t testing.TB, status int, body []byte, wantStatus int, wantMsg string, wantCode int) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	m := obj(t, body)
	if wantMsg != "" && m["error"] != wantMsg {
		t.Fatalf("error %q, want %q", m["error"], wantMsg)
	}
	if wantCode == 0 {
		if _, ok := m["error_code"]; ok {
			t.Fatalf("unexpected error_code in %s", body)
		}
		return
	}
	if got := m["error_code"]; got != json.Number(itoa(wantCode)) {
		t.Fatalf("error_code %v, want %d: %s", got, wantCode, body)
	}
}

// wantV2 checks a v2 envelope and returns its details.
func wantV2(t testing.TB, status int, body []byte, wantStatus int, wantCode string) []any {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	m := obj(t, body)
	if m["success"] != false {
		t.Fatalf("success should be false: %s", body)
	}
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("error should be an object: %s", body)
	}
	if e["code"] != wantCode {
		t.Fatalf("code %v, want %s", e["code"], wantCode)
	}
	if tr, _ := m["trace_id"].(string); tr == "" {
		t.Fatalf("missing trace_id: %s", body)
	}
	d, ok := e["details"].([]any)
	if !ok {
		t.Fatalf("details should be an array: %s", body)
	}
	return d
}

func wantDetail(t testing.TB, details []any, errorType, field string) {
	t.Helper()
	for _, d := range details {
		m := d.(map[string]any)
		if m["error_type"] == errorType && m["field"] == field {
			return
		}
	}
	t.Fatalf("no detail {%s %s} in %v", errorType, field, details)
}

func itoa(n int) string { return strings.TrimSpace(string(mustJSON(n))) }

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rawHeader sends {} with a verbatim Authorization header ("" = none).
func (a *api) rawHeader(method, path, authorization string) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if method != "GET" {
		rd = strings.NewReader("{}")
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// postNoFatal is safe to call from goroutines.
func postNoFatal(url, token string, body any) (int, []byte, error) {
	req, err := http.NewRequest("POST", url, bytes.NewReader(mustJSON(body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
