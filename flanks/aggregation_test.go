package flanks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

const processingBody = `{"error": "Retrieving user data. Please try again in a moment.", "error_code": 20002}`

func TestExchangeLinkCode(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/platform/link")).JSON(map[string]string{"code": "link-code-SECRET-1"}).
		Reply(200).JSON(map[string]any{"message": "Successfully retrieved", "credentials_token": testCredToken,
		"link_token": "lt-1", "extra": map[string]any{"user": "42", "n": 7}})
	ex, err := c.ExchangeLinkCodeDetails(context.Background(), "link-code-SECRET-1")
	if err != nil {
		t.Fatal(err)
	}
	if ex.CredentialsToken != testCredToken || ex.LinkToken != "lt-1" || ex.Delayed || ex.Extra["user"] != "42" {
		t.Errorf("exchange = %+v", ex)
	}
	if s := fmt.Sprintf("%v %+v %#v", ex, *ex, *ex); strings.Contains(s, "SECRET") {
		t.Errorf("leak: %s", s)
	}

	// 202: held for security checks.
	gock.New(gockHost).Post(path("/v0/platform/link")).
		Reply(202).JSON(map[string]any{"message": "Token is delayed during security checks", "credentials_token": testCredToken, "error_code": 20003})
	tok, err := c.ExchangeLinkCode(context.Background(), "code-2")
	if tok != testCredToken {
		t.Errorf("the token must come back with the 202 error, got %q", tok)
	}
	var de *flanks.DelayedError
	if !errors.Is(err, sdkerrors.ErrScaError) || !errors.As(err, &de) || de.CredentialsToken != testCredToken {
		t.Fatalf("err = %v", err)
	}
	if sdkerrors.IsRetryable(err) {
		t.Errorf("a held token is not retryable in the short term")
	}
	if s := fmt.Sprintf("%v %+v %#v %#v", err, err, err, de); strings.Contains(s, "SECRET") {
		t.Errorf("leak: %s", s)
	}
	gock.New(gockHost).Post(path("/v0/platform/link")).
		Reply(202).JSON(map[string]any{"message": "Token is delayed during security checks", "credentials_token": testCredToken})
	ex, err = c.ExchangeLinkCodeDetails(context.Background(), "code-3")
	if err != nil || !ex.Delayed {
		t.Fatalf("details 202: ex=%v err=%v", ex, err)
	}

	// The code is consumed: side fields of unexpected types must not lose the token.
	gock.New(gockHost).Post(path("/v0/platform/link")).
		Reply(200).BodyString(`{"message": 1, "credentials_token": "` + testCredToken + `", "link_token": 42, "extra": ["a"]}`)
	if tok, err := c.ExchangeLinkCode(context.Background(), "code-odd"); err != nil || tok != testCredToken {
		t.Errorf("lenient exchange: tok=%q err=%v", tok, err)
	}

	// Single-use: a 503 is not retried (one request), a used code is 40001.
	gock.New(gockHost).Post(path("/v0/platform/link")).Reply(503).JSON(map[string]string{"error": "Internal Error"})
	if _, err := c.ExchangeLinkCode(context.Background(), "code-4"); !errors.Is(err, sdkerrors.ErrTemporary) {
		t.Errorf("503: err = %v", err)
	}
	gock.New(gockHost).Post(path("/v0/platform/link")).Reply(400).JSON(map[string]any{"error": "Invalid code", "error_code": 40001})
	if _, err := c.ExchangeLinkCode(context.Background(), "code-5"); !errors.Is(err, sdkerrors.ErrConfigurationError) {
		t.Errorf("used code: err = %v", err)
	}
	// A 200 without a token is an unexpected response, not a silent "".
	gock.New(gockHost).Post(path("/v0/platform/link")).Reply(200).JSON(map[string]any{"message": "ok"})
	if _, err := c.ExchangeLinkCode(context.Background(), "code-6"); !errors.Is(err, sdkerrors.ErrUnexpectedResponse) {
		t.Errorf("no token: err = %v", err)
	}
	if _, err := c.ExchangeLinkCode(context.Background(), ""); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("empty code: err = %v", err)
	}
	assertGockDone(t)
}

func TestListLinkCodes(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Get(path("/v0/platform/link")).MatchParam("link_token", "^lt-9$").
		Reply(200).JSON([]map[string]any{{"code": "c1", "link_token": "lt-9", "extra": map[string]string{"a": "b"}}, {"code": "c2"}})
	codes, err := c.ListLinkCodes(context.Background(), "lt-9")
	if err != nil || len(codes) != 2 || codes[0].Code != "c1" || codes[0].Extra["a"] != "b" {
		t.Fatalf("codes=%v err=%v", codes, err)
	}
	if strings.Contains(fmt.Sprint(codes), "c1") {
		t.Errorf("codes printed: %v", codes)
	}
	assertGockDone(t)
}

