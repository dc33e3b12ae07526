// Command flanks-connect runs a whole Flanks Connect v2 flow: create a
// session, send the end user to its URL, wait for the session to finish,
// wait for the new connection's data, and print its accounts and
// portfolios.
//
//	go run ./examples/flanks-connect
//
// By default it runs offline against the in-process fake
// (flanks/flankstest), where the "end user" finishes the widget at
// TestBank with an SCA challenge. With FLANKS_CLIENT_ID and
// FLANKS_CLIENT_SECRET set (and optionally FLANKS_BASE_URL,
// FLANKS_CONNECTOR_ID, default "testbank", and FLANKS_REDIRECT_URL) it talks
// to the real API: it prints the session URL, which you open in a browser,
// and waits (at most 15 minutes) for you to finish.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "flanks-connect:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	id, secret := os.Getenv("FLANKS_CLIENT_ID"), os.Getenv("FLANKS_CLIENT_SECRET")
	var fake *flankstest.Server
	var opts []flanks.Option
	if id == "" || secret == "" {
		fake = flankstest.NewServer()
		defer fake.Close()
		id, secret = fake.ClientID, fake.ClientSecret
		opts = append(opts, flanks.WithBaseURL(fake.URL), flanks.WithPollInterval(20*time.Millisecond))
		fmt.Println("Offline: using the in-process fake Flanks API (set FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET for the real one).")
	} else if base := os.Getenv("FLANKS_BASE_URL"); base != "" {
		opts = append(opts, flanks.WithBaseURL(base))
	}
	c, err := flanks.NewClient(id, secret, opts...)
	if err != nil {
		return err
	}

	connector := envOr("FLANKS_CONNECTOR_ID", "testbank")
	redirect := envOr("FLANKS_REDIRECT_URL", "https://example.com/flanks/done")
	s, err := c.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: redirect, ConnectorID: connector})
	if err != nil {
		return err
	}
	fmt.Printf("Session %s created (%s).\n", s.SessionID, s.Status)
	fmt.Println("Send the end user to:", s.URL)

	if fake != nil {
		// The end user logs in at TestBank, is asked for an SMS code, and
		// answers it.
		if err := fake.CompleteSession(s.SessionID, "SCA_SMS"); err != nil {
			return err
		}
		if s, err = c.GetSession(ctx, s.SessionID); err != nil {
			return err
		}
		fmt.Println("Session status:", s.Status)
		if err := fake.CompleteSession(s.SessionID, "123456"); err != nil {
			return err
		}
	} else {
		fmt.Println("Waiting for the session to finish (at most 15 minutes)...")
	}

	s, err = c.WaitForSession(ctx, s.SessionID)
	var se *flanks.SessionError
	switch {
	case sdkerrors.As(err, &se):
		return fmt.Errorf("the end user could not connect: %s (%s)", se.Code, se.Code.Description())
	case err != nil:
		return err
	}
	fmt.Println("Session status:", s.Status)

	st, err := c.WaitForCredentials(ctx, s.ConnectionID)
	var ua *flanks.UserActionError
	switch {
	case sdkerrors.As(err, &ua):
		return fmt.Errorf("the connection needs its end user (%s): create a new session with its connection id", ua.Reason)
	case err != nil:
		return err
	}
	fmt.Printf("Extraction finished (bank %s, errors: %v).\n", st.Name, st.Errored.Any())

	req := flanks.DataRequest{CredentialsToken: s.ConnectionID, IgnoreDataError: true}
	accounts, err := c.GetAccounts(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println("Accounts:")
	for _, a := range accounts {
		fmt.Printf("  %-20s %-4s %14s\n", a.Alias, a.Currency, a.Balance)
	}
	portfolios, err := c.GetPortfolios(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println("Portfolios:")
	for _, p := range portfolios {
		fmt.Printf("  %-20s %-4s %14s %s\n", p.Name, p.Type, p.Balance, p.Currency)
	}

	n := 0
	for _, err := range c.ListSessions(ctx, flanks.SessionQuery{StatusIn: []flanks.SessionStatus{flanks.SessionFinishedOK}}) {
		if err != nil {
			return err
		}
		n++
	}
	fmt.Println("Finished sessions:", n)
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
