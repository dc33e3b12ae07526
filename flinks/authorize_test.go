package flinks_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
)

func authorizeOK() map[string]any {
	return map[string]any{
		"Links":          []map[string]any{{"rel": "AccountsDetail", "href": "/GetAccountsDetail", "example": nil}},
		"HttpStatusCode": 200,
		"Login": map[string]any{"Username": "Greatday", "IsScheduledRefresh": false,
			"LastRefresh": "2020-04-15T22:46:03.1690585", "Type": "Personal", "Id": testLoginID},
		"InstitutionName": "FlinksCapital", "InstitutionId": 14, "Institution": "FlinksCapital",
		"RequestId": testRequestID,
	}
}

func mfaPrompt(prompts ...string) map[string]any {
	ch := []map[string]any{}
	for _, p := range prompts {
		ch = append(ch, map[string]any{"Type": "QuestionAndAnswer", "Prompt": p})
	}
	return map[string]any{
		"Links":              []map[string]any{{"rel": "Authorization", "href": "/Authorize", "example": nil}},
		"HttpStatusCode":     203,
		"SecurityChallenges": ch,
		"Institution":        "FlinksCapital",
		"RequestId":          testRequestID,
	}
}

func TestGenerateAuthorizeToken(t *testing.T) {
	t.Run("ok", func(t *testing.T) {
		c := newGockClient(t)
		mockOp(http.MethodPost, "GenerateAuthorizeToken").
			AddMatcher(headerIs("flinks-auth-key", testSecretKey)).
			AddMatcher(headerAbsent("x-api-key")).
			Reply(200).JSON(map[string]any{"HttpStatusCode": 200, "Token": testToken})
		tok, err := c.GenerateAuthorizeToken(t.Context())
		require.NoError(t, err)
		require.Equal(t, testToken, tok)
		requireDone(t)
	})
	t.Run("wrong secret", func(t *testing.T) {
		c := newGockClient(t)
		mockOp(http.MethodPost, "GenerateAuthorizeToken").
			Reply(401).JSON(errorBody(401, "ACCESS_DENIED", "You must provide a valid auth key"))
		_, err := c.GenerateAuthorizeToken(t.Context())
		require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
		require.ErrorIs(t, err, sdkerrors.ErrAuthentication)
		require.Equal(t, "flinks GenerateAuthorizeToken: ACCESS_DENIED (HTTP 401): You must provide a valid auth key", err.Error())
		requireDone(t)
	})
	t.Run("no token in 200", func(t *testing.T) {
		c := newGockClient(t)
		mockOp(http.MethodPost, "GenerateAuthorizeToken").Reply(200).JSON(map[string]any{"HttpStatusCode": 200})
		_, err := c.GenerateAuthorizeToken(t.Context())
		require.ErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
		requireDone(t)
	})
	t.Run("no secret key", func(t *testing.T) {
		hc := &http.Client{Transport: &http.Transport{}}
		c, err := flinks.NewClient(testCID, flinks.WithBaseURL(testHost+testPrefix), flinks.WithHTTPClient(hc))
		require.NoError(t, err)
		gock.Intercept()
		gock.InterceptClient(hc)
		t.Cleanup(func() { gock.RestoreClient(hc); gock.OffAll() })
		_, err = c.GenerateAuthorizeToken(t.Context())
		require.ErrorIs(t, err, flinks.ErrNoSecretKey)
		require.False(t, gock.HasUnmatchedRequest())
	})
}

