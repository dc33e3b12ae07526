// Command flinks-fake-server runs the flinkstest fake Flinks API as a process, so curl and
// non-Go clients can use it.
//
//	go run ./examples/flinks-fake-server                 # serve on 127.0.0.1:8765 until Ctrl-C
//	go run ./examples/flinks-fake-server -addr :9000     # another address
//	go run ./examples/flinks-fake-server -selftest       # start, call itself once, exit 0 (CI)
//
// It prints the base URL, the customer id, the x-api-key, the secret key and the LoginIds of
// the Flinks Capital test users. These are fake test values.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8765", "listen address")
	selftest := flag.Bool("selftest", false, "start on a random port, call the server once, print OK and exit")
	seed := flag.Int64("seed", 0, "data seed (0 = the default seed)")
	pending := flag.Int("pending", 2, "202 answers before 200 for test_pending / test_dispatched")
	accounts := flag.Int("accounts", 3, "accounts per login")
	transactions := flag.Int("transactions", 40, "transactions per account")
	flag.Parse()

	opts := []flinkstest.Option{
		flinkstest.WithPendingPolls(*pending),
		flinkstest.WithAccounts(*accounts),
		flinkstest.WithTransactions(*transactions),
	}
	if *seed != 0 {
		opts = append(opts, flinkstest.WithSeed(*seed))
	}
	fake := flinkstest.NewHandler(opts...)

	if *selftest {
		*addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "flinks-fake-server:", err)
		os.Exit(1)
	}
	fake.URL = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if *selftest {
		err := runSelftest(fake)
		shutdown(srv)
		if err != nil {
			fmt.Fprintln(os.Stderr, "flinks-fake-server selftest FAILED:", err)
			os.Exit(1)
		}
		fmt.Println("flinks-fake-server selftest OK")
		return
	}

	printBanner(fake)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
		fmt.Println("shutting down")
		shutdown(srv)
	case err := <-served:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "flinks-fake-server:", err)
			os.Exit(1)
		}
	}
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func printBanner(s *flinkstest.Server) {
	base := s.URL + "/v3/" + s.CustomerID + "/BankingServices"
	fmt.Printf("Fake Flinks API listening on %s\n\n", s.URL)
	fmt.Printf("  customer id  %s\n  x-api-key    %s\n  secret key   %s\n\n", s.CustomerID, s.APIKey, s.SecretKey)
	fmt.Printf("Flinks Capital users (institution %q, password %q):\n", flinkstest.Institution, flinkstest.Password)
	for _, u := range flinkstest.Users() {
		fmt.Printf("  %-26s LoginId %s\n", u, s.LoginID(u))
	}
	fmt.Printf("MFA answers: %q Montreal, %q Canada, %q Triangle\n\n",
		flinkstest.PromptCity, flinkstest.PromptCountry, flinkstest.PromptShape)
	fmt.Printf("Try:\n")
	fmt.Printf("  curl -s -X POST -H 'flinks-auth-key: %s' %s/GenerateAuthorizeToken\n", s.SecretKey, base)
	fmt.Printf("  curl -s -X POST -H 'flinks-auth-key: <Token>' -H 'Content-Type: application/json' \\\n"+
		"    -d '{\"LoginId\":\"%s\",\"MostRecentCached\":true}' %s/Authorize\n", s.LoginID(flinkstest.UserNoMFA), base)
	fmt.Printf("  curl -s -X POST -H 'x-api-key: %s' -H 'Content-Type: application/json' \\\n"+
		"    -d '{\"RequestId\":\"<RequestId>\",\"WithKYC\":true}' %s/GetAccountsDetail\n\n", s.APIKey, base)
	fmt.Println("Ctrl-C to stop.")
}

// runSelftest mints an authorize token and opens a cached session, with plain net/http.
func runSelftest(s *flinkstest.Server) error {
	base := s.URL + "/v3/" + s.CustomerID + "/BankingServices/"
	client := &http.Client{Timeout: 10 * time.Second}
	call := func(op, authKey string, body any, out any) error {
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequest(http.MethodPost, base+op, rd)
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("flinks-auth-key", authKey)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: HTTP %d", op, res.StatusCode)
		}
		return json.NewDecoder(res.Body).Decode(out)
	}
	var tok struct{ Token string }
	if err := call("GenerateAuthorizeToken", s.SecretKey, nil, &tok); err != nil {
		return err
	}
	if tok.Token == "" {
		return errors.New("GenerateAuthorizeToken: no Token")
	}
	var auth struct{ RequestId string }
	body := map[string]any{"LoginId": s.LoginID(flinkstest.UserNoMFA), "MostRecentCached": true}
	if err := call("Authorize", tok.Token, body, &auth); err != nil {
		return err
	}
	if auth.RequestId == "" {
		return errors.New("authorize: no RequestId")
	}
	return nil
}
