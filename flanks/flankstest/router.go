package flankstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// apiKind selects the error envelope and the authentication rules of a path.
type apiKind int

const (
	apiV0      apiKind = iota // {"error":"...","error_code":N}
	apiV2                     // {"success":false,"error":{...},"trace_id":...}; 401 stays v0-shaped
	apiLetters                // v2 envelope, 401 UNAUTHENTICATED in the v2 envelope too
	apiPublic                 // no token: /v0/token, widget pages, report files
)

// call is one request being served.
type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	path string
	api  apiKind
	body []byte
}

type handlerFunc func(*call)

type route struct {
	api     apiKind
	form    bool // also accepts application/x-www-form-urlencoded
	methods map[string]handlerFunc
}

const maxBody = 64 << 20

var routes map[string]*route

func init() {
	dataRoutes := map[string]handlerFunc{}
	for path := range dataEndpoints {
		dataRoutes[path] = (*call).handleData
	}
	routes = map[string]*route{
		"/v0/token": {api: apiPublic, form: true, methods: map[string]handlerFunc{"POST": (*call).handleToken}},

		"/v0/bank/available":          {methods: map[string]handlerFunc{"GET": (*call).handleEntities}},
		"/v0/bank/credentials":        {methods: map[string]handlerFunc{"POST": (*call).handleCreateCredentials, "DELETE": (*call).handleDeleteCredentials}},
		"/v0/bank/credentials/status": {methods: map[string]handlerFunc{"POST": (*call).handleStatus, "PUT": (*call).handleForce}},
		"/v0/bank/credentials/list":   {methods: map[string]handlerFunc{"POST": (*call).handleListCredentials}},
		"/v0/platform/link":           {methods: map[string]handlerFunc{"GET": (*call).handleListCodes, "POST": (*call).handleExchangeCode}},

		"/v0/links/list-links":                   {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListLinks}},
		"/v0/links/create-link":                  {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleCreateLink}},
		"/v0/links/edit-link":                    {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleEditLink}},
		"/v0/links/delete-link":                  {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleDeleteLink}},
		"/v0/links/pause-link":                   {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handlePauseLink}},
		"/v0/links/resume-link":                  {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleResumeLink}},
		"/connect/v2/connectors/list-connectors": {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListConnectors}},
		"/connect/v2/sessions/create-session":    {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleCreateSession}},
		"/connect/v2/sessions/list-sessions":     {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListSessions}},
		"/aggregation/v2/list-products":          {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListProducts}},
		"/aggregation/v2/list-transactions":      {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListTransactions}},
		"/aggregation/v2/set-product-labels":     {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleSetProductLabels}},
		"/aggregation/v2/set-transaction-labels": {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleSetTransactionLabels}},
		"/report/v1/list-templates":              {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleListTemplates}},
		"/report/v1/build-report":                {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleBuildReport}},
		"/report/v1/get-report-status":           {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleReportStatus}},
		"/report/v1/get-report-content":          {api: apiV2, methods: map[string]handlerFunc{"POST": (*call).handleReportContent}},
		"/letters/v1/create-signed":              {api: apiLetters, methods: map[string]handlerFunc{"POST": (*call).handleCreateLetter}},

		"/widget/link":    {api: apiPublic, form: true, methods: map[string]handlerFunc{"GET": (*call).handleLinkWidget, "POST": (*call).handleLinkWidget}},
		"/widget/connect": {api: apiPublic, form: true, methods: map[string]handlerFunc{"GET": (*call).handleConnectWidget, "POST": (*call).handleConnectWidget}},
	}
	for path, h := range dataRoutes {
		routes[path] = &route{methods: map[string]handlerFunc{"POST": h}}
	}
}

// normalizePath drops trailing slashes (diegok calls "/v0/bank/credentials/auth/").
func normalizePath(p string, allowEmpty bool) string {
	if p == "" && allowEmpty {
		return ""
	}
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "/"
	}
	return p
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := normalizePath(r.URL.Path, false)

	s.mu.Lock()
	s.totalRequests++
	s.requests[path]++
	if path == "/v0/token" && r.Method == http.MethodPost {
		s.tokenRequests++
	}
	inj := s.takeInjectionLocked(path)
	s.mu.Unlock()
	if inj != nil {
		ct := "text/html; charset=utf-8"
		if json.Valid([]byte(inj.body)) {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(inj.status)
		_, _ = io.WriteString(w, inj.body)
		return
	}

	c := &call{s: s, w: w, r: r, path: path}
	rt := routes[path]
	if rt == nil && strings.HasPrefix(path, "/report-files/") {
		rt = &route{api: apiPublic, methods: map[string]handlerFunc{"GET": (*call).handleReportFile}}
	}
	if rt == nil {
		c.api = apiV0
		if strings.HasPrefix(path, "/connect/") || strings.HasPrefix(path, "/aggregation/") || strings.HasPrefix(path, "/report/") || strings.HasPrefix(path, "/letters/") {
			c.api = apiV2
		}
		c.legacyError(http.StatusNotFound, "Not found")
		return
	}
	c.api = rt.api
	h := rt.methods[r.Method]
	if h == nil {
		allowed := make([]string, 0, len(rt.methods))
		for m := range rt.methods {
			allowed = append(allowed, m)
		}
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		c.legacyError(http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if rt.api != apiPublic && !c.authorized() {
		if rt.api == apiLetters {
			c.v2Error(http.StatusUnauthorized, "UNAUTHENTICATED")
		} else {
			c.legacyError(http.StatusUnauthorized, "Invalid credentials")
		}
		return
	}
	if r.Method != http.MethodGet {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.legacyError(http.StatusRequestEntityTooLarge, "Request body too large")
				return
			}
			c.legacyError(http.StatusBadRequest, "Could not read body")
			return
		}
		c.body = body
		if len(bytes.TrimSpace(body)) > 0 && !acceptableContentType(r.Header.Get("Content-Type"), rt.form) {
			c.legacyError(http.StatusUnsupportedMediaType, "Not matching body content type")
			return
		}
	}
	h(c)
}

