package flanks

import (
	"context"
	"errors"
	"hash/maphash"
	"iter"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// ErrRepeatedPageToken is yielded (wrapped in the list call's error) when
// the server hands out a next_page_token it already gave during the same
// iteration, or (Client.ListCredentials) a page that repeats the previous
// one: following it would loop forever.
var ErrRepeatedPageToken = errors.New("next_page_token repeated; stopping to avoid an endless loop")

// pageRequest is the body of every v2 list call: the same query on every
// page, plus the cursor.
type pageRequest struct {
	Query     any    `json:"query,omitempty"`
	PageToken string `json:"page_token,omitempty"`
}

// page is one v2 list answer.
type page[T any] struct {
	Items         []T     `json:"items"`
	NextPageToken *string `json:"next_page_token"`
	Success       *bool   `json:"success"`
}

// paginate walks a v2 list: POST path with {"query", "page_token"} until
// next_page_token is null, absent or empty. Each page is decoded into a
// fresh slice that is dropped once its items are yielded, so memory does
// not grow with the number of pages (only an 8-byte hash per page is kept
// to detect a token that repeats). A nil query is left out of the body
// (list calls that require one pass their query struct, which encodes as
// at least {}).
func paginate[T any](ctx context.Context, c *Client, op, path string, query any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var seed = maphash.MakeSeed()
		seen := map[uint64]struct{}{}
		body := pageRequest{Query: query}
		for {
			var out page[T]
			resp, err := c.send(ctx, &transport.Request{
				Op: op, Method: http.MethodPost, Path: path, Body: body, Idempotent: true,
			}, &out)
			if err == nil {
				err = c.scrub(c.checkSuccess(resp, out.Success), secretsOf(body)...)
			}
			if err != nil {
				yield(zero, opError(op, err))
				return
			}
			for i := range out.Items {
				if !yield(out.Items[i], nil) {
					return
				}
			}
			if out.NextPageToken == nil || *out.NextPageToken == "" {
				return
			}
			next := *out.NextPageToken
			h := maphash.String(seed, next)
			if _, dup := seen[h]; dup || next == body.PageToken {
				yield(zero, opError(op, ErrRepeatedPageToken))
				return
			}
			seen[h] = struct{}{}
			body.PageToken = next
		}
	}
}

// Collect drains a list iterator into a slice, stopping at the first error
// (returned with the items gathered so far). Use it for short lists; range
// over the iterator for long ones.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
