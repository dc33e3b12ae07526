package faulttest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

const (
	workers = 256
	// runDeadline bounds the whole run; a deadlock shows as a run that
	// outlives it.
	runDeadline = 20 * time.Second
)

// tally counts the outcomes of the calls by provider and class, and keeps
// the errors that break the contract.
type tally struct {
	mu       sync.Mutex
	outcomes map[string]int
	bad      []string
}

func (t *tally) add(prov, op string, err error) bool {
	class := classify(err)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outcomes[prov+" "+class]++
	if err == nil {
		return true
	}
	var oe *sdkerrors.OperationError
	switch {
	case !errors.As(err, &oe):
		t.bad = append(t.bad, fmt.Sprintf("%s %s: not an *OperationError: %T %v", prov, op, err, err))
	case oe.Operation != op:
		t.bad = append(t.bad, fmt.Sprintf("%s %s: error names operation %s: %v", prov, op, oe.Operation, err))
	case strings.HasPrefix(class, "untyped"):
		t.bad = append(t.bad, fmt.Sprintf("%s %s: untyped cause: %v", prov, op, err))
	case class == "Deadline" || class == "Canceled":
		t.bad = append(t.bad, fmt.Sprintf("%s %s: hit the run deadline: %v", prov, op, err))
	}
	return false
}

