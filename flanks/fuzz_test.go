package flanks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/jsontest"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Fuzz targets of the Flanks client beyond the error decoders (those are in
// package errors): every response model and the pagination walkers. Seed
// corpora are in testdata/fuzz/<FuzzName>/.

// maxFuzzBody keeps executions short: go test minimizes every new input at
// a cost quadratic in its size.
const maxFuzzBody = 4 << 10

// rendering is what a caller sees when printing or logging v.
type rendering interface {
	String() string
	GoString() string
	LogValue() slog.Value
}

// redacts checks that the renderings of v do not depend on its secret
// fields: other is v with every non-empty secret replaced by another
// value, and must print and log the same.
func redacts(t *testing.T, v, other rendering) {
	t.Helper()
	if v.String() != other.String() || v.GoString() != other.GoString() || v.LogValue().String() != other.LogValue().String() {
		t.Fatalf("%T shows a secret:\n%s\n%s", v, v.String(), other.String())
	}
}

// swap returns another non-empty value for a non-empty secret.
func swap(s string) string {
	if s == "" {
		return s
	}
	return "~other~" + s
}

func swapAll(vs []string) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = swap(v)
	}
	return out
}

func fuzzClient(tb testing.TB, rt http.RoundTripper) *Client {
	c, err := NewClient("fuzz-client", "fuzz-secret", WithBaseURL("http://flanks.fuzz"),
		WithHTTPClient(&http.Client{Transport: rt}), WithMaxRetries(0), WithPollJitter(0))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// FuzzFlanksModels decodes a body into one Flanks response model, chosen by
// model: the credential status, each v0 data model (portfolios,
// investments and their transactions, accounts and theirs, liabilities,
// cards, identity, holders), the link exchange, created credentials, link
// codes and entities, sessions, reports and letters, links, the v2 list
// pages, the credentials list, or the client's checks of 2xx bodies. It
// runs the models' helpers. Nothing may panic; what decodes must encode
// stably; the types that hold secrets must print and log the same
// whatever the secret.
func FuzzFlanksModels(f *testing.F) {
	c := fuzzClient(f, http.DefaultTransport)
	f.Fuzz(func(t *testing.T, model uint8, data []byte) {
		if len(data) > maxFuzzBody {
			return
		}
		switch model % 16 {
		case 0:
			if s, ok := jsontest.RoundTrip[CredentialStatus](t, data); ok {
				_ = s.ActionRequired()
				o := s
				o.ResetToken, o.SCAToken, o.TransactionToken = swap(s.ResetToken), swap(s.SCAToken), swap(s.TransactionToken)
				redacts(t, s, o)
			}
		case 1:
			if ps, ok := jsontest.RoundTrip[[]Portfolio](t, data); ok {
				for _, p := range ps {
					_ = p.Balance.String()
					_ = p.UpdatedAtTimestamp
				}
			}
		case 2:
			jsontest.RoundTrip[[]Investment](t, data)
		case 3:
			jsontest.RoundTrip[[]InvestmentTransaction](t, data)
		case 4:
			jsontest.RoundTrip[[]Account](t, data)
		case 5:
			jsontest.RoundTrip[[]AccountTransaction](t, data)
		case 6:
			jsontest.RoundTrip[[]Liability](t, data)
			jsontest.RoundTrip[[]LiabilityTransaction](t, data)
		case 7:
			jsontest.RoundTrip[[]Card](t, data)
			jsontest.RoundTrip[[]CardTransaction](t, data)
		case 8:
			jsontest.RoundTrip[Identity](t, data)
			jsontest.RoundTrip[[]Holder](t, data)
		case 9:
			if e, ok := jsontest.RoundTrip[LinkExchange](t, data); ok {
				o := e
				o.CredentialsToken = swap(e.CredentialsToken)
				redacts(t, e, o)
			}
			if r, ok := jsontest.RoundTrip[CreatedCredentials](t, data); ok {
				o := r
				o.CredentialsToken = swap(r.CredentialsToken)
				redacts(t, r, o)
			}
			if codes, ok := jsontest.RoundTrip[[]LinkCode](t, data); ok {
				for _, l := range codes {
					o := l
					o.Code = swap(l.Code)
					redacts(t, l, o)
				}
			}
			jsontest.RoundTrip[[]Entity](t, data)
		case 10:
			if s, ok := jsontest.RoundTrip[Session](t, data); ok {
				o := s
				o.ConnectionID = swap(s.ConnectionID)
				redacts(t, s, o)
				_, _, _ = s.Status.Finished(), s.Status.Waiting(), s.ErrorCode.Description()
			}
			var r sessionResponse
			_ = json.Unmarshal(data, &r)
		case 11:
			if r, ok := jsontest.RoundTrip[Report](t, data); ok {
				_ = r.Status.Final()
			}
			jsontest.RoundTrip[ReportContent](t, data)
			jsontest.RoundTrip[Letter](t, data)
			jsontest.RoundTrip[page[ReportTemplate]](t, data)
		case 12:
			if r, ok := jsontest.RoundTrip[linkResponse](t, data); ok {
				_ = r.link()
			}
			jsontest.RoundTrip[linkList](t, data)
		case 13:
			if p, ok := jsontest.RoundTrip[page[Product]](t, data); ok {
				for _, it := range p.Items {
					o := it
					o.ConnectionID = swap(it.ConnectionID)
					redacts(t, it, o)
				}
			}
			if p, ok := jsontest.RoundTrip[page[Transaction]](t, data); ok {
				for _, it := range p.Items {
					o := it
					o.ConnectionID = swap(it.ConnectionID)
					redacts(t, it, o)
				}
			}
			jsontest.RoundTrip[page[Connector]](t, data)
		case 14:
			var list struct {
				Items []CredentialSummary `json:"items"`
				Page  flexInt             `json:"page"`
				Pages flexInt             `json:"pages"`
			}
			if json.Unmarshal(data, &list) == nil {
				for _, s := range list.Items {
					o := s
					o.CredentialsToken = swap(s.CredentialsToken)
					redacts(t, s, o)
				}
			}
			jsontest.RoundTrip[tokenResponse](t, data)
			var q SessionQuery
			if json.Unmarshal(data, &q) == nil {
				o := q
				o.ConnectionIDIn = swapAll(q.ConnectionIDIn)
				redacts(t, q, o)
			}
		case 15:
			for _, status := range []int{200, 202} {
				resp := &transport.Response{StatusCode: status, Prefix: data}
				_ = errorCodeOf(resp)
				for _, err := range []error{c.checkBody(resp), c.noTokenError(resp)} {
					var api *sdkerrors.APIError
					if err != nil && !errors.As(err, &api) {
						t.Fatalf("%T is not an *errors.APIError: %v", err, err)
					}
				}
			}
		}
	})
}

// pageScript is an in-memory Flanks: a token endpoint and one list
// endpoint that answers the scripted pages in order, then 400.
type pageScript struct {
	mu      sync.Mutex
	pages   [][]byte
	served  int
	tokens  []string // page_token of each list request
	numbers []int    // page of each list request (v0)
	queries []string // query of each list request
}

func (s *pageScript) reset(pages [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages, s.served, s.tokens, s.numbers, s.queries = pages, 0, nil, nil, nil
}

func (s *pageScript) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	reply := func(status int, b []byte) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(b)), ContentLength: int64(len(b)), Request: req}, nil
	}
	if req.URL.Path == "/v0/token" {
		return reply(200, []byte(`{"access_token":"fuzz-access-token","expires_in":3600,"token_type":"Bearer"}`))
	}
	var in struct {
		Query     json.RawMessage `json:"query"`
		PageToken string          `json:"page_token"`
		Page      int             `json:"page"`
	}
	_ = json.Unmarshal(body, &in)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = append(s.tokens, in.PageToken)
	s.numbers = append(s.numbers, in.Page)
	s.queries = append(s.queries, string(in.Query))
	if s.served >= len(s.pages) {
		return reply(400, []byte(`{"success":false,"error":{"code":"ValidationError","details":[{"error_type":"invalid","field":"page_token"}]}}`))
	}
	s.served++
	return reply(200, s.pages[s.served-1])
}

