package flinks_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
)

const summaryJSON = `{"HttpStatusCode":200,"Accounts":[{"EftEligibleRatio":0.95,"ETransferEligibleRatio":1,
 "Title":"Chequing","AccountNumber":"1111000","LastFourDigits":null,
 "Balance":{"Available":100.10,"Current":90,"Limit":null},"Category":"Operations","Type":"Chequing",
 "Currency":"CAD","Holder":{"Name":"John Doe","Address":null,"Email":null,"PhoneNumber":null},
 "AccountType":"Personal","Id":"acc-1"}],
 "Links":[{"rel":"AccountsDetail","href":"/GetAccountsDetail","example":null}],"Tag":"t1",
 "InstitutionName":"FlinksCapital","Login":{"Username":"u","IsScheduledRefresh":true,
 "LastRefresh":"0001-01-01T00:00:00","Type":"Personal","Id":"5602459c-f6d0-4ca0-6750-08dccdcadcc0"},
 "InstitutionId":14,"Institution":"FlinksCapital","RequestId":"9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10"}`

const statementsJSON = `{"HttpStatusCode":200,"StatementsByAccount":[{"AccountNumber":"1111000",
 "Statements":[{"UniqueId":"st-1","FileType":"PDF","Base64Bytes":"JVBERi0xLjQK"}]}],
 "Login":{"Id":"5602459c-f6d0-4ca0-6750-08dccdcadcc0"},"Institution":"FlinksCapital",
 "RequestId":"9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10"}`

// dataCall runs one of the three waiting data calls and returns the
// RequestID of its result.
type dataCall struct {
	name string // operation
	body string // a 200 body
	call func(c *flinks.Client, ctx context.Context, opts ...flinks.CallOption) (string, error)
}

var dataCalls = []dataCall{
	{"GetAccountsDetail", detailJSON, func(c *flinks.Client, ctx context.Context, opts ...flinks.CallOption) (string, error) {
		d, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: testRequestID, WithTransactions: true}, opts...)
		if err != nil {
			return "", err
		}
		return d.RequestID, nil
	}},
	{"GetAccountsSummary", summaryJSON, func(c *flinks.Client, ctx context.Context, opts ...flinks.CallOption) (string, error) {
		d, err := c.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: testRequestID}, opts...)
		if err != nil {
			return "", err
		}
		return d.RequestID, nil
	}},
	{"GetStatements", statementsJSON, func(c *flinks.Client, ctx context.Context, opts ...flinks.CallOption) (string, error) {
		d, err := c.GetStatements(ctx, flinks.StatementsRequest{RequestID: testRequestID}, opts...)
		if err != nil {
			return "", err
		}
		return d.RequestID, nil
	}},
}

func TestDataCallsImmediate200(t *testing.T) {
	for _, dc := range dataCalls {
		t.Run(dc.name, func(t *testing.T) {
			c := newGockClient(t)
			var body map[string]any
			mockOp(http.MethodPost, dc.name).
				AddMatcher(headerIs("x-api-key", testAPIKey)).
				AddMatcher(headerAbsent("flinks-auth-key")).
				AddMatcher(bodyCapture(&body)).
				Reply(200).BodyString(dc.body)
			rid, err := dc.call(c, t.Context())
			require.NoError(t, err)
			require.Equal(t, testRequestID, rid)
			require.Equal(t, testRequestID, body["RequestId"])
			requireDone(t)
		})
	}
}

func TestDataCallsWaitThroughPending(t *testing.T) {
	for _, dc := range dataCalls {
		for _, code := range []string{"OPERATION_PENDING", "OPERATION_DISPATCHED"} {
			t.Run(dc.name+"/"+code, func(t *testing.T) {
				c := newGockClient(t)
				mockOp(http.MethodPost, dc.name).Reply(202).JSON(pendingBody(code))
				mockOp(http.MethodGet, dc.name+"Async/"+testRequestID).
					AddMatcher(headerIs("x-api-key", testAPIKey)).
					Times(3).Reply(202).JSON(pendingBody(code))
				mockOp(http.MethodGet, dc.name+"Async/"+testRequestID).Reply(200).BodyString(dc.body)
				var events []flinks.PollEvent
				rid, err := dc.call(c, t.Context(), flinks.OnPoll(func(ev flinks.PollEvent) { events = append(events, ev) }))
				require.NoError(t, err)
				require.Equal(t, testRequestID, rid)
				requireDone(t)
				require.Len(t, events, 4)
				require.Equal(t, dc.name+"Async", events[0].Operation)
				require.ErrorIs(t, events[0].Err, sdkerrors.ErrPending)
				require.NoError(t, events[3].Err)
				require.Equal(t, 4, events[3].Attempt)
			})
		}
	}
}

