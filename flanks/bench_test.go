package flanks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// Benchmarks put the SDK side by side with a hand-written net/http +
// encoding/json client doing the same requests against the same server.
//
//	go test -run '^$' -bench . -benchtime 20x -count 3 ./flanks/

// staticServer answers /v0/token with a token and every other path with
// body.
func staticServer(b *testing.B, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v0/token" {
			_, _ = w.Write([]byte(`{"access_token":"bench-token","expires_in":3600,"token_type":"Bearer"}`))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// investmentTxBody fetches 10,000 investment transactions from the fake
// once, so both sides decode the same realistic bytes.
func investmentTxBody(b *testing.B) []byte {
	srv := newFake(b, flankstest.WithInvestmentTransactions(10_000), flankstest.WithProcessingPolls(0))
	c := fakeClient(b, srv)
	tok, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("1234"))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := rawPost(srv.URL, "", "/v0/bank/credentials/investment/transaction", fmt.Sprintf(`{"credentials_token":%q}`, tok), srv.ClientID, srv.ClientSecret)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// rawPost is the baseline's token + POST, returning the body.
func rawPost(base, token, path, body, id, secret string) ([]byte, error) {
	if token == "" {
		tb, err := json.Marshal(map[string]string{"client_id": id, "client_secret": secret, "grant_type": "client_credentials"})
		if err != nil {
			return nil, err
		}
		resp, err := http.Post(base+"/v0/token", "application/json", bytes.NewReader(tb))
		if err != nil {
			return nil, err
		}
		var tr struct {
			AccessToken string `json:"access_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&tr)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		token = tr.AccessToken
	}
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// baselineInvestmentTx is what a hand-written client would declare.
type baselineInvestmentTx struct {
	ID            string  `json:"_id"`
	InvestmentID  string  `json:"investment_id"`
	RefValos      string  `json:"refValos"`
	ISIN          string  `json:"isin"`
	OperationDate string  `json:"operationDate"`
	ValueDate     string  `json:"valueDate"`
	Amount        float64 `json:"amount"`
	Shares        float64 `json:"shares"`
	Price         float64 `json:"price"`
	Currency      string  `json:"currency"`
	Description   string  `json:"description"`
	Type          string  `json:"type"`
	ExternalID    string  `json:"external_id"`
}

func BenchmarkDecodeInvestmentTransactions(b *testing.B) {
	body := investmentTxBody(b)
	srv := staticServer(b, body)
	reqBody := `{"credentials_token":"ct"}`
	c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	req := flanks.DataRequest{CredentialsToken: "ct"}
	sdk := func() {
		txs, err := c.GetInvestmentTransactions(context.Background(), req)
		if err != nil || len(txs) != 10_000 {
			b.Fatal(len(txs), err)
		}
	}
	hc := &http.Client{Transport: &http.Transport{}}
	baseline := func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v0/bank/credentials/investment/transaction", strings.NewReader(reqBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer bench-token")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out []baselineInvestmentTx
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out) != 10_000 {
			b.Fatal(len(out), err)
		}
	}
	sdk() // token and connection
	baseline()
	b.Run("SDK", func(b *testing.B) {
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
	// Interleaved: both sides alternate within one loop, so that the load
	// of a shared machine hits them alike; sdk/baseline is the time ratio.
	b.Run("interleaved", func(b *testing.B) {
		var tSDK, tBase time.Duration
		for i := 0; b.Loop(); i++ {
			first, second := sdk, baseline
			d1, d2 := &tSDK, &tBase
			if i%2 == 1 {
				first, second, d1, d2 = baseline, sdk, &tBase, &tSDK
			}
			t0 := time.Now()
			first()
			t1 := time.Now()
			second()
			*d1 += t1.Sub(t0)
			*d2 += time.Since(t1)
		}
		b.ReportMetric(float64(tSDK)/float64(tBase), "sdk/baseline")
	})
}

// BenchmarkSharedTokenSingleFlight: 64 goroutines start at once on a fresh
// client; the metric token-requests/op must be 1.
func BenchmarkSharedTokenSingleFlight(b *testing.B) {
	var tokenRequests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v0/token" {
			tokenRequests.Add(1)
			_, _ = w.Write([]byte(`{"access_token":"bench-token","expires_in":3600,"token_type":"Bearer"}`))
			return
		}
		_, _ = w.Write([]byte(`[{"id":"testbank","name":"TestBank"}]`))
	}))
	b.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	for b.Loop() {
		c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(srv.URL), flanks.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		var failed atomic.Int32
		for range 64 {
			wg.Go(func() {
				<-start
				if _, err := c.ListEntities(context.Background()); err != nil {
					failed.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if failed.Load() != 0 {
			b.Fatal("calls failed")
		}
	}
	perOp := float64(tokenRequests.Load()) / float64(b.N)
	b.ReportMetric(perOp, "token-requests/op")
	if perOp != 1 {
		b.Fatalf("token requests per 64 callers = %v, want 1", perOp)
	}
}

// pagesServer serves 100 pages of 100 v2 transactions.
func pagesServer(b *testing.B) *httptest.Server {
	const pages, perPage = 100, 100
	bodies := make([][]byte, pages)
	for p := range pages {
		var buf bytes.Buffer
		buf.WriteString(`{"items":[`)
		for i := range perPage {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"transaction_id":"tx-%d-%d","product_id":"prod-%d","connection_id":"conn-1","amount":-%d.%02d,"currency":"EUR","date":"2026-%02d-%02d","description":"COMPRA MERCADONA MADRID %d","labels":{}}`,
				p, i, i%7, 10+i, i, 1+p%12, 1+i%28, i)
		}
		buf.WriteString(`],"next_page_token":`)
		if p == pages-1 {
			buf.WriteString(`null}`)
		} else {
			fmt.Fprintf(&buf, `"page-%d"}`, p+1)
		}
		bodies[p] = buf.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v0/token" {
			_, _ = w.Write([]byte(`{"access_token":"bench-token","expires_in":3600,"token_type":"Bearer"}`))
			return
		}
		var req struct {
			PageToken string `json:"page_token"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		p := 0
		if req.PageToken != "" {
			p, _ = strconv.Atoi(strings.TrimPrefix(req.PageToken, "page-"))
		}
		_, _ = w.Write(bodies[p])
	}))
	b.Cleanup(srv.Close)
	return srv
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkWalk100Pages walks a 100-page v2 list (10,000 items). Memory
// must stay flat: heap-growth-B is the live heap after page 100 minus the
// live heap after page 10 (one walk per run, measured with GCs, outside
// the timed loop); B/page is the allocation per page.
func BenchmarkWalk100Pages(b *testing.B) {
	srv := pagesServer(b)
	b.Run("SDK", func(b *testing.B) {
		c, err := flanks.NewClient("id", "secret", flanks.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		walk := func(onItem func(n int)) {
			n := 0
			for _, err := range c.ListTransactions(context.Background(), flanks.TransactionQuery{ConnectionIDIn: []string{"conn-1"}}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
				if onItem != nil {
					onItem(n)
				}
			}
			if n != 10_000 {
				b.Fatalf("walked %d items", n)
			}
		}
		var at10, at100 uint64
		walk(func(n int) {
			switch n {
			case 1000:
				at10 = heapInUse()
			case 10_000:
				at100 = heapInUse()
			}
		})
		b.ReportAllocs()
		b.ResetTimer()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		for b.Loop() {
			walk(nil)
		}
		runtime.ReadMemStats(&ms1)
		b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/100, "B/page")
		b.ReportMetric(float64(int64(at100)-int64(at10)), "heap-growth-B")
	})
	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{}}
		type tx struct {
			TransactionID string            `json:"transaction_id"`
			ProductID     string            `json:"product_id"`
			ConnectionID  string            `json:"connection_id"`
			Amount        float64           `json:"amount"`
			Currency      string            `json:"currency"`
			Date          string            `json:"date"`
			Description   string            `json:"description"`
			Labels        map[string]string `json:"labels"`
		}
		walk := func() {
			tok, n := "", 0
			for {
				body, _ := json.Marshal(map[string]any{"query": map[string]any{"connection_id_in": []string{"conn-1"}}, "page_token": tok})
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/aggregation/v2/list-transactions", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer bench-token")
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page struct {
					Items         []tx    `json:"items"`
					NextPageToken *string `json:"next_page_token"`
				}
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				n += len(page.Items)
				if page.NextPageToken == nil {
					break
				}
				tok = *page.NextPageToken
			}
			if n != 10_000 {
				b.Fatalf("walked %d", n)
			}
		}
		walk()
		b.ReportAllocs()
		b.ResetTimer()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		for b.Loop() {
			walk()
		}
		runtime.ReadMemStats(&ms1)
		b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/100, "B/page")
	})
}
