// Package transport is the HTTP layer both clients share: every call goes
// through go-retryablehttp with a per-operation retry decision, typed errors,
// capped and jittered backoff that honours Retry-After, redacted logging and
// operation-named errors.
package transport

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Version is the SDK version reported in the User-Agent.
const Version = "0.1.0"

// Defaults shared by both clients.
const (
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultTimeout bounds one attempt (connect, headers and body) when the
	// SDK builds the http.Client itself.
	DefaultTimeout = 90 * time.Second
	// DefaultMaxBodySize caps a success body; larger bodies fail with
	// ErrUnexpectedResponse instead of exhausting memory.
	DefaultMaxBodySize = 512 << 20
)

// Config configures a [Client].
type Config struct {
	// Provider is "flinks" or "flanks"; it names errors and log lines.
	Provider string
	// BaseURL is scheme+host and an optional path prefix.
	BaseURL *url.URL
	// HTTPClient is the client under retryablehttp; nil builds a pooled one.
	HTTPClient *http.Client
	// Logger receives debug/info/warn lines; nil disables logging.
	Logger *slog.Logger
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between retries.
	RetryWaitMin, RetryWaitMax time.Duration
	// Decode maps a non-success response to an error (errors.DecodeFlinks or
	// errors.DecodeFlanks).
	Decode func(status int, body []byte) error
	// UserAgent overrides the default User-Agent.
	UserAgent string
	// MaxBodySize caps success bodies (default DefaultMaxBodySize).
	MaxBodySize int64
}

// Client sends requests for one provider. It is safe for concurrent use.
type Client struct {
	cfg Config
	rc  *retryablehttp.Client
	ua  string
}

// NewHTTPClient returns the http.Client the SDK uses when none is given:
// pooled connections sized for concurrent callers and a per-attempt timeout.
func NewHTTPClient() *http.Client {
	c := cleanhttp.DefaultPooledClient()
	if t, ok := c.Transport.(*http.Transport); ok {
		t.MaxIdleConns = 256
		t.MaxIdleConnsPerHost = 256
	}
	c.Timeout = DefaultTimeout
	return c
}

// New builds a Client. cfg.BaseURL and cfg.Decode are required.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == nil {
		return nil, fmt.Errorf("%s: base URL is required", cfg.Provider)
	}
	if cfg.Decode == nil {
		return nil, fmt.Errorf("%s: decoder is required", cfg.Provider)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient()
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.MaxBodySize <= 0 {
		cfg.MaxBodySize = DefaultMaxBodySize
	}
	c := &Client{cfg: cfg}
	c.ua = cfg.UserAgent
	if c.ua == "" {
		c.ua = "bankdata-go/" + Version + " (" + cfg.Provider + ")"
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = cfg.HTTPClient
	rc.Logger = nil // retryablehttp's own logger prints URLs; we log from hooks
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = c.backoff
	rc.ErrorHandler = func(resp *http.Response, err error, _ int) (*http.Response, error) {
		// Keep the response (its body was buffered by checkRetry) so Do can
		// return the typed error; never add retryablehttp's "giving up" text.
		return resp, err
	}
	rc.RequestLogHook = c.logRequest
	rc.ResponseLogHook = c.logResponse
	c.rc = rc
	return c, nil
}

// HTTPClient returns the http.Client under the retry layer (for gock's
// InterceptClient in tests).
func (c *Client) HTTPClient() *http.Client { return c.cfg.HTTPClient }

// Provider returns "flinks" or "flanks".
func (c *Client) Provider() string { return c.cfg.Provider }

// Request describes one API call.
type Request struct {
	// Op is the operation name used in errors and logs ("GetAccountsDetail").
	Op string
	// Method is the HTTP method.
	Method string
	// Path is appended to the base URL path; segments must already be
	// escaped (use [PathEscape]).
	Path string
	// Query is added to the URL.
	Query url.Values
	// Header holds extra headers (may carry secrets; never logged).
	Header http.Header
	// Body is JSON-encoded; a []byte or json.RawMessage is sent as is; nil
	// sends no body.
	Body any
	// Idempotent marks calls that are safe to repeat (reads, including POST
	// reads). Other calls are retried only when the request provably never
	// reached the server.
	Idempotent bool
	// Accept lists the statuses decoded into the output value; default 200,
	// 201 and 203. Other statuses go through Config.Decode.
	Accept []int
}

// Response is what a successful call returns besides the decoded value.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Prefix holds the first bytes of the body (up to errors.MaxBodySize),
	// so a client can decode an error envelope found in a 2xx body.
	Prefix []byte
	// Attempts is the number of attempts made.
	Attempts int
}

type ctxKey struct{}

