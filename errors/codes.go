package errors

import (
	"net/http"
	"strconv"
	"strings"
)

// Provider names used in [APIError.Provider] and [OperationError.Provider].
const (
	ProviderFlinks = "flinks"
	ProviderFlanks = "flanks"
)

// CodeInfo documents one provider error code: what it means and what a
// caller should do about it. Every [APIError] with a known code reaches its
// CodeInfo through [APIError.Info].
type CodeInfo struct {
	// Provider is "flinks" or "flanks".
	Provider string
	// Code is the FlinksCode (e.g. "INVALID_LOGIN") or the Flanks code name
	// (e.g. "PROCESSING").
	Code string
	// Number is the Flanks numeric code (e.g. 20002); 0 for Flinks codes.
	Number int
	// Status is the HTTP status the provider documents for the code; the
	// same code is seen under other statuses too, so never branch on it.
	Status int
	// Meaning says what happened, in the provider documentation's terms.
	Meaning string
	// Action says what the caller (or the end user) should do.
	Action string
	// Sentinel is the error value that errors.Is matches for this code.
	Sentinel error
	// Categories are the category sentinels the code belongs to.
	Categories []error
}

// Flinks sentinels, one per documented FlinksCode. errors.Is(err, ErrX)
// is true for an [APIError] carrying that code.
var (
	ErrOperationPending               = newSentinel("OPERATION_PENDING")
	ErrOperationDispatched            = newSentinel("OPERATION_DISPATCHED")
	ErrSessionNonexistent             = newSentinel("SESSION_NONEXISTENT")
	ErrCardInUse                      = newSentinel("CARD_IN_USE")
	ErrAccessDenied                   = newSentinel("ACCESS_DENIED")
	ErrInvalidLogin                   = newSentinel("INVALID_LOGIN")
	ErrInvalidRequest                 = newSentinel("INVALID_REQUEST")
	ErrInvalidSecurityResponse        = newSentinel("INVALID_SECURITY_RESPONSE")
	ErrInvalidSecurityResponseNoRetry = newSentinel("INVALID_SECURITY_RESPONSE_NO_RETRY")
	ErrInvalidUsername                = newSentinel("INVALID_USERNAME")
	ErrInvalidPassword                = newSentinel("INVALID_PASSWORD")
	ErrQuestionNotFound               = newSentinel("QUESTION_NOT_FOUND")
	ErrRetryLater                     = newSentinel("RETRY_LATER")
	ErrTooManyRequests                = newSentinel("TOO_MANY_REQUESTS")
	ErrUnknownChallengeKey            = newSentinel("UNKNOWN_CHALLENGE_KEY")
	ErrConcurrentSession              = newSentinel("CONCURRENT_SESSION")
	ErrUnauthorized                   = newSentinel("UNAUTHORIZED")
	ErrUnhandled                      = newSentinel("UNHANDLED")
	ErrDisabledLogin                  = newSentinel("DISABLED_LOGIN")
	ErrNewAccount                     = newSentinel("NEW_ACCOUNT")
	ErrSessionExpired                 = newSentinel("SESSION_EXPIRED")
	ErrAlreadyAuthorized              = newSentinel("ALREADY_AUTHORIZED")
	ErrSecurityResponsesIncomplete    = newSentinel("SECURITYRESPONSES_INCOMPLETE")
	ErrNoTransaction                  = newSentinel("NO_TRANSACTION")
	ErrDisabledInstitution            = newSentinel("DISABLED_INSTITUTION")
	ErrAggregationError               = newSentinel("AGGREGATION_ERROR")
	ErrMethodNotAvailable             = newSentinel("METHOD_NOT_AVAILABLE")
	ErrBankMaintenanceRetryLater      = newSentinel("BANK_MAINTENANCE_RETRY_LATER")
)

