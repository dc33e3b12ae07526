package flankstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ---- Aggregation v2 ----

type productV2 struct {
	ProductID    string            `json:"product_id"`
	ProductType  string            `json:"product_type"` // Account | Card | Investment | Liability
	ConnectionID string            `json:"connection_id"`
	Name         string            `json:"name"`
	Balance      json.Number       `json:"balance"`
	Currency     string            `json:"currency"`
	IBAN         *string           `json:"iban"`
	Labels       map[string]string `json:"labels"`
}

type transactionV2 struct {
	TransactionID string            `json:"transaction_id"`
	ProductID     string            `json:"product_id"`
	ConnectionID  string            `json:"connection_id"`
	Amount        json.Number       `json:"amount"`
	Currency      string            `json:"currency"`
	Date          string            `json:"date"`
	Description   string            `json:"description"`
	Labels        map[string]string `json:"labels"`
}

// v2Ready reports whether item i of a credential is visible through the v2
// APIs: extracted without error on a credential with data.
func (s *Server) v2Ready(c *credential, i int) bool {
	return c.outcome.hasData() && s.created(c, i) && !s.errored(c, i)
}

func labelsOf(m map[string]map[string]string, id string) map[string]string {
	out := map[string]string{}
	for k, v := range m[id] {
		out[k] = v
	}
	return out
}

// productsLocked lists the v2 products of every live credential.
func (s *Server) productsLocked() []productV2 {
	var out []productV2
	add := func(p productV2) {
		p.Labels = labelsOf(s.productLabels, p.ProductID)
		out = append(out, p)
	}
	for _, c := range s.credOrder {
		if !c.outcome.hasData() {
			continue
		}
		d := s.dataLocked(c)
		if s.v2Ready(c, itAccount) {
			for _, a := range d.accounts {
				add(productV2{ProductID: a.ID, ProductType: "Account", ConnectionID: c.token, Name: a.Alias, Balance: a.Balance, Currency: a.Currency, IBAN: strPtr(a.IBAN)})
			}
		}
		if s.v2Ready(c, itCard) {
			for _, k := range d.cards {
				add(productV2{ProductID: k.ID, ProductType: "Card", ConnectionID: c.token, Name: k.Name, Balance: k.Balance, Currency: k.Currency})
			}
		}
		if s.v2Ready(c, itInvestment) {
			for _, inv := range d.investments {
				add(productV2{ProductID: inv.ID, ProductType: "Investment", ConnectionID: c.token, Name: inv.Name, Balance: inv.Balance, Currency: inv.Currency})
			}
		}
		if s.v2Ready(c, itLiability) {
			for _, l := range d.liabilities {
				add(productV2{ProductID: l.ID, ProductType: "Liability", ConnectionID: c.token, Name: l.Name, Balance: l.Balance, Currency: l.Currency, IBAN: strPtr(l.IBAN)})
			}
		}
	}
	return out
}

// transactionsLocked lists the v2 transactions of every live credential,
// filtered early so large investment histories stay cheap.
func (s *Server) transactionsLocked(keep func(productID, connectionID, txID, date string) bool) []transactionV2 {
	var out []transactionV2
	add := func(t transactionV2) {
		if keep(t.ProductID, t.ConnectionID, t.TransactionID, t.Date) {
			t.Labels = labelsOf(s.txLabels, t.TransactionID)
			out = append(out, t)
		}
	}
	for _, c := range s.credOrder {
		if !c.outcome.hasData() {
			continue
		}
		d := s.dataLocked(c)
		if s.v2Ready(c, itTxAccount) && s.v2Ready(c, itAccount) {
			for _, t := range d.accountTxs {
				add(transactionV2{t.ID, t.AccountID, c.token, t.Amount, t.Currency, t.OperationDate, t.Description, nil})
			}
		}
		if s.v2Ready(c, itTxCard) && s.v2Ready(c, itCard) {
			for _, t := range d.cardTxs {
				add(transactionV2{t.ID, t.CardID, c.token, t.Amount, t.Currency, t.OperationDate, t.Description, nil})
			}
		}
		if s.v2Ready(c, itTxInvestment) && s.v2Ready(c, itInvestment) {
			for _, t := range d.investmentTxs {
				add(transactionV2{t.ID, t.InvestmentID, c.token, t.Amount, t.Currency, t.OperationDate, t.Description, nil})
			}
		}
		if s.v2Ready(c, itTxLiability) && s.v2Ready(c, itLiability) {
			for _, t := range d.liabilityTxs {
				add(transactionV2{t.ID, t.LiabilityID, c.token, t.Amount, t.Currency, t.OperationDate, t.Description, nil})
			}
		}
	}
	return out
}

