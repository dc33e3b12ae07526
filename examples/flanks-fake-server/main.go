// Command flanks-fake-server serves the in-memory fake Flanks API of package
// flankstest on a port, for curl, non-Go clients and manual testing.
//
//	go run ./examples/flanks-fake-server                 # serve on 127.0.0.1:8766
//	go run ./examples/flanks-fake-server -addr :9000
//	go run ./examples/flanks-fake-server -selftest       # CI: start, call itself, exit 0
//
// On start it prints the base URL, the (fake) client id and secret, a link
// code for TestBank password "1234" and a curl example. Request logs show
// method, path, status and duration only: no tokens, bodies or query strings.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8766", "listen address")
	selftest := flag.Bool("selftest", false, "start on a random port, call the API once, print OK and exit")
	polls := flag.Int("processing-polls", 3, "touches a credential's extraction takes")
	seed := flag.Int64("seed", 1, "seed of the generated data")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if *selftest {
		if err := runSelftest(); err != nil {
			fmt.Fprintln(os.Stderr, "flanks-fake-server selftest FAILED:", err)
			os.Exit(1)
		}
		return
	}
	if err := serve(*addr, log, flankstest.WithProcessingPolls(*polls), flankstest.WithSeed(*seed)); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func serve(addr string, log *slog.Logger, opts ...flankstest.Option) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fake := flankstest.NewHandler(opts...)
	fake.URL = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: logRequests(log, fake.Handler()), ReadHeaderTimeout: 10 * time.Second}

	fmt.Printf("Fake Flanks API listening on %s\n", fake.URL)
	fmt.Printf("  client_id:     %s\n", fake.ClientID)
	fmt.Printf("  client_secret: %s   (fake value)\n", fake.ClientSecret)
	fmt.Printf("  link code for TestBank password \"1234\": %s\n\n", fake.NewLinkCode("1234"))
	fmt.Printf("Try:\n  TOKEN=$(curl -s -X POST %s/v0/token -H 'Content-Type: application/json' \\\n"+
		"    -d '{\"client_id\":\"%s\",\"client_secret\":\"%s\",\"grant_type\":\"client_credentials\"}' | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n"+
		"  curl -s %s/v0/bank/available -H \"Authorization: Bearer $TOKEN\"\n\n",
		fake.URL, fake.ClientID, fake.ClientSecret, fake.URL)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// statusRecorder captures the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// logRequests logs method, path, status and duration; never headers, query
// strings or bodies, which carry tokens and credentials.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start).Round(time.Microsecond))
	})
}

// runSelftest starts the fake on a random port, fetches a token and lists
// entities with plain net/http, then shuts down.
func runSelftest() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fake := flankstest.NewHandler()
	fake.URL = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	body, _ := json.Marshal(map[string]string{
		"client_id": fake.ClientID, "client_secret": fake.ClientSecret, "grant_type": "client_credentials",
	})
	resp, err := client.Post(fake.URL+"/v0/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return fmt.Errorf("token: status %d, decode error %v", resp.StatusCode, err)
	}

	req, err := http.NewRequest(http.MethodGet, fake.URL+"/v0/bank/available", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var entities []struct {
		ID string `json:"id"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &entities) != nil || len(entities) == 0 || entities[0].ID != "testbank" {
		return fmt.Errorf("entities: status %d", resp.StatusCode)
	}
	fmt.Printf("flanks-fake-server selftest OK: token issued, %d entities listed\n", len(entities))
	return nil
}