func TestAuthorize(t *testing.T) {
	tests := []struct {
		name      string
		req       flinks.AuthorizeRequest
		noSecret  bool
		mint      bool // expect a GenerateAuthorizeToken call first
		header    string
		status    int
		reply     any
		wantBody  map[string]any
		wantErr   error
		wantMFA   bool
		wantLogin string
	}{
		{
			name: "cached with minted token", mint: true, header: "minted-1",
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true},
			status: 200, reply: authorizeOK(),
			wantBody:  map[string]any{"LoginId": testLoginID, "MostRecentCached": true},
			wantLogin: testLoginID,
		},
		{
			name: "explicit token is used as is", header: testToken,
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true, AuthorizeToken: testToken, Tag: "userId=42"},
			status: 200, reply: authorizeOK(),
			wantBody:  map[string]any{"LoginId": testLoginID, "MostRecentCached": true, "Tag": "userId=42"},
			wantLogin: testLoginID,
		},
		{
			name: "live login sends MostRecentCached false", mint: true, header: "minted-1",
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, Save: true},
			status: 200, reply: authorizeOK(),
			wantBody:  map[string]any{"LoginId": testLoginID, "MostRecentCached": false, "Save": true},
			wantLogin: testLoginID,
		},
		{
			name: "legacy credentials answered with MFA", mint: true, header: "minted-1",
			req: flinks.AuthorizeRequest{Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday",
				Language: "en", Save: true, ScheduleRefresh: true, WithMFAQuestions: true},
			status: 203, reply: mfaPrompt("What shape do people like most?"),
			wantBody: map[string]any{"Institution": "FlinksCapital", "Username": "Greatday", "Password": "Everyday",
				"Language": "en", "Save": true, "ScheduleRefresh": true, "WithMFAQuestions": true},
			wantMFA: true,
		},
		{
			name: "MFA answer", mint: true, header: "minted-1",
			req: flinks.AuthorizeRequest{RequestID: testRequestID,
				SecurityResponses: map[string][]string{"What shape do people like most?": {"Triangle"}}},
			status: 200, reply: authorizeOK(),
			wantBody: map[string]any{"RequestId": testRequestID,
				"SecurityResponses": map[string]any{"What shape do people like most?": []any{"Triangle"}}},
			wantLogin: testLoginID,
		},
		{
			name: "no secret, no token: no header", noSecret: true,
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true},
			status: 200, reply: authorizeOK(),
			wantBody:  map[string]any{"LoginId": testLoginID, "MostRecentCached": true},
			wantLogin: testLoginID,
		},
		{
			name: "invalid login", mint: true, header: "minted-1",
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true},
			status: 401, reply: errorBody(401, "INVALID_LOGIN", "The LoginId provided is either invalid or does not belong to the CustomerId"),
			wantErr: sdkerrors.ErrInvalidLogin,
		},
		{
			name: "wrong MFA answer", mint: true, header: "minted-1",
			req: flinks.AuthorizeRequest{RequestID: testRequestID,
				SecurityResponses: map[string][]string{"What shape do people like most?": {"Circle"}}},
			status: 401, reply: errorBody(401, "INVALID_SECURITY_RESPONSE", "The security response provided is invalid"),
			wantErr: sdkerrors.ErrSecurityChallenge,
		},
		{
			name: "disabled login (old 400 status)", mint: true, header: "minted-1",
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true},
			status: 400, reply: errorBody(400, "DISABLED_LOGIN", "disabled"),
			wantErr: sdkerrors.ErrUserActionRequired,
		},
		{
			name: "200 carrying an error code", mint: true, header: "minted-1",
			req:    flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true},
			status: 200, reply: errorBody(401, "RETRY_LATER", "bank unreachable"),
			wantErr: sdkerrors.ErrRetryLater,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []flinks.Option
			c := newGockClient(t, opts...)
			if tt.noSecret {
				hc := &http.Client{Transport: &http.Transport{}}
				var err error
				c, err = flinks.NewClient(testCID, flinks.WithBaseURL(testHost+testPrefix), flinks.WithHTTPClient(hc), flinks.WithMaxRetries(0))
				require.NoError(t, err)
				gock.InterceptClient(hc)
				t.Cleanup(func() { gock.RestoreClient(hc) })
			}
			if tt.mint {
				mockOp(http.MethodPost, "GenerateAuthorizeToken").
					AddMatcher(headerIs("flinks-auth-key", testSecretKey)).
					Reply(200).JSON(map[string]any{"HttpStatusCode": 200, "Token": "minted-1"})
			}
			var body map[string]any
			m := mockOp(http.MethodPost, "Authorize").AddMatcher(bodyCapture(&body))
			if tt.header == "" {
				m.AddMatcher(headerAbsent("flinks-auth-key"))
			} else {
				m.AddMatcher(headerIs("flinks-auth-key", tt.header))
			}
			m.AddMatcher(headerIs("Content-Type", "application/json"))
			m.Reply(tt.status).JSON(tt.reply)

			resp, err := c.Authorize(t.Context(), tt.req)
			requireDone(t)
			if tt.wantBody != nil {
				require.Equal(t, tt.wantBody, body)
			}
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, resp)
				require.True(t, strings.HasPrefix(err.Error(), "flinks Authorize: "), err.Error())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantMFA, resp.NeedsMFA())
			require.Equal(t, testRequestID, resp.RequestID)
			if tt.wantMFA {
				require.Equal(t, 203, resp.HTTPStatusCode)
				require.Len(t, resp.SecurityChallenges, 1)
				require.Equal(t, flinks.ChallengeQuestionAndAnswer, resp.SecurityChallenges[0].Type)
				next := resp.Answer(map[string][]string{resp.SecurityChallenges[0].Prompt: {"Triangle"}})
				require.Equal(t, testRequestID, next.RequestID)
				return
			}
			require.Equal(t, tt.wantLogin, resp.Login.ID)
			require.Equal(t, "2020-04-15T22:46:03.1690585Z", resp.Login.LastRefresh.Format(time.RFC3339Nano))
			require.Equal(t, 14, resp.InstitutionID)
		})
	}
}

