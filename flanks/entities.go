package flanks

import (
	"context"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// ListEntities returns the institutions Flanks can connect to:
// GET /v0/bank/available. An entity's ID is the "bank" value of
// [CreateCredentialsRequest] and of the Link URL (e.g. "testbank").
func (c *Client) ListEntities(ctx context.Context) ([]Entity, error) {
	const op = "ListEntities"
	var out []Entity
	_, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: "/v0/bank/available", Idempotent: true,
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}
