package flanks

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/maphash"
	"iter"
	"log/slog"
	"net/http"
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// CredentialStatus is the state of one credential
// (POST /v0/bank/credentials/status). The token fields are secrets: its
// String, GoString and LogValue redact them.
type CredentialStatus struct {
	// Pending is true until the initial extraction has finished (with or
	// without errors).
	Pending bool `json:"pending"`
	// Blocked is true when the stored bank credentials no longer allow
	// login; the end user must re-enter them (see ResetToken).
	Blocked bool `json:"blocked"`
	// ResetToken is set when the credential is blocked or after a forced
	// reset: the end user must re-enter their bank credentials.
	ResetToken string `json:"reset_token"`
	// SCAToken is set when the bank needs strong customer authentication
	// (2FA) from the end user.
	SCAToken string `json:"sca_token"`
	// TransactionToken is set after a forced "transaction" refresh.
	TransactionToken string `json:"transaction_token"`
	// LastTransactionDate is the date of the latest transaction retrieved.
	LastTransactionDate Date `json:"last_transaction_date"`
	// Name is the bank identifier.
	Name string `json:"name"`
	// LastUpdate is the day the last extraction finished.
	LastUpdate Date `json:"last_update"`
	// Time is the hour ("HH:MM", UTC) the last extraction finished.
	Time string `json:"time"`
	// LastUpdateTimestamp is when the last extraction finished.
	LastUpdateTimestamp Timestamp `json:"last_update_timestamp"`
	// CreatedAtTimestamp is when the credential was created.
	CreatedAtTimestamp Timestamp `json:"created_at_timestamp"`
	// Errored tells which products and transactions failed to extract.
	Errored ExtractionFlags `json:"errored"`
	// Created tells which extractions have finished (with or without
	// error).
	Created ExtractionFlags `json:"created"`
}

// ExtractionFlags is the shape of the status' "errored" and "created"
// objects: one flag per product and per transaction kind.
type ExtractionFlags struct {
	Product      ProductFlags     `json:"product"`
	Transactions TransactionFlags `json:"transactions"`
}

// UnmarshalJSON decodes the object whichever spelling carries the
// transaction flags: the docs use both "transactions" and "transaction".
// A value that is not an object (an old bool) decodes as all false.
func (f *ExtractionFlags) UnmarshalJSON(b []byte) error {
	*f = ExtractionFlags{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var aux struct {
		Product      *ProductFlags     `json:"product"`
		Transactions *TransactionFlags `json:"transactions"`
		Transaction  *TransactionFlags `json:"transaction"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if aux.Product != nil {
		f.Product = *aux.Product
	}
	switch {
	case aux.Transactions != nil:
		f.Transactions = *aux.Transactions
	case aux.Transaction != nil:
		f.Transactions = *aux.Transaction
	}
	return nil
}

// ProductFlags has one flag per product extraction.
type ProductFlags struct {
	Auth       bool `json:"auth"`
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Portfolio  bool `json:"portfolio"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
	Holders    bool `json:"holders"`
}

// TransactionFlags has one flag per transaction extraction.
type TransactionFlags struct {
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
}

// Any reports whether any product or transaction flag is set.
func (f ExtractionFlags) Any() bool {
	return f.Product != (ProductFlags{}) || f.Transactions != (TransactionFlags{})
}

// ActionRequired says what the end user must do, if anything: ActionBlocked
// when Blocked, else ActionSCA when SCAToken is set, else ActionReset when
// ResetToken is set; "" when nothing is needed.
func (s *CredentialStatus) ActionRequired() ActionReason {
	switch {
	case s == nil:
		return ""
	case s.Blocked:
		return ActionBlocked
	case s.SCAToken != "":
		return ActionSCA
	case s.ResetToken != "":
		return ActionReset
	}
	return ""
}

// String describes the status with its tokens redacted.
func (s CredentialStatus) String() string {
	var b strings.Builder
	b.WriteString("flanks.CredentialStatus{Pending: ")
	b.WriteString(boolText(s.Pending))
	b.WriteString(", Blocked: ")
	b.WriteString(boolText(s.Blocked))
	b.WriteString(", ResetToken: " + secret(s.ResetToken))
	b.WriteString(", SCAToken: " + secret(s.SCAToken))
	b.WriteString(", TransactionToken: " + secret(s.TransactionToken))
	b.WriteString(", Name: " + s.Name)
	b.WriteString(", LastUpdate: " + s.LastUpdate.String())
	b.WriteString(", Errored: " + boolText(s.Errored.Any()))
	b.WriteString("}")
	return b.String()
}

// GoString makes %#v as safe as %v.
func (s CredentialStatus) GoString() string { return s.String() }

// LogValue makes the status safe to pass to log/slog.
func (s CredentialStatus) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("pending", s.Pending),
		slog.Bool("blocked", s.Blocked),
		slog.String("reset_token", secret(s.ResetToken)),
		slog.String("sca_token", secret(s.SCAToken)),
		slog.String("transaction_token", secret(s.TransactionToken)),
		slog.String("name", s.Name),
		slog.Bool("errored", s.Errored.Any()),
	)
}

