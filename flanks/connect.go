package flanks

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Connector is an institution in Connect v2 (the same ids as the v0
// entities).
type Connector struct {
	ConnectorID string `json:"connector_id"`
	Name        string `json:"name"`
	Country     string `json:"country"`
	LogoURL     string `json:"logo_url"`
}

// ConnectorQuery filters [Client.ListConnectors]. A nil slice does not
// filter; an empty non-nil slice matches nothing (Flanks' query rules).
type ConnectorQuery struct {
	ConnectorIDIn []string `json:"connector_id_in,omitzero"`
}

// ListConnectors iterates over the institutions available in Connect v2:
// POST /connect/v2/connectors/list-connectors with {"query", "page_token"},
// following next_page_token. Breaking out of the loop stops fetching; on
// failure the iterator yields one (zero, err) pair, e.g. an error matching
// errors.ErrBadRequest (ValidationError) or, when the server repeats a page
// token, [ErrRepeatedPageToken].
func (c *Client) ListConnectors(ctx context.Context, q ConnectorQuery) iter.Seq2[Connector, error] {
	return paginate[Connector](ctx, c, "ListConnectors", "/connect/v2/connectors/list-connectors", q)
}

// SessionStatus is a Connect v2 session's status. "Waiting:*" means the end
// user must act in the widget; "Processing:*" is transient; "Finished:*" is
// final. Values without a constant are kept as sent.
type SessionStatus string

// Session statuses.
const (
	SessionWaitingCredentials    SessionStatus = "Waiting:ProvideCredentials"
	SessionWaitingChallenge      SessionStatus = "Waiting:Challenge"
	SessionProcessingCredentials SessionStatus = "Processing:ProvideCredentials"
	SessionProcessingChallenge   SessionStatus = "Processing:Challenge"
	SessionFinishedOK            SessionStatus = "Finished:OK"
	SessionFinishedError         SessionStatus = "Finished:Error"
)

// Finished reports whether the session is over (Finished:OK,
// Finished:Error or any other "Finished:" value).
func (s SessionStatus) Finished() bool { return strings.HasPrefix(string(s), "Finished:") }

// Waiting reports whether the session waits for the end user.
func (s SessionStatus) Waiting() bool { return strings.HasPrefix(string(s), "Waiting:") }

// Processing reports whether Flanks is working on the session.
func (s SessionStatus) Processing() bool { return strings.HasPrefix(string(s), "Processing:") }

// SessionErrorCode says why a session ended in Finished:Error. Values
// without a constant are kept as sent.
type SessionErrorCode string

// Session error codes.
const (
	SessionInvalidCredentials         SessionErrorCode = "InvalidCredentials"
	SessionInvalidChallengeResponse   SessionErrorCode = "InvalidChallengeResponse"
	SessionUnsupportedChallengeMethod SessionErrorCode = "UnsupportedChallengeMethod"
	SessionUserInteractionNeeded      SessionErrorCode = "UserInteractionNeeded"
	SessionInternalError              SessionErrorCode = "InternalError"
)

// Description says what the code means and what to do.
func (e SessionErrorCode) Description() string {
	switch e {
	case SessionInvalidCredentials:
		return "The bank refused the credentials; the end user must try again in a new session."
	case SessionInvalidChallengeResponse:
		return "The answer to the security challenge was wrong; start a new session."
	case SessionUnsupportedChallengeMethod:
		return "The bank asked for a challenge method Flanks does not support; the end user may change it at the bank."
	case SessionUserInteractionNeeded:
		return "The end user must act on their bank's website first (e.g. accept terms), then retry."
	case SessionInternalError:
		return "Flanks failed; retry later with a new session."
	}
	return "Unknown session error code."
}

// Session is a Connect v2 session: a single-use widget URL for one end-user
// action (connect, update credentials, solve a challenge). ConnectionID
// (a credentials token) is a secret: String, GoString and LogValue redact
// it.
type Session struct {
	SessionID string `json:"session_id"`
	// URL is the widget URL to send the end user to.
	URL    string        `json:"url"`
	Status SessionStatus `json:"status"`
	// ConnectionID is the connection (credentials token) the session
	// created or updated; set once it finished OK.
	ConnectionID string `json:"connection_id"`
	// ErrorCode says why a Finished:Error session failed.
	ErrorCode   SessionErrorCode `json:"error_code"`
	ConnectorID string           `json:"connector_id"`
	RedirectURL string           `json:"redirect_url"`
	CreatedAt   Timestamp        `json:"created_at"`
	UpdatedAt   Timestamp        `json:"updated_at"`
}

// UnmarshalJSON decodes leniently: a session is created once, so a side
// field of an unexpected type (a timestamp in another format) must not lose
// it. Such fields decode to their zero value.
func (s *Session) UnmarshalJSON(b []byte) error {
	var raw struct {
		SessionID    json.RawMessage `json:"session_id"`
		URL          json.RawMessage `json:"url"`
		Status       json.RawMessage `json:"status"`
		ConnectionID json.RawMessage `json:"connection_id"`
		ErrorCode    json.RawMessage `json:"error_code"`
		ConnectorID  json.RawMessage `json:"connector_id"`
		RedirectURL  json.RawMessage `json:"redirect_url"`
		CreatedAt    json.RawMessage `json:"created_at"`
		UpdatedAt    json.RawMessage `json:"updated_at"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Session{
		SessionID:    looseString(raw.SessionID),
		URL:          looseString(raw.URL),
		Status:       SessionStatus(looseString(raw.Status)),
		ConnectionID: looseString(raw.ConnectionID),
		ErrorCode:    SessionErrorCode(looseString(raw.ErrorCode)),
		ConnectorID:  looseString(raw.ConnectorID),
		RedirectURL:  looseString(raw.RedirectURL),
	}
	if len(raw.CreatedAt) > 0 {
		_ = s.CreatedAt.UnmarshalJSON(raw.CreatedAt)
	}
	if len(raw.UpdatedAt) > 0 {
		_ = s.UpdatedAt.UnmarshalJSON(raw.UpdatedAt)
	}
	return nil
}

// String describes the session with the connection id redacted.
func (s Session) String() string {
	return "flanks.Session{SessionID: " + s.SessionID + ", Status: " + string(s.Status) +
		", ConnectionID: " + secret(s.ConnectionID) + ", ErrorCode: " + string(s.ErrorCode) +
		", ConnectorID: " + s.ConnectorID + "}"
}

// GoString makes %#v as safe as %v.
func (s Session) GoString() string { return s.String() }

// LogValue makes the session safe to pass to log/slog.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("session_id", s.SessionID),
		slog.String("status", string(s.Status)),
		slog.String("connection_id", secret(s.ConnectionID)),
		slog.String("error_code", string(s.ErrorCode)),
	)
}

// SessionConfiguration configures [Client.CreateSession] (Connect v2's
// Session Configuration Model). ConnectionID is a secret: String, GoString
// and LogValue redact it.
type SessionConfiguration struct {
	// RedirectURL is where the end user lands afterwards, with
	// ?session_id=... appended. Required.
	RedirectURL string `json:"redirect_url"`
	// ConnectorID, if set, fixes the institution.
	ConnectorID string `json:"connector_id,omitempty"`
	// ConnectionID, if set, updates (unblocks) that existing connection
	// instead of creating one.
	ConnectionID string `json:"connection_id,omitempty"`
	// Extra holds configuration fields the SDK has no field for (e.g.
	// "initial_step", "privacy_notice"); they are merged into the JSON.
	Extra map[string]any `json:"-"`
}

// MarshalJSON merges Extra into the configuration object.
func (s SessionConfiguration) MarshalJSON() ([]byte, error) {
	type plain SessionConfiguration
	b, err := json.Marshal(plain(s))
	if err != nil || len(s.Extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	for k, v := range s.Extra {
		m[k] = v
	}
	var known map[string]any
	if err := json.Unmarshal(b, &known); err != nil {
		return nil, err
	}
	for k, v := range known {
		m[k] = v
	}
	return json.Marshal(m)
}

// String describes the configuration with the connection id redacted.
func (s SessionConfiguration) String() string {
	return "flanks.SessionConfiguration{RedirectURL: " + s.RedirectURL + ", ConnectorID: " + s.ConnectorID +
		", ConnectionID: " + secret(s.ConnectionID) + ", Extra: " + keysOf(s.Extra) + "}"
}

// GoString makes %#v as safe as %v.
func (s SessionConfiguration) GoString() string { return s.String() }

// LogValue makes the configuration safe to pass to log/slog.
func (s SessionConfiguration) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("redirect_url", s.RedirectURL),
		slog.String("connector_id", s.ConnectorID),
		slog.String("connection_id", secret(s.ConnectionID)),
	)
}

// sessionResponse decodes {"session": Session} and a bare Session.
type sessionResponse struct {
	Session Session
}

func (r *sessionResponse) UnmarshalJSON(b []byte) error {
	var w struct {
		Session json.RawMessage `json:"session"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if len(w.Session) > 0 && string(w.Session) != "null" {
		return json.Unmarshal(w.Session, &r.Session)
	}
	return json.Unmarshal(b, &r.Session)
}

// CreateSession creates a Connect v2 session and returns it with the
// widget URL to send the end user to:
// POST /connect/v2/sessions/create-session with {"configuration"}. It is
// sent once: never retried after it may have reached Flanks, except once
// after a 401 that refused the access token. A bad configuration gives an
// error matching errors.ErrBadRequest (ValidationError, with Details).
func (c *Client) CreateSession(ctx context.Context, cfg SessionConfiguration) (*Session, error) {
	const op = "CreateSession"
	if cfg.RedirectURL == "" {
		return nil, badArg(op, "redirect URL is empty")
	}
	var out sessionResponse
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/connect/v2/sessions/create-session",
		Body: sessionBody{cfg},
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	s := &out.Session
	if s.SessionID == "" {
		return nil, opError(op, unexpected(resp, "no session in the answer"))
	}
	return s, nil
}

// sessionBody is the body of POST /connect/v2/sessions/create-session.
type sessionBody struct {
	Configuration SessionConfiguration `json:"configuration"`
}

// SessionQuery filters [Client.ListSessions]. A nil slice does not filter;
// an empty non-nil slice matches nothing.
type SessionQuery struct {
	SessionIDIn    []string           `json:"session_id_in,omitzero"`
	StatusIn       []SessionStatus    `json:"status_in,omitzero"`
	ConnectionIDIn []string           `json:"connection_id_in,omitzero"`
	ErrorCodeIn    []SessionErrorCode `json:"error_code_in,omitzero"`
}

// String describes the query with the connection ids redacted.
func (q SessionQuery) String() string {
	return "flanks.SessionQuery{SessionIDIn: " + listText(q.SessionIDIn) + ", StatusIn: " + listText(q.StatusIn) +
		", ConnectionIDIn: " + redactedList(q.ConnectionIDIn) + ", ErrorCodeIn: " + listText(q.ErrorCodeIn) + "}"
}

// GoString makes %#v as safe as %v.
func (q SessionQuery) GoString() string { return q.String() }

// LogValue makes the query safe to pass to log/slog.
func (q SessionQuery) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("session_id_in", q.SessionIDIn), slog.Any("status_in", q.StatusIn),
		slog.String("connection_id_in", redactedList(q.ConnectionIDIn)), slog.Any("error_code_in", q.ErrorCodeIn))
}

