package flinkstest

import (
	"crypto/rand"
	"crypto/subtle"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Default knob values.
const (
	defaultSeed         = 20250131
	defaultPendingPolls = 2
	defaultAccounts     = 3
	defaultTransactions = 40

	maxPendingPolls = 10000
	maxAccounts     = 100
	maxTransactions = 200000

	maxBodyBytes = 4 << 20

	tokenLifetime  = 30 * time.Minute
	sessionIdle    = 8 * time.Minute
	processingCap  = 30 * time.Minute
	pruneThreshold = 4096
)

// Server is an in-memory fake of the Flinks BankingServices API.
//
// Create one with [NewServer] (started on a loopback port) or [NewHandler] (not started; serve
// [Server.Handler] yourself). All methods are safe for concurrent use.
type Server struct {
	// URL is the base URL (scheme and host) to give to flinks.WithBaseURL. Requests go to
	// {URL}/v3/{CustomerID}/BankingServices/... It is empty for a server made by NewHandler
	// until the caller sets it.
	URL string
	// CustomerID is the GUID expected as the second path segment.
	CustomerID string
	// APIKey is the expected x-api-key header of the data endpoints.
	APIKey string
	// SecretKey is the expected flinks-auth-key header of GenerateAuthorizeToken and the Bearer
	// secret of GetNightlyRefreshStatus.
	SecretKey string

	cfg       config
	ts        *httptest.Server
	closeOnce sync.Once

	mu         sync.Mutex
	tokens     map[string]time.Time // authorize token -> minted at
	cards      map[string]*card     // lower-case LoginId -> card
	users      map[string]*card     // lower-case username -> card (one per Flinks Capital user)
	sessions   map[string]*session  // lower-case RequestId -> session
	injections []*injection
	counts     map[string]int
	total      int
}

type config struct {
	pendingPolls int
	accounts     int
	transactions int
	seed         int64
	now          func() time.Time
	customerID   string
	apiKey       string
	secretKey    string
}

// Option configures a Server made by NewServer or NewHandler.
type Option func(*config)

// WithPendingPolls sets how many 202 answers (OPERATION_PENDING for test_pending,
// OPERATION_DISPATCHED for test_dispatched) a data request gives before its 200 (default 2).
// The count is per RequestId and per data kind (summary, detail, statements) and is consumed by
// the sync call and its *Async endpoint alike. Negative values count as 0.
func WithPendingPolls(n int) Option {
	return func(c *config) { c.pendingPolls = clamp(n, 0, maxPendingPolls) }
}

// WithAccounts sets the number of accounts per login (default 3, clamped to 0..100).
func WithAccounts(n int) Option {
	return func(c *config) { c.accounts = clamp(n, 0, maxAccounts) }
}

// WithTransactions sets the number of transactions per account (default 40, clamped to
// 0..200000). Data is generated once per login, lazily, and reused.
func WithTransactions(n int) Option {
	return func(c *config) { c.transactions = clamp(n, 0, maxTransactions) }
}

// WithSeed makes the generated data (keys, LoginIds, accounts, transaction ids and amounts)
// depend on seed; the same seed gives the same data. The default seed is fixed.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithClock sets the clock used for token and session expiry, LastRefresh stamps and
// transaction dates (default time.Now). A nil func is ignored.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithCustomerID overrides the generated customer id. An empty string is ignored.
func WithCustomerID(id string) Option {
	return func(c *config) {
		if id != "" {
			c.customerID = id
		}
	}
}

// WithAPIKey overrides the generated x-api-key. An empty string is ignored.
func WithAPIKey(key string) Option {
	return func(c *config) {
		if key != "" {
			c.apiKey = key
		}
	}
}

// WithSecretKey overrides the generated secret key. An empty string is ignored.
func WithSecretKey(key string) Option {
	return func(c *config) {
		if key != "" {
			c.secretKey = key
		}
	}
}

func clamp(n, lo, hi int) int {
	if n < lo {
		return lo
	}
	if n > hi {
		return hi
	}
	return n
}

// NewServer returns a fake Flinks server listening on 127.0.0.1 on a random port. Call Close
// when done.
func NewServer(opts ...Option) *Server {
	s := NewHandler(opts...)
	s.ts = httptest.NewServer(s.Handler())
	s.URL = s.ts.URL
	return s
}

// NewHandler returns a fake Flinks server that is not started: URL is empty. Serve
// [Server.Handler] on a listener of your own and set URL if you need it (standalone mode).
func NewHandler(opts ...Option) *Server {
	cfg := config{
		pendingPolls: defaultPendingPolls,
		accounts:     defaultAccounts,
		transactions: defaultTransactions,
		seed:         defaultSeed,
		now:          time.Now,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	g := newGen(cfg.seed, 0x5eed)
	if cfg.customerID == "" {
		cfg.customerID = g.uuid()
	}
	if cfg.apiKey == "" {
		cfg.apiKey = g.uuid()
	}
	if cfg.secretKey == "" {
		cfg.secretKey = g.uuid()
	}
	s := &Server{
		CustomerID: cfg.customerID,
		APIKey:     cfg.apiKey,
		SecretKey:  cfg.secretKey,
		cfg:        cfg,
		tokens:     map[string]time.Time{},
		cards:      map[string]*card{},
		users:      map[string]*card{},
		sessions:   map[string]*session{},
		counts:     map[string]int{},
	}
	now := s.now()
	for i, u := range testUsers {
		c := &card{
			user:        u,
			scheduled:   i%2 == 0,
			lastRefresh: now.Add(-time.Duration(i+1) * time.Hour),
			answers:     map[string]string{},
		}
		c.loginID = loginIDFor(cfg.seed, u.name, 0)
		s.users[strings.ToLower(u.name)] = c
		s.cards[strings.ToLower(c.loginID)] = c
	}
	return s
}

// Handler returns the http.Handler that serves the fake API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close shuts a server made by NewServer down. It is a no-op for NewHandler servers and safe
// to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.ts != nil {
			s.ts.Close()
		}
	})
}