func boolText(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// secret prints "" for an empty value and "[redacted]" otherwise.
func secret(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}

type credentialsTokenBody struct {
	CredentialsToken string `json:"credentials_token"`
}

// GetCredentialStatus returns the state of a credential:
// POST /v0/bank/credentials/status with {"credentials_token"}. It does not
// wait; see [Client.WaitForCredentials]. An unknown token gives an error
// matching errors.ErrConfigurationError.
func (c *Client) GetCredentialStatus(ctx context.Context, credentialsToken string) (*CredentialStatus, error) {
	const op = "GetCredentialStatus"
	if credentialsToken == "" {
		return nil, badArg(op, "credentials token is empty")
	}
	st, err := c.credentialStatus(ctx, op, credentialsToken)
	return st, opError(op, err)
}

func (c *Client) credentialStatus(ctx context.Context, op, credentialsToken string) (*CredentialStatus, error) {
	var st CredentialStatus
	_, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/v0/bank/credentials/status",
		Body: credentialsTokenBody{credentialsToken}, Idempotent: true,
	}, &st)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// ActionReason says why a credential needs its end user (see
// [UserActionError]).
type ActionReason string

// Reasons a credential needs its end user.
const (
	// ActionBlocked: the stored bank credentials no longer allow login
	// (status blocked); the user must re-enter them.
	ActionBlocked ActionReason = "blocked"
	// ActionSCA: the bank asks for strong customer authentication (status
	// sca_token set).
	ActionSCA ActionReason = "sca"
	// ActionReset: the user must re-enter their credentials (status
	// reset_token set, e.g. after a forced reset).
	ActionReset ActionReason = "reset"
)

// UserActionError is returned by [Client.WaitForCredentials] when the
// credential cannot progress without its end user. Reason says why; Status
// is the status that said so (its tokens are what you hand to the Flanks
// widget). It matches errors.ErrUserActionRequired, and also
// errors.ErrBadCredentials for ActionBlocked and errors.ErrSecurityChallenge
// and errors.ErrScaRequired for ActionSCA.
type UserActionError struct {
	Reason ActionReason
	Status *CredentialStatus
}

// Error names the reason; it never prints a token.
func (e *UserActionError) Error() string {
	switch e.Reason {
	case ActionBlocked:
		return "end-user action required: credential blocked, the bank credentials must be re-entered"
	case ActionSCA:
		return "end-user action required: the bank requires strong customer authentication (sca_token set)"
	case ActionReset:
		return "end-user action required: the credential must be reset (reset_token set)"
	}
	return "end-user action required: " + string(e.Reason)
}

// GoString keeps %#v free of tokens.
func (e *UserActionError) GoString() string {
	return "&flanks.UserActionError{Reason: " + string(e.Reason) + "}"
}

// Is matches errors.ErrUserActionRequired and the category of the reason.
func (e *UserActionError) Is(target error) bool {
	switch target {
	case sdkerrors.ErrUserActionRequired:
		return true
	case sdkerrors.ErrBadCredentials:
		return e.Reason == ActionBlocked
	case sdkerrors.ErrSecurityChallenge, sdkerrors.ErrScaRequired:
		return e.Reason == ActionSCA
	}
	return false
}

// credentialPending is a poll's "not yet" while the extraction runs.
type credentialPending struct{}

func (credentialPending) Error() string { return "credential extraction still pending" }

func (credentialPending) Is(target error) bool { return target == sdkerrors.ErrPending }

