package flankstest

import (
	"net/http"
	"strings"
	"time"
)

// outcome is what a TestBank password makes of a credential.
type outcome int

const (
	outcomeOK                 outcome = iota // full data
	outcomeDataErrorAccount                  // DATA_ERROR_PRODUCT_ACCOUNT: accounts errored
	outcomeInternalError                     // INTERNAL_ERROR: every product errored
	outcomeInvalidCredentials                // INVALID_CREDENTIALS: blocked
	outcomeUserInteraction                   // USER_INTERACTION_NEEDED: blocked
	outcomeSCANotAllowed                     // SCA_TYPE_NOT_ALLOWED: blocked
	outcomeSCA                               // SCA_* and INVALID_SCA: sca_token
	outcomeSecurityChecks                    // SECURITY_CHECKS (fake only): held, 202 on exchange
	outcomeAlreadyExists                     // ALREADY_EXISTS: 409 on exchange/create
)

func classify(password string) outcome {
	switch p := strings.ToUpper(strings.TrimSpace(password)); {
	case p == "INVALID_CREDENTIALS":
		return outcomeInvalidCredentials
	case p == "USER_INTERACTION_NEEDED":
		return outcomeUserInteraction
	case p == "SCA_TYPE_NOT_ALLOWED":
		return outcomeSCANotAllowed
	case p == "INTERNAL_ERROR":
		return outcomeInternalError
	case p == "DATA_ERROR_PRODUCT_ACCOUNT":
		return outcomeDataErrorAccount
	case p == "ALREADY_EXISTS":
		return outcomeAlreadyExists
	case p == "SECURITY_CHECKS":
		return outcomeSecurityChecks
	case p == "INVALID_SCA", strings.HasPrefix(p, "SCA_"):
		return outcomeSCA
	}
	return outcomeOK
}

func (o outcome) blocked() bool {
	return o == outcomeInvalidCredentials || o == outcomeUserInteraction || o == outcomeSCANotAllowed
}

func (o outcome) hasData() bool { return o == outcomeOK || o == outcomeDataErrorAccount }

// Extraction items in the order they complete.
const (
	itAuth = iota
	itAccount
	itHolders
	itCard
	itPortfolio
	itInvestment
	itLiability
	itTxAccount
	itTxCard
	itTxInvestment
	itTxLiability
	numItems
)

type credential struct {
	seq              int
	token            string
	inst             institution
	userKey          string // bank+username for duplicate detection ("" if none)
	externalID       *string
	outcome          outcome
	steps            int
	done             bool
	createdAt        time.Time
	doneAt           time.Time
	resetToken       *string
	scaToken         *string
	transactionToken *string
	singularTxKey    bool // status uses "transaction" instead of "transactions"
	data             *dataset
}

// newCredentialLocked registers a credential whose extraction starts now.
func (s *Server) newCredentialLocked(inst institution, o outcome, userKey string, externalID *string) *credential {
	c := &credential{
		seq:        s.credSeq,
		token:      s.newIDLocked("credentials_token"),
		inst:       inst,
		userKey:    userKey,
		externalID: externalID,
		outcome:    o,
		createdAt:  s.now(),
	}
	c.singularTxKey = c.seq%2 == 1
	s.credSeq++
	s.creds[c.token] = c
	s.credOrder = append(s.credOrder, c)
	if userKey != "" {
		s.usernames[userKey] = c.token
	}
	s.maybeFinishLocked(c)
	return c
}

// maybeFinishLocked finishes an extraction that needs no touches.
func (s *Server) maybeFinishLocked(c *credential) {
	if s.cfg.processingPolls == 0 && c.outcome != outcomeSecurityChecks {
		s.finishLocked(c)
	}
}

