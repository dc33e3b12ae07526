package flinks

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

type institutionsObject struct {
	HTTPStatusCode int           `json:"HttpStatusCode"`
	FlinksCode     string        `json:"FlinksCode"`
	Message        string        `json:"Message"`
	Data           []Institution `json:"data"`
	Institutions   []Institution `json:"Institutions"`
}

// Institutions lists the financial institutions the instance supports: GET
// /v3/{customerID}/BankingServices/Institutions with x-api-key. The answer's
// shape is not documented; the client accepts a bare array and an object
// with a "data" (or "Institutions") array. A body it cannot read is an
// errors.ErrUnexpectedResponse error.
func (c *Client) Institutions(ctx context.Context) ([]Institution, error) {
	const op = "Institutions"
	var raw json.RawMessage
	resp, err := c.s.t.Do(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: bs(op), Header: c.dataHeader(), Idempotent: true,
	}, &raw)
	if err != nil {
		return nil, c.scrub(err)
	}
	raw = bytes.TrimSpace(raw)
	var list []Institution
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, c.opErr(op, sdkerrors.NewUnexpected(Provider, resp.StatusCode, raw, "institution list"))
		}
	case len(raw) > 0 && raw[0] == '{':
		var obj institutionsObject
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, c.opErr(op, sdkerrors.NewUnexpected(Provider, resp.StatusCode, raw, "institution list"))
		}
		if e := c.bodyError(resp, envelope{obj.HTTPStatusCode, obj.FlinksCode, obj.Message, ""}); e != nil {
			return nil, c.scrub(c.opErr(op, e))
		}
		list = obj.Data
		if list == nil {
			list = obj.Institutions
		}
	default:
		return nil, c.opErr(op, sdkerrors.NewUnexpected(Provider, resp.StatusCode, raw, "institution list"))
	}
	if list == nil {
		list = []Institution{}
	}
	return list, nil
}

type routingObject struct {
	Institution
	HTTPStatusCode int    `json:"HttpStatusCode"`
	FlinksCode     string `json:"FlinksCode"`
	Message        string `json:"Message"`
}

// UnmarshalJSON decodes the institution and the envelope fields.
func (r *routingObject) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &r.Institution); err != nil {
		return err
	}
	var env struct {
		HTTPStatusCode int    `json:"HttpStatusCode"`
		FlinksCode     string `json:"FlinksCode"`
		Message        string `json:"Message"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	r.HTTPStatusCode, r.FlinksCode, r.Message = env.HTTPStatusCode, env.FlinksCode, env.Message
	return nil
}

// InstitutionByRoutingNumber looks a US institution up by its ABA routing
// number: GET /v3/{customerID}/BankingServices/Institutions/RoutingNumber/{n}
// with x-api-key. Notable errors: errors.ErrNotFound for an unknown number,
// [ErrInvalidArgument] for a number that is not all digits.
func (c *Client) InstitutionByRoutingNumber(ctx context.Context, routingNumber string) (*Institution, error) {
	const op = "InstitutionByRoutingNumber"
	if routingNumber == "" || len(routingNumber) > 32 {
		return nil, c.opErr(op, &argError{msg: "routing number must be digits"})
	}
	for i := 0; i < len(routingNumber); i++ {
		if routingNumber[i] < '0' || routingNumber[i] > '9' {
			return nil, c.opErr(op, &argError{msg: "routing number must be digits"})
		}
	}
	var out routingObject
	_, err := c.call(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: bs("Institutions", "RoutingNumber", routingNumber),
		Header: c.dataHeader(), Idempotent: true,
	}, &out, func() envelope { return envelope{out.HTTPStatusCode, out.FlinksCode, out.Message, ""} })
	if err != nil {
		return nil, c.scrub(err)
	}
	in := out.Institution
	return &in, nil
}
