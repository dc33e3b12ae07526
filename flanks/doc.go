// Package flanks is a typed client for the Flanks API (docs.flanks.io):
// Spanish and European bank, wealth and investment data.
//
// It covers both API generations:
//
//   - v0: credentials ([Client.GetCredentialStatus],
//     [Client.WaitForCredentials], [Client.ListCredentials],
//     [Client.ForceCredentials], [Client.DeleteCredentials],
//     [Client.CreateCredentials]), Flanks Link codes
//     ([Client.ExchangeLinkCode], [Client.ListLinkCodes]), entities
//     ([Client.ListEntities]), the Links API ([Client.CreateLink], ...) and
//     the Aggregation calls ([Client.GetPortfolios],
//     [Client.GetInvestments], [Client.GetInvestmentTransactions],
//     [Client.GetAccounts], [Client.GetAccountTransactions],
//     [Client.GetLiabilities], [Client.GetLiabilityTransactions],
//     [Client.GetCards], [Client.GetCardTransactions], [Client.GetIdentity],
//     [Client.GetHolders]), each taking a [DataRequest];
//   - v2: Connect ([Client.ListConnectors], [Client.CreateSession],
//     [Client.ListSessions], [Client.WaitForSession]), Aggregation v2
//     ([Client.ListProducts], [Client.ListTransactions], labels), Report
//     ([Client.BuildReport], [Client.WaitForReport],
//     [Client.GetReportContent]) and Letters ([Client.CreateSignedLetter]).
//
// A typical Flanks Link flow:
//
//	c, err := flanks.NewClient(clientID, clientSecret)
//	tok, err := c.ExchangeLinkCode(ctx, codeFromRedirect)
//	st, err := c.WaitForCredentials(ctx, tok)
//	portfolios, err := c.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: tok})
//
// # Authentication
//
// [NewClient] takes the client id and secret of a Flanks Platform
// application. The OAuth token (POST /v0/token, JSON body,
// client_credentials grant) is fetched on first use and cached until one
// minute (or 10% of its lifetime, if shorter) before its expires_in. However
// many goroutines need a token at the same moment, one request is sent and
// its answer shared; the fetch runs detached from the caller's context
// (bounded by [WithTokenFetchTimeout]), so one caller giving up does not
// fail the others.
//
// When any call answers 401 without a numeric code ("Invalid credentials",
// "Not authenticated", or the v2 UNAUTHENTICATED), the token is dropped
// (unless another goroutine already replaced it), a new one is fetched and
// the call is repeated once. This also applies to the calls that are
// otherwise never repeated ([Client.ExchangeLinkCode],
// [Client.CreateCredentials], [Client.CreateSession], ...): a 401 means
// Flanks refused the request before doing anything. A second 401 is
// returned. A failed token fetch is a *[TokenError]: a 403 access_denied
// (wrong client id, secret or grant) matches errors.ErrAuthentication; a
// token answer that is not a token matches errors.ErrUnexpectedResponse.
//
// # Errors
//
// Every error names its operation ("flanks GetPortfolios: ...") and
// unwraps, through *errors.OperationError, to an *errors.APIError, a
// context error, a network error or one of this package's typed errors.
// Branch with errors.Is on the sentinels of
// github.com/bankdata-go/bankdata/errors (imported as sdkerrors):
//
//   - v0 numeric codes, which win over the HTTP status: ErrIncomplete
//     (20001), ErrProcessing (20002), ErrScaError (20003),
//     ErrConfigurationError (40001), ErrBankError (50001),
//     ErrCredentialsError (50002), ErrScaRequired (50003);
//   - both envelopes decode: {"error": "...", "error_code": N} and
//     {"success": false, "error": {"code", "details"}, "trace_id"}
//     (APIError.Code, Details and RequestID = trace_id);
//   - categories covering both providers: ErrPending, ErrBadCredentials,
//     ErrUserActionRequired, ErrTemporary, ErrAuthentication,
//     ErrBadRequest, ErrUnexpectedResponse, ErrPollTimeout, ...
//
// Typed results of this package: *[DelayedError] (a credential held for
// security checks, HTTP 202), *[UserActionError] (the end user must act:
// blocked, SCA, reset), *[SessionError] (a Connect session that failed),
// *[ReportError] (a report build that failed), *[TokenError] and
// [ErrRepeatedPageToken]. Arguments the SDK refuses to send give errors
// matching errors.ErrBadRequest.
//
// Secrets never leak: the client secret, access tokens, credentials tokens,
// link codes and bank usernames and passwords appear in no error string,
// no log line and no %v, %+v or %#v of the client, requests or results
// (their String, GoString and LogValue redact them). Logging is off unless
// [WithLogger] is given.
//
// # Waiting
//
// Flanks documents no polling interval, so the SDK chooses: a first poll
// at once, then one every [DefaultPollInterval] (5 s, plus up to 10%
// jitter) for at most [DefaultPollTimeout] (15 min); change them with
// [WithPollInterval], [WithPollTimeout] and [WithPollJitter]. The
// context's deadline, if earlier, wins. Waits never sleep: they select on
// a timer and the context. A wait that runs out of time fails with an
// error matching errors.ErrPollTimeout (and errors.ErrPending); a
// cancelled context gives context.Canceled, wrapped with the operation.
//
//   - [Client.WaitForCredentials] polls the credential status until
//     pending is false, and stops early with a *[UserActionError] when the
//     status is blocked or carries an sca_token or reset_token.
//   - The Aggregation calls wait through PROCESSING (20002) by calling the
//     same data endpoint again each interval (the data endpoint is the
//     authority on its own data; polling the status in between would
//     double the requests). [DataRequest.NoWait] returns the PROCESSING
//     error at once instead.
//   - [Client.WaitForSession] polls a Connect session until Finished:*;
//     [Client.WaitForReport] polls a report until ready or fail.
//
// # Retries
//
// Each attempt goes through go-retryablehttp with jittered, capped
// exponential backoff ([WithMaxRetries], [WithRetryWait]). Reads — including
// Flanks' POST reads (status, lists, data, report status) — are retried on
// network errors, 5xx (except 501) and 429, honouring Retry-After up to the
// maximum wait; a longer Retry-After fails at once with an error matching
// errors.ErrRateLimited whose RetryAfter says how long. Calls that must not
// run twice — [Client.ExchangeLinkCode] (single-use code),
// [Client.CreateCredentials] (live bank login), [Client.CreateSession],
// [Client.CreateLink], [Client.DeleteLink], [Client.DeleteCredentials],
// [Client.BuildReport], [Client.CreateSignedLetter] — are retried only when
// the request provably never left (the connection could not be dialled),
// and once after a 401 as described above. Terminal codes are never
// retried.
//
// # Pagination
//
// The v2 list calls return an iter.Seq2[T, error] that follows
// page_token / next_page_token, sending the same query with every page:
//
//	for s, err := range c.ListSessions(ctx, flanks.SessionQuery{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(s.SessionID, s.Status)
//	}
//
// Pages are fetched as the loop advances and dropped once yielded, so
// memory stays flat however many pages there are; breaking out of the loop
// stops fetching. On failure the iterator yields one (zero, err) pair and
// stops. A next_page_token the server already gave in the same walk
// yields [ErrRepeatedPageToken] instead of looping forever.
// [Client.ListCredentials] walks the v0 page / pages numbering the same
// way. [Collect] gathers a short list into a slice.
//
// Query structs ([ConnectorQuery], [SessionQuery], [ProductQuery],
// [TransactionQuery]) follow Flanks' rules: a nil slice does not filter,
// an empty non-nil slice matches nothing.
//
// # Testing
//
// The package flanks/flankstest is an in-process fake of the Flanks API,
// driven by the TestBank passwords: point a client at it with
// [WithBaseURL] and shorten waits with [WithPollInterval]:
//
//	srv := flankstest.NewServer()
//	defer srv.Close()
//	c, _ := flanks.NewClient(srv.ClientID, srv.ClientSecret,
//		flanks.WithBaseURL(srv.URL), flanks.WithPollInterval(time.Millisecond))
//	tok, _ := c.ExchangeLinkCode(ctx, srv.NewLinkCode("1234"))
//
// To intercept the HTTP layer instead (gock, a recording transport), give
// the client an *http.Client with a concrete Transport through
// [WithHTTPClient], or use [Client.HTTPClient]. Waits run instantly under
// testing/synctest.
package flanks
