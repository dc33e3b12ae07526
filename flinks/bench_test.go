package flinks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
	"github.com/bankdata-go/bankdata/internal/benchbase"
)

// The benchmark decodes the same GetAccountsDetail answer through the SDK
// and through a hand-written net/http + encoding/json baseline with float64
// money and string dates, served by the same httptest server. Two sizes, each
// generated once by flinkstest: 10 accounts × 8,000 transactions (12.7 MB;
// flinkstest's transactions are compact, ~160 bytes) and 10 × 12,600
// (20 MB, the figure of the issue). Bars (20 MB): sdk/baseline time ≤ 1.10,
// allocations ≤ 1.20; the "interleaved" sub-benchmark reports both ratios
// from one loop that alternates the two sides (and cpu-ratio, the time
// ratio in process CPU time, which other processes' load does not skew).
//
//	go test -run '^$' -bench GetAccountsDetail -benchtime=10x -count=3 ./flinks/

type benchPayloadT struct {
	once sync.Once
	body []byte
	rid  string
}

var benchPayloads = map[int]*benchPayloadT{8000: {}, 12600: {}}

func benchPayload(b *testing.B, perAccount int) ([]byte, string) {
	p := benchPayloads[perAccount]
	p.once.Do(func() {
		srv := flinkstest.NewServer(flinkstest.WithAccounts(10), flinkstest.WithTransactions(perAccount), flinkstest.WithSeed(42))
		defer srv.Close()
		c, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey(srv.APIKey), flinks.WithSecretKey(srv.SecretKey))
		if err != nil {
			panic(err)
		}
		auth, err := c.Authorize(context.Background(), flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
		if err != nil {
			panic(err)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v3/"+srv.CustomerID+"/BankingServices/GetAccountsDetail",
			bytes.NewReader([]byte(`{"RequestId":"`+auth.RequestID+`","WithTransactions":true,"WithKYC":true,"WithAccountIdentity":true}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-api-key", srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		p.body, err = io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			panic("bench payload")
		}
		p.rid = auth.RequestID
	})
	if len(p.body) < perAccount*10*100 {
		b.Fatalf("payload is only %d bytes", len(p.body))
	}
	return p.body, p.rid
}

// baseDetail is the baseline's model: what a hand-written client would
// declare.
type baseDetail = benchbase.Detail

func BenchmarkGetAccountsDetail(b *testing.B) {
	for _, per := range []int{8000, 12600} {
		b.Run(fmt.Sprintf("10x%d", per), func(b *testing.B) { benchDetail(b, per) })
	}
}

func benchDetail(b *testing.B, perAccount int) {
	body, rid := benchPayload(b, perAccount)
	b.Logf("payload: %d bytes, %d transactions", len(body), 10*perAccount)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	wantTx := 10 * perAccount

	c, err := flinks.NewClient("bench-customer", flinks.WithBaseURL(ts.URL), flinks.WithAPIKey("k"),
		flinks.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	if err != nil {
		b.Fatal(err)
	}
	defer c.HTTPClient().CloseIdleConnections()
	ctx := context.Background()
	sdkReq := flinks.AccountsDetailRequest{RequestID: rid, WithTransactions: true, WithKYC: true, WithAccountIdentity: true}
	sdk := func() {
		d, err := c.GetAccountsDetail(ctx, sdkReq)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, a := range d.Accounts {
			n += len(a.Transactions)
		}
		if n != wantTx {
			b.Fatalf("%d transactions", n)
		}
	}

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	url := ts.URL + "/v3/bench-customer/BankingServices/GetAccountsDetail"
	baseline := func() {
		payload, _ := json.Marshal(map[string]any{"RequestId": rid, "WithTransactions": true, "WithKYC": true, "WithAccountIdentity": true})
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-api-key", "k")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var d baseDetail
		err = json.NewDecoder(resp.Body).Decode(&d)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp.StatusCode)
		}
		n := 0
		for _, a := range d.Accounts {
			n += len(a.Transactions)
		}
		if n != wantTx {
			b.Fatalf("%d transactions", n)
		}
	}

	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			sdk()
		}
	})

	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			baseline()
		}
	})

	// Interleaved: both sides alternate within one loop (order swapped every
	// iteration), so that the load of a shared machine hits them alike.
	// sdk/baseline is the time ratio (bar 1.10), allocs-ratio and
	// bytes-ratio the allocation ratios (bar 1.20).
	b.Run("interleaved", func(b *testing.B) {
		var tSDK, tBase, cSDK, cBase time.Duration
		var aSDK, aBase, bSDK, bBase uint64
		var m0, m1 runtime.MemStats
		step := func(f func(), d, cpu *time.Duration, allocs, nbytes *uint64) {
			runtime.ReadMemStats(&m0)
			c0, t0 := cpuTime(), time.Now()
			f()
			*d += time.Since(t0)
			*cpu += cpuTime() - c0
			runtime.ReadMemStats(&m1)
			*allocs += m1.Mallocs - m0.Mallocs
			*nbytes += m1.TotalAlloc - m0.TotalAlloc
		}
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				step(sdk, &tSDK, &cSDK, &aSDK, &bSDK)
				step(baseline, &tBase, &cBase, &aBase, &bBase)
			} else {
				step(baseline, &tBase, &cBase, &aBase, &bBase)
				step(sdk, &tSDK, &cSDK, &aSDK, &bSDK)
			}
		}
		b.ReportMetric(float64(tSDK)/float64(tBase), "sdk/baseline")
		if cBase > 0 {
			// The same ratio in process CPU time, blind to other processes.
			b.ReportMetric(float64(cSDK)/float64(cBase), "cpu-ratio")
		}
		b.ReportMetric(float64(aSDK)/float64(aBase), "allocs-ratio")
		b.ReportMetric(float64(bSDK)/float64(bBase), "bytes-ratio")
	})
}
