package flankstest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Default integration credentials of the fake: fake values, printed freely
// by the standalone server.
const (
	// DefaultClientID is the client_id accepted unless WithClientID is given.
	DefaultClientID = "flankstest-client-id"
	// DefaultClientSecret is the client_secret accepted unless WithClientSecret is given.
	DefaultClientSecret = "flankstest-client-secret"
)

// Server is an in-memory Flanks API. Create one with [NewServer] (listening on
// 127.0.0.1) or [NewHandler] (not started; mount [Server.Handler] yourself).
// All methods are safe for concurrent use; set the exported fields before
// serving requests, not while.
type Server struct {
	// URL is the base URL to pass to flanks.WithBaseURL, e.g.
	// "http://127.0.0.1:41234" (no trailing slash). With NewHandler the caller
	// sets it; when it is empty the fake derives it from the request's Host.
	URL string
	// ClientID is the client_id POST /v0/token accepts.
	ClientID string
	// ClientSecret is the client_secret POST /v0/token accepts.
	ClientSecret string

	cfg     config
	httpSrv *httptest.Server

	mu            sync.Mutex
	idSeq         uint64
	tokens        map[string]time.Time // access token -> expiry
	requests      map[string]int       // normalized path -> count
	totalRequests int
	tokenRequests int
	injections    []*injection

	creds     map[string]*credential // credentials_token -> credential
	credOrder []*credential          // live credentials, creation order
	credSeq   int
	usernames map[string]string // bank + "\x00" + username -> credentials_token

	codes      map[string]*linkCode
	codeOrder  []*linkCode
	links      map[string]*link
	linkOrder  []*link
	defaultTok string

	sessions     map[string]*session
	sessionOrder []*session

	productLabels map[string]map[string]string
	txLabels      map[string]map[string]string

	reports   map[int64]*report
	reportSeq int64
	letters   map[string]string // letter_id -> connector_id
}

type config struct {
	processingPolls int
	tokenTTL        time.Duration
	revokeOld       bool
	clock           func() time.Time
	seed            int64
	invTx           int
	pageSize        int
	clientID        string
	clientSecret    string
}

// Option configures a Server.
type Option func(*config)

// WithProcessingPolls sets how many touches (status calls and data calls on a
// credential) its extraction takes. Default 3; 0 makes credentials ready at
// once. See the package documentation for the exact schedule.
func WithProcessingPolls(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.processingPolls = n
		}
	}
}

// WithTokenTTL sets the lifetime (and the expires_in) of access tokens.
// Default 3600 s. A zero TTL issues tokens that are already expired.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) {
		if d >= 0 {
			c.tokenTTL = d
		}
	}
}

// WithRevokeOldTokens makes every new access token revoke the ones issued
// before it, as one old Flanks docs snapshot describes. Default false.
func WithRevokeOldTokens(revoke bool) Option {
	return func(c *config) { c.revokeOld = revoke }
}

// WithClock sets the clock used for token expiry and for the timestamps and
// dates the fake produces. Default time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithSeed sets the seed of the generated data and identifiers. Two servers
// with the same seed and clock, driven by the same calls, answer the same
// bytes (access tokens excepted). Default 1.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithInvestmentTransactions sets how many investment transactions each
// successful credential has. Default 30.
func WithInvestmentTransactions(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.invTx = n
		}
	}
}

// WithPageSize sets the page size of the v2 list calls and of
// POST /v0/bank/credentials/list. Default 20.
func WithPageSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.pageSize = n
		}
	}
}

// WithClientID sets the client_id the token endpoint accepts.
func WithClientID(id string) Option {
	return func(c *config) { c.clientID = id }
}

// WithClientSecret sets the client_secret the token endpoint accepts.
func WithClientSecret(secret string) Option {
	return func(c *config) { c.clientSecret = secret }
}

// NewServer starts a fake Flanks API on a random port of 127.0.0.1. Call
// [Server.Close] when done.
func NewServer(opts ...Option) *Server {
	s := NewHandler(opts...)
	s.httpSrv = httptest.NewServer(s.Handler())
	s.URL = s.httpSrv.URL
	return s
}

// NewHandler builds a fake Flanks API without starting it, for standalone
// use: serve [Server.Handler] yourself and set URL to the address clients use.
func NewHandler(opts ...Option) *Server {
	cfg := config{
		processingPolls: 3,
		tokenTTL:        time.Hour,
		clock:           time.Now,
		seed:            1,
		invTx:           30,
		pageSize:        20,
		clientID:        DefaultClientID,
		clientSecret:    DefaultClientSecret,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Server{
		ClientID:      cfg.clientID,
		ClientSecret:  cfg.clientSecret,
		cfg:           cfg,
		tokens:        map[string]time.Time{},
		requests:      map[string]int{},
		creds:         map[string]*credential{},
		usernames:     map[string]string{},
		codes:         map[string]*linkCode{},
		links:         map[string]*link{},
		sessions:      map[string]*session{},
		productLabels: map[string]map[string]string{},
		txLabels:      map[string]map[string]string{},
		reports:       map[int64]*report{},
		letters:       map[string]string{},
	}
	s.mu.Lock()
	l := s.newLinkLocked("Default link", "https://example.com/flanks/callback")
	l.CompanyName = strPtr("Flankstest SL")
	s.defaultTok = l.Token
	s.mu.Unlock()
	return s
}

// Handler returns the http.Handler serving the fake API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops a server started by NewServer. It is a no-op for NewHandler.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
}

type injection struct {
	path   string
	status int
	body   string
	times  int
}

// InjectError makes the next times requests to path answer status and the
// raw body instead of the normal response, before any other check. path is
// an API path such as "/v0/bank/credentials/portfolio" (a trailing slash is
// ignored); "" matches every path except /v0/token, which must be named
// explicitly. Injections are used in the order they were added. times <= 0
// removes the pending injections for path.
func (s *Server) InjectError(path string, status int, body string, times int) {
	path = normalizePath(path, true)
	s.mu.Lock()
	defer s.mu.Unlock()
	if times <= 0 {
		kept := s.injections[:0]
		for _, in := range s.injections {
			if in.path != path {
				kept = append(kept, in)
			}
		}
		s.injections = kept
		return
	}
	s.injections = append(s.injections, &injection{path: path, status: status, body: body, times: times})
}

// Requests reports how many requests reached path (any method, a trailing
// slash ignored, injected answers included); "" counts every request.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == "" {
		return s.totalRequests
	}
	return s.requests[normalizePath(path, true)]
}

// TokenRequests reports how many POST /v0/token requests the server received,
// successful or not.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// ExpireTokens invalidates every access token issued so far: they now answer
// 401 {"error":"Invalid credentials"}. Tokens issued later are valid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

func (s *Server) now() time.Time { return s.cfg.clock() }

// newIDLocked returns a deterministic 32-hex-digit identifier.
func (s *Server) newIDLocked(kind string) string {
	s.idSeq++
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d", s.cfg.seed, kind, s.idSeq))
	return hex.EncodeToString(sum[:16])
}

// newUUIDLocked returns a deterministic identifier in UUID v4 form.
func (s *Server) newUUIDLocked(kind string) string {
	h := s.newIDLocked(kind)
	b, _ := hex.DecodeString(h)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// baseURL is the URL clients use to reach this server.
func (s *Server) baseURL(r *http.Request) string {
	if s.URL != "" {
		return strings.TrimRight(s.URL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func strPtr(v string) *string { return &v }