func TestDataCallsNoWait(t *testing.T) {
	for _, dc := range dataCalls {
		t.Run(dc.name, func(t *testing.T) {
			c := newGockClient(t)
			mockOp(http.MethodPost, dc.name).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
			_, err := dc.call(c, t.Context(), flinks.NoWait())
			require.ErrorIs(t, err, sdkerrors.ErrOperationPending)
			require.ErrorIs(t, err, sdkerrors.ErrPending)
			require.NotErrorIs(t, err, sdkerrors.ErrPollTimeout)
			var api *sdkerrors.APIError
			require.ErrorAs(t, err, &api)
			require.Equal(t, testRequestID, api.RequestID)
			require.Equal(t, 202, api.StatusCode)
			require.True(t, strings.HasPrefix(err.Error(), "flinks "+dc.name+": OPERATION_PENDING (HTTP 202)"), err.Error())
			requireDone(t)
		})
	}
}

// The default 10 s interval and 30 min timeout, on a fake clock: 180 polls,
// then ErrPollTimeout.
func TestWaitDefaultsPollTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc := &http.Client{Transport: &http.Transport{}}
		c, err := flinks.NewClient(testCID, flinks.WithBaseURL(testHost+testPrefix), flinks.WithHTTPClient(hc),
			flinks.WithAPIKey(testAPIKey), flinks.WithMaxRetries(0))
		require.NoError(t, err)
		gock.Intercept()
		gock.InterceptClient(hc)
		defer func() { gock.RestoreClient(hc); gock.OffAll() }()

		mockOp(http.MethodPost, "GetAccountsDetail").Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Times(180).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		start := time.Now()
		var last time.Time
		var gaps []time.Duration
		_, err = c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID},
			flinks.OnPoll(func(ev flinks.PollEvent) {
				now := time.Now()
				if !last.IsZero() {
					gaps = append(gaps, now.Sub(last))
				}
				last = now
			}))
		require.ErrorIs(t, err, sdkerrors.ErrPollTimeout)
		require.ErrorIs(t, err, sdkerrors.ErrPending)
		require.ErrorIs(t, err, sdkerrors.ErrOperationPending, "unwraps to the last pending answer")
		var pte *sdkerrors.PollTimeoutError
		require.ErrorAs(t, err, &pte)
		require.Equal(t, 180, pte.Polls)
		require.Equal(t, 30*time.Minute, time.Since(start))
		for _, g := range gaps {
			require.Equal(t, 10*time.Second, g)
		}
		var oe *sdkerrors.OperationError
		require.ErrorAs(t, err, &oe)
		require.Equal(t, "GetAccountsDetail", oe.Operation)
		requireDone(t)
	})
}

func TestWaitPollTimeoutOption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flinks.WithPollInterval(15*time.Second), flinks.WithPollTimeout(time.Minute))
		mockOp(http.MethodPost, "GetAccountsSummary").Reply(202).JSON(pendingBody("OPERATION_DISPATCHED"))
		mockOp(http.MethodGet, "GetAccountsSummaryAsync/"+testRequestID).Times(4).Reply(202).JSON(pendingBody("OPERATION_DISPATCHED"))
		start := time.Now()
		_, err := c.GetAccountsSummary(t.Context(), flinks.AccountsSummaryRequest{RequestID: testRequestID})
		require.ErrorIs(t, err, sdkerrors.ErrPollTimeout)
		require.ErrorIs(t, err, sdkerrors.ErrOperationDispatched)
		require.Equal(t, time.Minute, time.Since(start))
		requireDone(t)
	})
}

func TestWaitContextCanceledMidWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flinks.WithPollInterval(10*time.Second), flinks.WithPollTimeout(30*time.Minute))
		mockOp(http.MethodPost, "GetAccountsDetail").Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Times(2).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		start := time.Now()
		_, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: testRequestID},
			flinks.OnPoll(func(ev flinks.PollEvent) {
				if ev.Attempt == 2 {
					cancel()
				}
			}))
		require.ErrorIs(t, err, context.Canceled)
		require.NotErrorIs(t, err, sdkerrors.ErrPollTimeout)
		require.Equal(t, "flinks GetAccountsDetail: context canceled", err.Error())
		require.Equal(t, 20*time.Second, time.Since(start))
		requireDone(t)
	})
}

func TestWaitContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flinks.WithPollInterval(10*time.Second), flinks.WithPollTimeout(30*time.Minute))
		mockOp(http.MethodPost, "GetStatements").Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		mockOp(http.MethodGet, "GetStatementsAsync/"+testRequestID).Times(2).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
		ctx, cancel := context.WithTimeout(t.Context(), 25*time.Second)
		defer cancel()
		_, err := c.GetStatements(ctx, flinks.StatementsRequest{RequestID: testRequestID})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		requireDone(t)
	})
}

func TestWaitTerminalErrorDuringPolls(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodPost, "GetAccountsDetail").Reply(202).JSON(pendingBody("OPERATION_PENDING"))
	mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
	mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Reply(401).JSON(errorBody(401, "SESSION_EXPIRED", "The RequestId has expired"))
	_, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID})
	require.ErrorIs(t, err, sdkerrors.ErrSessionExpired)
	require.ErrorIs(t, err, sdkerrors.ErrSessionInvalid)
	require.Equal(t, "flinks GetAccountsDetail: SESSION_EXPIRED (HTTP 401): The RequestId has expired", err.Error())
	requireDone(t)
}

func TestAsyncSinglePoll(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Reply(202).JSON(pendingBody("OPERATION_DISPATCHED"))
	_, err := c.GetAccountsDetailAsync(t.Context(), testRequestID)
	require.ErrorIs(t, err, sdkerrors.ErrOperationDispatched)
	require.True(t, strings.HasPrefix(err.Error(), "flinks GetAccountsDetailAsync: "))
	mockOp(http.MethodGet, "GetAccountsDetailAsync/"+testRequestID).Reply(200).BodyString(detailJSON)
	d, err := c.GetAccountsDetailAsync(t.Context(), testRequestID)
	require.NoError(t, err)
	require.Len(t, d.Accounts, 1)
	mockOp(http.MethodGet, "GetAccountsSummaryAsync/"+testRequestID).Reply(200).BodyString(summaryJSON)
	s, err := c.GetAccountsSummaryAsync(t.Context(), testRequestID)
	require.NoError(t, err)
	require.Len(t, s.Accounts, 1)
	mockOp(http.MethodGet, "GetStatementsAsync/"+testRequestID).Reply(200).BodyString(statementsJSON)
	st, err := c.GetStatementsAsync(t.Context(), testRequestID)
	require.NoError(t, err)
	require.Len(t, st.StatementsByAccount, 1)
	requireDone(t)
}

func TestAsyncPathEscapesRequestID(t *testing.T) {
	c := newGockClient(t)
	mockPath(http.MethodGet, bsPath("GetAccountsDetailAsync/a/b")).
		AddMatcher(func(r *http.Request, _ *gock.Request) (bool, error) {
			return r.URL.EscapedPath() == bsPath("GetAccountsDetailAsync/a%2Fb"), nil
		}).
		Reply(200).BodyString(detailJSON)
	_, err := c.GetAccountsDetailAsync(t.Context(), "a/b")
	require.NoError(t, err)
	requireDone(t)
}

func TestGetAccountsDetailRequestBody(t *testing.T) {
	c := newGockClient(t)
	var body map[string]any
	mockOp(http.MethodPost, "GetAccountsDetail").AddMatcher(bodyCapture(&body)).Reply(200).BodyString(detailJSON)
	_, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{
		RequestID: testRequestID, WithAccountIdentity: true, WithKYC: true, WithTransactions: false,
		AccountsFilter: []string{"acc-1"}, DaysOfTransactions: flinks.Days365,
		WithDetailsAndBankingStatements: true, NumberOfBankingStatements: flinks.StatementsMostRecent,
		DateFrom: mustDate(t, "2025-01-01"), RefreshDelta: []flinks.RefreshDelta{{AccountID: "acc-1", TransactionID: "tx-1"}},
	})
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"RequestId": testRequestID, "WithAccountIdentity": true, "WithKYC": true, "WithTransactions": false,
		"AccountsFilter": []any{"acc-1"}, "DaysOfTransactions": "Days365",
		"WithDetailsAndBankingStatements": true, "NumberOfBankingStatements": "MostRecent",
		"DateFrom":     "2025-01-01",
		"RefreshDelta": []any{map[string]any{"AccountId": "acc-1", "TransactionId": "tx-1"}},
	}, body)

	mockOp(http.MethodPost, "GetStatements").AddMatcher(bodyCapture(&body)).Reply(200).BodyString(statementsJSON)
	st, err := c.GetStatements(t.Context(), flinks.StatementsRequest{RequestID: testRequestID,
		NumberOfStatements: flinks.StatementsMonths12, AccountsFilter: []string{"acc-1"}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"RequestId": testRequestID, "NumberOfStatements": "Months12",
		"AccountsFilter": []any{"acc-1"}}, body)
	pdf, err := st.StatementsByAccount[0].Statements[0].Bytes()
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4\n", string(pdf))
	requireDone(t)
}