func (s *Server) takeInjectionLocked(path string) *injection {
	for i, in := range s.injections {
		if in.path == path || (in.path == "" && path != "/v0/token") {
			in.times--
			if in.times <= 0 {
				s.injections = append(s.injections[:i], s.injections[i+1:]...)
			}
			return in
		}
	}
	return nil
}

// acceptableContentType accepts JSON media types (with any parameters), a
// missing Content-Type (leniency), and forms where the route takes them.
func acceptableContentType(ct string, form bool) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		return true
	}
	return form && mt == "application/x-www-form-urlencoded"
}

func (c *call) isForm() bool {
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// authorized checks the Bearer token.
func (c *call) authorized() bool {
	h := c.r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	tok = strings.TrimSpace(tok)
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.now().Before(exp)
}

// decode unmarshals the JSON body (an empty body counts as {}) into v. On
// failure it answers 400 in the path's envelope and returns false.
func (c *call) decode(v any) bool {
	body := bytes.TrimSpace(c.body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err != nil {
		if c.api == apiV0 || c.api == apiPublic {
			c.v0Error(http.StatusBadRequest, "Invalid body", codeConfiguration)
		} else {
			field := "body"
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				field = te.Field
			}
			c.v2Error(http.StatusBadRequest, "ValidationError", detail{"invalid", field})
		}
		return false
	}
	return true
}

// Flanks v0 numeric error codes.
const (
	codeIncomplete    = 20001
	codeProcessing    = 20002
	codeScaError      = 20003
	codeConfiguration = 40001
	codeBankError     = 50001
	codeCredentials   = 50002
	codeScaRequired   = 50003
)

func (c *call) writeJSON(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.legacyError(http.StatusInternalServerError, "Internal Error")
		return
	}
	c.writeRaw(status, b)
}

func (c *call) writeRaw(status int, b []byte) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}

// legacyError writes {"error": msg}: the shape every generation uses for
// 401, 403, 404, 405, 413, 415 and 500.
func (c *call) legacyError(status int, msg string) {
	c.writeJSON(status, map[string]string{"error": msg})
}

// v0Error writes {"error": msg, "error_code": code}.
func (c *call) v0Error(status int, msg string, code int) {
	c.writeJSON(status, struct {
		Error     string `json:"error"`
		ErrorCode int    `json:"error_code"`
	}{msg, code})
}

func (c *call) missingFields(fields ...string) {
	c.v0Error(http.StatusBadRequest, "Missing fields: "+strings.Join(fields, ", "), codeConfiguration)
}

type detail struct {
	ErrorType string `json:"error_type"`
	Field     string `json:"field"`
}

// v2Error writes the v2 envelope with a fresh trace_id and sets X-Trace-Id.
func (c *call) v2Error(status int, code string, details ...detail) {
	if details == nil {
		details = []detail{}
	}
	c.s.mu.Lock()
	trace := c.s.newIDLocked("trace")
	c.s.mu.Unlock()
	c.w.Header().Set("X-Trace-Id", trace)
	type errBody struct {
		Code    string   `json:"code"`
		Details []detail `json:"details"`
	}
	c.writeJSON(status, struct {
		Success bool    `json:"success"`
		Error   errBody `json:"error"`
		TraceID string  `json:"trace_id"`
	}{false, errBody{code, details}, trace})
}

func (c *call) validation(errorType, field string) {
	c.v2Error(http.StatusBadRequest, "ValidationError", detail{errorType, field})
}

// ---- v2 cursor pagination ----

// pageTokenFor builds an opaque page token bound to the list kind and query.
func pageTokenFor(kind, qhash string, offset int) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "ft1|%s|%s|%d", kind, qhash, offset))
}

// queryHash fingerprints a decoded query (map keys are marshalled sorted).
func queryHash(q any) string {
	b, _ := json.Marshal(q)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// page slices total items according to the page token, answering the
// ValidationError itself when the token is bad. next is nil on the last page.
func (c *call) page(kind string, q any, token string, total int) (start, end int, next *string, ok bool) {
	qh := queryHash(q)
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		parts := strings.Split(string(raw), "|")
		if err != nil || len(parts) != 4 || parts[0] != "ft1" || parts[1] != kind || parts[2] != qh {
			c.validation("invalid", "page_token")
			return 0, 0, nil, false
		}
		n, err := strconv.Atoi(parts[3])
		if err != nil || n < 0 {
			c.validation("invalid", "page_token")
			return 0, 0, nil, false
		}
		start = n
	}
	start = min(start, total)
	end = min(start+c.s.cfg.pageSize, total)
	if end < total {
		t := pageTokenFor(kind, qh, end)
		next = &t
	}
	return start, end, next, true
}

// listPage is the v2 list response.
type listPage[T any] struct {
	Items         []T     `json:"items"`
	NextPageToken *string `json:"next_page_token"`
}
