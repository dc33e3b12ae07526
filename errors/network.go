package errors

import (
	"net"
	"strconv"
	"strings"
)

// NetworkError is a transport failure (refused or reset connection,
// timeout, body cut short). Unlike net/http's *url.Error it never prints the
// URL; it unwraps to the underlying error (a *net.OpError, io.ErrUnexpectedEOF,
// ...), so errors.As(err, &netErr) still works.
//
// Nor does it print what a misbehaving server sent: net/http quotes the
// bytes of a malformed status line or header in its errors (`malformed
// MIME header line: "..."`), and those may echo a request's credentials.
// Error shows such quoted text as "…", and Unwrap then returns a stand-in
// with the same message instead of the original error.
type NetworkError struct {
	// Op is the HTTP method or "read".
	Op string
	// Err is the underlying error.
	Err error
}

// Error describes the failure without the URL or server-sent bytes.
func (e *NetworkError) Error() string {
	msg := "network error"
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + Redact(stripQuoted(e.Err.Error()))
	}
	return msg
}

// GoString keeps %#v as safe as %v.
func (e *NetworkError) GoString() string {
	return "&errors.NetworkError{" + strconv.Quote(e.Error()) + "}"
}

// Unwrap returns the underlying error; when its message quotes bytes the
// server sent (and it is not a net.Error), a stand-in with the quoted text
// shown as "…".
func (e *NetworkError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	var ne net.Error
	if As(e.Err, &ne) {
		return e.Err
	}
	msg := e.Err.Error()
	if clean := stripQuoted(msg); clean != msg {
		return &serverTextError{msg: clean}
	}
	return e.Err
}

// serverTextError stands in for an error whose message quoted server bytes.
type serverTextError struct{ msg string }

func (e *serverTextError) Error() string { return e.msg }

// stripQuoted replaces every Go-quoted string in s ("..." as written by
// %q) with "…". net/http and net/textproto quote the server's bytes that
// way in their parse errors.
func stripQuoted(s string) string {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i])
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			// An unterminated quote: drop the rest.
			b.WriteString(`"…"`)
			return b.String()
		}
		b.WriteString(`"…"`)
		s = s[i+len(q):]
		i = strings.IndexByte(s, '"')
	}
	b.WriteString(s)
	return b.String()
}

// Timeout reports whether the failure was a timeout.
func (e *NetworkError) Timeout() bool {
	t, ok := e.Err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// Temporary reports true: a network failure may not happen again.
func (e *NetworkError) Temporary() bool { return true }

// Is makes a NetworkError match ErrTemporary.
func (e *NetworkError) Is(target error) bool { return target == ErrTemporary }