// WaitForCredentials polls POST /v0/bank/credentials/status (at once, then
// every poll interval) until the credential's initial extraction has
// finished (pending is false) and returns the final status; check its
// Errored flags for products that failed.
//
// It stops early, returning the status together with a *[UserActionError],
// when the status says the end user must act: blocked, sca_token set or
// reset_token set. When the poll timeout passes first it returns the last
// status with an error matching errors.ErrPollTimeout; when ctx ends, the
// last status with the context's error. Other failures (an unknown token:
// errors.ErrConfigurationError) are returned at once.
func (c *Client) WaitForCredentials(ctx context.Context, credentialsToken string) (*CredentialStatus, error) {
	const op = "WaitForCredentials"
	if credentialsToken == "" {
		return nil, badArg(op, "credentials token is empty")
	}
	var last *CredentialStatus
	st, err := wait(ctx, c, op, isPending, func(ctx context.Context) (*CredentialStatus, error) {
		st, err := c.credentialStatus(ctx, op, credentialsToken)
		if err != nil {
			return nil, err
		}
		last = st
		if r := st.ActionRequired(); r != "" {
			return st, &UserActionError{Reason: r, Status: st}
		}
		if st.Pending {
			return st, credentialPending{}
		}
		return st, nil
	})
	if st == nil {
		st = last
	}
	return st, err
}

// Force selects what [Client.ForceCredentials] forces.
type Force string

// Force values (PUT /v0/bank/credentials/status).
const (
	// ForceSCA asks for a new strong customer authentication.
	ForceSCA Force = "sca"
	// ForceReset makes the end user re-enter their bank credentials.
	ForceReset Force = "reset"
	// ForceTransaction asks for a full transaction history refresh.
	ForceTransaction Force = "transaction"
)

// ForceCredentials forces an SCA, a reset or a transactions refresh on a
// credential and returns the token to hand to the Flanks widget:
// PUT /v0/bank/credentials/status with {"credentials_token", "force"}; the
// answer is {"sca_token"}, {"reset_token"} or {"transaction_token"}. The
// returned token is a secret. An unknown credential gives an error
// matching errors.ErrConfigurationError.
func (c *Client) ForceCredentials(ctx context.Context, credentialsToken string, force Force) (string, error) {
	const op = "ForceCredentials"
	if credentialsToken == "" {
		return "", badArg(op, "credentials token is empty")
	}
	if force == "" {
		return "", badArg(op, "force is empty")
	}
	var out struct {
		SCAToken         string `json:"sca_token"`
		ResetToken       string `json:"reset_token"`
		TransactionToken string `json:"transaction_token"`
	}
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPut, Path: "/v0/bank/credentials/status",
		Body:       forceBody{credentialsToken, force},
		Idempotent: true,
	}, &out)
	if err != nil {
		return "", opError(op, err)
	}
	var tok string
	switch force {
	case ForceSCA:
		tok = out.SCAToken
	case ForceReset:
		tok = out.ResetToken
	case ForceTransaction:
		tok = out.TransactionToken
	}
	if tok == "" {
		tok = firstNonEmpty(out.SCAToken, out.ResetToken, out.TransactionToken)
	}
	if tok == "" {
		return "", opError(op, unexpected(resp, "no token in the answer"))
	}
	return tok, nil
}

// forceBody is the body of PUT /v0/bank/credentials/status.
type forceBody struct {
	CredentialsToken string `json:"credentials_token"`
	Force            Force  `json:"force"`
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// DeleteCredentials deletes a credential: DELETE /v0/bank/credentials with
// the JSON body {"credentials_token"}. It is not retried after the request
// may have reached Flanks (a repeated delete would report the credential as
// missing). An unknown credential gives an error matching
// errors.ErrConfigurationError.
func (c *Client) DeleteCredentials(ctx context.Context, credentialsToken string) error {
	const op = "DeleteCredentials"
	if credentialsToken == "" {
		return badArg(op, "credentials token is empty")
	}
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodDelete, Path: "/v0/bank/credentials",
		Body: credentialsTokenBody{credentialsToken},
	}, nil)
	if err == nil {
		err = c.scrub(c.checkBody(resp), credentialsToken)
	}
	return opError(op, err)
}

// CredentialSummary is one item of [Client.ListCredentials]. Its
// CredentialsToken is a secret: String, GoString and LogValue redact it.
type CredentialSummary struct {
	CredentialsToken string `json:"credentials_token"`
	ExternalID       string `json:"external_id"`
	// Bank is the entity id.
	Bank string `json:"bank"`
	// Status is a free text (kept as sent).
	Status string `json:"status"`
}

// String describes the summary with the token redacted.
func (s CredentialSummary) String() string {
	return "flanks.CredentialSummary{CredentialsToken: " + secret(s.CredentialsToken) +
		", ExternalID: " + s.ExternalID + ", Bank: " + s.Bank + ", Status: " + s.Status + "}"
}

// GoString makes %#v as safe as %v.
func (s CredentialSummary) GoString() string { return s.String() }

// LogValue makes the summary safe to pass to log/slog.
func (s CredentialSummary) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("credentials_token", secret(s.CredentialsToken)),
		slog.String("external_id", s.ExternalID),
		slog.String("bank", s.Bank),
		slog.String("status", s.Status),
	)
}

