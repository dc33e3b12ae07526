package flinkstest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// codeInfo is the documented HTTP status and the canonical message of a FlinksCode.
type codeInfo struct {
	status  int
	message string
}

// codes follows the seed error table (docs.flinks.com/api/authorize/error-codes).
var codes = map[string]codeInfo{
	"OPERATION_PENDING":                  {202, "Your operation is still processing"},
	"OPERATION_DISPATCHED":               {202, "Your operation took too long and was dispatched in the background"},
	"SESSION_NONEXISTENT":                {400, "The RequestId provided does not exist or is no longer valid"},
	"CARD_IN_USE":                        {400, "The card is still being processed, try again later"},
	"ACCESS_DENIED":                      {401, "Authentication was unsuccessful"},
	"INVALID_LOGIN":                      {401, "The LoginId provided is either invalid or does not belong to the CustomerId"},
	"INVALID_REQUEST":                    {401, "The request is invalid or incomplete"},
	"INVALID_SECURITY_RESPONSE":          {401, "The security response provided is invalid"},
	"INVALID_SECURITY_RESPONSE_NO_RETRY": {401, "The security response provided is invalid and cannot be retried"},
	"INVALID_USERNAME":                   {401, "The username provided is invalid"},
	"INVALID_PASSWORD":                   {401, "The password provided is invalid"},
	"QUESTION_NOT_FOUND":                 {401, "The MFA prompt does not have a stored answer"},
	"RETRY_LATER":                        {401, "Flinks was not able to open a connection with the financial institution, retry later"},
	"TOO_MANY_REQUESTS":                  {401, "Too many requests were received, retry later"},
	"UNKNOWN_CHALLENGE_KEY":              {401, "A security response does not match any prompted challenge"},
	"CONCURRENT_SESSION":                 {401, "Another session is already opened with this LoginId"},
	"UNAUTHORIZED":                       {401, "The card is not authorized"},
	"UNHANDLED":                          {401, "An error was encountered that cannot be handled"},
	"DISABLED_LOGIN":                     {401, "The account has been disabled by the financial institution"},
	"NEW_ACCOUNT":                        {401, "The user must take action on their online banking before connecting"},
	"SESSION_EXPIRED":                    {401, "The RequestId has expired"},
	"ALREADY_AUTHORIZED":                 {401, "This RequestId is already authorized"},
	"SECURITYRESPONSES_INCOMPLETE":       {401, "Not all prompted security challenges were answered"},
	"BANK_MAINTENANCE_RETRY_LATER":       {401, "The financial institution is under maintenance, retry later"},
	"NO_TRANSACTION":                     {404, "The card does not have any transactions"},
	"DISABLED_INSTITUTION":               {405, "The selected financial institution is not available"},
	"AGGREGATION_ERROR":                  {500, "Flinks had an unexpected error and could not process your request"},
	"METHOD_NOT_AVAILABLE":               {501, "The requested API is not enabled on this instance"},
}

// enrichStatus holds the statuses the Enrich (insight) error table gives where it differs from
// the BankingServices table.
var enrichStatus = map[string]int{
	"SESSION_EXPIRED": 400,
	"INVALID_REQUEST": 400,
	"RETRY_LATER":     400,
}

// apiErr is an error answer about to be written.
type apiErr struct {
	code    string
	status  int
	message string
}

func newErr(code, message string) *apiErr {
	info, ok := codes[code]
	if !ok {
		info = codeInfo{http.StatusBadRequest, "An error occurred"}
	}
	if message == "" {
		message = info.message
	}
	return &apiErr{code: code, status: info.status, message: message}
}

func errCode(code string) *apiErr { return newErr(code, "") }

func errInvalidRequest(msg string) *apiErr { return newErr("INVALID_REQUEST", msg) }

// forEnrich applies the Enrich status table.
func (e *apiErr) forEnrich() *apiErr {
	if st, ok := enrichStatus[e.code]; ok {
		c := *e
		c.status = st
		return &c
	}
	return e
}

// Link is the Links[] item of Flinks responses.
type link struct {
	Rel     string  `json:"rel"`
	Href    string  `json:"href"`
	Example *string `json:"example"`
}

var authorizeLinks = []link{{Rel: "Authorization", Href: "/Authorize"}}

// errorBody is the canonical Flinks error body.
type errorBody struct {
	HttpStatusCode int
	FlinksCode     string
	Message        string
	Links          []link
	RequestId      string `json:",omitempty"`
}

// plainError is a body without FlinksCode (404 unknown route, 405 wrong method).
type plainError struct {
	HttpStatusCode int
	Message        string
}

// asyncOpFor maps the operation that produced a 202 to its polling endpoint.
func asyncOpFor(op string) string {
	switch op {
	case "GetAccountsSummary", "GetAccountsSummaryAsync":
		return "GetAccountsSummaryAsync"
	case "GetStatements", "GetStatementsAsync":
		return "GetStatementsAsync"
	}
	return "GetAccountsDetailAsync"
}

func pendingLinks(op, requestID string) []link {
	a := asyncOpFor(op)
	ex := "/" + a + "/" + requestID
	return []link{{Rel: a, Href: "/" + a, Example: &ex}}
}

// writeError writes the canonical error body for e. op selects the async link of 202 answers.
func writeError(w http.ResponseWriter, e *apiErr, requestID, op string) {
	links := authorizeLinks
	if e.status == http.StatusAccepted {
		links = pendingLinks(op, requestID)
	}
	if e.code == "TOO_MANY_REQUESTS" {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.status, errorBody{
		HttpStatusCode: e.status,
		FlinksCode:     e.code,
		Message:        e.message,
		Links:          links,
		RequestId:      requestID,
	})
}

func writeInjection(w http.ResponseWriter, in *injection, requestID, op string) {
	if !in.raw {
		writeError(w, errCode(in.code), requestID, op)
		return
	}
	ct := "application/json; charset=utf-8"
	if bytes.HasPrefix(bytes.TrimLeft(in.body, " \t\r\n"), []byte("<")) {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(in.body)))
	w.WriteHeader(in.status)
	_, _ = w.Write(in.body)
}

// writeJSON encodes v with encoding/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"HttpStatusCode":500,"FlinksCode":"UNHANDLED","Message":"encoding failed"}`)
	}
	writeBytes(w, status, b)
}

func writeBytes(w http.ResponseWriter, status int, parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// peekRequestID finds a RequestId key (any case) in a JSON object body, best effort.
func peekRequestID(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for k, v := range m {
		if strings.EqualFold(k, "RequestId") {
			var s string
			if json.Unmarshal(v, &s) == nil {
				return s
			}
		}
	}
	return ""
}
