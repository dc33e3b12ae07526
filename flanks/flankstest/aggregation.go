package flankstest

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
)

// dataEndpoint is one v0 Aggregation call: the extraction item it needs and
// the data it returns.
type dataEndpoint struct {
	item   int
	single bool // identity: one object, not an array
	get    func(*dataset) any
}

var dataEndpoints = map[string]dataEndpoint{
	"/v0/bank/credentials/auth":                    {itAuth, true, func(d *dataset) any { return d.identity }},
	"/v0/bank/credentials/account":                 {itAccount, false, func(d *dataset) any { return d.accounts }},
	"/v0/bank/credentials/data":                    {itTxAccount, false, func(d *dataset) any { return d.accountTxs }},
	"/v0/bank/credentials/portfolio":               {itPortfolio, false, func(d *dataset) any { return d.portfolios }},
	"/v0/bank/credentials/investment":              {itInvestment, false, func(d *dataset) any { return d.investments }},
	"/v0/bank/credentials/investment/transaction":  {itTxInvestment, false, func(d *dataset) any { return d.investmentTxs }},
	"/v0/bank/credentials/investment/transactions": {itTxInvestment, false, func(d *dataset) any { return d.investmentTxs }},
	"/v0/bank/credentials/liability":               {itLiability, false, func(d *dataset) any { return d.liabilities }},
	"/v0/bank/credentials/liability/transaction":   {itTxLiability, false, func(d *dataset) any { return d.liabilityTxs }},
	"/v0/bank/credentials/card":                    {itCard, false, func(d *dataset) any { return d.cards }},
	"/v0/bank/credentials/card/transaction":        {itTxCard, false, func(d *dataset) any { return d.cardTxs }},
	"/v0/bank/credentials/holder":                  {itHolders, false, func(d *dataset) any { return d.holders }},
}

// handleData serves the v0 Aggregation calls. Each call touches the
// credential, then answers, in this order: 20003 (held for security checks),
// 50002 (blocked), 50003 (SCA pending), 20002 (item not extracted yet),
// 20001 (item errored; [] or {} with ignore_data_error), else the data,
// filtered by query.
func (c *call) handleData() {
	ep := dataEndpoints[c.path]
	var req struct {
		CredentialsToken string          `json:"credentials_token"`
		Query            json.RawMessage `json:"query"`
		IgnoreDataError  bool            `json:"ignore_data_error"`
	}
	if !c.decode(&req) {
		return
	}
	var query map[string]any
	if q := bytes.TrimSpace(req.Query); len(q) > 0 && !bytes.Equal(q, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(q))
		dec.UseNumber()
		if err := dec.Decode(&query); err != nil {
			c.v0Error(http.StatusBadRequest, "Invalid query", codeConfiguration)
			return
		}
	}
	s := c.s
	s.mu.Lock()
	cr := c.lookup(req.CredentialsToken)
	if cr == nil {
		s.mu.Unlock()
		return
	}
	s.touchLocked(cr)
	status, msg, code := 0, "", 0
	switch {
	case cr.outcome == outcomeSecurityChecks:
		status, msg, code = 400, "Making security checks. Your account will be activated in 24-48 hours.", codeScaError
	case cr.done && cr.outcome.blocked():
		status, msg, code = 400, "Incorrect bank credentials", codeCredentials
		switch cr.outcome {
		case outcomeUserInteraction:
			msg = "User interaction needed at the bank"
		case outcomeSCANotAllowed:
			msg = "SCA type not allowed"
		}
	case cr.done && cr.outcome == outcomeSCA:
		status, msg, code = 400, "Bank requires SCA authorization in order to connect", codeScaRequired
	case !s.created(cr, ep.item):
		status, msg, code = 400, "Retrieving user data. Please try again in a moment.", codeProcessing
	case s.errored(cr, ep.item) && !req.IgnoreDataError:
		status, msg, code = 400, "User data not available. Please try again later.", codeIncomplete
	}
	if status != 0 {
		s.mu.Unlock()
		c.v0Error(status, msg, code)
		return
	}
	if s.errored(cr, ep.item) {
		s.mu.Unlock()
		if ep.single {
			c.writeRaw(http.StatusOK, []byte("{}"))
		} else {
			c.writeRaw(http.StatusOK, []byte("[]"))
		}
		return
	}
	d := s.dataLocked(cr)
	body, ok := d.encoded[c.path]
	if !ok {
		var err error
		body, err = json.Marshal(ep.get(d))
		if err != nil {
			s.mu.Unlock()
			c.legacyError(http.StatusInternalServerError, "Internal Error")
			return
		}
		if string(body) == "null" {
			body = []byte("[]")
		}
		d.encoded[c.path] = body
	}
	s.mu.Unlock()
	if len(query) > 0 && !ep.single {
		body = filterArray(body, query)
	}
	c.writeRaw(http.StatusOK, body)
}

// filterArray keeps the elements of a JSON array that match query: each key
// names a field; an array value matches any of its elements (an empty array
// matches nothing), a scalar must be equal; a key ending in "_in" also
// matches the field without the suffix; date_from / date_to bound
// operationDate (or date) inclusively. An element lacking the field does not
// match.
func filterArray(body []byte, query map[string]any) []byte {
	var elems []json.RawMessage
	if json.Unmarshal(body, &elems) != nil {
		return body
	}
	var out bytes.Buffer
	out.WriteByte('[')
	n := 0
	for _, e := range elems {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(e))
		dec.UseNumber()
		if dec.Decode(&m) != nil || !matches(m, query) {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.Write(e)
		n++
	}
	out.WriteByte(']')
	return out.Bytes()
}

func matches(item, query map[string]any) bool {
	for key, want := range query {
		if key == "date_from" || key == "date_to" {
			d, _ := item["operationDate"].(string)
			if d == "" {
				d, _ = item["date"].(string)
			}
			bound, _ := want.(string)
			if d == "" || (key == "date_from" && d < bound) || (key == "date_to" && d > bound) {
				return false
			}
			continue
		}
		got, ok := item[key]
		if !ok && strings.HasSuffix(key, "_in") {
			got, ok = item[strings.TrimSuffix(key, "_in")]
		}
		if !ok {
			return false
		}
		switch w := want.(type) {
		case []any:
			hit := false
			for _, x := range w {
				if jsonEqual(got, x) {
					hit = true
					break
				}
			}
			if !hit {
				return false
			}
		case map[string]any:
			// nested objects are not filters; ignore
		default:
			if !jsonEqual(got, w) {
				return false
			}
		}
	}
	return true
}

// jsonEqual compares decoded JSON scalars; numbers compare by value
// ("12" equals "12.0"), and a number matches its string form.
func jsonEqual(a, b any) bool {
	as, aok := scalarText(a)
	bs, bok := scalarText(b)
	if !aok || !bok {
		return false
	}
	if as == bs {
		return true
	}
	ar, ok1 := new(big.Rat).SetString(as)
	br, ok2 := new(big.Rat).SetString(bs)
	return ok1 && ok2 && ar.Cmp(br) == 0
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case nil:
		return "null", true
	}
	return "", false
}
