// Command flinks-webhook runs a webhook receiver: flinks.WebhookHandler
// checks the HMAC-SHA256 signature (flinks-authenticity-key or
// X-Flinks-Signature) over the raw body, answers 401 to anything unsigned,
// and hands the body to a handler that decodes it with flinks.ParseWebhook.
//
//	go run ./examples/flinks-webhook    # offline: the fake Flinks signs and POSTs one webhook, then exit
//
// Offline, it asks for accounts with NoWait (the 202 comes back at once, as
// a webhook integration wants), then has the in-process fake deliver the
// GetAccountsDetail webhook to the receiver.
//
// With FLINKS_INSTANCE, FLINKS_CUSTOMER_ID, FLINKS_API_KEY, FLINKS_SECRET_KEY
// and FLINKS_WEBHOOK_KEY set, it listens on FLINKS_WEBHOOK_ADDR (default
// :8080, path /flinks/webhook; Flinks needs a public HTTPS URL, configured
// through Flinks support) until one webhook arrives or FLINKS_WEBHOOK_WAIT
// (default 10m) passes. With FLINKS_LOGIN_ID set too, it first starts a
// cached GetAccountsDetail for that login so Flinks has something to send.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	live := os.Getenv("FLINKS_INSTANCE") != "" && os.Getenv("FLINKS_CUSTOMER_ID") != "" &&
		os.Getenv("FLINKS_API_KEY") != "" && os.Getenv("FLINKS_SECRET_KEY") != "" && os.Getenv("FLINKS_WEBHOOK_KEY") != ""
	key := os.Getenv("FLINKS_WEBHOOK_KEY")
	addr := os.Getenv("FLINKS_WEBHOOK_ADDR")
	if !live {
		key, addr = "offline-webhook-key", "127.0.0.1:0"
	} else if addr == "" {
		addr = ":8080"
	}

	// The receiver: verify, then decode; answer 200 fast and process later.
	received := make(chan *flinks.Webhook, 1)
	mux := http.NewServeMux()
	mux.Handle("POST /flinks/webhook", flinks.WebhookHandler(key, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body) // the verified raw bytes
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		wh, err := flinks.ParseWebhook(body)
		if err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		select {
		case received <- wh:
		default:
		}
		w.WriteHeader(http.StatusOK)
	})))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/flinks/webhook"
	fmt.Println("webhook receiver on", url)

	if live {
		runReal(ctx, received)
		return
	}

	// Offline: the fake Flinks plays both sides.
	fake := flinkstest.NewServer(flinkstest.WithPendingPolls(5))
	defer fake.Close()
	client, err := flinks.NewClient(fake.CustomerID, flinks.WithBaseURL(fake.URL), flinks.WithAPIKey(fake.APIKey), flinks.WithSecretKey(fake.SecretKey))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: fake.LoginID("test_pending"), MostRecentCached: true})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true, WithKYC: true}, flinks.NoWait())
	if !sdkerrors.Is(err, sdkerrors.ErrPending) {
		log.Fatalf("expected a 202, got %v", err)
	}
	fmt.Println("GetAccountsDetail answered 202; waiting for the webhook instead of polling")

	// An unsigned request is refused.
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("unsigned request:", resp.StatusCode)

	if err := fake.SendWebhook(ctx, url, key, auth.RequestID); err != nil {
		log.Fatal(err)
	}
	select {
	case wh := <-received:
		printWebhook(wh)
	case <-time.After(30 * time.Second):
		log.Fatal("no webhook arrived")
	}
	fmt.Println("ok (offline, against flinkstest)")
}

func runReal(ctx context.Context, received <-chan *flinks.Webhook) {
	wait := 10 * time.Minute
	if v := os.Getenv("FLINKS_WEBHOOK_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			log.Fatalf("FLINKS_WEBHOOK_WAIT: %v", err)
		}
		wait = d
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if loginID := os.Getenv("FLINKS_LOGIN_ID"); loginID != "" {
		client, err := flinks.NewClient(os.Getenv("FLINKS_CUSTOMER_ID"), flinks.WithInstance(os.Getenv("FLINKS_INSTANCE")),
			flinks.WithAPIKey(os.Getenv("FLINKS_API_KEY")), flinks.WithSecretKey(os.Getenv("FLINKS_SECRET_KEY")))
		if err != nil {
			log.Fatal(err)
		}
		auth, err := client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: loginID, MostRecentCached: true})
		if err != nil {
			log.Fatalf("authorize: %v", err)
		}
		d, err := client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true}, flinks.NoWait())
		switch {
		case err == nil:
			fmt.Printf("data was ready at once (%d accounts); Flinks may still send the webhook\n", len(d.Accounts))
		case sdkerrors.Is(err, sdkerrors.ErrPending):
			fmt.Println("GetAccountsDetail answered 202; waiting for the webhook")
		default:
			log.Fatalf("GetAccountsDetail: %v", err)
		}
	}
	select {
	case wh := <-received:
		printWebhook(wh)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Println("no webhook arrived within", wait)
			return
		}
		fmt.Println("stopped")
	}
}

func printWebhook(wh *flinks.Webhook) {
	if err := wh.Err(); err != nil {
		fmt.Println("webhook reports an error:", err)
		return
	}
	fmt.Printf("webhook %s: %d accounts\n", wh.ResponseType, len(wh.Accounts))
	for _, a := range wh.Accounts {
		fmt.Printf("  %-24s %-10s balance %s %s, %d transactions\n", a.Title, a.Category, a.Balance.Current, a.Currency, len(a.Transactions))
	}
}
