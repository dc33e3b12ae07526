package flinkstest_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func TestInjectError(t *testing.T) {
	c := start(t)
	rid := c.cached("greatday_nomfa")
	c.s.InjectError("GetAccountsDetail", "TOO_MANY_REQUESTS", 2)
	for i := 0; i < 2; i++ {
		r := c.gad(rid, nil)
		expect(t, r, 401, "TOO_MANY_REQUESTS")
		if r.header.Get("Retry-After") != "1" || r.str("RequestId") != rid {
			t.Fatalf("injected answer: %v %s", r.header, r.raw)
		}
	}
	expect(t, c.gad(rid, nil), 200, "")

	tests := []struct {
		op, code string
		status   int
	}{
		{"Authorize", "AGGREGATION_ERROR", 500},
		{"Authorize", "CARD_IN_USE", 400},
		{"Authorize", "NO_TRANSACTION", 404},
		{"Authorize", "DISABLED_INSTITUTION", 405},
		{"Authorize", "METHOD_NOT_AVAILABLE", 501},
		{"Authorize", "BANK_MAINTENANCE_RETRY_LATER", 401},
		{"authorize", "NEW_ACCOUNT", 401},
		{"Authorize", "SOMETHING_NEW", 400},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			c.s.InjectError(tt.op, tt.code, 1)
			expect(t, c.authorize(map[string]any{"LoginId": c.s.LoginID("Greatday"), "MostRecentCached": true}), tt.status, tt.code)
		})
	}
	// 202 on an async endpoint carries its polling link
	c.s.InjectError("GetAccountsSummaryAsync", "OPERATION_PENDING", 1)
	r := c.do("GET", c.bank("GetAccountsSummaryAsync/"+rid), c.api(), nil)
	expect(t, r, 202, "OPERATION_PENDING")
	if r.body["Links"].([]any)[0].(map[string]any)["example"] != "/GetAccountsSummaryAsync/"+rid {
		t.Fatalf("links: %s", r.raw)
	}
	// "" matches any operation; injections fire before header checks
	c.s.InjectError("", "RETRY_LATER", 1)
	expect(t, c.do("POST", c.bank("GenerateAuthorizeToken"), nil, nil), 401, "RETRY_LATER")

	c.s.InjectResponse("GetAccountsDetail", 502, "<html><body>Bad Gateway</body></html>", 1)
	r = c.do("POST", c.bank("GetAccountsDetail"), c.api(), map[string]any{"RequestId": rid})
	if r.status != 502 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.raw), "Bad Gateway") {
		t.Fatalf("raw injection: %d %v", r.status, r.header)
	}
	c.s.InjectResponse("GetAccountsDetail", 200, `{"HttpStatusCode":200,"Accounts":[`, 1)
	r = c.gad(rid, nil)
	if r.status != 200 || string(r.raw) != `{"HttpStatusCode":200,"Accounts":[` || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("raw injection: %d %s", r.status, r.raw)
	}
	expect(t, c.gad(rid, nil), 200, "")

	c.s.InjectError("GetAccountsDetail", "UNHANDLED", 0) // no-op
	expect(t, c.gad(rid, nil), 200, "")
	if got := c.s.Requests("getaccountsdetail"); got != 7 {
		t.Fatalf("Requests(GetAccountsDetail) = %d", got)
	}
	if c.s.Requests("") < c.s.Requests("Authorize")+c.s.Requests("GetAccountsDetail") {
		t.Fatal("Requests(\"\") is not the total")
	}
}

func TestDeleteCard(t *testing.T) {
	c := start(t, flinkstest.WithPendingPolls(1))
	login := c.s.LoginID("test_pending")
	rid := c.cached("test_pending")
	del := func(id string) resp { return c.do("DELETE", c.bank("DeleteCard/"+id), c.api(), nil) }
	expect(t, del(login), 400, "CARD_IN_USE")
	expect(t, c.gad(rid, nil), 202, "OPERATION_PENDING")
	expect(t, del(login), 400, "CARD_IN_USE")
	expect(t, c.do("GET", c.bank("GetAccountsDetailAsync/"+rid), c.api(), nil), 200, "")
	r := del(login)
	expect(t, r, 200, "")
	if r.body["StatusCode"].(float64) != 200 || r.str("Message") != "All of the information about LoginId "+login+" has been removed" {
		t.Fatalf("delete body: %s", r.raw)
	}
	expect(t, del(login), 401, "INVALID_LOGIN")
	expect(t, c.gad(rid, nil), 400, "SESSION_NONEXISTENT")
	expect(t, c.authorize(map[string]any{"LoginId": login, "MostRecentCached": true}), 401, "INVALID_LOGIN")
	if c.s.LoginID("test_pending") != "" {
		t.Fatal("LoginID of a deleted card")
	}
	// a live login creates a new card
	r = c.live("test_pending")
	expect(t, r, 200, "")
	newLogin := r.body["Login"].(map[string]any)["Id"].(string)
	if newLogin == login || newLogin != c.s.LoginID("test_pending") {
		t.Fatal("new card LoginId")
	}
	// the other users' cards are untouched
	expect(t, del(c.s.LoginID("greatday_nomfa")), 200, "")
}

