package leakaudit

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

// Distinctive Flinks secrets. They are short and hold spaces or symbols,
// so that no generic pattern (GUID, long token) redacts them by luck: only
// the SDK knowing them can.
const (
	flinksCustomerID  = "ZqCust-4e2b.77f"   // path-safe, as NewClient requires
	flinksAPIKey      = "zqApiKey 9c1#e70"  // x-api-key
	flinksSecretKey   = "zqSecret Key#4d2a" // flinks-auth-key of GenerateAuthorizeToken
	flinksAPISecret   = "zqApiSecret 5&b81" // Bearer of GetNightlyRefreshStatus
	flinksUsername    = "zq.jane.doe@bnk"   // a bank username
	flinksPassword    = "Zq hunter2 pass!x" // a bank password
	flinksAnswer      = "Zq Montréal ans 1" // an MFA answer
	flinksStored      = "Zq stored ans #2f" // an Enhanced MFA answer stored
	flinksLoginID     = "ZqLogin 8c1-41d"   // a LoginId
	flinksGivenToken  = "zqGiven tok#77aa"  // an AuthorizeToken passed in
	flinksTag         = "zq-tag user=4411"  // a Tag (personal data)
	flinksWebhookKey  = "Zq webhook key 31"
	flinksWebhookUser = "zq.webhook.usr"
)

// flinksEnv is what a Flinks operation runs with: against the fake, the
// ids the earlier operations obtained; against a failing server,
// distinctive placeholders.
type flinksEnv struct {
	a        *auditor
	c        *flinks.Client
	scenario string
	fake     *flinkstest.Server // nil unless the scenario runs on the fake

	requestID    string
	loginID      string // the LoginId the data calls use
	mfaLoginID   string // the LoginId whose MFA questions are read and answered
	liveUser     string // the username of the live login
	livePassword string
	givenToken   string // an explicit AuthorizeToken ("" mints one)
}

type flinksOp struct {
	method  string // the exported method of *flinks.Client
	variant string
	run     func(ctx context.Context, e *flinksEnv) error
}

// p names a place in this scenario.
func (e *flinksEnv) p(what string) string { return "flinks/" + e.scenario + " " + what }

func (e *flinksEnv) place(op flinksOp) string {
	return fmt.Sprintf("flinks/%s %s(%s)", e.scenario, op.method, op.variant)
}

// answer returns the answer the fake expects for a prompt, or the
// distinctive wrong one on a failing server.
func (e *flinksEnv) answer(prompt string) string {
	if e.fake != nil {
		if a := flinkstest.Answer(prompt); a != "" {
			return a
		}
	}
	return flinksAnswer
}

// onPoll records each poll event as a caller printing it would.
func (e *flinksEnv) onPoll(place string) flinks.CallOption {
	return flinks.OnPoll(func(ev flinks.PollEvent) { e.a.value(place+" PollEvent", ev) })
}

