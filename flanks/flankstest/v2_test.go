package flankstest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

func TestAggregationV2(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(2), flankstest.WithPageSize(5))
	c1 := a.exchange("1234")
	c2 := a.exchange("DATA_ERROR_PRODUCT_ACCOUNT")
	pending := a.exchange("1234") // never polled: no products yet
	a.waitDone(c1)
	a.waitDone(c2)

	all, pages := a.collect("/aggregation/v2/list-products", map[string]any{})
	if pages != (len(all)+4)/5 || len(all) < 10 {
		t.Fatalf("%d products on %d pages", len(all), pages)
	}
	types := map[string]int{}
	for _, p := range all {
		for _, k := range []string{"product_id", "product_type", "connection_id", "name", "balance", "currency", "iban", "labels"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("product lacks %s: %v", k, p)
			}
		}
		if p["connection_id"] == pending {
			t.Fatal("pending credential should have no products")
		}
		if p["connection_id"] == c2 && p["product_type"] == "Account" {
			t.Fatal("errored accounts should not be listed")
		}
		cents(t, p["balance"])
		types[p["product_type"].(string)]++
	}
	for _, typ := range []string{"Account", "Card", "Investment", "Liability"} {
		if types[typ] == 0 {
			t.Fatalf("no %s products: %v", typ, types)
		}
	}
	accts, _ := a.collect("/aggregation/v2/list-products", map[string]any{"product_type_in": []string{"Account"}, "connection_id_in": []string{c1, c2}})
	if len(accts) != types["Account"] {
		t.Fatalf("accounts filter: %d", len(accts))
	}
	if got, _ := a.collect("/aggregation/v2/list-products", map[string]any{"product_id_in": []string{}}); len(got) != 0 {
		t.Fatal("empty array should match nothing")
	}

	// labels
	pid := accts[0]["product_id"].(string)
	if m := obj(t, a.postOK("/aggregation/v2/set-product-labels", map[string]any{"product_id": pid, "labels": map[string]string{"team": "wealth"}})); m["success"] != true {
		t.Fatalf("set labels: %v", m)
	}
	got, _ := a.collect("/aggregation/v2/list-products", map[string]any{"product_id_in": []string{pid}})
	if got[0]["labels"].(map[string]any)["team"] != "wealth" {
		t.Fatalf("labels not stored: %v", got[0])
	}
	st, body := a.post("/aggregation/v2/set-product-labels", map[string]any{"product_id": "nope", "labels": map[string]string{}})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "not_found", "product_id")
	st, body = a.post("/aggregation/v2/set-product-labels", map[string]any{"product_id": pid})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "missing", "labels")

	// transactions
	txs, _ := a.collect("/aggregation/v2/list-transactions", map[string]any{"product_id_in": []string{pid}})
	if len(txs) == 0 {
		t.Fatal("no transactions for the account")
	}
	dates := regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	for _, tx := range txs {
		if tx["product_id"] != pid || !dates.MatchString(tx["date"].(string)) {
			t.Fatalf("transaction %v", tx)
		}
		cents(t, tx["amount"])
	}
	d := txs[len(txs)/2]["date"].(string)
	ranged, _ := a.collect("/aggregation/v2/list-transactions", map[string]any{"product_id_in": []string{pid}, "date_from": d, "date_to": d})
	if len(ranged) == 0 {
		t.Fatal("date range lost the transaction")
	}
	for _, tx := range ranged {
		if tx["date"] != d {
			t.Fatalf("date filter leaked %v", tx)
		}
	}
	tid := txs[0]["transaction_id"].(string)
	a.postOK("/aggregation/v2/set-transaction-labels", map[string]any{"transaction_id": tid, "labels": map[string]string{"k": "v"}})
	one, _ := a.collect("/aggregation/v2/list-transactions", map[string]any{"transaction_id_in": []string{tid}})
	if len(one) != 1 || one[0]["labels"].(map[string]any)["k"] != "v" {
		t.Fatalf("transaction labels: %v", one)
	}
	st, body = a.post("/aggregation/v2/list-transactions", map[string]any{"query": map[string]any{"date_from": "14/03/2025"}})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "invalid", "query.date_from")
}

