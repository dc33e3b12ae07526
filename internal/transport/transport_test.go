package transport_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

const (
	customerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	secretHdr  = "s3cr3t-header-value-9f8e7d6c5b4a"
)

type opts struct {
	base       string
	retries    int
	waitMin    time.Duration
	waitMax    time.Duration
	logger     *slog.Logger
	httpClient *http.Client
	decode     func(int, []byte) error
	provider   string
}

func newClient(t *testing.T, o opts) *transport.Client {
	t.Helper()
	u, err := url.Parse(o.base)
	require.NoError(t, err)
	if o.decode == nil {
		o.decode = sdkerrors.DecodeFlinks
		o.provider = "flinks"
	}
	if o.waitMin == 0 {
		o.waitMin = time.Millisecond
	}
	if o.waitMax == 0 {
		o.waitMax = 5 * time.Millisecond
	}
	c, err := transport.New(transport.Config{Provider: o.provider, BaseURL: u, HTTPClient: o.httpClient,
		Logger: o.logger, MaxRetries: o.retries, RetryWaitMin: o.waitMin, RetryWaitMax: o.waitMax, Decode: o.decode})
	require.NoError(t, err)
	return c
}

// gockClient returns an http.Client intercepted by gock, restored at cleanup.
func gockClient(t *testing.T) *http.Client {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{}}
	gock.Intercept()
	gock.InterceptClient(hc)
	t.Cleanup(func() {
		gock.RestoreClient(hc)
		gock.OffAll()
	})
	return hc
}

// handlerClient serves requests in memory (no sockets), so tests can run
// inside a synctest bubble where only the fake clock advances.
func handlerClient(h http.Handler) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func anchored(p string) string { return "^" + regexp.QuoteMeta(p) + "$" }

func dataPath(op string) string { return "/api-prefix/v3/" + customerID + "/BankingServices/" + op }

func TestGockReadRetriedOn5xxThenSucceeds(t *testing.T) {
	hc := gockClient(t)
	gock.New("https://toolbox-api.private.fin.ag").Post(anchored(dataPath("GetAccountsDetail"))).
		Reply(503).BodyString(`<html>busy</html>`)
	gock.New("https://toolbox-api.private.fin.ag").Post(anchored(dataPath("GetAccountsDetail"))).
		Reply(429)
	gock.New("https://toolbox-api.private.fin.ag").Post(anchored(dataPath("GetAccountsDetail"))).
		Reply(200).JSON(map[string]any{"HttpStatusCode": 200, "RequestId": "r1"})
	c := newClient(t, opts{base: "https://toolbox-api.private.fin.ag/api-prefix", retries: 3, httpClient: hc})
	var out struct {
		RequestID string `json:"RequestId"`
	}
	resp, err := c.Do(context.Background(), &transport.Request{Op: "GetAccountsDetail", Method: "POST",
		Path: "v3/" + customerID + "/BankingServices/GetAccountsDetail", Body: map[string]string{"RequestId": "r1"}, Idempotent: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, "r1", out.RequestID)
	assert.Equal(t, 3, resp.Attempts)
	assert.True(t, gock.IsDone())
	assert.False(t, gock.HasUnmatchedRequest())
}

func TestGockNonIdempotentSentOnce(t *testing.T) {
	for _, status := range []int{500, 502, 503, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hc := gockClient(t)
			gock.New("https://toolbox-api.private.fin.ag").Post(anchored("/v3/" + customerID + "/BankingServices/Authorize")).
				Times(1).Reply(status).JSON(map[string]any{"HttpStatusCode": status, "Message": "boom"})
			c := newClient(t, opts{base: "https://toolbox-api.private.fin.ag", retries: 3, httpClient: hc})
			_, err := c.Do(context.Background(), &transport.Request{Op: "Authorize", Method: "POST",
				Path: "v3/" + customerID + "/BankingServices/Authorize", Body: map[string]string{}, Idempotent: false}, nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, sdkerrors.ErrTemporary)
			assert.True(t, gock.IsDone())
			assert.False(t, gock.HasUnmatchedRequest(), "a second attempt was sent")
		})
	}
}

