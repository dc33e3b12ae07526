package leakaudit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// Distinctive Flanks secrets (see the Flinks ones).
const (
	flanksClientID     = "zq-flanks-client#1"
	flanksClientSecret = "Zq flanks secret!9"
	flanksBankUser     = "zq.juan.perez@bnk"
	flanksBankPassword = "Zq clave 9 secreta" // a TestBank password that logs in
	flanksVerifier     = "Zq verif#4 pin 77"
	flanksCredsToken   = "zq-cred.tok#5e7a1"
	flanksLinkCode     = "zq-link.code#77a2"
	flanksConnection   = "zq-conn.tok#9d3c4" // a connection id (credentials token)
)

type flanksEnv struct {
	a        *auditor
	c        *flanks.Client
	scenario string
	fake     *flankstest.Server // nil unless the scenario runs on the fake

	credsToken  string // the credential the data calls use
	forceToken  string // the credential ForceCredentials and DeleteCredentials use
	linkCodes   []string
	linkToken   string
	sessionID   string
	productID   string
	txID        string
	templateID  int64
	reportID    int64
	connectorID string
}

type flanksOp struct {
	method  string // the exported method of *flanks.Client
	variant string
	run     func(ctx context.Context, e *flanksEnv) error
}

// p names a place in this scenario.
func (e *flanksEnv) p(what string) string { return "flanks/" + e.scenario + " " + what }

func (e *flanksEnv) place(op flanksOp) string {
	return fmt.Sprintf("flanks/%s %s(%s)", e.scenario, op.method, op.variant)
}

// nextCode returns a link code: one the fake issued, or the distinctive one.
func (e *flanksEnv) nextCode() string {
	if len(e.linkCodes) == 0 {
		return flanksLinkCode
	}
	c := e.linkCodes[0]
	e.linkCodes = e.linkCodes[1:]
	return c
}

// drain ranges over a list iterator, records every item as a result and
// returns the first item and the error.
func drain[T any](e *flanksEnv, place string, seq func(func(T, error) bool)) (first *T, err error) {
	n := 0
	for v, err2 := range seq {
		if err2 != nil {
			return first, err2
		}
		e.a.result(place, v)
		if first == nil {
			v := v
			first = &v
		}
		if n++; n > 500 {
			return first, fmt.Errorf("list did not end")
		}
	}
	return first, nil
}

func dataOp[T any](method string, fn func(*flanks.Client, context.Context, flanks.DataRequest) (T, error)) flanksOp {
	return flanksOp{method, "", func(ctx context.Context, e *flanksEnv) error {
		req := flanks.DataRequest{CredentialsToken: e.credsToken, Query: map[string]any{"account_id": []string{"zq-acc"}}}
		if method != "GetAccountTransactions" {
			req.Query = nil
		}
		e.a.value(e.p(method+" request"), req)
		_, err := fn(e.c, ctx, req)
		return err
	}}
}

