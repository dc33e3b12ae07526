package flanks_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"gopkg.in/h2non/gock.v1"

	"github.com/bankdata-go/bankdata/flanks"
)

// The gock tests run against a base URL with a path prefix, so that a
// request missing the prefix matches no mock.
const (
	gockHost   = "https://api.flanks.test"
	gockPrefix = "/prefix"
	gockBase   = gockHost + gockPrefix

	testClientID     = "client-id-7f3a9c2e4b1d"
	testClientSecret = "client-secret-SUPERSECRET-91f2c7"
	testAccessToken  = "access-token-SECRET-4c8d2e9f7a1b3c5d"
	testCredToken    = "credentials-token-SECRET-0a1b2c3d4e5f6a7b"
)

// path anchors a full request path for gock (paths are unanchored regexps
// otherwise: /v0/bank/credentials would match /v0/bank/credentials/list).
func path(p string) string { return "^" + regexp.QuoteMeta(gockPrefix+p) + "$" }

// newGockClient builds a client whose concrete transport gock intercepts.
// Retries are off unless an option turns them on; waits use millisecond
// intervals unless overridden.
func newGockClient(t *testing.T, opts ...flanks.Option) *flanks.Client {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{}}
	base := []flanks.Option{
		flanks.WithBaseURL(gockBase),
		flanks.WithHTTPClient(hc),
		flanks.WithMaxRetries(0),
		flanks.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		flanks.WithPollInterval(time.Millisecond),
		flanks.WithPollTimeout(2 * time.Second),
		flanks.WithPollJitter(0),
	}
	c, err := flanks.NewClient(testClientID, testClientSecret, append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	gock.Intercept()
	gock.InterceptClient(c.HTTPClient())
	t.Cleanup(func() {
		gock.RestoreClient(hc)
		gock.OffAll()
	})
	return c
}

// assertGockDone fails the test when a mock was not consumed or a request
// matched no mock.
func assertGockDone(t *testing.T) {
	t.Helper()
	if !gock.IsDone() {
		for _, m := range gock.Pending() {
			t.Errorf("pending mock: %s %s", m.Request().Method, m.Request().URLStruct.Path)
		}
	}
	if gock.HasUnmatchedRequest() {
		for _, r := range gock.GetUnmatchedRequests() {
			t.Errorf("unmatched request: %s %s", r.Method, r.URL.Path)
		}
	}
}

// mockToken registers n successful token answers, checking the JSON body.
func mockToken(n int, expiresIn int) {
	gock.New(gockHost).Post(path("/v0/token")).
		JSON(map[string]string{"client_id": testClientID, "client_secret": testClientSecret, "grant_type": "client_credentials"}).
		Times(n).
		Reply(200).JSON(map[string]any{"access_token": testAccessToken, "expires_in": expiresIn, "token_type": "Bearer", "scope": "read"})
}

// mockTokenValue registers one token answer with the given token.
func mockTokenValue(tok string) {
	gock.New(gockHost).Post(path("/v0/token")).
		Reply(200).JSON(map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer"})
}

// captureBody is a gock matcher that records the request body.
func captureBody(dst *string) gock.MatchFunc {
	return func(r *http.Request, _ *gock.Request) (bool, error) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return false, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		*dst = string(b)
		return true, nil
	}
}
