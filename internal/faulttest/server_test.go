package faulttest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// flanksTokenPath is the Flanks OAuth endpoint. Faults are not played on it
// (every call needs a token first) except by the token faults.
const flanksTokenPath = "/v0/token"

// reply is a canned answer.
type reply struct {
	status int
	body   string
	header map[string]string
}

// router gives the success answer of a path for one provider.
type router func(method, path string) reply

// fault is one misbehaviour of the server.
type fault struct {
	id    string // column name
	title string // description for RELIABILITY.md
	// refused: there is no server at all.
	refused bool
	// play handles the n-th request (1-based, token requests excluded) and
	// reports whether it did; false lets the success answer through.
	play func(fs *faultServer, w http.ResponseWriter, r *http.Request, n int) bool
	// token, if set, handles the n-th request to the Flanks token endpoint.
	token func(fs *faultServer, w http.ResponseWriter, r *http.Request, n int) bool
	// deadline, if set, replaces the call's context deadline; pollTimeout,
	// if set, the clients' poll timeout.
	deadline, pollTimeout time.Duration
	// parallel runs the column's cells concurrently (the faults whose cost is
	// wall-clock waiting, not work); goroutines and heap are then checked
	// for the column as a whole, goroutine leaks still named per cell.
	parallel bool
}

// faultServer serves one cell: the fault for every path, the provider's
// success answer otherwise, and counts the requests per path.
type faultServer struct {
	srv   *httptest.Server
	prov  string
	route router
	fault *fault

	sent atomic.Int64 // bytes of the huge body written

	mu     sync.Mutex
	n      int            // requests other than the token's
	tokens int            // token requests
	paths  map[string]int // requests per path (token included)
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup // goroutines holding hijacked connections
	closed bool
}

func newFaultServer(prov string, route router, f *fault) *faultServer {
	fs := &faultServer{prov: prov, route: route, fault: f, paths: map[string]int{}, conns: map[net.Conn]struct{}{}}
	fs.srv = httptest.NewServer(fs)
	return fs
}

// URL is the server's base URL.
func (fs *faultServer) URL() string { return fs.srv.URL }

// Close closes every connection, hijacked ones included, and waits for the
// handlers.
func (fs *faultServer) Close() {
	fs.mu.Lock()
	fs.closed = true
	for c := range fs.conns {
		_ = c.Close()
	}
	fs.mu.Unlock()
	fs.srv.CloseClientConnections()
	fs.srv.Close()
	fs.wg.Wait()
}

// counts returns the per-path request counts.
func (fs *faultServer) counts() map[string]int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	m := make(map[string]int, len(fs.paths))
	for k, v := range fs.paths {
		m[k] = v
	}
	return m
}

func (fs *faultServer) tokenRequests() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.tokens
}

func (fs *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the whole request first: every fault below happens after the
	// request reached the server.
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 8<<20))
	path := r.URL.Path
	isToken := fs.prov == "flanks" && path == flanksTokenPath
	fs.mu.Lock()
	fs.paths[path]++
	var n int
	if isToken {
		fs.tokens++
		n = fs.tokens
	} else {
		fs.n++
		n = fs.n
	}
	fs.mu.Unlock()
	if isToken {
		if fs.fault.token != nil && fs.fault.token(fs, w, r, n) {
			return
		}
	} else if fs.fault.play != nil && fs.fault.play(fs, w, r, n) {
		return
	}
	writeReply(w, fs.route(r.Method, path))
}

func writeReply(w http.ResponseWriter, rep reply) {
	ct := "application/json"
	if strings.HasPrefix(strings.TrimSpace(rep.body), "<") {
		ct = "text/html"
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, rep.body)
}

// hijack takes the connection over; the server tracks it so Close can end
// it. ok is false when the server is closing.
func (fs *faultServer) hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, bool) {
	c, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return nil, nil, false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		_ = c.Close()
		return nil, nil, false
	}
	fs.conns[c] = struct{}{}
	return c, rw, true
}

func (fs *faultServer) forget(c net.Conn) {
	fs.mu.Lock()
	delete(fs.conns, c)
	fs.mu.Unlock()
}

// reset closes c with a TCP RST (SO_LINGER 0) instead of a FIN.
func (fs *faultServer) reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
	fs.forget(c)
}

// ---- the faults' building blocks ----

// resetBeforeResponse: the request arrived; the connection is reset
// without a byte of answer.
func resetBeforeResponse(fs *faultServer, w http.ResponseWriter, _ *http.Request, _ int) bool {
	if c, _, ok := fs.hijack(w); ok {
		fs.reset(c)
	}
	return true
}

