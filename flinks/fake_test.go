package flinks_test

import (
	"context"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// newFake starts a flinkstest server and a client for it with 1 ms polls and
// millisecond retry waits.
func newFake(t *testing.T, opts ...flinkstest.Option) (*flinkstest.Server, *flinks.Client) {
	t.Helper()
	srv := flinkstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := flinks.NewClient(srv.CustomerID,
		flinks.WithBaseURL(srv.URL),
		flinks.WithAPIKey(srv.APIKey),
		flinks.WithSecretKey(srv.SecretKey),
		flinks.WithPollInterval(time.Millisecond),
		flinks.WithPollTimeout(10*time.Second),
		flinks.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	)
	require.NoError(t, err)
	return srv, c
}

// authorizeAll runs Authorize and answers every MFA round with the Flinks
// Capital answers; it returns the number of 203 rounds.
func authorizeAll(ctx context.Context, c *flinks.Client, req flinks.AuthorizeRequest) (*flinks.AuthorizeResponse, int, error) {
	resp, err := c.Authorize(ctx, req)
	rounds := 0
	for err == nil && resp.NeedsMFA() {
		rounds++
		answers := map[string][]string{}
		for _, ch := range resp.SecurityChallenges {
			answers[ch.Prompt] = []string{flinkstest.Answer(ch.Prompt)}
		}
		resp, err = c.Authorize(ctx, resp.Answer(answers))
	}
	return resp, rounds, err
}

func TestFakeEveryUserLive(t *testing.T) {
	tests := []struct {
		user       string
		mfaRounds  int
		authErr    []error
		pending    error // the 202 code the data calls answer first
		asyncPolls int
	}{
		{user: flinkstest.UserGreatday, mfaRounds: 2},
		{user: flinkstest.UserEveryday, mfaRounds: 1},
		{user: flinkstest.UserNoMFA},
		{user: flinkstest.UserDisabled, authErr: []error{sdkerrors.ErrDisabledLogin, sdkerrors.ErrUserActionRequired}},
		{user: flinkstest.UserServiceUnavailable, authErr: []error{sdkerrors.ErrRetryLater, sdkerrors.ErrTemporary}},
		{user: flinkstest.UserPending, pending: sdkerrors.ErrOperationPending, asyncPolls: 2},
		{user: flinkstest.UserDispatched, pending: sdkerrors.ErrOperationDispatched, asyncPolls: 2},
	}
	require.Len(t, tests, len(flinkstest.Users()), "every Flinks Capital user is covered")
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			srv, c := newFake(t, flinkstest.WithPendingPolls(3))
			ctx := t.Context()
			auth, rounds, err := authorizeAll(ctx, c, flinks.AuthorizeRequest{
				Institution: flinkstest.Institution, Username: tt.user, Password: flinkstest.Password, Save: true,
			})
			if tt.authErr != nil {
				for _, want := range tt.authErr {
					require.ErrorIs(t, err, want)
				}
				require.False(t, sdkerrors.Is(err, sdkerrors.ErrPending))
				require.Equal(t, 1, srv.Requests("Authorize"))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.mfaRounds, rounds)
			require.Equal(t, tt.mfaRounds+1, srv.Requests("GenerateAuthorizeToken"), "a fresh token per Authorize")
			require.Equal(t, srv.LoginID(tt.user), auth.Login.ID)
			require.Equal(t, tt.user, auth.Login.Username)

			var events []flinks.PollEvent
			d, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true},
				flinks.OnPoll(func(ev flinks.PollEvent) { events = append(events, ev) }))
			require.NoError(t, err)
			require.Len(t, d.Accounts, 3)
			require.NotEmpty(t, d.Accounts[0].Transactions)
			require.Len(t, events, tt.asyncPolls+boolInt(tt.pending != nil))
			if tt.pending != nil {
				require.ErrorIs(t, events[0].Err, tt.pending)
			}
			require.Equal(t, tt.asyncPolls+boolInt(tt.pending != nil), srv.Requests("GetAccountsDetailAsync"))
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestFakeEveryUserCached(t *testing.T) {
	for _, user := range flinkstest.Users() {
		t.Run(user, func(t *testing.T) {
			srv, c := newFake(t, flinkstest.WithPendingPolls(1))
			auth, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: srv.LoginID(user), MostRecentCached: true})
			switch user {
			case flinkstest.UserDisabled:
				require.ErrorIs(t, err, sdkerrors.ErrDisabledLogin)
				return
			case flinkstest.UserServiceUnavailable:
				require.ErrorIs(t, err, sdkerrors.ErrRetryLater)
				return
			}
			require.NoError(t, err)
			require.False(t, auth.NeedsMFA(), "cached mode never asks MFA")
			s, err := c.GetAccountsSummary(t.Context(), flinks.AccountsSummaryRequest{RequestID: auth.RequestID})
			require.NoError(t, err)
			require.Len(t, s.Accounts, 3)
			require.True(t, s.Accounts[0].EftEligibleRatio.Valid())
		})
	}
}

