package flinkstest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

func TestPendingThenAsync(t *testing.T) {
	tests := []struct {
		user, code, method string
	}{
		{"test_pending", "OPERATION_PENDING", "GET"},
		{"test_pending", "OPERATION_PENDING", "POST"},
		{"test_dispatched", "OPERATION_DISPATCHED", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.method, func(t *testing.T) {
			c := start(t, flinkstest.WithPendingPolls(3))
			rid := c.cached(tt.user)
			r := c.gad(rid, map[string]any{"WithKYC": true})
			expect(t, r, 202, tt.code)
			if r.str("RequestId") != rid {
				t.Fatalf("202 body: %s", r.raw)
			}
			l := r.body["Links"].([]any)[0].(map[string]any)
			if l["rel"] != "GetAccountsDetailAsync" || l["href"] != "/GetAccountsDetailAsync" || l["example"] != "/GetAccountsDetailAsync/"+rid {
				t.Fatalf("202 links: %s", r.raw)
			}
			async := c.bank("GetAccountsDetailAsync/" + rid)
			expect(t, c.do(tt.method, async, c.api(), nil), 202, tt.code)
			expect(t, c.do(tt.method, async, c.api(), nil), 202, tt.code)
			r = c.do(tt.method, async, c.api(), nil)
			expect(t, r, 200, "")
			acc := accounts(t, r)
			if len(acc) != 3 || acc[0]["Holder"] == nil {
				t.Fatalf("async 200 lost the sync options: %.300s", r.raw)
			}
			// the same payload as the sync call
			expect(t, c.gad(rid, map[string]any{"WithKYC": true}), 200, "")
			// the other data kinds count separately
			expect(t, c.do("POST", c.bank("GetAccountsSummary"), c.api(), map[string]any{"RequestId": rid}), 202, tt.code)
			r = c.do("GET", c.bank("GetStatementsAsync/"+rid), c.api(), nil)
			expect(t, r, 202, tt.code)
			if r.body["Links"].([]any)[0].(map[string]any)["rel"] != "GetStatementsAsync" {
				t.Fatalf("statements link: %s", r.raw)
			}
			if n := c.s.Requests("GetAccountsDetailAsync"); n != 3 {
				t.Fatalf("Requests(GetAccountsDetailAsync) = %d", n)
			}
		})
	}
	t.Run("no pending polls", func(t *testing.T) {
		c := start(t, flinkstest.WithPendingPolls(0))
		expect(t, c.gad(c.cached("test_pending"), nil), 200, "")
	})
	t.Run("regular user is never pending", func(t *testing.T) {
		c := start(t)
		rid := c.cached("Greatday")
		expect(t, c.do("GET", c.bank("GetAccountsSummaryAsync/"+rid), c.api(), nil), 200, "")
	})
}

var moneyRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9][1-9]?)?$`)

// numbers collects every JSON number of raw, as written.
func numbers(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if n, ok := tok.(json.Number); ok {
			out = append(out, n.String())
		}
	}
	return out
}

func cents(t *testing.T, v any) int64 {
	t.Helper()
	if v == nil {
		return 0
	}
	s := strconv.FormatFloat(v.(float64), 'f', 2, 64)
	n, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccountsDetailData(t *testing.T) {
	clk := newClock()
	c := start(t, flinkstest.WithClock(clk.Now), flinkstest.WithAccounts(10), flinkstest.WithTransactions(300))
	rid := c.cached("Greatday")
	r := c.gad(rid, map[string]any{"WithKYC": true, "WithAccountIdentity": true, "WithTransactions": true})
	expect(t, r, 200, "")
	for _, n := range numbers(t, r.raw) {
		if !moneyRE.MatchString(n) {
			t.Fatalf("number %q is not a minimal 2-decimal amount", n)
		}
	}
	acc := accounts(t, r)
	if len(acc) != 10 {
		t.Fatalf("%d accounts", len(acc))
	}
	seenTypes := map[string]bool{}
	for _, a := range acc {
		seenTypes[a["Type"].(string)] = true
		for _, k := range []string{"Id", "Title", "AccountNumber", "TransitNumber", "InstitutionNumber", "Category", "Currency"} {
			if s, _ := a[k].(string); s == "" {
				t.Fatalf("account without %s: %v", k, a)
			}
		}
		holder := a["Holder"].(map[string]any)
		if holder["Name"] == "" || holder["Address"].(map[string]any)["PostalCode"] == "" {
			t.Fatalf("holder: %v", holder)
		}
		txs := a["Transactions"].([]any)
		if len(txs) != 300 {
			t.Fatalf("%d transactions", len(txs))
		}
		bal := a["Balance"].(map[string]any)
		if cents(t, txs[0].(map[string]any)["Balance"]) != cents(t, bal["Current"]) {
			t.Fatalf("newest balance %v != Current %v", txs[0].(map[string]any)["Balance"], bal["Current"])
		}
		prevDate := "9999-99-99"
		for i, x := range txs {
			tx := x.(map[string]any)
			if (tx["Debit"] == nil) == (tx["Credit"] == nil) {
				t.Fatalf("exactly one of Debit/Credit expected: %v", tx)
			}
			if _, ok := tx["Code"]; !ok || tx["Code"] != nil {
				t.Fatalf("Code: %v", tx)
			}
			d := tx["Date"].(string)
			if _, err := time.Parse("2006-01-02", d); err != nil || d > prevDate {
				t.Fatalf("date %q order or format", d)
			}
			prevDate = d
			if i+1 < len(txs) {
				older := txs[i+1].(map[string]any)
				if cents(t, older["Balance"])+cents(t, tx["Credit"])-cents(t, tx["Debit"]) != cents(t, tx["Balance"]) {
					t.Fatalf("running balance inconsistent at %d: %v after %v", i, tx, older)
				}
			}
		}
		if txs[0].(map[string]any)["Date"] != "2025-01-31" {
			t.Fatalf("newest date %v", txs[0].(map[string]any)["Date"])
		}
	}
	for _, ty := range []string{"Chequing", "Savings", "CreditCard", "TFSA", "RRSP", "LoanPersonal"} {
		if !seenTypes[ty] {
			t.Fatalf("no %s account", ty)
		}
	}
	if login := r.body["Login"].(map[string]any); login["Username"] != "Greatday" {
		t.Fatal(login)
	}

	// options off
	r = c.gad(rid, map[string]any{"WithTransactions": false})
	expect(t, r, 200, "")
	for _, a := range accounts(t, r) {
		if _, ok := a["Transactions"]; ok || a["Holder"] != nil || a["TransitNumber"] != nil {
			t.Fatalf("options ignored: %v", a)
		}
	}
	// filter and history depth
	id := acc[3]["Id"].(string)
	r = c.gad(rid, map[string]any{"AccountsFilter": []string{id}, "DaysOfTransactions": "Days90"})
	a := accounts(t, r)
	if len(a) != 1 || a[0]["Id"] != id {
		t.Fatalf("AccountsFilter: %d accounts", len(a))
	}
	txs := a[0]["Transactions"].([]any)
	oldest := txs[len(txs)-1].(map[string]any)["Date"].(string)
	if len(txs) == 0 || len(txs) >= 300 || oldest < "2024-11-03" {
		t.Fatalf("Days90: %d transactions, oldest %s", len(txs), oldest)
	}
	r365 := c.gad(rid, map[string]any{"AccountsFilter": []string{id}, "DaysOfTransactions": "days365"})
	if n := len(accounts(t, r365)[0]["Transactions"].([]any)); n <= len(txs) || n >= 300 {
		t.Fatalf("Days365: %d transactions", n)
	}
}

func TestSummaryAndStatements(t *testing.T) {
	c := start(t, flinkstest.WithAccounts(4))
	rid := c.cached("greatday_nomfa")
	r := c.do("POST", c.bank("GetAccountsSummary"), c.api(), map[string]any{"RequestId": rid})
	expect(t, r, 200, "")
	for _, a := range accounts(t, r) {
		if _, ok := a["Transactions"]; ok {
			t.Fatal("summary has transactions")
		}
		if a["EftEligibleRatio"] == nil || a["ETransferEligibleRatio"] == nil || a["Holder"].(map[string]any)["Name"] == "" {
			t.Fatalf("summary account: %v", a)
		}
	}
	for _, tt := range []struct {
		n    string
		want int
	}{{"", 1}, {"MostRecent", 1}, {"Months3", 3}, {"Months12", 12}} {
		body := map[string]any{"RequestId": rid}
		if tt.n != "" {
			body["NumberOfStatements"] = tt.n
		}
		r := c.do("POST", c.bank("GetStatements"), c.api(), body)
		expect(t, r, 200, "")
		sba := r.body["StatementsByAccount"].([]any)
		if len(sba) != 4 {
			t.Fatalf("%d accounts", len(sba))
		}
		st := sba[0].(map[string]any)["Statements"].([]any)
		if len(st) != tt.want {
			t.Fatalf("%s: %d statements", tt.n, len(st))
		}
		s0 := st[0].(map[string]any)
		pdf, err := base64.StdEncoding.DecodeString(s0["Base64Bytes"].(string))
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("%%EOF")) || s0["FileType"] != "PDF" || s0["UniqueId"] == "" {
			t.Fatalf("statement: %v", s0)
		}
	}
	expect(t, c.do("POST", c.bank("GetStatements"), c.api(), map[string]any{"RequestId": rid, "NumberOfStatements": "Months99"}), 401, "INVALID_REQUEST")
}

// stripIDs removes the per-session RequestId from a body.
func stripIDs(raw []byte, rid string) string { return strings.ReplaceAll(string(raw), rid, "") }

func TestDeterministicBySeed(t *testing.T) {
	body := func(opts ...flinkstest.Option) (string, string, *tc) {
		c := start(t, append(opts, flinkstest.WithClock(newClock().Now))...)
		rid := c.cached("Greatday")
		r := c.gad(rid, map[string]any{"WithKYC": true, "WithAccountIdentity": true})
		expect(t, r, 200, "")
		return stripIDs(r.raw, rid), c.s.LoginID("Greatday"), c
	}
	a, loginA, ca := body(flinkstest.WithSeed(42))
	b, loginB, cb := body(flinkstest.WithSeed(42))
	if a != b || loginA != loginB || ca.s.CustomerID != cb.s.CustomerID || ca.s.APIKey != cb.s.APIKey {
		t.Fatal("same seed gave different data")
	}
	c, loginC, _ := body(flinkstest.WithSeed(43))
	if a == c || loginA == loginC {
		t.Fatal("different seeds gave the same data")
	}
	if ca.s.LoginID("Greatday") == ca.s.LoginID("Everyday") {
		t.Fatal("users share a LoginId")
	}
	d, _, cd := body(flinkstest.WithSeed(42), flinkstest.WithCustomerID("43387ca6-0391-4c82-857d-70d95f087ecb"),
		flinkstest.WithAPIKey("api"), flinkstest.WithSecretKey("secret"))
	if a != d || cd.s.CustomerID != "43387ca6-0391-4c82-857d-70d95f087ecb" || cd.s.APIKey != "api" || cd.s.SecretKey != "secret" {
		t.Fatal("key overrides")
	}
}

func TestLargeDataset(t *testing.T) {
	c := start(t, flinkstest.WithAccounts(10), flinkstest.WithTransactions(8000))
	rid := c.cached("greatday_nomfa")
	fetch := func() ([]byte, time.Duration) {
		req, _ := http.NewRequest("POST", c.bank("GetAccountsDetail"), strings.NewReader(`{"RequestId":"`+rid+`"}`))
		req.Header.Set("x-api-key", c.s.APIKey)
		t0 := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 || res.ContentLength != int64(len(raw)) {
			t.Fatalf("%d %v %d/%d", res.StatusCode, err, res.ContentLength, len(raw))
		}
		return raw, time.Since(t0)
	}
	raw, first := fetch()
	raw2, second := fetch()
	if !bytes.Equal(raw, raw2) {
		t.Fatal("cached answer differs")
	}
	var body struct {
		Accounts []struct{ Transactions []json.RawMessage }
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range body.Accounts {
		n += len(a.Transactions)
	}
	if len(body.Accounts) != 10 || n != 80000 {
		t.Fatalf("%d accounts, %d transactions", len(body.Accounts), n)
	}
	t.Logf("10x8000: %.1f MB; first GetAccountsDetail (generate+encode+transfer) %v, then (cached) %v",
		float64(len(raw))/1e6, first, second)
}