func (s *Server) now() time.Time { return s.cfg.now().UTC() }

// LoginID returns the current LoginId of the card of a Flinks Capital test user (matched
// case-insensitively), or "" for an unknown user. Cards for every test user exist from the
// start, so cached Authorize works without a live login. After DeleteCard the old LoginId is
// gone; a new live username login creates a card with a new LoginId.
func (s *Server) LoginID(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.users[strings.ToLower(username)]
	if c == nil || c.deleted {
		return ""
	}
	return c.loginID
}

// InjectError makes the next times requests to operation op (for example "Authorize",
// "GetAccountsDetail", "GetAccountsDetailAsync", "GetIncomeAttributes", "Attributes"; "" means
// any operation; matched case-insensitively) answer with flinksCode at its documented HTTP
// status and the canonical error body. Unknown codes answer 400. TOO_MANY_REQUESTS also sets
// Retry-After: 1. Injections are consumed in the order they were added and fire before any
// other validation (path customer id, method, headers, body).
func (s *Server) InjectError(op string, flinksCode string, times int) {
	if times <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injections = append(s.injections, &injection{op: canonicalOp(op), code: flinksCode, left: times})
}

// InjectResponse makes the next times requests to op answer status with body verbatim. The
// Content-Type is application/json unless body starts with '<', then text/html. A status outside
// 100..999 is sent as 500.
func (s *Server) InjectResponse(op string, status int, body string, times int) {
	if times <= 0 {
		return
	}
	if status < 100 || status > 999 {
		status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injections = append(s.injections, &injection{op: canonicalOp(op), raw: true, status: status, body: []byte(body), left: times})
}

// Requests returns how many requests reached operation op (matched case-insensitively), or
// all requests, including unknown paths, when op is "".
func (s *Server) Requests(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "" {
		return s.total
	}
	return s.counts[canonicalOp(op)]
}

// ExpireSessions makes every RequestId issued so far expired: further use answers
// SESSION_EXPIRED.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ss := range s.sessions {
		ss.expired = true
	}
}

type injection struct {
	op     string // canonical op name, "" = any
	code   string
	raw    bool
	status int
	body   []byte
	left   int
}

// takeInjection pops the first injection matching op. Caller holds s.mu.
func (s *Server) takeInjection(op string) *injection {
	for i, in := range s.injections {
		if in.op != "" && in.op != op {
			continue
		}
		in.left--
		if in.left <= 0 {
			s.injections = append(s.injections[:i:i], s.injections[i+1:]...)
		}
		return in
	}
	return nil
}