func TestFakeMFAErrors(t *testing.T) {
	ctx := t.Context()
	live := flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinkstest.UserEveryday, Password: flinkstest.Password}
	tests := []struct {
		name    string
		answers func(prompt string) map[string][]string
		wantErr error
	}{
		{"wrong answer", func(p string) map[string][]string { return map[string][]string{p: {"Circle"}} }, sdkerrors.ErrInvalidSecurityResponse},
		{"unknown prompt", func(string) map[string][]string { return map[string][]string{"What is your pet?": {"Rex"}} }, sdkerrors.ErrUnknownChallengeKey},
		{"empty answer", func(p string) map[string][]string { return map[string][]string{p: {""}} }, sdkerrors.ErrSecurityResponsesIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newFake(t)
			resp, err := c.Authorize(ctx, live)
			require.NoError(t, err)
			require.True(t, resp.NeedsMFA())
			_, err = c.Authorize(ctx, resp.Answer(tt.answers(resp.SecurityChallenges[0].Prompt)))
			require.ErrorIs(t, err, tt.wantErr)
			require.ErrorIs(t, err, sdkerrors.ErrSecurityChallenge)
		})
	}
	t.Run("data before MFA is answered", func(t *testing.T) {
		_, c := newFake(t)
		resp, err := c.Authorize(ctx, live)
		require.NoError(t, err)
		_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: resp.RequestID})
		require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	})
	t.Run("second live login during MFA", func(t *testing.T) {
		_, c := newFake(t)
		_, err := c.Authorize(ctx, live)
		require.NoError(t, err)
		_, err = c.Authorize(ctx, live)
		require.ErrorIs(t, err, sdkerrors.ErrConcurrentSession)
	})
	t.Run("answering an authorized RequestId", func(t *testing.T) {
		_, c := newFake(t)
		resp, err := c.Authorize(ctx, live)
		require.NoError(t, err)
		answer := resp.Answer(map[string][]string{resp.SecurityChallenges[0].Prompt: {"Triangle"}})
		_, err = c.Authorize(ctx, answer)
		require.NoError(t, err)
		_, err = c.Authorize(ctx, answer)
		require.ErrorIs(t, err, sdkerrors.ErrAlreadyAuthorized)
		require.ErrorIs(t, err, sdkerrors.ErrSessionInvalid)
	})
}

