package flanks

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// DataRequest selects the data of one credential for the v0 Aggregation
// calls ([Client.GetPortfolios] and the others). CredentialsToken is a
// secret: String, GoString and LogValue redact it.
type DataRequest struct {
	// CredentialsToken identifies the credential (required).
	CredentialsToken string
	// Query filters the result; sent as "query". Known usage:
	// {"account_id": ["<id>"]} on GetAccountTransactions. Flanks does not
	// document the keys; they are passed through as given.
	Query map[string]any
	// IgnoreDataError is sent as "ignore_data_error": return the data that
	// exists instead of INCOMPLETE (20001) when some extraction failed.
	IgnoreDataError bool
	// NoWait returns a PROCESSING (20002) answer at once, as an error
	// matching errors.ErrProcessing, instead of waiting for the data.
	NoWait bool
}

// String describes the request with the token redacted and only the keys
// of Query.
func (r DataRequest) String() string {
	return "flanks.DataRequest{CredentialsToken: " + secret(r.CredentialsToken) + ", Query: " + keysOf(r.Query) +
		", IgnoreDataError: " + boolText(r.IgnoreDataError) + ", NoWait: " + boolText(r.NoWait) + "}"
}

// GoString makes %#v as safe as %v.
func (r DataRequest) GoString() string { return r.String() }

// LogValue makes the request safe to pass to log/slog.
func (r DataRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("credentials_token", secret(r.CredentialsToken)),
		slog.String("query_keys", keysOf(r.Query)),
		slog.Bool("ignore_data_error", r.IgnoreDataError),
		slog.Bool("no_wait", r.NoWait),
	)
}

type dataBody struct {
	CredentialsToken string         `json:"credentials_token"`
	Query            map[string]any `json:"query,omitempty"`
	IgnoreDataError  bool           `json:"ignore_data_error,omitempty"`
}

// getData calls one v0 Aggregation endpoint and, while it answers
// PROCESSING (20002), calls it again every poll interval: the data
// endpoint itself is the authority on whether its data is ready (a status
// poll in between would double the requests and still race the
// extraction). Terminal answers (INCOMPLETE 20001, CREDENTIALS_ERROR 50002,
// SCA_REQUIRED 50003, SCA_ERROR 20003, ...) are returned at once.
func getData[T any](ctx context.Context, c *Client, op, path string, req DataRequest) (T, error) {
	var zero T
	if req.CredentialsToken == "" {
		return zero, badArg(op, "credentials token is empty")
	}
	r := &transport.Request{
		Op: op, Method: http.MethodPost, Path: path, Idempotent: true,
		Body: dataBody{CredentialsToken: req.CredentialsToken, Query: req.Query, IgnoreDataError: req.IgnoreDataError},
	}
	once := func(ctx context.Context) (T, error) {
		var out T
		_, err := c.send(ctx, r, &out)
		return out, err
	}
	if req.NoWait {
		v, err := once(ctx)
		return v, opError(op, err)
	}
	return wait(ctx, c, op, isPending, once)
}

// The v0 Aggregation calls. Each sends POST {path} with
// {"credentials_token", "query", "ignore_data_error"} and waits through
// PROCESSING (20002) as described on [Client.GetPortfolios].

// GetPortfolios returns the credential's investment portfolios:
// POST /v0/bank/credentials/portfolio.
//
// While Flanks answers PROCESSING (20002: the data is still being
// extracted) the call is repeated every poll interval until the data
// arrives, a terminal error, ctx ends, or the poll timeout passes (an
// error matching errors.ErrPollTimeout and errors.ErrPending); set
// [DataRequest.NoWait] to get the PROCESSING error at once. Notable
// errors: errors.ErrIncomplete (20001: the extraction failed; retry later
// or set IgnoreDataError), errors.ErrCredentialsError (50002: blocked
// credential), errors.ErrScaRequired (50003), errors.ErrScaError (20003:
// held for security checks), errors.ErrConfigurationError (40001: unknown
// token). An empty list is not an error.
func (c *Client) GetPortfolios(ctx context.Context, req DataRequest) ([]Portfolio, error) {
	return getData[[]Portfolio](ctx, c, "GetPortfolios", "/v0/bank/credentials/portfolio", req)
}

