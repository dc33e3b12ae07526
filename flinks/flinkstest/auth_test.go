package flinkstest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func TestHeadersAndRouting(t *testing.T) {
	c := start(t)
	rid := c.cached(flinkstest.UserNoMFA)
	base := c.s.URL + "/v3/" + c.s.CustomerID
	tests := []struct {
		name   string
		method string
		url    string
		hdr    map[string]string
		body   any
		status int
		code   string
		msg    string
	}{
		{"token without key", "POST", c.bank("GenerateAuthorizeToken"), nil, nil, 401, "ACCESS_DENIED", "You must provide a valid auth key"},
		{"token with api key", "POST", c.bank("GenerateAuthorizeToken"), map[string]string{"flinks-auth-key": c.s.APIKey}, nil, 401, "ACCESS_DENIED", "You must provide a valid auth key"},
		{"token ok", "POST", c.bank("GenerateAuthorizeToken"), map[string]string{"flinks-auth-key": c.s.SecretKey}, nil, 200, "", ""},
		{"authorize with secret key", "POST", c.bank("Authorize"), map[string]string{"flinks-auth-key": c.s.SecretKey}, map[string]any{"LoginId": c.s.LoginID("Greatday"), "MostRecentCached": true}, 401, "ACCESS_DENIED", "You must provide a valid authorize token"},
		{"authorize without header", "POST", c.bank("Authorize"), nil, nil, 401, "ACCESS_DENIED", "You must provide a valid authorize token"},
		{"gad without x-api-key", "POST", c.bank("GetAccountsDetail"), nil, map[string]any{"RequestId": rid}, 401, "ACCESS_DENIED", ""},
		{"gad with wrong x-api-key", "POST", c.bank("GetAccountsDetail"), map[string]string{"x-api-key": c.s.SecretKey}, map[string]any{"RequestId": rid}, 401, "ACCESS_DENIED", ""},
		{"gad ok, lower-case path and keys", "POST", base + "/bankingservices/getaccountsdetail", c.api(), map[string]any{"requestId": rid}, 200, "", ""},
		{"async without key", "GET", c.bank("GetAccountsDetailAsync/" + rid), nil, nil, 401, "ACCESS_DENIED", ""},
		{"delete without key", "DELETE", c.bank("DeleteCard/" + c.s.LoginID("Greatday")), nil, nil, 401, "ACCESS_DENIED", ""},
		{"institutions without key", "GET", c.bank("Institutions"), nil, nil, 401, "ACCESS_DENIED", ""},
		{"nightly with x-api-key only", "GET", c.bank("GetNightlyRefreshStatus"), c.api(), nil, 401, "ACCESS_DENIED", ""},
		{"nightly with bearer api key", "GET", c.bank("GetNightlyRefreshStatus"), map[string]string{"Authorization": "Bearer " + c.s.APIKey}, nil, 401, "ACCESS_DENIED", ""},
		{"nightly ok", "GET", c.bank("GetNightlyRefreshStatus"), map[string]string{"Authorization": "Bearer " + c.s.SecretKey}, nil, 200, "", ""},
		{"wrong customer id", "POST", c.s.URL + "/v3/00000000-0000-0000-0000-000000000000/BankingServices/GenerateAuthorizeToken", map[string]string{"flinks-auth-key": c.s.SecretKey}, nil, 401, "ACCESS_DENIED", ""},
		{"double slash", "POST", c.s.URL + "//v3/" + c.s.CustomerID + "/BankingServices/GenerateAuthorizeToken", map[string]string{"flinks-auth-key": c.s.SecretKey}, nil, 401, "INVALID_REQUEST", ""},
		{"unknown op", "POST", c.bank("GetCards"), c.api(), nil, 404, "", ""},
		{"unknown root", "GET", c.s.URL + "/health", nil, nil, 404, "", ""},
		{"wrong method", "GET", c.bank("GetAccountsDetail"), c.api(), nil, 405, "", ""},
		{"malformed json", "POST", c.bank("GetAccountsDetail"), c.api(), `{"RequestId": "x",`, 401, "INVALID_REQUEST", ""},
		{"missing RequestId", "POST", c.bank("GetAccountsDetail"), c.api(), map[string]any{}, 401, "INVALID_REQUEST", ""},
		{"unknown RequestId", "POST", c.bank("GetAccountsDetail"), c.api(), map[string]any{"RequestId": "8c1e2a36-9e0f-4f7c-9a43-5c1d8b3e6f70"}, 400, "SESSION_NONEXISTENT", ""},
		{"bad DaysOfTransactions", "POST", c.bank("GetAccountsDetail"), c.api(), map[string]any{"RequestId": rid, "DaysOfTransactions": "lots"}, 401, "INVALID_REQUEST", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(tt.method, tt.url, tt.hdr, tt.body)
			if r.status != tt.status || r.code() != tt.code {
				t.Fatalf("got %d %q, want %d %q: %.300s", r.status, r.code(), tt.status, tt.code, r.raw)
			}
			if tt.msg != "" && r.str("Message") != tt.msg {
				t.Fatalf("Message %q, want %q", r.str("Message"), tt.msg)
			}
			if tt.status >= 400 && r.body["HttpStatusCode"] == nil {
				t.Fatalf("error without body: %s", r.raw)
			}
			if tt.status == 405 && r.header.Get("Allow") == "" {
				t.Fatal("405 without Allow")
			}
			for _, secret := range []string{c.s.SecretKey, c.s.APIKey} {
				if strings.Contains(string(r.raw), secret) {
					t.Fatal("secret echoed in body")
				}
			}
		})
	}
}

