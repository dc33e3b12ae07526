package flanks_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// End-to-end tests against the in-process fake. Waits use millisecond
// intervals (the fake runs on real sockets, which testing/synctest cannot
// fake).

func newFake(t testing.TB, opts ...flankstest.Option) *flankstest.Server {
	t.Helper()
	srv := flankstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func fakeClient(t testing.TB, srv *flankstest.Server, opts ...flanks.Option) *flanks.Client {
	t.Helper()
	base := []flanks.Option{
		flanks.WithBaseURL(srv.URL),
		flanks.WithPollInterval(time.Millisecond),
		flanks.WithPollTimeout(10 * time.Second),
		flanks.WithPollJitter(0),
		flanks.WithRetryWait(time.Millisecond, 10*time.Millisecond),
	}
	c, err := flanks.NewClient(srv.ClientID, srv.ClientSecret, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestE2ELinkFlowFullData(t *testing.T) {
	srv := newFake(t, flankstest.WithProcessingPolls(4))
	c := fakeClient(t, srv)
	ctx := context.Background()

	ex, err := c.ExchangeLinkCodeDetails(ctx, srv.NewLinkCode("1234"))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Delayed || ex.CredentialsToken == "" || ex.Message == "" {
		t.Fatalf("exchange = %v", ex)
	}
	tok := ex.CredentialsToken
	st, err := c.WaitForCredentials(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending || st.Errored.Any() || !st.Created.Product.Portfolio || !st.Created.Transactions.Investment || st.Name != "testbank" {
		t.Fatalf("status = %+v", st)
	}
	if st.LastUpdate.IsZero() || st.LastUpdateTimestamp.IsZero() || st.CreatedAtTimestamp.IsZero() {
		t.Errorf("timestamps not decoded: %+v", st)
	}
	req := flanks.DataRequest{CredentialsToken: tok}

	ps, err := c.GetPortfolios(ctx, req)
	if err != nil || len(ps) == 0 {
		t.Fatalf("portfolios: %v %v", ps, err)
	}
	invs, err := c.GetInvestments(ctx, req)
	if err != nil || len(invs) == 0 {
		t.Fatalf("investments: %v %v", invs, err)
	}
	// Portfolio balances agree with their positions, exactly.
	for _, p := range ps {
		var sum int64
		for _, inv := range invs {
			if inv.PortfolioID == p.ID {
				m, ok := inv.Balance.Minor(2)
				if !ok {
					t.Fatalf("balance %s not in cents", inv.Balance)
				}
				sum += m
			}
		}
		if m, _ := p.Balance.Minor(2); m != sum {
			t.Errorf("portfolio %s balance %s != sum of positions %d", p.Name, p.Balance, sum)
		}
		if p.Currency != "EUR" || p.UpdatedAtTimestamp.IsZero() || p.ID == "" {
			t.Errorf("portfolio = %+v", p)
		}
	}
	itx, err := c.GetInvestmentTransactions(ctx, req)
	if err != nil || len(itx) != 30 || itx[0].OperationDate.IsZero() || itx[0].InvestmentID == "" {
		t.Fatalf("investment transactions: %d %v", len(itx), err)
	}
	accs, err := c.GetAccounts(ctx, req)
	if err != nil || len(accs) < 2 || !strings.HasPrefix(accs[0].IBAN, "ES") || accs[0].Type != flanks.AccountCash || !accs[0].IsOwner {
		t.Fatalf("accounts: %+v %v", accs, err)
	}
	atx, err := c.GetAccountTransactions(ctx, flanks.DataRequest{CredentialsToken: tok, Query: map[string]any{"account_id": []string{accs[1].ID}}})
	if err != nil || len(atx) == 0 {
		t.Fatalf("account transactions: %v", err)
	}
	for _, tx := range atx {
		if tx.AccountID != accs[1].ID {
			t.Fatalf("query not applied: %s", tx.AccountID)
		}
	}
	liabs, err := c.GetLiabilities(ctx, req)
	if err != nil || len(liabs) == 0 || liabs[0].Type != flanks.LiabilityLoan || liabs[0].StartDate.IsZero() {
		t.Fatalf("liabilities: %+v %v", liabs, err)
	}
	ltx, err := c.GetLiabilityTransactions(ctx, req)
	if err != nil || len(ltx) == 0 {
		t.Fatalf("liability transactions: %v", err)
	}
	cards, err := c.GetCards(ctx, req)
	if err != nil || len(cards) != 2 || !strings.HasPrefix(cards[0].PAN, "****") {
		t.Fatalf("cards: %+v %v", cards, err)
	}
	ctx2, err := c.GetCardTransactions(ctx, req)
	if err != nil || len(ctx2) == 0 {
		t.Fatalf("card transactions: %v", err)
	}
	id, err := c.GetIdentity(ctx, req)
	if err != nil || id.Name == "" || id.DocumentID == "" || id.Address.City == "" || id.ContactInfo.Email == "" {
		t.Fatalf("identity: %+v %v", id, err)
	}
	hs, err := c.GetHolders(ctx, req)
	if err != nil || len(hs) == 0 || hs[0].Rel == "" {
		t.Fatalf("holders: %v", err)
	}
}

func TestE2EDataCallsWaitWithoutStatusPolling(t *testing.T) {
	srv := newFake(t, flankstest.WithProcessingPolls(6))
	c := fakeClient(t, srv)
	tok, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("1234"))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok})
	if err != nil || len(ps) == 0 {
		t.Fatalf("portfolios: %v %v", ps, err)
	}
	if n := srv.Requests("/v0/bank/credentials/portfolio"); n < 2 {
		t.Errorf("portfolio requests = %d, want the PROCESSING answers to be polled", n)
	}
	if n := srv.Requests("/v0/bank/credentials/status"); n != 0 {
		t.Errorf("status requests = %d", n)
	}
	// NoWait on a fresh credential: PROCESSING at once.
	tok2, _ := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("1234"))
	_, err = c.GetLiabilityTransactions(context.Background(), flanks.DataRequest{CredentialsToken: tok2, NoWait: true})
	if !errors.Is(err, sdkerrors.ErrProcessing) {
		t.Fatalf("NoWait: err = %v", err)
	}
}