// listText prints a query list: nil (no filter) as "nil", unlike an empty
// list (which matches nothing).
func listText[T any](vs []T) string {
	if vs == nil {
		return "nil"
	}
	return fmt.Sprint(vs)
}

// redactedList describes a list of secret values by its length only: nil (no
// filter) prints as "nil", others as "[n redacted]".
func redactedList(vs []string) string {
	if vs == nil {
		return "nil"
	}
	return "[" + itoa(len(vs)) + " redacted]"
}

// ListSessions iterates over Connect v2 sessions:
// POST /connect/v2/sessions/list-sessions with {"query", "page_token"},
// following next_page_token. Breaking out of the loop stops fetching; on
// failure the iterator yields one (zero, err) pair.
func (c *Client) ListSessions(ctx context.Context, q SessionQuery) iter.Seq2[Session, error] {
	return paginate[Session](ctx, c, "ListSessions", "/connect/v2/sessions/list-sessions", q)
}

// GetSession returns one session: ListSessions filtered on its id. An
// unknown id gives an error matching errors.ErrNotFound.
func (c *Client) GetSession(ctx context.Context, sessionID string) (*Session, error) {
	const op = "GetSession"
	if sessionID == "" {
		return nil, badArg(op, "session id is empty")
	}
	s, err := c.getSession(ctx, op, sessionID)
	return s, opError(op, err)
}