func TestFakeBadCredentials(t *testing.T) {
	srv, c := newFake(t)
	ctx := t.Context()
	tests := []struct {
		name string
		req  flinks.AuthorizeRequest
		want error
	}{
		{"wrong password", flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinkstest.UserNoMFA, Password: "nope"}, sdkerrors.ErrInvalidPassword},
		{"unknown username", flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: "nobody", Password: flinkstest.Password}, sdkerrors.ErrInvalidUsername},
		{"unknown LoginId", flinks.AuthorizeRequest{LoginID: "00000000-0000-4000-8000-000000000000", MostRecentCached: true}, sdkerrors.ErrInvalidLogin},
		{"other institution", flinks.AuthorizeRequest{Institution: "RBC", Username: flinkstest.UserNoMFA, Password: flinkstest.Password}, sdkerrors.ErrDisabledInstitution},
		{"no institution", flinks.AuthorizeRequest{Username: flinkstest.UserNoMFA, Password: flinkstest.Password}, sdkerrors.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Authorize(ctx, tt.req)
			require.ErrorIs(t, err, tt.want)
			require.False(t, sdkerrors.IsRetryable(err))
		})
	}
	require.Equal(t, len(tests), srv.Requests("Authorize"))
}

func TestFakeTokensAndKeys(t *testing.T) {
	srv, c := newFake(t)
	ctx := t.Context()
	tok, err := c.GenerateAuthorizeToken(ctx)
	require.NoError(t, err)
	req := flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true, AuthorizeToken: tok}
	_, err = c.Authorize(ctx, req)
	require.NoError(t, err)
	_, err = c.Authorize(ctx, req)
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied, "authorize tokens are single use")

	bad, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey("wrong"), flinks.WithSecretKey("wrong"))
	require.NoError(t, err)
	_, err = bad.GenerateAuthorizeToken(ctx)
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	_, err = bad.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	_, err = bad.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: "x"})
	require.ErrorIs(t, err, sdkerrors.ErrAuthentication)
	_, err = bad.GetNightlyRefreshStatus(ctx)
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)

	other, err := flinks.NewClient("not-the-customer", flinks.WithBaseURL(srv.URL), flinks.WithSecretKey(srv.SecretKey))
	require.NoError(t, err)
	_, err = other.GenerateAuthorizeToken(ctx)
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	require.NotContains(t, err.Error(), "not-the-customer")
}

func TestFakeSessions(t *testing.T) {
	srv, c := newFake(t)
	ctx := t.Context()
	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
	require.NoError(t, err)
	srv.ExpireSessions()
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID})
	require.ErrorIs(t, err, sdkerrors.ErrSessionExpired)
	require.ErrorIs(t, err, sdkerrors.ErrSessionInvalid)
	_, err = c.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: "00000000-0000-4000-8000-000000000000"})
	require.ErrorIs(t, err, sdkerrors.ErrSessionNonexistent)
}

func TestFakeSessionExpiresOnClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, c := newFake(t, flinkstest.WithClock(clock))
	auth, err := c.Authorize(t.Context(), flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
	require.NoError(t, err)
	mu.Lock()
	now = now.Add(9 * time.Minute)
	mu.Unlock()
	_, err = c.GetAccountsDetail(t.Context(), flinks.AccountsDetailRequest{RequestID: auth.RequestID})
	require.ErrorIs(t, err, sdkerrors.ErrSessionExpired)
}

