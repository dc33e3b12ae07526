package flinks

import (
	"context"
)

// StatementsRequest is the body of POST /GetStatements.
type StatementsRequest struct {
	// RequestID is the RequestId of a 200 Authorize (required).
	RequestID string
	// NumberOfStatements is [StatementsMostRecent] (the server's default
	// when empty), [StatementsMonths3] or [StatementsMonths12].
	NumberOfStatements NumberOfStatements
	// AccountsFilter restricts the answer to these account ids.
	AccountsFilter []string
}

type statementsWire struct {
	RequestID          string             `json:"RequestId"`
	NumberOfStatements NumberOfStatements `json:"NumberOfStatements,omitempty"`
	AccountsFilter     []string           `json:"AccountsFilter,omitempty"`
}

// GetStatements returns PDF bank statements (Canada only; the feature must
// be enabled on the instance): POST
// /v3/{customerID}/BankingServices/GetStatements with x-api-key.
//
// It waits like [Client.GetAccountsDetail]: on 202 it polls GET
// /GetStatementsAsync/{requestId} every poll interval until data, a
// terminal error, the context's end or the poll timeout
// (errors.ErrPollTimeout). Pass [NoWait] to get the 202 back at once.
// Notable errors: errors.ErrMethodNotAvailable when statements are not
// enabled, errors.ErrSessionInvalid, [ErrInvalidArgument] without a
// RequestID.
func (c *Client) GetStatements(ctx context.Context, req StatementsRequest, opts ...CallOption) (*Statements, error) {
	const op = "GetStatements"
	if err := requireID("RequestID", req.RequestID); err != nil {
		return nil, c.opErr(op, err)
	}
	body := statementsWire(req)
	return wait(ctx, c, op, op+"Async", newCallConfig(opts),
		func(ctx context.Context) (*Statements, error) {
			return fetch[Statements](ctx, c, c.postData(op, body))
		},
		func(ctx context.Context) (*Statements, error) { return c.GetStatementsAsync(ctx, req.RequestID) })
}

// GetStatementsAsync polls once: GET
// /v3/{customerID}/BankingServices/GetStatementsAsync/{requestId} with
// x-api-key (a legacy endpoint every public client uses; it is not in the
// current endpoint index). A 202 is returned as an error matching
// errors.ErrPending.
func (c *Client) GetStatementsAsync(ctx context.Context, requestID string) (*Statements, error) {
	const op = "GetStatementsAsync"
	if err := requireID("RequestID", requestID); err != nil {
		return nil, c.opErr(op, err)
	}
	return fetch[Statements](ctx, c, c.getAsync(op, requestID))
}
