package flanks

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// The Aggregation API v2 is documented only through a community client;
// its field names are the SDK's best knowledge and may grow.

// ProductType is an Aggregation v2 product's type. Values without a
// constant are kept as sent.
type ProductType string

// Product types.
const (
	ProductAccount    ProductType = "Account"
	ProductCard       ProductType = "Card"
	ProductInvestment ProductType = "Investment"
	ProductLiability  ProductType = "Liability"
)

// Product is an account, card, investment or liability in Aggregation v2.
type Product struct {
	ProductID   string      `json:"product_id"`
	ProductType ProductType `json:"product_type"`
	// ConnectionID is the connection (credentials token) the product
	// belongs to.
	ConnectionID string            `json:"connection_id"`
	Name         string            `json:"name"`
	Balance      Amount            `json:"balance"`
	Currency     string            `json:"currency"`
	IBAN         string            `json:"iban"`
	Labels       map[string]string `json:"labels"`
}

// ProductQuery filters [Client.ListProducts]. A nil slice does not filter;
// an empty non-nil slice matches nothing.
type ProductQuery struct {
	ProductIDIn    []string      `json:"product_id_in,omitzero"`
	ProductTypeIn  []ProductType `json:"product_type_in,omitzero"`
	ConnectionIDIn []string      `json:"connection_id_in,omitzero"`
}

// String describes the product with the connection id redacted.
func (p Product) String() string {
	return "flanks.Product{ProductID: " + p.ProductID + ", ProductType: " + string(p.ProductType) +
		", ConnectionID: " + secret(p.ConnectionID) + ", Name: " + p.Name + ", Balance: " + p.Balance.String() +
		", Currency: " + p.Currency + ", IBAN: " + p.IBAN + ", Labels: " + fmt.Sprint(p.Labels) + "}"
}

// GoString makes %#v as safe as %v.
func (p Product) GoString() string { return p.String() }

// LogValue makes the product safe to pass to log/slog.
func (p Product) LogValue() slog.Value {
	return slog.GroupValue(slog.String("product_id", p.ProductID), slog.String("product_type", string(p.ProductType)),
		slog.String("connection_id", secret(p.ConnectionID)), slog.String("currency", p.Currency))
}

// String describes the query with the connection ids redacted.
func (q ProductQuery) String() string {
	return "flanks.ProductQuery{ProductIDIn: " + listText(q.ProductIDIn) + ", ProductTypeIn: " + listText(q.ProductTypeIn) +
		", ConnectionIDIn: " + redactedList(q.ConnectionIDIn) + "}"
}

// GoString makes %#v as safe as %v.
func (q ProductQuery) GoString() string { return q.String() }

// LogValue makes the query safe to pass to log/slog.
func (q ProductQuery) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("product_id_in", q.ProductIDIn), slog.Any("product_type_in", q.ProductTypeIn),
		slog.String("connection_id_in", redactedList(q.ConnectionIDIn)))
}

// ListProducts iterates over products: POST /aggregation/v2/list-products
// with {"query", "page_token"}, following next_page_token. Breaking out of
// the loop stops fetching; on failure the iterator yields one (zero, err)
// pair.
func (c *Client) ListProducts(ctx context.Context, q ProductQuery) iter.Seq2[Product, error] {
	return paginate[Product](ctx, c, "ListProducts", "/aggregation/v2/list-products", q)
}

// Transaction is a movement of a product in Aggregation v2.
type Transaction struct {
	TransactionID string `json:"transaction_id"`
	ProductID     string `json:"product_id"`
	// ConnectionID is the connection (credentials token) the transaction
	// belongs to.
	ConnectionID string            `json:"connection_id"`
	Amount       Amount            `json:"amount"`
	Currency     string            `json:"currency"`
	Date         Date              `json:"date"`
	Description  string            `json:"description"`
	Labels       map[string]string `json:"labels"`
}

// TransactionQuery filters [Client.ListTransactions]. A nil slice does not
// filter; an empty non-nil slice matches nothing; zero dates are not sent.
type TransactionQuery struct {
	TransactionIDIn []string `json:"transaction_id_in,omitzero"`
	ProductIDIn     []string `json:"product_id_in,omitzero"`
	ConnectionIDIn  []string `json:"connection_id_in,omitzero"`
	// DateFrom and DateTo bound the transaction date, inclusive.
	DateFrom Date `json:"date_from,omitzero"`
	DateTo   Date `json:"date_to,omitzero"`
}