func TestDataRequestBody(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/data")).
		JSON(map[string]any{"credentials_token": testCredToken, "query": map[string]any{"account_id": []string{"acc-1"}}, "ignore_data_error": true}).
		Reply(200).BodyString(`[{"_id": "t1", "account_id": "acc-1", "amount": -12.5, "balance": "1500.25", "operationDate": "2026-11-20",
			"valueDate": "2026-11-21", "description": "COMPRA", "cardNumber": null, "transfer": {"ibanPayer": "ES12", "payer": "X"}, "unknown": [1]}]`)
	txs, err := c.GetAccountTransactions(context.Background(), flanks.DataRequest{
		CredentialsToken: testCredToken, Query: map[string]any{"account_id": []string{"acc-1"}}, IgnoreDataError: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tx := txs[0]
	if tx.ID != "t1" || tx.Amount.String() != "-12.5" || tx.Balance.String() != "1500.25" || tx.OperationDate.String() != "2026-11-20" ||
		tx.Transfer == nil || tx.Transfer.IBANPayer != "ES12" {
		t.Errorf("tx = %+v", tx)
	}
	// Without query/ignore_data_error, neither key is sent.
	gock.New(gockHost).Post(path("/v0/bank/credentials/holder")).
		BodyString(`^\{"credentials_token":"` + testCredToken + `"\}$`).
		Reply(200).JSON([]map[string]string{{"product_id": "p", "rel": "Titular"}})
	hs, err := c.GetHolders(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
	if err != nil || hs[0].Rel != "Titular" {
		t.Fatalf("holders=%v err=%v", hs, err)
	}
	assertGockDone(t)
}

func TestDataCallWaitsThroughProcessing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flanks.WithPollInterval(flanks.DefaultPollInterval), flanks.WithPollTimeout(flanks.DefaultPollTimeout))
		mockToken(1, 3600)
		gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).Times(2).Reply(400).BodyString(processingBody)
		gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).
			Reply(200).BodyString(`[{"_id": "p1", "name": "Cartera", "type": "MIX", "balance": 10500.10, "currency": "EUR",
				"refValores": "0001", "refAccounts": ["ES1", "ES2"], "updated_at_timestamp": 1795200000, "tax_type": null}]`)
		start := time.Now()
		ps, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Balance.String() != "10500.10" || ps[0].Type != flanks.PortfolioMixed || ps[0].RefValores != "0001" {
			t.Errorf("portfolios = %+v", ps)
		}
		if d := time.Since(start); d < 10*time.Second || d > 12*time.Second {
			t.Errorf("waited %v, want 2 intervals", d)
		}
		assertGockDone(t)
	})
}

func TestDataCallNoWait(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/card")).Reply(400).BodyString(processingBody)
	_, err := c.GetCards(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken, NoWait: true})
	if !errors.Is(err, sdkerrors.ErrProcessing) || !errors.Is(err, sdkerrors.ErrPending) || errors.Is(err, sdkerrors.ErrPollTimeout) {
		t.Fatalf("err = %v", err)
	}
	assertGockDone(t)
}

func TestDataCallEndlessProcessingTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flanks.WithPollInterval(flanks.DefaultPollInterval), flanks.WithPollTimeout(flanks.DefaultPollTimeout))
		mockToken(1, 3600)
		gock.New(gockHost).Post(path("/v0/bank/credentials/investment")).Persist().Reply(400).BodyString(processingBody)
		start := time.Now()
		_, err := c.GetInvestments(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
		if !errors.Is(err, sdkerrors.ErrPollTimeout) || !errors.Is(err, sdkerrors.ErrProcessing) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d != flanks.DefaultPollTimeout {
			t.Errorf("waited %v", d)
		}
		want := "flanks GetInvestments: still pending after 15m0s"
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("err = %q, want prefix %q", err, want)
		}
	})
}

func TestDataCallCancelledMidWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flanks.WithPollInterval(5*time.Second), flanks.WithPollTimeout(time.Hour))
		mockToken(1, 3600)
		gock.New(gockHost).Post(path("/v0/bank/credentials/liability")).Persist().Reply(400).BodyString(processingBody)
		ctx, cancel := context.WithTimeout(context.Background(), 12*time.Second)
		defer cancel()
		_, err := c.GetLiabilities(ctx, flanks.DataRequest{CredentialsToken: testCredToken})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "flanks GetLiabilities: ") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDataCallTerminalErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   []error
	}{
		{400, `{"error": "User data not available. Please try again later.", "error_code": 20001}`, []error{sdkerrors.ErrIncomplete}},
		{400, `{"error": "Incorrect bank credentials", "error_code": 50002}`, []error{sdkerrors.ErrCredentialsError, sdkerrors.ErrBadCredentials}},
		{400, `{"error": "SCA", "error_code": 50003}`, []error{sdkerrors.ErrScaRequired, sdkerrors.ErrUserActionRequired}},
		{400, `{"error": "Making security checks.", "error_code": 20003}`, []error{sdkerrors.ErrScaError}},
		// The numeric code wins over the status, also in a 200.
		{200, `{"error": "Incorrect bank credentials", "error_code": 50002}`, []error{sdkerrors.ErrCredentialsError}},
		{500, `{"error": "Internal Error"}`, []error{sdkerrors.ErrTemporary}},
		{405, `{"error": "Method not allowed"}`, []error{sdkerrors.ErrBadRequest}},
		{415, `{"error": "Not matching body content type"}`, []error{sdkerrors.ErrBadRequest}},
		{502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, []error{sdkerrors.ErrTemporary}},
		{200, `<html>maintenance</html>`, []error{sdkerrors.ErrUnexpectedResponse}},
		{200, `[{"_id": "a", "balance": 1`, []error{sdkerrors.ErrUnexpectedResponse}},
		{200, ``, []error{sdkerrors.ErrUnexpectedResponse}},
		{200, `{"success": false, "error": {"code": "ValidationError", "details": [{"error_type": "missing", "field": "x"}]}, "trace_id": "tr-1"}`, []error{sdkerrors.ErrBadRequest}},
		{200, `[{"_id": "a", "balance": "twelve"}]`, []error{sdkerrors.ErrUnexpectedResponse}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %.30s", tc.status, tc.body), func(t *testing.T) {
			c := newGockClient(t)
			mockToken(1, 3600)
			gock.New(gockHost).Post(path("/v0/bank/credentials/account")).Reply(tc.status).BodyString(tc.body)
			_, err := c.GetAccounts(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			var api *sdkerrors.APIError
			if !errors.As(err, &api) {
				t.Errorf("err = %v is not an APIError", err)
			}
			if !strings.HasPrefix(fmt.Sprint(err), "flanks GetAccounts: ") {
				t.Errorf("err = %q", err)
			}
			assertGockDone(t)
		})
	}
}

func TestV2EnvelopeKeepsDetailsAndTraceID(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/connect/v2/sessions/create-session")).
		Reply(400).JSON(map[string]any{"success": false, "error": map[string]any{"code": "ValidationError",
		"details": []map[string]string{{"error_type": "missing", "field": "configuration.redirect_url"}}}, "trace_id": "trace-77"})
	_, err := c.CreateSession(context.Background(), flanks.SessionConfiguration{RedirectURL: "https://x.test/cb"})
	var api *sdkerrors.APIError
	if !errors.As(err, &api) || api.Code != "ValidationError" || api.RequestID != "trace-77" ||
		len(api.Details) != 1 || api.Details[0].Field != "configuration.redirect_url" {
		t.Fatalf("err = %v / %+v", err, api)
	}
	if !errors.Is(err, sdkerrors.ErrBadRequest) || !errors.Is(err, sdkerrors.ErrValidationError) {
		t.Errorf("categories: %v", err)
	}
	assertGockDone(t)
}

func TestIdentityIsOneObject(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/auth")).
		Reply(200).BodyString(`{"_id": "i1", "name": "Ana", "birthdate": "1980-02-29", "contactInfo": {"email": "a@example.com"}, "address": "Calle Mayor 1, Madrid"}`)
	id, err := c.GetIdentity(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
	if err != nil {
		t.Fatal(err)
	}
	if id.ID != "i1" || id.ContactInfo.Email != "a@example.com" || id.Address.Text != "Calle Mayor 1, Madrid" || id.Birthdate.String() != "1980-02-29" {
		t.Errorf("identity = %+v", id)
	}
	assertGockDone(t)
}

func TestReadsRetryAndRetryAfter(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(2))
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).Reply(503).JSON(map[string]string{"error": "Internal Error"})
	gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).Reply(429).SetHeader("Retry-After", "0").BodyString("")
	gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).Reply(200).JSON([]any{})
	if _, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken}); err != nil {
		t.Fatal(err)
	}
	// A Retry-After beyond the maximum wait is not waited out.
	gock.New(gockHost).Post(path("/v0/bank/credentials/portfolio")).Reply(429).SetHeader("Retry-After", "120").BodyString("")
	_, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
	var api *sdkerrors.APIError
	if !errors.Is(err, sdkerrors.ErrRateLimited) || !errors.As(err, &api) || api.RetryAfter != 2*time.Minute {
		t.Fatalf("err = %v", err)
	}
	assertGockDone(t)
}
