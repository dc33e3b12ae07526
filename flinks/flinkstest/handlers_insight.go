package flinkstest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// attribute is one Enrich attribute computed from the generated transactions.
type attribute struct {
	name   string
	money  bool
	detail uint8 // transaction kind listed in AttributesDetail (kindOther = none)
	value  func(*aggregates) int64
}

type aggregates struct {
	payroll12, payrollCount12   int64
	credits12, debits12         int64
	nsf90, nsf12, nsfSum12      int64
	loan12                      int64
	tx90, negDays90             int64
	balanceTotal, businessRev12 int64
	txCount                     int64 // transactions inside the limitDays window
}

var attributes = []attribute{
	{name: "average_monthly_income", money: true, detail: kindPayroll, value: func(a *aggregates) int64 { return a.payroll12 / 12 }},
	{name: "sum_credits_payroll_12_months", money: true, detail: kindPayroll, value: func(a *aggregates) int64 { return a.payroll12 }},
	{name: "count_payroll_12_months", detail: kindPayroll, value: func(a *aggregates) int64 { return a.payrollCount12 }},
	{name: "sum_credits_12_months", money: true, value: func(a *aggregates) int64 { return a.credits12 }},
	{name: "count_nsf_90_days", detail: kindNSF, value: func(a *aggregates) int64 { return a.nsf90 }},
	{name: "count_nsf_12_months", detail: kindNSF, value: func(a *aggregates) int64 { return a.nsf12 }},
	{name: "sum_nsf_fees_12_months", money: true, detail: kindNSF, value: func(a *aggregates) int64 { return a.nsfSum12 }},
	{name: "sum_loan_payments_12_months", money: true, detail: kindLoan, value: func(a *aggregates) int64 { return a.loan12 }},
	{name: "count_days_negative_balance_90_days", value: func(a *aggregates) int64 { return a.negDays90 }},
	{name: "average_monthly_spending", money: true, value: func(a *aggregates) int64 { return a.debits12 / 12 }},
	{name: "sum_debits_12_months", money: true, value: func(a *aggregates) int64 { return a.debits12 }},
	{name: "count_transactions_90_days", value: func(a *aggregates) int64 { return a.tx90 }},
	{name: "current_balance_total", money: true, value: func(a *aggregates) int64 { return a.balanceTotal }},
	{name: "sum_credits_business_revenue_12_months", money: true, value: func(a *aggregates) int64 { return a.businessRev12 }},
	{name: "average_monthly_business_revenue", money: true, value: func(a *aggregates) int64 { return a.businessRev12 / 12 }},
}

var attributeByName = map[string]*attribute{}

func init() {
	for i := range attributes {
		attributeByName[strings.ToLower(attributes[i].name)] = &attributes[i]
	}
}