func TestCardSettings(t *testing.T) {
	c := start(t)
	login := c.s.LoginID("Everyday")
	for _, tt := range []struct {
		name  string
		url   string
		body  any
		state string
	}{
		{"camelCase body", c.bank("SetScheduledRefresh"), map[string]any{"loginId": login, "isActivated": true}, "activated"},
		{"PascalCase body", c.bank("SetScheduledRefresh"), map[string]any{"LoginId": login, "IsActivated": false}, "deactivated"},
		{"query parameters", c.bank("SetScheduledRefresh") + "?loginId=" + login + "&isActivated=true", nil, "activated"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("PATCH", tt.url, c.api(), tt.body)
			var s string
			if r.status != 200 || json.Unmarshal(r.raw, &s) != nil || s != "LoginId "+login+" has now been "+tt.state+" for automatic refresh" {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			want := tt.state == "activated"
			r = c.authorize(map[string]any{"LoginId": login, "MostRecentCached": true})
			if r.body["Login"].(map[string]any)["IsScheduledRefresh"] != want {
				t.Fatalf("IsScheduledRefresh not %v", want)
			}
		})
	}
	expect(t, c.do("PATCH", c.bank("SetScheduledRefresh"), c.api(), map[string]any{"loginId": "nope", "isActivated": true}), 401, "INVALID_LOGIN")
	expect(t, c.do("PATCH", c.bank("SetScheduledRefresh"), c.api(), map[string]any{"isActivated": true}), 401, "INVALID_REQUEST")

	// Enhanced MFA: stored answers skip the prompts on the next live login
	r := c.do("GET", c.bank("GetMFAQuestions/"+c.s.LoginID("Greatday")), c.api(), nil)
	expect(t, r, 200, "")
	if r.str("Message") != "SUCCESS" || len(r.body["Questions"].([]any)) != 2 {
		t.Fatalf("questions: %s", r.raw)
	}
	expect(t, c.do("GET", c.bank("GetMFAQuestions/nope"), c.api(), nil), 401, "INVALID_LOGIN")
	ans := func(q, a string) resp {
		return c.do("PATCH", c.bank("AnswerMFAQuestions"), c.api(), map[string]any{"loginId": c.s.LoginID("Greatday"),
			"Questions": []map[string]string{{"Question": q, "Answer": a}}})
	}
	expect(t, ans("What is your pet's name?", "Rex"), 401, "QUESTION_NOT_FOUND")
	r = ans(flinkstest.PromptCity, "Montreal")
	expect(t, r, 200, "")
	if r.str("Message") != "Answers updated" {
		t.Fatal(string(r.raw))
	}
	expect(t, ans(flinkstest.PromptCountry, "France"), 200, "")
	r = c.live("Greatday") // city is answered; the wrong stored country is erased and asked
	expect(t, r, 203, "")
	if p := r.body["SecurityChallenges"].([]any)[0].(map[string]any)["Prompt"]; p != flinkstest.PromptCountry {
		t.Fatalf("prompt %v", p)
	}
	expect(t, answer(c, r.str("RequestId"), map[string][]string{flinkstest.PromptCountry: {"Canada"}}), 200, "")

	// nightly refresh status
	r = c.do("GET", c.bank("GetNightlyRefreshStatus"), map[string]string{"Authorization": "Bearer " + c.s.SecretKey}, nil)
	expect(t, r, 200, "")
	cards := r.body["IneligibleCards"].([]any)
	states := map[string]any{}
	for _, x := range cards {
		ic := x.(map[string]any)
		states[ic["LastRefreshState"].(string)] = ic["LastRefreshErrorCode"]
		if ic["LoginId"] == "" || ic["LastRefreshDate"] == "" {
			t.Fatalf("card %v", ic)
		}
	}
	if _, ok := states["AnsweringSecurityChallenge"]; !ok || len(cards) < 2 {
		t.Fatalf("nightly: %s", r.raw)
	}

	// institutions
	r = c.do("GET", c.bank("Institutions"), c.api(), nil)
	expect(t, r, 200, "")
	found := false
	for _, x := range r.body["data"].([]any) {
		in := x.(map[string]any)
		found = found || (in["Id"].(float64) == 14 && in["Name"] == "FlinksCapital" && in["Country"] == "CA")
	}
	if !found || int(r.body["count"].(float64)) != len(r.body["data"].([]any)) {
		t.Fatalf("institutions: %s", r.raw)
	}
	r = c.do("GET", c.bank("Institutions/RoutingNumber/011000015"), c.api(), nil)
	expect(t, r, 200, "")
	if r.body["Country"] != "US" || len(r.body["RoutingNumbers"].([]any)) == 0 || r.body["Localizations"] == nil {
		t.Fatalf("routing: %s", r.raw)
	}
	if r = c.do("GET", c.bank("Institutions/RoutingNumber/999999999"), c.api(), nil); r.status != 404 {
		t.Fatalf("unknown routing number: %d", r.status)
	}
}

