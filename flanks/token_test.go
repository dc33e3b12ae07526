package flanks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

func TestNewClientValidates(t *testing.T) {
	cases := []struct {
		name         string
		id, secret   string
		opts         []flanks.Option
		wantErrMatch string
	}{
		{"no id", "", "s", nil, "client id"},
		{"no secret", "id", "  ", nil, "client secret"},
		{"bad scheme", "id", "s", []flanks.Option{flanks.WithBaseURL("ftp://x")}, "scheme"},
		{"no host", "id", "s", []flanks.Option{flanks.WithBaseURL("https://")}, "host"},
		{"query", "id", "s", []flanks.Option{flanks.WithBaseURL("https://x/?a=1")}, "query"},
		{"nil http client", "id", "s", []flanks.Option{flanks.WithHTTPClient(nil)}, "nil"},
		{"negative retries", "id", "s", []flanks.Option{flanks.WithMaxRetries(-1)}, "negative"},
		{"retry wait", "id", "s", []flanks.Option{flanks.WithRetryWait(2*time.Second, time.Second)}, "min"},
		{"poll interval", "id", "s", []flanks.Option{flanks.WithPollInterval(0)}, "interval"},
		{"poll timeout", "id", "s", []flanks.Option{flanks.WithPollTimeout(-time.Second)}, "timeout"},
		{"jitter", "id", "s", []flanks.Option{flanks.WithPollJitter(2)}, "fraction"},
		{"user agent", "id", "s", []flanks.Option{flanks.WithUserAgent("a\r\nb")}, "invalid"},
		{"token timeout", "id", "s", []flanks.Option{flanks.WithTokenFetchTimeout(0)}, "timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := flanks.NewClient(tc.id, tc.secret, tc.opts...)
			if err == nil || c != nil {
				t.Fatalf("want error, got client %v", c)
			}
			if !strings.Contains(err.Error(), tc.wantErrMatch) {
				t.Errorf("error %q does not mention %q", err, tc.wantErrMatch)
			}
		})
	}
	c, err := flanks.NewClient("id", "secret")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != flanks.DefaultBaseURL {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
	if c.HTTPClient() == nil || c.HTTPClient().Timeout == 0 {
		t.Errorf("default HTTP client should have a timeout")
	}
	c, err = flanks.NewClient("id", "secret", flanks.WithBaseURL("http://user:pw@localhost:8080/base/"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://localhost:8080/base" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
}

func TestTokenFetchedOnceAndSent(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Get(path("/v0/bank/available")).
		MatchHeader("Authorization", "^Bearer "+testAccessToken+"$").
		Times(2).
		Reply(200).JSON([]map[string]string{{"id": "testbank", "name": "TestBank"}})

	for range 2 {
		ents, err := c.ListEntities(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 1 || ents[0].ID != "testbank" {
			t.Fatalf("entities = %+v", ents)
		}
	}
	assertGockDone(t)
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t)
		// expires_in 120 s: the margin is 10% (12 s), so the token is used
		// until 108 s and replaced after.
		mockToken(1, 120)
		gock.New(gockHost).Get(path("/v0/bank/available")).Times(2).Reply(200).JSON([]any{})
		ctx := context.Background()
		if _, err := c.ListEntities(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Second)
		if _, err := c.ListEntities(ctx); err != nil {
			t.Fatal(err)
		}
		if !gock.IsDone() {
			t.Fatal("mocks left")
		}
		mockToken(1, 120)
		gock.New(gockHost).Get(path("/v0/bank/available")).Reply(200).JSON([]any{})
		time.Sleep(10 * time.Second)
		if _, err := c.ListEntities(ctx); err != nil {
			t.Fatal(err)
		}
		assertGockDone(t)
	})
}

