package flinks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bankdata-go/bankdata"
	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/poll"
	"github.com/bankdata-go/bankdata/internal/redact"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Amount is the SDK's exact, nullable decimal ([bankdata.Amount]): every
// money field of this package uses it. String returns the decimal text the
// API sent ("1500.25"); null stays null.
type Amount = bankdata.Amount

// Date is a calendar date without a zone ([bankdata.Date]), used for
// transaction dates ("2025-01-31", also "2021/01/08").
type Date = bankdata.Date

// Timestamp is a point in time ([bankdata.Timestamp]); the zone-less
// timestamps Flinks sends ("2025-01-31T17:40:54.569261") are UTC.
type Timestamp = bankdata.Timestamp

// Provider is the provider name in errors and log lines.
const Provider = sdkerrors.ProviderFlinks

// Header names the client sends.
const (
	headerAuthKey = "flinks-auth-key"
	headerAPIKey  = "x-api-key"
)

// Client calls one Flinks instance for one customer id. Build it with
// [NewClient]; it is safe for concurrent use by multiple goroutines.
//
// A Client never prints its secrets: String, GoString and LogValue redact
// the customer id and every key.
type Client struct {
	s *state // a pointer, so even a copy printed with %v shows no secret
}

type state struct {
	cfg        config
	customerID string
	t          *transport.Client
	secrets    *redact.Set // nil when logging is off
}

// ErrInvalidArgument is matched (errors.Is) by the errors a method returns
// for bad input before any request is sent, such as an empty RequestID. It
// also matches errors.ErrBadRequest.
var ErrInvalidArgument = errors.New("flinks: invalid argument")

// ErrNoSecretKey is returned (wrapped in an *errors.OperationError) by the
// calls that need the secret key when none was configured with
// [WithSecretKey]: GenerateAuthorizeToken and GetNightlyRefreshStatus.
var ErrNoSecretKey = errors.New("flinks: no secret key configured (use WithSecretKey)")

type argError struct{ msg string }

func (e *argError) Error() string { return ErrInvalidArgument.Error() + ": " + e.msg }

func (e *argError) Is(target error) bool {
	return target == ErrInvalidArgument || target == sdkerrors.ErrBadRequest
}

// NewClient returns a client for customerID, the GUID Flinks issued to the
// integration (it goes into every path: /v3/{customerID}/...). Without
// options it talks to the public Toolbox instance without keys. Options
// validate their values; NewClient fails with an error wrapping
// [ErrInvalidOption] on a bad one, or [ErrInvalidArgument] for an empty or
// path-unsafe customer id.
func NewClient(customerID string, opts ...Option) (*Client, error) {
	if !pathSafe(customerID) {
		return nil, &argError{msg: "customer id must be non-empty letters, digits, '-', '_', '.' or '~'"}
	}
	cfg := config{
		baseURL:      instanceURL(DefaultInstance),
		maxRetries:   DefaultMaxRetries,
		retryWaitMin: DefaultRetryWaitMin,
		retryWaitMax: DefaultRetryWaitMax,
		pollInterval: DefaultPollInterval,
		pollTimeout:  DefaultPollTimeout,
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
		secrets = redact.NewSet(customerID, cfg.apiKey, cfg.secretKey, cfg.apiSecret)
		cfg.logger = slog.New(redact.NewHandler(cfg.logger.Handler(), secrets))
	}
	base := *cfg.baseURL
	base.Path = base.Path + "/v3/" + customerID
	if base.RawPath != "" {
		base.RawPath = base.RawPath + "/v3/" + customerID
	}
	t, err := transport.New(transport.Config{
		Provider:     Provider,
		BaseURL:      &base,
		HTTPClient:   cfg.httpClient,
		Logger:       cfg.logger,
		MaxRetries:   cfg.maxRetries,
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		Decode:       sdkerrors.DecodeFlinks,
		UserAgent:    cfg.userAgent,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidOption, sdkerrors.Redact(err.Error()))
	}
	return &Client{s: &state{cfg: cfg, customerID: customerID, t: t, secrets: secrets}}, nil
}