// callState travels in the request context so the retry hooks know the
// operation and can hand the typed error back to Do.
type callState struct {
	op         string
	idempotent bool
	accept     []int
	attempt    atomic.Int32
	start      time.Time
	attemptAt  atomic.Int64
	lastErr    atomic.Pointer[sdkerrors.APIError]
	stopReason atomic.Pointer[string]
}

func (s *callState) accepts(status int) bool {
	for _, a := range s.accept {
		if a == status {
			return true
		}
	}
	return false
}

var defaultAccept = []int{200, 201, 203, 204}

// Do sends the request with retries and decodes an accepted response into
// out (which may be nil). Every error it returns is an
// [*sdkerrors.OperationError] wrapping an *APIError, a context error or a
// network error; no error string contains the URL.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	resp, err := c.do(ctx, r, out)
	if err != nil {
		return resp, &sdkerrors.OperationError{Provider: c.cfg.Provider, Operation: r.Op, Err: err}
	}
	return resp, nil
}

func (c *Client) do(ctx context.Context, r *Request, out any) (*Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u := *c.cfg.BaseURL
	u.RawPath = ""
	p := strings.TrimSuffix(c.cfg.BaseURL.EscapedPath(), "/") + "/" + strings.TrimPrefix(r.Path, "/")
	if strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") {
		return nil, fmt.Errorf("invalid path")
	}
	pu, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("invalid path")
	}
	u.Path, u.RawPath = pu.Path, pu.RawPath
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	var body any
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = b
	case json.RawMessage:
		body = []byte(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = buf
	}
	st := &callState{op: r.Op, idempotent: r.Idempotent, accept: r.Accept, start: time.Now()}
	if len(st.accept) == 0 {
		st.accept = defaultAccept
	}
	ctx = context.WithValue(ctx, ctxKey{}, st)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: invalid method or URL")
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}

	resp, err := c.rc.Do(req)
	attempts := int(st.attempt.Load())
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		err = cleanError(ctx, err)
		c.logDone(st, 0, err)
		return nil, err
	}
	defer resp.Body.Close()
	out2 := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Attempts: attempts}
	if !st.accepts(resp.StatusCode) {
		apiErr := st.lastErr.Load()
		if apiErr == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, sdkerrors.MaxBodySize))
			apiErr = c.decodeError(resp, b)
		}
		out2.Prefix = apiErr.Body
		c.logDone(st, resp.StatusCode, apiErr)
		return out2, apiErr
	}
	if out != nil && resp.ContentLength >= 0 && resp.ContentLength <= min(sdkerrors.MaxBodySize, c.cfg.MaxBodySize) {
		return c.decodeSmall(ctx, st, resp, out2, out)
	}
	capture := &prefixBuffer{max: sdkerrors.MaxBodySize}
	if n := resp.ContentLength; n > 0 {
		capture.buf = make([]byte, 0, min(n, sdkerrors.MaxBodySize))
	}
	rec := &errRecorder{r: resp.Body}
	var src io.Reader = io.TeeReader(io.LimitReader(rec, c.cfg.MaxBodySize+1), capture)
	if out != nil {
		dec := json.NewDecoder(src)
		if derr := dec.Decode(out); derr != nil {
			return c.decodeFailed(ctx, st, resp, out2, derr, rec.err, capture.buf, capture.total)
		}
	} else if _, cerr := io.Copy(io.Discard, io.LimitReader(src, sdkerrors.MaxBodySize)); cerr != nil {
		// The caller checks this prefix for an error envelope: one cut short
		// proves nothing, so the read failure is the outcome.
		out2.Prefix = capture.buf
		err := c.bodyReadError(ctx, resp.StatusCode, cerr)
		c.logDone(st, resp.StatusCode, err)
		return out2, err
	}
	out2.Prefix = capture.buf
	c.logDone(st, resp.StatusCode, nil)
	return out2, nil
}

// decodeFailed is the outcome of an accepted response whose body did not
// decode into the output value: derr is the decode error, readErr the
// body's read error (nil if none), prefix the first bytes of the body and
// total the number of bytes read.
func (c *Client) decodeFailed(ctx context.Context, st *callState, resp *http.Response, out2 *Response, derr, readErr error, prefix []byte, total int64) (*Response, error) {
	out2.Prefix = prefix
	if ctxErr := ctx.Err(); ctxErr != nil {
		c.logDone(st, resp.StatusCode, ctxErr)
		return out2, ctxErr
	}
	if derr == io.EOF && resp.StatusCode == 204 {
		c.logDone(st, resp.StatusCode, nil)
		return out2, nil
	}
	if readErr != nil || isReadError(derr) {
		rerr := derr
		if readErr != nil {
			rerr = readErr
		}
		err := c.bodyReadError(ctx, resp.StatusCode, rerr)
		c.logDone(st, resp.StatusCode, err)
		return out2, err
	}
	if total > c.cfg.MaxBodySize {
		e := sdkerrors.NewUnexpected(c.cfg.Provider, resp.StatusCode, nil, "body larger than "+strconv.FormatInt(c.cfg.MaxBodySize, 10)+" bytes")
		c.logDone(st, resp.StatusCode, e)
		return out2, e
	}
	// A 2xx whose body is an error envelope, or a body that is not the
	// expected JSON.
	apiErr := c.decodeError(resp, prefix)
	if apiErr.Code == "" && apiErr.Number == 0 {
		// No code: report the decode problem, without quoting what may be
		// bank data.
		apiErr = sdkerrors.NewUnexpected(c.cfg.Provider, resp.StatusCode, prefix, problemOf(derr))
	}
	c.logDone(st, resp.StatusCode, apiErr)
	return out2, apiErr
}

