package flinks

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

type tokenResponse struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	Token          string `json:"Token"`
	FlinksCode     string `json:"FlinksCode"`
	Message        string `json:"Message"`
}

// GenerateAuthorizeToken mints a single-use authorize token:
// POST /v3/{customerID}/BankingServices/GenerateAuthorizeToken with the
// secret key in the flinks-auth-key header. The token authenticates one
// /Authorize call or one Flinks Connect session (authorizeToken=...) and
// expires after 30 minutes if unused. Treat it as a secret.
//
// It is never retried once the request may have reached Flinks. Errors:
// [ErrNoSecretKey] without [WithSecretKey]; errors.ErrAccessDenied (or
// errors.ErrAuthentication) for a wrong secret key.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (string, error) {
	const op = "GenerateAuthorizeToken"
	tok, err := c.generateToken(ctx)
	if err != nil {
		return "", c.scrub(c.opErr(op, err))
	}
	return tok, nil
}

func (c *Client) generateToken(ctx context.Context) (string, error) {
	const op = "GenerateAuthorizeToken"
	if c.s.cfg.secretKey == "" {
		return "", ErrNoSecretKey
	}
	var out tokenResponse
	_, err := c.call(ctx, &transport.Request{
		Op:     op,
		Method: http.MethodPost,
		Path:   bs(op),
		Header: http.Header{
			http.CanonicalHeaderKey(headerAuthKey): {c.s.cfg.secretKey},
			"Content-Type":                         {"application/json"},
		},
		Idempotent: false,
	}, &out, func() envelope { return envelope{out.HTTPStatusCode, out.FlinksCode, out.Message, ""} })
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(out.Token) == "" {
		return "", sdkerrors.NewUnexpected(Provider, http.StatusOK, nil, "no Token in the answer")
	}
	return out.Token, nil
}

// AuthorizeRequest is the body of POST /Authorize. Set one of:
//
//   - LoginID with MostRecentCached true: cached mode (recommended), no
//     bank contact, no MFA, returns the last aggregated data;
//   - LoginID with MostRecentCached false (and Save): a live refresh, which
//     may answer with MFA challenges;
//   - Institution, Username and Password: the legacy direct-API live login;
//   - RequestID and SecurityResponses: the answer to a 203 MFA prompt.
//
// Username, Password, SecurityResponses answers, LoginID, Tag and
// AuthorizeToken are secrets or personal data: String, GoString and
// LogValue redact them, and they never appear in an error or log line.
type AuthorizeRequest struct {
	// LoginID is the LoginId from Flinks Connect or an earlier Authorize.
	LoginID string
	// MostRecentCached selects cached mode with LoginID.
	MostRecentCached bool
	// Institution is the institution name, e.g. "FlinksCapital" (legacy live mode).
	Institution string
	// Username and Password are the bank credentials (legacy live mode).
	Username string
	Password string
	// Save persists the collected data and credentials after the request.
	Save bool
	// Language is "en" or "fr".
	Language string
	// Tag is a free-form tag echoed on later responses ("userId=1234").
	Tag string
	// RequestID is the RequestId of a 203 answer, when answering MFA.
	RequestID string
	// SecurityResponses maps each challenge Prompt (exactly as sent) to its
	// answers.
	SecurityResponses map[string][]string
	// AuthorizeToken is the single-use token for this call. Leave it empty
	// to have the client mint one with the secret key ([WithSecretKey]).
	AuthorizeToken string
	// ScheduleRefresh enables nightly refresh (effective for a new card only).
	ScheduleRefresh bool
	// WithMFAQuestions, with Save, harvests every security question of the
	// login (Enhanced MFA).
	WithMFAQuestions bool
}

type authorizeWire struct {
	LoginID           string              `json:"LoginId,omitempty"`
	MostRecentCached  *bool               `json:"MostRecentCached,omitempty"`
	Institution       string              `json:"Institution,omitempty"`
	Username          string              `json:"Username,omitempty"`
	Password          string              `json:"Password,omitempty"`
	Save              bool                `json:"Save,omitempty"`
	Language          string              `json:"Language,omitempty"`
	Tag               string              `json:"Tag,omitempty"`
	RequestID         string              `json:"RequestId,omitempty"`
	SecurityResponses map[string][]string `json:"SecurityResponses,omitempty"`
	ScheduleRefresh   bool                `json:"ScheduleRefresh,omitempty"`
	WithMFAQuestions  bool                `json:"WithMFAQuestions,omitempty"`
}

