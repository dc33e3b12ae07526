package flinks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Webhook signature headers. Flinks documents flinks-authenticity-key; its
// newer HMAC guide reads X-Flinks-Signature. The verifier checks both, in
// that order.
const (
	HeaderAuthenticityKey = "flinks-authenticity-key"
	HeaderSignature       = "X-Flinks-Signature"
)

// MaxWebhookBodySize caps the body [WebhookHandler] reads (10 MiB); a larger
// body is answered with 413.
const MaxWebhookBodySize = 10 << 20

// Webhook verification errors. None of them, nor any error wrapping them,
// contains the key, the signature or the body.
var (
	// ErrWebhookKeyMissing: the verification key is empty.
	ErrWebhookKeyMissing = errors.New("flinks: webhook key is empty")
	// ErrWebhookSignatureMissing: the request carries no signature header.
	ErrWebhookSignatureMissing = errors.New("flinks: webhook signature is missing")
	// ErrWebhookSignatureMalformed: the signature is not the Base64 of a
	// SHA-256 HMAC.
	ErrWebhookSignatureMalformed = errors.New("flinks: webhook signature is malformed")
	// ErrWebhookSignatureMismatch: the signature is well formed but does not
	// match the body and key.
	ErrWebhookSignatureMismatch = errors.New("flinks: webhook signature does not match")
)

func webhookMAC(body []byte, key string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return m.Sum(nil)
}

// SignWebhook returns the signature Flinks sends with a webhook:
// Base64 (standard, padded) of HMAC-SHA256 over the raw body bytes, keyed
// with the UTF-8 bytes of key. Use it to test receivers.
func SignWebhook(body []byte, key string) string {
	return base64.StdEncoding.EncodeToString(webhookMAC(body, key))
}

// VerifyWebhook checks a webhook signature against the raw body (never a
// re-encoded copy) in constant time. The signature is Base64 — standard or
// URL alphabet, padded or not. It returns nil when the signature matches,
// else [ErrWebhookKeyMissing], [ErrWebhookSignatureMissing],
// [ErrWebhookSignatureMalformed] or [ErrWebhookSignatureMismatch].
func VerifyWebhook(body []byte, signature, key string) error {
	if key == "" {
		return ErrWebhookKeyMissing
	}
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrWebhookSignatureMissing
	}
	got, err := decodeBase64(signature)
	if err != nil || len(got) != sha256.Size {
		return ErrWebhookSignatureMalformed
	}
	if !hmac.Equal(got, webhookMAC(body, key)) {
		return ErrWebhookSignatureMismatch
	}
	return nil
}

// WebhookSignature returns the signature of a webhook request: the
// flinks-authenticity-key header, or else X-Flinks-Signature.
func WebhookSignature(h http.Header) string {
	if s := strings.TrimSpace(h.Get(HeaderAuthenticityKey)); s != "" {
		return s
	}
	return strings.TrimSpace(h.Get(HeaderSignature))
}

// verifyRequest checks both headers: the request is authentic when either
// carries a matching signature.
func verifyRequest(body []byte, h http.Header, key string) error {
	first := strings.TrimSpace(h.Get(HeaderAuthenticityKey))
	second := strings.TrimSpace(h.Get(HeaderSignature))
	if first == "" {
		return VerifyWebhook(body, second, key)
	}
	err := VerifyWebhook(body, first, key)
	if err != nil && second != "" && second != first {
		if VerifyWebhook(body, second, key) == nil {
			return nil
		}
	}
	return err
}

// WebhookHandler verifies the signature of every request before passing it
// to next: it reads the raw body (at most [MaxWebhookBodySize]; 413 above),
// checks the flinks-authenticity-key header, then X-Flinks-Signature, with
// [VerifyWebhook], answers 401 when neither matches, and otherwise restores
// r.Body (the same bytes) for next, which can call [ParseWebhook]. An empty
// key answers 500: the receiver is misconfigured. It panics if next is nil.
//
// Flinks treats any answer but 200 as a failure and retries up to 10 times,
// 30 minutes apart, so next should answer quickly and process later.
func WebhookHandler(key string, next http.Handler) http.Handler {
	if next == nil {
		panic("flinks: WebhookHandler with a nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key == "" {
			http.Error(w, "webhook verification is not configured", http.StatusInternalServerError)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBodySize))
		_ = r.Body.Close()
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "webhook body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "webhook body could not be read", http.StatusBadRequest)
			return
		}
		if err := verifyRequest(body, r.Header, key); err != nil {
			http.Error(w, "invalid webhook signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		next.ServeHTTP(w, r)
	})
}

// WebhookType is a webhook's ResponseType. It is an open set.
type WebhookType string

// Known webhook types. KYC and GetAccountsDetail are documented; the others
// are seen in public clients' fixtures.
const (
	// WebhookKYC carries the holder data early.
	WebhookKYC WebhookType = "KYC"
	// WebhookAccountsDetail carries a GetAccountsDetail 200 payload.
	WebhookAccountsDetail WebhookType = "GetAccountsDetail"
	// WebhookAccountsSummary carries a GetAccountsSummary 200 payload.
	WebhookAccountsSummary WebhookType = "GetAccountsSummary"
	// WebhookStatements carries a GetStatements 200 payload.
	WebhookStatements WebhookType = "GetStatements"
)

// Webhook is a decoded Flinks webhook: the payload of the matching data
// call (GetAccountsDetail's fields, promoted from the embedded
// AccountsDetail) plus ResponseType. Raw keeps the body for types the SDK
// does not model (Flinks Pay, Upload).
type Webhook struct {
	ResponseType WebhookType `json:"ResponseType"`
	AccountsDetail
	// StatementsByAccount is set on GetStatements webhooks.
	StatementsByAccount []AccountStatements `json:"StatementsByAccount"`
	// Raw is the body as received.
	Raw json.RawMessage `json:"-"`
}

// Err returns the error a webhook reports (a FlinksCode other than OK, or an
// HttpStatusCode of 400 or more), or nil.
func (w *Webhook) Err() error {
	if w == nil {
		return nil
	}
	if err := sdkerrors.FlinksCode(w.FlinksCode); err != nil {
		return err
	}
	if w.HTTPStatusCode >= 400 {
		return &sdkerrors.APIError{Provider: Provider, StatusCode: w.HTTPStatusCode, Message: w.Message}
	}
	return nil
}

// ParseWebhook decodes a webhook body (verify it first with
// [VerifyWebhook] or [WebhookHandler]). It fails only when the body is not
// a JSON object; the error holds no part of the body.
func ParseWebhook(body []byte) (*Webhook, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("flinks: webhook body is not a JSON object")
	}
	var w Webhook
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return nil, errors.New("flinks: webhook body does not decode: " + jsonProblem(err))
	}
	w.Raw = append(json.RawMessage(nil), body...)
	return &w, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "invalid JSON"
	case errors.As(err, &te):
		// te.Value is "number 123..." when a number overflows: keep the
		// JSON type only, never a part of the body.
		kind, _, _ := strings.Cut(te.Value, " ")
		return "unexpected JSON " + kind + " for " + te.Field
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	}
	return "invalid JSON"
}
