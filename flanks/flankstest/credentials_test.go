package flankstest_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

var allDataPaths = []string{
	"/v0/bank/credentials/auth",
	"/v0/bank/credentials/account",
	"/v0/bank/credentials/data",
	"/v0/bank/credentials/portfolio",
	"/v0/bank/credentials/investment",
	"/v0/bank/credentials/investment/transaction",
	"/v0/bank/credentials/liability",
	"/v0/bank/credentials/liability/transaction",
	"/v0/bank/credentials/card",
	"/v0/bank/credentials/card/transaction",
	"/v0/bank/credentials/holder",
}

// TestTestBankPasswords runs each password through link-code exchange,
// status polling and every data call.
func TestTestBankPasswords(t *testing.T) {
	tests := []struct {
		password     string
		blocked      bool
		reset, sca   bool
		dataCode     int // error_code of every data call; 0 = data
		accountCode  int // error_code of /account when it differs
		erroredAll   bool
		erroredAcct  bool
		lastTxIsNull bool
	}{
		{password: "1234"},
		{password: "INVALID_CREDENTIALS", blocked: true, reset: true, dataCode: 50002, lastTxIsNull: true},
		{password: "USER_INTERACTION_NEEDED", blocked: true, reset: true, dataCode: 50002, lastTxIsNull: true},
		{password: "SCA_TYPE_NOT_ALLOWED", blocked: true, reset: true, dataCode: 50002, lastTxIsNull: true},
		{password: "INTERNAL_ERROR", dataCode: 20001, erroredAll: true, lastTxIsNull: true},
		{password: "DATA_ERROR_PRODUCT_ACCOUNT", accountCode: 20001, erroredAcct: true},
		{password: "SCA_SMS", sca: true, dataCode: 50003, lastTxIsNull: true},
		{password: "SCA_APP", sca: true, dataCode: 50003, lastTxIsNull: true},
		{password: "SCA_CODE", sca: true, dataCode: 50003, lastTxIsNull: true},
	}
	for _, tc := range tests {
		t.Run(tc.password, func(t *testing.T) {
			a := newAPI(t)
			tok := a.exchange(tc.password)
			st, polls := a.waitDone(tok)
			if polls != 3 {
				t.Errorf("done after %d polls, want 3", polls)
			}
			if st["blocked"] != tc.blocked {
				t.Errorf("blocked = %v", st["blocked"])
			}
			if (st["reset_token"] != nil) != tc.reset {
				t.Errorf("reset_token = %v", st["reset_token"])
			}
			if (st["sca_token"] != nil) != tc.sca {
				t.Errorf("sca_token = %v", st["sca_token"])
			}
			if (st["last_transaction_date"] == nil) != tc.lastTxIsNull {
				t.Errorf("last_transaction_date = %v", st["last_transaction_date"])
			}
			errored := st["errored"].(map[string]any)["product"].(map[string]any)
			if errored["portfolio"] != tc.erroredAll || errored["account"] != (tc.erroredAll || tc.erroredAcct) {
				t.Errorf("errored.product = %v", errored)
			}
			for _, p := range allDataPaths {
				code := tc.dataCode
				if p == "/v0/bank/credentials/account" && tc.accountCode != 0 {
					code = tc.accountCode
				}
				s, body := a.data(p, tok, nil)
				if code == 0 {
					if s != 200 {
						t.Errorf("%s: %d %s", p, s, body)
					}
					continue
				}
				wantV0(t, s, body, 400, "", code)
			}
		})
	}
}

