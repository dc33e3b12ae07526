package flinks

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// smallEnvelope is what the client reads from the short bodies of DeleteCard,
// SetScheduledRefresh and AnswerMFAQuestions.
type smallEnvelope struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	StatusCode     int    `json:"StatusCode"`
	FlinksCode     string `json:"FlinksCode"`
	Message        string `json:"Message"`
	RequestID      string `json:"RequestId"`
}

// checkSmallBody accepts an empty body, a bare JSON string (SetScheduledRefresh
// answers one) or an object without an error code; an object carrying an error
// code or status is that error, and anything that is not JSON is an
// errors.ErrUnexpectedResponse error.
func (c *Client) checkSmallBody(resp *transport.Response) error {
	b := bytes.TrimSpace(resp.Prefix)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		if json.Valid(b) {
			return nil
		}
	case '{':
		var env smallEnvelope
		err := json.Unmarshal(b, &env)
		var te *json.UnmarshalTypeError
		if err == nil || sdkerrors.As(err, &te) {
			st := env.HTTPStatusCode
			if st == 0 {
				st = env.StatusCode
			}
			return c.bodyError(resp, envelope{st, env.FlinksCode, env.Message, env.RequestID})
		}
	}
	return sdkerrors.NewUnexpected(Provider, resp.StatusCode, resp.Prefix, "")
}

// DeleteCard deletes everything Flinks holds for a login (its data,
// credentials and any partner access tied to it): DELETE
// /v3/{customerID}/BankingServices/DeleteCard/{loginId} with x-api-key.
//
// Deleting is idempotent in effect, so the call is retried like a read on
// network errors and 5xx. Because of that, a retried DeleteCard that answers
// INVALID_LOGIN may mean an earlier attempt already deleted the card. Notable
// errors: errors.ErrInvalidLogin (unknown LoginId), errors.ErrCardInUse (the
// login is still being processed; errors.ErrTemporary), [ErrInvalidArgument]
// for an empty loginID.
func (c *Client) DeleteCard(ctx context.Context, loginID string) error {
	const op = "DeleteCard"
	if err := requireID("loginID", loginID); err != nil {
		return c.opErr(op, err)
	}
	defer c.track(loginID)()
	resp, err := c.s.t.Do(ctx, &transport.Request{
		Op: op, Method: http.MethodDelete, Path: bs(op, loginID), Header: c.dataHeader(),
		Idempotent: true, Accept: []int{200, 201, 202, 204},
	}, nil)
	if err == nil {
		err = c.opErr(op, c.checkSmallBody(resp))
	}
	return c.scrub(err, loginID)
}