func (s *Server) deleteCredentialLocked(c *credential) {
	delete(s.creds, c.token)
	for i, x := range s.credOrder {
		if x == c {
			s.credOrder = append(s.credOrder[:i], s.credOrder[i+1:]...)
			break
		}
	}
	if c.userKey != "" && s.usernames[c.userKey] == c.token {
		delete(s.usernames, c.userKey)
	}
}

// touchLocked advances the extraction by one step.
func (s *Server) touchLocked(c *credential) {
	if c.done || c.outcome == outcomeSecurityChecks {
		return
	}
	c.steps++
	if c.steps >= s.cfg.processingPolls {
		s.finishLocked(c)
	}
}

func (s *Server) finishLocked(c *credential) {
	c.done = true
	c.doneAt = s.now()
	switch {
	case c.outcome.blocked():
		c.resetToken = strPtr(s.newIDLocked("reset_token"))
	case c.outcome == outcomeSCA:
		c.scaToken = strPtr(s.newIDLocked("sca_token"))
	}
}

// restartLocked re-runs the extraction with a new outcome (a Connect v2
// session that updated the connection).
func (s *Server) restartLocked(c *credential, o outcome) {
	c.outcome = o
	c.steps = 0
	c.done = false
	c.resetToken, c.scaToken = nil, nil
	s.maybeFinishLocked(c)
}

func (s *Server) dataLocked(c *credential) *dataset {
	if c.data == nil {
		c.data = generate(s.cfg.seed, c.seq, c.token, c.inst, c.createdAt, s.cfg.invTx)
	}
	return c.data
}

// created reports whether extraction item i has finished (with or without error).
func (s *Server) created(c *credential, i int) bool {
	if c.done {
		switch {
		case c.outcome.hasData(), c.outcome == outcomeInternalError:
			return true
		case c.outcome.blocked(), c.outcome == outcomeSCA:
			return i == itAuth
		}
		return false
	}
	if !c.outcome.hasData() || c.steps == 0 {
		return false
	}
	return i < numItems*(c.steps-1)/s.cfg.processingPolls
}

func (s *Server) errored(c *credential, i int) bool {
	if !s.created(c, i) {
		return false
	}
	switch c.outcome {
	case outcomeInternalError:
		return true
	case outcomeDataErrorAccount:
		return i == itAccount
	case outcomeInvalidCredentials, outcomeUserInteraction, outcomeSCANotAllowed:
		return i == itAuth
	}
	return false
}

// listStatus is the free-text status of POST /v0/bank/credentials/list.
func (s *Server) listStatus(c *credential) string {
	switch {
	case c.outcome == outcomeSecurityChecks:
		return "security_checks"
	case !c.done:
		return "pending"
	case c.outcome.blocked():
		return "blocked"
	case c.outcome == outcomeSCA:
		return "sca_required"
	case c.outcome == outcomeInternalError, c.outcome == outcomeDataErrorAccount:
		return "errored"
	}
	return "ok"
}

