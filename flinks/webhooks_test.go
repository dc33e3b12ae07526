package flinks_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
	"github.com/bankdata-go/bankdata/flinks/flinkstest"
)

const whKey = "whsec-LEAKCHECK-key"

var whBody = []byte(`{"ResponseType":"GetAccountsDetail","HttpStatusCode":200,"RequestId":"r-1",` +
	`"Accounts":[{"Id":"a1","Title":"Chequing","Balance":{"Current":10.50},"Transactions":[{"Id":"t1","Date":"2025-01-31","Credit":1500.25,"Debit":null,"Balance":10.50}]}],` +
	`"Login":{"Id":"l1","LastRefresh":"2025-01-31T17:40:54.569261Z"}}`)

func TestSignWebhookMatchesFake(t *testing.T) {
	require.Equal(t, flinkstest.SignWebhook(whBody, whKey), flinks.SignWebhook(whBody, whKey))
	// A known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	require.Equal(t, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=",
		flinks.SignWebhook([]byte("The quick brown fox jumps over the lazy dog"), "key"))
}

func TestVerifyWebhook(t *testing.T) {
	good := flinks.SignWebhook(whBody, whKey)
	raw, _ := base64.StdEncoding.DecodeString(good)
	tests := []struct {
		name string
		body []byte
		sig  string
		key  string
		want error
	}{
		{"valid", whBody, good, whKey, nil},
		{"valid with spaces", whBody, "  " + good + "\n", whKey, nil},
		{"valid raw std", whBody, base64.RawStdEncoding.EncodeToString(raw), whKey, nil},
		{"valid url alphabet", whBody, base64.URLEncoding.EncodeToString(raw), whKey, nil},
		{"missing", whBody, "", whKey, flinks.ErrWebhookSignatureMissing},
		{"not base64", whBody, "%%%not-base64%%%", whKey, flinks.ErrWebhookSignatureMalformed},
		{"wrong length", whBody, base64.StdEncoding.EncodeToString([]byte("short")), whKey, flinks.ErrWebhookSignatureMalformed},
		{"hex instead of base64", whBody, fmt.Sprintf("%x", raw), whKey, flinks.ErrWebhookSignatureMalformed},
		{"wrong key", whBody, flinks.SignWebhook(whBody, "other"), whKey, flinks.ErrWebhookSignatureMismatch},
		{"body changed", append([]byte(" "), whBody...), good, whKey, flinks.ErrWebhookSignatureMismatch},
		{"re-encoded JSON", bytes.ReplaceAll(whBody, []byte(`,"`), []byte(`, "`)), good, whKey, flinks.ErrWebhookSignatureMismatch},
		{"empty key", whBody, good, "", flinks.ErrWebhookKeyMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := flinks.VerifyWebhook(tt.body, tt.sig, tt.key)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.NotContains(t, err.Error(), whKey)
			require.NotContains(t, err.Error(), "GetAccountsDetail")
		})
	}
}