func TestE2ETestBankPasswords(t *testing.T) {
	type check func(t *testing.T, c *flanks.Client, tok string)
	dataErr := func(want ...error) check {
		return func(t *testing.T, c *flanks.Client, tok string) {
			_, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok})
			for _, w := range want {
				if !errors.Is(err, w) {
					t.Errorf("GetPortfolios: err = %v, want %v", err, w)
				}
			}
		}
	}
	cases := []struct {
		password string
		reason   flanks.ActionReason // "" = WaitForCredentials succeeds
		errored  bool
		check    check
	}{
		{"1234", "", false, func(t *testing.T, c *flanks.Client, tok string) {
			if ps, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok}); err != nil || len(ps) == 0 {
				t.Errorf("portfolios: %v %v", ps, err)
			}
		}},
		{"INVALID_CREDENTIALS", flanks.ActionBlocked, false, dataErr(sdkerrors.ErrCredentialsError, sdkerrors.ErrBadCredentials)},
		{"USER_INTERACTION_NEEDED", flanks.ActionBlocked, false, dataErr(sdkerrors.ErrCredentialsError)},
		{"SCA_TYPE_NOT_ALLOWED", flanks.ActionBlocked, false, dataErr(sdkerrors.ErrCredentialsError)},
		{"SCA_SMS", flanks.ActionSCA, false, dataErr(sdkerrors.ErrScaRequired, sdkerrors.ErrUserActionRequired)},
		{"INVALID_SCA", flanks.ActionSCA, false, dataErr(sdkerrors.ErrScaRequired)},
		{"INTERNAL_ERROR", "", true, func(t *testing.T, c *flanks.Client, tok string) {
			_, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok})
			if !errors.Is(err, sdkerrors.ErrIncomplete) {
				t.Errorf("err = %v, want ErrIncomplete", err)
			}
			ps, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok, IgnoreDataError: true})
			if err != nil || len(ps) != 0 {
				t.Errorf("ignore_data_error: %v %v", ps, err)
			}
			id, err := c.GetIdentity(context.Background(), flanks.DataRequest{CredentialsToken: tok, IgnoreDataError: true})
			if err != nil || id.ID != "" {
				t.Errorf("identity with ignore_data_error: %+v %v", id, err)
			}
		}},
		{"DATA_ERROR_PRODUCT_ACCOUNT", "", true, func(t *testing.T, c *flanks.Client, tok string) {
			if _, err := c.GetAccounts(context.Background(), flanks.DataRequest{CredentialsToken: tok}); !errors.Is(err, sdkerrors.ErrIncomplete) {
				t.Errorf("accounts: err = %v", err)
			}
			if accs, err := c.GetAccounts(context.Background(), flanks.DataRequest{CredentialsToken: tok, IgnoreDataError: true}); err != nil || len(accs) != 0 {
				t.Errorf("accounts ignore: %v %v", accs, err)
			}
			if ps, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok}); err != nil || len(ps) == 0 {
				t.Errorf("portfolios: %v %v", ps, err)
			}
		}},
	}
	for _, sca := range []string{"SCA_QR_ACCEPT", "SCA_UPDATABLE_QR", "SCA_APP", "SCA_APP_CODE", "SCA_CALL",
		"SCA_CARD_READER", "SCA_CODE", "SCA_CODE_DEVICE", "SCA_CODE_FROM_APP", "SCA_COORDINATE", "SCA_COORDINATE_CARD",
		"SCA_CRYPTOCALCULATOR", "SCA_DIGIPASS", "SCA_EMAIL", "SCA_EXTERNAL_WAIT", "SCA_GOOGLE_AUTHENTICATOR"} {
		cases = append(cases, struct {
			password string
			reason   flanks.ActionReason
			errored  bool
			check    check
		}{sca, flanks.ActionSCA, false, dataErr(sdkerrors.ErrScaRequired)})
	}
	srv := newFake(t)
	c := fakeClient(t, srv)
	for _, tc := range cases {
		t.Run(tc.password, func(t *testing.T) {
			tok, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode(tc.password))
			if err != nil {
				t.Fatal(err)
			}
			st, err := c.WaitForCredentials(context.Background(), tok)
			if tc.reason == "" {
				if err != nil || st.Pending {
					t.Fatalf("wait: %v %v", st, err)
				}
				if st.Errored.Any() != tc.errored {
					t.Errorf("errored = %+v", st.Errored)
				}
			} else {
				var ua *flanks.UserActionError
				if !errors.As(err, &ua) || ua.Reason != tc.reason || st == nil {
					t.Fatalf("wait: st=%v err=%v, want %s", st, err, tc.reason)
				}
			}
			tc.check(t, c, tok)
		})
	}

	t.Run("ALREADY_EXISTS", func(t *testing.T) {
		_, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("ALREADY_EXISTS"))
		var api *sdkerrors.APIError
		if !errors.Is(err, sdkerrors.ErrConfigurationError) || !errors.As(err, &api) || api.StatusCode != 409 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("SECURITY_CHECKS", func(t *testing.T) {
		tok, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("SECURITY_CHECKS"))
		var de *flanks.DelayedError
		if !errors.Is(err, sdkerrors.ErrScaError) || !errors.As(err, &de) || tok == "" || de.CredentialsToken != tok {
			t.Fatalf("tok=%q err=%v", tok, err)
		}
		if _, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok}); !errors.Is(err, sdkerrors.ErrScaError) {
			t.Errorf("data on held token: %v", err)
		}
	})
	t.Run("code is single-use", func(t *testing.T) {
		code := srv.NewLinkCode("1234")
		if _, err := c.ExchangeLinkCode(context.Background(), code); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExchangeLinkCode(context.Background(), code); !errors.Is(err, sdkerrors.ErrConfigurationError) {
			t.Errorf("second exchange: %v", err)
		}
	})
}