// flinksOps lists every operation of *flinks.Client, in the order a flow
// runs them (DeleteCard last). Each records the requests it builds and the
// results it gets.
func flinksOps() []flinksOp {
	return []flinksOp{
		{"GenerateAuthorizeToken", "", func(ctx context.Context, e *flinksEnv) error {
			tok, err := e.c.GenerateAuthorizeToken(ctx)
			e.a.add("authorize token", tok)
			return err
		}},
		{"Authorize", "live+MFA", func(ctx context.Context, e *flinksEnv) error {
			req := flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: e.liveUser,
				Password: e.livePassword, Tag: flinksTag, Save: true, Language: "en", AuthorizeToken: e.givenToken}
			for round := 0; round < 5; round++ {
				e.a.value(e.p(fmt.Sprintf("Authorize request round %d", round)), req)
				resp, err := e.c.Authorize(ctx, req)
				if err != nil {
					return err
				}
				e.a.result(e.p(fmt.Sprintf("Authorize response round %d", round)), resp)
				if !resp.NeedsMFA() {
					e.requestID = resp.RequestID
					if resp.Login != nil && resp.Login.ID != "" {
						e.a.addData("LoginId", resp.Login.ID)
						e.loginID = resp.Login.ID
					}
					return nil
				}
				answers := map[string][]string{}
				for _, ch := range resp.SecurityChallenges {
					answers[ch.Prompt] = []string{e.answer(ch.Prompt)}
				}
				req = resp.Answer(answers)
				req.AuthorizeToken = e.givenToken
			}
			return fmt.Errorf("MFA did not end")
		}},
		{"Authorize", "cached", func(ctx context.Context, e *flinksEnv) error {
			tok := e.givenToken
			if e.fake != nil {
				var err error
				if tok, err = e.c.GenerateAuthorizeToken(ctx); err != nil {
					return err
				}
				e.a.add("authorize token", tok)
			}
			req := flinks.AuthorizeRequest{LoginID: e.loginID, MostRecentCached: true, Tag: flinksTag, AuthorizeToken: tok}
			e.a.value(e.p("Authorize(cached) request"), req)
			resp, err := e.c.Authorize(ctx, req)
			e.a.result(e.p("Authorize(cached) response"), resp)
			if err == nil && e.fake != nil {
				e.requestID = resp.RequestID
			}
			return err
		}},
		{"Authorize", "wrong MFA answer", func(ctx context.Context, e *flinksEnv) error {
			req := flinks.AuthorizeRequest{RequestID: "zq-mfa-request",
				SecurityResponses: map[string][]string{flinkstest.PromptCity: {flinksAnswer}}, AuthorizeToken: e.givenToken}
			if e.fake != nil {
				resp, err := e.c.Authorize(ctx, flinks.AuthorizeRequest{Institution: flinkstest.Institution,
					Username: flinkstest.UserEveryday, Password: flinkstest.Password})
				if err != nil {
					return err
				}
				e.a.result(e.p("Authorize(Everyday) response"), resp)
				req = resp.Answer(map[string][]string{flinkstest.PromptShape: {flinksAnswer}})
			}
			e.a.value(e.p("Authorize(wrong answer) request"), req)
			_, err := e.c.Authorize(ctx, req)
			return err
		}},
		{"Authorize", "unknown user", func(ctx context.Context, e *flinksEnv) error {
			req := flinks.AuthorizeRequest{Institution: flinkstest.Institution, Username: flinksUsername,
				Password: flinksPassword, Tag: flinksTag, AuthorizeToken: e.givenToken}
			e.a.value(e.p("Authorize(unknown user) request"), req)
			_, err := e.c.Authorize(ctx, req)
			return err
		}},
		{"Authorize", "given token", func(ctx context.Context, e *flinksEnv) error {
			// A token the server does not know (the fake refuses it).
			req := flinks.AuthorizeRequest{LoginID: e.loginID, MostRecentCached: true, AuthorizeToken: flinksGivenToken}
			e.a.value(e.p("Authorize(given token) request"), req)
			_, err := e.c.Authorize(ctx, req)
			return err
		}},
		{"GetAccountsSummary", "", func(ctx context.Context, e *flinksEnv) error {
			p := e.p("GetAccountsSummary")
			req := flinks.AccountsSummaryRequest{RequestID: e.requestID}
			e.a.value(p+" request", req)
			res, err := e.c.GetAccountsSummary(ctx, req, e.onPoll(p))
			e.a.result(p+" result", res)
			return err
		}},
		{"GetAccountsSummaryAsync", "", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.GetAccountsSummaryAsync(ctx, e.requestID)
			return err
		}},
		{"GetAccountsDetail", "", func(ctx context.Context, e *flinksEnv) error {
			p := e.p("GetAccountsDetail")
			req := flinks.AccountsDetailRequest{RequestID: e.requestID, WithTransactions: true, WithKYC: true,
				WithAccountIdentity: true, DaysOfTransactions: flinks.Days90}
			e.a.value(p+" request", req)
			res, err := e.c.GetAccountsDetail(ctx, req, e.onPoll(p))
			e.a.result(p+" result", res)
			return err
		}},
		{"GetAccountsDetail", "NoWait", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: e.requestID}, flinks.NoWait())
			return err
		}},
		{"GetAccountsDetailAsync", "", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.GetAccountsDetailAsync(ctx, e.requestID)
			return err
		}},
		{"GetStatements", "", func(ctx context.Context, e *flinksEnv) error {
			p := e.p("GetStatements")
			req := flinks.StatementsRequest{RequestID: e.requestID, NumberOfStatements: flinks.StatementsMostRecent}
			e.a.value(p+" request", req)
			res, err := e.c.GetStatements(ctx, req, e.onPoll(p))
			e.a.result(p+" result", res)
			return err
		}},
		{"GetStatementsAsync", "", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.GetStatementsAsync(ctx, e.requestID)
			return err
		}},
		attrOp("GetIncomeAttributes", (*flinks.Client).GetIncomeAttributes),
		attrOp("GetCreditRiskAttributes", (*flinks.Client).GetCreditRiskAttributes),
		attrOp("GetUserAnalysisAttributes", (*flinks.Client).GetUserAnalysisAttributes),
		attrOp("GetLendingAttributes", (*flinks.Client).GetLendingAttributes),
		attrOp("GetAllAttributes", (*flinks.Client).GetAllAttributes),
		attrOp("GetBusinessAnalysisAttributes", (*flinks.Client).GetBusinessAnalysisAttributes),
		attrOp("GetAllBusinessAttributes", (*flinks.Client).GetAllBusinessAttributes),
		{"GetAttributes", "", func(ctx context.Context, e *flinksEnv) error {
			p := e.p("GetAttributes")
			req := flinks.CustomAttributesRequest{LoginID: e.loginID, RequestID: e.requestID,
				Attributes: []string{"sum_credits_income_30_days", "count_nsf_12_months"}, LimitDays: 90}
			e.a.value(p+" request", req)
			res, err := e.c.GetAttributes(ctx, req, e.onPoll(p))
			e.a.result(p+" result", res)
			return err
		}},
		{"GetMFAQuestions", "", func(ctx context.Context, e *flinksEnv) error {
			qs, err := e.c.GetMFAQuestions(ctx, e.mfaLoginID)
			e.a.result(e.p("GetMFAQuestions result"), qs)
			return err
		}},
		{"AnswerMFAQuestions", "", func(ctx context.Context, e *flinksEnv) error {
			qs := []flinks.MFAQuestion{{Question: flinkstest.PromptShape, Answer: flinksStored}}
			e.a.value(e.p("AnswerMFAQuestions request"), qs)
			e.a.value(e.p("AnswerMFAQuestions request item"), qs[0])
			return e.c.AnswerMFAQuestions(ctx, e.mfaLoginID, qs)
		}},
		{"AnswerMFAQuestions", "unknown question", func(ctx context.Context, e *flinksEnv) error {
			return e.c.AnswerMFAQuestions(ctx, e.mfaLoginID, []flinks.MFAQuestion{{Question: "Zq unknown question?", Answer: flinksStored}})
		}},
		{"SetScheduledRefresh", "", func(ctx context.Context, e *flinksEnv) error {
			return e.c.SetScheduledRefresh(ctx, e.loginID, true)
		}},
		{"GetNightlyRefreshStatus", "", func(ctx context.Context, e *flinksEnv) error {
			res, err := e.c.GetNightlyRefreshStatus(ctx)
			e.a.result(e.p("GetNightlyRefreshStatus result"), res)
			return err
		}},
		{"Institutions", "", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.Institutions(ctx)
			return err
		}},
		{"InstitutionByRoutingNumber", "", func(ctx context.Context, e *flinksEnv) error {
			_, err := e.c.InstitutionByRoutingNumber(ctx, "011000015")
			return err
		}},
		{"DeleteCard", "", func(ctx context.Context, e *flinksEnv) error {
			return e.c.DeleteCard(ctx, e.loginID)
		}},
	}
}