func TestFakeDataOptions(t *testing.T) {
	srv, c := newFake(t, flinkstest.WithAccounts(4), flinkstest.WithTransactions(500), flinkstest.WithSeed(7))
	ctx := t.Context()
	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
	require.NoError(t, err)

	d, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID,
		WithTransactions: true, WithKYC: true, WithAccountIdentity: true})
	require.NoError(t, err)
	require.Len(t, d.Accounts, 4)
	for _, a := range d.Accounts {
		require.NotNil(t, a.Holder)
		require.NotEmpty(t, a.Holder.Name)
		require.NotEmpty(t, a.TransitNumber)
		require.Len(t, a.Transactions, 500)
		require.Equal(t, 0, a.Balance.Current.Cmp(a.Transactions[0].Balance), "newest running balance is the current balance")
		// Running balances chain exactly: older + credit - debit = newer.
		for i := 0; i+1 < len(a.Transactions); i++ {
			newer, older := a.Transactions[i], a.Transactions[i+1]
			sum := new(big.Rat).Set(older.Balance.Rat())
			if newer.Credit.Valid() {
				sum.Add(sum, newer.Credit.Rat())
			}
			if newer.Debit.Valid() {
				sum.Sub(sum, newer.Debit.Rat())
			}
			require.Equal(t, 0, sum.Cmp(newer.Balance.Rat()), "account %s transaction %d", a.ID, i)
			require.False(t, newer.Date.Before(older.Date))
		}
	}

	d2, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID,
		WithTransactions: true, AccountsFilter: []string{d.Accounts[1].ID}, DaysOfTransactions: flinks.Days90})
	require.NoError(t, err)
	require.Len(t, d2.Accounts, 1)
	require.Nil(t, d2.Accounts[0].Holder)
	require.Less(t, len(d2.Accounts[0].Transactions), 500)
	require.NotEmpty(t, d2.Accounts[0].Transactions)

	d3, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID})
	require.NoError(t, err)
	require.Empty(t, d3.Accounts[0].Transactions, "WithTransactions false is sent and honoured")

	st, err := c.GetStatements(ctx, flinks.StatementsRequest{RequestID: auth.RequestID, NumberOfStatements: flinks.StatementsMonths3})
	require.NoError(t, err)
	require.Len(t, st.StatementsByAccount, 4)
	require.Len(t, st.StatementsByAccount[0].Statements, 3)
	pdf, err := st.StatementsByAccount[0].Statements[0].Bytes()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
}

func TestFakeCardsAndEnhancedMFA(t *testing.T) {
	srv, c := newFake(t)
	ctx := t.Context()
	login := srv.LoginID(flinkstest.UserGreatday)

	qs, err := c.GetMFAQuestions(ctx, login)
	require.NoError(t, err)
	require.Len(t, qs, 2)
	answers := make([]flinks.MFAQuestion, len(qs))
	for i, q := range qs {
		answers[i] = flinks.MFAQuestion{Question: q.Question, Answer: flinkstest.Answer(q.Question)}
	}
	require.NoError(t, c.AnswerMFAQuestions(ctx, login, answers))
	err = c.AnswerMFAQuestions(ctx, login, []flinks.MFAQuestion{{Question: "Favourite colour?", Answer: "Blue"}})
	require.ErrorIs(t, err, sdkerrors.ErrQuestionNotFound)

	// With every answer stored, a live refresh needs no end user.
	resp, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: login, MostRecentCached: false, Save: true})
	require.NoError(t, err)
	require.False(t, resp.NeedsMFA())

	require.NoError(t, c.SetScheduledRefresh(ctx, login, true))
	require.NoError(t, c.SetScheduledRefresh(ctx, login, false))

	require.NoError(t, c.DeleteCard(ctx, login))
	require.Empty(t, srv.LoginID(flinkstest.UserGreatday))
	err = c.DeleteCard(ctx, login)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidLogin)
	_, err = c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: login, MostRecentCached: true})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidLogin)
	err = c.SetScheduledRefresh(ctx, login, true)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidLogin)
	_, err = c.GetMFAQuestions(ctx, login)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidLogin)
}

func TestFakeDeleteCardInUse(t *testing.T) {
	srv, c := newFake(t, flinkstest.WithPendingPolls(3))
	ctx := t.Context()
	login := srv.LoginID(flinkstest.UserPending)
	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: login, MostRecentCached: true})
	require.NoError(t, err)
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID}, flinks.NoWait())
	require.ErrorIs(t, err, sdkerrors.ErrOperationPending)
	err = c.DeleteCard(ctx, login)
	require.ErrorIs(t, err, sdkerrors.ErrCardInUse)
	require.ErrorIs(t, err, sdkerrors.ErrTemporary)
}