func (c *Client) getSession(ctx context.Context, op, sessionID string) (*Session, error) {
	for s, err := range paginate[Session](ctx, c, op, "/connect/v2/sessions/list-sessions", SessionQuery{SessionIDIn: []string{sessionID}}) {
		if err != nil {
			return nil, cause(err)
		}
		if s.SessionID == sessionID {
			return &s, nil
		}
	}
	return nil, &notFoundError{what: "session"}
}

// SessionError is returned by [Client.WaitForSession] for a session that
// ended in Finished:Error. It matches a category by code:
// InvalidCredentials → errors.ErrBadCredentials; InvalidChallengeResponse
// and UnsupportedChallengeMethod → errors.ErrSecurityChallenge;
// UserInteractionNeeded → errors.ErrUserActionRequired; InternalError →
// errors.ErrTemporary.
type SessionError struct {
	SessionID string
	Code      SessionErrorCode
}

// Error names the code.
func (e *SessionError) Error() string {
	code := string(e.Code)
	if code == "" {
		code = "unknown error"
	}
	return "connect session finished with " + code + ": " + e.Code.Description()
}

// Is matches the category of the code.
func (e *SessionError) Is(target error) bool {
	switch e.Code {
	case SessionInvalidCredentials:
		return target == sdkerrors.ErrBadCredentials
	case SessionInvalidChallengeResponse, SessionUnsupportedChallengeMethod:
		return target == sdkerrors.ErrSecurityChallenge
	case SessionUserInteractionNeeded:
		return target == sdkerrors.ErrUserActionRequired
	case SessionInternalError:
		return target == sdkerrors.ErrTemporary
	}
	return false
}