// ---- routing ----

type authKind int

const (
	authNone authKind = iota
	authSecret
	authToken
	authAPIKey
	authBearer
)

type opSpec struct {
	name    string
	methods []string
	auth    authKind
	nargs   int // exact number of path arguments after the op segment; -1 = handler checks
	handle  func(s *Server, rc *reqCtx)
	insight bool
}

var opTable = map[string]*opSpec{}

func init() {
	post := []string{http.MethodPost}
	get := []string{http.MethodGet}
	getPost := []string{http.MethodGet, http.MethodPost}
	for _, o := range []*opSpec{
		{name: "GenerateAuthorizeToken", methods: post, auth: authSecret, handle: (*Server).handleGenerateToken},
		{name: "Authorize", methods: post, auth: authToken, handle: (*Server).handleAuthorize},
		{name: "GetAccountsSummary", methods: post, auth: authAPIKey, handle: dataHandler(famSummary, false)},
		{name: "GetAccountsSummaryAsync", methods: getPost, auth: authAPIKey, nargs: 1, handle: dataHandler(famSummary, true)},
		{name: "GetAccountsDetail", methods: post, auth: authAPIKey, handle: dataHandler(famDetail, false)},
		{name: "GetAccountsDetailAsync", methods: getPost, auth: authAPIKey, nargs: 1, handle: dataHandler(famDetail, true)},
		{name: "GetStatements", methods: post, auth: authAPIKey, handle: dataHandler(famStatements, false)},
		{name: "GetStatementsAsync", methods: getPost, auth: authAPIKey, nargs: 1, handle: dataHandler(famStatements, true)},
		{name: "DeleteCard", methods: []string{http.MethodDelete}, auth: authAPIKey, nargs: 1, handle: (*Server).handleDeleteCard},
		{name: "SetScheduledRefresh", methods: []string{http.MethodPatch}, auth: authAPIKey, handle: (*Server).handleSetScheduledRefresh},
		{name: "GetMFAQuestions", methods: get, auth: authAPIKey, nargs: 1, handle: (*Server).handleGetMFAQuestions},
		{name: "AnswerMFAQuestions", methods: []string{http.MethodPatch}, auth: authAPIKey, handle: (*Server).handleAnswerMFAQuestions},
		{name: "GetNightlyRefreshStatus", methods: get, auth: authBearer, handle: (*Server).handleNightlyRefreshStatus},
		{name: "Institutions", methods: get, auth: authAPIKey, nargs: -1, handle: (*Server).handleInstitutions},
		{name: "Attributes", methods: post, auth: authAPIKey, insight: true, handle: (*Server).handleAttributes},
	} {
		opTable[strings.ToLower(o.name)] = o
	}
	for _, set := range attributeSets {
		opTable[strings.ToLower(set.op)] = &opSpec{name: set.op, methods: get, auth: authAPIKey, insight: true, handle: (*Server).handleAttributes}
	}
}

func canonicalOp(op string) string {
	if o := opTable[strings.ToLower(op)]; o != nil {
		return o.name
	}
	return op
}

// reqCtx carries one request through the handlers.
type reqCtx struct {
	w    http.ResponseWriter
	r    *http.Request
	op   *opSpec
	args []string // path arguments after the op segment (BankingServices) or insight ids
	body []byte
	now  time.Time
	// insight routes
	loginID   string
	requestID string
}