func TestTokenRefusedRefreshesOnceAndRepeats(t *testing.T) {
	for _, body := range []string{
		`{"error": "Invalid credentials"}`,
		`{"error": "Not authenticated"}`,
		`{"success": false, "error": {"code": "UNAUTHENTICATED", "details": []}, "trace_id": "t-1"}`,
	} {
		t.Run(body[:20], func(t *testing.T) {
			c := newGockClient(t)
			mockTokenValue("old-token-1111111111111111")
			gock.New(gockHost).Get(path("/v0/bank/available")).
				MatchHeader("Authorization", "^Bearer old-token-1111111111111111$").
				Reply(401).BodyString(body)
			mockTokenValue("new-token-2222222222222222")
			gock.New(gockHost).Get(path("/v0/bank/available")).
				MatchHeader("Authorization", "^Bearer new-token-2222222222222222$").
				Reply(200).JSON([]any{})
			if _, err := c.ListEntities(context.Background()); err != nil {
				t.Fatal(err)
			}
			assertGockDone(t)
		})
	}
}

func TestTokenRefusedTwiceFails(t *testing.T) {
	c := newGockClient(t)
	mockToken(2, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Times(2).
		Reply(401).JSON(map[string]string{"error": "Invalid credentials"})
	_, err := c.GetCredentialStatus(context.Background(), testCredToken)
	if !errors.Is(err, sdkerrors.ErrAuthentication) {
		t.Fatalf("err = %v, want ErrAuthentication", err)
	}
	if !strings.HasPrefix(err.Error(), "flanks GetCredentialStatus: ") {
		t.Errorf("err = %q", err)
	}
	assertGockDone(t)
}

func TestNumericCodeOn401IsNotATokenProblem(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).
		Reply(401).JSON(map[string]any{"error": "Incorrect bank credentials", "error_code": 50002})
	_, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
	if !errors.Is(err, sdkerrors.ErrCredentialsError) || !errors.Is(err, sdkerrors.ErrBadCredentials) {
		t.Fatalf("err = %v, want ErrCredentialsError", err)
	}
	if errors.Is(err, sdkerrors.ErrAuthentication) {
		t.Errorf("a numeric code must win over the 401")
	}
	assertGockDone(t)
}

func TestNonIdempotentCallRepeatedOnceAfter401(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(2, 3600)
	gock.New(gockHost).Post(path("/v0/platform/link")).Reply(401).JSON(map[string]string{"error": "Invalid credentials"})
	gock.New(gockHost).Post(path("/v0/platform/link")).JSON(map[string]string{"code": "code-1"}).
		Reply(200).JSON(map[string]any{"message": "Successfully retrieved", "credentials_token": testCredToken, "extra": map[string]any{}})
	tok, err := c.ExchangeLinkCode(context.Background(), "code-1")
	if err != nil || tok != testCredToken {
		t.Fatalf("tok=%q err=%v", tok, err)
	}
	assertGockDone(t)
}

func TestTokenAccessDenied(t *testing.T) {
	c := newGockClient(t)
	gock.New(gockHost).Post(path("/v0/token")).Reply(403).JSON(map[string]string{"error": "access_denied"})
	_, err := c.ListEntities(context.Background())
	if !errors.Is(err, sdkerrors.ErrAuthentication) {
		t.Fatalf("err = %v, want ErrAuthentication", err)
	}
	var te *flanks.TokenError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TokenError", err)
	}
	var api *sdkerrors.APIError
	if !errors.As(err, &api) || api.StatusCode != 403 || api.Message != "access_denied" {
		t.Fatalf("api = %+v", api)
	}
	if !strings.HasPrefix(err.Error(), "flanks ListEntities: get access token: ") {
		t.Errorf("err = %q", err)
	}
	assertGockDone(t)
}