func (r AuthorizeRequest) wire() authorizeWire {
	w := authorizeWire{
		LoginID:           r.LoginID,
		Institution:       r.Institution,
		Username:          r.Username,
		Password:          r.Password,
		Save:              r.Save,
		Language:          r.Language,
		Tag:               r.Tag,
		RequestID:         r.RequestID,
		SecurityResponses: r.SecurityResponses,
		ScheduleRefresh:   r.ScheduleRefresh,
		WithMFAQuestions:  r.WithMFAQuestions,
	}
	if r.LoginID != "" || r.MostRecentCached {
		b := r.MostRecentCached
		w.MostRecentCached = &b
	}
	return w
}

func (r AuthorizeRequest) validate() error {
	switch {
	case r.RequestID != "":
		if len(r.SecurityResponses) == 0 {
			return &argError{msg: "SecurityResponses are required with RequestID"}
		}
	case r.LoginID != "":
	case r.Username != "":
		if r.Password == "" {
			return &argError{msg: "Password is required with Username"}
		}
	default:
		return &argError{msg: "one of LoginID, Username or RequestID is required"}
	}
	return nil
}

// secrets lists the values that must never show in an error.
func (r AuthorizeRequest) secrets() []string {
	s := []string{r.LoginID, r.Username, r.Password, r.AuthorizeToken, r.Tag}
	for _, answers := range r.SecurityResponses {
		s = append(s, answers...)
	}
	return s
}

func redactedIf(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// String describes the request with its secrets redacted.
func (r AuthorizeRequest) String() string {
	var b strings.Builder
	b.WriteString("flinks.AuthorizeRequest{LoginID: ")
	b.WriteString(redactedIf(r.LoginID))
	b.WriteString(", MostRecentCached: ")
	b.WriteString(strconv.FormatBool(r.MostRecentCached))
	b.WriteString(", Institution: ")
	b.WriteString(strconv.Quote(r.Institution))
	b.WriteString(", Username: ")
	b.WriteString(redactedIf(r.Username))
	b.WriteString(", Password: ")
	b.WriteString(redactedIf(r.Password))
	b.WriteString(", Save: ")
	b.WriteString(strconv.FormatBool(r.Save))
	b.WriteString(", Language: ")
	b.WriteString(strconv.Quote(r.Language))
	b.WriteString(", Tag: ")
	b.WriteString(redactedIf(r.Tag))
	b.WriteString(", RequestID: ")
	b.WriteString(redactedIf(r.RequestID))
	b.WriteString(", SecurityResponses: ")
	if len(r.SecurityResponses) == 0 {
		b.WriteString("none")
	} else {
		prompts := make([]string, 0, len(r.SecurityResponses))
		for p := range r.SecurityResponses {
			prompts = append(prompts, strconv.Quote(p))
		}
		sort.Strings(prompts)
		b.WriteString("{")
		for i, p := range prompts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p)
			b.WriteString(": [redacted]")
		}
		b.WriteString("}")
	}
	b.WriteString(", AuthorizeToken: ")
	b.WriteString(redactedIf(r.AuthorizeToken))
	b.WriteString("}")
	return b.String()
}

// GoString makes %#v as safe as %v.
func (r AuthorizeRequest) GoString() string { return r.String() }

// LogValue implements slog.LogValuer with the secrets redacted.
func (r AuthorizeRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("login_id_set", r.LoginID != ""),
		slog.Bool("most_recent_cached", r.MostRecentCached),
		slog.String("institution", r.Institution),
		slog.Bool("credentials_set", r.Username != "" || r.Password != ""),
		slog.Bool("save", r.Save),
		slog.String("language", r.Language),
		slog.Bool("request_id_set", r.RequestID != ""),
		slog.Int("security_responses", len(r.SecurityResponses)),
		slog.Bool("authorize_token_set", r.AuthorizeToken != ""),
	)
}

// AuthorizeResponse is the answer of /Authorize: a 200 (RequestID and
// Login, ready for data calls) or a 203 MFA prompt (RequestID and
// SecurityChallenges; see [AuthorizeResponse.NeedsMFA]).
type AuthorizeResponse struct {
	// HTTPStatusCode is 200, or 203 for an MFA prompt.
	HTTPStatusCode int    `json:"HttpStatusCode"`
	Links          []Link `json:"Links"`
	// Login is the saved login (200 only); keep Login.ID for cached calls.
	Login           *Login `json:"Login"`
	Institution     string `json:"Institution"`
	InstitutionName string `json:"InstitutionName"`
	InstitutionID   int    `json:"InstitutionId"`
	// RequestID opens the data calls (200) or must be sent back with the
	// MFA answers (203). It expires after 8 minutes of inactivity.
	RequestID string `json:"RequestId"`
	Tag       string `json:"Tag"`
	// SecurityChallenges are the MFA prompts of a 203.
	SecurityChallenges []SecurityChallenge `json:"SecurityChallenges"`
	FlinksCode         string              `json:"FlinksCode"`
	Message            string              `json:"Message"`
}

