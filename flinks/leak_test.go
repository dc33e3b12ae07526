package flinks_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNoSecretLeaks drives success and failure paths with distinctive
// secrets and a debug logger, and checks that no secret shows in any log
// line, error string, or %v/%+v/%#v of errors, the client and requests.
func TestNoSecretLeaks(t *testing.T) {
	const (
		cid       = "cust-LEAK-0001-customer"
		apiKey    = "apikey-LEAK-0002"
		secretKey = "secret-LEAK-0003"
		password  = "pass-LEAK-0004"
		answer    = "answer-LEAK-0005"
		username  = "user-LEAK-0006"
		tag       = "tag-LEAK-0007"
		mfaStored = "stored-LEAK-0008"
		whKey     = "webhook-LEAK-0009"
	)
	srv := flinkstest.NewServer(flinkstest.WithCustomerID(cid), flinkstest.WithAPIKey(apiKey),
		flinkstest.WithSecretKey(secretKey), flinkstest.WithPendingPolls(2))
	defer srv.Close()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := flinks.NewClient(cid, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey(apiKey), flinks.WithSecretKey(secretKey),
		flinks.WithLogger(logger), flinks.WithPollInterval(time.Millisecond), flinks.WithMaxRetries(2),
		flinks.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	ctx := t.Context()

	var errs []error
	var printed []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var loginIDs []string
	for _, u := range flinkstest.Users() {
		loginIDs = append(loginIDs, srv.LoginID(u))
	}
	var tokens []string

	// Success paths: token, live MFA login, data, cards, attributes.
	tok, err := c.GenerateAuthorizeToken(ctx)
	require.NoError(t, err)
	tokens = append(tokens, tok)
	live := flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinkstest.UserGreatday,
		Password: flinkstest.Password, Tag: tag, Save: true}
	printed = append(printed, fmt.Sprint(live), fmt.Sprintf("%+v", live), fmt.Sprintf("%#v", &live))
	resp, rounds, err := authorizeAll(ctx, c, live)
	require.NoError(t, err)
	require.Equal(t, 2, rounds)
	d, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID, WithTransactions: true, WithKYC: true})
	require.NoError(t, err)
	require.NotEmpty(t, d.Accounts)
	pend, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserPending), MostRecentCached: true, Tag: tag, AuthorizeToken: tok})
	require.NoError(t, err)
	_, err = c.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: pend.RequestID})
	require.NoError(t, err)
	_, err = c.GetIncomeAttributes(ctx, flinks.AttributesRequest{LoginID: srv.LoginID(flinkstest.UserGreatday), RequestID: resp.RequestID})
	require.NoError(t, err)
	_, err = c.GetNightlyRefreshStatus(ctx)
	require.NoError(t, err)
	require.NoError(t, c.SetScheduledRefresh(ctx, srv.LoginID(flinkstest.UserNoMFA), true))
	q := []flinks.MFAQuestion{{Question: flinkstest.PromptShape, Answer: mfaStored}}
	printed = append(printed, fmt.Sprint(q), fmt.Sprintf("%#v", q))
	require.NoError(t, c.AnswerMFAQuestions(ctx, srv.LoginID(flinkstest.UserEveryday), q))

	// Failure paths.
	mfa, err := c.Authorize(ctx, flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinkstest.UserGreatday, Password: flinkstest.Password})
	require.NoError(t, err)
	wrong := mfa.Answer(map[string][]string{mfa.SecurityChallenges[0].Prompt: {answer}})
	printed = append(printed, fmt.Sprint(wrong), fmt.Sprintf("%#v", wrong))
	_, err = c.Authorize(ctx, wrong)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidSecurityResponse)
	note(err)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: username, Password: password})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidUsername)
	note(err)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinkstest.UserNoMFA, Password: password})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidPassword)
	note(err)
	// A server that echoes the input back in its message.
	srv.InjectResponse("Authorize", 401, `{"HttpStatusCode":401,"FlinksCode":"INVALID_USERNAME","Message":"Username `+username+` / `+password+` refused"}`, 1)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: username, Password: password})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidUsername)
	note(err)
	srv.InjectResponse("DeleteCard", 401, `{"FlinksCode":"INVALID_LOGIN","Message":"LoginId `+srv.LoginID(flinkstest.UserNoMFA)+` unknown to `+cid+` key `+apiKey+`"}`, 1)
	note(c.DeleteCard(ctx, srv.LoginID(flinkstest.UserNoMFA)))
	srv.InjectResponse("GetAccountsDetail", 200, `<html>`+apiKey+` `+cid+`</html>`, 1)
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
	note(err)
	srv.InjectResponse("GetAccountsDetail", 503, `<html>`+secretKey+`</html>`, 3)
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
	note(err)
	srv.InjectError("Authorize", "AGGREGATION_ERROR", 1)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), Tag: tag})
	note(err)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true, AuthorizeToken: tok})
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied, "used token")
	note(err)
	note(c.AnswerMFAQuestions(ctx, srv.LoginID(flinkstest.UserEveryday), []flinks.MFAQuestion{{Question: "Unknown?", Answer: answer}}))
	srv.ExpireSessions()
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
	note(err)
	_, err = c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: srv.LoginID(flinkstest.UserGreatday), RequestID: resp.RequestID, Attributes: []string{"x"}})
	note(err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.GetAccountsDetail(cctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
	note(err)

	// Wrong secrets and a wrong customer id.
	bad, err := flinks.NewClient("cust-LEAK-0010", flinks.WithBaseURL(srv.URL), flinks.WithAPIKey("apikey-LEAK-0011"),
		flinks.WithSecretKey("secret-LEAK-0012"), flinks.WithLogger(logger), flinks.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = bad.GenerateAuthorizeToken(ctx)
	note(err)
	_, err = bad.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginIDs[0], Username: username, Password: password})
	note(err)
	_, err = bad.GetNightlyRefreshStatus(ctx)
	note(err)
	// A network failure.
	dead, err := flinks.NewClient(cid, flinks.WithBaseURL("http://127.0.0.1:1/"+cid), flinks.WithAPIKey(apiKey),
		flinks.WithSecretKey(secretKey), flinks.WithLogger(logger), flinks.WithMaxRetries(1),
		flinks.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = dead.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginIDs[0], MostRecentCached: true, AuthorizeToken: tok})
	note(err)
	_, err = dead.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
	note(err)

	// Webhook verification failures.
	body := []byte(`{"ResponseType":"GetAccountsDetail","Login":{"Username":"` + username + `"}}`)
	for _, sig := range []string{"", "!!!", flinks.SignWebhook(body, "other"), flinks.SignWebhook([]byte("x"), whKey)} {
		note(flinks.VerifyWebhook(body, sig, whKey))
	}

	require.GreaterOrEqual(t, len(errs), 20)
	printed = append(printed, fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c),
		fmt.Sprint(bad), fmt.Sprint(dead))
	for _, e := range errs {
		printed = append(printed, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		var api *sdkerrors.APIError
		if sdkerrors.As(e, &api) {
			printed = append(printed, api.Error(), fmt.Sprintf("%#v", api), api.Message)
		}
	}
	logText := logs.String()
	require.NotEmpty(t, logText)
	require.Contains(t, logText, "op=GetAccountsSummaryAsync", "debug logging is on")

	secrets := []string{cid, apiKey, secretKey, password, answer, username, tag, mfaStored, whKey,
		"cust-LEAK-0010", "apikey-LEAK-0011", "secret-LEAK-0012",
		flinkstest.UserGreatday, flinkstest.Password, flinkstest.Answer(flinkstest.PromptCity),
		flinkstest.Answer(flinkstest.PromptCountry)}
	secrets = append(secrets, loginIDs...)
	secrets = append(secrets, tokens...)
	scanner := bufio.NewScanner(strings.NewReader(logText))
	for scanner.Scan() {
		line := scanner.Text()
		for _, s := range secrets {
			require.NotContains(t, line, s, "log line leaks a secret")
		}
		require.NotContains(t, line, srv.URL, "log line has the URL")
	}
	for _, p := range printed {
		for _, s := range secrets {
			require.NotContains(t, p, s, "printed value leaks a secret")
		}
	}
	for _, e := range errs {
		require.NotContains(t, fmt.Sprintf("%+v", e), srv.URL, "an error shows the URL")
		require.NotContains(t, fmt.Sprintf("%+v", e), "127.0.0.1:1/", "an error shows the URL")
	}
}

