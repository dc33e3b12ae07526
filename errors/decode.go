package errors

import (
	"bytes"
	"encoding/json"
	stderrors "errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/bankdata-go/bankdata/internal/redact"
)

const unexpectedPrefix = "unexpected response body"

// excerptLen is how much of an undecodable body an error message shows.
const excerptLen = 200

// flinksBody is the part of a Flinks body the decoder reads. Keys match
// case-insensitively (encoding/json), so "flinksCode" works as well.
type flinksBody struct {
	HTTPStatusCode json.RawMessage `json:"HttpStatusCode"`
	FlinksCode     json.RawMessage `json:"FlinksCode"`
	Message        json.RawMessage `json:"Message"`
	RequestID      json.RawMessage `json:"RequestId"`
}

// DecodeFlinks turns a Flinks response into an error: nil for a success
// (including a 203 MFA prompt and a body whose FlinksCode is OK or
// CREATED), an [*APIError] for an error body, a 202 pending body, a 2xx
// body that carries an error FlinksCode, or a body that is not JSON (with a
// short, redacted excerpt). The FlinksCode in the body wins over the HTTP
// status. It never panics.
func DecodeFlinks(status int, body []byte) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		if status >= 200 && status < 300 && status != 202 {
			return nil
		}
		return newAPIError(ProviderFlinks, status, body, unexpectedPrefix+": empty")
	}
	switch trimmed[0] {
	case '{':
	case '"', '[':
		if status >= 200 && status < 300 && status != 202 {
			return nil
		}
		e := newAPIError(ProviderFlinks, status, body, "")
		var s string
		if trimmed[0] == '"' && json.Unmarshal(trimmed, &s) == nil {
			e.Message = s
		} else {
			e.setExcerpt(unexpectedPrefix+": ", trimmed)
		}
		return e
	default:
		return newAPIError(ProviderFlinks, status, body, "").setExcerpt(unexpectedPrefix+": ", trimmed)
	}
	var fb flinksBody
	if err := json.Unmarshal(trimmed, &fb); err != nil {
		return newAPIError(ProviderFlinks, status, body, "").setExcerpt(unexpectedPrefix+" ("+jsonProblem(err)+"): ", trimmed)
	}
	code := normalizeFlinksCode(rawString(fb.FlinksCode))
	effective := status
	if bs, ok := rawInt(fb.HTTPStatusCode); ok && bs >= 400 && status >= 200 && status < 300 {
		effective = bs
	}
	if code == "OK" || code == "CREATED" {
		if effective < 400 {
			return nil
		}
		code = ""
	}
	if code == "" && effective >= 200 && effective < 300 && effective != 202 {
		return nil
	}
	e := newAPIError(ProviderFlinks, effective, body, rawString(fb.Message))
	e.Code = code
	e.RequestID = rawString(fb.RequestID)
	return e
}

// flanksBody covers both Flanks envelopes:
//
//	{"error": "...", "error_code": 50003}
//	{"success": false, "error": {"code": "...", "details": [...]}, "trace_id": "..."}
type flanksBody struct {
	Error     json.RawMessage `json:"error"`
	ErrorCode json.RawMessage `json:"error_code"`
	Success   json.RawMessage `json:"success"`
	TraceID   json.RawMessage `json:"trace_id"`
	Message   json.RawMessage `json:"message"`
}

type flanksErrorObject struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Details []Detail        `json:"details"`
}