func TestReports(t *testing.T) {
	a := newAPI(t)
	tpl := obj(t, a.postOK("/report/v1/list-templates", map[string]any{}))["items"].([]any)
	if len(tpl) == 0 || tpl[0].(map[string]any)["template_id"] == nil {
		t.Fatalf("templates %v", tpl)
	}
	build := func(id int) json.Number {
		m := obj(t, a.postOK("/report/v1/build-report", map[string]any{
			"template_id": id, "query": map[string]any{}, "template_attributes": map[string]any{}, "language": "es",
			"start_date": "2025-01-01", "end_date": "2025-12-31",
		}))
		if m["status"] != "new" {
			t.Fatalf("build: %v", m)
		}
		return m["report_id"].(json.Number)
	}
	walk := func(id json.Number) []string {
		var seen []string
		for i := 0; i < 6; i++ {
			m := obj(t, a.postOK("/report/v1/get-report-status", map[string]any{"report_id": id}))
			seen = append(seen, m["status"].(string))
		}
		return seen
	}
	ok := build(1)
	st, body := a.post("/report/v1/get-report-content", map[string]any{"report_id": ok})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "not_ready", "report_id")
	if got := strings.Join(walk(ok), ","); got != "new,payload,file,ready,ready,ready" {
		t.Fatalf("walk %s", got)
	}
	url := obj(t, a.postOK("/report/v1/get-report-content", map[string]any{"report_id": ok}))["url"].(string)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("report file: %d %.20s", resp.StatusCode, pdf)
	}

	bad := build(999)
	if got := strings.Join(walk(bad), ","); got != "new,payload,fail,fail,fail,fail" {
		t.Fatalf("failing walk %s", got)
	}
	st, body = a.post("/report/v1/get-report-content", map[string]any{"report_id": bad})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "failed", "report_id")

	tests := []struct {
		name      string
		body      map[string]any
		errorType string
		field     string
	}{
		{"no template", map[string]any{"query": map[string]any{}, "template_attributes": map[string]any{}}, "missing", "template_id"},
		{"unknown template", map[string]any{"template_id": 7, "query": map[string]any{}, "template_attributes": map[string]any{}}, "not_found", "template_id"},
		{"no query", map[string]any{"template_id": 1, "template_attributes": map[string]any{}}, "missing", "query"},
		{"no attributes", map[string]any{"template_id": 1, "query": map[string]any{}}, "missing", "template_attributes"},
		{"bad language", map[string]any{"template_id": 1, "query": map[string]any{}, "template_attributes": map[string]any{}, "language": "de"}, "invalid", "language"},
		{"bad date", map[string]any{"template_id": 1, "query": map[string]any{}, "template_attributes": map[string]any{}, "end_date": "31/12/2025"}, "invalid", "end_date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.post("/report/v1/build-report", tc.body)
			wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), tc.errorType, tc.field)
		})
	}
	st, body = a.post("/report/v1/get-report-status", map[string]any{"report_id": 424242})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "not_found", "report_id")
}

func TestLetters(t *testing.T) {
	a := newAPI(t)
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 signed letter"))
	st, body := a.raw("POST", "/letters/v1/create-signed", "application/json; charset=utf-8", mustJSON(map[string]any{
		"connector_id": "santander", "data": pdf, "annex": pdf, "labels": map[string]string{"client": "42"}, "contact_info": map[string]string{"email": "a@b.c"},
	}), a.token)
	if st != 200 || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(obj(t, body)["letter_id"].(string)) {
		t.Fatalf("create-signed: %d %s", st, body)
	}
	tests := []struct {
		name      string
		body      map[string]any
		errorType string
		field     string
	}{
		{"no connector", map[string]any{"data": pdf}, "missing", "connector_id"},
		{"no data", map[string]any{"connector_id": "santander"}, "missing", "data"},
		{"unknown connector", map[string]any{"connector_id": "nope", "data": pdf}, "not_found", "connector_id"},
		{"invalid base64", map[string]any{"connector_id": "santander", "data": "%%% not base64"}, "invalid_base64", "data"},
		{"invalid annex", map[string]any{"connector_id": "santander", "data": pdf, "annex": "!!"}, "invalid_base64", "annex"},
		{"labels not an object", map[string]any{"connector_id": "santander", "data": pdf, "labels": []int{1}}, "invalid", "labels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.post("/letters/v1/create-signed", tc.body)
			wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), tc.errorType, tc.field)
		})
	}
}