func TestAuthorizeTokenSingleUseAndExpiry(t *testing.T) {
	clk := newClock()
	c := start(t, flinkstest.WithClock(clk.Now))
	body := map[string]any{"LoginId": c.s.LoginID("Greatday"), "MostRecentCached": true}
	tok := c.token()
	hdr := map[string]string{"flinks-auth-key": tok}
	expect(t, c.do("POST", c.bank("Authorize"), hdr, body), 200, "")
	r := c.do("POST", c.bank("Authorize"), hdr, body)
	expect(t, r, 401, "ACCESS_DENIED")
	if r.str("Message") != "You must provide a valid authorize token" {
		t.Fatal(r.str("Message"))
	}
	// a failing Authorize still consumes its token
	tok = c.token()
	hdr = map[string]string{"flinks-auth-key": tok}
	expect(t, c.do("POST", c.bank("Authorize"), hdr, map[string]any{"LoginId": "nope", "MostRecentCached": true}), 401, "INVALID_LOGIN")
	expect(t, c.do("POST", c.bank("Authorize"), hdr, body), 401, "ACCESS_DENIED")
	// expiry: 30 minutes after minting
	tok = c.token()
	clk.Advance(31 * time.Minute)
	expect(t, c.do("POST", c.bank("Authorize"), map[string]string{"flinks-auth-key": tok}, body), 401, "ACCESS_DENIED")
	tok = c.token()
	clk.Advance(29 * time.Minute)
	expect(t, c.do("POST", c.bank("Authorize"), map[string]string{"flinks-auth-key": tok}, body), 200, "")
}

func TestFlinksCapitalUsers(t *testing.T) {
	tests := []struct {
		user         string
		liveStatus   int
		liveCode     string
		cachedStatus int
		cachedCode   string
	}{
		{"Greatday", 203, "", 200, ""},
		{"Everyday", 203, "", 200, ""},
		{"greatday_nomfa", 200, "", 200, ""},
		{"GREATDAY_NOMFA", 200, "", 200, ""},
		{"test_disabled_account", 401, "DISABLED_LOGIN", 401, "DISABLED_LOGIN"},
		{"test_service_unavailable", 401, "RETRY_LATER", 401, "RETRY_LATER"},
		{"test_pending", 200, "", 200, ""},
		{"test_dispatched", 200, "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := start(t)
			r := c.live(tt.user)
			expect(t, r, tt.liveStatus, tt.liveCode)
			if tt.liveStatus == 200 {
				checkAuthorize200(t, c, r)
			}
			if tt.liveStatus == 203 {
				ch := r.body["SecurityChallenges"].([]any)
				if len(ch) != 1 || r.str("RequestId") == "" || r.str("Institution") != "FlinksCapital" {
					t.Fatalf("203 body: %s", r.raw)
				}
			}
			r = c.authorize(map[string]any{"LoginId": c.s.LoginID(tt.user), "MostRecentCached": true})
			expect(t, r, tt.cachedStatus, tt.cachedCode)
			if tt.cachedStatus == 200 {
				checkAuthorize200(t, c, r)
			}
		})
	}
}

