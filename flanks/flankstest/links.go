package flankstest

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// link is a Flanks Link widget (Links API object).
type link struct {
	Token            string  `json:"token"`
	Name             string  `json:"name"`
	RedirectURI      string  `json:"redirect_uri"`
	CompanyName      *string `json:"company_name"`
	TermsURL         *string `json:"terms_and_conditions_url"`
	PrivacyURL       *string `json:"privacy_policy_url"`
	Active           bool    `json:"active"`
	PendingCodeCount int     `json:"pending_code_count"`
}

// linkCode is what the end user's redirect carries back from Flanks Link.
type linkCode struct {
	code       string
	linkToken  string
	inst       institution
	outcome    outcome
	extra      map[string]string
	externalID *string
	used       bool
}

// NewLinkCode stands for an end user who finished Flanks Link at TestBank
// with password, through the server's default link. It returns the
// single-use code for POST /v0/platform/link; the credential it yields runs
// its extraction as the password dictates (see the package documentation).
func (s *Server) NewLinkCode(password string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.links[s.defaultTok]
	if l == nil {
		l = s.newLinkLocked("Default link", "https://example.com/flanks/callback")
		s.defaultTok = l.Token
	}
	inst, _ := findInstitution("testbank")
	return s.newCodeLocked(l, inst, classify(password), map[string]string{}, nil).code
}

func (s *Server) newLinkLocked(name, redirect string) *link {
	l := &link{Token: s.newIDLocked("link_token"), RedirectURI: redirect, Active: true}
	l.Name = name
	if l.Name == "" {
		l.Name = l.Token
	}
	s.links[l.Token] = l
	s.linkOrder = append(s.linkOrder, l)
	return l
}

func (s *Server) newCodeLocked(l *link, inst institution, o outcome, extra map[string]string, externalID *string) *linkCode {
	lc := &linkCode{code: s.newIDLocked("link_code"), linkToken: l.Token, inst: inst, outcome: o, extra: extra, externalID: externalID}
	s.codes[lc.code] = lc
	s.codeOrder = append(s.codeOrder, lc)
	l.PendingCodeCount++
	return lc
}