func TestInjectError(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	portfolio := "/v0/bank/credentials/portfolio"

	a.srv.InjectError(portfolio, 503, `{"error":"Internal Error"}`, 2)
	for i := 0; i < 2; i++ {
		st, body := a.data(portfolio, tok, nil)
		wantV0(t, st, body, 503, "Internal Error", 0)
	}
	if st, _ := a.data(portfolio, tok, nil); st != 200 {
		t.Fatalf("after injections: %d", st)
	}
	// other paths are untouched; a trailing slash is the same path
	a.srv.InjectError(portfolio+"/", 429, `{"error":"Too many requests"}`, 1)
	if st, _ := a.data("/v0/bank/credentials/account", tok, nil); st != 200 {
		t.Fatalf("other path: %d", st)
	}
	if st, _ := a.data(portfolio, tok, nil); st != 429 {
		t.Fatalf("trailing slash injection: %d", st)
	}
	// "" hits any path but not the token endpoint; HTML bodies are raw
	a.srv.InjectError("", 502, "<html>Bad Gateway</html>", 1)
	a.fetchToken()
	st, body := a.data("/v0/bank/credentials/card", tok, nil)
	if st != 502 || string(body) != "<html>Bad Gateway</html>" {
		t.Fatalf("any-path injection: %d %s", st, body)
	}
	// the token endpoint when named; injected answers come before auth
	a.srv.InjectError("/v0/token", 500, `{"error":"Internal Error"}`, 1)
	if st, _ := a.raw("POST", "/v0/token", "application/json", []byte(`{}`), ""); st != 500 {
		t.Fatalf("token injection: %d", st)
	}
	// the v2 envelope can be injected too; times <= 0 clears
	a.srv.InjectError("/connect/v2/sessions/create-session", 400, `{"success":false,"error":{"code":"ValidationError","details":[]},"trace_id":"t1"}`, 5)
	st, body = a.post("/connect/v2/sessions/create-session", map[string]any{})
	wantV2(t, st, body, 400, "ValidationError")
	a.srv.InjectError("/connect/v2/sessions/create-session", 0, "", 0)
	st, body = a.post("/connect/v2/sessions/create-session", map[string]any{"configuration": map[string]any{"redirect_url": "https://x.example"}})
	if st != 200 {
		t.Fatalf("cleared injection: %d %s", st, body)
	}
}

// TestDeterminism: the same seed and clock give the same bytes.
func TestDeterminism(t *testing.T) {
	clk := newClock()
	fetch := func(seed int64) map[string]string {
		a := newAPI(t, flankstest.WithSeed(seed), flankstest.WithClock(clk.Now), flankstest.WithProcessingPolls(0))
		out := map[string]string{}
		for i, pw := range []string{"1234", "DATA_ERROR_PRODUCT_ACCOUNT", "1234"} {
			tok := a.exchange(pw)
			out["token"+string(rune('0'+i))] = tok
			for _, p := range allDataPaths {
				_, body := a.data(p, tok, map[string]any{"ignore_data_error": true})
				out[p+string(rune('0'+i))] = string(body)
			}
		}
		return out
	}
	x, y, z := fetch(7), fetch(7), fetch(8)
	for k, v := range x {
		if y[k] != v {
			t.Fatalf("%s differs between two servers with the same seed", k)
		}
	}
	if x["/v0/bank/credentials/account0"] == z["/v0/bank/credentials/account0"] {
		t.Fatal("different seeds gave the same accounts")
	}
	if x["/v0/bank/credentials/account0"] == x["/v0/bank/credentials/account2"] {
		t.Fatal("two credentials of one server share their accounts")
	}
}

