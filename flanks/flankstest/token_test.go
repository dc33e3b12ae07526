package flankstest_test

import (
	"encoding/json"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

func TestToken(t *testing.T) {
	a := newAPI(t, flankstest.WithClientID("id-1"), flankstest.WithClientSecret("s3cret"))
	good := map[string]string{"client_id": "id-1", "client_secret": "s3cret", "grant_type": "client_credentials"}
	with := func(k, v string) []byte {
		m := map[string]string{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return mustJSON(m)
	}
	form := url.Values{"client_id": {"id-1"}, "client_secret": {"s3cret"}, "grant_type": {"client_credentials"}}.Encode()
	tests := []struct {
		name        string
		method, ct  string
		body        []byte
		wantStatus  int
		wantError   string
		wantErrCode int
	}{
		{"json", "POST", "application/json", mustJSON(good), 200, "", 0},
		{"json charset", "POST", "application/json; charset=utf-8", mustJSON(good), 200, "", 0},
		{"form encoded", "POST", "application/x-www-form-urlencoded", []byte(form), 200, "", 0},
		{"wrong secret", "POST", "application/json", with("client_secret", "nope"), 403, "access_denied", 0},
		{"wrong id", "POST", "application/json", with("client_id", "nope"), 403, "access_denied", 0},
		{"wrong grant", "POST", "application/json", with("grant_type", "password"), 403, "access_denied", 0},
		{"missing fields", "POST", "application/json", []byte(`{}`), 403, "access_denied", 0},
		{"malformed", "POST", "application/json", []byte(`{"client_id":`), 400, "Invalid body", 40001},
		{"text body", "POST", "text/plain", []byte("hello"), 415, "Not matching body content type", 0},
		{"wrong method", "GET", "", nil, 405, "Method not allowed", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.raw(tc.method, "/v0/token", tc.ct, tc.body, "")
			if tc.wantStatus != 200 {
				wantV0(t, st, body, tc.wantStatus, tc.wantError, tc.wantErrCode)
				return
			}
			if st != 200 {
				t.Fatalf("status %d: %s", st, body)
			}
			m := obj(t, body)
			if m["token_type"] != "Bearer" || m["expires_in"] != json.Number("3600") || m["scope"] == "" || m["access_token"] == "" {
				t.Fatalf("bad token response %s", body)
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, path, auth string
		v2               bool
	}{
		{"no header", "/v0/bank/available", "", false},
		{"unknown token", "/v0/bank/credentials/list", "Bearer nope", false},
		{"basic scheme", "/v0/bank/credentials/list", "Basic " + a.token, false},
		{"connect v2 keeps legacy 401", "/connect/v2/connectors/list-connectors", "", false},
		{"links api", "/v0/links/list-links", "", false},
		{"letters uses envelope", "/letters/v1/create-signed", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.path == "/v0/bank/available" {
				method = "GET"
			}
			st, body := a.rawHeader(method, tc.path, tc.auth)
			if tc.v2 {
				wantV2(t, st, body, 401, "UNAUTHENTICATED")
				return
			}
			wantV0(t, st, body, 401, "Invalid credentials", 0)
		})
	}
}

func TestTokenExpiryWithClock(t *testing.T) {
	clk := newClock()
	a := newAPI(t, flankstest.WithClock(clk.Now), flankstest.WithTokenTTL(10*time.Minute))
	st, body := a.raw("POST", "/v0/token", "application/json", mustJSON(map[string]string{
		"client_id": a.srv.ClientID, "client_secret": a.srv.ClientSecret, "grant_type": "client_credentials"}), "")
	if st != 200 || obj(t, body)["expires_in"] != json.Number("600") {
		t.Fatalf("expires_in: %d %s", st, body)
	}
	if st, _ := a.do("GET", "/v0/bank/available", nil); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	clk.Advance(9 * time.Minute)
	if st, _ := a.do("GET", "/v0/bank/available", nil); st != 200 {
		t.Fatalf("token before expiry: %d", st)
	}
	clk.Advance(2 * time.Minute)
	st, body = a.do("GET", "/v0/bank/available", nil)
	wantV0(t, st, body, 401, "Invalid credentials", 0)
	a.token = a.fetchToken()
	if st, _ := a.do("GET", "/v0/bank/available", nil); st != 200 {
		t.Fatalf("new token: %d", st)
	}
}

func TestRevokeOldTokens(t *testing.T) {
	for _, revoke := range []bool{false, true} {
		a := newAPI(t, flankstest.WithRevokeOldTokens(revoke))
		first := a.token
		second := a.fetchToken()
		st, _ := a.raw("GET", "/v0/bank/available", "", nil, first)
		if want := map[bool]int{false: 200, true: 401}[revoke]; st != want {
			t.Fatalf("revoke=%v: old token answered %d, want %d", revoke, st, want)
		}
		if st, _ := a.raw("GET", "/v0/bank/available", "", nil, second); st != 200 {
			t.Fatalf("revoke=%v: new token answered %d", revoke, st)
		}
	}
}

func TestExpireTokensAndCounts(t *testing.T) {
	a := newAPI(t)
	if n := a.srv.TokenRequests(); n != 1 {
		t.Fatalf("TokenRequests = %d, want 1", n)
	}
	a.srv.ExpireTokens()
	st, body := a.do("GET", "/v0/bank/available", nil)
	wantV0(t, st, body, 401, "Invalid credentials", 0)
	a.token = a.fetchToken()
	if st, _ := a.do("GET", "/v0/bank/available", nil); st != 200 {
		t.Fatalf("after refresh: %d", st)
	}
	if n := a.srv.TokenRequests(); n != 2 {
		t.Fatalf("TokenRequests = %d, want 2", n)
	}
	if n := a.srv.Requests("/v0/bank/available"); n != 2 {
		t.Fatalf("Requests(available) = %d, want 2", n)
	}
	if n := a.srv.Requests(""); n != 4 {
		t.Fatalf("Requests(all) = %d, want 4", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(5))
	tok := a.exchange("1234")
	var wg sync.WaitGroup
	errs := make(chan string, 256)
	for i := 0; i < 256; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var path string
			switch i % 4 {
			case 0:
				path = "/v0/bank/credentials/status"
			case 1:
				path = "/v0/bank/credentials/account"
			case 2:
				path = "/v0/bank/credentials/portfolio"
			default:
				a.srv.NewLinkCode("1234")
				path = "/v0/bank/credentials/list"
			}
			st, body, err := postNoFatal(a.srv.URL+path, a.token, map[string]any{"credentials_token": tok})
			if err != nil {
				errs <- err.Error()
				return
			}
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			if st != 200 && !(st == 400 && m["error_code"] == float64(20002)) {
				errs <- path + ": " + string(body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