func TestFakeNightlyRefreshAndInstitutions(t *testing.T) {
	_, c := newFake(t)
	ctx := t.Context()
	st, err := c.GetNightlyRefreshStatus(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, st.IneligibleCards)
	var sawMFA, sawDisabled bool
	for _, ic := range st.IneligibleCards {
		if s, _ := ic.Status(); s == flinks.StatusAnsweringSecurityChallenge {
			sawMFA = true
		}
		if sdkerrors.Is(ic.Err(), sdkerrors.ErrDisabledLogin) {
			sawDisabled = true
		}
	}
	require.True(t, sawMFA && sawDisabled)

	list, err := c.Institutions(ctx)
	require.NoError(t, err)
	var found bool
	for _, in := range list {
		found = found || (in.Name == flinkstest.Institution && in.ID == "14")
	}
	require.True(t, found)
	in, err := c.InstitutionByRoutingNumber(ctx, "011000015")
	require.NoError(t, err)
	require.Equal(t, "US", in.Country)
	_, err = c.InstitutionByRoutingNumber(ctx, "123456789")
	require.ErrorIs(t, err, sdkerrors.ErrNotFound)
}

func TestFakeAttributes(t *testing.T) {
	srv, c := newFake(t, flinkstest.WithTransactions(400))
	ctx := t.Context()
	login := srv.LoginID(flinkstest.UserNoMFA)
	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: login, MostRecentCached: true})
	require.NoError(t, err)
	req := flinks.AttributesRequest{LoginID: login, RequestID: auth.RequestID}

	_, err = c.GetIncomeAttributes(ctx, req, flinks.NoWait())
	require.ErrorIs(t, err, sdkerrors.ErrOperationPending, "attributes need a completed GetAccountsDetail")

	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true})
	require.NoError(t, err)
	calls := map[string]func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error){
		"GetIncomeAttributes":           c.GetIncomeAttributes,
		"GetCreditRiskAttributes":       c.GetCreditRiskAttributes,
		"GetUserAnalysisAttributes":     c.GetUserAnalysisAttributes,
		"GetLendingAttributes":          c.GetLendingAttributes,
		"GetAllAttributes":              c.GetAllAttributes,
		"GetBusinessAnalysisAttributes": c.GetBusinessAnalysisAttributes,
		"GetAllBusinessAttributes":      c.GetAllBusinessAttributes,
	}
	for name, call := range calls {
		a, err := call(ctx, req)
		require.NoError(t, err, name)
		require.Equal(t, login, a.Card.ID, name)
		require.NotEmpty(t, a.Card.Values, name)
		for k, v := range a.Card.Values {
			_, ok := v.Amount()
			require.True(t, ok, "%s %s", name, k)
		}
		want := 1
		if name == "GetIncomeAttributes" {
			want = 2 // the NoWait call above
		}
		require.Equal(t, want, srv.Requests(name), name)
	}
	a, err := c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: login, RequestID: auth.RequestID,
		Attributes: []string{"average_monthly_income", "count_nsf_90_days"}, LimitDays: 365,
		AccountCategories: []flinks.Category{flinks.CategoryOperations}, Detail: []string{"average_monthly_income"}})
	require.NoError(t, err)
	require.Len(t, a.Card.Values, 2)
	require.NotEmpty(t, a.Card.Details, "AttributesDetail {\"Card\": [...]} returns the transactions")
	_, err = c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: login, RequestID: auth.RequestID,
		Attributes: []string{"no_such_attribute"}})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidRequest)
}