// String describes the transaction with the connection id redacted.
func (t Transaction) String() string {
	return "flanks.Transaction{TransactionID: " + t.TransactionID + ", ProductID: " + t.ProductID +
		", ConnectionID: " + secret(t.ConnectionID) + ", Amount: " + t.Amount.String() + ", Currency: " + t.Currency +
		", Date: " + t.Date.String() + ", Description: " + t.Description + ", Labels: " + fmt.Sprint(t.Labels) + "}"
}

// GoString makes %#v as safe as %v.
func (t Transaction) GoString() string { return t.String() }

// LogValue makes the transaction safe to pass to log/slog.
func (t Transaction) LogValue() slog.Value {
	return slog.GroupValue(slog.String("transaction_id", t.TransactionID), slog.String("product_id", t.ProductID),
		slog.String("connection_id", secret(t.ConnectionID)), slog.String("date", t.Date.String()))
}

// String describes the query with the connection ids redacted.
func (q TransactionQuery) String() string {
	return "flanks.TransactionQuery{TransactionIDIn: " + listText(q.TransactionIDIn) + ", ProductIDIn: " + listText(q.ProductIDIn) +
		", ConnectionIDIn: " + redactedList(q.ConnectionIDIn) + ", DateFrom: " + q.DateFrom.String() + ", DateTo: " + q.DateTo.String() + "}"
}

// GoString makes %#v as safe as %v.
func (q TransactionQuery) GoString() string { return q.String() }

// LogValue makes the query safe to pass to log/slog.
func (q TransactionQuery) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("transaction_id_in", q.TransactionIDIn), slog.Any("product_id_in", q.ProductIDIn),
		slog.String("connection_id_in", redactedList(q.ConnectionIDIn)),
		slog.String("date_from", q.DateFrom.String()), slog.String("date_to", q.DateTo.String()))
}

// ListTransactions iterates over transactions:
// POST /aggregation/v2/list-transactions with {"query", "page_token"},
// following next_page_token. Pages are fetched as the loop advances and
// dropped once yielded, so memory stays flat however long the history;
// breaking out of the loop stops fetching. On failure the iterator yields
// one (zero, err) pair.
func (c *Client) ListTransactions(ctx context.Context, q TransactionQuery) iter.Seq2[Transaction, error] {
	return paginate[Transaction](ctx, c, "ListTransactions", "/aggregation/v2/list-transactions", q)
}

// SetProductLabels replaces a product's labels:
// POST /aggregation/v2/set-product-labels with {"product_id", "labels"}.
// An unknown product gives an error matching errors.ErrBadRequest.
func (c *Client) SetProductLabels(ctx context.Context, productID string, labels map[string]string) error {
	const op = "SetProductLabels"
	if productID == "" {
		return badArg(op, "product id is empty")
	}
	return c.setLabels(ctx, op, "/aggregation/v2/set-product-labels", struct {
		ProductID string            `json:"product_id"`
		Labels    map[string]string `json:"labels"`
	}{productID, nonNilLabels(labels)})
}

// SetTransactionLabels replaces a transaction's labels:
// POST /aggregation/v2/set-transaction-labels with {"transaction_id",
// "labels"}. An unknown transaction gives an error matching
// errors.ErrBadRequest.
func (c *Client) SetTransactionLabels(ctx context.Context, transactionID string, labels map[string]string) error {
	const op = "SetTransactionLabels"
	if transactionID == "" {
		return badArg(op, "transaction id is empty")
	}
	return c.setLabels(ctx, op, "/aggregation/v2/set-transaction-labels", struct {
		TransactionID string            `json:"transaction_id"`
		Labels        map[string]string `json:"labels"`
	}{transactionID, nonNilLabels(labels)})
}

func nonNilLabels(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// setLabels sends a labels call; replacing labels is repeatable, so it is
// retried like a read.
func (c *Client) setLabels(ctx context.Context, op, path string, body any) error {
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: path, Body: body, Idempotent: true,
	}, nil)
	if err == nil {
		err = c.checkBody(resp)
	}
	return opError(op, err)
}