// pathSafe accepts unreserved URL characters only (GUIDs and plain ids).
func pathSafe(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// HTTPClient returns the *http.Client under the retry layer: the one given
// to [WithHTTPClient], or the default. Tests pass it to
// gock.InterceptClient.
func (c *Client) HTTPClient() *http.Client { return c.s.cfg.httpClient }

// BaseURL returns the scheme, host and path prefix requests go to (without
// the /v3/{customerID} part, which holds the customer id).
func (c *Client) BaseURL() string { return c.s.cfg.baseURL.String() }

func setOrNot(s string) string {
	if s == "" {
		return "none"
	}
	return "[redacted]"
}

// safeBaseURL is BaseURL with the customer id removed, should the caller
// have put it in the base URL.
func (c Client) safeBaseURL() string {
	return strings.ReplaceAll(c.s.cfg.baseURL.String(), c.s.customerID, "[redacted]")
}

// String describes the client without its secrets: the base URL, and for
// the customer id and each key only whether it is set.
func (c Client) String() string {
	if c.s == nil {
		return "flinks.Client{}"
	}
	return "flinks.Client{BaseURL: " + c.safeBaseURL() +
		", CustomerID: [redacted], APIKey: " + setOrNot(c.s.cfg.apiKey) +
		", SecretKey: " + setOrNot(c.s.cfg.secretKey) + "}"
}

// GoString makes %#v as safe as %v.
func (c Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without secrets.
func (c Client) LogValue() slog.Value {
	if c.s == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(
		slog.String("base_url", c.safeBaseURL()),
		slog.Bool("api_key_set", c.s.cfg.apiKey != ""),
		slog.Bool("secret_key_set", c.s.cfg.secretKey != ""),
	)
}

// ---- plumbing shared by the endpoint files ----

// bs returns the path of a BankingServices operation with escaped args.
func bs(op string, args ...string) string {
	var b strings.Builder
	b.WriteString("BankingServices/")
	b.WriteString(op)
	for _, a := range args {
		b.WriteByte('/')
		b.WriteString(transport.PathEscape(a))
	}
	return b.String()
}

// dataHeader returns the x-api-key header, if a key is configured.
func (c *Client) dataHeader() http.Header {
	if c.s.cfg.apiKey == "" {
		return nil
	}
	return http.Header{http.CanonicalHeaderKey(headerAPIKey): {c.s.cfg.apiKey}}
}

func (c *Client) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *sdkerrors.OperationError
	if errors.As(err, &oe) && oe.Operation == op {
		return err
	}
	return &sdkerrors.OperationError{Provider: Provider, Operation: op, Err: err}
}

// unwrapOp returns the cause inside an *OperationError (so a poll's error
// can be re-wrapped with the waiting call's name).
func unwrapOp(err error) error {
	if oe, ok := err.(*sdkerrors.OperationError); ok && oe.Err != nil {
		return oe.Err
	}
	return err
}

func normCode(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	code = strings.ReplaceAll(code, " ", "_")
	return strings.ReplaceAll(code, "-", "_")
}

// envelope is the error part of a 2xx body: Flinks echoes HttpStatusCode
// and sometimes puts a FlinksCode and Message in a body sent with HTTP 200.
type envelope struct {
	status    int
	code      string
	message   string
	requestID string
}

// bodyError returns the error a decoded 2xx body stands for: nil for data,
// an *APIError when the body carries an error (or pending) FlinksCode, or
// an HttpStatusCode of 400 or more, or 202.
func (c *Client) bodyError(resp *transport.Response, env envelope) error {
	code := normCode(env.code)
	ok := code == "" || code == "OK" || code == "CREATED"
	if ok && env.status < 400 && env.status != 202 {
		return nil
	}
	effective := resp.StatusCode
	if env.status >= 400 || env.status == 202 {
		effective = env.status
	}
	e := c.s.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix)
	if ok {
		code = ""
	}
	if e.Code != code || e.StatusCode != effective {
		// The captured prefix was cut short (a large body) or the decoder
		// saw no error: build the error from the decoded fields.
		e = &sdkerrors.APIError{
			Provider:   Provider,
			StatusCode: effective,
			Code:       code,
			Message:    env.message,
			RequestID:  env.requestID,
			RetryAfter: e.RetryAfter,
			Body:       resp.Prefix,
		}
	}
	return e
}