func mustDate(t *testing.T, s string) flinks.Date {
	t.Helper()
	var d flinks.Date
	require.NoError(t, d.UnmarshalJSON([]byte(`"`+s+`"`)))
	return d
}

// Reads are retried on 5xx, 429 and TOO_MANY_REQUESTS, then succeed.
func TestReadsRetried(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		header map[string]string
	}{
		{"503", 503, `<html>Service Unavailable</html>`, nil},
		{"500 no code", 500, `{"Message":"oops"}`, nil},
		{"AGGREGATION_ERROR", 500, `{"HttpStatusCode":500,"FlinksCode":"AGGREGATION_ERROR"}`, nil},
		{"429 with Retry-After", 429, `{}`, map[string]string{"Retry-After": "0"}},
		{"TOO_MANY_REQUESTS 401", 401, `{"HttpStatusCode":401,"FlinksCode":"TOO_MANY_REQUESTS"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newGockClient(t, flinks.WithMaxRetries(3), flinks.WithRetryWait(time.Millisecond, 5*time.Millisecond))
			var calls atomic.Int32
			count := func(*http.Request, *gock.Request) (bool, error) { calls.Add(1); return true, nil }
			r := mockOp(http.MethodPost, "GetAccountsDetail").AddMatcher(count).Times(2).Reply(tt.status)
			for k, v := range tt.header {
				r.SetHeader(k, v)
			}
			r.BodyString(tt.body)
			mockOp(http.MethodPost, "GetAccountsDetail").AddMatcher(count).Reply(200).BodyString(detailJSON)
			d, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID})
			require.NoError(t, err)
			require.Len(t, d.Accounts, 1)
			require.Equal(t, int32(3), calls.Load())
			requireDone(t)
		})
	}
}

func TestReadsNotRetriedOnTerminalCodes(t *testing.T) {
	c := newGockClient(t, flinks.WithMaxRetries(3), flinks.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	mockOp(http.MethodPost, "GetAccountsDetail").Times(1).
		Reply(400).JSON(errorBody(400, "SESSION_NONEXISTENT", "gone"))
	_, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID})
	require.ErrorIs(t, err, sdkerrors.ErrSessionNonexistent)
	require.False(t, sdkerrors.IsRetryable(err))
	requireDone(t)
}

func TestRetryAfterBeyondMaxWait(t *testing.T) {
	c := newGockClient(t, flinks.WithMaxRetries(3), flinks.WithRetryWait(time.Millisecond, time.Second))
	mockOp(http.MethodPost, "GetAccountsSummary").Reply(429).SetHeader("Retry-After", "120").BodyString(`{}`)
	_, err := c.GetAccountsSummary(t.Context(), flinks.AccountsSummaryRequest{RequestID: testRequestID})
	require.ErrorIs(t, err, sdkerrors.ErrRateLimited)
	var api *sdkerrors.APIError
	require.ErrorAs(t, err, &api)
	require.Equal(t, 120*time.Second, api.RetryAfter)
	requireDone(t)
}

func TestBadBodies(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string
		wantErr []error
	}{
		{"200 carrying error code", 200, "application/json",
			`{"HttpStatusCode":401,"FlinksCode":"SESSION_EXPIRED","Message":"expired","RequestId":"9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10"}`,
			[]error{sdkerrors.ErrSessionExpired, sdkerrors.ErrSessionInvalid}},
		{"200 with error code and status 200", 200, "application/json",
			`{"HttpStatusCode":200,"FlinksCode":"INVALID_REQUEST","Message":"bad"}`,
			[]error{sdkerrors.ErrInvalidRequest}},
		{"200 saying 202 in body", 200, "application/json",
			`{"HttpStatusCode":202,"Message":"processing"}`, []error{sdkerrors.ErrPending}},
		{"truncated JSON", 200, "application/json", detailJSON[:300], []error{sdkerrors.ErrUnexpectedResponse}},
		{"HTML 200", 200, "text/html", `<html><body>Welcome to the proxy</body></html>`, []error{sdkerrors.ErrUnexpectedResponse}},
		{"empty 200", 200, "application/json", ``, []error{sdkerrors.ErrUnexpectedResponse}},
		{"wrong JSON type", 200, "application/json", `{"Accounts":"nope"}`, []error{sdkerrors.ErrUnexpectedResponse}},
		{"HTML 502", 502, "text/html", `<html>Bad Gateway</html>`, []error{sdkerrors.ErrTemporary, sdkerrors.ErrUnexpectedResponse}},
		{"HTML 404", 404, "text/html", `<html>Not Found</html>`, []error{sdkerrors.ErrNotFound}},
		{"unknown code", 400, "application/json", `{"FlinksCode":"BRAND_NEW_CODE","Message":"new"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newGockClient(t)
			mockOp(http.MethodPost, "GetAccountsDetail").Reply(tt.status).Type(tt.ctype).BodyString(tt.body)
			d, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID}, flinks.NoWait())
			require.Error(t, err)
			require.Nil(t, d)
			for _, want := range tt.wantErr {
				require.ErrorIs(t, err, want)
			}
			var api *sdkerrors.APIError
			require.ErrorAs(t, err, &api)
			require.True(t, strings.HasPrefix(err.Error(), "flinks GetAccountsDetail: "), err.Error())
			require.NotContains(t, err.Error(), testCID)
			require.NotContains(t, err.Error(), "flinks.test")
			requireDone(t)
		})
	}
}