// flanksOps lists every operation of *flanks.Client in the order a flow
// runs them.
func flanksOps() []flanksOp {
	return []flanksOp{
		{"ListEntities", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.ListEntities(ctx)
			return err
		}},
		{"CreateLink", "", func(ctx context.Context, e *flanksEnv) error {
			req := flanks.CreateLinkRequest{RedirectURI: "https://app.example/cb", Name: "zq audit link " + e.scenario, CompanyName: "Zq Co"}
			e.a.value(e.p("CreateLink request"), req)
			l, err := e.c.CreateLink(ctx, req)
			if err == nil {
				e.linkToken = l.Token
			}
			return err
		}},
		{"EditLink", "", func(ctx context.Context, e *flanksEnv) error {
			name := "zq audit link edited " + e.scenario
			req := flanks.EditLinkRequest{Token: e.linkToken, Name: &name, Clear: []string{"company_name"}}
			e.a.value(e.p("EditLink request"), req)
			_, err := e.c.EditLink(ctx, req)
			return err
		}},
		{"PauseLink", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.PauseLink(ctx, e.linkToken)
			return err
		}},
		{"ResumeLink", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.ResumeLink(ctx, e.linkToken)
			return err
		}},
		{"ListLinks", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := drain(e, e.p("ListLinks item"), e.c.ListLinks(ctx))
			return err
		}},
		{"ListLinkCodes", "", func(ctx context.Context, e *flanksEnv) error {
			codes, err := e.c.ListLinkCodes(ctx, "")
			for _, c := range codes {
				e.a.add("link code", c.Code)
				e.a.result(e.p("ListLinkCodes item"), c)
			}
			return err
		}},
		{"ExchangeLinkCodeDetails", "", func(ctx context.Context, e *flanksEnv) error {
			ex, err := e.c.ExchangeLinkCodeDetails(ctx, e.nextCode())
			if ex != nil {
				e.a.add("credentials token", ex.CredentialsToken)
				e.a.result(e.p("ExchangeLinkCodeDetails result"), ex)
				e.a.result(e.p("ExchangeLinkCodeDetails result (value)"), *ex)
				if e.fake != nil && err == nil {
					e.credsToken = ex.CredentialsToken
				}
			}
			return err
		}},
		{"ExchangeLinkCode", "", func(ctx context.Context, e *flanksEnv) error {
			tok, err := e.c.ExchangeLinkCode(ctx, e.nextCode())
			e.a.add("credentials token", tok)
			if e.fake != nil && err == nil {
				e.forceToken = tok
			}
			return err
		}},
		{"ExchangeLinkCode", "used code", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.ExchangeLinkCode(ctx, flanksLinkCode)
			return err
		}},
		{"GetCredentialStatus", "", func(ctx context.Context, e *flanksEnv) error {
			st, err := e.c.GetCredentialStatus(ctx, e.credsToken)
			e.addStatus(st)
			return err
		}},
		{"WaitForCredentials", "", func(ctx context.Context, e *flanksEnv) error {
			st, err := e.c.WaitForCredentials(ctx, e.credsToken)
			e.addStatus(st)
			return err
		}},
		dataOp("GetPortfolios", (*flanks.Client).GetPortfolios),
		dataOp("GetInvestments", (*flanks.Client).GetInvestments),
		dataOp("GetInvestmentTransactions", (*flanks.Client).GetInvestmentTransactions),
		dataOp("GetAccounts", (*flanks.Client).GetAccounts),
		dataOp("GetAccountTransactions", (*flanks.Client).GetAccountTransactions),
		dataOp("GetLiabilities", (*flanks.Client).GetLiabilities),
		dataOp("GetLiabilityTransactions", (*flanks.Client).GetLiabilityTransactions),
		dataOp("GetCards", (*flanks.Client).GetCards),
		dataOp("GetCardTransactions", (*flanks.Client).GetCardTransactions),
		dataOp("GetIdentity", (*flanks.Client).GetIdentity),
		dataOp("GetHolders", (*flanks.Client).GetHolders),
		{"ForceCredentials", "", func(ctx context.Context, e *flanksEnv) error {
			var list []error
			for _, f := range []flanks.Force{flanks.ForceSCA, flanks.ForceReset, flanks.ForceTransaction} {
				tok, err := e.c.ForceCredentials(ctx, e.forceToken, f)
				e.a.add("sca/reset/transaction token", tok)
				list = append(list, err)
			}
			st, err := e.c.GetCredentialStatus(ctx, e.forceToken)
			e.addStatus(st)
			return errs(append(list, err)...)
		}},
		{"WaitForCredentials", "action required", func(ctx context.Context, e *flanksEnv) error {
			st, err := e.c.WaitForCredentials(ctx, e.forceToken)
			e.addStatus(st)
			return err
		}},
		{"ListCredentials", "", func(ctx context.Context, e *flanksEnv) error {
			for s, err := range e.c.ListCredentials(ctx) {
				if err != nil {
					return err
				}
				e.a.add("credentials token", s.CredentialsToken)
				e.a.result(e.p("ListCredentials item"), s)
			}
			return nil
		}},
		{"CreateCredentials", "", func(ctx context.Context, e *flanksEnv) error {
			req := flanks.CreateCredentialsRequest{Bank: "testbank", Username: flanksBankUser, Password: flanksBankPassword,
				Verifier: flanksVerifier, ExternalID: "zq-ext-" + e.scenario}
			e.a.value(e.p("CreateCredentials request"), req)
			res, err := e.c.CreateCredentials(ctx, req)
			if res != nil {
				e.a.add("credentials token", res.CredentialsToken)
				e.a.result(e.p("CreateCredentials result"), res)
			}
			return err
		}},
		{"CreateCredentials", "duplicate", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "testbank",
				Username: flanksBankUser, Password: flanksBankPassword, Verifier: flanksVerifier})
			return err
		}},
		{"ListConnectors", "", func(ctx context.Context, e *flanksEnv) error {
			first, err := drain(e, e.p("ListConnectors item"), e.c.ListConnectors(ctx, flanks.ConnectorQuery{}))
			if first != nil {
				e.connectorID = first.ConnectorID
			}
			return err
		}},
		{"CreateSession", "", func(ctx context.Context, e *flanksEnv) error {
			cfg := flanks.SessionConfiguration{RedirectURL: "https://app.example/connect", ConnectorID: "testbank",
				ConnectionID: e.credsToken, Extra: map[string]any{"initial_step": "credentials"}}
			e.a.value(e.p("CreateSession request"), cfg)
			s, err := e.c.CreateSession(ctx, cfg)
			if err == nil {
				e.sessionID = s.SessionID
				e.a.result(e.p("CreateSession result"), s)
				if e.fake != nil {
					if err := e.fake.CompleteSession(s.SessionID, flanksBankPassword); err != nil {
						return err
					}
				}
			}
			return err
		}},
		{"WaitForSession", "", func(ctx context.Context, e *flanksEnv) error {
			s, err := e.c.WaitForSession(ctx, e.sessionID)
			if s != nil {
				e.a.add("credentials token", s.ConnectionID)
				e.a.result(e.p("WaitForSession result"), s)
				e.a.result(e.p("WaitForSession result (value)"), *s)
				if e.fake != nil && err == nil {
					// The session restarted the connection's extraction:
					// wait for it, so that the v2 lists have its products.
					st, err := e.c.WaitForCredentials(ctx, s.ConnectionID)
					e.addStatus(st)
					return err
				}
			}
			return err
		}},
		{"GetSession", "", func(ctx context.Context, e *flanksEnv) error {
			s, err := e.c.GetSession(ctx, e.sessionID)
			e.a.result(e.p("GetSession result"), s)
			return err
		}},
		{"ListSessions", "", func(ctx context.Context, e *flanksEnv) error {
			q := flanks.SessionQuery{ConnectionIDIn: []string{e.credsToken, flanksConnection}}
			e.a.value(e.p("ListSessions query"), q)
			_, err := drain(e, e.p("ListSessions item"), e.c.ListSessions(ctx, q))
			return err
		}},
		{"ListProducts", "", func(ctx context.Context, e *flanksEnv) error {
			q := flanks.ProductQuery{ConnectionIDIn: []string{e.credsToken, flanksConnection}}
			e.a.value(e.p("ListProducts query"), q)
			first, err := drain(e, e.p("ListProducts item"), e.c.ListProducts(ctx, q))
			if first != nil {
				e.productID = first.ProductID
			}
			return err
		}},
		{"SetProductLabels", "", func(ctx context.Context, e *flanksEnv) error {
			return e.c.SetProductLabels(ctx, e.productID, map[string]string{"client": "zq-42"})
		}},
		{"ListTransactions", "", func(ctx context.Context, e *flanksEnv) error {
			q := flanks.TransactionQuery{ConnectionIDIn: []string{e.credsToken, flanksConnection}}
			e.a.value(e.p("ListTransactions query"), q)
			first, err := drain(e, e.p("ListTransactions item"), e.c.ListTransactions(ctx, q))
			if first != nil {
				e.txID = first.TransactionID
			}
			return err
		}},
		{"SetTransactionLabels", "", func(ctx context.Context, e *flanksEnv) error {
			return e.c.SetTransactionLabels(ctx, e.txID, map[string]string{"category": "zq"})
		}},
		{"ListReportTemplates", "", func(ctx context.Context, e *flanksEnv) error {
			first, err := drain(e, e.p("ListReportTemplates item"), e.c.ListReportTemplates(ctx))
			if first != nil {
				e.templateID = first.TemplateID
			}
			return err
		}},
		{"BuildReport", "", func(ctx context.Context, e *flanksEnv) error {
			req := flanks.BuildReportRequest{TemplateID: e.templateID, Language: "en"}
			e.a.value(e.p("BuildReport request"), req)
			r, err := e.c.BuildReport(ctx, req)
			if err == nil {
				e.reportID = r.ReportID
			}
			return err
		}},
		{"GetReportStatus", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.GetReportStatus(ctx, e.reportID)
			return err
		}},
		{"WaitForReport", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.WaitForReport(ctx, e.reportID)
			return err
		}},
		{"GetReportContent", "", func(ctx context.Context, e *flanksEnv) error {
			_, err := e.c.GetReportContent(ctx, e.reportID)
			return err
		}},
		{"CreateSignedLetter", "", func(ctx context.Context, e *flanksEnv) error {
			req := flanks.SignedLetterRequest{ConnectorID: "testbank", Data: []byte("%PDF-1.4 zq letter"),
				Labels: map[string]string{"client": "zq"}, ContactInfo: map[string]any{"email": "ops@app.example"}}
			e.a.value(e.p("CreateSignedLetter request"), req)
			_, err := e.c.CreateSignedLetter(ctx, req)
			return err
		}},
		{"DeleteLink", "", func(ctx context.Context, e *flanksEnv) error {
			return e.c.DeleteLink(ctx, e.linkToken)
		}},
		{"DeleteCredentials", "", func(ctx context.Context, e *flanksEnv) error {
			return e.c.DeleteCredentials(ctx, e.forceToken)
		}},
		{"DeleteCredentials", "unknown", func(ctx context.Context, e *flanksEnv) error {
			return e.c.DeleteCredentials(ctx, flanksCredsToken)
		}},
	}
}

