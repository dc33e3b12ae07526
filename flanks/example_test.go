package flanks_test

import (
	"context"
	"fmt"
	"log"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// The examples run offline against flanks/flankstest. Against the real API,
// drop WithBaseURL and the short poll interval.

// A Flanks Link flow: the end user finished Flanks Link and came back to your
// redirect URI with a code; exchange it, wait for the extraction, read the
// portfolios.
func Example() {
	srv := flankstest.NewServer(flankstest.WithSeed(7))
	defer srv.Close()
	code := srv.NewLinkCode("1234") // stands for ?code=... on your redirect URI

	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret,
		flanks.WithBaseURL(srv.URL),
		flanks.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	tok, err := c.ExchangeLinkCode(ctx, code)
	if err != nil {
		log.Fatal(err)
	}
	st, err := c.WaitForCredentials(ctx, tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pending:", st.Pending, "errored:", st.Errored.Any())

	portfolios, err := c.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: tok})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range portfolios {
		fmt.Printf("%-18s %-3s %12s %s\n", p.Name, p.Type, p.Balance, p.Currency)
	}
	// Output:
	// pending: false errored: false
	// Cartera Fondos     F       94236.38 EUR
	// Cartera Valores    MIX    290321.92 EUR
	// Plan de Pensiones  PP      41449.11 EUR
}

// A Connect v2 session: create it, send the end user to its URL, then wait
// for it to finish and read the new connection's accounts.
func ExampleClient_CreateSession() {
	srv := flankstest.NewServer(flankstest.WithSeed(7))
	defer srv.Close()
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret,
		flanks.WithBaseURL(srv.URL), flanks.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	s, err := c.CreateSession(ctx, flanks.SessionConfiguration{
		RedirectURL: "https://app.example.com/flanks/done",
		ConnectorID: "testbank",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", s.Status)

	// The end user completes the widget at s.URL (here: the fake does it).
	if err := srv.CompleteSession(s.SessionID, "1234"); err != nil {
		log.Fatal(err)
	}

	s, err = c.WaitForSession(ctx, s.SessionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", s.Status)

	if _, err := c.WaitForCredentials(ctx, s.ConnectionID); err != nil {
		log.Fatal(err)
	}
	accounts, err := c.GetAccounts(ctx, flanks.DataRequest{CredentialsToken: s.ConnectionID})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range accounts {
		fmt.Printf("%-17s %s %12s\n", a.Alias, a.Currency, a.Balance)
	}
	// Output:
	// status: Waiting:ProvideCredentials
	// status: Finished:OK
	// Cuenta Nómina     EUR     18352.83
	// Cuenta Ahorro     EUR     31503.34
}

// v2 lists are iterators that fetch pages as the loop advances; breaking
// out stops fetching.
func ExampleClient_ListConnectors() {
	srv := flankstest.NewServer(flankstest.WithPageSize(3))
	defer srv.Close()
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret, flanks.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for con, err := range c.ListConnectors(context.Background(), flanks.ConnectorQuery{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(con.ConnectorID, "-", con.Name)
		if n++; n == 5 {
			break
		}
	}
	fmt.Println("pages fetched:", srv.Requests("/connect/v2/connectors/list-connectors"))
	// Output:
	// testbank - TestBank
	// santander - Banco Santander
	// bbva - BBVA
	// caixabank - CaixaBank
	// sabadell - Banco Sabadell
	// pages fetched: 2
}

// Errors are branched on with errors.Is against the sentinels of the
// errors package, and errors.As for the typed details.
func Example_errorHandling() {
	srv := flankstest.NewServer()
	defer srv.Close()
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret,
		flanks.WithBaseURL(srv.URL), flanks.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The end user's bank password stopped working.
	tok, err := c.ExchangeLinkCode(ctx, srv.NewLinkCode("INVALID_CREDENTIALS"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.WaitForCredentials(ctx, tok)
	var ua *flanks.UserActionError
	if sdkerrors.As(err, &ua) {
		fmt.Println("user must act:", ua.Reason)
	}
	_, err = c.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: tok})
	fmt.Println("bad credentials:", sdkerrors.Is(err, sdkerrors.ErrBadCredentials))
	fmt.Println("code 50002:", sdkerrors.Is(err, sdkerrors.ErrCredentialsError))
	fmt.Println("retryable:", sdkerrors.IsRetryable(err))
	var apiErr *sdkerrors.APIError
	if sdkerrors.As(err, &apiErr) {
		fmt.Println("code:", apiErr.Code, apiErr.Number)
	}

	// A credential held for security checks: the token comes with the error.
	tok, err = c.ExchangeLinkCode(ctx, srv.NewLinkCode("SECURITY_CHECKS"))
	fmt.Println("held:", sdkerrors.Is(err, sdkerrors.ErrScaError), tok != "")

	// The integration's own credentials are wrong.
	bad, _ := flanks.NewClient(srv.ClientID, "not-the-secret", flanks.WithBaseURL(srv.URL))
	_, err = bad.ListEntities(ctx)
	fmt.Println("authentication:", sdkerrors.Is(err, sdkerrors.ErrAuthentication))
	fmt.Println(err)
	// Output:
	// user must act: blocked
	// bad credentials: true
	// code 50002: true
	// retryable: false
	// code: CREDENTIALS_ERROR 50002
	// held: true true
	// authentication: true
	// flanks ListEntities: get access token: flanks HTTP 403: access_denied
}

// Building a report and waiting for it.
func ExampleClient_WaitForReport() {
	srv := flankstest.NewServer()
	defer srv.Close()
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret,
		flanks.WithBaseURL(srv.URL), flanks.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	r, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: 1, Language: "es"})
	if err != nil {
		log.Fatal(err)
	}
	r, err = c.WaitForReport(ctx, r.ReportID)
	if err != nil {
		log.Fatal(err)
	}
	content, err := c.GetReportContent(ctx, r.ReportID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Status, content.URL != "")
	// Output:
	// ready true
}