func TestE2ECreateCredentialsDirect(t *testing.T) {
	srv := newFake(t, flankstest.WithProcessingPolls(0))
	c := fakeClient(t, srv, flanks.WithMaxRetries(3))
	ctx := context.Background()
	res, err := c.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "testbank", Username: "u1", Password: "1234", ExternalID: "ext-1"})
	if err != nil || res.CredentialsToken == "" || res.Delayed {
		t.Fatalf("create: %v %v", res, err)
	}
	ps, err := c.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: res.CredentialsToken})
	if err != nil || len(ps) == 0 || ps[0].ExternalID != "" && ps[0].ExternalID != "ext-1" {
		t.Fatalf("portfolios: %v %v", ps, err)
	}
	cases := []struct {
		user, password string
		want           error
	}{
		{"u2", "INVALID_CREDENTIALS", sdkerrors.ErrCredentialsError},
		{"u3", "INTERNAL_ERROR", sdkerrors.ErrBankError},
		{"u4", "SCA_SMS", sdkerrors.ErrScaRequired},
		{"u5", "ALREADY_EXISTS", sdkerrors.ErrConfigurationError},
		{"u1", "1234", sdkerrors.ErrConfigurationError}, // duplicate login
		{"u6", "SECURITY_CHECKS", sdkerrors.ErrScaError},
	}
	for _, tc := range cases {
		before := srv.Requests("/v0/bank/credentials")
		_, err := c.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "testbank", Username: tc.user, Password: tc.password})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.password, err, tc.want)
		}
		if n := srv.Requests("/v0/bank/credentials") - before; n != 1 {
			t.Errorf("%s: %d requests, want exactly 1 (never repeated)", tc.password, n)
		}
	}
	if _, err := c.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "nobank", Username: "u", Password: "p"}); !errors.Is(err, sdkerrors.ErrConfigurationError) {
		t.Errorf("unknown bank: %v", err)
	}
}