// GetInvestments returns the credential's positions:
// POST /v0/bank/credentials/investment. It waits through PROCESSING and
// fails like [Client.GetPortfolios].
func (c *Client) GetInvestments(ctx context.Context, req DataRequest) ([]Investment, error) {
	return getData[[]Investment](ctx, c, "GetInvestments", "/v0/bank/credentials/investment", req)
}

// GetInvestmentTransactions returns the movements of the credential's
// positions: POST /v0/bank/credentials/investment/transaction. It waits
// through PROCESSING and fails like [Client.GetPortfolios].
func (c *Client) GetInvestmentTransactions(ctx context.Context, req DataRequest) ([]InvestmentTransaction, error) {
	return getData[[]InvestmentTransaction](ctx, c, "GetInvestmentTransactions", "/v0/bank/credentials/investment/transaction", req)
}

// GetAccounts returns the credential's cash accounts:
// POST /v0/bank/credentials/account. It waits through PROCESSING and fails
// like [Client.GetPortfolios].
func (c *Client) GetAccounts(ctx context.Context, req DataRequest) ([]Account, error) {
	return getData[[]Account](ctx, c, "GetAccounts", "/v0/bank/credentials/account", req)
}

// GetAccountTransactions returns the movements of the credential's cash
// accounts: POST /v0/bank/credentials/data (filter one account with Query
// {"account_id": ["<id>"]}). It waits through PROCESSING and fails like
// [Client.GetPortfolios].
func (c *Client) GetAccountTransactions(ctx context.Context, req DataRequest) ([]AccountTransaction, error) {
	return getData[[]AccountTransaction](ctx, c, "GetAccountTransactions", "/v0/bank/credentials/data", req)
}

// GetLiabilities returns the credential's loans and credit lines:
// POST /v0/bank/credentials/liability. It waits through PROCESSING and
// fails like [Client.GetPortfolios].
func (c *Client) GetLiabilities(ctx context.Context, req DataRequest) ([]Liability, error) {
	return getData[[]Liability](ctx, c, "GetLiabilities", "/v0/bank/credentials/liability", req)
}

// GetLiabilityTransactions returns the movements of the credential's
// liabilities: POST /v0/bank/credentials/liability/transaction. It waits
// through PROCESSING and fails like [Client.GetPortfolios].
func (c *Client) GetLiabilityTransactions(ctx context.Context, req DataRequest) ([]LiabilityTransaction, error) {
	return getData[[]LiabilityTransaction](ctx, c, "GetLiabilityTransactions", "/v0/bank/credentials/liability/transaction", req)
}

// GetCards returns the credential's cards: POST /v0/bank/credentials/card.
// It waits through PROCESSING and fails like [Client.GetPortfolios].
func (c *Client) GetCards(ctx context.Context, req DataRequest) ([]Card, error) {
	return getData[[]Card](ctx, c, "GetCards", "/v0/bank/credentials/card", req)
}

// GetCardTransactions returns the movements of the credential's cards:
// POST /v0/bank/credentials/card/transaction. It waits through PROCESSING
// and fails like [Client.GetPortfolios].
func (c *Client) GetCardTransactions(ctx context.Context, req DataRequest) ([]CardTransaction, error) {
	return getData[[]CardTransaction](ctx, c, "GetCardTransactions", "/v0/bank/credentials/card/transaction", req)
}

// GetIdentity returns the identity of the credential's owner (a single
// object, not a list): POST /v0/bank/credentials/auth. It waits through
// PROCESSING and fails like [Client.GetPortfolios]; with IgnoreDataError
// an errored extraction gives an empty Identity. Query is not used by this
// endpoint.
func (c *Client) GetIdentity(ctx context.Context, req DataRequest) (*Identity, error) {
	v, err := getData[Identity](ctx, c, "GetIdentity", "/v0/bank/credentials/auth", req)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// GetHolders returns the holders of the credential's products:
// POST /v0/bank/credentials/holder. It waits through PROCESSING and fails
// like [Client.GetPortfolios].
func (c *Client) GetHolders(ctx context.Context, req DataRequest) ([]Holder, error) {
	return getData[[]Holder](ctx, c, "GetHolders", "/v0/bank/credentials/holder", req)
}

// itoa is strconv.Itoa, kept short for the String methods.
func itoa(n int) string { return strconv.Itoa(n) }
