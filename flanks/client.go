package flanks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bankdata-go/bankdata"
	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/poll"
	"github.com/bankdata-go/bankdata/internal/redact"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Amount is an exact, nullable decimal as Flanks sent it (see
// [bankdata.Amount]).
type Amount = bankdata.Amount

// Date is a calendar date ("2025-01-31"); the zero value is null (see
// [bankdata.Date]).
type Date = bankdata.Date

// Timestamp is a point in time; Flanks' *_timestamp integers decode as Unix
// seconds (see [bankdata.Timestamp]).
type Timestamp = bankdata.Timestamp

// provider names every error and log line of this package.
const provider = sdkerrors.ProviderFlanks

const redacted = "[redacted]"

// Client is a Flanks API client. It holds one shared OAuth token and is safe
// for concurrent use by many goroutines; create one per integration
// (client id) and reuse it.
type Client struct {
	t            *transport.Client
	baseURL      *url.URL
	clientID     sealed
	clientSecret sealed
	tokens       *tokenSource
	logger       *slog.Logger
	secrets      *redact.Set // the values the log handler redacts; nil when logging is off
	pollInterval time.Duration
	pollTimeout  time.Duration
	pollJitter   float64
}

// sealed holds a secret behind a pointer to a string: whatever verb
// formats a value that contains it (%v, %+v, %#v, %s of a Client value or
// of an unexported field), fmt prints the pointer's address, never the
// text.
type sealed struct{ p *string }

func seal(s string) sealed { return sealed{p: &s} }

func (s sealed) get() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// NewClient returns a client for the Flanks application identified by
// clientID and clientSecret (from the Flanks Platform). Both are required;
// every option is validated. No request is made: the OAuth token is
// fetched on first use.
func NewClient(clientID, clientSecret string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(clientID) == "" {
		return nil, errors.New("flanks: client id is required")
	}
	if strings.TrimSpace(clientSecret) == "" {
		return nil, errors.New("flanks: client secret is required")
	}
	base, _ := url.Parse(DefaultBaseURL)
	cfg := config{
		baseURL:      base,
		maxRetries:   DefaultMaxRetries,
		retryWaitMin: DefaultRetryWaitMin,
		retryWaitMax: DefaultRetryWaitMax,
		pollInterval: DefaultPollInterval,
		pollTimeout:  DefaultPollTimeout,
		pollJitter:   0.1,
		tokenTimeout: 30 * time.Second,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.httpClient == nil {
		cfg.httpClient = transport.NewHTTPClient()
	}
	var secrets *redact.Set
	if cfg.logger != nil {
		secrets = redact.NewSet(clientID, clientSecret)
		cfg.logger = slog.New(redact.NewHandler(cfg.logger.Handler(), secrets))
	}
	t, err := transport.New(transport.Config{
		Provider:     provider,
		BaseURL:      cfg.baseURL,
		HTTPClient:   cfg.httpClient,
		Logger:       cfg.logger,
		MaxRetries:   cfg.maxRetries,
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		Decode:       sdkerrors.DecodeFlanks,
		UserAgent:    cfg.userAgent,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{
		t:            t,
		baseURL:      cfg.baseURL,
		clientID:     seal(clientID),
		clientSecret: seal(clientSecret),
		logger:       cfg.logger,
		secrets:      secrets,
		pollInterval: cfg.pollInterval,
		pollTimeout:  cfg.pollTimeout,
		pollJitter:   cfg.pollJitter,
	}
	c.tokens = &tokenSource{c: c, fetchTimeout: cfg.tokenTimeout}
	return c, nil
}

// HTTPClient returns the *http.Client under the retry layer: the one given
// to [WithHTTPClient], or the SDK's default. Tests intercept it with
// gock.InterceptClient.
func (c *Client) HTTPClient() *http.Client { return c.t.HTTPClient() }

// BaseURL returns the API base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
	if c == nil {
		return "flanks.Client(nil)"
	}
	return "flanks.Client{BaseURL: " + c.baseURL.String() + ", ClientID: " + redacted + ", ClientSecret: " + redacted + "}"
}

// GoString makes %#v as safe as %v.
func (c *Client) GoString() string { return c.String() }

// LogValue makes a *Client safe to pass to log/slog.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("flanks.Client(nil)")
	}
	return slog.GroupValue(
		slog.String("base_url", c.baseURL.String()),
		slog.String("client_id", redacted),
		slog.String("client_secret", redacted),
	)
}

// opError wraps err as the error of operation op, unless it already is one.
func opError(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *sdkerrors.OperationError
	if errors.As(err, &oe) && oe.Provider == provider && oe.Operation == op {
		return err
	}
	return &sdkerrors.OperationError{Provider: provider, Operation: op, Err: err}
}

// cause strips the transport's OperationError so that the public method can
// wrap the cause once, with its own operation name.
func cause(err error) error {
	if oe, ok := err.(*sdkerrors.OperationError); ok && oe.Err != nil {
		return oe.Err
	}
	return err
}

// send makes one authenticated call: it adds the bearer token (fetching it
// if needed) and, when the server answers 401 without a numeric code (the
// token was refused: "Invalid credentials", "Not authenticated",
// UNAUTHENTICATED), drops that token, fetches a new one and repeats the
// call once. A 401 means the server refused the request before doing
// anything, so the repeat is safe even for calls that are never retried
// otherwise. The error returned is the cause, not yet wrapped with the
// operation name.
//
// A 2xx body that is an error envelope (see [Client.envelopeError]) is that
// error: Flanks sometimes answers errors with HTTP 200, and decoding such a
// body into the expected model would give empty data and no error.
func (c *Client) send(ctx context.Context, r *transport.Request, out any) (*transport.Response, error) {
	resp, err := c.sendRaw(ctx, r, out)
	if err == nil {
		if err = c.envelopeError(resp); err != nil {
			err = c.scrub(err, secretsOf(r.Body)...)
		}
	}
	return resp, err
}

// envelopeError returns the error a 2xx body stands for when its top level
// is an error envelope: a non-empty "error", a numeric "error_code" (v0) or
// "success": false (v2). Only the top level counts: a session's own
// error_code ("InvalidCredentials") is data.
func (c *Client) envelopeError(resp *transport.Response) error {
	if resp == nil {
		return nil
	}
	b := bytes.TrimSpace(resp.Prefix)
	if len(b) == 0 || b[0] != '{' || (!bytes.Contains(b, []byte(`"error`)) && !bytes.Contains(b, []byte(`"success"`))) {
		return nil
	}
	var env struct {
		Error     json.RawMessage `json:"error"`
		ErrorCode flexInt         `json:"error_code"`
		Success   json.RawMessage `json:"success"`
	}
	if json.Unmarshal(b, &env) != nil {
		return nil // longer than the captured prefix, or not an envelope
	}
	switch string(bytes.TrimSpace(env.Error)) {
	case "", "null", `""`, "false", "{}":
	default:
		return c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix)
	}
	if (env.ErrorCode.ok && env.ErrorCode.v != 0) || string(bytes.TrimSpace(env.Success)) == "false" {
		return c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix)
	}
	return nil
}