// pickFlinks returns the operations named "Method(variant)".
func pickFlinks(ops []flinksOp, names ...string) []flinksOp {
	var out []flinksOp
	for _, n := range names {
		for _, op := range ops {
			if op.method+"("+op.variant+")" == n {
				out = append(out, op)
			}
		}
	}
	return out
}

func attrOp(method string, fn func(*flinks.Client, context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error)) flinksOp {
	return flinksOp{method, "", func(ctx context.Context, e *flinksEnv) error {
		p := e.p(method)
		req := flinks.AttributesRequest{LoginID: e.loginID, RequestID: e.requestID}
		e.a.value(p+" request", req)
		res, err := fn(e.c, ctx, req, e.onPoll(p))
		e.a.result(p+" result", res)
		return err
	}}
}

// flinksRenderingMethods are the exported methods that are not API calls;
// the audit renders them instead.
var flinksRenderingMethods = []string{"BaseURL", "HTTPClient", "String", "GoString", "LogValue"}

// newFlinksClient builds a client for one scenario, with every secret
// configured and the auditor's debug logger.
func newFlinksClient(t *testing.T, a *auditor, scenario, baseURL string, apiSecret bool) *flinks.Client {
	opts := []flinks.Option{
		flinks.WithBaseURL(baseURL), flinks.WithAPIKey(flinksAPIKey), flinks.WithSecretKey(flinksSecretKey),
		flinks.WithLogger(a.logger), flinks.WithHTTPClient(newRecordingClient(a)),
		flinks.WithMaxRetries(1), flinks.WithRetryWait(time.Millisecond, 2*time.Millisecond),
		flinks.WithPollInterval(time.Millisecond), flinks.WithPollTimeout(15 * time.Millisecond),
	}
	if apiSecret {
		opts = append(opts, flinks.WithAPISecret(flinksAPISecret))
	}
	c, err := flinks.NewClient(flinksCustomerID, opts...)
	if err != nil {
		t.Fatalf("flinks.NewClient: %v", err)
	}
	p := "flinks/" + scenario + " client"
	a.value(p, c)
	a.value(p+" (value)", *c)
	a.record(p+" BaseURL()", c.BaseURL(), false)
	a.record(p+" String()", c.String(), false)
	a.record(p+" GoString()", c.GoString(), false)
	a.logger.Info("app: client", "place", p, "client", c.LogValue())
	return c
}