type productFlags struct {
	Auth       bool `json:"auth"`
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Portfolio  bool `json:"portfolio"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
	Holders    bool `json:"holders"`
}

type txFlags struct {
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
}

func (s *Server) flags(c *credential, f func(*credential, int) bool) map[string]any {
	key := "transactions"
	if c.singularTxKey {
		key = "transaction"
	}
	return map[string]any{
		"product": productFlags{
			Auth: f(c, itAuth), Account: f(c, itAccount), Card: f(c, itCard), Portfolio: f(c, itPortfolio),
			Investment: f(c, itInvestment), Liability: f(c, itLiability), Holders: f(c, itHolders),
		},
		key: txFlags{Account: f(c, itTxAccount), Card: f(c, itTxCard), Investment: f(c, itTxInvestment), Liability: f(c, itTxLiability)},
	}
}

type statusJSON struct {
	Pending             bool           `json:"pending"`
	Blocked             bool           `json:"blocked"`
	ResetToken          *string        `json:"reset_token"`
	SCAToken            *string        `json:"sca_token"`
	TransactionToken    *string        `json:"transaction_token"`
	LastTransactionDate *string        `json:"last_transaction_date"`
	Name                string         `json:"name"`
	LastUpdate          *string        `json:"last_update"`
	Time                *string        `json:"time"`
	LastUpdateTimestamp *int64         `json:"last_update_timestamp"`
	CreatedAtTimestamp  int64          `json:"created_at_timestamp"`
	Errored             map[string]any `json:"errored"`
	Created             map[string]any `json:"created"`
}

func (s *Server) statusLocked(c *credential) statusJSON {
	st := statusJSON{
		Pending:            !c.done,
		Blocked:            c.done && c.outcome.blocked(),
		ResetToken:         c.resetToken,
		SCAToken:           c.scaToken,
		TransactionToken:   c.transactionToken,
		Name:               c.inst.ID,
		CreatedAtTimestamp: c.createdAt.Unix(),
		Errored:            s.flags(c, s.errored),
		Created:            s.flags(c, s.created),
	}
	if c.done {
		u := c.doneAt.UTC()
		ts := u.Unix()
		st.LastUpdate = strPtr(u.Format(time.DateOnly))
		st.Time = strPtr(u.Format("15:04"))
		st.LastUpdateTimestamp = &ts
	}
	if s.created(c, itTxAccount) && !s.errored(c, itTxAccount) {
		if d := s.dataLocked(c).lastTxDate; d != "" {
			st.LastTransactionDate = &d
		}
	}
	return st
}

// lookup finds the credential named in a body, answering the error itself.
func (c *call) lookup(token string) *credential {
	if token == "" {
		c.missingFields("credentials_token")
		return nil
	}
	cr := c.s.creds[token]
	if cr == nil {
		c.v0Error(http.StatusBadRequest, "Invalid credentials_token", codeConfiguration)
	}
	return cr
}

// handleStatus serves POST /v0/bank/credentials/status; it touches the credential.
func (c *call) handleStatus() {
	var req struct {
		CredentialsToken string `json:"credentials_token"`
	}
	if !c.decode(&req) {
		return
	}
	s := c.s
	s.mu.Lock()
	cr := c.lookup(req.CredentialsToken)
	if cr == nil {
		s.mu.Unlock()
		return
	}
	s.touchLocked(cr)
	st := s.statusLocked(cr)
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, st)
}

// handleForce serves PUT /v0/bank/credentials/status.
func (c *call) handleForce() {
	var req struct {
		CredentialsToken string `json:"credentials_token"`
		Force            string `json:"force"`
	}
	if !c.decode(&req) {
		return
	}
	var missing []string
	if req.CredentialsToken == "" {
		missing = append(missing, "credentials_token")
	}
	if req.Force == "" {
		missing = append(missing, "force")
	}
	if len(missing) > 0 {
		c.missingFields(missing...)
		return
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cr := c.lookup(req.CredentialsToken)
	if cr == nil {
		return
	}
	var key string
	var tok *string
	switch req.Force {
	case "sca":
		cr.scaToken = strPtr(s.newIDLocked("sca_token"))
		key, tok = "sca_token", cr.scaToken
	case "reset":
		cr.resetToken = strPtr(s.newIDLocked("reset_token"))
		key, tok = "reset_token", cr.resetToken
	case "transaction", "transactions":
		cr.transactionToken = strPtr(s.newIDLocked("transaction_token"))
		key, tok = "transaction_token", cr.transactionToken
	default:
		c.v0Error(http.StatusBadRequest, "Invalid force", codeConfiguration)
		return
	}
	c.writeJSON(http.StatusOK, map[string]string{key: *tok})
}

// handleDeleteCredentials serves DELETE /v0/bank/credentials (JSON body).
func (c *call) handleDeleteCredentials() {
	var req struct {
		CredentialsToken string `json:"credentials_token"`
	}
	if !c.decode(&req) {
		return
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cr := c.lookup(req.CredentialsToken)
	if cr == nil {
		return
	}
	s.deleteCredentialLocked(cr)
	c.writeJSON(http.StatusOK, map[string]string{"message": "Successfully deleted"})
}

// handleListCredentials serves POST /v0/bank/credentials/list (1-based pages).
func (c *call) handleListCredentials() {
	var req struct {
		Page *int `json:"page"`
	}
	if !c.decode(&req) {
		return
	}
	page := 1
	if req.Page != nil && *req.Page != 0 {
		page = *req.Page
	}
	if page < 1 {
		c.v0Error(http.StatusBadRequest, "Invalid page", codeConfiguration)
		return
	}
	type item struct {
		CredentialsToken string  `json:"credentials_token"`
		ExternalID       *string `json:"external_id"`
		Bank             string  `json:"bank"`
		Status           string  `json:"status"`
	}
	s := c.s
	s.mu.Lock()
	size := s.cfg.pageSize
	total := len(s.credOrder)
	pages := max(1, (total+size-1)/size)
	items := []item{}
	for i := (page - 1) * size; i < min(page*size, total); i++ {
		cr := s.credOrder[i]
		items = append(items, item{cr.token, cr.externalID, cr.inst.ID, s.listStatus(cr)})
	}
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]any{"items": items, "page": page, "pages": pages})
}

// handleCreateCredentials serves POST /v0/bank/credentials (regulated
// entities posting bank usernames and passwords directly).
func (c *call) handleCreateCredentials() {
	var req struct {
		Username   string  `json:"username"`
		Password   string  `json:"password"`
		Bank       string  `json:"bank"`
		Verifier   string  `json:"verifier"`
		ExternalID *string `json:"external_id"`
	}
	if !c.decode(&req) {
		return
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"username", req.Username}, {"password", req.Password}, {"bank", req.Bank}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		c.missingFields(missing...)
		return
	}
	inst, ok := findInstitution(strings.ToLower(req.Bank))
	if !ok {
		c.v0Error(http.StatusBadRequest, "Invalid bank", codeConfiguration)
		return
	}
	o := classify(req.Password)
	switch o {
	case outcomeInvalidCredentials:
		c.v0Error(http.StatusBadRequest, "Incorrect bank credentials", codeCredentials)
		return
	case outcomeInternalError:
		c.v0Error(http.StatusServiceUnavailable, "The connection with the bank can not be established at the moment", codeBankError)
		return
	case outcomeSCA, outcomeSCANotAllowed, outcomeUserInteraction:
		c.v0Error(http.StatusBadRequest, "Bank requires SCA authorization in order to connect", codeScaRequired)
		return
	case outcomeAlreadyExists:
		c.v0Error(http.StatusConflict, "Credentials already exist", codeConfiguration)
		return
	}
	key := inst.ID + "\x00" + req.Username
	s := c.s
	s.mu.Lock()
	if _, dup := s.usernames[key]; dup {
		s.mu.Unlock()
		c.v0Error(http.StatusConflict, "Credentials already exist", codeConfiguration)
		return
	}
	cr := s.newCredentialLocked(inst, o, key, req.ExternalID)
	s.mu.Unlock()
	if o == outcomeSecurityChecks {
		c.writeJSON(http.StatusAccepted, map[string]any{
			"message": "Token is delayed during security checks", "credentials_token": cr.token, "error_code": codeScaError,
		})
		return
	}
	c.writeJSON(http.StatusOK, map[string]string{"credentials_token": cr.token, "message": "User created successfully"})
}

// handleEntities serves GET /v0/bank/available.
func (c *call) handleEntities() {
	out := make([]entityJSON, len(institutions))
	for i, in := range institutions {
		out[i] = entityJSON{ID: in.ID, Name: in.Name, Country: in.Country, LogoURL: logoURL(in.ID)}
	}
	c.writeJSON(http.StatusOK, out)
}