var (
	incomeAttrs     = []string{"average_monthly_income", "sum_credits_payroll_12_months", "count_payroll_12_months", "sum_credits_12_months"}
	creditRiskAttrs = []string{"count_nsf_90_days", "count_nsf_12_months", "sum_nsf_fees_12_months", "sum_loan_payments_12_months", "count_days_negative_balance_90_days"}
	userAttrs       = []string{"average_monthly_spending", "sum_debits_12_months", "count_transactions_90_days", "current_balance_total"}
	businessAttrs   = []string{"sum_credits_business_revenue_12_months", "average_monthly_business_revenue", "sum_debits_12_months", "current_balance_total"}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// attributeSets are the fixed-package insight GET endpoints.
var attributeSets = []struct {
	op    string
	names []string
}{
	{"GetIncomeAttributes", incomeAttrs},
	{"GetCreditRiskAttributes", creditRiskAttrs},
	{"GetUserAnalysisAttributes", userAttrs},
	{"GetLendingAttributes", concat(incomeAttrs, creditRiskAttrs)},
	{"GetAllAttributes", concat(incomeAttrs, creditRiskAttrs, userAttrs)},
	{"GetBusinessAnalysisAttributes", businessAttrs},
	{"GetAllBusinessAttributes", concat(businessAttrs, []string{"count_nsf_12_months", "sum_loan_payments_12_months", "count_days_negative_balance_90_days"})},
}

type attributesRequest struct {
	Attributes    map[string][]string
	Filters       *struct{ AccountCategory []string }
	AccountFilter *struct {
		AccountID flexStrings
	}
	AttributesDetail  json.RawMessage
	AttributeDetails  json.RawMessage
	AttributesDetails json.RawMessage
	LimitDays         *int
}

// attrQuery is a validated attributes request.
type attrQuery struct {
	names      []*attribute
	detail     map[string]bool
	categories []string
	accountIDs []string
	limitDays  int
}

func (s *Server) handleAttributes(rc *reqCtx) {
	fail := func(e *apiErr, rid string) { writeError(rc.w, e.forEnrich(), rid, rc.op.name) }
	q, e := parseAttrQuery(rc)
	if e != nil {
		fail(e, rc.requestID)
		return
	}
	s.mu.Lock()
	ss, e := s.activeSession(rc.requestID, rc.now)
	if e != nil {
		s.mu.Unlock()
		fail(e, rc.requestID)
		return
	}
	if !strings.EqualFold(strings.TrimSpace(rc.loginID), ss.card.loginID) {
		s.mu.Unlock()
		fail(errCode("INVALID_LOGIN"), ss.id)
		return
	}
	if !ss.jobs[famDetail].done {
		s.mu.Unlock()
		writeError(rc.w, newErr("OPERATION_PENDING", "GetAccountsDetail has not completed for this RequestId"), ss.id, "GetAccountsDetail")
		return
	}
	snap := snapshot{card: ss.card, login: ss.card.login(), requestID: ss.id}
	s.mu.Unlock()

	ds := snap.card.dataset(&s.cfg, rc.now)
	accounts, e := q.selectAccounts(ds)
	if e != nil {
		fail(e, snap.requestID)
		return
	}
	agg, details := computeAggregates(ds, accounts, rc.now, q)
	if agg.txCount == 0 {
		fail(errCode("NO_TRANSACTION"), snap.requestID)
		return
	}
	cardJSON := buildCard(snap.login.Id, q, agg, details)
	writeJSON(rc.w, http.StatusOK, struct {
		HttpStatusCode int
		Card           json.RawMessage
		Login          loginJSON
		RequestId      string
	}{http.StatusOK, cardJSON, snap.login, snap.requestID})
}

func parseAttrQuery(rc *reqCtx) (*attrQuery, *apiErr) {
	q := &attrQuery{detail: map[string]bool{}, limitDays: 365}
	if rc.op.name != "Attributes" {
		for _, set := range attributeSets {
			if set.op == rc.op.name {
				for _, n := range set.names {
					q.names = append(q.names, attributeByName[n])
				}
			}
		}
		for k, v := range rc.r.URL.Query() {
			if strings.EqualFold(k, "AttributesDetail") && len(v) > 0 {
				var b flexBool
				if b.UnmarshalJSON([]byte(v[0])) == nil && bool(b) {
					for _, a := range q.names {
						q.detail[a.name] = true
					}
				}
			}
		}
		return q, nil
	}

	var req attributesRequest
	if len(bytes.TrimSpace(rc.body)) == 0 {
		return nil, errInvalidRequest("No attributes were requested")
	}
	if err := json.Unmarshal(rc.body, &req); err != nil {
		return nil, errInvalidRequest("The request body is not valid JSON")
	}
	for level, names := range req.Attributes {
		if !strings.EqualFold(level, "Card") {
			return nil, errInvalidRequest("Only the Card attribute level is supported")
		}
		for _, n := range names {
			a := attributeByName[strings.ToLower(strings.TrimSpace(n))]
			if a == nil {
				return nil, errInvalidRequest("Unknown attribute: " + truncate(n, 64))
			}
			q.names = append(q.names, a)
		}
	}
	if len(q.names) == 0 {
		return nil, errInvalidRequest("No attributes were requested")
	}
	if req.LimitDays != nil {
		if *req.LimitDays < 1 || *req.LimitDays > 365 {
			return nil, errInvalidRequest("limitDays must be between 1 and 365")
		}
		q.limitDays = *req.LimitDays
	}
	if req.Filters != nil {
		for _, c := range req.Filters.AccountCategory {
			switch strings.ToLower(c) {
			case "operations", "credits", "products", "other":
				q.categories = append(q.categories, c)
			default:
				return nil, errInvalidRequest("Unsupported filter value: " + truncate(c, 64))
			}
		}
	}
	if req.AccountFilter != nil {
		if len(req.AccountFilter.AccountID) == 0 {
			return nil, errInvalidRequest("AccountFilter requires at least one AccountID")
		}
		q.accountIDs = req.AccountFilter.AccountID
	}
	raw := req.AttributesDetail
	if raw == nil {
		raw = req.AttributesDetails
	}
	if raw == nil {
		raw = req.AttributeDetails
	}
	if raw != nil {
		var b flexBool
		var list []string
		// The documented shape mirrors Attributes: {"Card": ["name", ...]}.
		var byLevel map[string][]string
		if json.Unmarshal(raw, &byLevel) == nil {
			for level, names := range byLevel {
				if !strings.EqualFold(level, "Card") {
					return nil, errInvalidRequest("Only the Card level is supported in AttributesDetail")
				}
				list = append(list, names...)
			}
			raw = nil
		}
		switch {
		case raw == nil:
			for _, n := range list {
				a := attributeByName[strings.ToLower(strings.TrimSpace(n))]
				if a == nil {
					return nil, errInvalidRequest("Unknown attribute in AttributesDetail: " + truncate(n, 64))
				}
				q.detail[a.name] = true
			}
		case json.Unmarshal(raw, &b) == nil:
			if b {
				for _, a := range q.names {
					q.detail[a.name] = true
				}
			}
		case json.Unmarshal(raw, &list) == nil:
			for _, n := range list {
				a := attributeByName[strings.ToLower(strings.TrimSpace(n))]
				if a == nil {
					return nil, errInvalidRequest("Unknown attribute in AttributesDetail: " + truncate(n, 64))
				}
				q.detail[a.name] = true
			}
		default:
			return nil, errInvalidRequest("AttributesDetail is invalid")
		}
	}
	return q, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (q *attrQuery) selectAccounts(ds *dataset) ([]*account, *apiErr) {
	var out []*account
	for _, id := range q.accountIDs {
		found := false
		for _, a := range ds.accounts {
			found = found || strings.EqualFold(strings.TrimSpace(id), a.id)
		}
		if !found {
			return nil, errInvalidRequest("AccountFilter contains an invalid AccountID")
		}
	}
	for _, a := range ds.accounts {
		if len(q.categories) > 0 && !containsFold(q.categories, a.category) {
			continue
		}
		if len(q.accountIDs) > 0 && !containsFold(q.accountIDs, a.id) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

type detailTxJSON struct {
	TransactionId string
	AccountId     string
	Date          string
	Description   string
	Debit         *amount
	Credit        *amount
	Balance       amount
}

func computeAggregates(ds *dataset, accounts []*account, now time.Time, q *attrQuery) (*aggregates, map[uint8][]detailTxJSON) {
	limit := ds.dayOffset(now, q.limitDays)
	max12 := min(ds.dayOffset(now, 365), limit)
	max90 := min(ds.dayOffset(now, 90), limit)
	wantKinds := map[uint8]bool{}
	for _, a := range q.names {
		if q.detail[a.name] && a.detail != kindOther {
			wantKinds[a.detail] = true
		}
	}
	agg := &aggregates{}
	details := map[uint8][]detailTxJSON{}
	negDays := map[int32]bool{}
	for _, a := range accounts {
		if a.category == "Operations" {
			agg.balanceTotal += a.current
		}
		lastDay := int32(-1)
		for i := range a.txns {
			t := &a.txns[i]
			d := int(t.day)
			if d < 0 || d > limit {
				continue
			}
			agg.txCount++
			if d <= max12 {
				agg.credits12 += t.credit
				agg.debits12 += t.debit
				switch t.kind {
				case kindPayroll:
					agg.payroll12 += t.credit
					agg.payrollCount12++
				case kindNSF:
					agg.nsf12++
					agg.nsfSum12 += t.debit
				case kindLoan:
					agg.loan12 += t.debit
				}
				if t.credit > 0 && t.kind != kindPayroll && t.kind != kindTransfer {
					agg.businessRev12 += t.credit
				}
				if wantKinds[t.kind] {
					details[t.kind] = append(details[t.kind], detailTx(ds, a, t))
				}
			}
			if d <= max90 {
				agg.tx90++
				if t.kind == kindNSF {
					agg.nsf90++
				}
				// newest first: the first transaction seen for a day carries its closing balance
				if a.category == "Operations" && t.day != lastDay {
					lastDay = t.day
					if t.balance < 0 {
						negDays[t.day] = true
					}
				}
			}
		}
	}
	agg.negDays90 = int64(len(negDays))
	return agg, details
}

func detailTx(ds *dataset, a *account, t *txn) detailTxJSON {
	out := detailTxJSON{
		TransactionId: formatUUID(t.id),
		AccountId:     a.id,
		Date:          strings.ReplaceAll(ds.dates[t.day], "-", "/"),
		Description:   descText[t.desc],
		Balance:       amount(t.balance),
	}
	if t.debit != 0 {
		out.Debit = amountPtr(t.debit)
	}
	if t.credit != 0 {
		out.Credit = amountPtr(t.credit)
	}
	return out
}

type attrDetailJSON struct {
	Attribute    string
	Transactions []detailTxJSON
}

// buildCard writes the Card object with Id first and attributes in request order.
func buildCard(loginID string, q *attrQuery, agg *aggregates, details map[uint8][]detailTxJSON) json.RawMessage {
	b := []byte(`{"Id":`)
	id, _ := json.Marshal(loginID)
	b = append(b, id...)
	seen := map[string]bool{}
	var detailList []attrDetailJSON
	for _, a := range q.names {
		if seen[a.name] {
			continue
		}
		seen[a.name] = true
		b = append(b, `,"`+a.name+`":`...)
		v := a.value(agg)
		if a.money {
			b = appendMoney(b, v)
		} else {
			b = appendMoney(b, v*100)
		}
		if q.detail[a.name] {
			txs := details[a.detail]
			if a.detail == kindOther || txs == nil {
				txs = []detailTxJSON{}
			}
			detailList = append(detailList, attrDetailJSON{Attribute: a.name, Transactions: txs})
		}
	}
	if len(q.detail) > 0 {
		d, _ := json.Marshal(detailList)
		b = append(b, `,"AttributesDetail":`...)
		b = append(b, d...)
	}
	return append(b, '}')
}