func TestStatusObjectShape(t *testing.T) {
	a := newAPI(t)
	for i := 0; i < 2; i++ {
		tok := a.exchange("1234")
		st, _ := a.waitDone(tok)
		for _, k := range []string{"pending", "blocked", "reset_token", "sca_token", "transaction_token", "last_transaction_date",
			"name", "last_update", "time", "last_update_timestamp", "created_at_timestamp", "errored", "created"} {
			if _, ok := st[k]; !ok {
				t.Errorf("status lacks %q", k)
			}
		}
		if st["name"] != "testbank" {
			t.Errorf("name = %v", st["name"])
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(st["last_update"].(string)) ||
			!regexp.MustCompile(`^\d\d:\d\d$`).MatchString(st["time"].(string)) {
			t.Errorf("last_update/time = %v %v", st["last_update"], st["time"])
		}
		wantKey := []string{"transactions", "transaction"}[i]
		for _, group := range []string{"created", "errored"} {
			g := st[group].(map[string]any)
			prod := g["product"].(map[string]any)
			for _, k := range []string{"auth", "account", "card", "portfolio", "investment", "liability", "holders"} {
				if _, ok := prod[k]; !ok {
					t.Errorf("%s.product lacks %s", group, k)
				}
			}
			tx, ok := g[wantKey].(map[string]any)
			if !ok {
				t.Fatalf("credential %d: %s lacks %q: %v", i, group, wantKey, g)
			}
			for _, k := range []string{"account", "card", "investment", "liability"} {
				if _, ok := tx[k]; !ok {
					t.Errorf("%s.%s lacks %s", group, wantKey, k)
				}
			}
		}
	}
}

func TestProcessingUntilDone(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(4))
	tok := a.exchange("1234")
	first := a.status(tok)
	if first["pending"] != true {
		t.Fatalf("pending after first touch: %v", first["pending"])
	}
	created := first["created"].(map[string]any)["product"].(map[string]any)
	for k, v := range created {
		if v != false {
			t.Errorf("created.product.%s = %v after first touch", k, v)
		}
	}
	// touch 2: first floor(11*1/4) = 2 items (auth, account) are created.
	s, body := a.data("/v0/bank/credentials/card", tok, nil)
	wantV0(t, s, body, 400, "Retrieving user data. Please try again in a moment.", 20002)
	// touch 3: accounts are available while the credential is still pending.
	if s, body := a.data("/v0/bank/credentials/account", tok, nil); s != 200 {
		t.Fatalf("account on touch 3: %d %s", s, body)
	}
	if st := a.status(tok); st["pending"] != false {
		t.Fatalf("pending after touch 4")
	}
	if s, _ := a.data("/v0/bank/credentials/card/transaction", tok, nil); s != 200 {
		t.Fatalf("card transactions after done: %d", s)
	}
}

func TestProcessingPollsZero(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	if s, body := a.data("/v0/bank/credentials/portfolio", tok, nil); s != 200 {
		t.Fatalf("%d %s", s, body)
	}
	if a.status(tok)["pending"] != false {
		t.Fatal("pending")
	}
}

func TestIgnoreDataError(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	internal := a.exchange("INTERNAL_ERROR")
	acct := a.exchange("DATA_ERROR_PRODUCT_ACCOUNT")
	tests := []struct {
		tok, path, want string
	}{
		{internal, "/v0/bank/credentials/portfolio", "[]"},
		{internal, "/v0/bank/credentials/data", "[]"},
		{internal, "/v0/bank/credentials/auth", "{}"},
		{acct, "/v0/bank/credentials/account", "[]"},
	}
	for _, tc := range tests {
		s, body := a.data(tc.path, tc.tok, nil)
		wantV0(t, s, body, 400, "User data not available. Please try again later.", 20001)
		s, body = a.data(tc.path, tc.tok, map[string]any{"ignore_data_error": true})
		if s != 200 || string(body) != tc.want {
			t.Errorf("%s with ignore_data_error: %d %s", tc.path, s, body)
		}
	}
	// The rest of DATA_ERROR_PRODUCT_ACCOUNT has data.
	s, body := a.data("/v0/bank/credentials/data", acct, nil)
	if s != 200 || len(arr(t, body)) == 0 {
		t.Fatalf("account transactions: %d %s", s, body)
	}
}

