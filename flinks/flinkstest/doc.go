// Package flinkstest is an in-process fake of the Flinks BankingServices API, for tests of
// code that talks to Flinks (the SDK's own tests, and yours).
//
//	srv := flinkstest.NewServer()
//	defer srv.Close()
//	// point a client at srv.URL with srv.CustomerID, srv.APIKey and srv.SecretKey
//
// It serves /v3/{CustomerID}/BankingServices/{Op} (path segments matched case-insensitively)
// and the Enrich routes /v3/{CustomerID}/insight/login/{loginId}/attributes/{requestId}[/{Op}],
// checks the credential headers of each endpoint (flinks-auth-key with the secret key on
// GenerateAuthorizeToken, flinks-auth-key with a single-use authorize token on Authorize,
// x-api-key on data endpoints, Authorization: Bearer <secret key> on GetNightlyRefreshStatus),
// and answers with the documented JSON shapes and FlinksCodes. JSON request keys are matched
// case-insensitively; booleans may also be strings. Secrets are never echoed.
//
// # Flinks Capital test users
//
// Institution "FlinksCapital" (InstitutionId 14). Every user's password is "Everyday".
// A card (LoginId) exists for every user from the start: see [Server.LoginID].
//
//	Username                  Live Authorize                            Cached Authorize
//	Greatday                  203 "What city were you born in?", then   200
//	                          203 "What is the best country on earth?",
//	                          then 200
//	Everyday                  203 "What shape do people like most?"     200
//	greatday_nomfa            200                                       200
//	test_disabled_account     401 DISABLED_LOGIN                        401 DISABLED_LOGIN
//	test_service_unavailable  401 RETRY_LATER                           401 RETRY_LATER
//	test_pending              200; data calls 202 OPERATION_PENDING     same
//	test_dispatched           200; data calls 202 OPERATION_DISPATCHED  same
//
// MFA answers (case-insensitive): "What city were you born in?" Montreal, "What is the best
// country on earth?" Canada, "What shape do people like most?" Triangle. Answer with a new
// authorize token and {"RequestId": "<from the 203>", "SecurityResponses": {"<prompt>":
// ["<answer>"]}}. A wrong answer gives INVALID_SECURITY_RESPONSE and closes the RequestId; an
// answer keyed by a prompt that was not asked gives UNKNOWN_CHALLENGE_KEY; a missing answer gives
// SECURITYRESPONSES_INCOMPLETE (both keep the RequestId open); answering an authorized RequestId
// gives ALREADY_AUTHORIZED. A second live Authorize of a card while a live session of that card
// is waiting for MFA answers gives CONCURRENT_SESSION.
//
// Live logins: {"Institution":"FlinksCapital","Username":…,"Password":…} or {"LoginId":…,
// "MostRecentCached":false} (MostRecentCached absent means false). Cached: {"LoginId":…,
// "MostRecentCached":true}. Unknown username: INVALID_USERNAME; wrong password:
// INVALID_PASSWORD; unknown or deleted LoginId: INVALID_LOGIN; another institution:
// DISABLED_INSTITUTION (405); Username without Institution, or an empty body: INVALID_REQUEST.
//
// # Sessions and timing
//
// A RequestId expires after more than 8 minutes without a request, and 30 minutes after its
// first data request, by the clock of [WithClock]; then every use answers SESSION_EXPIRED.
// Unknown RequestIds answer SESSION_NONEXISTENT (400). Data requests during MFA answer
// UNAUTHORIZED. Authorize tokens are single use and expire 30 minutes after minting.
//
// # Data
//
// Accounts and transactions are generated per login from the seed ([WithSeed]), lazily, once,
// and reused. Amounts are built from integer cents and written as minimal decimals (1500.25,
// 5105.6, 12). Transactions are newest first and span 540 days ending on the clock's day; each
// running Balance equals the next older Balance plus Credit minus Debit, for every account type
// (credit products therefore have negative balances), and the newest Balance equals
// Balance.Current. GetAccountsDetail honours WithTransactions (default true; false omits the
// Transactions key), WithKYC (default false; Holder is null without it), WithAccountIdentity
// (default false; TransitNumber and InstitutionNumber are null without it), AccountsFilter and
// DaysOfTransactions ("Days90", "Days365", any "Days<N>"; absent means the whole history).
//
// # Knobs
//
//   - [WithPendingPolls](n): 202 answers before the 200 for test_pending/test_dispatched
//     (default 2), per RequestId and per data kind (summary, detail, statements), consumed by the
//     sync call and its *Async endpoint (GET or POST) alike.
//   - [WithAccounts](n), [WithTransactions](n): data size (defaults 3 and 40).
//   - [WithSeed], [WithClock], [WithCustomerID], [WithAPIKey], [WithSecretKey].
//   - [Server.InjectError], [Server.InjectResponse]: scripted answers for the next requests.
//   - [Server.Requests], [Server.ExpireSessions], [Server.SendWebhook].
//
// Run it as a process with examples/flinks-fake-server.
package flinkstest