// maxPages bounds a script.
const maxPages = 8

// FuzzFlanksPagination serves a script of list pages (the fuzz bytes split
// at NUL) to one of the list walkers (v2: products, transactions,
// sessions, connectors, report templates; v0: credentials; the Links
// list), optionally breaking out after the first item. The walker must
// end, send no page token twice, follow next_page_token with the same
// query, stop at a repeated token with ErrRepeatedPageToken, yield an error
// for a page that is not JSON, and yield at most one error, last.
func FuzzFlanksPagination(f *testing.F) {
	script := &pageScript{}
	c := fuzzClient(f, script)
	f.Fuzz(func(t *testing.T, walker uint8, data []byte) {
		if len(data) > maxFuzzBody {
			return
		}
		pages := bytes.SplitN(data, []byte{0}, maxPages+1)
		if len(pages) > maxPages {
			pages = pages[:maxPages]
		}
		script.reset(pages)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopEarly := walker&0x80 != 0
		v2 := true
		var seq iter.Seq2[any, error]
		switch walker % 7 {
		case 0:
			seq = anySeq(c.ListProducts(ctx, ProductQuery{ConnectionIDIn: []string{"conn-1"}}))
		case 1:
			seq = anySeq(c.ListTransactions(ctx, TransactionQuery{ProductIDIn: []string{"p1"}}))
		case 2:
			seq = anySeq(c.ListSessions(ctx, SessionQuery{StatusIn: []SessionStatus{SessionFinishedOK}}))
		case 3:
			seq = anySeq(c.ListConnectors(ctx, ConnectorQuery{}))
		case 4:
			seq = anySeq(c.ListReportTemplates(ctx))
		case 5:
			seq, v2 = anySeq(c.ListCredentials(ctx)), false
		case 6:
			seq, v2 = anySeq(c.ListLinks(ctx)), false
		}
		items, errs := 0, 0
		var last error
		for _, err := range seq {
			if errs > 0 {
				t.Fatalf("the walker yielded after its error %v", last)
			}
			if err != nil {
				errs++
				last = err
				continue
			}
			items++
			if stopEarly {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("the walker did not end: %v", ctx.Err())
		}

		script.mu.Lock()
		defer script.mu.Unlock()
		n := len(script.tokens)
		if n > len(pages)+1 {
			t.Fatalf("%d requests for %d pages", n, len(pages))
		}
		if stopEarly && items > 0 && n > script.served {
			t.Fatalf("breaking out of the loop did not stop fetching: %d requests, %d pages served", n, script.served)
		}
		for i := 0; i < script.served; i++ {
			if !decodes(pages[i]) && (last == nil || i < script.served-1) {
				t.Fatalf("page %d is not JSON, yet the walker went on (error %v)", i, last)
			}
		}
		if !v2 {
			if walker%7 != 5 {
				return
			}
			for i, p := range script.numbers {
				if p != i+1 {
					t.Fatalf("v0 request %d asked for page %d", i, p)
				}
			}
			// A page that repeats the previous one ends the walk.
			for i := 1; i < script.served; i++ {
				a, b := credentialItems(pages[i-1]), credentialItems(pages[i])
				if len(a) > 0 && reflect.DeepEqual(a, b) && (n > i+1 || last == nil) {
					t.Fatalf("page %d repeats page %d, yet the walk went on (%d requests, error %v)", i, i-1, n, last)
				}
			}
			return
		}
		seen := map[string]bool{}
		for i, tok := range script.tokens {
			if script.queries[i] != script.queries[0] {
				t.Fatalf("request %d changed the query: %s, then %s", i, script.queries[0], script.queries[i])
			}
			if i == 0 {
				if tok != "" {
					t.Fatalf("the first request sent page_token %q", tok)
				}
				continue
			}
			if tok == "" || seen[tok] {
				t.Fatalf("request %d sent page_token %q (sent before: %t)", i, tok, seen[tok])
			}
			seen[tok] = true
			if want := nextToken(pages[i-1]); tok != want {
				t.Fatalf("request %d sent page_token %q, page %d said %q", i, tok, i-1, want)
			}
		}
		// A last page whose next_page_token was already sent (or fetched
		// it) cannot end the walk quietly; ErrRepeatedPageToken only ever
		// reports such a page.
		if script.served > 0 && script.served == n && !stopEarly {
			sentBefore := map[string]bool{"": true}
			for _, tok := range script.tokens {
				sentBefore[tok] = true
			}
			next := nextToken(pages[script.served-1])
			repeated := next != "" && sentBefore[next]
			if repeated && last == nil && decodes(pages[script.served-1]) {
				t.Fatalf("page %d repeats token %q and the walk ended without an error", script.served-1, next)
			}
			if errors.Is(last, ErrRepeatedPageToken) && !repeated {
				t.Fatalf("ErrRepeatedPageToken for token %q, which was not sent before", next)
			}
		}
	})
}

// credentialItems decodes the items of a v0 credentials page as the
// walker does, nil when it does not decode.
func credentialItems(page []byte) []CredentialSummary {
	var p struct {
		Items []CredentialSummary `json:"items"`
	}
	if json.NewDecoder(bytes.NewReader(page)).Decode(&p) != nil {
		return nil
	}
	return p.Items
}

// decodes reports whether a body starts with a JSON value (what follows
// it is not read: the client decodes bodies as streams).
func decodes(body []byte) bool {
	var v any
	return json.NewDecoder(bytes.NewReader(body)).Decode(&v) == nil
}

func anySeq[T any](seq iter.Seq2[T, error]) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		for v, err := range seq {
			if !yield(v, err) {
				return
			}
		}
	}
}

// nextToken reads a page's next_page_token as the walker would, "" when
// there is none or the page is not an object.
func nextToken(page []byte) string {
	var p struct {
		Next *string `json:"next_page_token"`
	}
	if json.NewDecoder(bytes.NewReader(page)).Decode(&p) != nil || p.Next == nil {
		return ""
	}
	return *p.Next
}
