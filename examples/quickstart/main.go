// Command quickstart runs a whole Flinks flow and a whole Flanks flow and
// prints what they return. It is the README's first command:
//
//	go run ./examples/quickstart
//
// Offline by default: each half talks to the SDK's in-process fake
// (flinks/flinkstest, flanks/flankstest). Each half switches to the real API
// when its environment variables are set:
//
//	FLINKS_INSTANCE, FLINKS_CUSTOMER_ID, FLINKS_API_KEY, FLINKS_SECRET_KEY
//	    (the Flinks Toolbox values of the Flinks docs work; the flow logs in
//	    with the Flinks Capital test user Greatday/Everyday)
//	FLANKS_CLIENT_ID, FLANKS_CLIENT_SECRET [, FLANKS_BASE_URL]
//	    and FLANKS_LINK_CODE: a code from a Flanks Link redirect (without it
//	    the first of your existing credentials is used)
//
// The Flinks half: a live login at Flinks Capital with its MFA questions, a
// cached Authorize with the LoginId it returned, then GetAccountsDetail,
// which waits through OPERATION_PENDING by itself.
//
// The Flanks half: exchange a Flanks Link code for a credentials token, wait
// until the bank data is extracted, print portfolios and accounts.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 40*time.Minute)
	defer cancel()

	fmt.Println("== Flinks (Canada) ==")
	if err := flinksFlow(ctx); err != nil {
		fail("flinks", err)
	}
	fmt.Println()
	fmt.Println("== Flanks (Spain) ==")
	if err := flanksFlow(ctx); err != nil {
		fail("flanks", err)
	}
}

func fail(half string, err error) {
	fmt.Fprintf(os.Stderr, "quickstart (%s): %v\n", half, err)
	var apiErr *sdkerrors.APIError
	if sdkerrors.As(err, &apiErr) {
		info, _ := apiErr.Info()
		fmt.Fprintf(os.Stderr, "  meaning: %s\n  action:  %s\n", info.Meaning, info.Action)
	}
	os.Exit(1)
}

// mfaAnswers are the Flinks Capital test institution's documented answers.
var mfaAnswers = map[string]string{
	"What city were you born in?":        "Montreal",
	"What is the best country on earth?": "Canada",
	"What shape do people like most?":    "Triangle",
}

func flinksFlow(ctx context.Context) error {
	var client *flinks.Client
	var err error
	if os.Getenv("FLINKS_CUSTOMER_ID") != "" {
		client, err = flinks.NewClient(os.Getenv("FLINKS_CUSTOMER_ID"),
			flinks.WithInstance(envOr("FLINKS_INSTANCE", flinks.DefaultInstance)),
			flinks.WithAPIKey(os.Getenv("FLINKS_API_KEY")),
			flinks.WithSecretKey(os.Getenv("FLINKS_SECRET_KEY")))
		fmt.Println("Using the Flinks instance", envOr("FLINKS_INSTANCE", flinks.DefaultInstance))
	} else {
		// The in-process fake: the first GetAccountsDetail answers 202 twice.
		srv := flinkstest.NewServer(flinkstest.WithPendingPolls(2))
		defer srv.Close()
		client, err = flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL),
			flinks.WithAPIKey(srv.APIKey), flinks.WithSecretKey(srv.SecretKey),
			flinks.WithPollInterval(100*time.Millisecond))
		fmt.Println("Offline: the in-process fake Flinks (set FLINKS_CUSTOMER_ID & co. for a real instance)")
	}
	if err != nil {
		return err
	}

	// 1. A live login: username and password at the bank, then MFA rounds.
	resp, err := client.Authorize(ctx, flinks.AuthorizeRequest{
		Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", Save: true,
	})
	for err == nil && resp.NeedsMFA() {
		answers := map[string][]string{}
		for _, ch := range resp.SecurityChallenges {
			fmt.Printf("MFA question: %q\n", ch.Prompt)
			answers[ch.Prompt] = []string{mfaAnswers[ch.Prompt]}
		}
		resp, err = client.Authorize(ctx, resp.Answer(answers))
	}
	if err != nil {
		return err
	}
	if resp.Login == nil {
		return fmt.Errorf("authorize returned no Login")
	}
	fmt.Println("Logged in; the card's LoginId is kept for later cached calls.")

	// 2. Later (e.g. the next day): a cached Authorize with that LoginId.
	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: resp.Login.ID, MostRecentCached: true})
	if err != nil {
		return err
	}

	// 3. Accounts and transactions. GetAccountsDetail waits through 202
	// OPERATION_PENDING by polling GetAccountsDetailAsync.
	detail, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{
		RequestID: auth.RequestID, WithTransactions: true, WithKYC: true, WithAccountIdentity: true,
	}, flinks.OnPoll(func(e flinks.PollEvent) { fmt.Printf("  still processing (poll %d)...\n", e.Attempt) }))
	if err != nil {
		return err
	}
	fmt.Printf("%d accounts at %s:\n", len(detail.Accounts), detail.Institution)
	for _, a := range detail.Accounts {
		fmt.Printf("  %-22s %-10s %12s %s  (%d transactions)\n", a.Title, a.Category, a.Balance.Current, a.Currency, len(a.Transactions))
		for _, tx := range a.Transactions[:min(3, len(a.Transactions))] {
			amount := "+" + tx.Credit.String()
			if tx.Debit.Valid() {
				amount = "-" + tx.Debit.String()
			}
			fmt.Printf("      %s  %-34s %10s\n", tx.Date, cut(tx.Description, 34), amount)
		}
	}
	return nil
}

