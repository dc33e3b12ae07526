package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flinks"
)

// handlerTransport serves requests with an http.Handler in memory: no
// sockets, so it works inside a synctest bubble.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	sr := r.Clone(r.Context()) // what a server sees: a non-nil Body
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	t.h.ServeHTTP(rec, sr)
	_ = sr.Body.Close()
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// TestWaitReturnsWithinOneInterval is the waiting property of
// BenchmarkWaitReady, exact in fake time: with the data ready T after the
// call starts, a waiting call returns at most one poll interval after T
// (one jittered interval, for Flanks' default 10% jitter), never before T,
// and sends at most T/interval + 2 data requests.
func TestWaitReturnsWithinOneInterval(t *testing.T) {
	fi, fa := fixtures(t) // captured from the fakes over loopback: outside the bubbles
	ctx := context.Background()

	type provider struct {
		name     string
		interval time.Duration
		jitter   float64
		call     func(hc *http.Client, interval time.Duration, jitter float64) error
	}
	providers := []provider{
		{"flinks GetAccountsDetail", flinks.DefaultPollInterval, 0, func(hc *http.Client, interval time.Duration, _ float64) error {
			c, err := flinks.NewClient(flinksCustomer, flinks.WithBaseURL("http://flinks.test"), flinks.WithAPIKey(flinksAPIKey),
				flinks.WithHTTPClient(hc), flinks.WithPollInterval(interval))
			if err != nil {
				return err
			}
			d, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: fi.requestID, WithTransactions: true})
			if err == nil && len(d.Accounts) == 0 {
				err = fmt.Errorf("no accounts")
			}
			return err
		}},
		{"flanks GetAccounts", flanks.DefaultPollInterval, 0, nil},
		{"flanks GetAccounts, default jitter", flanks.DefaultPollInterval, 0.1, nil},
	}
	flanksCall := func(hc *http.Client, interval time.Duration, jitter float64) error {
		c, err := flanks.NewClient("bench-id", "bench-secret", flanks.WithBaseURL("http://flanks.test"),
			flanks.WithHTTPClient(hc), flanks.WithPollInterval(interval), flanks.WithPollJitter(jitter))
		if err != nil {
			return err
		}
		a, err := c.GetAccounts(ctx, flanks.DataRequest{CredentialsToken: flanksCredTok})
		if err == nil && len(a) != fa.accounts {
			err = fmt.Errorf("%d accounts, want %d", len(a), fa.accounts)
		}
		return err
	}
	providers[1].call, providers[2].call = flanksCall, flanksCall

	for _, p := range providers {
		for _, T := range []time.Duration{0, time.Millisecond, p.interval / 2, p.interval, 3*p.interval + p.interval/2,
			19*p.interval - time.Millisecond, 5 * time.Minute, 14 * time.Minute} {
			t.Run(fmt.Sprintf("%s/T=%v", p.name, T), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var requests atomic.Int64
					readyAt := time.Now().Add(T)
					h := cannedHandler(fi, fa, func() bool { return !time.Now().Before(readyAt) }, func() { requests.Add(1) })
					if err := p.call(&http.Client{Transport: handlerTransport{h}}, p.interval, p.jitter); err != nil {
						t.Fatal(err)
					}
					after := time.Since(readyAt)
					slack := time.Duration(float64(p.interval) * (1 + p.jitter))
					maxRequests := int64(T/p.interval) + 2
					if after < 0 || after > slack {
						t.Errorf("returned %v after the data was ready, want within [0, %v]", after, slack)
					}
					if n := requests.Load(); n > maxRequests {
						t.Errorf("%d requests, want at most T/interval + 2 = %d", n, maxRequests)
					}
				})
			})
		}
	}
}