func TestGockTerminalCodeNeverRetried(t *testing.T) {
	cases := []struct {
		status int
		body   string
		decode func(int, []byte) error
		want   error
	}{
		{401, `{"FlinksCode":"INVALID_LOGIN"}`, sdkerrors.DecodeFlinks, sdkerrors.ErrInvalidLogin},
		{401, `{"FlinksCode":"DISABLED_LOGIN"}`, sdkerrors.DecodeFlinks, sdkerrors.ErrDisabledLogin},
		{501, `{"FlinksCode":"METHOD_NOT_AVAILABLE"}`, sdkerrors.DecodeFlinks, sdkerrors.ErrMethodNotAvailable},
		{500, `{"error":"Incorrect bank credentials","error_code":50002}`, sdkerrors.DecodeFlanks, sdkerrors.ErrCredentialsError},
		{400, `{"error":"Missing fields: code","error_code":40001}`, sdkerrors.DecodeFlanks, sdkerrors.ErrConfigurationError},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			hc := gockClient(t)
			gock.New("https://api.flanks.io").Post(anchored("/v0/bank/credentials/portfolio")).Times(1).
				Reply(tc.status).BodyString(tc.body)
			c := newClient(t, opts{base: "https://api.flanks.io", retries: 3, httpClient: hc, decode: tc.decode, provider: "x"})
			_, err := c.Do(context.Background(), &transport.Request{Op: "GetPortfolios", Method: "POST",
				Path: "/v0/bank/credentials/portfolio", Body: map[string]string{}, Idempotent: true}, nil)
			assert.ErrorIs(t, err, tc.want)
			assert.False(t, gock.HasUnmatchedRequest(), "retried a terminal code")
		})
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int32
		hc := handlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(429)
				return
			}
			io.WriteString(w, `{}`)
		}))
		c := newClient(t, opts{base: "http://fake", httpClient: hc, retries: 2, waitMin: time.Millisecond, waitMax: 10 * time.Second})
		start := time.Now()
		_, err := c.Do(context.Background(), &transport.Request{Op: "Read", Method: "GET", Path: "/x", Idempotent: true}, nil)
		require.NoError(t, err)
		assert.Equal(t, int32(2), n.Load())
		assert.GreaterOrEqual(t, time.Since(start), 7*time.Second, "Retry-After not honoured")
		assert.Less(t, time.Since(start), 8*time.Second)
	})
}

func TestRetryAfterBeyondMaxReturnsAtOnce(t *testing.T) {
	for _, ra := range []string{"31536000", time.Now().Add(365 * 24 * time.Hour).UTC().Format(http.TimeFormat)} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", ra)
			w.WriteHeader(503)
		}))
		c := newClient(t, opts{base: srv.URL, retries: 5, waitMax: time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		_, err := c.Do(ctx, &transport.Request{Op: "Read", Method: "GET", Path: "/x", Idempotent: true}, nil)
		cancel()
		srv.Close()
		require.Error(t, err)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Equal(t, int32(1), n.Load())
		var api *sdkerrors.APIError
		require.ErrorAs(t, err, &api)
		assert.Greater(t, api.RetryAfter, 300*24*time.Hour)
		assert.ErrorIs(t, err, sdkerrors.ErrTemporary)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc := handlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
		c := newClient(t, opts{base: "http://fake", httpClient: hc, retries: 5, waitMin: time.Hour, waitMax: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(time.Minute) // fake clock inside the bubble
			cancel()
		}()
		start := time.Now()
		_, err := c.Do(ctx, &transport.Request{Op: "GetAccountsDetail", Method: "POST", Path: "/x", Idempotent: true}, nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "flinks GetAccountsDetail")
		assert.Equal(t, time.Minute, time.Since(start))
	})
}