func TestAuthorizeMintFailure(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodPost, "GenerateAuthorizeToken").
		Reply(401).JSON(errorBody(401, "ACCESS_DENIED", "You must provide a valid auth key"))
	_, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true})
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	var oe *sdkerrors.OperationError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "Authorize", oe.Operation)
	require.Contains(t, err.Error(), "minting the authorize token")
	requireDone(t)
}

// A live Authorize that fails with 500 must reach the server exactly once,
// however many retries are configured: its token is single-use and the
// login talks to the bank.
func TestRetrySafetyAuthorizeNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   any
	}{
		{"500 without code", 500, map[string]any{"Message": "boom"}},
		{"503", 503, map[string]any{"Message": "unavailable"}},
		{"AGGREGATION_ERROR", 500, errorBody(500, "AGGREGATION_ERROR", "oops")},
		{"429", 429, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newGockClient(t, flinks.WithMaxRetries(3), flinks.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			var authorizeCalls atomic.Int32
			mockOp(http.MethodPost, "GenerateAuthorizeToken").
				Reply(200).JSON(map[string]any{"HttpStatusCode": 200, "Token": "minted-1"})
			mockOp(http.MethodPost, "Authorize").
				AddMatcher(func(*http.Request, *gock.Request) (bool, error) { authorizeCalls.Add(1); return true, nil }).
				Times(4).
				Reply(tt.status).JSON(tt.body)
			_, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: testLoginID, Save: true})
			require.Error(t, err)
			require.Equal(t, int32(1), authorizeCalls.Load(), "Authorize must not be retried")
			require.True(t, gock.IsPending(), "the other 3 replies stay unused")
		})
	}
}

