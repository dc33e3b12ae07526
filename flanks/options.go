package flanks

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production Flanks API.
const DefaultBaseURL = "https://api.flanks.io"

// Poll defaults. Flanks documents no polling interval or limit; these are
// the SDK's choice: one poll every 5 s, for at most 15 minutes (an initial
// extraction at a slow bank can take several minutes).
const (
	DefaultPollInterval = 5 * time.Second
	DefaultPollTimeout  = 15 * time.Minute
)

// Retry defaults (see [WithMaxRetries] and [WithRetryWait]).
const (
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
)

// Option configures a [Client]. Options validate their argument: an invalid
// value makes [NewClient] fail.
type Option func(*config) error

type config struct {
	baseURL      *url.URL
	httpClient   *http.Client
	logger       *slog.Logger
	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	pollInterval time.Duration
	pollTimeout  time.Duration
	pollJitter   float64
	userAgent    string
	tokenTimeout time.Duration
}

// WithBaseURL sets the API's base URL: scheme and host, with an optional
// path prefix ("https://api.flanks.io", "http://127.0.0.1:8080/flanks").
// Default [DefaultBaseURL]. Use it to point the client at
// flanks/flankstest.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimSpace(rawURL))
		if err != nil {
			return errors.New("flanks: WithBaseURL: invalid URL")
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return errors.New("flanks: WithBaseURL: scheme must be http or https")
		}
		if u.Host == "" {
			return errors.New("flanks: WithBaseURL: host is required")
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return errors.New("flanks: WithBaseURL: query and fragment are not allowed")
		}
		u.User = nil
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the *http.Client under the SDK's retry layer. Give it
// a concrete Transport (tests intercept it with gock). Default: a pooled
// client with a 90 s per-attempt timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("flanks: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger sends the SDK's log lines (debug: each request, response,
// token fetch and poll; info: retries and failed calls) to l. Lines carry
// the operation, attempt, status, code and trace id; never a URL, header,
// body, token or credential. Logging is off by default; nil turns it off.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithMaxRetries sets how many times a failed attempt is retried (default
// [DefaultMaxRetries]; 0 disables retries). See the package documentation
// for which failures are retried.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return errors.New("flanks: WithMaxRetries: negative count")
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait bounds the jittered exponential backoff between retries
// (default [DefaultRetryWaitMin] to [DefaultRetryWaitMax]). A Retry-After
// longer than maxWait is not waited out: the call fails with an error
// matching errors.ErrRateLimited whose RetryAfter says how long to wait.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait <= 0 || maxWait < minWait {
			return errors.New("flanks: WithRetryWait: need 0 < min <= max")
		}
		c.retryWaitMin, c.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithPollInterval sets the time between two polls of a wait
// ([Client.WaitForCredentials], the data calls on PROCESSING,
// [Client.WaitForSession], [Client.WaitForReport]). Default
// [DefaultPollInterval] (Flanks documents none).
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("flanks: WithPollInterval: interval must be positive")
		}
		c.pollInterval = d
		return nil
	}
}

// WithPollTimeout bounds a whole wait (default [DefaultPollTimeout]); the
// context's deadline, if earlier, wins. A wait that runs out of time fails
// with an error matching errors.ErrPollTimeout (and errors.ErrPending).
func WithPollTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("flanks: WithPollTimeout: timeout must be positive")
		}
		c.pollTimeout = d
		return nil
	}
}

// WithPollJitter lengthens each poll interval by a random fraction in
// [0, f) so that many clients do not poll in step (default 0.1; 0 turns it
// off). Jitter never shortens an interval.
func WithPollJitter(f float64) Option {
	return func(c *config) error {
		if f < 0 || f > 1 {
			return errors.New("flanks: WithPollJitter: fraction must be in [0, 1]")
		}
		c.pollJitter = f
		return nil
	}
}

// WithUserAgent replaces the default User-Agent ("bankdata-go/<version>
// (flanks)").
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("flanks: WithUserAgent: invalid characters")
		}
		c.userAgent = ua
		return nil
	}
}

// WithTokenFetchTimeout bounds one shared OAuth token fetch, retries
// included (default 30 s). The fetch runs detached from the context of
// the call that started it, so that one caller giving up does not fail the
// other callers waiting for the same token; this timeout is what stops it.
// While a fetch hangs, later calls join it rather than start another, so
// keep the timeout short: a token request is a small, fast call.
func WithTokenFetchTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("flanks: WithTokenFetchTimeout: timeout must be positive")
		}
		c.tokenTimeout = d
		return nil
	}
}