func TestLinkCodes(t *testing.T) {
	a := newAPI(t)
	c1 := a.srv.NewLinkCode("1234")
	c2 := a.srv.NewLinkCode("1234")
	st, body := a.do("GET", "/v0/platform/link", nil)
	if st != 200 {
		t.Fatalf("list: %d %s", st, body)
	}
	codes := arr(t, body)
	if len(codes) != 2 || codes[0]["code"] != c1 || codes[1]["code"] != c2 || codes[0]["link_token"] == "" {
		t.Fatalf("codes: %s", body)
	}
	linkTok := codes[0]["link_token"].(string)
	if _, b := a.do("GET", "/v0/platform/link?link_token="+linkTok, nil); len(arr(t, b)) != 2 {
		t.Fatalf("filtered list: %s", b)
	}
	if _, b := a.do("GET", "/v0/platform/link?link_token=other", nil); len(arr(t, b)) != 0 {
		t.Fatalf("filter by other link: %s", b)
	}

	body = a.postOK("/v0/platform/link", map[string]string{"code": c1})
	m := obj(t, body)
	if m["message"] != "Successfully retrieved" || m["credentials_token"] == "" || m["link_token"] != linkTok {
		t.Fatalf("exchange: %s", body)
	}
	if _, ok := m["extra"].(map[string]any); !ok {
		t.Fatalf("extra should be an object: %s", body)
	}
	st, body = a.post("/v0/platform/link", map[string]string{"code": c1})
	wantV0(t, st, body, 400, "Invalid code", 40001)
	st, body = a.post("/v0/platform/link", map[string]string{"code": "unknown"})
	wantV0(t, st, body, 400, "Invalid code", 40001)
	st, body = a.post("/v0/platform/link", map[string]string{})
	wantV0(t, st, body, 400, "Missing fields: code", 40001)
	if _, b := a.do("GET", "/v0/platform/link", nil); len(arr(t, b)) != 1 {
		t.Fatalf("after exchange: %s", b)
	}
}

func TestLinkCodeSecurityChecksAndDuplicates(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(1))
	st, body := a.post("/v0/platform/link", map[string]string{"code": a.srv.NewLinkCode("SECURITY_CHECKS")})
	if st != 202 {
		t.Fatalf("security checks: %d %s", st, body)
	}
	m := obj(t, body)
	if m["message"] != "Token is delayed during security checks" || m["error_code"] != json.Number("20003") || m["credentials_token"] == "" {
		t.Fatalf("202 body: %s", body)
	}
	tok := m["credentials_token"].(string)
	for i := 0; i < 3; i++ {
		if a.status(tok)["pending"] != true {
			t.Fatal("held credential should stay pending")
		}
	}
	s, b := a.data("/v0/bank/credentials/account", tok, nil)
	wantV0(t, s, b, 400, "", 20003)

	st, body = a.post("/v0/platform/link", map[string]string{"code": a.srv.NewLinkCode("ALREADY_EXISTS")})
	wantV0(t, st, body, 409, "Credentials already exist", 40001)
}

func TestForceAndDelete(t *testing.T) {
	a := newAPI(t)
	tok := a.exchange("1234")
	for _, kind := range []string{"sca", "reset", "transaction"} {
		st, body := a.do("PUT", "/v0/bank/credentials/status", map[string]string{"credentials_token": tok, "force": kind})
		if st != 200 {
			t.Fatalf("force %s: %d %s", kind, st, body)
		}
		v, _ := obj(t, body)[kind+"_token"].(string)
		if v == "" {
			t.Fatalf("force %s: %s", kind, body)
		}
		if a.status(tok)[kind+"_token"] != v {
			t.Fatalf("status does not show the forced %s token", kind)
		}
	}
	st, body := a.do("PUT", "/v0/bank/credentials/status", map[string]string{"credentials_token": tok, "force": "everything"})
	wantV0(t, st, body, 400, "Invalid force", 40001)
	st, body = a.do("PUT", "/v0/bank/credentials/status", map[string]string{})
	wantV0(t, st, body, 400, "Missing fields: credentials_token, force", 40001)

	st, body = a.do("DELETE", "/v0/bank/credentials", map[string]string{"credentials_token": tok})
	if st != 200 || obj(t, body)["message"] != "Successfully deleted" {
		t.Fatalf("delete: %d %s", st, body)
	}
	for _, p := range []string{"/v0/bank/credentials/status", "/v0/bank/credentials/account"} {
		st, body = a.post(p, map[string]string{"credentials_token": tok})
		wantV0(t, st, body, 400, "Invalid credentials_token", 40001)
	}
	st, body = a.do("DELETE", "/v0/bank/credentials", map[string]string{"credentials_token": tok})
	wantV0(t, st, body, 400, "Invalid credentials_token", 40001)
}