func checkAuthorize200(t *testing.T, c *tc, r resp) {
	t.Helper()
	login := r.body["Login"].(map[string]any)
	if r.str("RequestId") == "" || r.str("Institution") != "FlinksCapital" || r.body["InstitutionId"].(float64) != 14 ||
		r.str("InstitutionName") == "" || login["Type"] != "Personal" || login["Id"] != c.s.LoginID(login["Username"].(string)) {
		t.Fatalf("200 body: %s", r.raw)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999999", login["LastRefresh"].(string)); err != nil {
		t.Fatalf("LastRefresh: %v", err)
	}
	if len(r.body["Links"].([]any)) == 0 {
		t.Fatal("no Links")
	}
}

func TestLiveLoginErrors(t *testing.T) {
	c := start(t)
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"unknown username", map[string]any{"Institution": "FlinksCapital", "Username": "nobody", "Password": "Everyday"}, 401, "INVALID_USERNAME"},
		{"wrong password", map[string]any{"Institution": "FlinksCapital", "Username": "Greatday", "Password": "Sunday"}, 401, "INVALID_PASSWORD"},
		{"other institution", map[string]any{"Institution": "RBC", "Username": "Greatday", "Password": "Everyday"}, 405, "DISABLED_INSTITUTION"},
		{"no institution", map[string]any{"Username": "Greatday", "Password": "Everyday"}, 401, "INVALID_REQUEST"},
		{"unknown LoginId", map[string]any{"LoginId": "3f8e0c7a-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "MostRecentCached": true}, 401, "INVALID_LOGIN"},
		{"empty body", nil, 401, "INVALID_REQUEST"},
		{"malformed", `{"LoginId":`, 401, "INVALID_REQUEST"},
		{"string booleans", map[string]any{"loginid": "x", "mostrecentcached": "true"}, 401, "INVALID_LOGIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, c.authorize(tt.body), tt.status, tt.code)
		})
	}
}

func answer(c *tc, rid string, responses map[string][]string) resp {
	return c.authorize(map[string]any{"RequestId": rid, "SecurityResponses": responses})
}

func TestGreatdayTwoRoundMFA(t *testing.T) {
	c := start(t)
	r := c.live("Greatday")
	expect(t, r, 203, "")
	rid := r.str("RequestId")
	ch := r.body["SecurityChallenges"].([]any)[0].(map[string]any)
	if ch["Type"] != "QuestionAndAnswer" || ch["Prompt"] != flinkstest.PromptCity {
		t.Fatalf("round 1: %s", r.raw)
	}
	if l := r.body["Links"].([]any)[0].(map[string]any); l["rel"] != "Authorization" || l["href"] != "/Authorize" || l["example"] != nil {
		t.Fatalf("203 links: %s", r.raw)
	}
	// data calls during MFA are not authorized
	expect(t, c.gad(rid, nil), 401, "UNAUTHORIZED")

	r = answer(c, rid, map[string][]string{flinkstest.PromptCity: {"montreal"}})
	expect(t, r, 203, "")
	ch = r.body["SecurityChallenges"].([]any)[0].(map[string]any)
	if ch["Prompt"] != flinkstest.PromptCountry || r.str("RequestId") != rid {
		t.Fatalf("round 2: %s", r.raw)
	}
	r = answer(c, rid, map[string][]string{flinkstest.PromptCountry: {"Canada"}})
	expect(t, r, 200, "")
	checkAuthorize200(t, c, r)
	if r.str("RequestId") != rid {
		t.Fatal("RequestId changed")
	}
	expect(t, c.gad(rid, nil), 200, "")
	expect(t, answer(c, rid, map[string][]string{flinkstest.PromptCountry: {"Canada"}}), 401, "ALREADY_AUTHORIZED")
}