// ListCredentials iterates over the credentials of your application:
// POST /v0/bank/credentials/list with {"page"} for page 1, 2, ... up to the
// "pages" the server announces. Pages are fetched as the loop advances;
// breaking out of the loop stops fetching. On failure the iterator yields
// one (zero, err) pair and stops. A page that repeats the previous one (a
// server ignoring the page number while announcing more pages) yields
// [ErrRepeatedPageToken] instead of looping.
func (c *Client) ListCredentials(ctx context.Context) iter.Seq2[CredentialSummary, error] {
	const op = "ListCredentials"
	return func(yield func(CredentialSummary, error) bool) {
		seed := maphash.MakeSeed()
		var prev uint64
		for page := 1; ; page++ {
			var out struct {
				Items []CredentialSummary `json:"items"`
				Page  flexInt             `json:"page"`
				Pages flexInt             `json:"pages"`
			}
			_, err := c.send(ctx, &transport.Request{
				Op: op, Method: http.MethodPost, Path: "/v0/bank/credentials/list",
				Body: struct {
					Page int `json:"page"`
				}{page}, Idempotent: true,
			}, &out)
			if err != nil {
				yield(CredentialSummary{}, opError(op, err))
				return
			}
			h := summariesHash(seed, out.Items)
			if page > 1 && len(out.Items) > 0 && h == prev {
				yield(CredentialSummary{}, opError(op, ErrRepeatedPageToken))
				return
			}
			prev = h
			for _, it := range out.Items {
				if !yield(it, nil) {
					return
				}
			}
			if len(out.Items) == 0 || !out.Pages.ok || int64(page) >= out.Pages.v {
				return
			}
		}
	}
}

// summariesHash identifies a page of credentials (only its hash is kept, so
// memory stays flat however many pages there are).
func summariesHash(seed maphash.Seed, items []CredentialSummary) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, it := range items {
		for _, f := range []string{it.CredentialsToken, it.ExternalID, it.Bank, it.Status} {
			_, _ = h.WriteString(f)
			_ = h.WriteByte(0)
		}
	}
	return h.Sum64()
}

// CreateCredentialsRequest is the body of [Client.CreateCredentials]. It
// holds the end user's bank username and password: String, GoString and
// LogValue redact them.
type CreateCredentialsRequest struct {
	// Bank is the entity id ([Client.ListEntities]), e.g. "testbank".
	Bank string `json:"bank"`
	// Username and Password are the end user's bank credentials.
	Username string `json:"username"`
	Password string `json:"password"`
	// Verifier is the second password some banks require.
	Verifier string `json:"verifier,omitempty"`
	// ExternalID is your identifier for the credential, propagated to the
	// data objects' external_id.
	ExternalID string `json:"external_id,omitempty"`
}

// String describes the request with the bank credentials redacted.
func (r CreateCredentialsRequest) String() string {
	return "flanks.CreateCredentialsRequest{Bank: " + r.Bank + ", Username: " + secret(r.Username) +
		", Password: " + secret(r.Password) + ", Verifier: " + secret(r.Verifier) + ", ExternalID: " + r.ExternalID + "}"
}

// GoString makes %#v as safe as %v.
func (r CreateCredentialsRequest) GoString() string { return r.String() }

// LogValue makes the request safe to pass to log/slog.
func (r CreateCredentialsRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("bank", r.Bank),
		slog.String("username", secret(r.Username)),
		slog.String("password", secret(r.Password)),
		slog.String("verifier", secret(r.Verifier)),
		slog.String("external_id", r.ExternalID),
	)
}

// CreatedCredentials is the result of [Client.CreateCredentials]. Its
// CredentialsToken is a secret: String, GoString and LogValue redact it.
type CreatedCredentials struct {
	CredentialsToken string `json:"credentials_token"`
	Message          string `json:"message"`
	// Delayed is true when Flanks answered 202: the credential exists but
	// is held for security checks (SCA_ERROR 20003) for a day or more.
	Delayed bool `json:"-"`
}