// decodeSmall handles an accepted response whose Content-Length is at most
// errors.MaxBodySize (the common case: tokens, sessions, small data
// answers). It reads the body into one buffer of exactly that size and
// unmarshals it; that buffer is also Response.Prefix. The streaming path
// instead copies the body into a prefix buffer as json.Decoder reads it
// into its own, growing one: here one allocation replaces three, which
// matters under many concurrent callers. The outcomes are the streaming
// path's (see unmarshalLikeDecoder).
func (c *Client) decodeSmall(ctx context.Context, st *callState, resp *http.Response, out2 *Response, out any) (*Response, error) {
	// Only a RoundTripper other than net/http's can send more than the
	// announced length: the limit keeps even that within the caps.
	buf, readErr := readAllSized(io.LimitReader(resp.Body, c.cfg.MaxBodySize+1), resp.ContentLength)
	prefix := buf
	if len(prefix) > sdkerrors.MaxBodySize {
		prefix = prefix[:sdkerrors.MaxBodySize:sdkerrors.MaxBodySize]
	}
	if derr := unmarshalLikeDecoder(buf, out); derr != nil {
		if readErr != nil && derr == io.EOF {
			// Nothing arrived before the failure: not an empty 204.
			derr = io.ErrUnexpectedEOF
		}
		return c.decodeFailed(ctx, st, resp, out2, derr, readErr, prefix, int64(len(buf)))
	}
	out2.Prefix = prefix
	c.logDone(st, resp.StatusCode, nil)
	return out2, nil
}

// readAllSized reads r to its end into a buffer with room for size bytes
// (growing it only should r hold more); the error is nil at io.EOF.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+1) // +1: room to see io.EOF without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf[:len(buf):len(buf)], nil
		}
		if err != nil {
			return buf[:len(buf):len(buf)], err
		}
	}
}

// unmarshalLikeDecoder is json.Unmarshal with the outcomes of
// json.NewDecoder(bytes.NewReader(b)).Decode(v): io.EOF for an empty (or
// blank) body, io.ErrUnexpectedEOF for a truncated one, and data after the
// first JSON value ignored.
func unmarshalLikeDecoder(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var se *json.SyntaxError
	if err == nil || !sdkerrors.As(err, &se) {
		return err
	}
	msg := se.Error()
	switch {
	case msg == "unexpected end of JSON input":
		if len(bytes.TrimSpace(b)) == 0 {
			return io.EOF
		}
		return io.ErrUnexpectedEOF
	case strings.HasSuffix(msg, "after top-level value"):
		// Unmarshal checks the whole input before it stores anything, so v
		// is untouched: decode the first value as the streaming path does.
		return json.NewDecoder(bytes.NewReader(b)).Decode(v)
	}
	return err
}

// bodyReadError is the error for a success body that could not be read:
// the context's error once it is done; an ErrUnexpectedResponse error for a
// body whose Content-Encoding does not match it (labelled gzip, yet not
// gzip: a server fault that a retry will not cure); else a network error.
func (c *Client) bodyReadError(ctx context.Context, status int, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var corrupt flate.CorruptInputError
	if sdkerrors.Is(err, gzip.ErrHeader) || sdkerrors.Is(err, gzip.ErrChecksum) || sdkerrors.As(err, &corrupt) {
		return sdkerrors.NewUnexpected(c.cfg.Provider, status, nil, "body is not valid for its Content-Encoding")
	}
	return cleanError(ctx, &sdkerrors.NetworkError{Op: "read", Err: err})
}

// DecodeError builds the typed error for a body (used by clients that find
// an error envelope inside a 2xx body they decoded themselves).
func (c *Client) DecodeError(status int, header http.Header, body []byte) *sdkerrors.APIError {
	return c.decodeError(&http.Response{StatusCode: status, Header: header}, body)
}