func TestMFAErrors(t *testing.T) {
	tests := []struct {
		name      string
		responses map[string][]string
		code      string
		stillOpen bool
	}{
		{"wrong answer", map[string][]string{flinkstest.PromptCity: {"Toronto"}}, "INVALID_SECURITY_RESPONSE", false},
		{"prompt not asked", map[string][]string{flinkstest.PromptShape: {"Triangle"}}, "UNKNOWN_CHALLENGE_KEY", true},
		{"extra prompt", map[string][]string{flinkstest.PromptCity: {"Montreal"}, "What is your pet's name?": {"Rex"}}, "UNKNOWN_CHALLENGE_KEY", true},
		{"no responses", map[string][]string{}, "SECURITYRESPONSES_INCOMPLETE", true},
		{"empty answer", map[string][]string{flinkstest.PromptCity: {""}}, "SECURITYRESPONSES_INCOMPLETE", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t)
			r := c.live("Greatday")
			expect(t, r, 203, "")
			rid := r.str("RequestId")
			r = answer(c, rid, tt.responses)
			expect(t, r, 401, tt.code)
			if r.str("RequestId") != rid {
				t.Fatalf("error body without RequestId: %s", r.raw)
			}
			r = answer(c, rid, map[string][]string{flinkstest.PromptCity: {"Montreal"}})
			if tt.stillOpen {
				expect(t, r, 203, "")
			} else {
				expect(t, r, 400, "SESSION_NONEXISTENT")
			}
		})
	}
	t.Run("concurrent session", func(t *testing.T) {
		c := start(t)
		expect(t, c.live("Everyday"), 203, "")
		expect(t, c.live("Everyday"), 401, "CONCURRENT_SESSION")
		expect(t, c.authorize(map[string]any{"LoginId": c.s.LoginID("Everyday"), "MostRecentCached": false}), 401, "CONCURRENT_SESSION")
		// cached mode is not a live session
		c.cached("Everyday")
		// another user is not affected
		expect(t, c.live("Greatday"), 203, "")
	})
	t.Run("unknown RequestId", func(t *testing.T) {
		c := start(t)
		expect(t, answer(c, "c0ffee00-0000-4000-8000-000000000000", map[string][]string{flinkstest.PromptCity: {"Montreal"}}), 400, "SESSION_NONEXISTENT")
	})
	t.Run("Everyday one round via LoginId live", func(t *testing.T) {
		c := start(t)
		r := c.authorize(map[string]any{"LoginId": c.s.LoginID("Everyday")})
		expect(t, r, 203, "")
		if p := r.body["SecurityChallenges"].([]any)[0].(map[string]any)["Prompt"]; p != flinkstest.PromptShape {
			t.Fatal(p)
		}
		expect(t, answer(c, r.str("RequestId"), map[string][]string{flinkstest.PromptShape: {" TRIANGLE "}}), 200, "")
	})
}

func TestSessionExpiry(t *testing.T) {
	clk := newClock()
	c := start(t, flinkstest.WithClock(clk.Now))

	rid := c.cached("greatday_nomfa")
	clk.Advance(7 * time.Minute)
	expect(t, c.gad(rid, nil), 200, "")
	clk.Advance(8*time.Minute + time.Second)
	expect(t, c.gad(rid, nil), 401, "SESSION_EXPIRED")
	clk.Advance(-time.Hour) // expiry is sticky
	expect(t, c.gad(rid, nil), 401, "SESSION_EXPIRED")
	clk.Advance(time.Hour)

	// MFA left unanswered for more than 8 minutes
	r := c.live("Greatday")
	clk.Advance(9 * time.Minute)
	expect(t, answer(c, r.str("RequestId"), map[string][]string{flinkstest.PromptCity: {"Montreal"}}), 401, "SESSION_EXPIRED")

	// 30-minute processing cap, even when polled regularly
	rid = c.cached("greatday_nomfa")
	for i := 0; i < 6; i++ {
		expect(t, c.gad(rid, nil), 200, "")
		clk.Advance(5 * time.Minute)
	}
	clk.Advance(time.Minute)
	expect(t, c.gad(rid, nil), 401, "SESSION_EXPIRED")

	rid = c.cached("greatday_nomfa")
	c.s.ExpireSessions()
	expect(t, c.gad(rid, nil), 401, "SESSION_EXPIRED")
	expect(t, c.do("GET", c.bank("GetAccountsSummaryAsync/"+rid), c.api(), nil), 401, "SESSION_EXPIRED")
}