// Flanks sentinels, one per documented numeric code, plus the v2 codes.
var (
	ErrIncomplete         = newSentinel("INCOMPLETE (20001)")
	ErrProcessing         = newSentinel("PROCESSING (20002)")
	ErrScaError           = newSentinel("SCA_ERROR (20003)")
	ErrConfigurationError = newSentinel("CONFIGURATION_ERROR (40001)")
	ErrBankError          = newSentinel("BANK_ERROR (50001)")
	ErrCredentialsError   = newSentinel("CREDENTIALS_ERROR (50002)")
	ErrScaRequired        = newSentinel("SCA_REQUIRED (50003)")
	// ErrValidationError is the v2 envelope's "ValidationError" code.
	ErrValidationError = newSentinel("ValidationError")
	// ErrUnauthenticated is the v2 envelope's "UNAUTHENTICATED" code.
	ErrUnauthenticated = newSentinel("UNAUTHENTICATED")
)

// Category sentinels: one errors.Is check covers a family of codes from
// either provider.
var (
	// ErrPending: the operation is still running (OPERATION_PENDING,
	// OPERATION_DISPATCHED, PROCESSING, or a 202 without a code).
	ErrPending = newSentinel("operation pending")
	// ErrBadCredentials: the end user's bank credentials were refused.
	ErrBadCredentials = newSentinel("bad bank credentials")
	// ErrSecurityChallenge: an MFA / SCA step failed or is needed.
	ErrSecurityChallenge = newSentinel("security challenge failed or required")
	// ErrUserActionRequired: only the end user can unblock this, at the bank
	// or in the provider's widget.
	ErrUserActionRequired = newSentinel("end-user action required")
	// ErrTemporary: the same call may succeed later.
	ErrTemporary = newSentinel("temporary failure")
	// ErrRateLimited: TOO_MANY_REQUESTS or HTTP 429; see APIError.RetryAfter.
	ErrRateLimited = newSentinel("rate limited")
	// ErrSessionInvalid: the RequestId/session is gone; authorize again.
	ErrSessionInvalid = newSentinel("session invalid")
	// ErrAuthentication: the integration's own credentials (API key, secret,
	// OAuth token) were refused.
	ErrAuthentication = newSentinel("authentication failed")
	// ErrBadRequest: the request itself is wrong; fix the call.
	ErrBadRequest = newSentinel("bad request")
	// ErrNotFound: HTTP 404 without a more specific code.
	ErrNotFound = newSentinel("not found")
	// ErrUnexpectedResponse: the server answered with a body the SDK cannot
	// decode (HTML from a proxy, truncated JSON, an empty body).
	ErrUnexpectedResponse = newSentinel("unexpected response")
	// ErrPollTimeout: a wait ran out of time while the operation was still
	// pending. It also matches ErrPending.
	ErrPollTimeout = newSentinel("poll timeout")
)

// sentinel is the type of every exported sentinel: comparable by identity,
// printing its code.
type sentinel struct{ name string }

func newSentinel(name string) error { return &sentinel{name: name} }

func (s *sentinel) Error() string { return s.name }

type codeTable struct {
	byCode   map[string]*CodeInfo
	byNumber map[int]*CodeInfo
}

var flinksCodes, flanksCodes codeTable

func add(t *codeTable, provider, code string, number, status int, sent error, meaning, action string, cats ...error) {
	ci := &CodeInfo{Provider: provider, Code: code, Number: number, Status: status,
		Sentinel: sent, Meaning: meaning, Action: action, Categories: cats}
	if t.byCode == nil {
		t.byCode = map[string]*CodeInfo{}
		t.byNumber = map[int]*CodeInfo{}
	}
	t.byCode[code] = ci
	if number != 0 {
		t.byNumber[number] = ci
	}
}

