package flinks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// The benchmark decodes the same GetAccountsDetail answer through the SDK
// and through a hand-written net/http + encoding/json baseline with float64
// money and string dates, served by the same httptest server. Two sizes, each
// generated once by flinkstest: 10 accounts × 8,000 transactions (12.7 MB;
// flinkstest's transactions are compact, ~160 bytes) and 10 × 12,600
// (20 MB).
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

// Baseline model: what a hand-written client would declare.
type baseTransaction struct {
	ID          string  `json:"Id"`
	Date        string  `json:"Date"`
	Code        *string `json:"Code"`
	Description string  `json:"Description"`
	Debit       float64 `json:"Debit"`
	Credit      float64 `json:"Credit"`
	Balance     float64 `json:"Balance"`
}

type baseAccount struct {
	ID             string `json:"Id"`
	Title          string `json:"Title"`
	AccountNumber  string `json:"AccountNumber"`
	LastFourDigits string `json:"LastFourDigits"`
	Balance        struct {
		Available float64 `json:"Available"`
		Current   float64 `json:"Current"`
		Limit     float64 `json:"Limit"`
	} `json:"Balance"`
	Category    string `json:"Category"`
	Type        string `json:"Type"`
	Currency    string `json:"Currency"`
	AccountType string `json:"AccountType"`
	Holder      *struct {
		Name    string `json:"Name"`
		Address *struct {
			CivicAddress, City, Province, PostalCode, POBox, Country string
		} `json:"Address"`
		Email       string `json:"Email"`
		PhoneNumber string `json:"PhoneNumber"`
	} `json:"Holder"`
	TransitNumber     string            `json:"TransitNumber"`
	InstitutionNumber string            `json:"InstitutionNumber"`
	OverdraftLimit    float64           `json:"OverdraftLimit"`
	Transactions      []baseTransaction `json:"Transactions"`
}

type baseDetail struct {
	HTTPStatusCode  int           `json:"HttpStatusCode"`
	Accounts        []baseAccount `json:"Accounts"`
	InstitutionName string        `json:"InstitutionName"`
	Login           *struct {
		Username           string `json:"Username"`
		IsScheduledRefresh bool   `json:"IsScheduledRefresh"`
		LastRefresh        string `json:"LastRefresh"`
		Type               string `json:"Type"`
		ID                 string `json:"Id"`
	} `json:"Login"`
	InstitutionID int    `json:"InstitutionId"`
	Institution   string `json:"Institution"`
	RequestID     string `json:"RequestId"`
}

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

	b.Run("sdk", func(b *testing.B) {
		c, err := flinks.NewClient("bench-customer", flinks.WithBaseURL(ts.URL), flinks.WithAPIKey("k"),
			flinks.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		req := flinks.AccountsDetailRequest{RequestID: rid, WithTransactions: true, WithKYC: true, WithAccountIdentity: true}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			d, err := c.GetAccountsDetail(ctx, req)
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
	})

	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{}}
		url := ts.URL + "/v3/bench-customer/BankingServices/GetAccountsDetail"
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
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
	})
}