// A connection reset in the middle of a 200 body is a typed error, never a
// panic or a hang; so is a connection that stalls until the context ends.
func TestConnectionResetMidBody(t *testing.T) {
	var mu sync.Mutex
	stall := make(chan struct{})
	mode := "reset"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
		_, _ = buf.WriteString(detailJSON[:400])
		_ = buf.Flush()
		mu.Lock()
		m := mode
		mu.Unlock()
		switch m {
		case "reset":
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST on close
			}
		case "close":
		case "stall":
			<-stall
		}
	}))
	defer srv.Close()
	defer close(stall)
	c, err := flinks.NewClient(testCID, flinks.WithBaseURL(srv.URL), flinks.WithMaxRetries(0))
	require.NoError(t, err)

	for _, m := range []string{"reset", "close"} {
		mu.Lock()
		mode = m
		mu.Unlock()
		_, err = c.GetAccountsDetailAsync(t.Context(), testRequestID)
		require.Error(t, err, m)
		var ne *sdkerrors.NetworkError
		typed := sdkerrors.As(err, &ne) || sdkerrors.Is(err, sdkerrors.ErrUnexpectedResponse)
		require.True(t, typed, "%s: %v", m, err)
		t.Logf("%s: %v", m, err)
		require.True(t, strings.HasPrefix(err.Error(), "flinks GetAccountsDetailAsync: "), err.Error())
		require.NotContains(t, err.Error(), srv.URL)
	}

	mu.Lock()
	mode = "stall"
	mu.Unlock()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.GetAccountsDetailAsync(ctx, testRequestID)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
}
