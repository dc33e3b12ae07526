package flinks_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// newExampleClient points a client at an in-process fake Flinks. Against a
// real instance, use flinks.WithInstance("yourcompany-ca") instead of
// WithBaseURL, and your own customer id and keys.
func newExampleClient(srv *flinkstest.Server, opts ...flinks.Option) *flinks.Client {
	base := []flinks.Option{
		flinks.WithBaseURL(srv.URL),
		flinks.WithAPIKey(srv.APIKey),
		flinks.WithSecretKey(srv.SecretKey),
		flinks.WithPollInterval(10 * time.Millisecond), // Flinks' own cadence is 10 s (the default)
	}
	client, err := flinks.NewClient(srv.CustomerID, append(base, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

// The whole flow: a live login at the Flinks Capital test bank, then the
// accounts with their transactions. GetAccountsDetail waits through
// Flinks' 202 answers by itself.
func Example() {
	srv := flinkstest.NewServer(flinkstest.WithSeed(1))
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{
		Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", Save: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	detail, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{
		RequestID: auth.RequestID, WithTransactions: true, WithKYC: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("login saved:", detail.Login.ID == auth.Login.ID)
	for _, a := range detail.Accounts {
		fmt.Printf("%s (%s, %s, %s): %d transactions\n", a.Title, a.Category, a.Type, a.Currency, len(a.Transactions))
	}
	// Output:
	// login saved: true
	// Chequing Account (Operations, Chequing, CAD): 40 transactions
	// Savings Account (Operations, Savings, CAD): 40 transactions
	// Visa Infinite (Credits, CreditCard, CAD): 40 transactions
}

// A live login that the bank challenges: answer each 203 with the prompts'
// answers until the 200.
func ExampleClient_Authorize_mfa() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	resp, err := client.Authorize(ctx, flinks.AuthorizeRequest{
		Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", Save: true,
	})
	for err == nil && resp.NeedsMFA() {
		answers := map[string][]string{}
		for _, ch := range resp.SecurityChallenges {
			fmt.Println("bank asks:", ch.Prompt)
			answers[ch.Prompt] = []string{flinkstest.Answer(ch.Prompt)} // ask your user instead
		}
		resp, err = client.Authorize(ctx, resp.Answer(answers))
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("authorized:", resp.HTTPStatusCode, resp.Login.Username)
	// Output:
	// bank asks: What city were you born in?
	// bank asks: What is the best country on earth?
	// authorized: 200 Greatday
}

// Cached mode with a saved LoginId: no bank contact, no MFA. The data call
// waits through OPERATION_PENDING; OnPoll shows the progress.
func ExampleClient_GetAccountsDetail() {
	srv := flinkstest.NewServer(flinkstest.WithPendingPolls(2))
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID("test_pending"), MostRecentCached: true})
	if err != nil {
		log.Fatal(err)
	}
	detail, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true},
		flinks.OnPoll(func(ev flinks.PollEvent) {
			if sdkerrors.Is(ev.Err, sdkerrors.ErrPending) {
				fmt.Printf("poll %d: still pending\n", ev.Attempt)
			}
		}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("accounts:", len(detail.Accounts))
	// Output:
	// poll 1: still pending
	// accounts: 3
}

// Webhook integrations take the 202 back at once with NoWait and let Flinks
// POST the result.
func ExampleNoWait() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID("test_dispatched"), MostRecentCached: true})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID}, flinks.NoWait())
	var apiErr *sdkerrors.APIError
	if sdkerrors.Is(err, sdkerrors.ErrPending) && sdkerrors.As(err, &apiErr) {
		fmt.Println("pending:", apiErr.Code, "same RequestID:", apiErr.RequestID == auth.RequestID)
	}
	// Output:
	// pending: OPERATION_DISPATCHED same RequestID: true
}