// runFlinks runs every operation in one scenario.
func runFlinks(t *testing.T, e *flinksEnv, ops []flinksOp, before func(op flinksOp)) {
	for _, op := range ops {
		if before != nil {
			before(op)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := op.run(ctx, e)
		cancel()
		e.a.err(e.place(op), err)
	}
}

func auditFlinks(t *testing.T, a *auditor) {
	a.add("customer id", flinksCustomerID)
	a.add("API key", flinksAPIKey)
	a.add("secret key", flinksSecretKey)
	a.add("API secret", flinksAPISecret)
	a.add("bank username", flinksUsername)
	// Flinks returns the LoginId and the bank username of a login as data
	// (Login.ID, Login.Username, Attributes.Card.ID): results may show
	// them, errors, logs and requests may not.
	a.addData("bank username", flinkstest.UserGreatday, flinkstest.UserEveryday)
	a.add("bank password", flinksPassword, flinkstest.Password)
	a.add("MFA answer", flinksAnswer, flinksStored)
	for _, p := range []string{flinkstest.PromptCity, flinkstest.PromptCountry, flinkstest.PromptShape} {
		a.add("MFA answer", flinkstest.Answer(p))
	}
	a.add("LoginId", flinksLoginID)
	a.add("authorize token", flinksGivenToken)
	a.addData("tag", flinksTag)
	ops := flinksOps()

	t.Run("fake", func(t *testing.T) {
		srv := flinkstest.NewServer(flinkstest.WithCustomerID(flinksCustomerID), flinkstest.WithAPIKey(flinksAPIKey),
			flinkstest.WithSecretKey(flinksSecretKey), flinkstest.WithPendingPolls(1), flinkstest.WithTransactions(5))
		defer srv.Close()
		for _, u := range flinkstest.Users() {
			a.addData("LoginId", srv.LoginID(u))
		}
		e := &flinksEnv{a: a, scenario: "fake", fake: srv, c: newFlinksClient(t, a, "fake", srv.URL, false),
			loginID: srv.LoginID(flinkstest.UserNoMFA), mfaLoginID: srv.LoginID(flinkstest.UserEveryday),
			liveUser: flinkstest.UserGreatday, livePassword: flinkstest.Password}
		runFlinks(t, e, ops, nil)
		if e.requestID == "" {
			t.Error("the live Authorize on the fake did not succeed: the success paths did not run")
		}

		// The same operations, each preceded by an answer the fake injects:
		// a canonical error, or a body that echoes the client's own
		// credentials (as JSON, in a 200, and as an HTML page); then with
		// waits on a pending user.
		e.scenario = "fake-injected"
		codes := []string{"INVALID_LOGIN", "SESSION_EXPIRED", "RETRY_LATER", "ACCESS_DENIED", "UNAUTHORIZED",
			"TOO_MANY_REQUESTS", "AGGREGATION_ERROR", "OPERATION_DISPATCHED"}
		echo := "customer " + flinksCustomerID + " key " + flinksAPIKey + " secret " + flinksSecretKey
		i := 0
		runFlinks(t, e, ops, func(op flinksOp) {
			switch i % 4 {
			case 0, 1:
				srv.InjectError("", codes[i%len(codes)], 1)
			case 2:
				srv.InjectResponse("", 200, `{"HttpStatusCode":401,"FlinksCode":"ACCESS_DENIED","Message":"`+echo+`"}`, 1)
			case 3:
				srv.InjectResponse("", 502, `<html><body>Bad gateway for `+echo+`</body></html>`, 2)
			}
			i++
		})
		e.scenario = "fake-pending"
		e.loginID = srv.LoginID(flinkstest.UserPending)
		runFlinks(t, e, pickFlinks(ops, "Authorize(cached)", "GetAccountsSummary()", "GetAccountsDetail()",
			"GetStatements()", "GetIncomeAttributes()"), nil)
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
				base = newEcho(t, a, "flinks", sc.mode, sc.failTokens).srv.URL
			}
			e := &flinksEnv{a: a, scenario: name, c: newFlinksClient(t, a, name, base, true),
				requestID: "zq-request-1", loginID: flinksLoginID, mfaLoginID: flinksLoginID,
				liveUser: flinksUsername, livePassword: flinksPassword}
			if sc.mode == modeJSON {
				e.givenToken = flinksGivenToken // also the path that mints no token
			}
			runFlinks(t, e, ops, nil)
		})
	}
}