func TestListCredentials(t *testing.T) {
	a := newAPI(t, flankstest.WithPageSize(2))
	var want []string
	for i := 0; i < 5; i++ {
		want = append(want, a.exchange("1234"))
	}
	var got []string
	for page := 1; ; page++ {
		m := obj(t, a.postOK("/v0/bank/credentials/list", map[string]int{"page": page}))
		if m["page"] != json.Number(strconv.Itoa(page)) || m["pages"] != json.Number("3") {
			t.Fatalf("page %d: %v", page, m)
		}
		for _, it := range m["items"].([]any) {
			item := it.(map[string]any)
			for _, k := range []string{"credentials_token", "external_id", "bank", "status"} {
				if _, ok := item[k]; !ok {
					t.Fatalf("item lacks %s: %v", k, item)
				}
			}
			got = append(got, item["credentials_token"].(string))
		}
		if page == 3 {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("listed %v, want %v", got, want)
	}
	if m := obj(t, a.postOK("/v0/bank/credentials/list", map[string]int{"page": 9})); len(m["items"].([]any)) != 0 {
		t.Fatalf("page past the end: %v", m)
	}
	st, body := a.post("/v0/bank/credentials/list", map[string]int{"page": -1})
	wantV0(t, st, body, 400, "Invalid page", 40001)
}

func TestCreateCredentials(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name       string
		body       map[string]string
		wantStatus int
		wantCode   int
		wantMsg    string
	}{
		{"ok", map[string]string{"username": "u1", "password": "1234", "bank": "testbank"}, 200, 0, ""},
		{"duplicate", map[string]string{"username": "u1", "password": "1234", "bank": "testbank"}, 409, 40001, "Credentials already exist"},
		{"same user other bank", map[string]string{"username": "u1", "password": "1234", "bank": "santander"}, 200, 0, ""},
		{"with verifier", map[string]string{"username": "u2", "password": "1234", "bank": "testbank", "verifier": "0000"}, 200, 0, ""},
		{"invalid credentials", map[string]string{"username": "u3", "password": "INVALID_CREDENTIALS", "bank": "testbank"}, 400, 50002, "Incorrect bank credentials"},
		{"bank down", map[string]string{"username": "u3", "password": "INTERNAL_ERROR", "bank": "testbank"}, 503, 50001, ""},
		{"sca", map[string]string{"username": "u3", "password": "SCA_SMS", "bank": "testbank"}, 400, 50003, ""},
		{"already exists", map[string]string{"username": "u3", "password": "ALREADY_EXISTS", "bank": "testbank"}, 409, 40001, ""},
		{"missing", map[string]string{"username": "u3"}, 400, 40001, "Missing fields: password, bank"},
		{"unknown bank", map[string]string{"username": "u3", "password": "1234", "bank": "nobank"}, 400, 40001, "Invalid bank"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.post("/v0/bank/credentials", tc.body)
			if tc.wantStatus == 200 {
				m := obj(t, body)
				if st != 200 || m["message"] != "User created successfully" || m["credentials_token"] == "" {
					t.Fatalf("%d %s", st, body)
				}
				return
			}
			wantV0(t, st, body, tc.wantStatus, tc.wantMsg, tc.wantCode)
		})
	}
	st, body := a.post("/v0/bank/credentials", map[string]string{"username": "u9", "password": "SECURITY_CHECKS", "bank": "testbank"})
	if st != 202 || obj(t, body)["error_code"] != json.Number("20003") {
		t.Fatalf("security checks: %d %s", st, body)
	}
}

func TestV0RequestErrors(t *testing.T) {
	a := newAPI(t)
	tok := a.exchange("1234")
	tests := []struct {
		name, method, path, ct string
		body                   string
		status                 int
		msg                    string
		code                   int
	}{
		{"wrong method", "GET", "/v0/bank/credentials/status", "", "", 405, "Method not allowed", 0},
		{"wrong method on data", "PUT", "/v0/bank/credentials/portfolio", "application/json", `{}`, 405, "Method not allowed", 0},
		{"non-JSON content type", "POST", "/v0/bank/credentials/status", "text/plain", `{"credentials_token":"` + tok + `"}`, 415, "Not matching body content type", 0},
		{"form content type", "POST", "/v0/bank/credentials/status", "application/x-www-form-urlencoded", "credentials_token=x", 415, "Not matching body content type", 0},
		{"malformed JSON", "POST", "/v0/bank/credentials/status", "application/json", `{"credentials_token":`, 400, "Invalid body", 40001},
		{"wrong type", "POST", "/v0/bank/credentials/status", "application/json", `{"credentials_token":5}`, 400, "Invalid body", 40001},
		{"missing field", "POST", "/v0/bank/credentials/account", "application/json", `{}`, 400, "Missing fields: credentials_token", 40001},
		{"empty body", "POST", "/v0/bank/credentials/status", "", "", 400, "Missing fields: credentials_token", 40001},
		{"unknown token", "POST", "/v0/bank/credentials/card", "application/json", `{"credentials_token":"nope"}`, 400, "Invalid credentials_token", 40001},
		{"bad query", "POST", "/v0/bank/credentials/data", "application/json", `{"credentials_token":"` + tok + `","query":[1]}`, 400, "Invalid query", 40001},
		{"unknown path", "POST", "/v0/bank/credentials/nothing", "application/json", `{}`, 404, "Not found", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			st, body := a.raw(tc.method, tc.path, tc.ct, b, a.token)
			wantV0(t, st, body, tc.status, tc.msg, tc.code)
		})
	}
}