// sessionPending is a poll's "not yet" for a session.
type sessionPending struct{ status SessionStatus }

func (e sessionPending) Error() string { return "connect session is " + string(e.status) }

func (sessionPending) Is(target error) bool { return target == sdkerrors.ErrPending }

// WaitForSession polls the session (through list-sessions, at once and then
// every poll interval) until it is finished, and returns it. Finished:OK
// returns the session (ConnectionID is the new or updated credential; wait
// for its data with [Client.WaitForCredentials]). Finished:Error returns
// the session together with a *[SessionError]. "Waiting:*" statuses mean
// the end user has not finished the widget yet: call this after the user
// came back to your redirect URL, or give ctx a deadline. The poll timeout
// gives an error matching errors.ErrPollTimeout.
func (c *Client) WaitForSession(ctx context.Context, sessionID string) (*Session, error) {
	const op = "WaitForSession"
	if sessionID == "" {
		return nil, badArg(op, "session id is empty")
	}
	var last *Session
	s, err := wait(ctx, c, op, isPending, func(ctx context.Context) (*Session, error) {
		s, err := c.getSession(ctx, op, sessionID)
		if err != nil {
			return nil, err
		}
		last = s
		switch {
		case s.Status == SessionFinishedOK:
			return s, nil
		case s.Status.Finished():
			return s, &SessionError{SessionID: s.SessionID, Code: s.ErrorCode}
		}
		return s, sessionPending{s.Status}
	})
	if s == nil {
		s = last
	}
	return s, err
}
