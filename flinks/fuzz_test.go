package flinks

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/jsontest"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// Fuzz targets of the Flinks client beyond the error decoders (those are in
// package errors): every response model, the envelope checks the client
// runs on 2xx bodies, the webhook parser and the webhook verifier. Seed
// corpora are in testdata/fuzz/<FuzzName>/.

// maxFuzzBody keeps each execution (and the minimization of new inputs,
// which go test runs for up to a minute each) short.
const maxFuzzBody = 4 << 10

// fuzzClient is a client that never sends a request: the fuzz targets call
// its body checks directly.
func fuzzClient(tb testing.TB) *Client {
	c, err := NewClient("fuzz-customer", WithBaseURL("http://127.0.0.1:1"), WithAPIKey("fuzz-api-key"))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// checkBodyError runs the client's 2xx envelope check: nil or an
// *errors.APIError, never a panic.
func checkBodyError(t *testing.T, what string, err error) {
	if err == nil {
		return
	}
	var api *sdkerrors.APIError
	if !errors.As(err, &api) {
		t.Fatalf("%s: %T is not an *errors.APIError: %v", what, err, err)
	}
	_ = err.Error()
}

// FuzzFlinksModels decodes a body into one Flinks response model, chosen
// by model: AccountsDetail, AccountsSummary, AuthorizeResponse,
// Statements, Attributes, NightlyRefreshStatus, Institutions (its three
// shapes), the MFA questions and authorize token answers, a webhook
// (ParseWebhook), or the client's checks of short bodies. It runs the
// model's helpers and the client's 2xx envelope check on it. Nothing may
// panic; what decodes must encode stably; a ParseWebhook error quotes no
// part of the body.
//
// One model per execution keeps executions short: go test minimizes every
// new input at a cost quadratic in its size.
func FuzzFlinksModels(f *testing.F) {
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, model uint8, data []byte) {
		if len(data) > maxFuzzBody {
			return
		}
		resp := &transport.Response{StatusCode: 200, Prefix: data}
		switch model % 10 {
		case 0:
			if d, ok := jsontest.RoundTrip[AccountsDetail](t, data); ok {
				checkBodyError(t, "AccountsDetail", c.bodyError(resp, d.envelope()))
				for _, a := range d.Accounts {
					_ = a.Balance.Current.String()
					for _, tx := range a.Transactions {
						_, _ = tx.Debit.Float64()
						_, _ = tx.Credit.Minor(2)
						_ = tx.Balance.Rat()
						_ = tx.Date.Time()
					}
				}
			}
		case 1:
			if d, ok := jsontest.RoundTrip[AccountsSummary](t, data); ok {
				checkBodyError(t, "AccountsSummary", c.bodyError(resp, d.envelope()))
			}
		case 2:
			if r, ok := jsontest.RoundTrip[AuthorizeResponse](t, data); ok {
				if r.NeedsMFA() {
					answers := map[string][]string{}
					for _, ch := range r.SecurityChallenges {
						answers[ch.Prompt] = []string{"x"}
					}
					_ = r.Answer(answers).validate()
				}
				checkBodyError(t, "AuthorizeResponse", c.bodyError(resp, envelope{r.HTTPStatusCode, r.FlinksCode, r.Message, r.RequestID}))
			}
		case 3:
			if s, ok := jsontest.RoundTrip[Statements](t, data); ok {
				checkBodyError(t, "Statements", c.bodyError(resp, s.envelope()))
				for _, as := range s.StatementsByAccount {
					for _, st := range as.Statements {
						_, _ = st.Bytes()
					}
				}
			}
		case 4:
			if a, ok := jsontest.RoundTrip[Attributes](t, data); ok {
				checkBodyError(t, "Attributes", c.bodyError(resp, a.envelope()))
				for name, v := range a.Card.Values {
					_, _ = a.Card.Amount(name)
					_, _ = v.Amount()
					_, _ = v.Bool()
					_, _ = v.IsNull(), v.String()
				}
			}
		case 5:
			if n, ok := jsontest.RoundTrip[NightlyRefreshStatus](t, data); ok {
				for _, ic := range n.IneligibleCards {
					_ = ic.Err()
					_, _ = ic.Status()
				}
			}
		case 6:
			jsontest.RoundTrip[[]Institution](t, data)
			if o, ok := jsontest.RoundTrip[institutionsObject](t, data); ok {
				checkBodyError(t, "Institutions", c.bodyError(resp, envelope{o.HTTPStatusCode, o.FlinksCode, o.Message, ""}))
			}
			var ro routingObject
			_ = json.Unmarshal(data, &ro)
		case 7:
			jsontest.RoundTrip[mfaQuestionsResponse](t, data)
			jsontest.RoundTrip[tokenResponse](t, data)
		case 8:
			w, err := ParseWebhook(data)
			switch {
			case err != nil:
				if w != nil {
					t.Fatal("ParseWebhook returned a webhook and an error")
				}
				if leaked := bodyDigits(data, err.Error()); leaked != "" {
					t.Fatalf("ParseWebhook error quotes the body (%q): %v", leaked, err)
				}
			case !bytes.Equal(w.Raw, data):
				t.Fatal("Webhook.Raw is not the body")
			default:
				_ = w.Err()
			}
		case 9:
			checkBodyError(t, "small body", c.checkSmallBody(resp))
		}
	})
}