func TestRetrySafetyTokenNotRetried(t *testing.T) {
	c := newGockClient(t, flinks.WithMaxRetries(3), flinks.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	var calls atomic.Int32
	mockOp(http.MethodPost, "GenerateAuthorizeToken").
		AddMatcher(func(*http.Request, *gock.Request) (bool, error) { calls.Add(1); return true, nil }).
		Times(2).Reply(502).BodyString("<html>bad gateway</html>")
	_, err := c.GenerateAuthorizeToken(t.Context())
	require.ErrorIs(t, err, sdkerrors.ErrTemporary)
	require.Equal(t, int32(1), calls.Load())
}

// dialFailTransport fails the first n round trips with a dial error (the
// request never left), then delegates.
type dialFailTransport struct {
	n     atomic.Int32
	fail  int32
	next  http.RoundTripper
	calls atomic.Int32
}

func (d *dialFailTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	d.calls.Add(1)
	if d.n.Add(1) <= d.fail {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return d.next.RoundTrip(r)
}

func TestRetrySafetyAuthorizeRetriedWhenDialFails(t *testing.T) {
	inner := &http.Transport{}
	dt := &dialFailTransport{fail: 1, next: inner}
	hc := &http.Client{Transport: dt}
	c, err := flinks.NewClient(testCID, flinks.WithBaseURL(testHost+testPrefix), flinks.WithHTTPClient(hc),
		flinks.WithMaxRetries(2), flinks.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	// gock wraps the real transport under the dial-failing one.
	ic := &http.Client{Transport: inner}
	gock.Intercept()
	gock.InterceptClient(ic)
	dt.next = ic.Transport
	t.Cleanup(func() { gock.RestoreClient(ic); gock.OffAll() })
	mockOp(http.MethodPost, "Authorize").
		AddMatcher(headerIs("flinks-auth-key", testToken)).
		Reply(200).JSON(authorizeOK())
	resp, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true, AuthorizeToken: testToken})
	require.NoError(t, err)
	require.Equal(t, testRequestID, resp.RequestID)
	require.Equal(t, int32(2), dt.calls.Load())
	requireDone(t)
}

func TestAuthorizeRequestPrintsNoSecrets(t *testing.T) {
	req := flinks.AuthorizeRequest{
		LoginID: testLoginID, Institution: "FlinksCapital", Username: "user-LEAKCHECK-5555",
		Password: "pass-LEAKCHECK-6666", Tag: "tag-LEAKCHECK-7777", RequestID: testRequestID,
		SecurityResponses: map[string][]string{"What city?": {"answer-LEAKCHECK-8888"}},
		AuthorizeToken:    testToken,
	}
	q := flinks.MFAQuestion{Question: "What city?", Answer: "answer-LEAKCHECK-9999"}
	var logBuf strings.Builder
	lg := slog.New(slog.NewTextHandler(&logBuf, nil))
	lg.Info("req", "r", req, "p", &req, "q", q)
	outs := []string{
		fmt.Sprint(req), fmt.Sprint(&req), fmt.Sprintf("%+v", req), fmt.Sprintf("%#v", req), fmt.Sprintf("%#v", &req),
		fmt.Sprintf("%v", []flinks.AuthorizeRequest{req}), fmt.Sprint(q), fmt.Sprintf("%#v", q), fmt.Sprintf("%+v", &q),
		logBuf.String(),
	}
	for _, s := range outs {
		for _, secret := range []string{testLoginID, "LEAKCHECK", testToken, testRequestID} {
			require.NotContains(t, s, secret, s)
		}
	}
	require.Contains(t, req.String(), `"What city?": [redacted]`)
	require.Contains(t, q.String(), "What city?")
}

func TestAuthorizeNetworkErrorHasNoURL(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodPost, "Authorize").ReplyError(errors.New("connection reset by peer"))
	_, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: testLoginID, MostRecentCached: true, AuthorizeToken: testToken})
	require.Error(t, err)
	require.NotContains(t, err.Error(), testCID)
	require.NotContains(t, err.Error(), "flinks.test")
	require.NotContains(t, err.Error(), testToken)
	require.True(t, sdkerrors.IsRetryable(err) || strings.Contains(err.Error(), "network"), err.Error())
}