func init() {
	f := &flinksCodes
	const fl = ProviderFlinks
	add(f, fl, "OPERATION_PENDING", 0, 202, ErrOperationPending,
		"The process is still running in the background (typical right after a new account is authorized).",
		"Poll the matching *Async endpoint; the SDK does this for you unless you asked for the 202.", ErrPending)
	add(f, fl, "OPERATION_DISPATCHED", 0, 202, ErrOperationDispatched,
		"The synchronous request took more than 210 seconds and was moved to the background.",
		"Poll the matching *Async endpoint; the SDK does this for you unless you asked for the 202.", ErrPending)
	add(f, fl, "SESSION_NONEXISTENT", 0, 400, ErrSessionNonexistent,
		"The RequestId is unknown or expired.",
		"Authorize again (cached mode with the LoginId) and use the new RequestId.", ErrSessionInvalid)
	add(f, fl, "CARD_IN_USE", 0, 400, ErrCardInUse,
		"The login is still being processed (e.g. DeleteCard right after Authorize).",
		"Wait for the running operation to finish, then retry.", ErrTemporary)
	add(f, fl, "ACCESS_DENIED", 0, 401, ErrAccessDenied,
		"The integration's authentication was refused (API key, secret key or authorize token).",
		"Check the customer id, x-api-key, secret key and that each authorize token is used once.", ErrAuthentication)
	add(f, fl, "INVALID_LOGIN", 0, 401, ErrInvalidLogin,
		"The LoginId does not exist for this customer, or the username/password is wrong.",
		"Ask the end user to reconnect through Flinks Connect; do not retry as is.", ErrBadCredentials)
	add(f, fl, "INVALID_REQUEST", 0, 401, ErrInvalidRequest,
		"The request is missing fields, is malformed, or misses a required header.",
		"Fix the request; retrying it unchanged will fail again.", ErrBadRequest)
	add(f, fl, "INVALID_SECURITY_RESPONSE", 0, 401, ErrInvalidSecurityResponse,
		"The MFA answer was wrong or incomplete.",
		"Ask the end user to answer the security question again in a new session.", ErrSecurityChallenge)
	add(f, fl, "INVALID_SECURITY_RESPONSE_NO_RETRY", 0, 401, ErrInvalidSecurityResponseNoRetry,
		"The MFA answer was wrong and this session cannot be retried.",
		"Start over with a new Authorize; tell the end user the answer was refused.", ErrSecurityChallenge, ErrInvalidSecurityResponse)
	add(f, fl, "INVALID_USERNAME", 0, 401, ErrInvalidUsername,
		"The bank did not accept the username.",
		"Ask the end user to re-enter their username.", ErrBadCredentials)
	add(f, fl, "INVALID_PASSWORD", 0, 401, ErrInvalidPassword,
		"The bank did not accept the password.",
		"Ask the end user to re-enter their password.", ErrBadCredentials)
	add(f, fl, "QUESTION_NOT_FOUND", 0, 401, ErrQuestionNotFound,
		"The bank asked an MFA question that has no stored answer.",
		"Run a live Authorize so the end user answers it, or store it with AnswerMFAQuestions.", ErrSecurityChallenge)
	add(f, fl, "RETRY_LATER", 0, 401, ErrRetryLater,
		"Flinks could not open a connection with the financial institution.",
		"Try again later; tell the end user their bank is unreachable for now.", ErrTemporary)
	add(f, fl, "TOO_MANY_REQUESTS", 0, 401, ErrTooManyRequests,
		"The endpoint received too many requests in a given amount of time.",
		"Slow down and retry after APIError.RetryAfter (reads are retried automatically).", ErrTemporary, ErrRateLimited)
	add(f, fl, "UNKNOWN_CHALLENGE_KEY", 0, 401, ErrUnknownChallengeKey,
		"The MFA answers are keyed by a prompt that was not asked.",
		"Key SecurityResponses by the exact Prompt strings of the 203 challenges.", ErrSecurityChallenge)
	add(f, fl, "CONCURRENT_SESSION", 0, 401, ErrConcurrentSession,
		"Another session is already open with this LoginId.",
		"Wait for the other session to finish, then retry.", ErrTemporary)
	add(f, fl, "UNAUTHORIZED", 0, 401, ErrUnauthorized,
		"The institution did not authorize access, or data was requested before the session was authorized (e.g. during MFA).",
		"Finish the MFA round before asking for data; otherwise the end user may need to act on their bank's website.", ErrUserActionRequired)
	add(f, fl, "UNHANDLED", 0, 401, ErrUnhandled,
		"Flinks met an error it cannot handle.",
		"Do not retry blindly; contact Flinks support with the RequestId.")
	add(f, fl, "DISABLED_LOGIN", 0, 401, ErrDisabledLogin,
		"The account was deactivated or locked by the financial institution.",
		"Tell the end user to contact their bank (or reset their password there); stop refreshing this login.", ErrUserActionRequired)
	add(f, fl, "NEW_ACCOUNT", 0, 401, ErrNewAccount,
		"The end user must act on their online banking first (e.g. accept a consent form).",
		"Tell the end user to log in to their bank's website, then reconnect.", ErrUserActionRequired)
	add(f, fl, "SESSION_EXPIRED", 0, 401, ErrSessionExpired,
		"The RequestId expired (8 minutes idle during Authorize, or the 30-minute processing cap).",
		"Authorize again and use the new RequestId promptly.", ErrSessionInvalid)
	add(f, fl, "ALREADY_AUTHORIZED", 0, 401, ErrAlreadyAuthorized,
		"Authorize was called for a RequestId that is already authorized.",
		"Use the existing RequestId for data calls, or start a new Authorize.", ErrSessionInvalid)
	add(f, fl, "SECURITYRESPONSES_INCOMPLETE", 0, 401, ErrSecurityResponsesIncomplete,
		"Not every prompted MFA question had an answer.",
		"Answer every prompt of the 203 challenge in one call.", ErrSecurityChallenge)
	add(f, fl, "NO_TRANSACTION", 0, 404, ErrNoTransaction,
		"The account has no transactions (or no processed GetAccountsDetail) to compute attributes from.",
		"Run GetAccountsDetail first; an account without history cannot be scored.")
	add(f, fl, "DISABLED_INSTITUTION", 0, 405, ErrDisabledInstitution,
		"The selected financial institution is not available.",
		"Offer another institution, or try again later.")
	add(f, fl, "AGGREGATION_ERROR", 0, 500, ErrAggregationError,
		"Flinks had an unexpected error and could not process the request.",
		"Retry later; contact Flinks support if it persists.", ErrTemporary)
	add(f, fl, "METHOD_NOT_AVAILABLE", 0, 501, ErrMethodNotAvailable,
		"The requested API is not enabled on this instance.",
		"Ask Flinks to enable the feature for your instance.")
	add(f, fl, "BANK_MAINTENANCE_RETRY_LATER", 0, 401, ErrBankMaintenanceRetryLater,
		"The institution was under maintenance.",
		"Try again later; tell the end user their bank is under maintenance.", ErrTemporary)

	g := &flanksCodes
	const fa = ProviderFlanks
	add(g, fa, "INCOMPLETE", 20001, 400, ErrIncomplete,
		"Data is not available because some product or transaction extraction failed; the matching errored flag in the credential status is true.",
		"Retry later or pass IgnoreDataError to get the data that exists; contact Flanks support if it persists.")
	add(g, fa, "PROCESSING", 20002, 400, ErrProcessing,
		"The user's data is still being retrieved (pending, or the created flag is still false).",
		"Wait and poll the credential status; the SDK waits for you on data calls.", ErrPending)
	add(g, fa, "SCA_ERROR", 20003, 400, ErrScaError,
		"The credentials token is held for security and data-quality checks.",
		"Retry much later (hours to days); do not poll in a tight loop.")
	add(g, fa, "CONFIGURATION_ERROR", 40001, 400, ErrConfigurationError,
		"Missing required fields, an invalid parameter, a conflict with an existing object, or an element that does not exist.",
		"Review the request headers, query and body.", ErrBadRequest)
	add(g, fa, "BANK_ERROR", 50001, 500, ErrBankError,
		"The connection with the bank cannot be established, or the bank returned a server error.",
		"Try again later; the bank's website is unavailable.", ErrTemporary)
	add(g, fa, "CREDENTIALS_ERROR", 50002, 400, ErrCredentialsError,
		"The bank credentials are incorrect.",
		"Ask the end user to review and re-enter their bank credentials.", ErrBadCredentials)
	add(g, fa, "SCA_REQUIRED", 50003, 400, ErrScaRequired,
		"The bank requires strong customer authentication (2FA) to finish connecting.",
		"Ask the end user to complete the 2FA step.", ErrSecurityChallenge, ErrUserActionRequired)
	add(g, fa, "ValidationError", 0, 400, ErrValidationError,
		"The request failed validation; Details lists the fields.",
		"Fix the listed fields.", ErrBadRequest)
	add(g, fa, "UNAUTHENTICATED", 0, 401, ErrUnauthenticated,
		"The access token is missing, invalid or expired.",
		"The SDK refreshes the token once; if it persists check the client id and secret.", ErrAuthentication)
}

