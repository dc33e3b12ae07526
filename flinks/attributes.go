package flinks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// Attribute packages (Enrich / Insight). Each needs a fresh cached
// Authorize and a completed GetAccountsDetail on the same RequestID, called
// within 8 minutes; until GetAccountsDetail is done Flinks answers 202
// OPERATION_PENDING, which the attribute methods wait through like the data
// calls (they repeat the same request every poll interval).

// AttributesRequest identifies the data an attributes package is computed
// from.
type AttributesRequest struct {
	// LoginID is the login (card) the data belongs to (required).
	LoginID string
	// RequestID is the RequestId of the cached Authorize whose
	// GetAccountsDetail completed (required).
	RequestID string
}

func (r AttributesRequest) validate() error {
	if err := requireID("LoginID", r.LoginID); err != nil {
		return err
	}
	return requireID("RequestID", r.RequestID)
}

// String describes the request with the LoginID redacted.
func (r AttributesRequest) String() string {
	return "flinks.AttributesRequest{LoginID: " + redactedIf(r.LoginID) + ", RequestID: " + strconv.Quote(r.RequestID) + "}"
}

// GoString makes %#v as safe as %v.
func (r AttributesRequest) GoString() string { return r.String() }

// LogValue implements slog.LogValuer without the LoginID.
func (r AttributesRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("login_id_set", r.LoginID != ""), slog.String("request_id", r.RequestID))
}

func (r AttributesRequest) path(op string) string {
	p := "insight/login/" + transport.PathEscape(r.LoginID) + "/attributes/" + transport.PathEscape(r.RequestID)
	if op != "" {
		p += "/" + op
	}
	return p
}

// AttributeLevel is the level attributes are computed at; Flinks supports
// only [LevelCard].
type AttributeLevel string

// LevelCard is the only documented attribute level.
const LevelCard AttributeLevel = "Card"

// CustomAttributesRequest is the body of the custom /Attributes endpoint.
type CustomAttributesRequest struct {
	// LoginID and RequestID are as in [AttributesRequest] (required).
	LoginID   string
	RequestID string
	// Attributes are the card-level attribute names to compute (required).
	Attributes []string
	// AccountCategories restricts the transactions used (Flinks supports
	// only [CategoryOperations]). Sent as Filters.accountCategory.
	AccountCategories []Category
	// AccountIDs restricts the transactions to these accounts (ids from
	// GetAccountsDetail). Sent as AccountFilter.AccountID.
	AccountIDs []string
	// Detail lists attributes (each also in Attributes) whose underlying
	// transactions are returned. Sent as AttributesDetail: {"Card": [...]}.
	Detail []string
	// LimitDays limits the history used to the last 1–365 days; 0 means no
	// limit. Sent as limitDays.
	LimitDays int
}

type accountCategoryFilter struct {
	AccountCategory []Category `json:"accountCategory"`
}

type accountIDFilter struct {
	AccountID []string `json:"AccountID"`
}

type customAttributesWire struct {
	Attributes       map[AttributeLevel][]string `json:"Attributes"`
	Filters          *accountCategoryFilter      `json:"Filters,omitempty"`
	AccountFilter    *accountIDFilter            `json:"AccountFilter,omitempty"`
	AttributesDetail map[AttributeLevel][]string `json:"AttributesDetail,omitempty"`
	LimitDays        int                         `json:"limitDays,omitempty"`
}

// String describes the request with the LoginID redacted.
func (r CustomAttributesRequest) String() string {
	return "flinks.CustomAttributesRequest{LoginID: " + redactedIf(r.LoginID) + ", RequestID: " + strconv.Quote(r.RequestID) +
		", Attributes: " + fmt.Sprint(r.Attributes) + ", AccountCategories: " + fmt.Sprint(r.AccountCategories) +
		", AccountIDs: " + fmt.Sprint(r.AccountIDs) + ", Detail: " + fmt.Sprint(r.Detail) +
		", LimitDays: " + strconv.Itoa(r.LimitDays) + "}"
}

// GoString makes %#v as safe as %v.
func (r CustomAttributesRequest) GoString() string { return r.String() }

// LogValue implements slog.LogValuer without the LoginID.
func (r CustomAttributesRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("login_id_set", r.LoginID != ""), slog.String("request_id", r.RequestID),
		slog.Any("attributes", r.Attributes), slog.Int("limit_days", r.LimitDays))
}

