package flinks

// The client keeps the secret values it knows of in a redact.Set: its keys
// and customer id for its lifetime, and each call's credentials, LoginId
// and MFA answers while the call runs. The log handler (redact.Handler)
// replaces them in every line, so a server that echoes input back in a
// message cannot leak it into logs; scrub does the same for the errors a
// call returns.

// track registers a call's secrets with the log redactor until the returned
// func runs. It costs nothing when logging is off.
func (c *Client) track(vals ...string) func() {
	return c.s.secrets.Track(vals...)
}