func (s *Server) linkByNameLocked(name string) *link {
	for _, l := range s.linkOrder {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// handleListCodes serves GET /v0/platform/link[?link_token=...]: unused codes.
func (c *call) handleListCodes() {
	filter := c.r.URL.Query().Get("link_token")
	type item struct {
		Code      string            `json:"code"`
		LinkToken string            `json:"link_token"`
		Extra     map[string]string `json:"extra"`
	}
	out := []item{}
	c.s.mu.Lock()
	for _, lc := range c.s.codeOrder {
		if !lc.used && (filter == "" || lc.linkToken == filter) {
			out = append(out, item{lc.code, lc.linkToken, lc.extra})
		}
	}
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, out)
}

// handleExchangeCode serves POST /v0/platform/link {code}. Codes are single-use.
func (c *call) handleExchangeCode() {
	var req struct {
		Code string `json:"code"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Code == "" {
		c.missingFields("code")
		return
	}
	s := c.s
	s.mu.Lock()
	lc := s.codes[req.Code]
	if lc == nil || lc.used {
		s.mu.Unlock()
		c.v0Error(http.StatusBadRequest, "Invalid code", codeConfiguration)
		return
	}
	lc.used = true
	if l := s.links[lc.linkToken]; l != nil {
		l.PendingCodeCount--
	}
	if lc.outcome == outcomeAlreadyExists {
		s.mu.Unlock()
		c.v0Error(http.StatusConflict, "Credentials already exist", codeConfiguration)
		return
	}
	cr := s.newCredentialLocked(lc.inst, lc.outcome, "", lc.externalID)
	s.mu.Unlock()
	if lc.outcome == outcomeSecurityChecks {
		c.writeJSON(http.StatusAccepted, map[string]any{
			"message": "Token is delayed during security checks", "credentials_token": cr.token, "error_code": codeScaError,
		})
		return
	}
	c.writeJSON(http.StatusOK, map[string]any{
		"message": "Successfully retrieved", "credentials_token": cr.token, "link_token": lc.linkToken, "extra": lc.extra,
	})
}

// ---- Links API (v0 paths, v2 envelope) ----

func (c *call) linksOK(l *link) {
	c.writeJSON(http.StatusOK, map[string]any{"success": true, "data": *l})
}

// handleListLinks serves POST /v0/links/list-links.
func (c *call) handleListLinks() {
	if !c.decode(&struct{}{}) {
		return
	}
	c.s.mu.Lock()
	items := make([]link, len(c.s.linkOrder))
	for i, l := range c.s.linkOrder {
		items[i] = *l
	}
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]any{"success": true, "count": len(items), "items": items})
}

// optString is a JSON string field that records presence and null.
type optString struct {
	set bool
	val *string
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.val = nil
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.val = &v
	return nil
}

func (o optString) str() string {
	if o.val == nil {
		return ""
	}
	return *o.val
}

type linkFields struct {
	Token       optString `json:"token"`
	Name        optString `json:"name"`
	RedirectURI optString `json:"redirect_uri"`
	CompanyName optString `json:"company_name"`
	TermsURL    optString `json:"terms_and_conditions_url"`
	PrivacyURL  optString `json:"privacy_policy_url"`
}

// handleCreateLink serves POST /v0/links/create-link.
func (c *call) handleCreateLink() {
	var req linkFields
	if !c.decode(&req) {
		return
	}
	if req.RedirectURI.str() == "" {
		c.validation("missing", "redirect_uri")
		return
	}
	s := c.s
	s.mu.Lock()
	if n := req.Name.str(); n != "" && s.linkByNameLocked(n) != nil {
		s.mu.Unlock()
		c.v2Error(http.StatusBadRequest, "DuplicatedName", detail{"duplicated", "name"})
		return
	}
	l := s.newLinkLocked(req.Name.str(), req.RedirectURI.str())
	l.CompanyName, l.TermsURL, l.PrivacyURL = req.CompanyName.val, req.TermsURL.val, req.PrivacyURL.val
	out := *l
	s.mu.Unlock()
	c.linksOK(&out)
}

// linkByToken decodes {token, ...} and finds the link, answering errors itself.
// On success the server lock is held.
func (c *call) linkByToken(req *linkFields) *link {
	if !c.decode(req) {
		return nil
	}
	if req.Token.str() == "" {
		c.validation("missing", "token")
		return nil
	}
	c.s.mu.Lock()
	l := c.s.links[req.Token.str()]
	if l == nil {
		c.s.mu.Unlock()
		c.validation("not_found", "token")
		return nil
	}
	return l
}

// handleEditLink serves POST /v0/links/edit-link: present fields change,
// null removes (a null name falls back to the token).
func (c *call) handleEditLink() {
	var req linkFields
	l := c.linkByToken(&req)
	if l == nil {
		return
	}
	s := c.s
	if req.RedirectURI.set && req.RedirectURI.str() == "" {
		s.mu.Unlock()
		c.validation("missing", "redirect_uri")
		return
	}
	if req.Name.set {
		n := req.Name.str()
		if n == "" {
			n = l.Token
		}
		if other := s.linkByNameLocked(n); other != nil && other != l {
			s.mu.Unlock()
			c.v2Error(http.StatusBadRequest, "DuplicatedName", detail{"duplicated", "name"})
			return
		}
		l.Name = n
	}
	if req.RedirectURI.set {
		l.RedirectURI = req.RedirectURI.str()
	}
	if req.CompanyName.set {
		l.CompanyName = req.CompanyName.val
	}
	if req.TermsURL.set {
		l.TermsURL = req.TermsURL.val
	}
	if req.PrivacyURL.set {
		l.PrivacyURL = req.PrivacyURL.val
	}
	out := *l
	s.mu.Unlock()
	c.linksOK(&out)
}

// handleDeleteLink serves POST /v0/links/delete-link; links with pending
// codes cannot be deleted.
func (c *call) handleDeleteLink() {
	var req linkFields
	l := c.linkByToken(&req)
	if l == nil {
		return
	}
	s := c.s
	if l.PendingCodeCount > 0 {
		s.mu.Unlock()
		c.validation("pending_codes", "token")
		return
	}
	delete(s.links, l.Token)
	for i, x := range s.linkOrder {
		if x == l {
			s.linkOrder = append(s.linkOrder[:i], s.linkOrder[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]bool{"success": true})
}

func (c *call) setLinkActive(active bool) {
	var req linkFields
	l := c.linkByToken(&req)
	if l == nil {
		return
	}
	l.Active = active
	out := *l
	c.s.mu.Unlock()
	c.linksOK(&out)
}

// handlePauseLink serves POST /v0/links/pause-link.
func (c *call) handlePauseLink() { c.setLinkActive(false) }

// handleResumeLink serves POST /v0/links/resume-link.
func (c *call) handleResumeLink() { c.setLinkActive(true) }

// ---- a minimal Link widget for the standalone server ----

var linkWidget = template.Must(template.New("link").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Flanks Link (fake)</title></head><body>
<h1>{{.Name}}</h1>
<p>Fake Flanks Link. Bank: TestBank. Use a TestBank password such as <code>1234</code>, <code>INVALID_CREDENTIALS</code>, <code>SCA_SMS</code>.</p>
<form method="post">
<input type="hidden" name="token" value="{{.Token}}">
<label>Username <input name="username" value="testuser"></label>
<label>Password <input name="password" type="password" value="1234"></label>
<button type="submit">Connect</button>
</form></body></html>
`))

// handleLinkWidget serves /widget/link?token=LINK_TOKEN: GET shows a form,
// POST (form: token, password, optional bank, external_id, any other field
// goes to extra) creates a code and redirects to redirect_uri?code=CODE.
func (c *call) handleLinkWidget() {
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
	s := c.s
	s.mu.Lock()
	l := s.links[q.Get("token")]
	if l == nil || !l.Active {
		s.mu.Unlock()
		http.Error(c.w, "Invalid or paused link", http.StatusBadRequest)
		return
	}
	if c.r.Method == http.MethodGet {
		view := *l
		s.mu.Unlock()
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = linkWidget.Execute(c.w, view)
		return
	}
	inst, ok := findInstitution(strings.ToLower(q.Get("bank")))
	if !ok {
		inst, _ = findInstitution("testbank")
	}
	extra := map[string]string{}
	for k := range q {
		switch k {
		case "token", "password", "username", "bank", "external_id":
		default:
			extra[k] = q.Get(k)
		}
	}
	var ext *string
	if e := q.Get("external_id"); e != "" {
		ext = &e
	}
	lc := s.newCodeLocked(l, inst, classify(q.Get("password")), extra, ext)
	redirect := l.RedirectURI
	s.mu.Unlock()
	u, err := url.Parse(redirect)
	if err != nil {
		http.Error(c.w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := u.Query()
	v.Set("code", lc.code)
	u.RawQuery = v.Encode()
	http.Redirect(c.w, c.r, u.String(), http.StatusSeeOther)
}