func (r CustomAttributesRequest) validate() error {
	if err := (AttributesRequest{r.LoginID, r.RequestID}).validate(); err != nil {
		return err
	}
	if len(r.Attributes) == 0 {
		return &argError{msg: "at least one attribute is required"}
	}
	if r.LimitDays < 0 || r.LimitDays > 365 {
		return &argError{msg: "LimitDays must be between 1 and 365 (0 for none)"}
	}
	for _, d := range r.Detail {
		found := false
		for _, a := range r.Attributes {
			found = found || strings.EqualFold(a, d)
		}
		if !found {
			return &argError{msg: "every Detail attribute must also be in Attributes"}
		}
	}
	return nil
}

func (r CustomAttributesRequest) wire() customAttributesWire {
	w := customAttributesWire{
		Attributes: map[AttributeLevel][]string{LevelCard: r.Attributes},
		LimitDays:  r.LimitDays,
	}
	if len(r.AccountCategories) > 0 {
		w.Filters = &accountCategoryFilter{AccountCategory: r.AccountCategories}
	}
	if len(r.AccountIDs) > 0 {
		w.AccountFilter = &accountIDFilter{AccountID: r.AccountIDs}
	}
	if len(r.Detail) > 0 {
		w.AttributesDetail = map[AttributeLevel][]string{LevelCard: r.Detail}
	}
	return w
}

// AttributeValue is the value of one attribute: usually a number, but kept
// as the raw JSON so nothing is lost. Use [AttributeValue.Amount] for
// numbers.
type AttributeValue struct {
	raw json.RawMessage
}