func TestWebhookHandler(t *testing.T) {
	good := flinks.SignWebhook(whBody, whKey)
	tests := []struct {
		name       string
		key        string
		body       []byte
		headers    map[string]string
		wantStatus int
	}{
		{"flinks-authenticity-key", whKey, whBody, map[string]string{"flinks-authenticity-key": good}, 200},
		{"X-Flinks-Signature", whKey, whBody, map[string]string{"X-Flinks-Signature": good}, 200},
		{"both", whKey, whBody, map[string]string{"flinks-authenticity-key": good, "X-Flinks-Signature": good}, 200},
		{"first wrong, second right", whKey, whBody, map[string]string{"flinks-authenticity-key": "bad", "X-Flinks-Signature": good}, 200},
		{"none", whKey, whBody, nil, 401},
		{"wrong", whKey, whBody, map[string]string{"flinks-authenticity-key": flinks.SignWebhook(whBody, "x")}, 401},
		{"tampered body", whKey, append(bytes.Clone(whBody), ' '), map[string]string{"flinks-authenticity-key": good}, 401},
		{"no key configured", "", whBody, map[string]string{"flinks-authenticity-key": good}, 500},
		{"too large", whKey, bytes.Repeat([]byte("a"), flinks.MaxWebhookBodySize+1), nil, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []byte
			var parsed *flinks.Webhook
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				seen = b
				parsed, err = flinks.ParseWebhook(b)
				require.NoError(t, err)
				require.Equal(t, int64(len(b)), r.ContentLength)
				w.WriteHeader(http.StatusOK)
			})
			req := httptest.NewRequest(http.MethodPost, "/flinks/webhook", bytes.NewReader(tt.body))
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			flinks.WebhookHandler(tt.key, next).ServeHTTP(rec, req)
			require.Equal(t, tt.wantStatus, rec.Code)
			require.NotContains(t, rec.Body.String(), whKey)
			if tt.wantStatus != 200 {
				require.Nil(t, seen, "next must not run")
				return
			}
			require.Equal(t, tt.body, seen, "next reads the exact raw body")
			require.Equal(t, flinks.WebhookAccountsDetail, parsed.ResponseType)
			require.Equal(t, "r-1", parsed.RequestID)
			require.Equal(t, "1500.25", parsed.Accounts[0].Transactions[0].Credit.String())
		})
	}
	require.Panics(t, func() { flinks.WebhookHandler(whKey, nil) })
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestWebhookHandlerUnreadableBody(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", errReader{})
	rec := httptest.NewRecorder()
	flinks.WebhookHandler(whKey, http.NotFoundHandler()).ServeHTTP(rec, req)
	require.Equal(t, http.StatusBadRequest, rec.Code)
}

func TestParseWebhook(t *testing.T) {
	kyc := []byte(`{"ResponseType":"KYC","RequestId":"r-2","Accounts":[{"Id":"a1","Holder":{"Name":"Jane","Address":{"City":"Montreal"}}}]}`)
	w, err := flinks.ParseWebhook(kyc)
	require.NoError(t, err)
	require.Equal(t, flinks.WebhookKYC, w.ResponseType)
	require.Equal(t, "Montreal", w.Accounts[0].Holder.Address.City)
	require.Equal(t, kyc, []byte(w.Raw))
	require.NoError(t, w.Err())

	st, err := flinks.ParseWebhook([]byte(`{"ResponseType":"GetStatements","StatementsByAccount":[{"AccountNumber":"1","Statements":[{"UniqueId":"s","FileType":"PDF","Base64Bytes":"JVBERg=="}]}]}`))
	require.NoError(t, err)
	require.Equal(t, flinks.WebhookStatements, st.ResponseType)
	pdf, err := st.StatementsByAccount[0].Statements[0].Bytes()
	require.NoError(t, err)
	require.Equal(t, "%PDF", string(pdf))

	fail, err := flinks.ParseWebhook([]byte(`{"ResponseType":"GetAccountsDetail","HttpStatusCode":401,"FlinksCode":"DISABLED_LOGIN","Message":"x"}`))
	require.NoError(t, err)
	require.ErrorIs(t, fail.Err(), sdkerrors.ErrDisabledLogin)
	fail, err = flinks.ParseWebhook([]byte(`{"HttpStatusCode":500}`))
	require.NoError(t, err)
	require.Error(t, fail.Err())

	unknown, err := flinks.ParseWebhook([]byte(`{"ResponseType":"PayEvent","Amount":12}`))
	require.NoError(t, err)
	require.Equal(t, flinks.WebhookType("PayEvent"), unknown.ResponseType)

	for _, bad := range []string{``, `[]`, `"x"`, `{"ResponseType":`, `{"Accounts":"secret-LEAKCHECK"}`, `<html>`} {
		_, err := flinks.ParseWebhook([]byte(bad))
		require.Error(t, err, bad)
		require.False(t, strings.Contains(err.Error(), "LEAKCHECK"), err.Error())
	}
}