func TestInsightAttributes(t *testing.T) {
	c := start(t, flinkstest.WithTransactions(400))
	login := c.s.LoginID("Greatday")
	rid := c.cached("Greatday")
	url := func(login, rid, op string) string {
		u := c.s.URL + "/v3/" + c.s.CustomerID + "/insight/login/" + login + "/attributes/" + rid
		if op != "" {
			u += "/" + op
		}
		return u
	}
	expect(t, c.do("GET", url(login, rid, "GetIncomeAttributes"), c.api(), nil), 202, "OPERATION_PENDING")
	expect(t, c.gad(rid, nil), 200, "")
	for _, op := range []string{"GetIncomeAttributes", "GetCreditRiskAttributes", "GetUserAnalysisAttributes",
		"GetAllBusinessAttributes", "GetAllAttributes", "GetLendingAttributes", "GetBusinessAnalysisAttributes"} {
		t.Run(op, func(t *testing.T) {
			before := c.s.Requests(op)
			r := c.do("GET", url(login, rid, op), c.api(), nil)
			expect(t, r, 200, "")
			card := r.body["Card"].(map[string]any)
			if card["Id"] != login || len(card) < 4 || r.str("RequestId") != rid || r.body["Login"] == nil {
				t.Fatalf("%s: %s", op, r.raw)
			}
			for _, n := range numbers(t, r.raw) {
				if !moneyRE.MatchString(n) {
					t.Fatalf("number %q", n)
				}
			}
			if c.s.Requests(op) != before+1 {
				t.Fatalf("Requests(%s) = %d", op, c.s.Requests(op))
			}
		})
	}
	r := c.do("GET", url(login, rid, "GetIncomeAttributes"), c.api(), nil)
	if r.body["Card"].(map[string]any)["sum_credits_payroll_12_months"].(float64) <= 0 {
		t.Fatalf("no payroll: %s", r.raw)
	}

	custom := map[string]any{
		"Attributes":       map[string][]string{"Card": {"count_nsf_12_months", "sum_credits_payroll_12_months"}},
		"Filters":          map[string][]string{"accountCategory": {"Operations"}},
		"AttributesDetail": true,
		"limitDays":        365,
	}
	r = c.do("POST", url(login, rid, ""), c.api(), custom)
	expect(t, r, 200, "")
	card := r.body["Card"].(map[string]any)
	details := card["AttributesDetail"].([]any)
	if len(card) != 4 || len(details) != 2 {
		t.Fatalf("custom: %.500s", r.raw)
	}
	payroll := details[1].(map[string]any)
	txs := payroll["Transactions"].([]any)
	if payroll["Attribute"] != "sum_credits_payroll_12_months" || len(txs) == 0 ||
		!strings.Contains(txs[0].(map[string]any)["Date"].(string), "/") {
		t.Fatalf("detail: %.500s", r.raw)
	}
	if c.s.Requests("Attributes") != 1 {
		t.Fatal("Requests(Attributes)")
	}

	for _, tt := range []struct {
		name, login, rid, op string
		method               string
		body                 any
		status               int
		code                 string
	}{
		{"unknown RequestId", login, "0b6f7a52-1b7c-4d0e-9f3a-2c5d6e7f8a9b", "GetIncomeAttributes", "GET", nil, 400, "SESSION_NONEXISTENT"},
		{"other login", c.s.LoginID("Everyday"), rid, "GetIncomeAttributes", "GET", nil, 401, "INVALID_LOGIN"},
		{"unknown attribute", login, rid, "", "POST", map[string]any{"Attributes": map[string][]string{"Card": {"nope"}}}, 400, "INVALID_REQUEST"},
		{"no attributes", login, rid, "", "POST", map[string]any{}, 400, "INVALID_REQUEST"},
		{"bad filter", login, rid, "", "POST", map[string]any{"Attributes": map[string][]string{"Card": {"count_nsf_90_days"}}, "Filters": map[string][]string{"accountCategory": {"Nope"}}}, 400, "INVALID_REQUEST"},
		{"bad account id", login, rid, "", "POST", map[string]any{"Attributes": map[string][]string{"Card": {"count_nsf_90_days"}}, "AccountFilter": map[string][]string{"AccountID": {"nope"}}}, 400, "INVALID_REQUEST"},
		{"limitDays", login, rid, "", "POST", map[string]any{"Attributes": map[string][]string{"Card": {"count_nsf_90_days"}}, "limitDays": 400}, 400, "INVALID_REQUEST"},
		{"no x-api-key", login, rid, "GetIncomeAttributes", "GET", nil, 401, "ACCESS_DENIED"},
		{"unknown insight op", login, rid, "GetHoroscopeAttributes", "GET", nil, 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hdr := c.api()
			if tt.code == "ACCESS_DENIED" {
				hdr = nil
			}
			r := c.do(tt.method, url(tt.login, tt.rid, tt.op), hdr, tt.body)
			if r.status != tt.status || r.code() != tt.code {
				t.Fatalf("got %d %q: %.300s", r.status, r.code(), r.raw)
			}
		})
	}

	t.Run("no transactions", func(t *testing.T) {
		c := start(t, flinkstest.WithTransactions(0))
		rid := c.cached("greatday_nomfa")
		expect(t, c.gad(rid, nil), 200, "")
		r := c.do("GET", c.s.URL+"/v3/"+c.s.CustomerID+"/insight/login/"+c.s.LoginID("greatday_nomfa")+"/attributes/"+rid+"/GetAllAttributes", c.api(), nil)
		expect(t, r, 404, "NO_TRANSACTION")
	})
}

