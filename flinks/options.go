package flinks

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bankdata-go/bankdata/internal/poll"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Defaults of a [Client] built by [NewClient].
const (
	// DefaultInstance is the public Flinks sandbox ("Toolbox").
	DefaultInstance = "toolbox"
	// DefaultPollInterval is how often a waiting call polls the *Async
	// endpoint (the Flinks documentation says every 10 seconds).
	DefaultPollInterval = poll.DefaultInterval
	// DefaultPollTimeout is how long a waiting call polls before it gives up
	// with an error matching errors.ErrPollTimeout (Flinks: 30 minutes).
	DefaultPollTimeout = poll.DefaultTimeout
	// DefaultMaxRetries is the number of retries after the first attempt of
	// a call that is safe to repeat.
	DefaultMaxRetries = transport.DefaultMaxRetries
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the jittered backoff
	// between retries.
	DefaultRetryWaitMin = transport.DefaultRetryWaitMin
	DefaultRetryWaitMax = transport.DefaultRetryWaitMax
)

// ErrInvalidOption is wrapped by every error an [Option] returns, so
// errors.Is(err, ErrInvalidOption) tells a configuration mistake from
// anything else [NewClient] can return.
var ErrInvalidOption = errors.New("flinks: invalid option")

// Option configures a [Client]. Options validate their arguments: a bad
// value makes [NewClient] fail with an error wrapping [ErrInvalidOption].
// When two options set the same thing (WithInstance and WithBaseURL, for
// instance), the last one wins.
type Option func(*config) error

type config struct {
	baseURL      *url.URL
	apiKey       string
	secretKey    string
	apiSecret    string
	httpClient   *http.Client
	logger       *slog.Logger
	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	pollInterval time.Duration
	pollTimeout  time.Duration
	userAgent    string
}

func optErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidOption}, args...)...)
}

// instanceURL returns https://{name}-api.private.fin.ag.
func instanceURL(name string) *url.URL {
	return &url.URL{Scheme: "https", Host: name + "-api.private.fin.ag"}
}

// WithInstance selects a Flinks instance by name: requests go to
// https://{name}-api.private.fin.ag/v3/{customerID}/BankingServices/...
// The default is [DefaultInstance] ("toolbox"). Country-scoped production
// instances are named like "yourcompany-ca". The name must be a DNS label
// (letters, digits and hyphens).
func WithInstance(name string) Option {
	return func(c *config) error {
		n := strings.ToLower(strings.TrimSpace(name))
		if n == "" || len(n) > 50 || n[0] == '-' || n[len(n)-1] == '-' {
			return optErr("instance name must be a DNS label")
		}
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return optErr("instance name must be a DNS label")
			}
		}
		c.baseURL = instanceURL(n)
		return nil
	}
}

// WithBaseURL sets the scheme, host and an optional path prefix; requests
// go to {rawURL}/v3/{customerID}/BankingServices/... Use it for a proxy, a
// gateway or a fake server such as flinkstest. The URL must be absolute
// http or https, without user info, query or fragment.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimSpace(rawURL))
		if err != nil {
			return optErr("base URL does not parse")
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return optErr("base URL must be http or https")
		case u.Host == "" || u.Opaque != "":
			return optErr("base URL must have a host")
		case u.User != nil:
			return optErr("base URL must not carry user info")
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			return optErr("base URL must not have a query or fragment")
		}
		clean := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimSuffix(u.Path, "/"), RawPath: strings.TrimSuffix(u.RawPath, "/")}
		for _, seg := range strings.Split(clean.Path, "/") {
			if seg == ".." || seg == "." {
				return optErr("base URL path must not contain dot segments")
			}
		}
		c.baseURL = clean
		return nil
	}
}

func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// WithAPIKey sets the x-api-key header sent on the data endpoints
// (GetAccountsSummary, GetAccountsDetail, GetStatements and their *Async
// polls, DeleteCard, SetScheduledRefresh, the MFA question endpoints,
// Institutions and the attributes endpoints). It never appears in errors,
// logs or the client's String.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" || !headerSafe(key) {
			return optErr("API key must be non-empty printable text")
		}
		c.apiKey = key
		return nil
	}
}

