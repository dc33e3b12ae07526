package flankstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Connect v2 session statuses and error codes.
const (
	statusWaitingCredentials = "Waiting:ProvideCredentials"
	statusWaitingChallenge   = "Waiting:Challenge"
	statusFinishedOK         = "Finished:OK"
	statusFinishedError      = "Finished:Error"
)

type session struct {
	SessionID    string  `json:"session_id"`
	URL          string  `json:"url"`
	Status       string  `json:"status"`
	ConnectionID *string `json:"connection_id"`
	ErrorCode    *string `json:"error_code"`
	ConnectorID  *string `json:"connector_id"`
	RedirectURL  string  `json:"redirect_url"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`

	update *string // connection_id of the configuration (update an existing connection)
}

// query decodes a v2 "query" object. Keys the fake does not know are ignored;
// a present key must hold an array of strings (null counts as absent).
type v2Query map[string]json.RawMessage

// in returns the values of an "_in" filter and whether it is present.
func (q v2Query) in(key string) (vals []string, present bool, err error) {
	raw, ok := q[key]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, false, nil
	}
	if err := json.Unmarshal(raw, &vals); err != nil {
		return nil, true, err
	}
	return vals, true, nil
}

// filterSet is a parsed "_in" filter.
type filterSet struct {
	present bool
	vals    map[string]bool
}

func (f filterSet) ok(v string) bool { return !f.present || f.vals[v] }

func (f filterSet) okPtr(v *string) bool {
	if !f.present {
		return true
	}
	return v != nil && f.vals[*v]
}

// listRequest decodes {query, page_token} and the named "_in" filters,
// answering ValidationError itself.
func (c *call) listRequest(keys ...string) (q v2Query, token string, filters map[string]filterSet, ok bool) {
	var req struct {
		Query     v2Query `json:"query"`
		PageToken *string `json:"page_token"`
	}
	if !c.decode(&req) {
		return nil, "", nil, false
	}
	if req.Query == nil {
		req.Query = v2Query{}
	}
	filters = map[string]filterSet{}
	for _, k := range keys {
		vals, present, err := req.Query.in(k)
		if err != nil {
			c.validation("invalid", "query."+k)
			return nil, "", nil, false
		}
		fs := filterSet{present: present, vals: map[string]bool{}}
		for _, v := range vals {
			fs.vals[v] = true
		}
		filters[k] = fs
	}
	if req.PageToken != nil {
		token = *req.PageToken
	}
	return req.Query, token, filters, true
}

// canonical returns the query restricted to keys, for page-token binding.
func (q v2Query) canonical(keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if raw, ok := q[k]; ok {
			var v any
			_ = json.Unmarshal(raw, &v)
			out[k] = v
		}
	}
	return out
}

// handleListConnectors serves POST /connect/v2/connectors/list-connectors.
func (c *call) handleListConnectors() {
	keys := []string{"connector_id_in"}
	q, tok, f, ok := c.listRequest(keys...)
	if !ok {
		return
	}
	var items []connectorJSON
	for _, in := range institutions {
		if f["connector_id_in"].ok(in.ID) {
			items = append(items, connectorJSON{ConnectorID: in.ID, Name: in.Name, Country: in.Country, LogoURL: logoURL(in.ID)})
		}
	}
	writePage(c, "connectors", q.canonical(keys...), tok, items)
}

func writePage[T any](c *call, kind string, q any, token string, items []T) {
	start, end, next, ok := c.page(kind, q, token, len(items))
	if !ok {
		return
	}
	page := make([]T, 0, end-start)
	page = append(page, items[start:end]...)
	c.writeJSON(http.StatusOK, listPage[T]{Items: page, NextPageToken: next})
}

// handleCreateSession serves POST /connect/v2/sessions/create-session.
func (c *call) handleCreateSession() {
	var req struct {
		Configuration *struct {
			RedirectURL  string  `json:"redirect_url"`
			ConnectorID  *string `json:"connector_id"`
			ConnectionID *string `json:"connection_id"`
		} `json:"configuration"`
	}
	if !c.decode(&req) {
		return
	}
	cfg := req.Configuration
	switch {
	case cfg == nil:
		c.validation("missing", "configuration")
		return
	case cfg.RedirectURL == "":
		c.validation("missing", "configuration.redirect_url")
		return
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || u.Scheme == "" || u.Host == "" {
		c.validation("invalid", "configuration.redirect_url")
		return
	}
	if cfg.ConnectorID != nil {
		if _, ok := findInstitution(*cfg.ConnectorID); !ok {
			c.validation("not_found", "configuration.connector_id")
			return
		}
	}
	s := c.s
	base := s.baseURL(c.r)
	s.mu.Lock()
	if cfg.ConnectionID != nil && s.creds[*cfg.ConnectionID] == nil {
		s.mu.Unlock()
		c.validation("not_found", "configuration.connection_id")
		return
	}
	now := s.now().UTC().Format(time.RFC3339)
	ss := &session{
		SessionID:   s.newUUIDLocked("session"),
		Status:      statusWaitingCredentials,
		ConnectorID: cfg.ConnectorID,
		RedirectURL: cfg.RedirectURL,
		CreatedAt:   now,
		UpdatedAt:   now,
		update:      cfg.ConnectionID,
	}
	ss.URL = base + "/widget/connect?session_id=" + ss.SessionID
	if cfg.ConnectionID != nil {
		ss.ConnectionID = strPtr(*cfg.ConnectionID)
	}
	s.sessions[ss.SessionID] = ss
	s.sessionOrder = append(s.sessionOrder, ss)
	out := *ss
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]session{"session": out})
}