// DecodeFlanks turns a Flanks response into an error: nil for a success, an
// [*APIError] for either error envelope, for a body with a numeric code
// whatever the HTTP status (the numeric code wins), for a 2xx body that
// says success:false, and for a body that is not JSON (with a short,
// redacted excerpt). It never panics.
func DecodeFlanks(status int, body []byte) error {
	trimmed := bytes.TrimSpace(body)
	ok2xx := status >= 200 && status < 300
	if len(trimmed) == 0 {
		if ok2xx {
			return nil
		}
		return newAPIError(ProviderFlanks, status, body, unexpectedPrefix+": empty")
	}
	switch trimmed[0] {
	case '{':
	case '[', '"':
		if ok2xx {
			return nil
		}
		e := newAPIError(ProviderFlanks, status, body, "")
		var s string
		if trimmed[0] == '"' && json.Unmarshal(trimmed, &s) == nil {
			e.Message = s
		} else {
			e.setExcerpt(unexpectedPrefix+": ", trimmed)
		}
		return e
	default:
		return newAPIError(ProviderFlanks, status, body, "").setExcerpt(unexpectedPrefix+": ", trimmed)
	}
	var fb flanksBody
	if err := json.Unmarshal(trimmed, &fb); err != nil {
		return newAPIError(ProviderFlanks, status, body, "").setExcerpt(unexpectedPrefix+" ("+jsonProblem(err)+"): ", trimmed)
	}
	e := newAPIError(ProviderFlanks, status, body, "")
	isErr := !ok2xx
	if n, ok := rawInt(fb.ErrorCode); ok && n != 0 {
		e.Number = n
		if ci := flanksCodes.byNumber[n]; ci != nil {
			e.Code = ci.Code
		} else {
			e.Code = strconv.Itoa(n)
		}
		isErr = true
	} else if s := rawString(fb.ErrorCode); s != "" {
		e.Code = s
		isErr = true
	}
	if len(fb.Error) > 0 && !isNull(fb.Error) {
		switch bytes.TrimSpace(fb.Error)[0] {
		case '"':
			e.Message = rawString(fb.Error)
			isErr = true
		case '{':
			var obj flanksErrorObject
			if json.Unmarshal(fb.Error, &obj) == nil {
				if c := rawString(obj.Code); c != "" && e.Number == 0 {
					if n, err := strconv.Atoi(c); err == nil && flanksCodes.byNumber[n] != nil {
						e.Number = n
						e.Code = flanksCodes.byNumber[n].Code
					} else {
						e.Code = c
					}
				}
				e.Details = obj.Details
				if m := rawString(obj.Message); m != "" {
					e.Message = m
				}
			}
			isErr = true
		default:
			e.setExcerpt("", fb.Error)
			isErr = true
		}
	}
	if b, ok := rawBool(fb.Success); ok && !b {
		isErr = true
	}
	if e.Message == "" {
		e.Message = rawString(fb.Message)
	}
	e.RequestID = rawString(fb.TraceID)
	if !isErr {
		return nil
	}
	return e
}

// FlinksCode returns the error for a FlinksCode seen outside an HTTP
// response (a Flinks Connect event, a webhook, a stored record): nil for
// "" / OK / CREATED, otherwise an [*APIError] whose StatusCode is 0. The
// Client Dashboard spelling ("Bank Maintenance Retry Later") is accepted.
// Unknown codes still give an *APIError that keeps the text.
func FlinksCode(code string) error {
	n := normalizeFlinksCode(code)
	if n == "" || n == "OK" || n == "CREATED" {
		return nil
	}
	e := &APIError{Provider: ProviderFlinks, Code: n}
	if ci := flinksCodes.byCode[n]; ci != nil {
		e.Message = ci.Meaning
	} else {
		e.Code = strings.TrimSpace(code)
	}
	return e
}

func newAPIError(provider string, status int, body []byte, msg string) *APIError {
	e := &APIError{Provider: provider, StatusCode: status, Message: msg}
	if len(body) > 0 {
		n := min(len(body), MaxBodySize)
		e.Body = append([]byte(nil), body[:n]...)
	}
	return e
}

// NewUnexpected builds the error for a response body that could not be
// decoded (used by the clients when a 2xx body does not match its model).
// The message quotes a short excerpt of a text or HTML body, never of a JSON
// body, which may hold bank data.
func NewUnexpected(provider string, status int, body []byte, problem string) *APIError {
	msg := unexpectedPrefix
	if problem != "" {
		msg += " (" + problem + ")"
	}
	e := newAPIError(provider, status, body, msg)
	// Quote text and HTML bodies, never JSON ones: those may hold bank data.
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] != '{' && t[0] != '[' {
		e.setExcerpt(msg+": ", t)
	}
	return e
}

// excerptSrcMax bounds the bytes an error keeps to rebuild its excerpt.
const excerptSrcMax = 16 << 10