func TestE2ECredentialsManagement(t *testing.T) {
	srv := newFake(t, flankstest.WithPageSize(3), flankstest.WithProcessingPolls(0))
	c := fakeClient(t, srv)
	ctx := context.Background()
	var toks []string
	for range 7 {
		tok, err := c.ExchangeLinkCode(ctx, srv.NewLinkCode("1234"))
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	all, err := flanks.Collect(c.ListCredentials(ctx))
	if err != nil || len(all) != 7 || all[0].Bank != "testbank" || all[0].CredentialsToken != toks[0] {
		t.Fatalf("list: %d %v", len(all), err)
	}
	if n := srv.Requests("/v0/bank/credentials/list"); n != 3 {
		t.Errorf("list requests = %d, want 3 pages", n)
	}
	sca, err := c.ForceCredentials(ctx, toks[0], flanks.ForceSCA)
	if err != nil || sca == "" {
		t.Fatalf("force sca: %v", err)
	}
	st, err := c.GetCredentialStatus(ctx, toks[0])
	if err != nil || st.SCAToken != sca || st.ActionRequired() != flanks.ActionSCA {
		t.Fatalf("status after force: %v %v", st, err)
	}
	if _, err := c.ForceCredentials(ctx, toks[1], flanks.ForceReset); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ForceCredentials(ctx, toks[1], flanks.ForceTransaction); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCredentials(ctx, toks[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCredentialStatus(ctx, toks[2]); !errors.Is(err, sdkerrors.ErrConfigurationError) {
		t.Errorf("deleted: %v", err)
	}
	if err := c.DeleteCredentials(ctx, toks[2]); !errors.Is(err, sdkerrors.ErrConfigurationError) {
		t.Errorf("second delete: %v", err)
	}
	ents, err := c.ListEntities(ctx)
	if err != nil || len(ents) < 10 || ents[0].ID != "testbank" {
		t.Fatalf("entities: %v", err)
	}
}

func TestE2ETokenRules(t *testing.T) {
	t.Run("64 goroutines, one token", func(t *testing.T) {
		srv := newFake(t, flankstest.WithProcessingPolls(0))
		c := fakeClient(t, srv)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 64 {
			wg.Go(func() {
				_, err := c.ListEntities(context.Background())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := srv.TokenRequests(); n != 1 {
			t.Errorf("token requests = %d, want 1", n)
		}
		// Expired tokens: 64 concurrent 401s lead to one refresh.
		srv.ExpireTokens()
		errs = make(chan error, 64)
		for range 64 {
			wg.Go(func() {
				_, err := c.ListEntities(context.Background())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := srv.TokenRequests(); n != 2 {
			t.Errorf("token requests after expiry = %d, want 2", n)
		}
	})
	t.Run("new token revokes old", func(t *testing.T) {
		srv := newFake(t, flankstest.WithRevokeOldTokens(true))
		a := fakeClient(t, srv)
		b := fakeClient(t, srv) // a second client with the same app revokes a's token
		ctx := context.Background()
		if _, err := a.ListEntities(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ListEntities(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ListEntities(ctx); err != nil {
			t.Fatalf("a after revocation: %v", err)
		}
		if n := srv.TokenRequests(); n != 3 {
			t.Errorf("token requests = %d, want 3", n)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		srv := newFake(t)
		c, err := flanks.NewClient(srv.ClientID, "wrong-secret", flanks.WithBaseURL(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListEntities(context.Background())
		if !errors.Is(err, sdkerrors.ErrAuthentication) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("short TTL refreshes before expiry", func(t *testing.T) {
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		srv := newFake(t, flankstest.WithTokenTTL(0), flankstest.WithClock(clock))
		c := fakeClient(t, srv)
		// expires_in 0: every token is dead on arrival; one refresh, then a
		// typed authentication error, no loop.
		_, err := c.ListEntities(context.Background())
		if !errors.Is(err, sdkerrors.ErrAuthentication) {
			t.Fatalf("err = %v", err)
		}
		if n := srv.TokenRequests(); n != 2 {
			t.Errorf("token requests = %d, want 2", n)
		}
	})
	t.Run("token endpoint failures", func(t *testing.T) {
		srv := newFake(t)
		c := fakeClient(t, srv, flanks.WithMaxRetries(0))
		srv.InjectError("/v0/token", 200, "<html>login page</html>", 1)
		if _, err := c.ListEntities(context.Background()); !errors.Is(err, sdkerrors.ErrUnexpectedResponse) {
			t.Errorf("html: %v", err)
		}
		srv.InjectError("/v0/token", 200, `{"token_type": "Bearer"}`, 1)
		if _, err := c.ListEntities(context.Background()); !errors.Is(err, sdkerrors.ErrUnexpectedResponse) {
			t.Errorf("no token: %v", err)
		}
		srv.InjectError("/v0/token", 500, `{"error": "Internal Error"}`, 1)
		if _, err := c.ListEntities(context.Background()); !errors.Is(err, sdkerrors.ErrTemporary) {
			t.Errorf("500: %v", err)
		}
		if _, err := c.ListEntities(context.Background()); err != nil {
			t.Errorf("recovers: %v", err)
		}
	})
}

func TestE2EWaiting(t *testing.T) {
	srv := newFake(t, flankstest.WithProcessingPolls(0))
	c := fakeClient(t, srv, flanks.WithPollTimeout(50*time.Millisecond))
	tok, err := c.ExchangeLinkCode(context.Background(), srv.NewLinkCode("1234"))
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectError("/v0/bank/credentials/portfolio", 400, processingBody, 1_000_000)
	_, err = c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok})
	if !errors.Is(err, sdkerrors.ErrPollTimeout) || !errors.Is(err, sdkerrors.ErrProcessing) {
		t.Fatalf("endless PROCESSING: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Requests("/v0/bank/credentials/portfolio") < 20 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	c2 := fakeClient(t, srv, flanks.WithPollTimeout(time.Hour))
	_, err = c2.GetPortfolios(ctx, flanks.DataRequest{CredentialsToken: tok})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	srv.InjectError("/v0/bank/credentials/portfolio", 0, "", 0)
	if _, err := c.GetPortfolios(context.Background(), flanks.DataRequest{CredentialsToken: tok}); err != nil {
		t.Fatal(err)
	}
}

func TestE2EPaginationAndEnvelopes(t *testing.T) {
	srv := newFake(t, flankstest.WithPageSize(5))
	c := fakeClient(t, srv)
	ctx := context.Background()
	all, err := flanks.Collect(c.ListConnectors(ctx, flanks.ConnectorQuery{}))
	if err != nil || len(all) < 40 || all[0].ConnectorID != "testbank" {
		t.Fatalf("connectors: %d %v", len(all), err)
	}
	pages := srv.Requests("/connect/v2/connectors/list-connectors")
	if want := (len(all) + 4) / 5; pages != want {
		t.Errorf("pages = %d, want %d", pages, want)
	}
	some, err := flanks.Collect(c.ListConnectors(ctx, flanks.ConnectorQuery{ConnectorIDIn: []string{"bbva", "ing"}}))
	if err != nil || len(some) != 2 {
		t.Fatalf("filtered: %v %v", some, err)
	}
	none, err := flanks.Collect(c.ListConnectors(ctx, flanks.ConnectorQuery{ConnectorIDIn: []string{}}))
	if err != nil || len(none) != 0 {
		t.Fatalf("empty filter matches nothing: %v %v", none, err)
	}
	// A server that repeats its cursor.
	page := `{"items": [{"connector_id": "x", "name": "X"}], "next_page_token": "again"}`
	srv.InjectError("/connect/v2/connectors/list-connectors", 200, page, 3)
	n := 0
	var lastErr error
	for _, err := range c.ListConnectors(ctx, flanks.ConnectorQuery{}) {
		if err != nil {
			lastErr = err
			continue
		}
		n++
	}
	if !errors.Is(lastErr, flanks.ErrRepeatedPageToken) || n != 2 {
		t.Fatalf("repeat: n=%d err=%v", n, lastErr)
	}
	srv.InjectError("/connect/v2/connectors/list-connectors", 0, "", 0)

	// v2 envelope from the fake.
	_, err = c.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: "https://app.test/cb", ConnectorID: "nobank"})
	var api *sdkerrors.APIError
	if !errors.Is(err, sdkerrors.ErrValidationError) || !errors.As(err, &api) || api.RequestID == "" || len(api.Details) == 0 {
		t.Fatalf("v2 envelope: %v", err)
	}
	// v0 envelope from the fake.
	_, err = c.GetCredentialStatus(ctx, "no-such-token")
	if !errors.Is(err, sdkerrors.ErrConfigurationError) || !errors.As(err, &api) || api.Number != 40001 {
		t.Fatalf("v0 envelope: %v", err)
	}
	// Injected bad bodies.
	for _, tc := range []struct {
		status int
		body   string
		want   error
	}{
		{502, "<html><h1>Bad gateway</h1></html>", sdkerrors.ErrTemporary},
		{200, `{"items": [{"session_id": `, sdkerrors.ErrUnexpectedResponse},
		{200, ``, sdkerrors.ErrUnexpectedResponse},
		{200, `{"success": false, "error": {"code": "ValidationError", "details": []}, "trace_id": "x"}`, sdkerrors.ErrValidationError},
	} {
		srv.InjectError("/connect/v2/sessions/list-sessions", tc.status, tc.body, 4)
		_, err := flanks.Collect(c.ListSessions(ctx, flanks.SessionQuery{}))
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %q: err = %v", tc.status, tc.body, err)
		}
		srv.InjectError("/connect/v2/sessions/list-sessions", 0, "", 0)
	}
}

func TestE2EConnectFlow(t *testing.T) {
	srv := newFake(t)
	c := fakeClient(t, srv)
	ctx := context.Background()
	cfg := flanks.SessionConfiguration{RedirectURL: "https://app.test/flanks/done", ConnectorID: "testbank"}

	s, err := c.CreateSession(ctx, cfg)
	if err != nil || s.URL == "" || s.Status != flanks.SessionWaitingCredentials {
		t.Fatalf("create: %v %v", s, err)
	}
	if err := srv.CompleteSession(s.SessionID, "SCA_SMS"); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSession(ctx, s.SessionID)
	if err != nil || got.Status != flanks.SessionWaitingChallenge {
		t.Fatalf("after SCA: %v %v", got, err)
	}
	if err := srv.CompleteSession(s.SessionID, "123456"); err != nil {
		t.Fatal(err)
	}
	done, err := c.WaitForSession(ctx, s.SessionID)
	if err != nil || done.ConnectionID == "" {
		t.Fatalf("wait: %v %v", done, err)
	}
	if _, err := c.WaitForCredentials(ctx, done.ConnectionID); err != nil {
		t.Fatal(err)
	}
	accs, err := c.GetAccounts(ctx, flanks.DataRequest{CredentialsToken: done.ConnectionID})
	if err != nil || len(accs) == 0 {
		t.Fatalf("accounts: %v", err)
	}

	for pw, code := range map[string]flanks.SessionErrorCode{
		"INVALID_CREDENTIALS":     flanks.SessionInvalidCredentials,
		"USER_INTERACTION_NEEDED": flanks.SessionUserInteractionNeeded,
		"SCA_TYPE_NOT_ALLOWED":    flanks.SessionUnsupportedChallengeMethod,
		"INTERNAL_ERROR":          flanks.SessionInternalError,
		"INVALID_SCA":             flanks.SessionInvalidChallengeResponse,
	} {
		s, err := c.CreateSession(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.CompleteSession(s.SessionID, pw); err != nil {
			t.Fatal(err)
		}
		got, err := c.WaitForSession(ctx, s.SessionID)
		var se *flanks.SessionError
		if !errors.As(err, &se) || se.Code != code || got.Status != flanks.SessionFinishedError {
			t.Errorf("%s: %v %v", pw, got, err)
		}
	}
	failed, err := flanks.Collect(c.ListSessions(ctx, flanks.SessionQuery{StatusIn: []flanks.SessionStatus{flanks.SessionFinishedError}}))
	if err != nil || len(failed) != 5 {
		t.Errorf("failed sessions: %d %v", len(failed), err)
	}
	// Updating an existing connection.
	s, err = c.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: cfg.RedirectURL, ConnectionID: done.ConnectionID})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.CompleteSession(s.SessionID, "1234")
	upd, err := c.WaitForSession(ctx, s.SessionID)
	if err != nil || upd.ConnectionID != done.ConnectionID {
		t.Fatalf("update: %v %v", upd, err)
	}
	// A session left waiting times out.
	s, _ = c.CreateSession(ctx, cfg)
	short := fakeClient(t, srv, flanks.WithPollTimeout(20*time.Millisecond))
	if _, err := short.WaitForSession(ctx, s.SessionID); !errors.Is(err, sdkerrors.ErrPollTimeout) {
		t.Errorf("waiting session: %v", err)
	}
}

func TestE2EAggregationV2(t *testing.T) {
	srv := newFake(t, flankstest.WithProcessingPolls(0), flankstest.WithPageSize(7))
	c := fakeClient(t, srv)
	ctx := context.Background()
	tok, err := c.ExchangeLinkCode(ctx, srv.NewLinkCode("1234"))
	if err != nil {
		t.Fatal(err)
	}
	products, err := flanks.Collect(c.ListProducts(ctx, flanks.ProductQuery{ConnectionIDIn: []string{tok}}))
	if err != nil || len(products) == 0 {
		t.Fatalf("products: %v", err)
	}
	accounts, err := flanks.Collect(c.ListProducts(ctx, flanks.ProductQuery{ProductTypeIn: []flanks.ProductType{flanks.ProductAccount}}))
	if err != nil || len(accounts) == 0 || accounts[0].IBAN == "" || accounts[0].Balance.IsNull() {
		t.Fatalf("accounts: %+v %v", accounts, err)
	}
	if err := c.SetProductLabels(ctx, accounts[0].ProductID, map[string]string{"team": "ops"}); err != nil {
		t.Fatal(err)
	}
	got, err := flanks.Collect(c.ListProducts(ctx, flanks.ProductQuery{ProductIDIn: []string{accounts[0].ProductID}}))
	if err != nil || len(got) != 1 || got[0].Labels["team"] != "ops" {
		t.Fatalf("labels: %+v %v", got, err)
	}
	if err := c.SetProductLabels(ctx, "no-such-product", nil); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("unknown product: %v", err)
	}
	var n int
	var first flanks.Transaction
	for tx, err := range c.ListTransactions(ctx, flanks.TransactionQuery{ConnectionIDIn: []string{tok}}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first = tx
		}
		n++
	}
	if n < 50 || first.Date.IsZero() || first.Amount.IsNull() {
		t.Fatalf("transactions: %d %+v", n, first)
	}
	ranged, err := flanks.Collect(c.ListTransactions(ctx, flanks.TransactionQuery{DateFrom: first.Date, DateTo: first.Date}))
	if err != nil || len(ranged) == 0 || len(ranged) >= n {
		t.Fatalf("date range: %d %v", len(ranged), err)
	}
	for _, tx := range ranged {
		if tx.Date != first.Date {
			t.Fatalf("date filter not applied: %v", tx.Date)
		}
	}
	if err := c.SetTransactionLabels(ctx, first.TransactionID, map[string]string{"cat": "food"}); err != nil {
		t.Fatal(err)
	}
}

func TestE2EReportsLettersLinks(t *testing.T) {
	srv := newFake(t)
	c := fakeClient(t, srv)
	ctx := context.Background()

	tpls, err := flanks.Collect(c.ListReportTemplates(ctx))
	if err != nil || len(tpls) == 0 {
		t.Fatalf("templates: %v", err)
	}
	r, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: tpls[0].TemplateID, Language: "es"})
	if err != nil {
		t.Fatal(err)
	}
	r, err = c.WaitForReport(ctx, r.ReportID)
	if err != nil || r.Status != flanks.ReportReady {
		t.Fatalf("wait: %v %v", r, err)
	}
	content, err := c.GetReportContent(ctx, r.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(content.URL)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Errorf("report file = %.20q", pdf)
	}
	bad, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: 999})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForReport(ctx, bad.ReportID); !errors.Is(err, flanks.ErrReportFailed) {
		t.Errorf("failing template: %v", err)
	}
	if _, err := c.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: 12345}); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("unknown template: %v", err)
	}

	l, err := c.CreateSignedLetter(ctx, flanks.SignedLetterRequest{ConnectorID: "bbva", Data: pdf, Annex: pdf, ContactInfo: map[string]any{"email": "x@example.com"}})
	if err != nil || l.LetterID == "" {
		t.Fatalf("letter: %v %v", l, err)
	}
	if _, err := c.CreateSignedLetter(ctx, flanks.SignedLetterRequest{ConnectorID: "nobank", Data: pdf}); !errors.Is(err, sdkerrors.ErrValidationError) {
		t.Errorf("bad connector: %v", err)
	}

	link, err := c.CreateLink(ctx, flanks.CreateLinkRequest{RedirectURI: "https://app.test/cb", Name: "Onboarding", CompanyName: "ACME"})
	if err != nil || link.Token == "" || link.CompanyName != "ACME" || !link.Active {
		t.Fatalf("create link: %+v %v", link, err)
	}
	if _, err := c.CreateLink(ctx, flanks.CreateLinkRequest{RedirectURI: "https://app.test/cb", Name: "Onboarding"}); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("duplicate name: %v", err)
	}
	name := "Onboarding 2"
	edited, err := c.EditLink(ctx, flanks.EditLinkRequest{Token: link.Token, Name: &name, Clear: []string{"company_name"}})
	if err != nil || edited.Name != name || edited.CompanyName != "" {
		t.Fatalf("edit: %+v %v", edited, err)
	}
	if l, err := c.PauseLink(ctx, link.Token); err != nil || l.Active {
		t.Fatalf("pause: %v %v", l, err)
	}
	if l, err := c.ResumeLink(ctx, link.Token); err != nil || !l.Active {
		t.Fatalf("resume: %v %v", l, err)
	}
	links, err := flanks.Collect(c.ListLinks(ctx))
	if err != nil || len(links) < 2 {
		t.Fatalf("list links: %v %v", links, err)
	}
	if err := c.DeleteLink(ctx, link.Token); err != nil {
		t.Fatal(err)
	}
	// The default link has a pending code: it cannot be deleted.
	code := srv.NewLinkCode("1234")
	codes, err := c.ListLinkCodes(ctx, "")
	if err != nil || len(codes) == 0 || codes[len(codes)-1].Code != code {
		t.Fatalf("codes: %v", err)
	}
	byLink, err := c.ListLinkCodes(ctx, codes[0].LinkToken)
	if err != nil || len(byLink) == 0 {
		t.Fatalf("codes by link: %v", err)
	}
	if err := c.DeleteLink(ctx, codes[0].LinkToken); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("delete with pending codes: %v", err)
	}
	if _, err := c.ExchangeLinkCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	if codes, err := c.ListLinkCodes(ctx, ""); err != nil || len(codes) != 0 {
		t.Errorf("codes after exchange: %v %v", codes, err)
	}
}