func (c *Client) decodeError(resp *http.Response, body []byte) *sdkerrors.APIError {
	err := c.cfg.Decode(resp.StatusCode, body)
	var apiErr *sdkerrors.APIError
	if err == nil || !sdkerrors.As(err, &apiErr) {
		apiErr = sdkerrors.NewUnexpected(c.cfg.Provider, resp.StatusCode, body, "")
	}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		apiErr.RetryAfter = ra
	}
	return apiErr
}

func problemOf(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case sdkerrors.As(err, &se):
		return "invalid JSON at byte " + strconv.FormatInt(se.Offset, 10)
	case sdkerrors.As(err, &te):
		return "unexpected JSON " + jsonKind(te.Value) + " for " + te.Field
	case err == io.EOF:
		return "empty body"
	case err == io.ErrUnexpectedEOF:
		return "truncated JSON"
	}
	return "invalid JSON"
}

// isReadError tells a failure to read the body (reset, timeout) from a
// JSON syntax or type problem.
func isReadError(err error) bool {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return false
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if sdkerrors.As(err, &se) || sdkerrors.As(err, &te) {
		return false
	}
	var ne net.Error
	return sdkerrors.As(err, &ne) || sdkerrors.IsNetworkError(err) || strings.Contains(err.Error(), "connection")
}

// errRecorder remembers the first read error other than io.EOF, so a body
// cut short by the network is told apart from truncated JSON.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// prefixBuffer keeps the first max bytes written to it.
type prefixBuffer struct {
	buf   []byte
	max   int
	total int64
}

func (p *prefixBuffer) Write(b []byte) (int, error) {
	p.total += int64(len(b))
	if room := p.max - len(p.buf); room > 0 {
		if len(b) < room {
			room = len(b)
		}
		p.buf = append(p.buf, b[:room]...)
	}
	return len(b), nil
}

// checkRetry is the per-operation retry decision.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(ctxKey{}).(*callState)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if st == nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	if err != nil {
		ok := neverSent(err) // not safe to repeat: only when the request provably never left
		if st.idempotent {
			ok, _ = retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		}
		if ok && c.willRetry(st) {
			c.logRetry(ctx, st, 0, err)
		}
		return ok, nil
	}
	if st.accepts(resp.StatusCode) {
		return false, nil
	}
	// Buffer the (capped) body, decode it once, keep it for Do.
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, sdkerrors.MaxBodySize))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	apiErr := c.decodeError(resp, b)
	if rerr != nil && len(b) == 0 {
		apiErr.Message = "response body could not be read"
	}
	st.lastErr.Store(apiErr)
	if !st.idempotent {
		return false, nil
	}
	if !transportRetryable(resp.StatusCode, apiErr) {
		return false, nil
	}
	if apiErr.RetryAfter > c.cfg.RetryWaitMax {
		reason := "retry-after beyond max wait"
		st.stopReason.Store(&reason)
		return false, nil
	}
	if c.willRetry(st) {
		c.logRetry(ctx, st, resp.StatusCode, nil)
	}
	return true, nil
}

func (c *Client) willRetry(st *callState) bool { return int(st.attempt.Load()) <= c.cfg.MaxRetries }

// transportRetryable: 429, TOO_MANY_REQUESTS, 5xx except 501 — unless the
// body carries a terminal code.
func transportRetryable(status int, e *sdkerrors.APIError) bool {
	if e.Is(sdkerrors.ErrRateLimited) {
		return true
	}
	if status >= 500 && status != http.StatusNotImplemented {
		if e.Code == "" && e.Number == 0 {
			return true
		}
		return e.Is(sdkerrors.ErrTemporary)
	}
	if status == 0 {
		return true
	}
	return false
}

// neverSent reports whether a transport error proves the request did not
// reach the server (the dial failed).
func neverSent(err error) bool {
	var op *net.OpError
	if sdkerrors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return sdkerrors.As(err, &dns)
}

// backoff: Retry-After when the server sent one (already checked against
// the maximum), else exponential with equal jitter, capped at max.
func (c *Client) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > maxWait {
				return maxWait
			}
			return ra
		}
	}
	return Backoff(minWait, maxWait, attemptNum)
}

// Backoff is the jittered, capped exponential backoff: the wait for retry n
// (0-based) lies in [d/2, d] with d = min(max, min*2^n).
func Backoff(minWait, maxWait time.Duration, n int) time.Duration {
	if n > 30 {
		n = 30
	}
	d := minWait << uint(n)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(100*365*24*3600) {
			n = 100 * 365 * 24 * 3600
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// PathEscape escapes one path segment.
func PathEscape(s string) string { return url.PathEscape(s) }

// jsonKind keeps the kind of a json.UnmarshalTypeError value ("number",
// "string", ...) and drops the value itself, which may be bank data.
func jsonKind(v string) string {
	if i := strings.IndexByte(v, ' '); i >= 0 {
		return v[:i]
	}
	return v
}