func TestTrailingSlashAndIdentity(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	st, body := a.post("/v0/bank/credentials/auth/", map[string]string{"credentials_token": tok})
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	id := obj(t, body)
	for _, k := range []string{"_id", "name", "document_id", "contactInfo", "address"} {
		if _, ok := id[k]; !ok {
			t.Errorf("identity lacks %s", k)
		}
	}
	if !regexp.MustCompile(`^\d{8}[A-Z]$`).MatchString(id["document_id"].(string)) {
		t.Errorf("document_id %v", id["document_id"])
	}
	if n := a.srv.Requests("/v0/bank/credentials/auth"); n != 1 {
		t.Errorf("Requests(auth) = %d", n)
	}
}

func TestEntities(t *testing.T) {
	a := newAPI(t)
	st, body := a.do("GET", "/v0/bank/available", nil)
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	es := arr(t, body)
	if es[0]["id"] != "testbank" || es[0]["name"] != "TestBank" || len(es) < 10 {
		t.Fatalf("entities: %s", body)
	}
}

func TestQueryFilter(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	_, body := a.data("/v0/bank/credentials/account", tok, nil)
	accounts := arr(t, body)
	if len(accounts) < 2 {
		t.Fatalf("accounts: %s", body)
	}
	_, body = a.data("/v0/bank/credentials/data", tok, nil)
	all := arr(t, body)
	first := accounts[0]["_id"].(string)
	count := 0
	for _, tx := range all {
		if tx["account_id"] == first {
			count++
		}
	}
	tests := []struct {
		name  string
		query any
		want  int
	}{
		{"no query", nil, len(all)},
		{"empty query", map[string]any{}, len(all)},
		{"one account", map[string]any{"account_id": []string{first}}, count},
		{"_in suffix", map[string]any{"account_id_in": []string{first}}, count},
		{"two accounts", map[string]any{"account_id": []string{first, accounts[1]["_id"].(string)}}, -1},
		{"empty array matches nothing", map[string]any{"account_id": []string{}}, 0},
		{"unknown account", map[string]any{"account_id": []string{"nope"}}, 0},
		{"scalar", map[string]any{"account_id": first}, count},
		{"date range", map[string]any{"date_from": "2000-01-01", "date_to": "2999-12-31"}, len(all)},
		{"future dates", map[string]any{"date_from": "2999-01-01"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string]any{}
			if tc.query != nil {
				extra["query"] = tc.query
			}
			st, body := a.data("/v0/bank/credentials/data", tok, extra)
			if st != 200 {
				t.Fatalf("%d %s", st, body)
			}
			got := len(arr(t, body))
			if tc.want == -1 {
				if got <= count || got > len(all) {
					t.Fatalf("got %d", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("got %d items, want %d", got, tc.want)
			}
		})
	}
}

var moneyRE = regexp.MustCompile(`^-?(0|[1-9]\d*)(\.\d?[1-9])?$`)

func cents(t testing.TB, v any) int64 {
	t.Helper()
	s := string(v.(json.Number))
	if !moneyRE.MatchString(s) {
		t.Fatalf("amount %q is not an exact 2-decimal amount", s)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(ip+(fp + "00")[:2], 10, 64)
	if neg {
		n = -n
	}
	return n
}

// TestDataRealism checks the money format, the field names of §7 and that
// balances agree with transactions and positions.
func TestDataRealism(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	get := func(p string) []map[string]any {
		st, body := a.data(p, tok, nil)
		if st != 200 {
			t.Fatalf("%s: %d %s", p, st, body)
		}
		return arr(t, body)
	}
	fields := map[string][]string{
		"/v0/bank/credentials/portfolio":              {"name", "type", "tax_type", "currency", "_id", "refValores", "refAccount", "refAccounts", "owners", "balance", "entity", "external_id", "updated_at_timestamp"},
		"/v0/bank/credentials/investment":             {"_id", "name", "isin", "portfolio_id", "amount", "balance", "currency"},
		"/v0/bank/credentials/investment/transaction": {"_id", "investment_id", "refValos", "isin", "operationDate", "valueDate", "amount", "shares", "price", "currency", "description", "type"},
		"/v0/bank/credentials/account":                {"_id", "iban", "entity", "alias", "balance", "currency", "description", "isOwner", "numOwners", "owners", "account_id", "type"},
		"/v0/bank/credentials/data":                   {"_id", "account_id", "amount", "balance", "entity", "cardNumber", "category", "currency", "operationDate", "valueDate", "description", "productDescription", "transfer"},
		"/v0/bank/credentials/liability":              {"liability_id", "balance", "type"},
		"/v0/bank/credentials/liability/transaction":  {"_id", "liability_id", "amount", "operationDate"},
		"/v0/bank/credentials/card":                   {"card_id", "pan"},
		"/v0/bank/credentials/card/transaction":       {"_id", "card_id", "amount", "operationDate"},
		"/v0/bank/credentials/holder":                 {"product_id", "rel", "name"},
	}
	dateRE := regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	for p, keys := range fields {
		items := get(p)
		if len(items) == 0 {
			t.Errorf("%s: empty", p)
		}
		for _, it := range items {
			for _, k := range keys {
				if _, ok := it[k]; !ok {
					t.Fatalf("%s item lacks %s: %v", p, k, it)
				}
			}
			for _, k := range []string{"amount", "balance"} {
				if v, ok := it[k]; ok && !strings.Contains(p, "investment") {
					cents(t, v)
				}
			}
			for _, k := range []string{"operationDate", "valueDate"} {
				if v, ok := it[k]; ok && !dateRE.MatchString(v.(string)) {
					t.Fatalf("%s %s = %v", p, k, v)
				}
			}
		}
	}
	for _, c := range get("/v0/bank/credentials/card") {
		if !regexp.MustCompile(`^\*{4} \*{4} \*{4} \d{4}$`).MatchString(c["pan"].(string)) {
			t.Errorf("pan %v", c["pan"])
		}
	}
	for _, l := range get("/v0/bank/credentials/liability") {
		if l["type"] != "Loan" && l["type"] != "Credit" {
			t.Errorf("liability type %v", l["type"])
		}
	}
	for _, h := range get("/v0/bank/credentials/holder") {
		if h["rel"] != "Titular" && h["rel"] != "Autorizado" {
			t.Errorf("holder rel %v", h["rel"])
		}
	}
	// Running balances: each account's newest transaction carries the
	// account balance, and balance[i+1] = balance[i] - amount[i].
	txs := get("/v0/bank/credentials/data")
	for _, acc := range get("/v0/bank/credentials/account") {
		if !regexp.MustCompile(`^ES\d{22}$`).MatchString(acc["iban"].(string)) {
			t.Errorf("iban %v", acc["iban"])
		}
		want := cents(t, acc["balance"])
		for _, tx := range txs {
			if tx["account_id"] != acc["_id"] {
				continue
			}
			if got := cents(t, tx["balance"]); got != want {
				t.Fatalf("account %v: running balance %d, want %d", acc["alias"], got, want)
			}
			want -= cents(t, tx["amount"])
		}
	}
	// Portfolio balance = sum of its positions.
	sum := map[string]int64{}
	for _, inv := range get("/v0/bank/credentials/investment") {
		sum[inv["portfolio_id"].(string)] += cents(t, inv["balance"])
	}
	for _, p := range get("/v0/bank/credentials/portfolio") {
		if cents(t, p["balance"]) != sum[p["_id"].(string)] {
			t.Errorf("portfolio %v balance %v != sum %d", p["name"], p["balance"], sum[p["_id"].(string)])
		}
	}
}