func TestManyInvestmentTransactions(t *testing.T) {
	a := newAPI(t, flankstest.WithInvestmentTransactions(10000), flankstest.WithProcessingPolls(0))
	tok := a.exchange("1234")
	start := time.Now()
	st, body := a.data("/v0/bank/credentials/investment/transaction", tok, nil)
	elapsed := time.Since(start)
	if st != 200 {
		t.Fatalf("%d %.200s", st, body)
	}
	var txs []json.RawMessage
	if err := json.Unmarshal(body, &txs); err != nil || len(txs) != 10000 {
		t.Fatalf("got %d transactions (%v)", len(txs), err)
	}
	t.Logf("10,000 investment transactions: %d bytes, generated and served in %v", len(body), elapsed)
	// newest first
	var first, last struct {
		OperationDate string `json:"operationDate"`
	}
	_ = json.Unmarshal(txs[0], &first)
	_ = json.Unmarshal(txs[len(txs)-1], &last)
	if first.OperationDate < last.OperationDate {
		t.Fatalf("order: %s .. %s", first.OperationDate, last.OperationDate)
	}
}

func BenchmarkInvestmentTransactions10k(b *testing.B) {
	a := newAPI(b, flankstest.WithInvestmentTransactions(10000), flankstest.WithProcessingPolls(0))
	b.ResetTimer()
	for b.Loop() {
		tok := a.exchange("1234")
		if st, _ := a.data("/v0/bank/credentials/investment/transaction", tok, nil); st != 200 {
			b.Fatal(st)
		}
	}
}

func TestWidgets(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(0))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// Link widget: form post -> redirect_uri?code=...
	l := obj(t, a.postOK("/v0/links/create-link", map[string]any{"redirect_uri": "https://app.example/cb?x=1"}))["data"].(map[string]any)
	resp, err := http.Get(a.srv.URL + "/widget/link?token=" + l["token"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("link widget GET: %d", resp.StatusCode)
	}
	resp, err = noRedirect.Post(a.srv.URL+"/widget/link", "application/x-www-form-urlencoded",
		strings.NewReader("token="+l["token"].(string)+"&password=1234&user_ref=42"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != 303 || loc.Query().Get("code") == "" || loc.Query().Get("x") != "1" {
		t.Fatalf("link widget POST: %d %v", resp.StatusCode, loc)
	}
	m := obj(t, a.postOK("/v0/platform/link", map[string]string{"code": loc.Query().Get("code")}))
	if m["extra"].(map[string]any)["user_ref"] != "42" {
		t.Fatalf("extra: %v", m)
	}

	// Connect widget: the session url completes the session.
	s := a.createSession(map[string]any{"redirect_url": "https://app.example/done"})
	u := s["url"].(string)
	if !strings.HasPrefix(u, a.srv.URL+"/") {
		t.Fatalf("session url %s", u)
	}
	resp, err = noRedirect.Post(u, "application/x-www-form-urlencoded", strings.NewReader("password=1234"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = resp.Location()
	if resp.StatusCode != 303 || loc.Query().Get("session_id") != s["session_id"] {
		t.Fatalf("connect widget: %d %v", resp.StatusCode, loc)
	}
	if got := a.session(s["session_id"].(string)); got["status"] != "Finished:OK" {
		t.Fatalf("session %v", got)
	}
}

// TestNewHandler serves the handler standalone; URL comes from the Host.
func TestNewHandler(t *testing.T) {
	s := flankstest.NewHandler(flankstest.WithClientSecret("x"))
	if s.URL != "" || s.ClientSecret != "x" || s.ClientID != flankstest.DefaultClientID {
		t.Fatalf("URL %q, ClientID %q", s.URL, s.ClientID)
	}
	s.Close() // no-op
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://fake.local/v0/token", strings.NewReader(`{"client_id":"`+s.ClientID+`","client_secret":"x","grant_type":"client_credentials"}`))
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("token via handler: %d %s", rec.Code, rec.Body)
	}
	tok := obj(t, rec.Body.Bytes())["access_token"].(string)
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "http://fake.local/connect/v2/sessions/create-session", strings.NewReader(`{"configuration":{"redirect_url":"https://x.example"}}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	s.Handler().ServeHTTP(rec, req)
	if u := obj(t, rec.Body.Bytes())["session"].(map[string]any)["url"].(string); !strings.HasPrefix(u, "http://fake.local/") {
		t.Fatalf("session url %s", u)
	}
}
