package flanks

import (
	"context"
	"iter"
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