// call sends r and, on a 2xx, checks the decoded body's envelope.
// enveloped is a response model whose envelope tells whether a 2xx body is
// really an error or a pending answer.
type enveloped[T any] interface {
	*T
	envelope() envelope
}

// fetch sends r and decodes the answer into a new T, checking its
// envelope; errors are scrubbed of the client's secrets and of secrets.
func fetch[T any, P enveloped[T]](ctx context.Context, c *Client, r *transport.Request, secrets ...string) (*T, error) {
	out := P(new(T))
	if _, err := c.call(ctx, r, out, out.envelope); err != nil {
		return nil, c.scrub(err, secrets...)
	}
	return (*T)(out), nil
}

// postData is the POST /BankingServices/{op} of a data call (x-api-key).
func (c *Client) postData(op string, body any) *transport.Request {
	return &transport.Request{Op: op, Method: http.MethodPost, Path: bs(op), Header: c.dataHeader(),
		Body: body, Idempotent: true}
}

// getAsync is the single poll GET /BankingServices/{op}/{requestId}.
func (c *Client) getAsync(op, requestID string) *transport.Request {
	return &transport.Request{Op: op, Method: http.MethodGet, Path: bs(op, requestID), Header: c.dataHeader(),
		Idempotent: true}
}

func (c *Client) call(ctx context.Context, r *transport.Request, out any, env func() envelope) (*transport.Response, error) {
	resp, err := c.s.t.Do(ctx, r, out)
	if err != nil {
		return resp, err
	}
	if env != nil {
		if e := c.bodyError(resp, env()); e != nil {
			return resp, c.opErr(r.Op, e)
		}
	}
	return resp, nil
}

// wait runs a waiting call: first is the initial request; on a pending
// answer (202 OPERATION_PENDING / OPERATION_DISPATCHED) it polls next every
// poll interval until data, a terminal error, the context or the poll
// timeout. Every error is wrapped in an OperationError named op.
func wait[T any](ctx context.Context, c *Client, op, pollOp string, cc callConfig,
	first func(ctx context.Context) (T, error), next func(ctx context.Context) (T, error)) (T, error) {
	v, err := first(ctx)
	if err == nil || cc.noWait || !sdkerrors.Is(err, sdkerrors.ErrPending) {
		return v, c.opErr(op, err)
	}
	if ctx.Err() != nil {
		return v, c.opErr(op, ctx.Err())
	}
	logger := c.s.cfg.logger
	v, err = poll.Until(ctx, poll.Config{
		Interval: c.s.cfg.pollInterval,
		Timeout:  c.s.cfg.pollTimeout,
		OnPoll: func(ev poll.Event) {
			if logger != nil {
				attrs := []slog.Attr{
					slog.String("provider", Provider), slog.String("op", pollOp),
					slog.Int("poll", ev.Attempt), slog.Duration("elapsed", ev.Elapsed),
				}
				var api *sdkerrors.APIError
				if errors.As(ev.Err, &api) && api.Code != "" {
					attrs = append(attrs, slog.String("code", api.Code))
				}
				logger.LogAttrs(ctx, slog.LevelDebug, "bankdata poll", attrs...)
			}
			if cc.onPoll != nil {
				cc.onPoll(PollEvent{Operation: pollOp, Attempt: ev.Attempt, Elapsed: ev.Elapsed, Err: ev.Err})
			}
		},
	}, func(ctx context.Context, _ int) (T, error) {
		v, err := next(ctx)
		return v, unwrapOp(err)
	})
	if err != nil {
		return v, c.opErr(op, unwrapOp(err))
	}
	return v, nil
}

func requireID(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return &argError{msg: name + " is required"}
	}
	return nil
}
