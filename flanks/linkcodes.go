package flanks

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// LinkExchange is the outcome of exchanging a Flanks Link code
// ([Client.ExchangeLinkCodeDetails]). CredentialsToken is a secret:
// String, GoString and LogValue redact it.
type LinkExchange struct {
	// CredentialsToken identifies the new credential in every later call.
	CredentialsToken string `json:"credentials_token"`
	// LinkToken is the token of the Link the end user went through, if
	// Flanks sent it.
	LinkToken string `json:"link_token"`
	// Message is Flanks' message ("Successfully retrieved").
	Message string `json:"message"`
	// Extra holds the custom query parameters you appended to the Link URL.
	Extra map[string]any `json:"extra"`
	// Delayed is true when Flanks answered 202: the credential exists but
	// is held for security checks (SCA_ERROR 20003, "available in about
	// 72 h"). Keep CredentialsToken and use it much later; data calls fail
	// with errors.ErrScaError until then.
	Delayed bool `json:"-"`
}

// UnmarshalJSON decodes leniently: the code is consumed once sent, so a
// side field of an unexpected type must not lose the credentials token.
func (e *LinkExchange) UnmarshalJSON(b []byte) error {
	var raw struct {
		CredentialsToken json.RawMessage `json:"credentials_token"`
		LinkToken        json.RawMessage `json:"link_token"`
		Message          json.RawMessage `json:"message"`
		Extra            json.RawMessage `json:"extra"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = LinkExchange{
		CredentialsToken: looseString(raw.CredentialsToken),
		LinkToken:        looseString(raw.LinkToken),
		Message:          looseString(raw.Message),
		Extra:            looseMap(raw.Extra),
	}
	return nil
}

// String describes the exchange with the token redacted.
func (e LinkExchange) String() string {
	return "flanks.LinkExchange{CredentialsToken: " + secret(e.CredentialsToken) + ", LinkToken: " + e.LinkToken +
		", Message: " + e.Message + ", Extra: " + keysOf(e.Extra) + ", Delayed: " + boolText(e.Delayed) + "}"
}

// GoString makes %#v as safe as %v.
func (e LinkExchange) GoString() string { return e.String() }

// LogValue makes the exchange safe to pass to log/slog.
func (e LinkExchange) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("credentials_token", secret(e.CredentialsToken)),
		slog.String("link_token", e.LinkToken),
		slog.String("message", e.Message),
		slog.Bool("delayed", e.Delayed),
	)
}

// keysOf prints the sorted keys of a map, not its values.
func keysOf[V any](m map[string]V) string {
	if len(m) == 0 {
		return "[]"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "[" + strings.Join(keys, " ") + "]"
}

// ExchangeLinkCodeDetails exchanges the code Flanks Link appended to your
// redirect URI for the new credential: POST /v0/platform/link with
// {"code"}. Codes are single-use, so the request is sent once: it is never
// retried after it may have reached Flanks, except once after a 401 that
// refused the access token (the server did nothing then).
//
// A 202 "held for security checks" answer is a success here: the result
// has Delayed set (see [LinkExchange]). An invalid or already used code
// gives an error matching errors.ErrConfigurationError (40001); a
// credential that already exists, errors.ErrConfigurationError too (HTTP
// 409).
func (c *Client) ExchangeLinkCodeDetails(ctx context.Context, code string) (*LinkExchange, error) {
	const op = "ExchangeLinkCodeDetails"
	ex, _, err := c.exchange(ctx, op, code)
	if err != nil {
		return nil, opError(op, err)
	}
	return ex, nil
}

func (c *Client) exchange(ctx context.Context, op, code string) (*LinkExchange, *transport.Response, error) {
	if code == "" {
		return nil, nil, &argError{msg: "code is empty"}
	}
	var ex LinkExchange
	resp, err := c.sendRaw(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/v0/platform/link",
		Body:   codeBody{code},
		Accept: []int{200, 201, 202},
	}, &ex)
	if err != nil {
		return nil, resp, err
	}
	if ex.CredentialsToken == "" {
		return nil, resp, c.scrub(c.noTokenError(resp), code)
	}
	ex.Delayed = resp.StatusCode == http.StatusAccepted || errorCodeOf(resp) == 20003
	if ex.Delayed && c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelInfo, "flanks credential held for security checks",
			slog.String("provider", provider), slog.String("op", op))
	}
	return &ex, resp, nil
}

// codeBody is the body of POST /v0/platform/link.
type codeBody struct {
	Code string `json:"code"`
}

// ExchangeLinkCode exchanges a Flanks Link code for the new credential's
// token: POST /v0/platform/link with {"code"}, sent once (see
// [Client.ExchangeLinkCodeDetails], which also returns the message and the
// Link's extra parameters).
//
// When Flanks answers 202 (the credential is held for security checks),
// ExchangeLinkCode returns the credentials token together with a
// *[DelayedError] matching errors.ErrScaError: the code cannot be
// exchanged again, so keep the token (it is also in the DelayedError).
// Other notable errors: errors.ErrConfigurationError for an invalid or used
// code.
func (c *Client) ExchangeLinkCode(ctx context.Context, code string) (string, error) {
	const op = "ExchangeLinkCode"
	ex, resp, err := c.exchange(ctx, op, code)
	if err != nil {
		return "", opError(op, err)
	}
	if ex.Delayed {
		return ex.CredentialsToken, opError(op, c.scrub(c.delayedError(resp, ex.CredentialsToken, ex.Message), code))
	}
	return ex.CredentialsToken, nil
}

// LinkCode is an unused Flanks Link code ([Client.ListLinkCodes]). Code is
// a single-use secret: String, GoString and LogValue redact it.
type LinkCode struct {
	Code      string         `json:"code"`
	LinkToken string         `json:"link_token"`
	Extra     map[string]any `json:"extra"`
}

// String describes the code with its value redacted.
func (l LinkCode) String() string {
	return "flanks.LinkCode{Code: " + secret(l.Code) + ", LinkToken: " + l.LinkToken + ", Extra: " + keysOf(l.Extra) + "}"
}

// GoString makes %#v as safe as %v.
func (l LinkCode) GoString() string { return l.String() }

// LogValue makes the code safe to pass to log/slog.
func (l LinkCode) LogValue() slog.Value {
	return slog.GroupValue(slog.String("code", secret(l.Code)), slog.String("link_token", l.LinkToken))
}

// ListLinkCodes returns the codes that end users obtained through Flanks
// Link and you have not exchanged yet: GET /v0/platform/link, filtered by
// ?link_token= when linkToken is not empty.
func (c *Client) ListLinkCodes(ctx context.Context, linkToken string) ([]LinkCode, error) {
	const op = "ListLinkCodes"
	var q url.Values
	if linkToken != "" {
		q = url.Values{"link_token": {linkToken}}
	}
	var out []LinkCode
	_, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: "/v0/platform/link", Query: q, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}