// parsePath splits /…/v3/{cid}/BankingServices/{Op}/{args…} and
// /…/v3/{cid}/insight/login/{loginId}/attributes/{requestId}[/{Op}].
func parsePath(p string) (cid string, op *opSpec, args []string, loginID, requestID string) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	i := 0
	for ; i < len(segs); i++ {
		if strings.EqualFold(segs[i], "v3") {
			break
		}
	}
	rest := segs[min(i+1, len(segs)):]
	if len(rest) < 3 {
		return "", nil, nil, "", ""
	}
	cid = rest[0]
	switch {
	case strings.EqualFold(rest[1], "BankingServices"):
		o := opTable[strings.ToLower(rest[2])]
		if o == nil || o.insight {
			return cid, nil, nil, "", ""
		}
		args = rest[3:]
		if o.nargs >= 0 && len(args) != o.nargs {
			return cid, nil, nil, "", ""
		}
		return cid, o, args, "", ""
	case strings.EqualFold(rest[1], "insight"):
		// insight/login/{loginId}/attributes/{requestId}[/{Op}]
		if len(rest) < 6 || !strings.EqualFold(rest[2], "login") || !strings.EqualFold(rest[4], "attributes") {
			return cid, nil, nil, "", ""
		}
		switch len(rest) {
		case 6:
			return cid, opTable["attributes"], nil, rest[3], rest[5]
		case 7:
			o := opTable[strings.ToLower(rest[6])]
			if o == nil || !o.insight || o.name == "Attributes" {
				return cid, nil, nil, "", ""
			}
			return cid, o, nil, rest[3], rest[5]
		}
	}
	return cid, nil, nil, "", ""
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "//") {
		s.mu.Lock()
		s.total++
		s.mu.Unlock()
		writeError(w, errInvalidRequest("The request URL is malformed"), "", "")
		return
	}
	cid, op, args, loginID, requestID := parsePath(r.URL.Path)
	s.mu.Lock()
	s.total++
	if op == nil {
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, plainError{HttpStatusCode: http.StatusNotFound,
			Message: "No HTTP resource was found that matches the request URI"})
		return
	}
	s.counts[op.name]++
	inj := s.takeInjection(op.name)
	s.mu.Unlock()

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		writeError(w, errInvalidRequest("The request body could not be read"), "", op.name)
		return
	}
	if requestID == "" && len(args) == 1 && strings.HasSuffix(op.name, "Async") {
		requestID = args[0]
	}
	if inj != nil {
		rid := requestID
		if rid == "" {
			rid = peekRequestID(body)
		}
		writeInjection(w, inj, rid, op.name)
		return
	}
	if !strings.EqualFold(cid, s.CustomerID) {
		writeError(w, newErr("ACCESS_DENIED", "The customer id is invalid"), "", op.name)
		return
	}
	allowed := false
	for _, m := range op.methods {
		if r.Method == m {
			allowed = true
		}
	}
	if !allowed {
		w.Header().Set("Allow", strings.Join(op.methods, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, plainError{HttpStatusCode: http.StatusMethodNotAllowed,
			Message: "The requested resource does not support http method '" + sanitizeMethod(r.Method) + "'."})
		return
	}
	rc := &reqCtx{w: w, r: r, op: op, args: args, body: body, now: s.now(), loginID: loginID, requestID: requestID}
	if !s.checkAuth(rc) {
		return
	}
	op.handle(s, rc)
}

func sanitizeMethod(m string) string {
	if len(m) > 16 {
		m = m[:16]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, m)
}

func secretEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// checkAuth verifies the credential header of the operation; on failure it writes the
// ACCESS_DENIED answer. For Authorize it consumes the single-use token.
func (s *Server) checkAuth(rc *reqCtx) bool {
	h := rc.r.Header
	switch rc.op.auth {
	case authSecret:
		if secretEqual(h.Get("flinks-auth-key"), s.SecretKey) {
			return true
		}
		writeError(rc.w, newErr("ACCESS_DENIED", "You must provide a valid auth key"), "", rc.op.name)
		return false
	case authToken:
		tok := strings.ToLower(strings.TrimSpace(h.Get("flinks-auth-key")))
		s.mu.Lock()
		minted, ok := s.tokens[tok]
		if ok {
			delete(s.tokens, tok)
		}
		s.mu.Unlock()
		if ok && rc.now.Sub(minted) <= tokenLifetime {
			return true
		}
		writeError(rc.w, newErr("ACCESS_DENIED", "You must provide a valid authorize token"), "", rc.op.name)
		return false
	case authAPIKey:
		if secretEqual(h.Get("x-api-key"), s.APIKey) {
			return true
		}
		writeError(rc.w, newErr("ACCESS_DENIED", "You must provide a valid x-api-key"), "", rc.op.name)
		return false
	case authBearer:
		a := strings.TrimSpace(h.Get("Authorization"))
		if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") && secretEqual(strings.TrimSpace(a[7:]), s.SecretKey) {
			return true
		}
		writeError(rc.w, newErr("ACCESS_DENIED", "You must provide a valid API secret"), "", rc.op.name)
		return false
	}
	return true
}

// newToken returns a random GUID (crypto/rand), for authorize tokens and RequestIds.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}
