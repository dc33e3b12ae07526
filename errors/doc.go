// Package errors is the shared error model of the bankdata SDK: one
// [APIError] type for both providers, one sentinel per documented code,
// category sentinels that cover both providers, the pure body decoders
// [DecodeFlinks] and [DecodeFlanks], and the retry classification
// [IsRetryable].
//
// It also passes through the standard library's [Is], [As], [Join], [New]
// and [Unwrap], so application code needs a single import. Import it under
// another name so it does not shadow the standard library:
//
//	import sdkerrors "github.com/bankdata-go/bankdata/errors"
//
//	if sdkerrors.Is(err, sdkerrors.ErrInvalidLogin) { ... }
//	if sdkerrors.Is(err, sdkerrors.ErrTemporary) { ... retry later ... }
//	var apiErr *sdkerrors.APIError
//	if sdkerrors.As(err, &apiErr) { log.Print(apiErr.Code, apiErr.RequestID) }
//
// # Errors
//
// Every error a client returns is an [*OperationError] naming the provider
// and operation ("flinks GetAccountsDetail: ...") that unwraps to an
// [*APIError] (the provider answered an error or a pending body), a
// [*NetworkError] (the connection failed; it never prints the URL), a
// [*PollTimeoutError], or context.Canceled / context.DeadlineExceeded.
//
// [APIError.Is] matches the sentinel of its code (one per code of the Flinks
// and Flanks error tables: [ErrInvalidLogin], [ErrScaRequired], ...) and
// every category the code belongs to; without a code it falls back to the
// HTTP status (429 → [ErrRateLimited], 5xx → [ErrTemporary], 401/403 →
// [ErrAuthentication], ...). [APIError.Info] gives each code's documented
// meaning and the action a caller should take; [Lookup] and [Codes] list
// them without an error at hand.
//
// # Categories
//
// One errors.Is check covers a family of codes from either provider:
// [ErrPending], [ErrBadCredentials], [ErrSecurityChallenge],
// [ErrUserActionRequired], [ErrTemporary], [ErrRateLimited],
// [ErrSessionInvalid], [ErrAuthentication], [ErrBadRequest], [ErrNotFound],
// [ErrUnexpectedResponse] and [ErrPollTimeout].
//
// # Decoding
//
// [DecodeFlinks] and [DecodeFlanks] are pure: status and body in, error (or
// nil for a success) out. They branch on the code in the body before the
// HTTP status, read both Flanks envelopes, treat a 2xx body carrying an error
// code as that error, and never panic whatever the bytes (both are fuzzed).
// [FlinksCode] gives the error for a FlinksCode seen outside a response (a
// Flinks Connect event, a webhook, a stored record).
//
// # Waiting
//
// A wait that runs out of time while the operation is still pending returns
// a [*PollTimeoutError]: it matches [ErrPollTimeout] and [ErrPending] and
// unwraps to the last pending answer.
//
// # Retries
//
// [IsRetryable] reports whether the same call may succeed later: temporary
// provider errors, rate limits, pending operations and network failures. The
// clients retry on their own only what is safe (see the flinks and flanks
// package docs); IsRetryable is for your own queueing.
//
// # Secrets
//
// No error of this package prints a URL, a header or a secret. Messages the
// server sends are shown with GUIDs and long token-like words replaced by
// "[redacted]" ([Redact]); the raw text stays in [APIError.Message] and, capped
// at [MaxBodySize], in [APIError.Body]. Servers echo input back, so the
// clients also replace, in every message, the secrets their request carried
// ([Scrub], [APIError.Scrub]). A [NetworkError] never shows the bytes of a
// malformed response.
//
// # Testing
//
// Build the errors your code must handle with the decoders themselves, e.g.
// DecodeFlinks(401, []byte(`{"FlinksCode":"INVALID_LOGIN"}`)) or
// FlinksCode("RETRY_LATER"), or use the fakes (flinkstest, flankstest) to
// have them come back through a real client.
package errors