// auditWebhooks drives the webhook helpers with a key, signatures and
// bodies that carry personal data.
func auditWebhooks(t *testing.T, a *auditor) {
	a.add("webhook key", flinksWebhookKey)
	a.add("bank username", flinksWebhookUser)
	const cardLike = "4111111111111111111111"
	a.add("webhook body content", cardLike)
	body := []byte(`{"ResponseType":"GetAccountsDetail","HttpStatusCode":200,"RequestId":"wh-req",` +
		`"Login":{"Username":"` + flinksWebhookUser + `","Id":"` + flinksLoginID + `"},"Accounts":[]}`)
	sig := flinks.SignWebhook(body, flinksWebhookKey)
	a.add("webhook signature", sig)
	other := flinks.SignWebhook(body, "another key")
	a.add("webhook signature", other)

	for name, tc := range map[string]struct {
		body      []byte
		sig, key  string
		wantValid bool
	}{
		"valid":           {body, sig, flinksWebhookKey, true},
		"wrong key":       {body, other, flinksWebhookKey, false},
		"tampered body":   {append([]byte(" "), body...), sig, flinksWebhookKey, false},
		"malformed":       {body, "!!" + flinksWebhookUser, flinksWebhookKey, false},
		"missing":         {body, "", flinksWebhookKey, false},
		"no key":          {body, sig, "", false},
		"truncated":       {body[:len(body)/2], sig, flinksWebhookKey, false},
		"signature of ''": {body, flinks.SignWebhook(nil, flinksWebhookKey), flinksWebhookKey, false},
	} {
		err := flinks.VerifyWebhook(tc.body, tc.sig, tc.key)
		if (err == nil) != tc.wantValid {
			t.Errorf("VerifyWebhook(%s) = %v", name, err)
		}
		a.err("webhooks VerifyWebhook("+name+")", err)
	}

	for name, b := range map[string][]byte{
		"valid":         body,
		"not an object": []byte(`"` + flinksWebhookUser + `"`),
		"truncated":     body[:len(body)-9],
		"bad type":      []byte(`{"Login":{"Username":{"x":"` + flinksWebhookUser + `"}}}`),
		"huge number":   []byte(`{"HttpStatusCode":` + cardLike + `,"Login":{"Username":"` + flinksWebhookUser + `"}}`),
		"bad account":   []byte(`{"Accounts":[{"Id":"a","Balance":{"Current":"` + flinksWebhookUser + `"}}]}`),
	} {
		w, err := flinks.ParseWebhook(b)
		a.err("webhooks ParseWebhook("+name+")", err)
		if w != nil {
			a.err("webhooks ParseWebhook("+name+").Err()", w.Err())
		}
	}

	var seen int
	h := flinks.WebhookHandler(flinksWebhookKey, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen++
		if flinks.WebhookSignature(r.Header) == "" {
			t.Error("WebhookSignature: empty on a verified request")
		}
		wh, err := flinks.ParseWebhook(body)
		a.err("webhooks handler ParseWebhook", err)
		if wh != nil && wh.ResponseType != flinks.WebhookAccountsDetail {
			t.Errorf("webhook type %q", wh.ResponseType)
		}
	}))
	for name, hdr := range map[string]map[string]string{
		"valid":          {flinks.HeaderAuthenticityKey: sig},
		"valid second":   {flinks.HeaderAuthenticityKey: other, flinks.HeaderSignature: sig},
		"wrong":          {flinks.HeaderSignature: other},
		"malformed":      {flinks.HeaderAuthenticityKey: flinksWebhookUser},
		"missing header": {},
	} {
		req := httptest.NewRequest(http.MethodPost, "/flinks/webhook", strings.NewReader(string(body)))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		a.record("webhooks WebhookHandler("+name+") response", fmt.Sprint(rec.Code, rec.Header(), rec.Body.String()), false)
	}
	rec := httptest.NewRecorder()
	flinks.WebhookHandler("", http.NotFoundHandler()).ServeHTTP(rec,
		httptest.NewRequest(http.MethodPost, "/flinks/webhook", strings.NewReader(string(body))))
	a.record("webhooks WebhookHandler(no key) response", rec.Body.String(), false)
	if seen != 2 {
		t.Errorf("webhook handler passed %d requests, want 2", seen)
	}
}
