package flinks

import (
	"context"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

type scheduledRefreshWire struct {
	LoginID     string `json:"loginId"`
	IsActivated bool   `json:"isActivated"`
}

// SetScheduledRefresh turns nightly refresh on or off for a login: PATCH
// /v3/{customerID}/BankingServices/SetScheduledRefresh with x-api-key and the
// body {"loginId": ..., "isActivated": ...} (spelled as the endpoint's page
// documents; Flinks binds keys case-insensitively). Flinks answers with a
// bare JSON string, which the client accepts.
//
// Setting a state is idempotent, so the call is retried like a read. Notable
// errors: errors.ErrInvalidLogin (unknown LoginId), [ErrInvalidArgument] for
// an empty loginID.
func (c *Client) SetScheduledRefresh(ctx context.Context, loginID string, enabled bool) error {
	const op = "SetScheduledRefresh"
	if err := requireID("loginID", loginID); err != nil {
		return c.opErr(op, err)
	}
	defer c.track(loginID)()
	resp, err := c.s.t.Do(ctx, &transport.Request{
		Op: op, Method: http.MethodPatch, Path: bs(op), Header: c.dataHeader(),
		Body: scheduledRefreshWire{LoginID: loginID, IsActivated: enabled}, Idempotent: true,
	}, nil)
	if err == nil {
		err = c.opErr(op, c.checkSmallBody(resp))
	}
	return c.scrub(err, loginID)
}

// GetNightlyRefreshStatus lists the logins nightly refresh skips, with their
// last refresh state and error: GET
// /v3/{customerID}/BankingServices/GetNightlyRefreshStatus with
// "Authorization: Bearer <API secret>" (the secret given to [WithAPISecret],
// or else the secret key of [WithSecretKey]).
//
// The documented sample carries FlinksCode and Message next to the data, so
// a 200 body that has IneligibleCards is data whatever its FlinksCode; the
// code stays in the result. Notable errors: [ErrNoSecretKey] with neither
// secret configured, errors.ErrAccessDenied / errors.ErrAuthentication for a
// refused secret.
func (c *Client) GetNightlyRefreshStatus(ctx context.Context) (*NightlyRefreshStatus, error) {
	const op = "GetNightlyRefreshStatus"
	secret := c.s.cfg.apiSecret
	if secret == "" {
		secret = c.s.cfg.secretKey
	}
	if secret == "" {
		return nil, c.opErr(op, ErrNoSecretKey)
	}
	var out NightlyRefreshStatus
	_, err := c.call(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: bs(op),
		Header:     http.Header{"Authorization": {"Bearer " + secret}},
		Idempotent: true,
	}, &out, func() envelope {
		if out.IneligibleCards != nil {
			return envelope{status: out.HTTPStatusCode}
		}
		return envelope{out.HTTPStatusCode, out.FlinksCode, out.Message, ""}
	})
	if err != nil {
		return nil, c.scrub(err)
	}
	return &out, nil
}