// resetMidBody: a 200 whose Content-Length promises more than half of the
// success body that is sent before the reset.
func resetMidBody(fs *faultServer, w http.ResponseWriter, r *http.Request, _ int) bool {
	body := fs.route(r.Method, r.URL.Path).body
	c, rw, ok := fs.hijack(w)
	if !ok {
		return true
	}
	_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)+4096) + "\r\n\r\n" + body[:len(body)/2])
	_ = rw.Flush()
	// Linux keeps what was sent readable before it reports the reset, so
	// the client gets the headers and half the body, then ECONNRESET.
	fs.reset(c)
	return true
}

// hang: accept the request and never answer; the connection ends when the
// client gives up (its context) or the server closes.
func hang(fs *faultServer, w http.ResponseWriter, _ *http.Request, _ int) bool {
	c, _, ok := fs.hijack(w)
	if !ok {
		return true
	}
	fs.wg.Add(1)
	go func() {
		defer fs.wg.Done()
		_, _ = io.Copy(io.Discard, c)
		_ = c.Close()
		fs.forget(c)
	}()
	return true
}

// stallMidBody: a 200 with half the success body, then silence; the call
// must end by its context deadline.
func stallMidBody(fs *faultServer, w http.ResponseWriter, r *http.Request, _ int) bool {
	body := fs.route(r.Method, r.URL.Path).body
	c, rw, ok := fs.hijack(w)
	if !ok {
		return true
	}
	_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body[:len(body)/2])
	_ = rw.Flush()
	fs.wg.Add(1)
	go func() {
		defer fs.wg.Done()
		_, _ = io.Copy(io.Discard, c)
		_ = c.Close()
		fs.forget(c)
	}()
	return true
}

// bigBodySize is the size of the huge error body.
const bigBodySize = 300 << 20

// bigErrorBody: a 500 whose body is 300 MB, streamed from a small buffer
// until the client hangs up.
func bigErrorBody(fs *faultServer, w http.ResponseWriter, _ *http.Request, _ int) bool {
	prefix := `{"error":"`
	if fs.prov == "flinks" {
		prefix = `{"FlinksCode":"UNHANDLED","Message":"`
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(bigBodySize))
	w.WriteHeader(http.StatusInternalServerError)
	if _, err := io.WriteString(w, prefix); err != nil {
		return true
	}
	chunk := []byte(strings.Repeat("x", 32<<10))
	for left := bigBodySize - len(prefix); left > 0; left -= len(chunk) {
		b := chunk
		if left < len(b) {
			b = b[:left]
		}
		n, err := w.Write(b)
		fs.sent.Add(int64(n))
		if err != nil {
			return true // the client hung up, as it should
		}
	}
	return true
}

// gzipLie: the success body sent as is, labelled Content-Encoding: gzip.
func gzipLie(fs *faultServer, w http.ResponseWriter, r *http.Request, _ int) bool {
	rep := fs.route(r.Method, r.URL.Path)
	rep.header = map[string]string{"Content-Encoding": "gzip"}
	writeReply(w, rep)
	return true
}

// truncated: the first half of the success body, with a Content-Length
// that matches (a well-formed HTTP answer carrying cut JSON).
func truncated(fs *faultServer, w http.ResponseWriter, r *http.Request, _ int) bool {
	rep := fs.route(r.Method, r.URL.Path)
	rep.body = rep.body[:len(rep.body)/2]
	writeReply(w, rep)
	return true
}

// always plays a fixed answer on every request.
func always(rep func(prov string) reply) func(*faultServer, http.ResponseWriter, *http.Request, int) bool {
	return func(fs *faultServer, w http.ResponseWriter, _ *http.Request, _ int) bool {
		writeReply(w, rep(fs.prov))
		return true
	}
}

// firstN plays a fixed answer on the first n requests, then lets the
// success answers through.
func firstN(n int, rep func(prov string) reply) func(*faultServer, http.ResponseWriter, *http.Request, int) bool {
	return func(fs *faultServer, w http.ResponseWriter, _ *http.Request, k int) bool {
		if k > n {
			return false
		}
		writeReply(w, rep(fs.prov))
		return true
	}
}

func fixed(status int, body string) func(string) reply {
	return func(string) reply { return reply{status: status, body: body} }
}

func perProvider(flinks, flanks reply) func(string) reply {
	return func(prov string) reply {
		if prov == "flinks" {
			return flinks
		}
		return flanks
	}
}

const htmlBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// Codes carried by the "200 with an error code" fault: terminal codes, so a
// retry cannot hide them.
const (
	flinks200Code = "INVALID_REQUEST"
	flanks200Code = "CONFIGURATION_ERROR" // 40001
)

// oneYear is the Retry-After of the rate-limit fault, in seconds.
const oneYear = 365 * 24 * 3600