// setExcerpt sets Message to prefix and a short excerpt of src, and keeps
// both so that Scrub can rebuild the excerpt without the scrubbed values.
func (e *APIError) setExcerpt(prefix string, src []byte) *APIError {
	e.Message = prefix + Excerpt(src)
	e.excerptPrefix = prefix
	e.excerptSrc = append([]byte(nil), src[:min(len(src), excerptSrcMax)]...)
	return e
}

// Scrub replaces each of values — secrets the caller sent, which a server
// may echo back: keys, tokens, credentials, ids — in the error's Message
// and Details with "[redacted]", in their URL- and HTML-escaped forms too.
// A Message quoting an undecodable body is rebuilt from that body with the
// values replaced first, so that no part of a value survives the excerpt's
// cut or the generic redaction of [Redact]. Body keeps the raw bytes.
// Values shorter than 3 bytes are ignored.
func (e *APIError) Scrub(values ...string) {
	if e == nil || len(values) == 0 {
		return
	}
	if e.excerptSrc != nil {
		e.excerptSrc = []byte(redact.String(string(e.excerptSrc), values...))
		e.Message = e.excerptPrefix + Excerpt(e.excerptSrc)
	} else {
		e.Message = redact.String(e.Message, values...)
	}
	for i := range e.Details {
		e.Details[i].ErrorType = redact.String(e.Details[i].ErrorType, values...)
		e.Details[i].Field = redact.String(e.Details[i].Field, values...)
	}
}

// Scrub calls [APIError.Scrub] with values on every *APIError in err's
// tree (the error itself and every error it wraps), and returns err.
func Scrub(err error, values ...string) error {
	if err == nil || len(values) == 0 {
		return err
	}
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		if api, ok := e.(*APIError); ok {
			api.Scrub(values...)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x, depth+1)
			}
		}
	}
	walk(err, 0)
	return err
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case stderrors.As(err, &se):
		return "invalid JSON at byte " + strconv.FormatInt(se.Offset, 10)
	case stderrors.As(err, &te):
		return "unexpected JSON " + jsonKind(te.Value) + " at byte " + strconv.FormatInt(te.Offset, 10)
	case stderrors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	}
	return "invalid JSON"
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if raw[0] == '{' || raw[0] == '[' {
		return ""
	}
	return string(raw)
}

func rawInt(raw json.RawMessage) (int, bool) {
	s := rawString(raw)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return n, true
}

func rawBool(raw json.RawMessage) (bool, bool) {
	switch strings.ToLower(rawString(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Excerpt returns a short, single-line, redacted excerpt of a body for an
// error message.
func Excerpt(body []byte) string {
	if len(body) > excerptLen*4 {
		body = body[:excerptLen*4]
	}
	var b strings.Builder
	space := false
	n := 0
	for len(body) > 0 && n < excerptLen {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || r == ' ' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
		n++
	}
	out := strings.TrimSpace(b.String())
	if len(body) > 0 {
		out += "..."
	}
	return Redact(out)
}

var (
	guidRE  = regexp.MustCompile(`[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}`)
	tokenRE = regexp.MustCompile(`[A-Za-z0-9_\-.+/=~]{20,}`)
)

// Redact replaces GUIDs (LoginIds, RequestIds, customer ids, keys) and long
// token-like words (access tokens, credentials tokens, URL paths) in a
// server-sent text with "[redacted]".
func Redact(s string) string {
	if s == "" {
		return s
	}
	s = guidRE.ReplaceAllString(s, "[redacted]")
	return tokenRE.ReplaceAllStringFunc(s, func(w string) string {
		if strings.ContainsAny(w, "0123456789") {
			return "[redacted]"
		}
		return w
	})
}

// IsNetworkError reports whether err is a transport failure: a refused or
// reset connection, a timeout, or a body cut short.
func IsNetworkError(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	if stderrors.As(err, &ne) {
		return true
	}
	return stderrors.Is(err, io.ErrUnexpectedEOF) ||
		stderrors.Is(err, syscall.ECONNRESET) ||
		stderrors.Is(err, syscall.ECONNREFUSED) ||
		stderrors.Is(err, syscall.EPIPE)
}

// jsonKind keeps the kind of a json.UnmarshalTypeError value ("number",
// "string", ...) and drops the value itself, which may be bank data.
func jsonKind(v string) string {
	if i := strings.IndexByte(v, ' '); i >= 0 {
		return v[:i]
	}
	return v
}
