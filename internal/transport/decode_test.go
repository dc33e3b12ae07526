package transport_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bankdata-go/bankdata/internal/transport"
)

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// bodyClient answers every request with status and body; with
// contentLength the response announces its length (the SDK then reads a
// small body whole before decoding it), without it the length is unknown
// (the body is decoded as it streams in). readErr, if set, fails the read
// after the body, and the announced length then claims more bytes.
func bodyClient(status int, body string, contentLength bool, readErr error) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var rd io.Reader = strings.NewReader(body)
		n := int64(-1)
		if contentLength {
			n = int64(len(body))
		}
		if readErr != nil {
			rd = io.MultiReader(rd, failingReader{readErr})
			if n >= 0 {
				n += 100
			}
		}
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(rd), ContentLength: n, Request: r}, nil
	})}
}

// TestSmallBodyDecodesLikeStream: a body read whole (Content-Length known
// and small) gives exactly the outcome of the same body decoded from the
// stream: value, error text and kind, Prefix.
func TestSmallBodyDecodesLikeStream(t *testing.T) {
	type out struct {
		RequestID string   `json:"RequestId"`
		Accounts  []string `json:"Accounts"`
	}
	reset := &netErr{syscall.ECONNRESET}
	cases := []struct {
		name    string
		status  int
		body    string
		readErr error
		list    bool // decode into []string instead of out
		wantErr bool
	}{
		{"object", 200, `{"RequestId":"r1","Accounts":["a","b"]}`, nil, false, false},
		{"trailing newline", 200, "{\"RequestId\":\"r1\"}\n", nil, false, false},
		{"data after the value", 201, `{"RequestId":"r1"} {"RequestId":"r2"}x`, nil, false, false},
		{"null", 200, `null`, nil, false, false},
		{"empty 200", 200, ``, nil, false, true},
		{"blank 200", 200, " \r\n\t", nil, false, true},
		{"empty 204", 204, ``, nil, false, false},
		{"truncated", 200, `{"RequestId":"r1","Acc`, nil, false, true},
		{"html", 200, `<html><body>502 Bad Gateway</body></html>`, nil, false, true},
		{"wrong type", 200, `{"RequestId":7}`, nil, false, true},
		{"array for an object", 200, `["a"]`, nil, false, true},
		{"error envelope for a list", 200, `{"HttpStatusCode":401,"FlinksCode":"SESSION_EXPIRED","Message":"expired"}`, nil, true, true},
		{"reset mid-body", 200, `{"RequestId":"r1","Acc`, reset, false, true},
		{"reset before the body", 200, ``, reset, false, true},
		{"reset on an empty 204", 204, ``, reset, false, true},
		{"reset after a whole value", 200, `{"RequestId":"r1"}`, reset, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := func(contentLength bool) (string, *transport.Response, error) {
				c := newClient(t, opts{base: "https://example.test", httpClient: bodyClient(tc.status, tc.body, contentLength, tc.readErr)})
				var o out
				var l []string
				var dst any = &o
				if tc.list {
					dst = &l
				}
				resp, err := c.Do(context.Background(), &transport.Request{Op: "Op", Method: http.MethodGet, Path: "x", Idempotent: true}, dst)
				return fmt.Sprintf("%+v %q", o, l), resp, err
			}
			vs, rs, es := run(false)
			vw, rw, ew := run(true)
			assert.Equal(t, vs, vw, "decoded value")
			if tc.wantErr {
				require.Error(t, es)
				require.Error(t, ew)
				assert.Equal(t, es.Error(), ew.Error())
				assert.Equal(t, fmt.Sprintf("%T", errors.Unwrap(es)), fmt.Sprintf("%T", errors.Unwrap(ew)))
			} else {
				require.NoError(t, es)
				require.NoError(t, ew)
			}
			require.Equal(t, rs == nil, rw == nil)
			if rs != nil && tc.readErr == nil {
				assert.Equal(t, string(rs.Prefix), string(rw.Prefix), "prefix")
				assert.Equal(t, rs.StatusCode, rw.StatusCode)
			}
		})
	}
}

type netErr struct{ err error }

func (e *netErr) Error() string   { return "read tcp: " + e.err.Error() }
func (e *netErr) Unwrap() error   { return e.err }
func (e *netErr) Timeout() bool   { return false }
func (e *netErr) Temporary() bool { return false }
