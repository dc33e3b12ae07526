// Command flinks-errors shows how Flinks failures reach your code: every
// error names the operation, unwraps to an *errors.APIError (FlinksCode,
// HTTP status, message, RequestId, documented meaning and action), and
// matches errors.Is on its code and on cross-provider categories.
//
//	go run ./examples/flinks-errors    # offline, against the in-process fake (flinkstest)
//
// With FLINKS_INSTANCE, FLINKS_CUSTOMER_ID, FLINKS_API_KEY and
// FLINKS_SECRET_KEY set, it runs the scenarios a real instance can produce
// (the Flinks Capital test users of the Toolbox); the fake-only scenarios
// (HTML from a proxy, a 202 that never ends, an expired session) are skipped.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func main() {
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client, fake := connect()
	if fake != nil {
		defer fake.Close()
	}
	live := func(user, password string) error {
		_, err := client.Authorize(ctx, flinks.AuthorizeRequest{Institution: "FlinksCapital", Username: user, Password: password})
		return err
	}

	explain("disabled account", live("test_disabled_account", "Everyday"))
	explain("bank unreachable", live("test_service_unavailable", "Everyday"))
	explain("wrong password", live("greatday_nomfa", "wrong"))
	explain("unknown username", live("nobody_here", "Everyday"))

	// A wrong MFA answer.
	resp, err := client.Authorize(ctx, flinks.AuthorizeRequest{Institution: "FlinksCapital", Username: "Everyday", Password: "Everyday"})
	if err == nil && resp.NeedsMFA() {
		_, err = client.Authorize(ctx, resp.Answer(map[string][]string{resp.SecurityChallenges[0].Prompt: {"Circle"}}))
	}
	explain("wrong MFA answer", err)

	// A RequestId Flinks does not know.
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: "00000000-0000-4000-8000-000000000000"})
	explain("unknown RequestId", err)

	// Bad input is caught before anything is sent.
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{})
	explain("missing RequestID", err)

	// A cancelled context, mid-wait.
	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{Institution: "FlinksCapital", Username: "test_pending", Password: "Everyday"})
	if err != nil {
		log.Fatalf("authorize test_pending: %v", err)
	}
	cctx, ccancel := context.WithCancel(ctx)
	_, err = client.GetAccountsDetail(cctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID},
		flinks.OnPoll(func(flinks.PollEvent) { ccancel() }))
	ccancel()
	explain("context cancelled while waiting", err)

	if fake == nil {
		return
	}

	// Fake-only scenarios.
	okAuth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: fake.LoginID("greatday_nomfa"), MostRecentCached: true})
	if err != nil {
		log.Fatal(err)
	}
	fake.InjectResponse("GetAccountsDetail", 200, "<html><body>Gateway says hello</body></html>", 1)
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: okAuth.RequestID})
	explain("HTML page from a proxy", err)

	fake.InjectResponse("GetAccountsDetail", 200, `{"HttpStatusCode":401,"FlinksCode":"SESSION_EXPIRED","Message":"The RequestId has expired"}`, 1)
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: okAuth.RequestID})
	explain("HTTP 200 carrying an error code", err)

	fake.ExpireSessions()
	_, err = client.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: okAuth.RequestID})
	explain("expired session", err)

	short, err := flinks.NewClient(fake.CustomerID, flinks.WithBaseURL(fake.URL), flinks.WithAPIKey(fake.APIKey),
		flinks.WithSecretKey(fake.SecretKey), flinks.WithPollInterval(10*time.Millisecond), flinks.WithPollTimeout(100*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	pend, err := short.Authorize(ctx, flinks.AuthorizeRequest{LoginID: fake.LoginID("test_dispatched"), MostRecentCached: true})
	if err != nil {
		log.Fatal(err)
	}
	fake.InjectError("GetAccountsDetailAsync", "OPERATION_DISPATCHED", 1000)
	_, err = short.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: pend.RequestID})
	explain("a wait that runs out of time", err)
	fmt.Println("ok (offline, against flinkstest)")
}

// explain prints what an application would look at.
func explain(scenario string, err error) {
	fmt.Printf("== %s\n", scenario)
	if err == nil {
		fmt.Println("   no error")
		return
	}
	fmt.Printf("   error:       %v\n", err)
	var classes []string
	for _, c := range []struct {
		name string
		err  error
	}{
		{"BadCredentials", sdkerrors.ErrBadCredentials},
		{"SecurityChallenge", sdkerrors.ErrSecurityChallenge},
		{"UserActionRequired", sdkerrors.ErrUserActionRequired},
		{"Temporary", sdkerrors.ErrTemporary},
		{"SessionInvalid", sdkerrors.ErrSessionInvalid},
		{"Authentication", sdkerrors.ErrAuthentication},
		{"BadRequest", sdkerrors.ErrBadRequest},
		{"Pending", sdkerrors.ErrPending},
		{"PollTimeout", sdkerrors.ErrPollTimeout},
		{"UnexpectedResponse", sdkerrors.ErrUnexpectedResponse},
		{"context.Canceled", context.Canceled},
	} {
		if sdkerrors.Is(err, c.err) {
			classes = append(classes, c.name)
		}
	}
	fmt.Printf("   categories:  %v; retryable later: %v\n", classes, sdkerrors.IsRetryable(err))
	var apiErr *sdkerrors.APIError
	if sdkerrors.As(err, &apiErr) {
		info, _ := apiErr.Info()
		fmt.Printf("   code:        %q (HTTP %d)\n", apiErr.Code, apiErr.StatusCode)
		fmt.Printf("   what to do:  %s\n", info.Action)
	}
}

func connect() (*flinks.Client, *flinkstest.Server) {
	instance, cid := os.Getenv("FLINKS_INSTANCE"), os.Getenv("FLINKS_CUSTOMER_ID")
	apiKey, secret := os.Getenv("FLINKS_API_KEY"), os.Getenv("FLINKS_SECRET_KEY")
	if instance != "" && cid != "" && apiKey != "" && secret != "" {
		c, err := flinks.NewClient(cid, flinks.WithInstance(instance), flinks.WithAPIKey(apiKey), flinks.WithSecretKey(secret))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("using Flinks instance", instance)
		return c, nil
	}
	srv := flinkstest.NewServer(flinkstest.WithPendingPolls(3))
	c, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey(srv.APIKey),
		flinks.WithSecretKey(srv.SecretKey), flinks.WithPollInterval(20*time.Millisecond),
		flinks.WithRetryWait(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("offline: using the in-process fake Flinks")
	return c, srv
}