// Branch on failures with errors.Is: codes and categories of the errors
// package work across both providers.
func Example_errorHandling() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	for _, user := range []string{"test_disabled_account", "test_service_unavailable", "nobody"} {
		_, err := client.Authorize(ctx, flinks.AuthorizeRequest{Institution: "FlinksCapital", Username: user, Password: "Everyday"})
		var apiErr *sdkerrors.APIError
		switch {
		case sdkerrors.Is(err, sdkerrors.ErrUserActionRequired):
			fmt.Println(user+": the end user must act at the bank:", sdkerrors.Is(err, sdkerrors.ErrDisabledLogin))
		case sdkerrors.Is(err, sdkerrors.ErrTemporary):
			fmt.Println(user+": try again later; retryable:", sdkerrors.IsRetryable(err))
		case sdkerrors.Is(err, sdkerrors.ErrBadCredentials) && sdkerrors.As(err, &apiErr):
			fmt.Println(user+": bad credentials:", apiErr.Code, apiErr.StatusCode)
		}
	}
	_, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: "00000000-0000-4000-8000-000000000000"})
	fmt.Println(err)
	fmt.Println("authorize again:", sdkerrors.Is(err, sdkerrors.ErrSessionInvalid))
	// Output:
	// test_disabled_account: the end user must act at the bank: true
	// test_service_unavailable: try again later; retryable: true
	// nobody: bad credentials: INVALID_USERNAME 401
	// flinks GetAccountsDetail: SESSION_NONEXISTENT (HTTP 400): The RequestId provided does not exist or is no longer valid
	// authorize again: true
}

// Verify a webhook by hand over the raw body.
func ExampleVerifyWebhook() {
	body := []byte(`{"ResponseType":"GetAccountsDetail","RequestId":"9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10","Accounts":[]}`)
	key := "your-flinks-webhook-secret"
	signature := flinks.SignWebhook(body, key) // Flinks sends it in flinks-authenticity-key

	fmt.Println(flinks.VerifyWebhook(body, signature, key))
	fmt.Println(flinks.VerifyWebhook(body, signature, "another-key"))
	fmt.Println(flinks.VerifyWebhook(body, "", key))
	// Output:
	// <nil>
	// flinks: webhook signature does not match
	// flinks: webhook signature is missing
}

// Mount the verifying middleware in front of your handler; it answers 401
// to unsigned requests and hands the exact body on.
func ExampleWebhookHandler() {
	key := "your-flinks-webhook-secret"
	handler := flinks.WebhookHandler(key, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body) // the same bytes that were verified
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		wh, err := flinks.ParseWebhook(body)
		if err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		fmt.Println("webhook:", wh.ResponseType, len(wh.Accounts), "accounts")
		w.WriteHeader(http.StatusOK) // answer fast; process later
	}))

	body := `{"ResponseType":"KYC","Accounts":[{"Id":"a1","Holder":{"Name":"Jane Doe"}}]}`
	for _, sig := range []string{flinks.SignWebhook([]byte(body), key), "forged"} {
		req := httptest.NewRequest(http.MethodPost, "/flinks/webhook", strings.NewReader(body))
		req.Header.Set("flinks-authenticity-key", sig)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println("status:", rec.Code)
	}
	// Output:
	// webhook: KYC 1 accounts
	// status: 200
	// status: 401
}

// Map the PascalCase LastRefreshState of GetNightlyRefreshStatus, or a
// Client Dashboard export, to a typed status.
func ExampleParseDashboardStatus() {
	s, ok := flinks.ParseDashboardStatus("AnsweringSecurityChallenge")
	fmt.Println(s, ok, s.HTTPStatus())
	fmt.Println(s.Description())
	fmt.Println(flinks.StatusDisabledLogin.Err())
	fmt.Println(flinks.WarningBalanceMismatch.Description())
	// Output:
	// Answering Security Challenge true 203
	// The user is answering the security questions.
	// flinks DISABLED_LOGIN: The account was deactivated or locked by the financial institution.
	// The balance in the account summary is different in the balance that’s showing at the end of the last transaction on the account
}
