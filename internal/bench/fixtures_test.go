package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
	"github.com/bankdata-go/bankdata/internal/benchbase"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// The benchmarks replay answers captured once from the fakes (flinkstest,
// flankstest): realistic bytes, served by a canned loopback server that
// costs next to nothing, so that the figures measure the clients rather
// than the fakes' bookkeeping.

const (
	flinksCustomer = "bench-customer"
	flinksAPIKey   = "bench-api-key"
	flinksSecret   = "bench-secret-key"
	flanksToken    = "bench-access-token"
	flanksCredTok  = "bench-credentials-token"
)

// flinksFixture holds real answers of the Flinks fake for a cached
// Authorize of a user with 3 accounts × 40 transactions.
type flinksFixture struct {
	tokenBody, authorizeBody, detailBody []byte
	token, loginID, requestID            string
	transactions                         int // in detailBody
}

var flinksFix = sync.OnceValues(func() (*flinksFixture, error) {
	srv := flinkstest.NewServer(flinkstest.WithSeed(42), flinkstest.WithCustomerID(flinksCustomer),
		flinkstest.WithAPIKey(flinksAPIKey), flinkstest.WithSecretKey(flinksSecret))
	defer srv.Close()
	f := &flinksFixture{loginID: srv.LoginID(flinkstest.UserNoMFA)}
	base := srv.URL + "/v3/" + flinksCustomer + "/BankingServices/"
	var err error
	if f.tokenBody, err = rawPost(base+"GenerateAuthorizeToken", "flinks-auth-key", flinksSecret, ""); err != nil {
		return nil, err
	}
	var tr struct{ Token string }
	if err := json.Unmarshal(f.tokenBody, &tr); err != nil || tr.Token == "" {
		return nil, fmt.Errorf("token answer: %v", err)
	}
	f.token = tr.Token
	f.authorizeBody, err = rawPost(base+"Authorize", "flinks-auth-key", f.token, fmt.Sprintf(`{"LoginId":%q,"MostRecentCached":true}`, f.loginID))
	if err != nil {
		return nil, err
	}
	var ar struct {
		RequestID string `json:"RequestId"`
	}
	if err := json.Unmarshal(f.authorizeBody, &ar); err != nil || ar.RequestID == "" {
		return nil, fmt.Errorf("authorize answer: %v", err)
	}
	f.requestID = ar.RequestID
	f.detailBody, err = rawPost(base+"GetAccountsDetail", "x-api-key", flinksAPIKey,
		fmt.Sprintf(`{"RequestId":%q,"WithTransactions":true,"WithKYC":true,"WithAccountIdentity":true}`, f.requestID))
	if err != nil {
		return nil, err
	}
	var d baseDetail
	if err := json.Unmarshal(f.detailBody, &d); err != nil {
		return nil, err
	}
	for _, a := range d.Accounts {
		f.transactions += len(a.Transactions)
	}
	if f.transactions == 0 {
		return nil, errors.New("no transactions in the detail answer")
	}
	return f, nil
})

// flanksFixture holds a real GetAccounts answer of the Flanks fake.
type flanksFixture struct {
	accountsBody []byte
	accounts     int
}

var flanksFix = sync.OnceValues(func() (*flanksFixture, error) {
	srv := flankstest.NewServer(flankstest.WithSeed(42), flankstest.WithProcessingPolls(0))
	defer srv.Close()
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret, flanks.WithBaseURL(srv.URL))
	if err != nil {
		return nil, err
	}
	ct, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("1234"))
	if err != nil {
		return nil, err
	}
	tb, err := rawPost(srv.URL+"/v0/token", "", "",
		fmt.Sprintf(`{"client_id":%q,"client_secret":%q,"grant_type":"client_credentials"}`, srv.ClientID, srv.ClientSecret))
	if err != nil {
		return nil, err
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(tb, &tr); err != nil {
		return nil, err
	}
	f := &flanksFixture{}
	f.accountsBody, err = rawPost(srv.URL+"/v0/bank/credentials/account", "Authorization", "Bearer "+tr.AccessToken,
		fmt.Sprintf(`{"credentials_token":%q}`, ct))
	if err != nil {
		return nil, err
	}
	var accts []baseFlanksAccount
	if err := json.Unmarshal(f.accountsBody, &accts); err != nil || len(accts) == 0 {
		return nil, fmt.Errorf("accounts answer: %d accounts, %v", len(accts), err)
	}
	f.accounts = len(accts)
	return f, nil
})

