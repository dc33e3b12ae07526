package flanks

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// opToken names the token fetch in errors and logs.
const opToken = "Token"

// defaultTokenTTL is assumed when the token response has no expires_in
// (Flanks documents 3600 s).
const defaultTokenTTL = time.Hour

// tokenSource caches the OAuth access token of one client and fetches it
// single-flight: however many goroutines need a token at the same moment,
// one POST /v0/token is sent and its result shared.
type tokenSource struct {
	c            *Client
	fetchTimeout time.Duration

	mu       sync.Mutex
	tok      sealed    // the cached access token
	exp      time.Time // when to stop using tok (expiry minus a margin)
	inflight *tokenFetch
	// recent are the last access tokens fetched: requests in flight may
	// still carry them, so errors and log lines are scrubbed of them.
	recent []sealed
}

// keepTokens is how many access tokens recentTokens keeps.
const keepTokens = 3

// recentTokens returns the access tokens fetched last.
func (s *tokenSource) recentTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.recent))
	for i, t := range s.recent {
		out[i] = t.get()
	}
	return out
}

// tokenFetch is one shared fetch; done closes when tok/err are set.
type tokenFetch struct {
	done chan struct{}
	tok  sealed
	err  error
}

// token returns a valid access token: the cached one, the result of the
// fetch already running, or that of a new fetch. The fetch runs detached
// from ctx (bounded by the token fetch timeout), so that a caller whose
// context ends stops waiting without failing the fetch for the others.
func (s *tokenSource) token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	if tok := s.tok.get(); tok != "" && time.Now().Before(s.exp) {
		s.mu.Unlock()
		return tok, nil
	}
	f := s.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		s.inflight = f
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.fetchTimeout)
		go func() {
			defer cancel()
			s.run(fctx, f)
		}()
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.tok.get(), f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (s *tokenSource) run(ctx context.Context, f *tokenFetch) {
	tok, ttl, err := s.fetch(ctx)
	s.mu.Lock()
	if err == nil {
		s.tok = seal(tok)
		s.exp = time.Now().Add(ttl - tokenMargin(ttl))
		s.c.secrets.Add(tok)
		s.recent = append(s.recent, seal(tok))
		if len(s.recent) > keepTokens {
			s.c.secrets.Remove(s.recent[0].get())
			s.recent = append([]sealed(nil), s.recent[1:]...)
		}
	}
	s.inflight = nil
	f.tok, f.err = seal(tok), err
	s.mu.Unlock()
	close(f.done)
}

// tokenMargin is how long before expires_in the token is replaced: 10% of
// its lifetime, at most one minute (60 s of Flanks' 3600 s).
func tokenMargin(ttl time.Duration) time.Duration {
	return min(ttl/10, time.Minute)
}

// invalidate drops tok if it is still the cached token (a request using it
// was refused). A token already replaced by another goroutine is left
// alone, so concurrent 401s lead to one refresh.
func (s *tokenSource) invalidate(tok string) {
	s.mu.Lock()
	if s.tok.get() == tok {
		s.tok = sealed{}
		s.exp = time.Time{}
	}
	s.mu.Unlock()
}

type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
}

type tokenResponse struct {
	AccessToken string  `json:"access_token"`
	ExpiresIn   flexInt `json:"expires_in"`
	TokenType   string  `json:"token_type"`
	Scope       string  `json:"scope"`
}

// fetch calls POST /v0/token with a JSON client_credentials body. The token
// request is repeatable (a lost answer only costs a token), so it is
// retried like a read.
func (s *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	c := s.c
	var out tokenResponse
	resp, err := c.t.Do(ctx, &transport.Request{
		Op:         opToken,
		Method:     http.MethodPost,
		Path:       "/v0/token",
		Body:       tokenRequest{ClientID: c.clientID.get(), ClientSecret: c.clientSecret.get(), GrantType: "client_credentials"},
		Idempotent: true,
	}, &out)
	if err != nil {
		return "", 0, &TokenError{Err: c.scrub(cause(err))}
	}
	if out.AccessToken == "" {
		return "", 0, &TokenError{Err: unexpected(resp, "no access_token in the token response")}
	}
	ttl := defaultTokenTTL
	if out.ExpiresIn.ok {
		ttl = time.Duration(out.ExpiresIn.v) * time.Second
		if ttl < 0 {
			ttl = 0
		}
	}
	if c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "flanks token fetched",
			slog.String("provider", provider), slog.Duration("expires_in", ttl))
	}
	return out.AccessToken, ttl, nil
}

// TokenError is the failure to get an OAuth access token from
// POST /v0/token. It is returned (wrapped in the calling operation's
// error) by any call that needed a token. It unwraps to the cause: an
// *errors.APIError (a 403 access_denied matches errors.ErrAuthentication; a
// body that is not a token matches errors.ErrUnexpectedResponse), a network
// error, or a context error.
type TokenError struct {
	Err error
}

// Error says the token could not be obtained, and why.
func (e *TokenError) Error() string {
	return fmt.Sprintf("get access token: %v", e.Err)
}

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// Is makes every token failure that the server answered match
// errors.ErrAuthentication, besides what the cause matches: a 403
// access_denied, a 400 on a malformed request, a 401.
func (e *TokenError) Is(target error) bool {
	if target != sdkerrors.ErrAuthentication {
		return false
	}
	var api *sdkerrors.APIError
	if sdkerrors.As(e.Err, &api) {
		return api.StatusCode == http.StatusUnauthorized || api.StatusCode == http.StatusForbidden ||
			api.StatusCode == http.StatusBadRequest
	}
	return false
}
