// Package flinks is a typed client for the Flinks bank-data API (Canada):
// Authorize, account summaries and details with transactions, PDF
// statements, card management, Enhanced MFA, nightly refresh, institutions,
// Enrich attributes and webhooks.
//
//	client, err := flinks.NewClient(customerID,
//		flinks.WithInstance("yourcompany-ca"),
//		flinks.WithAPIKey(apiKey),
//		flinks.WithSecretKey(secretKey),
//	)
//	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginID, MostRecentCached: true})
//	detail, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{
//		RequestID: auth.RequestID, WithTransactions: true, WithKYC: true,
//	})
//
// Every request goes to https://{instance}-api.private.fin.ag/v3/{customerID}/...
// ([WithInstance], default "toolbox"), or to the URL given to [WithBaseURL].
// A [Client] is safe for concurrent use.
//
// # Authentication
//
// Flinks uses three credentials. The secret key ([WithSecretKey]) mints
// single-use authorize tokens ([Client.GenerateAuthorizeToken], header
// flinks-auth-key). Each [Client.Authorize] call needs its own token: when
// [AuthorizeRequest].AuthorizeToken is empty and a secret key is configured,
// the client mints a fresh one for that call, and never reuses one. The
// x-api-key ([WithAPIKey]) goes on every data call. [Client.GetNightlyRefreshStatus]
// sends "Authorization: Bearer" with [WithAPISecret] (or the secret key).
//
// An Authorize answer with HTTP 203 is not an error: [AuthorizeResponse.NeedsMFA]
// is true and SecurityChallenges hold the prompts. Answer with
// [AuthorizeResponse.Answer] and call Authorize again, until a 200:
//
//	for resp.NeedsMFA() {
//		answers := map[string][]string{}
//		for _, ch := range resp.SecurityChallenges {
//			answers[ch.Prompt] = []string{askUser(ch.Prompt)}
//		}
//		resp, err = client.Authorize(ctx, resp.Answer(answers))
//	}
//
// Secrets never leak: the customer id, keys, tokens, usernames, passwords,
// MFA answers and LoginIds appear in no error string and no log line, and
// [Client], [AuthorizeRequest] and [MFAQuestion] print redacted (String,
// GoString and slog's LogValue).
//
// # Errors
//
// Every error a method returns is an *errors.OperationError naming the
// operation ("flinks GetAccountsDetail: SESSION_EXPIRED (HTTP 401): ...")
// that unwraps to an *errors.APIError (the FlinksCode, HTTP status,
// message and RequestId), to context.Canceled / context.DeadlineExceeded,
// or to a network error. Branch with errors.Is on the sentinels and
// categories of package github.com/bankdata-go/bankdata/errors:
//
//	import sdkerrors "github.com/bankdata-go/bankdata/errors"
//
//	switch {
//	case sdkerrors.Is(err, sdkerrors.ErrInvalidLogin): // reconnect through Flinks Connect
//	case sdkerrors.Is(err, sdkerrors.ErrSessionInvalid): // authorize again
//	case sdkerrors.Is(err, sdkerrors.ErrTemporary): // retry later
//	}
//
// The client keys off the FlinksCode in the body, not the HTTP status (the
// docs give different statuses for the same code), and a 200 whose body
// carries an error code is that error. Bodies it cannot read (HTML from a
// proxy, truncated JSON, an empty body) give an error matching
// errors.ErrUnexpectedResponse; a connection reset mid-body gives a network
// error. Input it can reject before sending gives [ErrInvalidArgument].
//
// # Waiting
//
// [Client.GetAccountsSummary], [Client.GetAccountsDetail],
// [Client.GetStatements] and the attributes methods wait: when Flinks
// answers 202 OPERATION_PENDING or OPERATION_DISPATCHED they poll the
// documented *Async/{requestId} endpoint every [WithPollInterval] (10 s)
// until the data arrives, a terminal error, the context ends, or
// [WithPollTimeout] (30 min) passes, which gives an error matching
// errors.ErrPollTimeout (and errors.ErrPending). Waits use timers, never
// time.Sleep, and stop as soon as the context is done.
//
// Webhook integrations that do not want to wait pass [NoWait]: the 202 comes
// back at once as an error matching errors.ErrOperationPending, with the
// RequestID on its *errors.APIError. [Client.GetAccountsDetailAsync] and its
// siblings poll exactly once. [OnPoll] reports progress.
//
// # Retries
//
// Calls that only read — including the POST data calls, DeleteCard,
// SetScheduledRefresh and AnswerMFAQuestions, which are idempotent in
// effect — are retried on network errors, HTTP 5xx (not 501), 429 and
// TOO_MANY_REQUESTS, with jittered, capped exponential backoff that honours
// Retry-After ([WithMaxRetries], [WithRetryWait]). A Retry-After longer than
// the maximum wait is not waited out: the error matches
// errors.ErrRateLimited and carries RetryAfter. [Client.Authorize] and
// [Client.GenerateAuthorizeToken] are retried only when the connection
// could not be opened: their token is single-use and a live Authorize talks
// to the bank. Terminal codes (bad credentials, disabled login, ...) are
// never retried. Each poll of a wait has its own retries.
//
// # Webhooks
//
// Flinks can POST the GetAccountsDetail result (and an early KYC payload)
// to your endpoint instead of being polled. [WebhookHandler] verifies the
// HMAC-SHA256 signature (Base64, header flinks-authenticity-key or
// X-Flinks-Signature, constant-time, over the raw body) and hands the
// restored body to your handler; [ParseWebhook] decodes it into a typed
// [Webhook]. [VerifyWebhook] and [SignWebhook] do the same by hand.
//
// # Testing
//
// Package github.com/bankdata-go/bankdata/flinks/flinkstest is an
// in-process fake Flinks: point the client at it with [WithBaseURL] and use
// the Flinks Capital test users (Greatday/Everyday with MFA, greatday_nomfa,
// test_disabled_account, test_service_unavailable, test_pending,
// test_dispatched). For HTTP mocks, pass [Client.HTTPClient] to
// gock.InterceptClient, give the client a concrete transport with
// [WithHTTPClient], anchor mock paths on the full path, and use
// WithMaxRetries(0) and WithPollInterval(time.Millisecond) (or
// testing/synctest) so tests never sleep.
//
// Money fields are [Amount] (exact decimals that print as sent, never
// float64), transaction dates are [Date] and timestamps [Timestamp].
// Client Dashboard statuses and warnings are [DashboardStatus] and
// [Warning].
package flinks