// sendRaw is send without the envelope check, for the calls whose success
// body may carry an error_code next to the result (a credentials token held
// for security checks, 20003): they read the envelope themselves.
//
// The secrets the request carries (its body's, and the access token) are
// redacted from its log lines while it runs and from the error it returns.
func (c *Client) sendRaw(ctx context.Context, r *transport.Request, out any) (*transport.Response, error) {
	if c.secrets != nil { // logging on: redact this call's secrets from its log lines
		defer c.track(secretsOf(r.Body)...)()
	}
	// A token error is shared by every caller waiting for the same fetch:
	// it was scrubbed once, by the fetch, and must not be touched here.
	tok, err := c.tokens.token(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.t.Do(ctx, withAuth(r, tok), out)
	if err == nil {
		return resp, nil
	}
	secrets := secretsOf(r.Body)
	if !tokenRefused(err) {
		return resp, c.scrub(cause(err), append(secrets, tok)...)
	}
	c.tokens.invalidate(tok)
	if c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelInfo, "flanks token refused; refreshing once",
			slog.String("provider", provider), slog.String("op", r.Op))
	}
	old := tok
	tok, err = c.tokens.token(ctx)
	if err != nil {
		return nil, err
	}
	resp, err = c.t.Do(ctx, withAuth(r, tok), out)
	return resp, c.scrub(cause(err), append(secrets, old, tok)...)
}

func withAuth(r *transport.Request, tok string) *transport.Request {
	r2 := *r
	h := make(http.Header, len(r.Header)+1)
	for k, v := range r.Header {
		h[k] = v
	}
	h.Set("Authorization", "Bearer "+tok)
	r2.Header = h
	return &r2
}