// UnmarshalJSON decodes leniently: the bank login already happened, so a
// side field of an unexpected type must not lose the credentials token.
func (r *CreatedCredentials) UnmarshalJSON(b []byte) error {
	var raw struct {
		CredentialsToken json.RawMessage `json:"credentials_token"`
		Message          json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = CreatedCredentials{CredentialsToken: looseString(raw.CredentialsToken), Message: looseString(raw.Message)}
	return nil
}

// errorCodeOf reads the numeric error_code of a 2xx body (20003 on a held
// credential), 0 if none.
func errorCodeOf(resp *transport.Response) int {
	if resp == nil {
		return 0
	}
	var aux struct {
		ErrorCode flexInt `json:"error_code"`
	}
	if json.Unmarshal(resp.Prefix, &aux) != nil {
		return 0
	}
	return int(aux.ErrorCode.v)
}

// String describes the result with the token redacted.
func (r CreatedCredentials) String() string {
	return "flanks.CreatedCredentials{CredentialsToken: " + secret(r.CredentialsToken) +
		", Message: " + r.Message + ", Delayed: " + boolText(r.Delayed) + "}"
}

// GoString makes %#v as safe as %v.
func (r CreatedCredentials) GoString() string { return r.String() }

// LogValue makes the result safe to pass to log/slog.
func (r CreatedCredentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("credentials_token", secret(r.CredentialsToken)),
		slog.String("message", r.Message),
		slog.Bool("delayed", r.Delayed),
	)
}

// CreateCredentials creates a credential from the end user's bank username
// and password, for regulated entities that do not use Flanks Link:
// POST /v0/bank/credentials. The request is sent once: it is never
// retried after it may have reached Flanks (it logs in at the bank), except
// once after a 401 that refused the access token.
//
// Notable errors: errors.ErrCredentialsError (50002, wrong bank
// credentials), errors.ErrScaRequired (50003), errors.ErrBankError (50001,
// temporary), errors.ErrConfigurationError (40001, e.g. the credential
// already exists). When Flanks answers 202 (held for security checks) the
// result has Delayed set and is returned together with a *[DelayedError]
// matching errors.ErrScaError: keep the token, it is the only handle to the
// credential.
func (c *Client) CreateCredentials(ctx context.Context, req CreateCredentialsRequest) (*CreatedCredentials, error) {
	const op = "CreateCredentials"
	if req.Bank == "" || req.Username == "" || req.Password == "" {
		return nil, badArg(op, "bank, username and password are required")
	}
	var res CreatedCredentials
	resp, err := c.sendRaw(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/v0/bank/credentials",
		Body: req, Accept: []int{200, 201, 202},
	}, &res)
	if err != nil {
		return nil, opError(op, err)
	}
	if res.CredentialsToken == "" {
		return nil, opError(op, c.scrub(c.noTokenError(resp), secretsOf(req)...))
	}
	if resp.StatusCode == http.StatusAccepted || errorCodeOf(resp) == 20003 {
		res.Delayed = true
		return &res, opError(op, c.scrub(c.delayedError(resp, res.CredentialsToken, res.Message), secretsOf(req)...))
	}
	return &res, nil
}

// noTokenError is the error for a 2xx body without a credentials token: the
// error envelope it carries if any, else ErrUnexpectedResponse.
func (c *Client) noTokenError(resp *transport.Response) error {
	if resp != nil {
		api := c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix)
		if api.Code != "" || api.Number != 0 {
			return c.scrub(api)
		}
	}
	return unexpected(resp, "no credentials_token in the answer")
}

// DelayedError reports that Flanks holds a new credential for security and
// data-quality checks (HTTP 202, SCA_ERROR 20003; "available in about 72
// h"). The credential exists: CredentialsToken is its handle, keep it and
// try it again much later. It matches errors.ErrScaError and unwraps to the
// *errors.APIError. Its Error and GoString never print the token.
type DelayedError struct {
	// CredentialsToken is the token of the held credential (a secret).
	CredentialsToken string
	// Message is Flanks' message.
	Message string
	// Err is the SCA_ERROR (20003) API error.
	Err *sdkerrors.APIError
}

// Error says the token is held; never prints it.
func (e *DelayedError) Error() string {
	msg := "credentials token held for security checks"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// GoString keeps %#v free of the token.
func (e *DelayedError) GoString() string {
	return "&flanks.DelayedError{CredentialsToken: " + secret(e.CredentialsToken) + ", Message: " + sdkerrors.Redact(e.Message) + "}"
}

// Unwrap returns the API error.
func (e *DelayedError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// Is matches errors.ErrScaError even when the body carried no code.
func (e *DelayedError) Is(target error) bool { return target == sdkerrors.ErrScaError }

func (c *Client) delayedError(resp *transport.Response, tok, msg string) error {
	api := c.t.DecodeError(resp.StatusCode, resp.Header, resp.Prefix)
	if api.Number == 0 {
		api.Number, api.Code = 20003, "SCA_ERROR"
	}
	if api.Message == "" {
		api.Message = msg
	}
	// The token is the result, not part of the error: never print it.
	return c.scrub(&DelayedError{CredentialsToken: tok, Message: msg, Err: api}, tok)
}
