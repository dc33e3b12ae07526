package bankdata_test

// The Go snippets of README.md, verbatim (one tab deeper), so they compile
// with the package; TestReadmeSnippetsCompile checks README.md against this
// file and TestReadmeSnippetsRun runs the ones that work offline.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net/http"
	"regexp"
	"time"

	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func readmeFlinks(ctx context.Context, customerID, apiKey, secretKey, loginID string) error {
	client, err := flinks.NewClient(customerID, flinks.WithAPIKey(apiKey), flinks.WithSecretKey(secretKey))
	if err != nil {
		return err
	}
	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginID, MostRecentCached: true})
	if err != nil {
		return err
	}
	detail, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true})
	if err != nil {
		return err
	}
	fmt.Println(detail.Accounts[0].Title, detail.Accounts[0].Balance.Current) // "Chequing Account 5105.60"
	return nil
}

func readmeFlanks(ctx context.Context, clientID, clientSecret, code string) error {
	client, err := flanks.NewClient(clientID, clientSecret)
	if err != nil {
		return err
	}
	token, err := client.ExchangeLinkCode(ctx, code) // single use: sent once, never retried
	if err != nil {
		return err
	}
	if _, err := client.WaitForCredentials(ctx, token); err != nil {
		return err
	}
	portfolios, err := client.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: token})
	if err != nil {
		return err
	}
	fmt.Println(portfolios[0].Name, portfolios[0].Balance) // exact decimal, as Flanks sent it
	return nil
}

var errHandled = errors.New("handled")

func askUserToReconnect() error         { return errHandled }
func askUserToAnswerAgain() error       { return errHandled }
func tellUserToVisitTheirBank() error   { return errHandled }
func retryInAFewMinutes() error         { return errHandled }
func authorizeAgain() error             { return errHandled }
func slowDown() error                   { return errHandled }
func retryLater() error                 { return errHandled }
func fixTheIntegration(err error) error { return fmt.Errorf("%w: %w", errHandled, err) }

func readmeErrors(err error) error {
	switch {
	case sdkerrors.Is(err, sdkerrors.ErrBadCredentials):
		return askUserToReconnect()
	case sdkerrors.Is(err, sdkerrors.ErrSecurityChallenge):
		return askUserToAnswerAgain()
	case sdkerrors.Is(err, sdkerrors.ErrUserActionRequired):
		return tellUserToVisitTheirBank()
	case sdkerrors.Is(err, sdkerrors.ErrPollTimeout):
		return retryInAFewMinutes()
	case sdkerrors.Is(err, sdkerrors.ErrSessionInvalid):
		return authorizeAgain()
	case sdkerrors.Is(err, sdkerrors.ErrRateLimited):
		return slowDown()
	case sdkerrors.IsRetryable(err): // ErrTemporary, ErrPending, network errors
		return retryLater()
	case sdkerrors.Is(err, sdkerrors.ErrAuthentication), sdkerrors.Is(err, sdkerrors.ErrBadRequest):
		return fixTheIntegration(err)
	}
	var apiErr *sdkerrors.APIError
	if sdkerrors.As(err, &apiErr) {
		info, _ := apiErr.Info()
		log.Printf("code=%s request=%s: %s", apiErr.Code, apiErr.RequestID, info.Action)
	}
	return nil
}

func readmeFlinksFake(ctx context.Context) error {
	srv := flinkstest.NewServer(flinkstest.WithPendingPolls(2)) // test_pending answers 202 twice
	defer srv.Close()
	client, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL),
		flinks.WithAPIKey(srv.APIKey), flinks.WithSecretKey(srv.SecretKey),
		flinks.WithPollInterval(time.Millisecond))
	if err != nil {
		return err
	}
	srv.InjectError("GetAccountsDetail", "RETRY_LATER", 1) // any FlinksCode, on any operation
	_, err = client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID("test_pending"), MostRecentCached: true})
	return err
}

func readmeFlanksFake(ctx context.Context) error {
	fake := flankstest.NewServer()
	defer fake.Close()
	client, err := flanks.NewClient(fake.ClientID, fake.ClientSecret,
		flanks.WithBaseURL(fake.URL), flanks.WithPollInterval(time.Millisecond))
	if err != nil {
		return err
	}
	token, err := client.ExchangeLinkCode(ctx, fake.NewLinkCode("SCA_SMS")) // a TestBank password
	if err != nil {
		return err
	}
	_, err = client.WaitForCredentials(ctx, token) // *flanks.UserActionError{Reason: flanks.ActionSCA}
	return err
}

func readmeGock(ctx context.Context) error {
	hc := &http.Client{Transport: &http.Transport{}}
	client, err := flinks.NewClient("cid", flinks.WithBaseURL("https://flinks.test"),
		flinks.WithHTTPClient(hc), flinks.WithAPIKey("key"), flinks.WithMaxRetries(0))
	if err != nil {
		return err
	}
	gock.InterceptClient(client.HTTPClient())
	defer gock.RestoreClient(client.HTTPClient())
	defer gock.OffAll()
	gock.New("https://flinks.test").
		Post("^" + regexp.QuoteMeta("/v3/cid/BankingServices/GetAccountsDetail") + "$").
		Reply(401).JSON(map[string]any{"HttpStatusCode": 401, "FlinksCode": "SESSION_EXPIRED"})
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: "rid"})
	fmt.Println(sdkerrors.Is(err, sdkerrors.ErrSessionInvalid)) // true
	return err
}

func readmeHTTPClient(customerID, apiKey, secretKey string) error {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12} // add Certificates for mTLS
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tlsConfig,
		MaxIdleConnsPerHost: 64,
	}
	client, err := flinks.NewClient(customerID, flinks.WithAPIKey(apiKey), flinks.WithSecretKey(secretKey),
		flinks.WithHTTPClient(&http.Client{Transport: transport, Timeout: 2 * time.Minute}))
	_ = client
	return err
}