var digitRun = regexp.MustCompile(`[0-9]{6,}`)

// bodyDigits returns a run of six or more digits that msg shares with body
// (an account or card number would be one), or "".
func bodyDigits(body []byte, msg string) string {
	for _, d := range digitRun.FindAllString(msg, -1) {
		if bytes.Contains(body, []byte(d)) {
			return d
		}
	}
	return ""
}

// FuzzWebhookSignature checks the webhook verifier: the signature of a body
// verifies (in every Base64 form the doc accepts), through VerifyWebhook
// and WebhookHandler, which hands the handler the same bytes; any change
// to the body, the MAC or the key fails with a typed error that quotes
// none of them; no input panics.
func FuzzWebhookSignature(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, key string, sig string, pos uint16, bit uint8) {
		if len(body) > 256 || len(key) > 64 || len(sig) > 64 { // small: go test minimizes new inputs in quadratic time
			return
		}
		if err := VerifyWebhook(body, sig, key); err != nil {
			checkWebhookErr(t, err, body, key, sig)
		}
		if key == "" {
			if err := VerifyWebhook(body, SignWebhook(body, key), key); !errors.Is(err, ErrWebhookKeyMissing) {
				t.Fatalf("empty key: %v", err)
			}
			return
		}
		good := SignWebhook(body, key)
		mac, err := base64.StdEncoding.DecodeString(good)
		if err != nil || len(mac) != 32 {
			t.Fatalf("SignWebhook gave %q", good)
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if err := VerifyWebhook(body, " "+enc.EncodeToString(mac)+"\n", key); err != nil {
				t.Fatalf("a valid signature is refused: %v", err)
			}
		}
		mismatch := func(what string, b []byte, s, k string) {
			err := VerifyWebhook(b, s, k)
			if !errors.Is(err, ErrWebhookSignatureMismatch) {
				t.Fatalf("%s: VerifyWebhook = %v, want a mismatch", what, err)
			}
			checkWebhookErr(t, err, b, k, s)
		}
		if len(body) > 0 {
			b := bytes.Clone(body)
			b[int(pos)%len(b)] ^= 1 << (bit % 8)
			mismatch("flipped body bit", b, good, key)
			mismatch("truncated body", body[:len(body)-1], good, key)
		}
		mismatch("appended body byte", append(bytes.Clone(body), bit), good, key)
		m := bytes.Clone(mac)
		m[int(pos)%len(m)] ^= 1 << (bit % 8)
		mismatch("flipped MAC bit", body, base64.StdEncoding.EncodeToString(m), key)
		mismatch("other key", body, good, key+"x")
		if sig != good && VerifyWebhook(body, sig, key) == nil {
			if got, err := decodeBase64(strings.TrimSpace(sig)); err != nil || !bytes.Equal(got, mac) {
				t.Fatalf("signature %q verifies but is not the MAC", sig)
			}
		}

		// The middleware: a valid signature passes the same bytes on; a
		// bad one is answered 401 and never reaches the handler.
		var got []byte
		reached := false
		h := WebhookHandler(key, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached = true
			got, _ = io.ReadAll(r.Body)
		}))
		hdr := []string{HeaderAuthenticityKey, HeaderSignature}[pos%2]
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set(hdr, good)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !reached || rec.Code != http.StatusOK || !bytes.Equal(got, body) {
			t.Fatalf("%s: valid webhook: reached %t, status %d, body kept %t", hdr, reached, rec.Code, bytes.Equal(got, body))
		}
		reached = false
		req = httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set(hdr, base64.StdEncoding.EncodeToString(m))
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if reached || rec.Code != http.StatusUnauthorized {
			t.Fatalf("%s: forged webhook: reached %t, status %d", hdr, reached, rec.Code)
		}
	})
}

// checkWebhookErr: a verification error is one of the four sentinels and
// quotes neither key, signature nor body.
func checkWebhookErr(t *testing.T, err error, body []byte, key, sig string) {
	t.Helper()
	known := false
	for _, s := range []error{ErrWebhookKeyMissing, ErrWebhookSignatureMissing, ErrWebhookSignatureMalformed, ErrWebhookSignatureMismatch} {
		if err == s {
			known = true
		}
	}
	if !known {
		t.Fatalf("verification error %T %v is not a sentinel", err, err)
	}
	msg := fmt.Sprintf("%v %+v %#v", err, err, err)
	for _, s := range []string{key, strings.TrimSpace(sig), string(body)} {
		if len(s) >= 8 && strings.Contains(msg, s) {
			t.Fatalf("verification error quotes an input: %s", msg)
		}
	}
}