func TestTokenGarbage(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"html", 200, "<html><body>Bad gateway</body></html>", sdkerrors.ErrUnexpectedResponse},
		{"empty object", 200, "{}", sdkerrors.ErrUnexpectedResponse},
		{"truncated", 200, `{"access_token": "abc`, sdkerrors.ErrUnexpectedResponse},
		{"empty body", 200, "", sdkerrors.ErrUnexpectedResponse},
		{"array", 200, "[1,2]", sdkerrors.ErrUnexpectedResponse},
		{"500", 500, `{"error": "Internal Error"}`, sdkerrors.ErrTemporary},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newGockClient(t)
			gock.New(gockHost).Post(path("/v0/token")).Reply(tc.status).BodyString(tc.body)
			_, err := c.ListEntities(context.Background())
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var te *flanks.TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *TokenError", err)
			}
			assertGockDone(t)
		})
	}
}

func TestTokenRetriedOn5xx(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(2))
	gock.New(gockHost).Post(path("/v0/token")).Reply(503).JSON(map[string]string{"error": "Internal Error"})
	mockToken(1, 3600)
	gock.New(gockHost).Get(path("/v0/bank/available")).Reply(200).JSON([]any{})
	if _, err := c.ListEntities(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertGockDone(t)
}

// tokenServer is an httptest server whose token endpoint can be held, for
// the concurrency tests (gock's store is global; httptest keeps the test
// self-contained).
type tokenServer struct {
	*httptest.Server
	tokenRequests atomic.Int32
	dataRequests  atomic.Int32
	release       chan struct{}
	valid         atomic.Value // string: the token accepted
	issued        atomic.Int32
}

func newTokenServer(t *testing.T, hold bool) *tokenServer {
	ts := &tokenServer{release: make(chan struct{})}
	if !hold {
		close(ts.release)
	}
	ts.valid.Store("")
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v0/token":
			ts.tokenRequests.Add(1)
			<-ts.release
			n := ts.issued.Add(1)
			tok := "tok-" + strings.Repeat("x", 20) + string(rune('a'+n))
			ts.valid.Store(tok)
			_, _ = w.Write([]byte(`{"access_token":"` + tok + `","expires_in":3600,"token_type":"Bearer"}`))
		default:
			ts.dataRequests.Add(1)
			if r.Header.Get("Authorization") != "Bearer "+ts.valid.Load().(string) {
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"Invalid credentials"}`))
				return
			}
			_, _ = w.Write([]byte(`[]`))
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestConcurrentCallersShareOneTokenFetch(t *testing.T) {
	ts := newTokenServer(t, true)
	c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(ts.URL), flanks.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := c.ListEntities(context.Background())
			errs <- err
		})
	}
	// Let every goroutine reach the token wait, then answer.
	for ts.tokenRequests.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(ts.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := ts.tokenRequests.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
	if got := ts.dataRequests.Load(); got != n {
		t.Errorf("data requests = %d, want %d", got, n)
	}
}

func TestConcurrent401sRefreshOnce(t *testing.T) {
	ts := newTokenServer(t, false)
	c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(ts.URL), flanks.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListEntities(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts.valid.Store("revoked") // every cached token now answers 401
	ts.issued.Store(10)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 64 {
		wg.Go(func() {
			if _, err := c.ListEntities(context.Background()); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d calls failed", failed.Load())
	}
	if got := ts.tokenRequests.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2 (initial + one refresh)", got)
	}
}

func TestWaiterCancelDoesNotCancelSharedFetch(t *testing.T) {
	ts := newTokenServer(t, true)
	c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(ts.URL), flanks.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() {
		_, err := c.ListEntities(ctxA)
		errA <- err
	}()
	for ts.tokenRequests.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	errB := make(chan error, 1)
	go func() {
		_, err := c.ListEntities(context.Background())
		errB <- err
	}()
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("A: err = %v, want context.Canceled", err)
	} else if !strings.HasPrefix(err.Error(), "flanks ListEntities: ") {
		t.Errorf("A: err = %q", err)
	}
	close(ts.release)
	if err := <-errB; err != nil {
		t.Fatalf("B: %v", err)
	}
	if got := ts.tokenRequests.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}
