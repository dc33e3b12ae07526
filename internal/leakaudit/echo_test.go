package leakaudit

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
)

// Failure modes of the echo server. Each answers every API request with a
// failure that quotes what the request carried: its credential headers,
// its path and query, and every string in its JSON body.
const (
	modeJSON         = "echo-json"     // provider error envelope (4xx), message = the echo
	modeJSON200      = "echo-json-200" // the same envelope inside a 200
	modeUnauthorized = "echo-401"      // 401; Flanks: without a code, so the token is refreshed once
	modePending      = "echo-pending"  // 202 OPERATION_PENDING / 20002 PROCESSING forever
	modeHTML         = "echo-html-502" // an HTML proxy page
	modeHTML200      = "echo-html-200" // an HTML page with status 200
	modeStraddle     = "echo-straddle" // a text body where one value straddles the excerpt cut
	modeGarbage      = "echo-garbage"  // not HTTP: a malformed header line quoting the echo
	modeReset        = "reset"         // the connection is reset before any answer
	modeRefused      = "refused"       // nothing listens
)

// echoServer is a misbehaving provider. Token endpoints succeed (and mint
// short, distinctive tokens the auditor learns) unless failTokens is set.
type echoServer struct {
	t          *testing.T
	a          *auditor
	provider   string // "flinks" or "flanks"
	mode       string
	failTokens bool
	n          atomic.Int64
	srv        *httptest.Server
}

func newEcho(t *testing.T, a *auditor, provider, mode string, failTokens bool) *echoServer {
	e := &echoServer{t: t, a: a, provider: provider, mode: mode, failTokens: failTokens}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

// echoParts lists what the request carried, credential headers first.
func echoParts(r *http.Request, body []byte) []string {
	var parts []string
	for _, h := range []string{"Flinks-Auth-Key", "X-Api-Key", "Authorization"} {
		if v := r.Header.Get(h); v != "" {
			parts = append(parts, v)
		}
	}
	parts = append(parts, r.URL.Path)
	if r.URL.RawQuery != "" {
		parts = append(parts, r.URL.RawQuery)
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		s := stringsIn(v)
		sort.Strings(s)
		parts = append(parts, s...)
	} else if len(body) > 0 {
		parts = append(parts, string(body))
	}
	return parts
}

// rotate moves part n (mod len) to the front, so that over many requests
// every value gets to be first in a cut excerpt.
func rotate(parts []string, n int64) []string {
	if len(parts) == 0 {
		return parts
	}
	k := int(n % int64(len(parts)))
	return append(append([]string(nil), parts[k:]...), parts[:k]...)
}

func (e *echoServer) serve(w http.ResponseWriter, r *http.Request) {
	n := e.n.Add(1)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if !e.failTokens && e.tokenEndpoint(w, r, n) {
		return
	}
	parts := rotate(echoParts(r, body), n)
	echo := strings.Join(parts, " | ")
	v0 := strings.HasPrefix(r.URL.Path, "/v0/") && !strings.HasPrefix(r.URL.Path, "/v0/links/")
	switch e.mode {
	case modeJSON:
		e.envelope(w, r, 400, "INVALID_REQUEST", 40001, echo, v0)
	case modeJSON200:
		e.envelope(w, r, 200, "INVALID_REQUEST", 50001, echo, v0)
	case modeUnauthorized:
		if e.provider == "flanks" {
			writeJSON(w, 401, map[string]any{"error": "Invalid credentials: " + echo})
			return
		}
		e.envelope(w, r, 401, "UNAUTHORIZED", 0, echo, v0)
	case modePending:
		if e.provider == "flinks" {
			writeJSON(w, 202, map[string]any{"HttpStatusCode": 202, "FlinksCode": "OPERATION_PENDING", "Message": echo, "RequestId": "pending-req"})
			return
		}
		writeJSON(w, 400, map[string]any{"error": "Retrieving user data " + echo, "error_code": 20002})
	case modeHTML, modeHTML200:
		status := 502
		if e.mode == modeHTML200 {
			status = 200
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body><h1>Bad Gateway</h1><p>%s</p></body></html>", echo)
	case modeStraddle:
		// errors.Excerpt keeps 200 runes: put the middle of one value on
		// the cut.
		p := parts[0]
		pad := strings.Repeat("x", max(0, 200-len([]rune(p))/2))
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(500)
		_, _ = io.WriteString(w, pad+p+" trailing text")
	case modeGarbage:
		e.hijack(w, func(c net.Conn) {
			line := strings.NewReplacer("\r", " ", "\n", " ", ":", " ").Replace(echo)
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Echo "+line+"\r\nContent-Length: 2\r\n\r\n{}")
		})
	case modeReset:
		e.hijack(w, func(c net.Conn) {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
		})
	default:
		e.t.Errorf("echo server: unknown mode %q", e.mode)
		w.WriteHeader(500)
	}
}

func (e *echoServer) hijack(w http.ResponseWriter, fn func(net.Conn)) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		e.t.Error("echo server: no hijacker")
		return
	}
	c, _, err := hj.Hijack()
	if err != nil {
		return
	}
	defer c.Close()
	fn(c)
}

// envelope writes the provider's error body; Flanks v0 paths get
// {"error","error_code"}, the v2 APIs {"success":false,"error":{...}}.
func (e *echoServer) envelope(w http.ResponseWriter, r *http.Request, status int, flinksCode string, number int, echo string, v0 bool) {
	switch {
	case e.provider == "flinks":
		hs := status
		if hs == 200 {
			hs = 400
		}
		writeJSON(w, status, map[string]any{"HttpStatusCode": hs, "FlinksCode": flinksCode, "Message": echo, "RequestId": "echo-req"})
	case v0:
		writeJSON(w, status, map[string]any{"error": echo, "error_code": number})
	default:
		writeJSON(w, status, map[string]any{"success": false, "trace_id": "echo-trace",
			"error": map[string]any{"code": "ValidationError", "message": echo,
				"details": []map[string]string{{"error_type": echo, "field": echo}}}})
	}
}

// tokenEndpoint answers the credential endpoints with a fresh, short token
// (under 20 characters, so no generic pattern redacts it).
func (e *echoServer) tokenEndpoint(w http.ResponseWriter, r *http.Request, n int64) bool {
	switch {
	case e.provider == "flinks" && strings.HasSuffix(r.URL.Path, "/GenerateAuthorizeToken"):
		tok := fmt.Sprintf("zqAuth tok#%d", n)
		e.a.add("authorize token (minted by echo)", tok)
		writeJSON(w, 200, map[string]any{"HttpStatusCode": 200, "Token": tok, "FlinksCode": "OK"})
		return true
	case e.provider == "flanks" && r.URL.Path == "/v0/token":
		tok := fmt.Sprintf("zqAccess tk#%d", n)
		e.a.add("access token (minted by echo)", tok)
		writeJSON(w, 200, map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer"})
		return true
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// refusedURL returns the URL of a port nothing listens on.
func refusedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}