// normalizeFlinksCode upper-cases a FlinksCode and accepts the Client
// Dashboard spelling ("Bank Maintenance Retry Later").
func normalizeFlinksCode(code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	code = strings.ToUpper(code)
	code = strings.ReplaceAll(code, " ", "_")
	code = strings.ReplaceAll(code, "-", "_")
	if code == "SECURITY_RESPONSES_INCOMPLETE" {
		code = "SECURITYRESPONSES_INCOMPLETE"
	}
	return code
}

// Lookup returns the documentation of a provider code: provider is
// "flinks" or "flanks"; code is a FlinksCode, a Flanks code name or a
// Flanks number written in decimal ("20002").
func Lookup(provider, code string) (CodeInfo, bool) {
	var ci *CodeInfo
	switch provider {
	case ProviderFlinks:
		ci = flinksCodes.byCode[normalizeFlinksCode(code)]
	case ProviderFlanks:
		if n, err := strconv.Atoi(code); err == nil {
			ci = flanksCodes.byNumber[n]
		} else {
			ci = flanksCodes.byCode[code]
			if ci == nil {
				ci = flanksCodes.byCode[strings.ToUpper(code)]
			}
		}
	}
	if ci == nil {
		return CodeInfo{}, false
	}
	return *ci, true
}

// Codes lists every documented code of a provider ("flinks" or "flanks").
func Codes(provider string) []CodeInfo {
	t := flinksCodes
	if provider == ProviderFlanks {
		t = flanksCodes
	} else if provider != ProviderFlinks {
		return nil
	}
	out := make([]CodeInfo, 0, len(t.byCode))
	for _, ci := range t.byCode {
		out = append(out, *ci)
	}
	sortCodes(out)
	return out
}

func sortCodes(c []CodeInfo) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].Code < c[j-1].Code; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}

// statusCategories gives the categories implied by an HTTP status alone,
// for bodies that carry no code (or a code that does not say more).
func statusCategories(provider string, status int, hasCode bool) []error {
	switch {
	case status == http.StatusAccepted:
		if !hasCode {
			return []error{ErrPending}
		}
	case status == http.StatusTooManyRequests:
		return []error{ErrRateLimited, ErrTemporary}
	case status >= 500 && status != http.StatusNotImplemented && !hasCode:
		return []error{ErrTemporary}
	case status == http.StatusMethodNotAllowed || status == http.StatusUnsupportedMediaType:
		if !hasCode {
			return []error{ErrBadRequest}
		}
	case status == http.StatusBadRequest || status == http.StatusConflict || status == http.StatusUnprocessableEntity:
		if !hasCode {
			return []error{ErrBadRequest}
		}
	case status == http.StatusNotFound:
		if !hasCode {
			return []error{ErrNotFound}
		}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		if !hasCode {
			return []error{ErrAuthentication}
		}
	}
	return nil
}