// NeedsMFA reports whether the answer is a 203 MFA prompt: answer its
// SecurityChallenges with [AuthorizeResponse.Answer] and Authorize again.
func (r *AuthorizeResponse) NeedsMFA() bool {
	return r != nil && (r.HTTPStatusCode == http.StatusNonAuthoritativeInfo || len(r.SecurityChallenges) > 0)
}

// Answer returns the follow-up request of a 203 MFA prompt: RequestID set
// from r, SecurityResponses keyed by prompt. A fresh authorize token is
// minted for it when the client has a secret key.
func (r *AuthorizeResponse) Answer(responses map[string][]string) AuthorizeRequest {
	return AuthorizeRequest{RequestID: r.RequestID, SecurityResponses: responses}
}

// Authorize opens a session: POST /v3/{customerID}/BankingServices/Authorize
// with the authorize token in the flinks-auth-key header. When
// req.AuthorizeToken is empty and a secret key is configured, a fresh
// single-use token is minted first (GenerateAuthorizeToken); with neither,
// the header is left out (integrations created before October 2024).
//
// A 200 returns the RequestID for the data calls. A 203 is not an error:
// the response's [AuthorizeResponse.NeedsMFA] is true and
// SecurityChallenges hold the prompts; call Authorize again with
// [AuthorizeResponse.Answer], which may give another 203.
//
// Authorize is never retried once the request may have reached Flinks (the
// token is single-use and a live login talks to the bank). Notable errors:
// errors.ErrBadCredentials (INVALID_LOGIN, INVALID_USERNAME,
// INVALID_PASSWORD), errors.ErrSecurityChallenge (wrong or incomplete MFA
// answers), errors.ErrUserActionRequired (DISABLED_LOGIN, NEW_ACCOUNT),
// errors.ErrTemporary (RETRY_LATER, CONCURRENT_SESSION, ...),
// errors.ErrSessionInvalid (SESSION_NONEXISTENT, SESSION_EXPIRED,
// ALREADY_AUTHORIZED), errors.ErrAccessDenied (token or keys refused),
// and [ErrInvalidArgument] for a request missing LoginID, Username or
// RequestID.
func (c *Client) Authorize(ctx context.Context, req AuthorizeRequest) (*AuthorizeResponse, error) {
	const op = "Authorize"
	secrets := req.secrets()
	if err := req.validate(); err != nil {
		return nil, c.opErr(op, err)
	}
	defer c.track(secrets...)()
	token := req.AuthorizeToken
	if token == "" && c.s.cfg.secretKey != "" {
		t, err := c.generateToken(ctx)
		if err != nil {
			return nil, c.scrub(c.opErr(op, &mintError{unwrapOp(err)}), secrets...)
		}
		token = t
		secrets = append(secrets, t)
		defer c.track(t)()
	}
	var h http.Header
	if token != "" {
		h = http.Header{http.CanonicalHeaderKey(headerAuthKey): {token}}
	}
	var out AuthorizeResponse
	resp, err := c.call(ctx, &transport.Request{
		Op:         op,
		Method:     http.MethodPost,
		Path:       bs(op),
		Header:     h,
		Body:       req.wire(),
		Idempotent: false,
	}, &out, func() envelope { return envelope{out.HTTPStatusCode, out.FlinksCode, out.Message, out.RequestID} })
	if err != nil {
		return nil, c.scrub(err, secrets...)
	}
	if out.HTTPStatusCode == 0 {
		out.HTTPStatusCode = resp.StatusCode
	}
	return &out, nil
}

// mintError marks a failure to mint the authorize token of an Authorize
// call; it unwraps to the GenerateAuthorizeToken error.
type mintError struct{ err error }

func (e *mintError) Error() string { return "minting the authorize token: " + e.err.Error() }
func (e *mintError) Unwrap() error { return e.err }

// scrub replaces known secret values — the client's keys and customer id,
// and the call's own credentials in extra — in the messages of every
// *APIError inside err (servers sometimes echo input back) and returns err.
func (c *Client) scrub(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	secrets := append([]string{c.s.customerID, c.s.cfg.apiKey, c.s.cfg.secretKey, c.s.cfg.apiSecret}, extra...)
	return sdkerrors.Scrub(err, secrets...)
}