// WithSecretKey sets the integration's secret key. It is sent as
// flinks-auth-key to /GenerateAuthorizeToken only; with it, [Client.Authorize]
// mints a fresh single-use authorize token for every call that does not
// carry one. It is also the default Bearer secret of
// [Client.GetNightlyRefreshStatus] (see [WithAPISecret]).
func WithSecretKey(key string) Option {
	return func(c *config) error {
		if key == "" || !headerSafe(key) {
			return optErr("secret key must be non-empty printable text")
		}
		c.secretKey = key
		return nil
	}
}

// WithAPISecret sets the API secret sent as "Authorization: Bearer" to
// /GetNightlyRefreshStatus, when it differs from the secret key given to
// [WithSecretKey].
func WithAPISecret(secret string) Option {
	return func(c *config) error {
		if secret == "" || !headerSafe(secret) {
			return optErr("API secret must be non-empty printable text")
		}
		c.apiSecret = secret
		return nil
	}
}

// WithHTTPClient sets the *http.Client under the retry layer. The default
// is a pooled client with a 90-second per-attempt timeout. Tests that use
// gock call gock.InterceptClient on [Client.HTTPClient].
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return optErr("HTTP client must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger makes the client log each request, response, retry and poll
// at debug or info level: the operation, attempt, HTTP status, FlinksCode
// and duration — never a URL, header, body, key, token or credential.
// Logging is off by default; nil turns it off.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithMaxRetries sets how many times a call that is safe to repeat is
// retried after its first attempt, on network errors, HTTP 5xx (not 501),
// 429 and TOO_MANY_REQUESTS (default [DefaultMaxRetries]; 0 disables
// retries). Calls that are not safe to repeat (Authorize,
// GenerateAuthorizeToken) are retried only when the connection could not be
// opened at all.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 || n > 100 {
			return optErr("max retries must be between 0 and 100")
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait bounds the jittered exponential backoff between retries
// (defaults [DefaultRetryWaitMin] and [DefaultRetryWaitMax]). A Retry-After
// longer than maxWait is not waited out: the call fails with an error
// matching errors.ErrRateLimited whose APIError.RetryAfter is set.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait <= 0 || maxWait <= 0 {
			return optErr("retry waits must be positive")
		}
		if minWait > maxWait {
			return optErr("minimum retry wait exceeds the maximum")
		}
		c.retryWaitMin, c.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithPollInterval sets how often a waiting call polls the *Async endpoint
// (default [DefaultPollInterval], 10 s).
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return optErr("poll interval must be positive")
		}
		c.pollInterval = d
		return nil
	}
}

// WithPollTimeout sets how long a waiting call polls before it fails with
// an error matching errors.ErrPollTimeout (default [DefaultPollTimeout],
// 30 min). The context's deadline, if earlier, wins.
func WithPollTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return optErr("poll timeout must be positive")
		}
		c.pollTimeout = d
		return nil
	}
}

// WithUserAgent replaces the default User-Agent ("bankdata-go/<version>
// (flinks)").
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" || !headerSafe(ua) {
			return optErr("user agent must be non-empty printable text")
		}
		c.userAgent = ua
		return nil
	}
}

// CallOption changes one call of a waiting method (GetAccountsSummary,
// GetAccountsDetail, GetStatements and the attributes methods).
type CallOption func(*callConfig)

type callConfig struct {
	noWait bool
	onPoll func(PollEvent)
}

// PollEvent reports one poll of a waiting call to the function given to
// [OnPoll].
type PollEvent struct {
	// Operation is the polled operation, e.g. "GetAccountsDetailAsync".
	Operation string
	// Attempt counts polls from 1.
	Attempt int
	// Elapsed is the time since the wait began.
	Elapsed time.Duration
	// Err is the poll's outcome: nil (data arrived), an error matching
	// errors.ErrPending (still running), or the terminal error.
	Err error
}

// NoWait makes a waiting call return the 202 at once instead of polling:
// the error matches errors.ErrOperationPending or errors.ErrOperationDispatched
// (and errors.ErrPending), and its *errors.APIError carries the RequestID.
// Use it with webhooks, or to poll yourself with the *Async methods.
func NoWait() CallOption { return func(c *callConfig) { c.noWait = true } }

// OnPoll calls fn after every poll of a waiting call, for progress
// reporting. fn runs on the calling goroutine and must not block.
func OnPoll(fn func(PollEvent)) CallOption { return func(c *callConfig) { c.onPoll = fn } }

func newCallConfig(opts []CallOption) callConfig {
	var cc callConfig
	for _, o := range opts {
		if o != nil {
			o(&cc)
		}
	}
	return cc
}
