package flinks

import (
	"context"
)

// DaysOfTransactions is how much transaction history GetAccountsDetail
// returns.
type DaysOfTransactions string

// Documented values.
const (
	Days90  DaysOfTransactions = "Days90"
	Days365 DaysOfTransactions = "Days365"
)

// NumberOfStatements is how many PDF statements to fetch per account.
type NumberOfStatements string

// Documented values.
const (
	StatementsMostRecent NumberOfStatements = "MostRecent"
	StatementsMonths3    NumberOfStatements = "Months3"
	StatementsMonths12   NumberOfStatements = "Months12"
)

// RefreshDelta asks for the transactions newer than TransactionID of
// AccountID (legacy option).
type RefreshDelta struct {
	AccountID     string `json:"AccountId"`
	TransactionID string `json:"TransactionId"`
}

// AccountsSummaryRequest is the body of POST /GetAccountsSummary.
type AccountsSummaryRequest struct {
	// RequestID is the RequestId of a 200 Authorize (required).
	RequestID string
}

type summaryWire struct {
	RequestID string `json:"RequestId"`
}

// AccountsDetailRequest is the body of POST /GetAccountsDetail. The three
// With... flags are always sent as set (false included); the other options
// are sent only when set.
type AccountsDetailRequest struct {
	// RequestID is the RequestId of a 200 Authorize (required).
	RequestID string
	// WithAccountIdentity includes transit, institution and account numbers.
	WithAccountIdentity bool
	// WithKYC includes the holder (name, address, email, phone).
	WithKYC bool
	// WithTransactions includes the transactions.
	WithTransactions bool
	// AccountsFilter restricts the answer to these account ids.
	AccountsFilter []string
	// DaysOfTransactions is the history depth ([Days90] or [Days365]).
	DaysOfTransactions DaysOfTransactions
	// WithDetailsAndBankingStatements also fetches PDF statements.
	WithDetailsAndBankingStatements bool
	// NumberOfBankingStatements is how many statements to fetch with
	// WithDetailsAndBankingStatements.
	NumberOfBankingStatements NumberOfStatements
	// DateFrom and DateTo bound the transactions (legacy options).
	DateFrom Date
	DateTo   Date
	// RefreshDelta asks only for newer transactions (legacy option).
	RefreshDelta []RefreshDelta
}

type detailWire struct {
	RequestID                       string             `json:"RequestId"`
	WithAccountIdentity             bool               `json:"WithAccountIdentity"`
	WithKYC                         bool               `json:"WithKYC"`
	WithTransactions                bool               `json:"WithTransactions"`
	AccountsFilter                  []string           `json:"AccountsFilter,omitempty"`
	DaysOfTransactions              DaysOfTransactions `json:"DaysOfTransactions,omitempty"`
	WithDetailsAndBankingStatements bool               `json:"WithDetailsAndBankingStatements,omitempty"`
	NumberOfBankingStatements       NumberOfStatements `json:"NumberOfBankingStatements,omitempty"`
	DateFrom                        Date               `json:"DateFrom,omitzero"`
	DateTo                          Date               `json:"DateTo,omitzero"`
	RefreshDelta                    []RefreshDelta     `json:"RefreshDelta,omitempty"`
}

func (r AccountsDetailRequest) wire() detailWire { return detailWire(r) }

// GetAccountsSummary returns balances, categories, holder names and EFT
// eligibility: POST /v3/{customerID}/BankingServices/GetAccountsSummary
// with x-api-key.
//
// It waits: on 202 OPERATION_PENDING or OPERATION_DISPATCHED it polls
// GET /GetAccountsSummaryAsync/{requestId} every poll interval until data,
// a terminal error, the context's end, or the poll timeout (an error
// matching errors.ErrPollTimeout). Pass [NoWait] to get the 202 back at
// once. Reads are retried on network errors, 5xx and rate limits.
//
// Notable errors: errors.ErrSessionInvalid (SESSION_NONEXISTENT,
// SESSION_EXPIRED: authorize again), errors.ErrUnauthorized (MFA not
// answered yet), [ErrInvalidArgument] without a RequestID.
func (c *Client) GetAccountsSummary(ctx context.Context, req AccountsSummaryRequest, opts ...CallOption) (*AccountsSummary, error) {
	const op = "GetAccountsSummary"
	if err := requireID("RequestID", req.RequestID); err != nil {
		return nil, c.opErr(op, err)
	}
	return wait(ctx, c, op, op+"Async", newCallConfig(opts),
		func(ctx context.Context) (*AccountsSummary, error) {
			return fetch[AccountsSummary](ctx, c, c.postData(op, summaryWire(req)))
		},
		func(ctx context.Context) (*AccountsSummary, error) {
			return c.GetAccountsSummaryAsync(ctx, req.RequestID)
		})
}