// UnmarshalJSON keeps a copy of the raw JSON.
func (v *AttributeValue) UnmarshalJSON(b []byte) error {
	v.raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the value as received.
func (v AttributeValue) MarshalJSON() ([]byte, error) {
	if len(v.raw) == 0 {
		return []byte("null"), nil
	}
	return v.raw, nil
}

// Raw returns the value's JSON.
func (v AttributeValue) Raw() json.RawMessage { return v.raw }

// IsNull reports whether the value is null or absent.
func (v AttributeValue) IsNull() bool {
	return len(v.raw) == 0 || string(bytes.TrimSpace(v.raw)) == "null"
}

// Amount returns a numeric value (or a quoted number) as an exact
// [Amount]; ok is false for null and for anything else.
func (v AttributeValue) Amount() (a Amount, ok bool) {
	if v.IsNull() {
		return Amount{}, false
	}
	if err := json.Unmarshal(v.raw, &a); err != nil || !a.Valid() {
		return Amount{}, false
	}
	return a, true
}

// Bool returns a boolean value; ok is false for anything else.
func (v AttributeValue) Bool() (b, ok bool) {
	switch string(bytes.TrimSpace(v.raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// String returns a string value as is, and any other value as its JSON
// text ("" for null).
func (v AttributeValue) String() string {
	if v.IsNull() {
		return ""
	}
	raw := bytes.TrimSpace(v.raw)
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// AttributeTransaction is a transaction behind an attribute value.
type AttributeTransaction struct {
	TransactionID string `json:"TransactionId"`
	AccountID     string `json:"AccountId"`
	// Date is sent as "2021/01/08".
	Date        Date   `json:"Date"`
	Description string `json:"Description"`
	Debit       Amount `json:"Debit"`
	Credit      Amount `json:"Credit"`
	Balance     Amount `json:"Balance"`
}

// AttributeDetail lists the transactions behind one attribute.
type AttributeDetail struct {
	Attribute    string                 `json:"Attribute"`
	Transactions []AttributeTransaction `json:"Transactions"`
}

// AttributeCard is the card-level result: the login id, each attribute's
// value, and the detail asked for.
type AttributeCard struct {
	// ID is the LoginId.
	ID string
	// Values maps each attribute name to its value.
	Values map[string]AttributeValue
	// Details are the transactions behind the attributes asked for in
	// CustomAttributesRequest.Detail.
	Details []AttributeDetail
}

// Amount returns the named attribute as an exact amount; ok is false when
// it is absent, null or not a number.
func (c AttributeCard) Amount(name string) (a Amount, ok bool) {
	v, found := c.Values[name]
	if !found {
		return Amount{}, false
	}
	return v.Amount()
}

// isDetailKey matches the spellings the docs use for the detail list.
func isDetailKey(k string) bool {
	switch strings.ToLower(k) {
	case "attributesdetail", "attributedetails", "attributesdetails", "attributedetail":
		return true
	}
	return false
}

// UnmarshalJSON splits the Card object into ID, Values and Details.
func (c *AttributeCard) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = AttributeCard{Values: make(map[string]AttributeValue, len(m))}
	for k, raw := range m {
		switch {
		case strings.EqualFold(k, "Id"):
			c.ID = rawText(raw)
		case isDetailKey(k):
			d, err := parseDetails(raw)
			if err != nil {
				return err
			}
			c.Details = append(c.Details, d...)
		default:
			c.Values[k] = AttributeValue{raw: append(json.RawMessage(nil), raw...)}
		}
	}
	return nil
}

// MarshalJSON writes the Card object the way Flinks sends it — "Id", each
// attribute under its name, and "AttributesDetail" when there are details
// — so that an encoded result decodes back to the same value.
func (c AttributeCard) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(c.Values)+2)
	for k, v := range c.Values {
		m[k] = v
	}
	m["Id"] = c.ID
	if len(c.Details) > 0 {
		m["AttributesDetail"] = c.Details
	}
	return json.Marshal(m)
}

// parseDetails accepts a list of {Attribute, Transactions}, one such object,
// or an object keyed by attribute name with a transaction list each.
func parseDetails(raw json.RawMessage) ([]AttributeDetail, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch raw[0] {
	case '[':
		var list []AttributeDetail
		err := json.Unmarshal(raw, &list)
		return list, err
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		for k := range m {
			if strings.EqualFold(k, "Attribute") || strings.EqualFold(k, "Transactions") {
				var one AttributeDetail
				err := json.Unmarshal(raw, &one)
				return []AttributeDetail{one}, err
			}
		}
		var out []AttributeDetail
		for k, v := range m {
			var txs []AttributeTransaction
			if err := json.Unmarshal(v, &txs); err != nil {
				return nil, err
			}
			out = append(out, AttributeDetail{Attribute: k, Transactions: txs})
		}
		return out, nil
	}
	return nil, errors.New("flinks: attributes detail is neither a list nor an object")
}

// Attributes is the answer of the attributes endpoints.
type Attributes struct {
	HTTPStatusCode int `json:"HttpStatusCode"`
	// Card holds the attribute values.
	Card      AttributeCard `json:"Card"`
	Login     *Login        `json:"Login"`
	RequestID string        `json:"RequestId"`
	// FlinksCode and Message are set when the body carries them.
	FlinksCode string `json:"FlinksCode"`
	Message    string `json:"Message"`
}

// UnmarshalJSON decodes the answer; a detail list found next to Card
// (some pages show "AttributeDetails" at the top level) is added to
// Card.Details.
func (a *Attributes) UnmarshalJSON(b []byte) error {
	var aux struct {
		HTTPStatusCode int             `json:"HttpStatusCode"`
		Card           json.RawMessage `json:"Card"`
		Login          *Login          `json:"Login"`
		RequestID      string          `json:"RequestId"`
		FlinksCode     string          `json:"FlinksCode"`
		Message        string          `json:"Message"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*a = Attributes{HTTPStatusCode: aux.HTTPStatusCode, Login: aux.Login, RequestID: aux.RequestID,
		FlinksCode: aux.FlinksCode, Message: aux.Message}
	if c := bytes.TrimSpace(aux.Card); len(c) > 0 && string(c) != "null" {
		if err := json.Unmarshal(c, &a.Card); err != nil {
			return err
		}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err == nil {
		for k, raw := range top {
			if isDetailKey(k) {
				d, err := parseDetails(raw)
				if err != nil {
					return err
				}
				a.Card.Details = append(a.Card.Details, d...)
			}
		}
	}
	return nil
}

func (a *Attributes) envelope() envelope {
	return envelope{a.HTTPStatusCode, a.FlinksCode, a.Message, a.RequestID}
}

// getAttributes sends one attributes request and waits through 202s by
// repeating it.
func (c *Client) getAttributes(ctx context.Context, op string, r *transport.Request, loginID string, opts []CallOption) (*Attributes, error) {
	defer c.track(loginID)()
	once := func(ctx context.Context) (*Attributes, error) {
		return fetch[Attributes](ctx, c, r, loginID)
	}
	return wait(ctx, c, op, op, newCallConfig(opts), once, once)
}

func (c *Client) attributePackage(ctx context.Context, op string, req AttributesRequest, opts []CallOption) (*Attributes, error) {
	if err := req.validate(); err != nil {
		return nil, c.opErr(op, err)
	}
	return c.getAttributes(ctx, op, &transport.Request{
		Op: op, Method: http.MethodGet, Path: req.path(op), Header: c.dataHeader(), Idempotent: true,
	}, req.LoginID, opts)
}

// GetIncomeAttributes computes the Income package (total, employment and
// government income): GET
// /v3/{customerID}/insight/login/{loginId}/attributes/{requestId}/GetIncomeAttributes
// with x-api-key. It waits through 202 OPERATION_PENDING (pass [NoWait] not
// to). Notable errors: errors.ErrSessionInvalid (SESSION_NONEXISTENT, or
// SESSION_EXPIRED more than 8 minutes after GetAccountsDetail),
// errors.ErrNoTransaction, errors.ErrInvalidRequest, errors.ErrRetryLater
// (the calculation failed).
func (c *Client) GetIncomeAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetIncomeAttributes", req, opts)
}

// GetCreditRiskAttributes computes the Credit Risk package: GET
// .../insight/login/{loginId}/attributes/{requestId}/GetCreditRiskAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetCreditRiskAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetCreditRiskAttributes", req, opts)
}

// GetUserAnalysisAttributes computes the User Analysis package (income,
// credit risk and fraudulent/primary account detection): GET
// .../insight/login/{loginId}/attributes/{requestId}/GetUserAnalysisAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetUserAnalysisAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetUserAnalysisAttributes", req, opts)
}

// GetLendingAttributes computes the Lending package: GET
// .../insight/login/{loginId}/attributes/{requestId}/GetLendingAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetLendingAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetLendingAttributes", req, opts)
}

// GetAllAttributes computes every consumer attribute (full-library
// subscriptions only): GET
// .../insight/login/{loginId}/attributes/{requestId}/GetAllAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetAllAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetAllAttributes", req, opts)
}

// GetBusinessAnalysisAttributes computes the Business Analysis package:
// GET .../insight/login/{loginId}/attributes/{requestId}/GetBusinessAnalysisAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetBusinessAnalysisAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetBusinessAnalysisAttributes", req, opts)
}

// GetAllBusinessAttributes computes every business attribute: GET
// .../insight/login/{loginId}/attributes/{requestId}/GetAllBusinessAttributes.
// Waiting and errors as [Client.GetIncomeAttributes].
func (c *Client) GetAllBusinessAttributes(ctx context.Context, req AttributesRequest, opts ...CallOption) (*Attributes, error) {
	return c.attributePackage(ctx, "GetAllBusinessAttributes", req, opts)
}

// GetAttributes computes a custom list of attributes (full-library
// subscriptions only): POST
// /v3/{customerID}/insight/login/{loginId}/attributes/{requestId} with
// x-api-key. It only reads, so it is retried like the other reads, and it
// waits through 202 like [Client.GetIncomeAttributes]. Notable errors:
// errors.ErrInvalidRequest (unknown attribute, unsupported filter, invalid
// AccountID), errors.ErrSessionInvalid, [ErrInvalidArgument] for a request
// without ids or attributes, LimitDays outside 0–365, or a Detail
// attribute missing from Attributes.
func (c *Client) GetAttributes(ctx context.Context, req CustomAttributesRequest, opts ...CallOption) (*Attributes, error) {
	const op = "Attributes"
	if err := req.validate(); err != nil {
		return nil, c.opErr(op, err)
	}
	return c.getAttributes(ctx, op, &transport.Request{
		Op: op, Method: http.MethodPost, Path: AttributesRequest{req.LoginID, req.RequestID}.path(""),
		Header: c.dataHeader(), Body: req.wire(), Idempotent: true,
	}, req.LoginID, opts)
}
