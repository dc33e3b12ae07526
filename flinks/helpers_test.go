package flinks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/bankdata-go/bankdata/flinks"
)

// Distinctive values, so a leak is easy to spot.
const (
	testHost      = "https://flinks.test"
	testPrefix    = "/gw/api"
	testCID       = "cid-5ec12e7-customer"
	testAPIKey    = "apikey-LEAKCHECK-1111"
	testSecretKey = "secret-LEAKCHECK-2222"
	testToken     = "token-LEAKCHECK-3333"
	testRequestID = "9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10"
	testLoginID   = "5602459c-f6d0-4ca0-6750-08dccdcadcc0"
)

// bsPath is the full path of a BankingServices operation under the test
// prefix.
func bsPath(op string) string {
	return testPrefix + "/v3/" + testCID + "/BankingServices/" + op
}

// anchored turns a full path into a regexp that matches only that path.
func anchored(p string) string { return "^" + regexp.QuoteMeta(p) + "$" }

// newGockClient builds a client whose concrete transport is intercepted by
// gock, with no retries and 1 ms polls unless opts say otherwise.
func newGockClient(t *testing.T, opts ...flinks.Option) *flinks.Client {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{}}
	base := []flinks.Option{
		flinks.WithBaseURL(testHost + testPrefix),
		flinks.WithHTTPClient(hc),
		flinks.WithAPIKey(testAPIKey),
		flinks.WithSecretKey(testSecretKey),
		flinks.WithMaxRetries(0),
		flinks.WithPollInterval(time.Millisecond),
		flinks.WithPollTimeout(time.Second),
	}
	c, err := flinks.NewClient(testCID, append(base, opts...)...)
	require.NoError(t, err)
	gock.Intercept()
	gock.InterceptClient(c.HTTPClient())
	t.Cleanup(func() {
		gock.RestoreClient(c.HTTPClient())
		gock.OffAll()
	})
	return c
}

// mockOp registers a mock for method + the anchored full path of op.
func mockOp(method, op string) *gock.Request {
	return mockPath(method, bsPath(op))
}

// mockPath registers a mock for method + the anchored full path p.
func mockPath(method, p string) *gock.Request {
	r := gock.New(testHost)
	switch method {
	case http.MethodGet:
		return r.Get(anchored(p))
	case http.MethodPost:
		return r.Post(anchored(p))
	case http.MethodPatch:
		return r.Patch(anchored(p))
	case http.MethodDelete:
		return r.Delete(anchored(p))
	}
	panic("unsupported method " + method)
}

func requireDone(t *testing.T) {
	t.Helper()
	require.True(t, gock.IsDone(), "pending mocks: %d", len(gock.Pending()))
	require.False(t, gock.HasUnmatchedRequest(), "unmatched requests")
}

// headerIs matches a header exactly.
func headerIs(name, value string) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		return req.Header.Get(name) == value, nil
	}
}

// headerAbsent matches requests without the header.
func headerAbsent(name string) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		return req.Header.Get(name) == "", nil
	}
}

// bodyCapture records the decoded JSON body of the matched request.
func bodyCapture(dst *map[string]any) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Body == nil {
			*dst = nil
			return true, nil
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return false, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		if len(b) == 0 {
			*dst = nil
			return true, nil
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			return false, err
		}
		*dst = m
		return true, nil
	}
}

func errorBody(status int, code, msg string) map[string]any {
	return map[string]any{"HttpStatusCode": status, "FlinksCode": code, "Message": msg,
		"Links": []map[string]any{{"rel": "Authorization", "href": "/Authorize", "example": nil}}}
}

func pendingBody(code string) map[string]any {
	return map[string]any{"HttpStatusCode": 202, "FlinksCode": code, "Message": "Your operation is still processing",
		"RequestId": testRequestID}
}

// detailJSON is the documented GetAccountsDetail example.
const detailJSON = `{
  "HttpStatusCode": 200,
  "Accounts": [{
    "Transactions": [{"Date": "2025-01-31", "Code": null, "Description": "PAYROLL - Stripe Paycheck",
                      "Debit": null, "Credit": 1500.25, "Balance": 5105.60,
                      "Id": "94584aed-7c98-42a4-9836-9f8557db63f5"},
                     {"Date": "2025-01-30", "Code": 12, "Description": "COFFEE",
                      "Debit": 4.5, "Credit": null, "Balance": 3605.35,
                      "Id": "0b0d4a3e-08b7-4f5b-b1a4-3d6a1b0f2c11"}],
    "TransitNumber": "12347", "InstitutionNumber": "777", "OverdraftLimit": 100.5,
    "Title": "Chequing Account", "AccountNumber": "7641238", "LastFourDigits": null,
    "Balance": {"Available": 5405.5, "Current": 5105.5, "Limit": null},
    "Category": "Operations", "Type": "Chequing", "Currency": "CAD",
    "Holder": {"Name": "Testing",
               "Address": {"CivicAddress": "25 york street", "City": "TOR", "Province": "ON",
                           "PostalCode": "M5J 2V5", "POBox": null, "Country": "CA"},
               "Email": "test_user1@nomail.com", "PhoneNumber": "9051234567"},
    "AccountType": null,
    "Id": "27a9ffa0-c6b9-4cc6-9eaa-aa9efa07a889",
    "SomeFutureField": {"x": 1}
  }],
  "InstitutionName": "FlinksCapital",
  "Login": {"Username": "chat_gpt", "IsScheduledRefresh": false,
            "LastRefresh": "2025-01-31T17:40:54.569261", "Type": "Personal",
            "Id": "5602459c-f6d0-4ca0-6750-08dccdcadcc0"},
  "InstitutionId": 14, "Institution": "FlinksCapital",
  "RequestId": "9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10"
}`
