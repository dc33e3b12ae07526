package flinkstest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// fakeClock is a manual clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 31, 17, 40, 54, 569261000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tc is a tiny plain net/http client for the fake.
type tc struct {
	t *testing.T
	s *flinkstest.Server
}

func start(t *testing.T, opts ...flinkstest.Option) *tc {
	t.Helper()
	s := flinkstest.NewServer(opts...)
	t.Cleanup(s.Close)
	return &tc{t: t, s: s}
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(key string) string {
	v, _ := r.body[key].(string)
	return v
}

func (r resp) code() string { return r.str("FlinksCode") }

func (c *tc) bank(op string) string {
	return c.s.URL + "/v3/" + c.s.CustomerID + "/BankingServices/" + op
}

func (c *tc) do(method, url string, hdr map[string]string, body any) resp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (c *tc) api() map[string]string { return map[string]string{"x-api-key": c.s.APIKey} }

func (c *tc) token() string {
	c.t.Helper()
	r := c.do("POST", c.bank("GenerateAuthorizeToken"), map[string]string{"flinks-auth-key": c.s.SecretKey}, nil)
	if r.status != 200 || r.str("Token") == "" {
		c.t.Fatalf("GenerateAuthorizeToken: %d %s", r.status, r.raw)
	}
	return r.str("Token")
}

func (c *tc) authorize(body any) resp {
	c.t.Helper()
	return c.do("POST", c.bank("Authorize"), map[string]string{"flinks-auth-key": c.token()}, body)
}

func (c *tc) live(user string) resp {
	c.t.Helper()
	return c.authorize(map[string]any{"Institution": "FlinksCapital", "Username": user, "Password": "Everyday"})
}

// cached opens a cached session for user and returns its RequestId.
func (c *tc) cached(user string) string {
	c.t.Helper()
	r := c.authorize(map[string]any{"LoginId": c.s.LoginID(user), "MostRecentCached": true})
	if r.status != 200 {
		c.t.Fatalf("cached Authorize %s: %d %s", user, r.status, r.raw)
	}
	return r.str("RequestId")
}

func (c *tc) gad(rid string, opts map[string]any) resp {
	c.t.Helper()
	body := map[string]any{"RequestId": rid}
	for k, v := range opts {
		body[k] = v
	}
	return c.do("POST", c.bank("GetAccountsDetail"), c.api(), body)
}

func expect(t *testing.T, r resp, status int, code string) {
	t.Helper()
	if r.status != status || r.code() != code {
		t.Fatalf("got %d %q, want %d %q; body %.300s", r.status, r.code(), status, code, r.raw)
	}
	if code != "" {
		if int(r.body["HttpStatusCode"].(float64)) != status || r.str("Message") == "" {
			t.Fatalf("error body incomplete: %.300s", r.raw)
		}
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
}

func accounts(t *testing.T, r resp) []map[string]any {
	t.Helper()
	list, ok := r.body["Accounts"].([]any)
	if !ok {
		t.Fatalf("no Accounts: %.300s", r.raw)
	}
	out := make([]map[string]any, len(list))
	for i, a := range list {
		out[i] = a.(map[string]any)
	}
	return out
}