func TestFakeInjectedFailures(t *testing.T) {
	srv, c := newFake(t)
	ctx := t.Context()
	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
	require.NoError(t, err)

	t.Run("read retried after AGGREGATION_ERROR", func(t *testing.T) {
		before := srv.Requests("GetAccountsSummary")
		srv.InjectError("GetAccountsSummary", "AGGREGATION_ERROR", 1)
		_, err := c.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: auth.RequestID})
		require.NoError(t, err)
		require.Equal(t, before+2, srv.Requests("GetAccountsSummary"))
	})
	t.Run("read retried after an HTML 502", func(t *testing.T) {
		srv.InjectResponse("GetAccountsDetail", 502, "<html><body>Bad Gateway</body></html>", 2)
		_, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID})
		require.NoError(t, err)
	})
	t.Run("Authorize 500 reaches the server once", func(t *testing.T) {
		before := srv.Requests("Authorize")
		srv.InjectError("Authorize", "AGGREGATION_ERROR", 5)
		_, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), Save: true})
		require.ErrorIs(t, err, sdkerrors.ErrAggregationError)
		require.Equal(t, before+1, srv.Requests("Authorize"))
		// Drain the remaining injections.
		for i := 0; i < 4; i++ {
			_, _ = c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserNoMFA), MostRecentCached: true})
		}
	})
	t.Run("200 with truncated JSON", func(t *testing.T) {
		srv.InjectResponse("GetAccountsDetailAsync", 200, `{"HttpStatusCode":200,"Accounts":[{"Title":"Cheq`, 1)
		_, err := c.GetAccountsDetailAsync(ctx, auth.RequestID)
		require.ErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
	})
	t.Run("200 carrying an error code", func(t *testing.T) {
		srv.InjectResponse("GetAccountsDetailAsync", 200, `{"HttpStatusCode":400,"FlinksCode":"SESSION_NONEXISTENT","Message":"gone"}`, 1)
		_, err := c.GetAccountsDetailAsync(ctx, auth.RequestID)
		require.ErrorIs(t, err, sdkerrors.ErrSessionNonexistent)
	})
	t.Run("every FlinksCode maps to its sentinel", func(t *testing.T) {
		for _, ci := range sdkerrors.Codes(sdkerrors.ProviderFlinks) {
			if ci.Status == 202 || ci.Status < 400 {
				continue
			}
			srv.InjectError("GetAccountsDetailAsync", ci.Code, 1)
			cNoRetry, err := flinks.NewClient(srv.CustomerID, flinks.WithBaseURL(srv.URL), flinks.WithAPIKey(srv.APIKey), flinks.WithMaxRetries(0))
			require.NoError(t, err)
			_, err = cNoRetry.GetAccountsDetailAsync(ctx, auth.RequestID)
			require.ErrorIs(t, err, ci.Sentinel, ci.Code)
			var api *sdkerrors.APIError
			require.ErrorAs(t, err, &api)
			require.Equal(t, ci.Code, api.Code)
		}
	})
}

func TestFakeWebhook(t *testing.T) {
	srv, c := newFake(t, flinkstest.WithPendingPolls(2))
	ctx := t.Context()
	const key = "webhook-key-LEAKCHECK"
	var mu sync.Mutex
	var got []*flinks.Webhook
	recv := httptest.NewServer(flinks.WebhookHandler(key, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read", 400)
			return
		}
		wh, err := flinks.ParseWebhook(body)
		if err != nil {
			http.Error(w, "parse", 400)
			return
		}
		mu.Lock()
		got = append(got, wh)
		mu.Unlock()
	})))
	defer recv.Close()

	auth, err := c.Authorize(ctx, flinks.AuthorizeRequest{LoginID: srv.LoginID(flinkstest.UserPending), MostRecentCached: true})
	require.NoError(t, err)
	_, err = c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: auth.RequestID, WithTransactions: true}, flinks.NoWait())
	require.ErrorIs(t, err, sdkerrors.ErrOperationPending)

	require.NoError(t, srv.SendWebhook(ctx, recv.URL, key, auth.RequestID))
	require.Error(t, srv.SendWebhook(ctx, recv.URL, "another-key", auth.RequestID), "a wrong signature is refused with 401")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	require.Equal(t, flinks.WebhookAccountsDetail, got[0].ResponseType)
	require.Equal(t, auth.RequestID, got[0].RequestID)
	require.Len(t, got[0].Accounts, 3)
	require.NotEmpty(t, got[0].Accounts[0].Transactions)
	require.NoError(t, got[0].Err())
}