// resetServer accepts a request, then drops the connection: after reading the
// request (before any response), or mid-body.
func resetServer(t *testing.T, midBody bool, hits *atomic.Int32) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				buf := make([]byte, 4096)
				_, _ = conn.Read(buf)
				hits.Add(1)
				if midBody {
					io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"Accounts\":[{\"Id\":\"a")
				}
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
			}(conn)
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestResetBeforeResponse(t *testing.T) {
	for _, idem := range []bool{true, false} {
		var hits atomic.Int32
		base := resetServer(t, false, &hits)
		c := newClient(t, opts{base: base, retries: 2})
		_, err := c.Do(context.Background(), &transport.Request{Op: "Authorize", Method: "POST", Path: "/v3/" + customerID + "/x",
			Body: map[string]string{"a": "b"}, Idempotent: idem}, nil)
		require.Error(t, err)
		assert.True(t, sdkerrors.IsNetworkError(err) || sdkerrors.Is(err, sdkerrors.ErrTemporary), "%v", err)
		assert.NotContains(t, err.Error(), customerID)
		assert.NotContains(t, err.Error(), base)
		if idem {
			assert.Equal(t, int32(3), hits.Load(), "reads are retried on a reset")
		} else {
			assert.Equal(t, int32(1), hits.Load(), "a call that reached the server must not be repeated")
		}
	}
}

func TestResetMidBody(t *testing.T) {
	var hits atomic.Int32
	base := resetServer(t, true, &hits)
	c := newClient(t, opts{base: base})
	var out map[string]any
	_, err := c.Do(context.Background(), &transport.Request{Op: "GetAccountsDetail", Method: "POST", Path: "/x", Idempotent: true}, &out)
	require.Error(t, err)
	var ne *sdkerrors.NetworkError
	assert.ErrorAs(t, err, &ne)
	assert.True(t, sdkerrors.IsRetryable(err))
	assert.NotErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
	assert.True(t, strings.HasPrefix(err.Error(), "flinks GetAccountsDetail: read: network error: "), err.Error())
}

func TestBodyShorterThanContentLength(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		io.WriteString(w, `{"Accounts":[{"Id":"a"`)
	}))
	defer srv.Close()
	c := newClient(t, opts{base: srv.URL})
	var out map[string]any
	_, err := c.Do(context.Background(), &transport.Request{Op: "GetAccountsDetail", Method: "POST", Path: "/x", Idempotent: true}, &out)
	var ne *sdkerrors.NetworkError
	require.ErrorAs(t, err, &ne, "%v", err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestUndecodableJSONIsNotQuoted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"Accounts":[{"Holder":{"Name":"Jane Private Doe"}},`)
	}))
	defer srv.Close()
	c := newClient(t, opts{base: srv.URL})
	var out map[string]any
	_, err := c.Do(context.Background(), &transport.Request{Op: "GetAccountsDetail", Method: "POST", Path: "/x", Idempotent: true}, &out)
	assert.ErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
	assert.NotContains(t, err.Error(), "Jane")
}

func TestConnectionRefusedNonIdempotentRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	c := newClient(t, opts{base: "http://" + addr, retries: 2, logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	_, err = c.Do(context.Background(), &transport.Request{Op: "Authorize", Method: "POST", Path: "/v3/" + customerID + "/BankingServices/Authorize", Idempotent: false}, nil)
	require.Error(t, err)
	assert.Equal(t, 2, strings.Count(logs.String(), "bankdata retrying"), logs.String())
	var ne *net.OpError
	assert.ErrorAs(t, err, &ne)
	assert.NotContains(t, err.Error(), customerID)
	assert.NotContains(t, logs.String(), customerID)
}

func TestSuccessBodyProblems(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   []error
	}{
		{"truncated", 200, `{"Accounts":[{"Id":"x"`, []error{sdkerrors.ErrUnexpectedResponse}},
		{"empty 200", 200, ``, []error{sdkerrors.ErrUnexpectedResponse}},
		{"html 200", 200, `<html>login</html>`, []error{sdkerrors.ErrUnexpectedResponse}},
		{"error code in 200", 200, `{"HttpStatusCode":401,"FlinksCode":"INVALID_LOGIN","Accounts":"nope"}`, []error{sdkerrors.ErrInvalidLogin}},
		{"html 502", 502, `<html>bad gateway</html>`, []error{sdkerrors.ErrTemporary, sdkerrors.ErrUnexpectedResponse}},
		{"wrong type", 200, `{"Accounts":"x"}`, []error{sdkerrors.ErrUnexpectedResponse}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := newClient(t, opts{base: srv.URL})
			var out struct {
				Accounts []struct {
					ID string `json:"Id"`
				}
			}
			_, err := c.Do(context.Background(), &transport.Request{Op: "Op", Method: "GET", Path: "/x", Idempotent: true}, &out)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			var api *sdkerrors.APIError
			assert.ErrorAs(t, err, &api)
		})
	}
}

func TestHugeErrorBodyIsCapped(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for i := 0; i < 300*16; i++ { // 300 MB
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, opts{base: srv.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &transport.Request{Op: "Op", Method: "GET", Path: "/x", Idempotent: true}, nil)
	var api *sdkerrors.APIError
	require.ErrorAs(t, err, &api)
	assert.LessOrEqual(t, len(api.Body), sdkerrors.MaxBodySize)
	assert.Less(t, written.Load(), int64(50<<20), "client kept reading a huge error body")
}

func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("flinks-auth-key") != secretHdr {
			t.Errorf("header not sent")
		}
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"FlinksCode":"INVALID_LOGIN","Message":"LoginId %s invalid","RequestId":"%s"}`, customerID, customerID)
	}))
	defer srv.Close()
	c := newClient(t, opts{base: srv.URL + "/pfx", logger: logger, retries: 2})
	_, err := c.Do(context.Background(), &transport.Request{Op: "Authorize", Method: "POST",
		Path: "v3/" + customerID + "/BankingServices/Authorize", Query: url.Values{"token": {secretHdr}},
		Header: http.Header{"flinks-auth-key": {secretHdr}}, Body: map[string]string{"Password": secretHdr}}, nil)
	require.Error(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), logs.String()} {
		assert.NotContains(t, s, customerID)
		assert.NotContains(t, s, secretHdr)
		assert.NotContains(t, s, srv.URL)
		assert.NotContains(t, s, "127.0.0.1")
	}
	assert.Contains(t, logs.String(), `"op":"Authorize"`)
	assert.Contains(t, logs.String(), `"code":"INVALID_LOGIN"`)
}

