package flanks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// recordingTransport remembers every bearer token the client sent, so the
// test can look for the access tokens it never sees otherwise.
type recordingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	tokens map[string]bool
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.mu.Lock()
		r.tokens[tok] = true
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

// TestNoSecretLeaks drives success and failure paths with a debug logger and
// distinctive secrets, then looks for every secret in every log line, every
// error (%v, %+v, %#v) and every formatted client, request and result.
func TestNoSecretLeaks(t *testing.T) {
	const (
		clientSecret = "flanks-client-secret-LEAKCHECK-2f9e1d7c"
		wrongSecret  = "wrong-client-secret-LEAKCHECK-5a4b3c2d"
		bankUser     = "bank-username-LEAKCHECK-77aa"
		bankPassword = "bank-password-LEAKCHECK-88bb"
	)
	srv := newFake(t, flankstest.WithClientSecret(clientSecret), flankstest.WithProcessingPolls(2))
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &recordingTransport{next: &http.Transport{}, tokens: map[string]bool{}}
	opts := []flanks.Option{
		flanks.WithLogger(logger),
		flanks.WithHTTPClient(&http.Client{Transport: rec}),
		flanks.WithMaxRetries(1),
	}
	c := fakeClient(t, srv, opts...)
	bad, err := flanks.NewClient(srv.ClientID, wrongSecret, append([]flanks.Option{flanks.WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	secrets := []string{clientSecret, wrongSecret, bankUser, bankPassword}
	var printed []string // everything formatted
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	show := func(vs ...any) {
		for _, v := range vs {
			printed = append(printed, fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v))
			logger.Info("app log", "value", v)
		}
	}
	show(c, *c, bad)

	// Success: Link flow, data, management calls.
	code := srv.NewLinkCode("1234")
	secrets = append(secrets, code)
	ex, err := c.ExchangeLinkCodeDetails(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	tok := ex.CredentialsToken
	secrets = append(secrets, tok)
	show(ex, *ex)
	_, err = c.ExchangeLinkCode(ctx, code) // used code
	keep(err)
	st, err := c.WaitForCredentials(ctx, tok)
	keep(err)
	show(st)
	req := flanks.DataRequest{CredentialsToken: tok, Query: map[string]any{"account_id": []string{"x"}}}
	show(req, &req)
	_, err = c.GetPortfolios(ctx, req)
	keep(err)
	sca, err := c.ForceCredentials(ctx, tok, flanks.ForceSCA)
	keep(err)
	reset, err := c.ForceCredentials(ctx, tok, flanks.ForceReset)
	keep(err)
	secrets = append(secrets, sca, reset)
	st, err = c.WaitForCredentials(ctx, tok) // stops: sca/reset token set
	keep(err)
	show(st, *st)
	for s, err := range c.ListCredentials(ctx) {
		keep(err)
		show(s)
	}

	// Direct creation with bank credentials, success and failure.
	creq := flanks.CreateCredentialsRequest{Bank: "testbank", Username: bankUser, Password: bankPassword}
	show(creq, &creq)
	created, err := c.CreateCredentials(ctx, creq)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, created.CredentialsToken)
	show(created, *created)
	_, err = c.CreateCredentials(ctx, creq) // duplicate
	keep(err)
	_, err = c.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "testbank", Username: bankUser + "2", Password: "INVALID_CREDENTIALS"})
	keep(err)

	// Held credential (202).
	heldTok, err := c.ExchangeLinkCode(ctx, srv.NewLinkCode("SECURITY_CHECKS"))
	keep(err)
	secrets = append(secrets, heldTok)
	_, err = c.GetAccounts(ctx, flanks.DataRequest{CredentialsToken: heldTok})
	keep(err)

	// Blocked credential, SCA credential.
	for _, pw := range []string{"INVALID_CREDENTIALS", "SCA_SMS"} {
		bt, err := c.ExchangeLinkCode(ctx, srv.NewLinkCode(pw))
		keep(err)
		secrets = append(secrets, bt)
		st, err := c.WaitForCredentials(ctx, bt)
		keep(err)
		if st != nil {
			secrets = append(secrets, st.ResetToken, st.SCAToken)
			show(st)
		}
		_, err = c.GetCards(ctx, flanks.DataRequest{CredentialsToken: bt})
		keep(err)
	}

	// A server that echoes the token in its error message, and bad bodies.
	srv.InjectError("/v0/bank/credentials/holder", 400, `{"error": "Invalid credentials_token `+tok+`", "error_code": 40001}`, 1)
	_, err = c.GetHolders(ctx, flanks.DataRequest{CredentialsToken: tok})
	keep(err)
	srv.InjectError("/v0/bank/credentials/holder", 200, `<html>`+tok+`</html>`, 1)
	_, err = c.GetHolders(ctx, flanks.DataRequest{CredentialsToken: tok})
	keep(err)

	// Token failures: expired, refused secret, broken token endpoint.
	srv.ExpireTokens()
	_, err = c.ListEntities(ctx)
	keep(err)
	_, err = bad.ListEntities(ctx)
	keep(err)
	srv.InjectError("/v0/token", 500, `{"error": "Internal Error"}`, 2)
	srv.ExpireTokens()
	_, err = c.GetIdentity(ctx, flanks.DataRequest{CredentialsToken: tok})
	keep(err)
	srv.InjectError("/v0/token", 200, `not json `+clientSecret, 1)
	srv.ExpireTokens()
	_, err = c.GetIdentity(ctx, flanks.DataRequest{CredentialsToken: tok})
	keep(err)

	// Connect: the connection id is a credentials token.
	s, err := c.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: "https://app.test/cb", ConnectionID: tok})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.CompleteSession(s.SessionID, "1234")
	done, err := c.WaitForSession(ctx, s.SessionID)
	keep(err)
	show(done, *done, flanks.SessionConfiguration{ConnectionID: tok})

	// Cancelled and timed-out waits.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
	srv.InjectError("/v0/bank/credentials/portfolio", 400, processingBody, 1000)
	_, err = c.GetPortfolios(cctx, flanks.DataRequest{CredentialsToken: tok})
	cancel()
	keep(err)
	srv.InjectError("/v0/bank/credentials/portfolio", 0, "", 0)

	if len(errs) < 15 {
		t.Fatalf("only %d errors collected; the scenario did not run", len(errs))
	}
	for _, err := range errs {
		show(err)
		printed = append(printed, err.Error())
		for e := err; e != nil; e = errors.Unwrap(e) {
			printed = append(printed, fmt.Sprintf("%v|%+v|%#v", e, e, e))
		}
		logger.Error("call failed", "err", err)
	}
	rec.mu.Lock()
	for at := range rec.tokens {
		secrets = append(secrets, at)
	}
	rec.mu.Unlock()
	if len(rec.tokens) < 3 {
		t.Errorf("recorded %d access tokens, want several", len(rec.tokens))
	}
	if !strings.Contains(logs.String(), `"msg":"bankdata request"`) || !strings.Contains(logs.String(), "flanks token fetched") {
		t.Fatalf("debug logging did not run:\n%.2000s", logs.String())
	}

	all := logs.String() + "\n" + strings.Join(printed, "\n")
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		if i := strings.Index(all, sec); i >= 0 {
			lo, hi := max(0, i-200), min(len(all), i+len(sec)+50)
			t.Errorf("secret %.12s... leaked:\n%s", sec, all[lo:hi])
		}
	}
}