func TestDecodeDocumentedDetail(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodPost, "GetAccountsDetail").Reply(200).BodyString(detailJSON)
	d, err := c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: testRequestID, WithTransactions: true, WithKYC: true})
	require.NoError(t, err)
	requireDone(t)
	require.Equal(t, 200, d.HTTPStatusCode)
	require.Equal(t, "FlinksCapital", d.Institution)
	require.Equal(t, 14, d.InstitutionID)
	require.Equal(t, "2025-01-31T17:40:54.569261Z", d.Login.LastRefresh.UTC().Format(time.RFC3339Nano))
	require.Equal(t, flinks.OwnerPersonal, d.Login.Type)
	a := d.Accounts[0]
	require.Equal(t, "27a9ffa0-c6b9-4cc6-9eaa-aa9efa07a889", a.ID)
	require.Equal(t, flinks.CategoryOperations, a.Category)
	require.Equal(t, flinks.AccountTypeChequing, a.Type)
	require.Equal(t, flinks.OwnerType(""), a.AccountType)
	require.Equal(t, "5405.5", a.Balance.Available.String())
	require.True(t, a.Balance.Limit.IsNull())
	require.Equal(t, "100.5", a.OverdraftLimit.String())
	require.Equal(t, "", a.LastFourDigits)
	require.Equal(t, "M5J 2V5", a.Holder.Address.PostalCode)
	require.Equal(t, "", a.Holder.Address.POBox)
	require.Len(t, a.Transactions, 2)
	tx := a.Transactions[0]
	require.Equal(t, "2025-01-31", tx.Date.String())
	require.True(t, tx.Debit.IsNull())
	require.Equal(t, "1500.25", tx.Credit.String())
	require.Equal(t, "5105.60", tx.Balance.String(), "the decimal text is kept as sent")
	require.Equal(t, flinks.TransactionCode(""), tx.Code)
	require.Equal(t, flinks.TransactionCode("12"), a.Transactions[1].Code)
	require.Equal(t, "4.5", a.Transactions[1].Debit.String())
}

func TestDecodeSummary(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodPost, "GetAccountsSummary").Reply(200).BodyString(summaryJSON)
	s, err := c.GetAccountsSummary(t.Context(), flinks.AccountsSummaryRequest{RequestID: testRequestID})
	require.NoError(t, err)
	a := s.Accounts[0]
	require.Equal(t, "0.95", a.EftEligibleRatio.String())
	require.Equal(t, "1", a.ETransferEligibleRatio.String())
	require.Equal(t, "100.10", a.Balance.Available.String())
	require.Equal(t, flinks.OwnerPersonal, a.AccountType)
	require.Nil(t, a.Holder.Address)
	require.True(t, s.Login.LastRefresh.IsZero(), "0001-01-01 means never refreshed")
	require.Equal(t, "AccountsDetail", s.Links[0].Rel)
	require.Equal(t, "t1", s.Tag)
	requireDone(t)
}
