package errors

import (
	"context"
	stderrors "errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Is reports whether any error in err's tree matches target (standard
// library errors.Is).
func Is(err, target error) bool { return stderrors.Is(err, target) }

// As finds the first error in err's tree that matches target (standard
// library errors.As).
func As(err error, target any) bool { return stderrors.As(err, target) }

// Join returns an error that wraps the given errors (standard library
// errors.Join).
func Join(errs ...error) error { return stderrors.Join(errs...) }

// New returns an error whose text is msg (standard library errors.New).
func New(msg string) error { return stderrors.New(msg) }

// Unwrap returns the result of calling Unwrap on err (standard library
// errors.Unwrap).
func Unwrap(err error) error { return stderrors.Unwrap(err) }

// MaxBodySize caps the raw body kept in [APIError.Body] and read from an
// error response: 64 KiB.
const MaxBodySize = 64 << 10

// Detail is one entry of the Flanks v2 envelope's error.details list.
type Detail struct {
	ErrorType string `json:"error_type"`
	Field     string `json:"field"`
}

// APIError is an error answered by a provider: an error body, a pending
// (202 / PROCESSING) body, or a body that could not be understood.
//
// errors.Is(err, target) is true for the sentinel of its code and for every
// category the code (or, without a code, the HTTP status) belongs to.
type APIError struct {
	// Provider is "flinks" or "flanks".
	Provider string
	// StatusCode is the HTTP status of the response (0 when the error did not
	// come from an HTTP response, see [FlinksCode]).
	StatusCode int
	// Code is the FlinksCode, the Flanks code name ("PROCESSING") or the v2
	// code ("ValidationError"); empty when the body carried none. Unknown
	// codes are kept as sent.
	Code string
	// Number is the Flanks numeric code (20002); 0 if none.
	Number int
	// Message is the provider's message, as sent.
	Message string
	// RequestID is the Flinks RequestId or the Flanks trace_id, if any.
	RequestID string
	// RetryAfter is the server's Retry-After, if it sent one.
	RetryAfter time.Duration
	// Details is the Flanks v2 envelope's error.details list.
	Details []Detail
	// Body is the raw response body, capped at [MaxBodySize]. It may hold
	// data the server echoed back; never log it as is.
	Body []byte

	// When Message quotes an excerpt of an undecodable body, excerptPrefix
	// is the text before the excerpt and excerptSrc the bytes it was cut
	// from, so that Scrub can rebuild it.
	excerptPrefix string
	excerptSrc    []byte
}

// Error names the provider, the code and the message (with ids and
// token-like words redacted). It never contains a URL or a header.
func (e *APIError) Error() string {
	return e.Provider + " " + e.describe()
}

// GoString keeps %#v as safe as %v.
func (e *APIError) GoString() string { return "&errors.APIError{" + strconv.Quote(e.Error()) + "}" }

// describe is Error without the provider prefix.
func (e *APIError) describe() string {
	var b strings.Builder
	switch {
	case e.Code != "" && e.Number != 0 && e.Code != strconv.Itoa(e.Number):
		b.WriteString(e.Code)
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Number))
		b.WriteString(")")
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Number != 0:
		b.WriteString(strconv.Itoa(e.Number))
	}
	if e.StatusCode != 0 {
		if b.Len() > 0 {
			b.WriteString(" (HTTP ")
			b.WriteString(strconv.Itoa(e.StatusCode))
			b.WriteString(")")
		} else {
			b.WriteString("HTTP ")
			b.WriteString(strconv.Itoa(e.StatusCode))
		}
	} else if b.Len() == 0 {
		b.WriteString("error")
	}
	if msg := Redact(e.Message); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	return b.String()
}

func (e *APIError) table() *codeTable {
	if e.Provider == ProviderFlanks {
		return &flanksCodes
	}
	return &flinksCodes
}

func (e *APIError) info() *CodeInfo {
	t := e.table()
	if e.Number != 0 {
		if ci := t.byNumber[e.Number]; ci != nil {
			return ci
		}
	}
	if e.Code == "" {
		return nil
	}
	if ci := t.byCode[e.Code]; ci != nil {
		return ci
	}
	if e.Provider == ProviderFlinks {
		return t.byCode[normalizeFlinksCode(e.Code)]
	}
	return t.byCode[strings.ToUpper(e.Code)]
}