func TestBackoffBounds(t *testing.T) {
	for n := 0; n < 40; n++ {
		d := transport.Backoff(100*time.Millisecond, 2*time.Second, n)
		assert.GreaterOrEqual(t, d, 50*time.Millisecond)
		assert.LessOrEqual(t, d, 2*time.Second)
	}
}

func TestBadConfig(t *testing.T) {
	_, err := transport.New(transport.Config{Provider: "flinks"})
	assert.Error(t, err)
}

// A body the caller does not decode (out == nil) is still read: a failure
// to read it is reported, not hidden behind a success or an "unexpected
// body" built from a prefix cut short.
func TestUndecodedBodyReadFailureReported(t *testing.T) {
	var hits atomic.Int32
	base := resetServer(t, true, &hits)
	c := newClient(t, opts{base: base})
	resp, err := c.Do(context.Background(), &transport.Request{Op: "DeleteCard", Method: "DELETE", Path: "/x", Idempotent: true}, nil)
	var ne *sdkerrors.NetworkError
	require.ErrorAs(t, err, &ne, "%v", err)
	assert.Equal(t, "read", ne.Op)
	assert.NotErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
	require.NotNil(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
}

// A body labelled Content-Encoding: gzip that is not gzip is a bad answer
// (ErrUnexpectedResponse), not a network failure worth retrying.
func TestGzipLabelledBodyThatIsNotGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, `{"Accounts":[{"Id":"a"}]}`)
	}))
	defer srv.Close()
	c := newClient(t, opts{base: srv.URL})
	for _, decode := range []bool{true, false} {
		var out any
		if decode {
			out = &map[string]any{}
		}
		_, err := c.Do(context.Background(), &transport.Request{Op: "GetAccountsDetail", Method: "GET", Path: "/x", Idempotent: true}, out)
		require.Error(t, err, "decode=%v", decode)
		assert.ErrorIs(t, err, sdkerrors.ErrUnexpectedResponse, "decode=%v: %v", decode, err)
		assert.False(t, sdkerrors.IsRetryable(err), "decode=%v: %v", decode, err)
		var ne *sdkerrors.NetworkError
		assert.False(t, sdkerrors.As(err, &ne), "decode=%v: %v", decode, err)
	}
}