func (e *flanksEnv) addStatus(st *flanks.CredentialStatus) {
	if st == nil {
		return
	}
	e.a.add("sca/reset/transaction token", st.SCAToken, st.ResetToken, st.TransactionToken)
	e.a.result(e.p("CredentialStatus"), st)
	e.a.result(e.p("CredentialStatus (value)"), *st)
}

var flanksRenderingMethods = []string{"BaseURL", "HTTPClient", "String", "GoString", "LogValue"}

func newFlanksClient(t *testing.T, a *auditor, scenario, baseURL string) *flanks.Client {
	c, err := flanks.NewClient(flanksClientID, flanksClientSecret,
		flanks.WithBaseURL(baseURL), flanks.WithLogger(a.logger), flanks.WithHTTPClient(newRecordingClient(a)),
		flanks.WithMaxRetries(1), flanks.WithRetryWait(time.Millisecond, 2*time.Millisecond),
		flanks.WithPollInterval(time.Millisecond), flanks.WithPollTimeout(15*time.Millisecond), flanks.WithPollJitter(0),
		flanks.WithTokenFetchTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("flanks.NewClient: %v", err)
	}
	p := "flanks/" + scenario + " client"
	a.value(p, c)
	a.value(p+" (value)", *c)
	a.record(p+" BaseURL()", c.BaseURL(), false)
	a.record(p+" String()", c.String(), false)
	a.record(p+" GoString()", c.GoString(), false)
	a.logger.Info("app: client", "place", p, "client", c.LogValue())
	return c
}