// tokenRefused reports whether err is a 401 about the access token rather
// than a numeric Flanks code.
func tokenRefused(err error) bool {
	var api *sdkerrors.APIError
	if !errors.As(err, &api) {
		return false
	}
	return api.StatusCode == http.StatusUnauthorized && api.Number == 0 &&
		(api.Code == "" || strings.EqualFold(api.Code, "UNAUTHENTICATED"))
}

// checkSuccess turns a 2xx body that says "success": false into the typed
// error (the v2 envelope inside a 200).
func (c *Client) checkSuccess(resp *transport.Response, success *bool) error {
	if success == nil || *success || resp == nil {
		return nil
	}
	return c.scrub(c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix))
}

// checkBody finds an error envelope in a 2xx body the call did not decode
// (e.g. {"success": false, ...} or {"error": ..., "error_code": ...}).
func (c *Client) checkBody(resp *transport.Response) error {
	if resp == nil || len(resp.Prefix) == 0 {
		return nil
	}
	if sdkerrors.DecodeFlanks(resp.StatusCode, resp.Prefix) == nil {
		return nil
	}
	return c.scrub(c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix))
}

// unexpected is the error for a 2xx body that decoded but lacks what the
// call needs.
func unexpected(resp *transport.Response, problem string) error {
	status := 0
	var body []byte
	if resp != nil {
		status, body = resp.StatusCode, resp.Prefix
	}
	return sdkerrors.NewUnexpected(provider, status, body, problem)
}

// pollConfig is the waiter configuration for one wait.
func (c *Client) pollConfig(op string, isPending func(error) bool) poll.Config {
	cfg := poll.Config{
		Interval:  c.pollInterval,
		Timeout:   c.pollTimeout,
		Jitter:    c.pollJitter,
		Immediate: true,
		IsPending: isPending,
	}
	if c.logger != nil {
		cfg.OnPoll = func(e poll.Event) {
			attrs := []slog.Attr{
				slog.String("provider", provider), slog.String("op", op),
				slog.Int("poll", e.Attempt), slog.Duration("elapsed", e.Elapsed),
			}
			var api *sdkerrors.APIError
			switch {
			case e.Err == nil:
				attrs = append(attrs, slog.String("state", "done"))
			case errors.As(e.Err, &api):
				attrs = append(attrs, slog.String("state", "waiting"), slog.String("code", api.Code))
			default:
				attrs = append(attrs, slog.String("state", "waiting"))
			}
			c.logger.LogAttrs(context.Background(), slog.LevelDebug, "flanks poll", attrs...)
		}
	}
	return cfg
}

// wait runs poll.Until and wraps its outcome in the operation's error.
func wait[T any](ctx context.Context, c *Client, op string, isPending func(error) bool, fn func(ctx context.Context) (T, error)) (T, error) {
	v, err := poll.Until(ctx, c.pollConfig(op, isPending), func(ctx context.Context, _ int) (T, error) {
		return fn(ctx)
	})
	return v, opError(op, err)
}

func isPending(err error) bool { return errors.Is(err, sdkerrors.ErrPending) }

// argError is a request the SDK refuses to send. It matches
// errors.ErrBadRequest.
type argError struct{ msg string }

func (e *argError) Error() string { return "invalid argument: " + e.msg }

func (e *argError) Is(target error) bool { return target == sdkerrors.ErrBadRequest }

// notFoundError is an object the API did not list. It matches
// errors.ErrNotFound.
type notFoundError struct{ what string }

func (e *notFoundError) Error() string { return e.what + " not found" }

func (e *notFoundError) Is(target error) bool { return target == sdkerrors.ErrNotFound }

func badArg(op, msg string) error { return opError(op, &argError{msg: msg}) }

// flexInt decodes a JSON number or numeric string.
type flexInt struct {
	v  int64
	ok bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = flexInt{}
		return nil
	}
	var n json.Number = json.Number(s)
	if i, err := n.Int64(); err == nil {
		*f = flexInt{v: i, ok: true}
		return nil
	}
	if fl, err := n.Float64(); err == nil {
		*f = flexInt{v: int64(fl), ok: true}
		return nil
	}
	*f = flexInt{}
	return nil
}

// looseString reads a JSON value as text: a string unquoted, null as "",
// anything else as its JSON text. The answers of calls that must not be
// repeated (a consumed link code, a created session) decode with it, so
// that an unexpected type in a side field never loses the result.
func looseString(raw json.RawMessage) string {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// looseMap reads a JSON object, or nil for anything else.
func looseMap(raw json.RawMessage) map[string]any {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}
