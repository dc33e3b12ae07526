package flankstest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// handleToken serves POST /v0/token (client_credentials only). The body is
// JSON, as documented; a form-encoded body is accepted too.
func (c *call) handleToken() {
	var req struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		GrantType    string `json:"grant_type"`
	}
	if c.isForm() {
		form, err := url.ParseQuery(string(c.body))
		if err != nil {
			c.v0Error(http.StatusBadRequest, "Invalid body", codeConfiguration)
			return
		}
		req.ClientID = form.Get("client_id")
		req.ClientSecret = form.Get("client_secret")
		req.GrantType = form.Get("grant_type")
	} else if !c.decode(&req) {
		return
	}
	s := c.s
	if req.GrantType != "client_credentials" ||
		subtle.ConstantTimeCompare([]byte(req.ClientID), []byte(s.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.ClientSecret)) != 1 {
		c.legacyError(http.StatusForbidden, "access_denied")
		return
	}
	tok := randomToken()
	s.mu.Lock()
	if s.cfg.revokeOld {
		clear(s.tokens)
	}
	s.tokens[tok] = s.now().Add(s.cfg.tokenTTL)
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}{tok, int64(s.cfg.tokenTTL / time.Second), "Bearer", "read write aggregation"})
}
