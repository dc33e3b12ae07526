package flanks

import (
	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/redact"
)

// Servers echo input back: an error message may quote the client secret,
// the access token, a credentials token, a link code or the bank username
// and password a request carried. The client therefore knows which values
// each request sends — its own client id and secret always, and the
// secrets in the request body, listed by secretValues — and replaces them
// in the errors it returns (scrub) and, through a redact.Handler around
// the logger, in every log line while the request runs (track).

// secretHolder is implemented by request bodies that carry secrets.
type secretHolder interface {
	secretValues() []string
}

// secretsOf lists the secrets in a request body, in a slice of its own
// (callers append to it).
func secretsOf(body any) []string {
	if h, ok := body.(secretHolder); ok {
		return append([]string(nil), h.secretValues()...)
	}
	return nil
}

func (b credentialsTokenBody) secretValues() []string { return []string{b.CredentialsToken} }

func (b dataBody) secretValues() []string { return []string{b.CredentialsToken} }

func (r CreateCredentialsRequest) secretValues() []string {
	return []string{r.Username, r.Password, r.Verifier}
}

func (b codeBody) secretValues() []string { return []string{b.Code} }

func (b forceBody) secretValues() []string { return []string{b.CredentialsToken} }

func (b sessionBody) secretValues() []string { return b.Configuration.secretValues() }

func (s SessionConfiguration) secretValues() []string { return []string{s.ConnectionID} }

func (q SessionQuery) secretValues() []string { return q.ConnectionIDIn }

func (q ProductQuery) secretValues() []string { return q.ConnectionIDIn }

func (q TransactionQuery) secretValues() []string { return q.ConnectionIDIn }

func (p pageRequest) secretValues() []string { return secretsOf(p.Query) }

// track registers a request's secrets with the log redactor until the
// returned func runs. It costs nothing when logging is off.
func (c *Client) track(vals ...string) func() {
	return c.secrets.Track(vals...)
}

// scrub replaces the client id and secret, and the call's own secrets in
// extra, in the messages of every error inside err (the *errors.APIError
// messages and details, and a *DelayedError's message), and returns err.
func (c *Client) scrub(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	vals := append([]string{c.clientID.get(), c.clientSecret.get()}, extra...)
	if c.tokens != nil {
		vals = append(vals, c.tokens.recentTokens()...)
	}
	sdkerrors.Scrub(err, vals...)
	var d *DelayedError
	if sdkerrors.As(err, &d) {
		d.Message = redact.String(d.Message, vals...)
	}
	return err
}