// Info returns the documentation of the error's code: its meaning and the
// action to take. ok is false for codes the SDK does not know (and for
// errors without a code); then Meaning and Action describe the HTTP status.
func (e *APIError) Info() (info CodeInfo, ok bool) {
	if ci := e.info(); ci != nil {
		return *ci, true
	}
	info = CodeInfo{Provider: e.Provider, Code: e.Code, Number: e.Number, Status: e.StatusCode}
	switch {
	case e.StatusCode == 202:
		info.Meaning, info.Action = "The operation is still running.", "Wait and poll again."
	case e.StatusCode == 429:
		info.Meaning, info.Action = "Too many requests.", "Retry after RetryAfter."
	case e.StatusCode >= 500:
		info.Meaning, info.Action = "The provider failed to process the request.", "Retry later."
	case e.StatusCode == 401 || e.StatusCode == 403:
		info.Meaning, info.Action = "The integration's credentials were refused.", "Check the keys, secret and token configuration."
	case e.StatusCode >= 400:
		info.Meaning, info.Action = "The provider rejected the request.", "Fix the request."
	default:
		info.Meaning, info.Action = "The provider answered something the SDK could not use.", "Report it with the RequestID."
	}
	return info, false
}

// Is reports whether target is the sentinel of the error's code or one of
// the categories it belongs to.
func (e *APIError) Is(target error) bool {
	if _, ok := target.(*sentinel); !ok {
		return false
	}
	ci := e.info()
	if ci != nil {
		if ci.Sentinel == target {
			return true
		}
		for _, c := range ci.Categories {
			if c == target {
				return true
			}
		}
	}
	hasCode := ci != nil
	for _, c := range statusCategories(e.Provider, e.StatusCode, hasCode) {
		if c == target {
			return true
		}
	}
	if target == ErrUnexpectedResponse && e.Code == "" && e.Number == 0 && e.unexpected() {
		return true
	}
	if target == ErrRateLimited || target == ErrTemporary {
		// A 429 that carries a code is still a rate limit.
		if e.StatusCode == 429 && (ci == nil || !isTerminal(ci)) {
			return true
		}
	}
	return false
}

// unexpected reports whether the error stands for an undecodable body.
func (e *APIError) unexpected() bool {
	return strings.HasPrefix(e.Message, unexpectedPrefix)
}

func isTerminal(ci *CodeInfo) bool {
	for _, c := range ci.Categories {
		if c == ErrTemporary || c == ErrPending {
			return false
		}
	}
	return true
}

// OperationError wraps every error a client method returns with the
// provider and the operation name ("flinks GetAccountsDetail: ..."). It
// unwraps to the cause: an [*APIError], a context error or a network error.
type OperationError struct {
	Provider  string
	Operation string
	Err       error
}

// Error names the provider and operation, then the cause.
func (e *OperationError) Error() string {
	var inner string
	var api *APIError
	switch {
	case e.Err == nil:
		inner = "unknown error"
	case stderrors.As(e.Err, &api) && api == e.Err:
		inner = api.describe()
	default:
		inner = e.Err.Error()
	}
	return e.Provider + " " + e.Operation + ": " + inner
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// PollTimeoutError is returned when a wait ran out of time while the
// operation was still pending. It matches [ErrPollTimeout] and [ErrPending]
// and unwraps to the last pending error.
type PollTimeoutError struct {
	// Waited is how long the SDK waited.
	Waited time.Duration
	// Polls is how many polls were sent.
	Polls int
	// Last is the last pending answer (usually an *APIError).
	Last error
}

// Error says how long the wait lasted.
func (e *PollTimeoutError) Error() string {
	s := fmt.Sprintf("still pending after %s (%d polls)", e.Waited.Round(time.Millisecond), e.Polls)
	if e.Last != nil {
		s += ": " + e.Last.Error()
	}
	return s
}

// Is matches ErrPollTimeout and ErrPending.
func (e *PollTimeoutError) Is(target error) bool {
	return target == ErrPollTimeout || target == ErrPending
}

// Unwrap returns the last pending error.
func (e *PollTimeoutError) Unwrap() error { return e.Last }

// IsRetryable reports whether the same call may succeed if made again
// later: temporary provider errors, rate limits, pending operations
// (including a poll timeout) and network failures. It is false for nil,
// for context cancellation and deadlines, and for every terminal code
// (bad credentials, disabled login, bad request, ...).
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if stderrors.Is(err, context.Canceled) || stderrors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var api *APIError
	if stderrors.As(err, &api) {
		return api.Is(ErrTemporary) || api.Is(ErrPending) || api.Is(ErrRateLimited)
	}
	if stderrors.Is(err, ErrPending) || stderrors.Is(err, ErrTemporary) {
		return true
	}
	var ne net.Error
	if stderrors.As(err, &ne) {
		return true
	}
	return IsNetworkError(err)
}