func TestSendWebhook(t *testing.T) {
	const key = "whsec-test"
	var got []byte
	var hdr http.Header
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		hdr = r.Header.Clone()
	}))
	defer recv.Close()
	c := start(t)
	rid := c.cached("greatday_nomfa")
	if err := c.s.SendWebhook(context.Background(), recv.URL, key, rid); err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(got)
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if hdr.Get("flinks-authenticity-key") != want || hdr.Get("X-Flinks-Signature") != want || flinkstest.SignWebhook(got, key) != want {
		t.Fatal("bad signature")
	}
	var body map[string]any
	if err := json.Unmarshal(got, &body); err != nil || body["ResponseType"] != "GetAccountsDetail" ||
		body["RequestId"] != rid || len(body["Accounts"].([]any)) != 3 {
		t.Fatalf("webhook body: %.300s", got)
	}
	if err := c.s.SendWebhook(context.Background(), recv.URL, key, "nope"); err == nil {
		t.Fatal("unknown RequestId accepted")
	}
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer fail.Close()
	if err := c.s.SendWebhook(context.Background(), fail.URL, key, rid); err == nil {
		t.Fatal("500 from receiver not reported")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := start(t, flinkstest.WithPendingPolls(1))
	users := flinkstest.Users()
	var wg sync.WaitGroup
	errs := make(chan string, 256)
	for i := 0; i < 256; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			user := users[i%len(users)]
			tok := c.do("POST", c.bank("GenerateAuthorizeToken"), map[string]string{"flinks-auth-key": c.s.SecretKey}, nil).str("Token")
			r := c.do("POST", c.bank("Authorize"), map[string]string{"flinks-auth-key": tok},
				map[string]any{"LoginId": c.s.LoginID(user), "MostRecentCached": true})
			if r.status != 200 {
				if user != flinkstest.UserDisabled && user != flinkstest.UserServiceUnavailable {
					errs <- user + ": authorize " + r.code()
				}
				return
			}
			rid := r.str("RequestId")
			for {
				r = c.do("GET", c.bank("GetAccountsDetailAsync/"+rid), c.api(), nil)
				if r.status != 202 {
					break
				}
			}
			if r.status != 200 {
				errs <- user + ": data " + r.code()
			}
			c.s.InjectError("Institutions", "TOO_MANY_REQUESTS", 1)
			_ = c.s.Requests("")
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := c.s.Requests("Authorize"); n != 256 {
		t.Fatalf("Requests(Authorize) = %d", n)
	}
}

func TestNewHandlerStandalone(t *testing.T) {
	s := flinkstest.NewHandler(flinkstest.WithSecretKey("s3cret"))
	if s.URL != "" {
		t.Fatal("URL set before start")
	}
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	s.URL = hs.URL
	defer s.Close() // no-op
	c := &tc{t: t, s: s}
	expect(t, c.do("POST", c.bank("GenerateAuthorizeToken"), map[string]string{"flinks-auth-key": "s3cret"}, nil), 200, "")
	c.cached(flinkstest.UserNoMFA)
	s.Close()
	if flinkstest.Answer(flinkstest.PromptShape) != "Triangle" || len(flinkstest.Users()) != 7 {
		t.Fatal("helpers")
	}
}