// TestConcurrentClients shares one flinks.Client and one flanks.Client
// among 256 goroutines that run whole flows against the fakes while every
// 16th goroutine injects a fault (error codes, HTML 5xx, 429, 200 with an
// error code, a token endpoint failure, expired tokens). Run under -race:
// no race, no deadlock (the run must end well before its deadline), every
// error typed, and no goroutine left once the clients and fakes are closed.
func TestConcurrentClients(t *testing.T) {
	baseline := runtime.NumGoroutine()

	fls := flinkstest.NewServer(flinkstest.WithPendingPolls(1), flinkstest.WithTransactions(10))
	fks := flankstest.NewServer(flankstest.WithProcessingPolls(1))
	fl, err := flinks.NewClient(fls.CustomerID,
		flinks.WithBaseURL(fls.URL), flinks.WithAPIKey(fls.APIKey), flinks.WithSecretKey(fls.SecretKey),
		flinks.WithMaxRetries(2), flinks.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		flinks.WithPollInterval(2*time.Millisecond), flinks.WithPollTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	fk, err := flanks.NewClient(fks.ClientID, fks.ClientSecret,
		flanks.WithBaseURL(fks.URL),
		flanks.WithMaxRetries(2), flanks.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		flanks.WithPollInterval(2*time.Millisecond), flanks.WithPollTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), runDeadline)
	defer cancel()

	// Credentials to read from, made before the faults start.
	var creds []string
	for range 8 {
		ct, err := fk.ExchangeLinkCode(ctx, fks.NewLinkCode("1234"))
		if err != nil {
			t.Fatalf("setup: %v", err)
		}
		creds = append(creds, ct)
	}
	nomfa, pending := fls.LoginID("greatday_nomfa"), fls.LoginID("test_pending")

	faults := []func(){
		func() { fls.InjectError("GetAccountsDetail", "RETRY_LATER", 2) },
		func() { fls.InjectResponse("Institutions", 502, htmlBadGateway, 3) },
		func() { fls.InjectError("Authorize", "TOO_MANY_REQUESTS", 1) },
		func() { fls.InjectResponse("GetAccountsSummaryAsync", 500, "", 2) },
		func() {
			fls.InjectResponse("GenerateAuthorizeToken", 200, `{"HttpStatusCode":200,"FlinksCode":"ACCESS_DENIED"}`, 1)
		},
		func() { fls.InjectResponse("GetAccountsDetail", 200, `{"HttpStatusCode":200,"Accounts":[{"Id":"a"`, 1) },
		func() { fks.InjectError("/v0/bank/credentials/account", 503, `{"error":"Service unavailable"}`, 2) },
		func() { fks.InjectError(flanksTokenPath, 503, "<html>503</html>", 1) },
		func() { fks.ExpireTokens() },
		func() {
			fks.InjectError("/v0/bank/available", 200, `{"error":"Configuration error","error_code":40001}`, 2)
		},
		func() { fks.InjectError("/connect/v2/sessions/create-session", 500, htmlBadGateway, 1) },
		func() {
			fks.InjectError("/v0/bank/credentials/status", 400, `{"error":"Retrieving user data","error_code":20002}`, 3)
		},
		func() {
			fks.InjectError("/connect/v2/connectors/list-connectors", 429, `{"error":"Too many requests"}`, 2)
		},
		func() { fks.InjectError("/v0/bank/credentials/portfolio", 200, "", 1) },
	}

	tl := &tally{outcomes: map[string]int{}}
	flows := []func(i int) bool{
		// Flinks: cached Authorize, then the accounts with transactions.
		func(int) bool {
			auth, err := fl.Authorize(ctx, flinks.AuthorizeRequest{LoginID: nomfa, MostRecentCached: true})
			if !tl.add("flinks", "Authorize", err) {
				return false
			}
			d, err := fl.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true})
			return tl.add("flinks", "GetAccountsDetail", err) && len(d.Accounts) > 0
		},
		// Flinks: a user whose data calls answer 202 first (the client waits).
		func(int) bool {
			auth, err := fl.Authorize(ctx, flinks.AuthorizeRequest{LoginID: pending, MostRecentCached: true})
			if !tl.add("flinks", "Authorize", err) {
				return false
			}
			s, err := fl.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: auth.RequestID})
			return tl.add("flinks", "GetAccountsSummary", err) && len(s.Accounts) > 0
		},
		func(int) bool {
			list, err := fl.Institutions(ctx)
			ok := tl.add("flinks", "Institutions", err) && len(list) > 0
			_, err = fl.GenerateAuthorizeToken(ctx)
			return tl.add("flinks", "GenerateAuthorizeToken", err) && ok
		},
		func(int) bool {
			_, err := fl.GetNightlyRefreshStatus(ctx)
			return tl.add("flinks", "GetNightlyRefreshStatus", err)
		},
		// Flanks: data of an existing credential (waits through PROCESSING).
		func(i int) bool {
			ct := creds[i%len(creds)]
			accts, err := fk.GetAccounts(ctx, flanks.DataRequest{CredentialsToken: ct})
			ok := tl.add("flanks", "GetAccounts", err) && len(accts) > 0
			_, err = fk.GetCredentialStatus(ctx, ct)
			return tl.add("flanks", "GetCredentialStatus", err) && ok
		},
		// Flanks: a new credential from a Link code, then its portfolios.
		func(int) bool {
			ct, err := fk.ExchangeLinkCode(ctx, fks.NewLinkCode("1234"))
			if !tl.add("flanks", "ExchangeLinkCode", err) {
				return false
			}
			if _, err := fk.WaitForCredentials(ctx, ct); !tl.add("flanks", "WaitForCredentials", err) {
				return false
			}
			p, err := fk.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: ct})
			return tl.add("flanks", "GetPortfolios", err) && len(p) > 0
		},
		func(int) bool {
			ents, err := fk.ListEntities(ctx)
			ok := tl.add("flanks", "ListEntities", err) && len(ents) > 0
			n := 0
			for _, err := range fk.ListConnectors(ctx, flanks.ConnectorQuery{}) {
				if !tl.add("flanks", "ListConnectors", err) {
					return false
				}
				if n++; n == 3 {
					break // stop early: the iterator must not leak
				}
			}
			return ok
		},
		func(int) bool {
			s, err := fk.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: "https://app.example/cb"})
			if !tl.add("flanks", "CreateSession", err) {
				return false
			}
			for got, err := range fk.ListSessions(ctx, flanks.SessionQuery{SessionIDIn: []string{s.SessionID}}) {
				return tl.add("flanks", "ListSessions", err) && got.SessionID == s.SessionID
			}
			return false
		},
	}

	start := time.Now()
	var wg sync.WaitGroup
	okCount := make([]atomic.Int64, len(flows))
	ready := make(chan struct{})
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready // start together
			if i%16 == 0 {
				faults[(i/16)%len(faults)]()
			}
			flow := i % len(flows)
			if flows[flow](i) {
				okCount[flow].Add(1)
			}
		}()
	}
	close(ready)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(runDeadline + 5*time.Second):
		t.Fatalf("deadlock: the workers did not finish within %v:\n%s", runDeadline+5*time.Second, allStacks())
	}
	elapsed := time.Since(start)

	fl.HTTPClient().CloseIdleConnections()
	fk.HTTPClient().CloseIdleConnections()
	fls.Close()
	fks.Close()
	cancel()
	if n, ok := settle(baseline, 3*time.Second); !ok {
		t.Errorf("%d goroutines left behind after the run:\n%s", n-baseline, allStacks())
	}

	for _, b := range tl.bad {
		t.Error(b)
	}
	if elapsed > runDeadline/2 {
		t.Errorf("the run took %v, too close to its %v deadline", elapsed, runDeadline)
	}
	keys := make([]string, 0, len(tl.outcomes))
	for k := range tl.outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	oks, errs := 0, 0
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-36s %d\n", k, tl.outcomes[k])
		if strings.HasSuffix(k, " OK") {
			oks += tl.outcomes[k]
		} else {
			errs += tl.outcomes[k]
		}
	}
	t.Logf("%d goroutines, %d flows, %v: %d calls OK, %d typed errors\n%s", workers, len(flows), elapsed.Round(time.Millisecond), oks, errs, b.String())
	for flow := range flows {
		if okCount[flow].Load() == 0 {
			t.Errorf("flow %d never succeeded", flow)
		}
	}
	if errs == 0 {
		t.Error("no injected fault reached a call")
	}
}