// pendingForever answers "not yet" to every request: Flinks 202
// OPERATION_PENDING, Flanks PROCESSING (400, error_code 20002).
var pendingForever = always(perProvider(
	reply{status: 202, body: `{"HttpStatusCode":202,"FlinksCode":"OPERATION_PENDING","Message":"Operation pending.","RequestId":"req-ok"}`},
	reply{status: 400, body: `{"error":"Retrieving user data. Please try again in a moment.","error_code":20002}`}))

// faults is the matrix's columns.
var faults = []*fault{
	{id: "refused", title: "connection refused (nothing listens on the port)", refused: true},
	{id: "reset", title: "connection reset (RST) after the request arrived, before any answer", play: resetBeforeResponse},
	{id: "reset-mid", title: "200 with a Content-Length longer than the body: half the body, then a reset", play: resetMidBody},
	{id: "hang", title: "accepts and never answers; the call must end by its 300 ms context deadline", play: hang, deadline: hangDeadline, parallel: true},
	{id: "stall-mid", title: "200 with half the body, then silence; the call must end by its 300 ms context deadline", play: stallMidBody, deadline: hangDeadline, parallel: true},
	{id: "truncated", title: "200 with the first half of the success JSON (consistent Content-Length)", play: truncated},
	{id: "empty", title: "200 with an empty body", play: always(fixed(200, ""))},
	{id: "html-502", title: "502 with an nginx HTML page", play: always(fixed(502, htmlBadGateway))},
	{id: "200-code", title: "200 whose JSON carries an error code (Flinks FlinksCode INVALID_REQUEST, Flanks error_code 40001)",
		play: always(perProvider(
			reply{status: 200, body: `{"HttpStatusCode":200,"FlinksCode":"INVALID_REQUEST","Message":"The request is invalid."}`},
			reply{status: 200, body: `{"error":"Configuration error","error_code":40001}`}))},
	{id: "300MB", title: "500 with a 300 MB body, streamed until the client hangs up", play: bigErrorBody},
	{id: "retry-1y", title: "429 with Retry-After: 31536000 (one year)",
		play: always(perProvider(
			reply{status: 429, body: `{"HttpStatusCode":429,"FlinksCode":"TOO_MANY_REQUESTS","Message":"Too many requests."}`,
				header: map[string]string{"Retry-After": strconv.Itoa(oneYear)}},
			reply{status: 429, body: `{"error":"Too many requests"}`,
				header: map[string]string{"Retry-After": strconv.Itoa(oneYear)}}))},
	{id: "pending", title: "pending forever: Flinks 202 OPERATION_PENDING, Flanks 400 PROCESSING (20002), on every request; 60 ms poll timeout",
		parallel: true, play: pendingForever},
	{id: "pending-ctx", title: "pending forever as above, with a one-hour poll timeout: the wait must end by its 300 ms context deadline",
		deadline: hangDeadline, pollTimeout: time.Hour, parallel: true, play: pendingForever},
	{id: "token-flaky", title: "the token endpoint fails once (503), then recovers: Flanks /v0/token; Flinks GenerateAuthorizeToken (n/a for calls without a token)",
		token: firstN(1, fixed(503, `{"error":"Service unavailable"}`)),
		play: func(fs *faultServer, w http.ResponseWriter, r *http.Request, _ int) bool {
			if fs.prov != "flinks" || !strings.HasSuffix(r.URL.Path, "/GenerateAuthorizeToken") {
				return false
			}
			fs.mu.Lock()
			k := fs.paths[r.URL.Path]
			fs.mu.Unlock()
			if k > 1 {
				return false
			}
			writeReply(w, reply{status: 503, body: `{"HttpStatusCode":503,"Message":"Service unavailable"}`})
			return true
		}},
	{id: "token-hang", title: "the token endpoint never answers (Flanks /v0/token, Flinks GenerateAuthorizeToken; n/a for calls without a token): the call must end by its 300 ms deadline",
		deadline: hangDeadline, parallel: true, token: hang,
		play: func(fs *faultServer, w http.ResponseWriter, r *http.Request, n int) bool {
			if fs.prov != "flinks" || !strings.HasSuffix(r.URL.Path, "/GenerateAuthorizeToken") {
				return false
			}
			return hang(fs, w, r, n)
		}},
	{id: "503-once", title: "one 503 (HTML), then the success answer", play: firstN(1, fixed(503, "<html><body>503 Service Unavailable</body></html>"))},
	{id: "gzip-lie", title: "200 labelled Content-Encoding: gzip whose body is plain JSON", play: gzipLie},
}

// bigBodySent returns the bytes of the huge body written so far (0 for a
// nil server).
func (fs *faultServer) bigBodySent() int64 {
	if fs == nil {
		return 0
	}
	return fs.sent.Load()
}