func runFlanks(t *testing.T, e *flanksEnv, ops []flanksOp, before func(op flanksOp)) {
	for _, op := range ops {
		if before != nil {
			before(op)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := op.run(ctx, e)
		cancel()
		e.a.err(e.place(op), err)
		if e.fake != nil && testing.Verbose() {
			t.Logf("%s: %v", e.place(op), err)
		}
	}
}

func auditFlanks(t *testing.T, a *auditor) {
	a.add("client id", flanksClientID)
	a.add("client secret", flanksClientSecret)
	a.add("bank username", flanksBankUser)
	a.add("bank password", flanksBankPassword)
	a.add("bank verifier", flanksVerifier)
	a.add("credentials token", flanksCredsToken, flanksConnection)
	a.add("link code", flanksLinkCode)
	ops := flanksOps()

	t.Run("fake", func(t *testing.T) {
		srv := flankstest.NewServer(flankstest.WithClientID(flanksClientID), flankstest.WithClientSecret(flanksClientSecret),
			flankstest.WithProcessingPolls(2), flankstest.WithPageSize(3), flankstest.WithInvestmentTransactions(4))
		defer srv.Close()
		e := &flanksEnv{a: a, scenario: "fake", fake: srv, c: newFlanksClient(t, a, "fake", srv.URL)}
		for _, pw := range []string{flanksBankPassword, flanksBankPassword} {
			code := srv.NewLinkCode(pw)
			a.add("link code", code)
			e.linkCodes = append(e.linkCodes, code)
		}
		runFlanks(t, e, ops, nil)
		if e.credsToken == "" || e.sessionID == "" || e.reportID == 0 || e.productID == "" || e.txID == "" || e.linkToken == "" {
			t.Errorf("success paths did not run: token %t, session %q, report %d, product %q, transaction %q, link %t",
				e.credsToken != "", e.sessionID, e.reportID, e.productID, e.txID, e.linkToken != "")
		}

		// The fake answering errors that quote the token it was sent, and
		// a token endpoint that refuses the secret and quotes it.
		e.scenario = "fake-injected"
		i := 0
		runFlanks(t, e, ops, func(op flanksOp) {
			switch i % 3 {
			case 0:
				srv.InjectError("", 400, `{"error":"Invalid credentials_token `+e.credsToken+`","error_code":40001}`, 1)
			case 1:
				srv.InjectError("", 200, `{"success":false,"error":{"code":"ValidationError","message":"client `+
					flanksClientID+` secret `+flanksClientSecret+`"}}`, 1)
			case 2:
				srv.InjectError("", 502, `<html><body>upstream `+flanksClientSecret+` for `+flanksClientID+`</body></html>`, 2)
			}
			i++
		})
		srv.InjectError("", 0, "", 0)
		srv.InjectError("/v0/token", 403, `{"error":"access_denied for `+flanksClientID+` / `+flanksClientSecret+`"}`, 2)
		srv.ExpireTokens()
		runFlanks(t, e, ops[:1], nil)
	})

	scenarios := []struct {
		mode       string
		failTokens bool
	}{
		{modeJSON, false}, {modeJSON, true}, {modeJSON200, false}, {modeUnauthorized, false},
		{modePending, false}, {modeHTML, false}, {modeHTML, true}, {modeHTML200, false},
		{modeStraddle, false}, {modeGarbage, false}, {modeReset, false}, {modeRefused, false},
	}
	for _, sc := range scenarios {
		name := sc.mode
		if sc.failTokens {
			name += "+tokens"
		}
		t.Run(name, func(t *testing.T) {
			base := refusedURL(t)
			if sc.mode != modeRefused {
				base = newEcho(t, a, "flanks", sc.mode, sc.failTokens).srv.URL
			}
			e := &flanksEnv{a: a, scenario: name, c: newFlanksClient(t, a, name, base),
				credsToken: flanksCredsToken, forceToken: flanksConnection, linkToken: "lnk-token-1",
				sessionID: "zq-session-1", productID: "zq-product-1", txID: "zq-tx-1", templateID: 7, reportID: 4242}
			runFlanks(t, e, ops, nil)
		})
	}
}