// handleListSessions serves POST /connect/v2/sessions/list-sessions.
func (c *call) handleListSessions() {
	keys := []string{"session_id_in", "status_in", "connection_id_in", "error_code_in"}
	q, tok, f, ok := c.listRequest(keys...)
	if !ok {
		return
	}
	var items []session
	c.s.mu.Lock()
	for _, ss := range c.s.sessionOrder {
		if f["session_id_in"].ok(ss.SessionID) && f["status_in"].ok(ss.Status) &&
			f["connection_id_in"].okPtr(ss.ConnectionID) && f["error_code_in"].okPtr(ss.ErrorCode) {
			items = append(items, *ss)
		}
	}
	c.s.mu.Unlock()
	writePage(c, "sessions", q.canonical(keys...), tok, items)
}

// sessionErrorCode maps a TestBank value to a Connect v2 session error code.
func sessionErrorCode(value string, challenge bool) (code string, isError bool) {
	switch strings.ToUpper(strings.TrimSpace(value)) {
	case "INVALID_CREDENTIALS":
		if !challenge {
			return "InvalidCredentials", true
		}
	case "INVALID_SCA":
		return "InvalidChallengeResponse", true
	case "SCA_TYPE_NOT_ALLOWED":
		return "UnsupportedChallengeMethod", true
	case "USER_INTERACTION_NEEDED":
		return "UserInteractionNeeded", true
	case "INTERNAL_ERROR":
		return "InternalError", true
	}
	return "", false
}

// CompleteSession stands for the end user finishing a Connect v2 session in
// the widget. At the credentials step, password is a TestBank password:
// INVALID_CREDENTIALS, SCA_TYPE_NOT_ALLOWED, USER_INTERACTION_NEEDED,
// INTERNAL_ERROR and INVALID_SCA end the session in Finished:Error with
// error_code InvalidCredentials, UnsupportedChallengeMethod,
// UserInteractionNeeded, InternalError and InvalidChallengeResponse; any
// other SCA_* value moves it to Waiting:Challenge, and the next call answers
// the challenge (INVALID_SCA, INTERNAL_ERROR, USER_INTERACTION_NEEDED fail as
// above, another SCA_* chains a new challenge, anything else succeeds); any
// other password ends in Finished:OK with a connection_id, which is a
// credentials_token whose extraction then runs as for NewLinkCode
// (DATA_ERROR_PRODUCT_ACCOUNT included). A session created with a
// connection_id updates that connection instead and restarts its extraction.
// It returns an error for an unknown or already finished session.
func (s *Server) CompleteSession(sessionID, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sessionID]
	if ss == nil {
		return errors.New("flankstest: unknown session")
	}
	if ss.Status != statusWaitingCredentials && ss.Status != statusWaitingChallenge {
		return fmt.Errorf("flankstest: session already %s", ss.Status)
	}
	challenge := ss.Status == statusWaitingChallenge
	ss.UpdatedAt = s.now().UTC().Format(time.RFC3339)
	if code, bad := sessionErrorCode(password, challenge); bad {
		ss.Status = statusFinishedError
		ss.ErrorCode = &code
		return nil
	}
	o := classify(password)
	if o == outcomeSCA {
		ss.Status = statusWaitingChallenge
		return nil
	}
	if challenge || !o.hasData() {
		o = outcomeOK
	}
	if ss.update != nil {
		if cr := s.creds[*ss.update]; cr != nil {
			s.restartLocked(cr, o)
			ss.Status = statusFinishedOK
			return nil
		}
	}
	inst, _ := findInstitution("testbank")
	if ss.ConnectorID != nil {
		inst, _ = findInstitution(*ss.ConnectorID)
	}
	cr := s.newCredentialLocked(inst, o, "", nil)
	ss.ConnectionID = strPtr(cr.token)
	ss.Status = statusFinishedOK
	return nil
}

var connectWidget = template.Must(template.New("connect").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Flanks Connect (fake)</title></head><body>
<h1>Flanks Connect (fake)</h1>
<p>Session {{.SessionID}}: {{.Status}}.{{if eq .Status "Waiting:Challenge"}} Enter the SCA answer.{{end}}</p>
<form method="post">
<input type="hidden" name="session_id" value="{{.SessionID}}">
<label>TestBank password <input name="password" type="password" value="1234"></label>
<button type="submit">Continue</button>
</form></body></html>
`))

// handleConnectWidget serves /widget/connect?session_id=...: GET shows a
// form, POST (form: session_id, password) calls CompleteSession and
// redirects to redirect_url?session_id=... once the session is finished.
func (c *call) handleConnectWidget() {
	q := c.r.URL.Query()
	if c.r.Method == http.MethodPost {
		form, err := url.ParseQuery(string(c.body))
		if err != nil {
			http.Error(c.w, "bad form", http.StatusBadRequest)
			return
		}
		for k, v := range form {
			q[k] = v
		}
	}
	id := q.Get("session_id")
	if c.r.Method == http.MethodPost {
		if err := c.s.CompleteSession(id, q.Get("password")); err != nil {
			http.Error(c.w, "Invalid or finished session", http.StatusBadRequest)
			return
		}
	}
	c.s.mu.Lock()
	ss := c.s.sessions[id]
	var view session
	if ss != nil {
		view = *ss
	}
	c.s.mu.Unlock()
	if ss == nil {
		http.Error(c.w, "Invalid session", http.StatusBadRequest)
		return
	}
	if strings.HasPrefix(view.Status, "Finished:") {
		u, err := url.Parse(view.RedirectURL)
		if err != nil {
			http.Error(c.w, "bad redirect_url", http.StatusBadRequest)
			return
		}
		v := u.Query()
		v.Set("session_id", view.SessionID)
		u.RawQuery = v.Encode()
		http.Redirect(c.w, c.r, u.String(), http.StatusSeeOther)
		return
	}
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = connectWidget.Execute(c.w, view)
}
