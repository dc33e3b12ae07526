package errors

// NetworkError is a transport failure (refused or reset connection,
// timeout, body cut short). Unlike net/http's *url.Error it never prints the
// URL; it unwraps to the underlying error (a *net.OpError, io.ErrUnexpectedEOF,
// ...), so errors.As(err, &netErr) still works.
type NetworkError struct {
	// Op is the HTTP method or "read".
	Op string
	// Err is the underlying error.
	Err error
}

// Error describes the failure without the URL.
func (e *NetworkError) Error() string {
	msg := "network error"
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + Redact(e.Err.Error())
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a timeout.
func (e *NetworkError) Timeout() bool {
	t, ok := e.Err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// Temporary reports true: a network failure may not happen again.
func (e *NetworkError) Temporary() bool { return true }

// Is makes a NetworkError match ErrTemporary.
func (e *NetworkError) Is(target error) bool { return target == ErrTemporary }