func flanksFlow(ctx context.Context) error {
	var client *flanks.Client
	var err error
	var code string
	if id, secret := os.Getenv("FLANKS_CLIENT_ID"), os.Getenv("FLANKS_CLIENT_SECRET"); id != "" && secret != "" {
		var opts []flanks.Option
		if base := os.Getenv("FLANKS_BASE_URL"); base != "" {
			opts = append(opts, flanks.WithBaseURL(base))
		}
		client, err = flanks.NewClient(id, secret, opts...)
		code = os.Getenv("FLANKS_LINK_CODE")
		fmt.Println("Using the Flanks API")
	} else {
		srv := flankstest.NewServer()
		defer srv.Close()
		client, err = flanks.NewClient(srv.ClientID, srv.ClientSecret, flanks.WithBaseURL(srv.URL),
			flanks.WithPollInterval(50*time.Millisecond))
		// An end user finished Flanks Link at TestBank; your redirect URI
		// received this code.
		code = srv.NewLinkCode("1234")
		fmt.Println("Offline: the in-process fake Flanks (set FLANKS_CLIENT_ID & co. for the real API)")
	}
	if err != nil {
		return err
	}

	// 1. The link code becomes a credentials token (single use: sent once).
	var token string
	if code != "" {
		token, err = client.ExchangeLinkCode(ctx, code)
		if err != nil {
			return err
		}
		fmt.Println("Link code exchanged for a credentials token.")
	} else {
		for c, err := range client.ListCredentials(ctx) {
			if err != nil {
				return err
			}
			token = c.CredentialsToken
			break
		}
		if token == "" {
			return fmt.Errorf("no credentials yet: set FLANKS_LINK_CODE to a code from a Flanks Link redirect")
		}
	}

	// 2. Wait until the bank data is extracted.
	st, err := client.WaitForCredentials(ctx, token)
	var ua *flanks.UserActionError
	if sdkerrors.As(err, &ua) {
		return fmt.Errorf("the end user must act first (%s): send them through Flanks Link again", ua.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Extraction finished at %s.\n", st.Name)

	// 3. The data.
	req := flanks.DataRequest{CredentialsToken: token}
	portfolios, err := client.GetPortfolios(ctx, req)
	if err != nil {
		return err
	}
	fmt.Printf("%d portfolios:\n", len(portfolios))
	for _, p := range portfolios {
		fmt.Printf("  %-24s %-4s %14s %s\n", p.Name, p.Type, p.Balance, p.Currency)
	}
	accounts, err := client.GetAccounts(ctx, req)
	if err != nil {
		return err
	}
	fmt.Printf("%d accounts:\n", len(accounts))
	for _, a := range accounts {
		fmt.Printf("  %-24s %s %14s %s\n", a.Alias, maskIBAN(a.IBAN), a.Balance, a.Currency)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// maskIBAN keeps the country, check digits and last four characters.
func maskIBAN(iban string) string {
	iban = strings.ReplaceAll(iban, " ", "")
	if len(iban) < 8 {
		return iban
	}
	return iban[:4] + " **** " + iban[len(iban)-4:]
}