// GetAccountsSummaryAsync polls once: GET
// /v3/{customerID}/BankingServices/GetAccountsSummaryAsync/{requestId} with
// x-api-key. A 202 is returned as an error matching errors.ErrPending
// (errors.ErrOperationPending or errors.ErrOperationDispatched); call again
// later (Flinks: every 10 s, at most 30 min). [Client.GetAccountsSummary]
// does this loop for you.
func (c *Client) GetAccountsSummaryAsync(ctx context.Context, requestID string) (*AccountsSummary, error) {
	const op = "GetAccountsSummaryAsync"
	if err := requireID("RequestID", requestID); err != nil {
		return nil, c.opErr(op, err)
	}
	return fetch[AccountsSummary](ctx, c, c.getAsync(op, requestID))
}

// GetAccountsDetail returns the accounts with, as asked, their
// transactions, identity numbers and holder (KYC): POST
// /v3/{customerID}/BankingServices/GetAccountsDetail with x-api-key. The
// body is decoded straight from the stream; 20 MB answers are normal.
//
// It waits: Flinks typically answers the first call with 202
// OPERATION_PENDING (or OPERATION_DISPATCHED after 210 s); the client then
// polls GET /GetAccountsDetailAsync/{requestId} every poll interval until
// data, a terminal error, the context's end, or the poll timeout (an error
// matching errors.ErrPollTimeout and errors.ErrPending). Each poll has its
// own transport retries. Pass [NoWait] to get the 202 back at once (for
// webhook integrations) and [OnPoll] to observe progress.
//
// Notable errors: errors.ErrSessionInvalid (SESSION_NONEXISTENT,
// SESSION_EXPIRED: authorize again), errors.ErrUnauthorized (MFA not
// answered yet), errors.ErrUnexpectedResponse (a body that is not the
// expected JSON), [ErrInvalidArgument] without a RequestID.
func (c *Client) GetAccountsDetail(ctx context.Context, req AccountsDetailRequest, opts ...CallOption) (*AccountsDetail, error) {
	const op = "GetAccountsDetail"
	if err := requireID("RequestID", req.RequestID); err != nil {
		return nil, c.opErr(op, err)
	}
	return wait(ctx, c, op, op+"Async", newCallConfig(opts),
		func(ctx context.Context) (*AccountsDetail, error) {
			return fetch[AccountsDetail](ctx, c, c.postData(op, req.wire()))
		},
		func(ctx context.Context) (*AccountsDetail, error) {
			return c.GetAccountsDetailAsync(ctx, req.RequestID)
		})
}

// GetAccountsDetailAsync polls once: GET
// /v3/{customerID}/BankingServices/GetAccountsDetailAsync/{requestId} with
// x-api-key. The 200 payload is the same as GetAccountsDetail's, with the
// options of the first GetAccountsDetail call. A 202 is returned as an
// error matching errors.ErrPending; call again later (Flinks: every 10 s,
// at most 30 min). [Client.GetAccountsDetail] does this loop for you.
func (c *Client) GetAccountsDetailAsync(ctx context.Context, requestID string) (*AccountsDetail, error) {
	const op = "GetAccountsDetailAsync"
	if err := requireID("RequestID", requestID); err != nil {
		return nil, c.opErr(op, err)
	}
	return fetch[AccountsDetail](ctx, c, c.getAsync(op, requestID))
}