func rawPost(url, header, value, body string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if header != "" {
		req.Header.Set(header, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return b, nil
}

func fixtures(b testing.TB) (*flinksFixture, *flanksFixture) {
	fi, err := flinksFix()
	if err != nil {
		b.Fatal(err)
	}
	fa, err := flanksFix()
	if err != nil {
		b.Fatal(err)
	}
	return fi, fa
}

// writeJSON writes a canned answer with its Content-Length, as a real
// server would.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var (
	flinksDenied     = []byte(`{"HttpStatusCode":401,"FlinksCode":"ACCESS_DENIED","Message":"Authentication was unsuccessful"}`)
	flanksDenied     = []byte(`{"error":"Invalid credentials"}`)
	flanksTokenBody  = []byte(`{"access_token":"` + flanksToken + `","expires_in":3600,"token_type":"Bearer","scope":"read"}`)
	flanksProcessing = []byte(`{"error":"Retrieving user data. Please try again in a moment.","error_code":20002}`)
)

func flinksPending(requestID string) []byte {
	return []byte(`{"HttpStatusCode":202,"FlinksCode":"OPERATION_PENDING","Message":"Your operation is still processing","RequestId":"` + requestID + `"}`)
}

// cannedHandler answers the Flinks GenerateAuthorizeToken, Authorize and
// GetAccountsDetail(Async) and the Flanks token and account calls with the
// fixtures, checking each call's credential header. ready, when set, says
// whether the data calls answer with data (else 202 OPERATION_PENDING or
// PROCESSING); count, when set, counts the data calls.
func cannedHandler(fi *flinksFixture, fa *flanksFixture, ready func() bool, count func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "/BankingServices/GenerateAuthorizeToken"):
			if r.Header.Get("flinks-auth-key") != flinksSecret {
				writeJSON(w, http.StatusUnauthorized, flinksDenied)
				return
			}
			writeJSON(w, http.StatusOK, fi.tokenBody)
		case strings.HasSuffix(p, "/BankingServices/Authorize"):
			if r.Header.Get("flinks-auth-key") != fi.token {
				writeJSON(w, http.StatusUnauthorized, flinksDenied)
				return
			}
			writeJSON(w, http.StatusOK, fi.authorizeBody)
		case strings.HasSuffix(p, "/BankingServices/GetAccountsDetail") || strings.Contains(p, "/BankingServices/GetAccountsDetailAsync/"):
			if r.Header.Get("x-api-key") != flinksAPIKey {
				writeJSON(w, http.StatusUnauthorized, flinksDenied)
				return
			}
			if count != nil {
				count()
			}
			if ready != nil && !ready() {
				writeJSON(w, http.StatusAccepted, flinksPending(fi.requestID))
				return
			}
			writeJSON(w, http.StatusOK, fi.detailBody)
		case p == "/v0/token":
			writeJSON(w, http.StatusOK, flanksTokenBody)
		case p == "/v0/bank/credentials/account":
			if r.Header.Get("Authorization") != "Bearer "+flanksToken {
				writeJSON(w, http.StatusUnauthorized, flanksDenied)
				return
			}
			if count != nil {
				count()
			}
			if ready != nil && !ready() {
				writeJSON(w, http.StatusBadRequest, flanksProcessing)
				return
			}
			writeJSON(w, http.StatusOK, fa.accountsBody)
		default:
			http.NotFound(w, r)
		}
	})
}

func cannedServer(b testing.TB, ready func() bool, count func()) *httptest.Server {
	fi, fa := fixtures(b)
	srv := httptest.NewServer(cannedHandler(fi, fa, ready, count))
	b.Cleanup(srv.Close)
	return srv
}

// ---- the hand-written baseline ----

// baseDetail is the baseline's model: what a hand-written client would
// declare.
type baseDetail = benchbase.Detail

type baseAuthorize struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	RequestID      string `json:"RequestId"`
	Institution    string `json:"Institution"`
	Login          *struct {
		ID string `json:"Id"`
	} `json:"Login"`
	FlinksCode string `json:"FlinksCode"`
}

type baseDetailRequest struct {
	RequestID           string `json:"RequestId"`
	WithTransactions    bool   `json:"WithTransactions"`
	WithKYC             bool   `json:"WithKYC"`
	WithAccountIdentity bool   `json:"WithAccountIdentity"`
}

// What a hand-written Flanks client would declare for /account.
type baseFlanksAccount struct {
	ID                 string   `json:"_id"`
	AccountID          string   `json:"account_id"`
	IBAN               string   `json:"iban"`
	Entity             string   `json:"entity"`
	Alias              string   `json:"alias"`
	Description        string   `json:"description"`
	Balance            float64  `json:"balance"`
	Currency           string   `json:"currency"`
	Type               string   `json:"type"`
	IsOwner            bool     `json:"isOwner"`
	NumOwners          int      `json:"numOwners"`
	Owners             []string `json:"owners"`
	ExternalID         string   `json:"external_id"`
	UpdatedAtTimestamp int64    `json:"updated_at_timestamp"`
}