// handleListProducts serves POST /aggregation/v2/list-products.
func (c *call) handleListProducts() {
	keys := []string{"product_id_in", "product_type_in", "connection_id_in"}
	q, tok, f, ok := c.listRequest(keys...)
	if !ok {
		return
	}
	var items []productV2
	c.s.mu.Lock()
	for _, p := range c.s.productsLocked() {
		if f["product_id_in"].ok(p.ProductID) && f["product_type_in"].ok(p.ProductType) && f["connection_id_in"].ok(p.ConnectionID) {
			items = append(items, p)
		}
	}
	c.s.mu.Unlock()
	writePage(c, "products", q.canonical(keys...), tok, items)
}

// handleListTransactions serves POST /aggregation/v2/list-transactions.
func (c *call) handleListTransactions() {
	keys := []string{"transaction_id_in", "product_id_in", "connection_id_in"}
	q, tok, f, ok := c.listRequest(keys...)
	if !ok {
		return
	}
	var from, to string
	for _, k := range []string{"date_from", "date_to"} {
		raw, present := q[k]
		if !present || string(bytes.TrimSpace(raw)) == "null" {
			continue
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			c.validation("invalid", "query."+k)
			return
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			c.validation("invalid", "query."+k)
			return
		}
		if k == "date_from" {
			from = v
		} else {
			to = v
		}
	}
	c.s.mu.Lock()
	items := c.s.transactionsLocked(func(pid, cid, tid, date string) bool {
		return f["transaction_id_in"].ok(tid) && f["product_id_in"].ok(pid) && f["connection_id_in"].ok(cid) &&
			(from == "" || date >= from) && (to == "" || date <= to)
	})
	c.s.mu.Unlock()
	writePage(c, "transactions", q.canonical(append(keys, "date_from", "date_to")...), tok, items)
}

func (c *call) setLabels(idField string, exists func(id string) bool, store map[string]map[string]string) {
	var req map[string]json.RawMessage
	if !c.decode(&req) {
		return
	}
	var id string
	if raw, ok := req[idField]; !ok || json.Unmarshal(raw, &id) != nil || id == "" {
		c.validation("missing", idField)
		return
	}
	labels := map[string]string{}
	raw, ok := req["labels"]
	if !ok {
		c.validation("missing", "labels")
		return
	}
	if string(bytes.TrimSpace(raw)) != "null" && json.Unmarshal(raw, &labels) != nil {
		c.validation("invalid", "labels")
		return
	}
	c.s.mu.Lock()
	if !exists(id) {
		c.s.mu.Unlock()
		c.validation("not_found", idField)
		return
	}
	store[id] = labels
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]bool{"success": true})
}

// handleSetProductLabels serves POST /aggregation/v2/set-product-labels;
// labels replace the product's labels.
func (c *call) handleSetProductLabels() {
	s := c.s
	c.setLabels("product_id", func(id string) bool {
		for _, p := range s.productsLocked() {
			if p.ProductID == id {
				return true
			}
		}
		return false
	}, s.productLabels)
}

// handleSetTransactionLabels serves POST /aggregation/v2/set-transaction-labels.
func (c *call) handleSetTransactionLabels() {
	s := c.s
	c.setLabels("transaction_id", func(id string) bool {
		return len(s.transactionsLocked(func(_, _, tid, _ string) bool { return tid == id })) > 0
	}, s.txLabels)
}

// ---- Report v1 ----

var reportSteps = []string{"new", "payload", "file", "ready"}

type report struct {
	id, template int64
	calls        int // get-report-status calls so far
}

func (r *report) status() string {
	i := min(r.calls, len(reportSteps)) - 1
	if i < 0 {
		return "new"
	}
	if r.template == failingTemplateID && i >= 2 {
		return "fail"
	}
	return reportSteps[i]
}

// handleListTemplates serves POST /report/v1/list-templates.
func (c *call) handleListTemplates() {
	if !c.decode(&struct{}{}) {
		return
	}
	c.writeJSON(http.StatusOK, map[string]any{"items": templates})
}

