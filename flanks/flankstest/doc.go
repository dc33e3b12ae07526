// Package flankstest is an in-process fake of the Flanks API (api.flanks.io)
// for tests, examples and local development: the v0 token, Credentials,
// Aggregation, Entities, Link codes and Links APIs, Connect v2, Aggregation
// v2, Report v1 and Letters v1, with both error envelopes, realistic Spanish
// data and the TestBank behaviour the Flanks docs describe.
//
//	srv := flankstest.NewServer()
//	defer srv.Close()
//	client, _ := flanks.NewClient(srv.ClientID, srv.ClientSecret, flanks.WithBaseURL(srv.URL))
//	code := srv.NewLinkCode("1234") // an end user finished Flanks Link at TestBank
//
// The standalone program examples/flanks-fake-server serves the same API on a
// port for curl and non-Go clients.
//
// # Authentication
//
// POST /v0/token takes {"client_id","client_secret","grant_type":"client_credentials"}
// as JSON (a form-encoded body is accepted too) and answers
// {"access_token","expires_in","token_type":"Bearer","scope"}; wrong values
// answer 403 {"error":"access_denied"}. Every other API call needs
// "Authorization: Bearer <token>", else 401 {"error":"Invalid credentials"}
// (Letters: 401 v2 envelope with code UNAUTHENTICATED). Knobs: [WithTokenTTL],
// [WithClock], [WithRevokeOldTokens], [Server.ExpireTokens].
//
// # TestBank passwords
//
// [Server.NewLinkCode] (Flanks Link), [Server.CompleteSession] (Connect v2)
// and POST /v0/bank/credentials take these magic passwords; anything else,
// e.g. "1234", is a successful login with full data.
//
//	INVALID_CREDENTIALS        credential ends blocked=true with reset_token; data calls 400 error_code 50002
//	                           (direct create: 400 50002; session: Finished:Error InvalidCredentials)
//	USER_INTERACTION_NEEDED    blocked with reset_token, data 50002 (direct create: 400 50003;
//	                           session: UserInteractionNeeded)
//	SCA_TYPE_NOT_ALLOWED       blocked with reset_token, data 50002 (direct create: 400 50003;
//	                           session: UnsupportedChallengeMethod)
//	INTERNAL_ERROR             pending=false, every product errored; data 400 20001, or []
//	                           ({} for /auth) with ignore_data_error (direct create: 503 50001;
//	                           session: InternalError)
//	DATA_ERROR_PRODUCT_ACCOUNT only accounts errored: /account 20001 (or []), everything else has data
//	SCA_* (SCA_SMS, SCA_APP, ...), INVALID_SCA
//	                           pending=false with sca_token; data 400 50003 (direct create: 400 50003;
//	                           session: Waiting:Challenge, see CompleteSession)
//	ALREADY_EXISTS             link-code exchange / direct create 409 {"error":"Credentials already exist","error_code":40001}
//	SECURITY_CHECKS            (fake only) exchange / direct create 202 {"message":"Token is delayed during
//	                           security checks","credentials_token","error_code":20003}; the credential
//	                           stays pending and data calls answer 400 20003
//
// # Extraction
//
// A new credential is pending with every created flag false. Each status call
// and each data call on it is a touch; the credential finishes on touch number
// n ([WithProcessingPolls], default 3; 0 means finished at once): pending
// turns false, last_update/time/last_update_timestamp are set, and the
// password's outcome applies. Before that, on touch k the first
// floor(11*(k-1)/n) items of auth, account, holders, card, portfolio,
// investment, liability, account transactions, card transactions,
// investment transactions, liability transactions are created. A data call
// whose item is not created answers 400
// {"error":"Retrieving user data. Please try again in a moment.","error_code":20002}.
// The second key of the status "created"/"errored" objects is "transactions"
// for the 1st, 3rd, ... credential and "transaction" for the 2nd, 4th, ...
// (the docs disagree). Timestamps are Unix seconds; dates are UTC.
//
// # Data
//
// Data calls (POST /v0/bank/credentials/{portfolio, investment,
// investment/transaction, account, data, liability, liability/transaction,
// card, card/transaction, holder}) answer bare arrays; /auth answers one
// object. Their "query" filters arrays: each key names a field, an array
// value matches any element (an empty array matches nothing), a scalar must
// be equal, "x_in" also means field "x", date_from/date_to bound
// operationDate. Amounts are exact decimals built from integer cents (1234.56,
// -45.1, 12); account and portfolio balances agree with their transactions and
// positions. Data depends only on [WithSeed], the clock at creation and the
// call sequence. [WithInvestmentTransactions] sets the size of the
// investment history (default 30).
//
// # Errors
//
// v0 paths answer {"error":"...","error_code":N}; 401, 403, 404, 405
// (wrong method on a known path), 413 and 415 (a body whose Content-Type is
// not JSON) answer {"error":"..."} everywhere. Links API, Connect v2,
// Aggregation v2, Report and Letters answer
// {"success":false,"error":{"code":"ValidationError","details":[{"error_type","field"}]},"trace_id"}
// (also code DuplicatedName on create-link/edit-link). [Server.InjectError]
// replaces the next answers of a path with any status and body;
// [Server.Requests] and [Server.TokenRequests] count calls.
//
// # Links
//
// The server starts with one Link, "Default link" (redirect_uri
// https://example.com/flanks/callback), which owns the codes
// [Server.NewLinkCode] creates; list-links therefore starts with count 1. A
// link with unused codes cannot be deleted.
//
// # Pagination
//
// v2 lists page by [WithPageSize] items (default 20) with opaque page tokens
// bound to the list and its query (a token reused with another query is a
// ValidationError on page_token); next_page_token is null on the last page.
// POST /v0/bank/credentials/list pages the same size, 1-based, pages >= 1.
//
// # Widgets
//
// For manual use, GET /widget/link?token=LINK_TOKEN and the session url
// (/widget/connect?session_id=...) serve tiny HTML forms that create a link
// code or complete a session and redirect like the real widgets.
package flankstest