// baseline is the hand-written client: one http.Client, requests built
// and decoded inline, no retries.
type baseline struct {
	hc   *http.Client
	base string // server URL
}

// newBaselineClient returns a client configured as a careful hand-written
// one would be: the default transport's settings, with enough idle
// connections per host for conns concurrent callers, and a per-request
// timeout, like the SDK's default client (without one, a server that
// stops answering hangs the caller for good). BenchmarkConcurrent256 also
// compares with a client without the timeout.
func newBaselineClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if conns > t.MaxIdleConnsPerHost {
		t.MaxIdleConnsPerHost = conns
		t.MaxIdleConns = max(t.MaxIdleConns, conns)
	}
	return &http.Client{Transport: t, Timeout: transport.DefaultTimeout}
}

func (bl *baseline) do(req *http.Request, want int, out any) (status int, err error) {
	resp, err := bl.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

func (bl *baseline) flinksURL(op string) string {
	return bl.base + "/v3/" + flinksCustomer + "/BankingServices/" + op
}

// flinksToken is POST GenerateAuthorizeToken.
func (bl *baseline) flinksToken(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bl.flinksURL("GenerateAuthorizeToken"), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("flinks-auth-key", flinksSecret)
	var tr struct {
		Token string `json:"Token"`
	}
	if st, err := bl.do(req, http.StatusOK, &tr); err != nil || st != http.StatusOK || tr.Token == "" {
		return "", fmt.Errorf("token: HTTP %d, %v", st, err)
	}
	return tr.Token, nil
}

// flinksAuthorize is a cached POST Authorize with a fresh token.
func (bl *baseline) flinksAuthorize(ctx context.Context, loginID string) (string, error) {
	tok, err := bl.flinksToken(ctx)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(struct {
		LoginID          string `json:"LoginId"`
		MostRecentCached bool   `json:"MostRecentCached"`
	}{loginID, true})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bl.flinksURL("Authorize"), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("flinks-auth-key", tok)
	var ar baseAuthorize
	if st, err := bl.do(req, http.StatusOK, &ar); err != nil || st != http.StatusOK || ar.RequestID == "" {
		return "", fmt.Errorf("authorize: HTTP %d, %v", st, err)
	}
	return ar.RequestID, nil
}

// flinksDetail is one POST GetAccountsDetail; pending reports a 202.
func (bl *baseline) flinksDetail(ctx context.Context, requestID string) (d *baseDetail, pending bool, err error) {
	body, err := json.Marshal(baseDetailRequest{RequestID: requestID, WithTransactions: true, WithKYC: true, WithAccountIdentity: true})
	if err != nil {
		return nil, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bl.flinksURL("GetAccountsDetail"), bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", flinksAPIKey)
	return bl.detailAnswer(req)
}

// flinksDetailAsync is one GET GetAccountsDetailAsync/{requestId}.
func (bl *baseline) flinksDetailAsync(ctx context.Context, requestID string) (d *baseDetail, pending bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, bl.flinksURL("GetAccountsDetailAsync/"+requestID), nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("x-api-key", flinksAPIKey)
	return bl.detailAnswer(req)
}

func (bl *baseline) detailAnswer(req *http.Request) (*baseDetail, bool, error) {
	var d baseDetail
	st, err := bl.do(req, http.StatusOK, &d)
	switch {
	case err != nil:
		return nil, false, err
	case st == http.StatusAccepted:
		return nil, true, nil
	case st != http.StatusOK || d.FlinksCode != "":
		return nil, false, fmt.Errorf("GetAccountsDetail: HTTP %d %s", st, d.FlinksCode)
	}
	return &d, false, nil
}

// flanksAccounts is one POST /v0/bank/credentials/account with a cached
// token; processing reports a 400 with error_code 20002.
func (bl *baseline) flanksAccounts(ctx context.Context) (accts []baseFlanksAccount, processing bool, err error) {
	body, err := json.Marshal(struct {
		CredentialsToken string `json:"credentials_token"`
	}{flanksCredTok})
	if err != nil {
		return nil, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bl.base+"/v0/bank/credentials/account", bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+flanksToken)
	resp, err := bl.hc.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusBadRequest {
		var e struct {
			ErrorCode int `json:"error_code"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&e); err == nil && e.ErrorCode == 20002 {
			return nil, true, nil
		}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("account: HTTP %d", resp.StatusCode)
	}
	err = json.NewDecoder(resp.Body).Decode(&accts)
	return accts, false, err
}