// handleBuildReport serves POST /report/v1/build-report.
func (c *call) handleBuildReport() {
	var req map[string]json.RawMessage
	if !c.decode(&req) {
		return
	}
	var templateID int64
	raw, ok := req["template_id"]
	switch {
	case !ok || string(raw) == "null":
		c.validation("missing", "template_id")
		return
	case json.Unmarshal(raw, &templateID) != nil:
		c.validation("invalid", "template_id")
		return
	}
	known := templateID == failingTemplateID
	for _, t := range templates {
		known = known || t.TemplateID == templateID
	}
	if !known {
		c.validation("not_found", "template_id")
		return
	}
	for _, k := range []string{"query", "template_attributes"} {
		raw, ok := req[k]
		var obj map[string]any
		if !ok || string(raw) == "null" {
			c.validation("missing", k)
			return
		}
		if json.Unmarshal(raw, &obj) != nil {
			c.validation("invalid", k)
			return
		}
	}
	if raw, ok := req["language"]; ok && string(raw) != "null" {
		var lang string
		if json.Unmarshal(raw, &lang) != nil || (lang != "en" && lang != "es" && lang != "fr") {
			c.validation("invalid", "language")
			return
		}
	}
	for _, k := range []string{"start_date", "end_date"} {
		if raw, ok := req[k]; ok && string(raw) != "null" {
			var v string
			if json.Unmarshal(raw, &v) != nil {
				c.validation("invalid", k)
				return
			}
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				c.validation("invalid", k)
				return
			}
		}
	}
	c.s.mu.Lock()
	c.s.reportSeq++
	r := &report{id: c.s.reportSeq, template: templateID}
	c.s.reports[r.id] = r
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]any{"report_id": r.id, "status": "new"})
}

func (c *call) reportFromBody() *report {
	var req struct {
		ReportID *int64 `json:"report_id"`
	}
	if !c.decode(&req) {
		return nil
	}
	if req.ReportID == nil {
		c.validation("missing", "report_id")
		return nil
	}
	c.s.mu.Lock()
	r := c.s.reports[*req.ReportID]
	c.s.mu.Unlock()
	if r == nil {
		c.validation("not_found", "report_id")
	}
	return r
}

// handleReportStatus serves POST /report/v1/get-report-status. Successive
// calls walk new -> payload -> file -> ready (template 999: new -> payload -> fail).
func (c *call) handleReportStatus() {
	r := c.reportFromBody()
	if r == nil {
		return
	}
	c.s.mu.Lock()
	r.calls++
	st := r.status()
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]any{"report_id": r.id, "template_id": r.template, "status": st})
}

// handleReportContent serves POST /report/v1/get-report-content.
func (c *call) handleReportContent() {
	r := c.reportFromBody()
	if r == nil {
		return
	}
	c.s.mu.Lock()
	st := r.status()
	c.s.mu.Unlock()
	switch st {
	case "ready":
		c.writeJSON(http.StatusOK, map[string]string{"url": c.s.baseURL(c.r) + "/report-files/" + strconv.FormatInt(r.id, 10) + ".pdf"})
	case "fail":
		c.validation("failed", "report_id")
	default:
		c.validation("not_ready", "report_id")
	}
}

// minimalPDF is a valid one-page PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// handleReportFile serves GET /report-files/{id}.pdf (a pre-signed URL: no token).
func (c *call) handleReportFile() {
	idText := strings.TrimSuffix(strings.TrimPrefix(c.path, "/report-files/"), ".pdf")
	id, err := strconv.ParseInt(idText, 10, 64)
	c.s.mu.Lock()
	r := c.s.reports[id]
	ready := r != nil && r.status() == "ready"
	c.s.mu.Unlock()
	if err != nil || !ready {
		http.NotFound(c.w, c.r)
		return
	}
	c.w.Header().Set("Content-Type", "application/pdf")
	_, _ = c.w.Write([]byte(minimalPDF))
}

// ---- Letters v1 ----

// handleCreateLetter serves POST /letters/v1/create-signed.
func (c *call) handleCreateLetter() {
	var req struct {
		ConnectorID string          `json:"connector_id"`
		Data        string          `json:"data"`
		Labels      json.RawMessage `json:"labels"`
		Annex       *string         `json:"annex"`
		ContactInfo json.RawMessage `json:"contact_info"`
	}
	if !c.decode(&req) {
		return
	}
	switch {
	case req.ConnectorID == "":
		c.validation("missing", "connector_id")
		return
	case req.Data == "":
		c.validation("missing", "data")
		return
	}
	if _, ok := findInstitution(req.ConnectorID); !ok {
		c.validation("not_found", "connector_id")
		return
	}
	if _, err := base64.StdEncoding.DecodeString(req.Data); err != nil {
		c.validation("invalid_base64", "data")
		return
	}
	if req.Annex != nil {
		if _, err := base64.StdEncoding.DecodeString(*req.Annex); err != nil {
			c.validation("invalid_base64", "annex")
			return
		}
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"labels", req.Labels}, {"contact_info", req.ContactInfo}} {
		var obj map[string]any
		if len(f.raw) > 0 && string(f.raw) != "null" && json.Unmarshal(f.raw, &obj) != nil {
			c.validation("invalid", f.name)
			return
		}
	}
	c.s.mu.Lock()
	id := c.s.newUUIDLocked("letter")
	c.s.letters[id] = req.ConnectorID
	c.s.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]string{"letter_id": id})
}
