package flinks_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
)

func TestNewClientValidation(t *testing.T) {
	tests := []struct {
		name    string
		cid     string
		opts    []flinks.Option
		wantErr error
	}{
		{name: "defaults", cid: testCID},
		{name: "guid", cid: "43387ca6-0391-4c82-857d-70d95f087ecb"},
		{name: "empty customer id", cid: "", wantErr: flinks.ErrInvalidArgument},
		{name: "slash in customer id", cid: "a/b", wantErr: flinks.ErrInvalidArgument},
		{name: "dot-dot customer id", cid: "..", wantErr: flinks.ErrInvalidArgument},
		{name: "space in customer id", cid: "a b", wantErr: flinks.ErrInvalidArgument},
		{name: "percent in customer id", cid: "a%2Fb", wantErr: flinks.ErrInvalidArgument},
		{name: "instance", cid: testCID, opts: []flinks.Option{flinks.WithInstance("acme-ca")}},
		{name: "bad instance", cid: testCID, opts: []flinks.Option{flinks.WithInstance("evil.com/x")}, wantErr: flinks.ErrInvalidOption},
		{name: "empty instance", cid: testCID, opts: []flinks.Option{flinks.WithInstance("")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url with prefix", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("http://127.0.0.1:8080/api/")}},
		{name: "base url ftp", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("ftp://x")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url relative", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("/just/a/path")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url userinfo", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("https://u:p@host")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url query", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("https://host/?a=1")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url dotdot", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("https://host/a/../b")}, wantErr: flinks.ErrInvalidOption},
		{name: "base url garbage", cid: testCID, opts: []flinks.Option{flinks.WithBaseURL("http://[::1")}, wantErr: flinks.ErrInvalidOption},
		{name: "negative retries", cid: testCID, opts: []flinks.Option{flinks.WithMaxRetries(-1)}, wantErr: flinks.ErrInvalidOption},
		{name: "zero retries", cid: testCID, opts: []flinks.Option{flinks.WithMaxRetries(0)}},
		{name: "min > max wait", cid: testCID, opts: []flinks.Option{flinks.WithRetryWait(time.Second, time.Millisecond)}, wantErr: flinks.ErrInvalidOption},
		{name: "zero wait", cid: testCID, opts: []flinks.Option{flinks.WithRetryWait(0, time.Second)}, wantErr: flinks.ErrInvalidOption},
		{name: "nil http client", cid: testCID, opts: []flinks.Option{flinks.WithHTTPClient(nil)}, wantErr: flinks.ErrInvalidOption},
		{name: "nil logger is off", cid: testCID, opts: []flinks.Option{flinks.WithLogger(nil)}},
		{name: "zero poll interval", cid: testCID, opts: []flinks.Option{flinks.WithPollInterval(0)}, wantErr: flinks.ErrInvalidOption},
		{name: "negative poll timeout", cid: testCID, opts: []flinks.Option{flinks.WithPollTimeout(-time.Second)}, wantErr: flinks.ErrInvalidOption},
		{name: "empty api key", cid: testCID, opts: []flinks.Option{flinks.WithAPIKey("")}, wantErr: flinks.ErrInvalidOption},
		{name: "newline in secret", cid: testCID, opts: []flinks.Option{flinks.WithSecretKey("a\r\nX-Evil: 1")}, wantErr: flinks.ErrInvalidOption},
		{name: "empty api secret", cid: testCID, opts: []flinks.Option{flinks.WithAPISecret("")}, wantErr: flinks.ErrInvalidOption},
		{name: "empty user agent", cid: testCID, opts: []flinks.Option{flinks.WithUserAgent(" ")}, wantErr: flinks.ErrInvalidOption},
		{name: "nil option ignored", cid: testCID, opts: []flinks.Option{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := flinks.NewClient(tt.cid, tt.opts...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, c)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, c.HTTPClient())
		})
	}
}

func TestNewClientBaseURL(t *testing.T) {
	c, err := flinks.NewClient(testCID)
	require.NoError(t, err)
	require.Equal(t, "https://toolbox-api.private.fin.ag", c.BaseURL())
	c, err = flinks.NewClient(testCID, flinks.WithInstance("acme-ca"))
	require.NoError(t, err)
	require.Equal(t, "https://acme-ca-api.private.fin.ag", c.BaseURL())
	c, err = flinks.NewClient(testCID, flinks.WithInstance("acme-ca"), flinks.WithBaseURL("http://127.0.0.1:9/x/"))
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:9/x", c.BaseURL(), "last option wins")
	require.ErrorIs(t, func() error { _, err := flinks.NewClient("a b"); return err }(), sdkerrors.ErrBadRequest)
}

func TestClientPrintsNoSecrets(t *testing.T) {
	c, err := flinks.NewClient(testCID, flinks.WithAPIKey(testAPIKey), flinks.WithSecretKey(testSecretKey),
		flinks.WithAPISecret("apisecret-LEAKCHECK-4444"), flinks.WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("client", "c", c, "v", *c)
	outs := []string{
		fmt.Sprint(c), fmt.Sprintf("%v", *c), fmt.Sprintf("%+v", c), fmt.Sprintf("%+v", *c),
		fmt.Sprintf("%#v", c), fmt.Sprintf("%#v", *c), logBuf.String(),
	}
	for _, s := range outs {
		for _, secret := range []string{testCID, testAPIKey, testSecretKey, "apisecret-LEAKCHECK-4444"} {
			require.NotContains(t, s, secret)
		}
	}
	require.Contains(t, c.String(), "APIKey: [redacted]")
	require.True(t, strings.HasPrefix(fmt.Sprint(c), "flinks.Client{BaseURL: https://toolbox-api.private.fin.ag"))
}

func TestInvalidArgumentsSendNothing(t *testing.T) {
	c := newGockClient(t)
	ctx := t.Context()
	calls := []struct {
		name string
		call func() error
	}{
		{"GetAccountsDetail", func() error { _, err := c.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{}); return err }},
		{"GetAccountsSummary", func() error {
			_, err := c.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: " "})
			return err
		}},
		{"GetStatements", func() error { _, err := c.GetStatements(ctx, flinks.StatementsRequest{}); return err }},
		{"GetAccountsDetailAsync", func() error { _, err := c.GetAccountsDetailAsync(ctx, ""); return err }},
		{"GetAccountsSummaryAsync", func() error { _, err := c.GetAccountsSummaryAsync(ctx, ""); return err }},
		{"GetStatementsAsync", func() error { _, err := c.GetStatementsAsync(ctx, ""); return err }},
		{"Authorize", func() error { _, err := c.Authorize(ctx, flinks.AuthorizeRequest{}); return err }},
		{"Authorize", func() error {
			_, err := c.Authorize(ctx, flinks.AuthorizeRequest{Username: "u"})
			return err
		}},
		{"Authorize", func() error {
			_, err := c.Authorize(ctx, flinks.AuthorizeRequest{RequestID: testRequestID})
			return err
		}},
		{"DeleteCard", func() error { return c.DeleteCard(ctx, "") }},
		{"SetScheduledRefresh", func() error { return c.SetScheduledRefresh(ctx, "", true) }},
		{"GetMFAQuestions", func() error { _, err := c.GetMFAQuestions(ctx, ""); return err }},
		{"AnswerMFAQuestions", func() error { return c.AnswerMFAQuestions(ctx, testLoginID, nil) }},
		{"AnswerMFAQuestions", func() error {
			return c.AnswerMFAQuestions(ctx, testLoginID, []flinks.MFAQuestion{{Question: "q"}})
		}},
		{"InstitutionByRoutingNumber", func() error { _, err := c.InstitutionByRoutingNumber(ctx, "12ab"); return err }},
		{"GetIncomeAttributes", func() error {
			_, err := c.GetIncomeAttributes(ctx, flinks.AttributesRequest{LoginID: testLoginID})
			return err
		}},
		{"Attributes", func() error {
			_, err := c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: testLoginID, RequestID: testRequestID})
			return err
		}},
		{"Attributes", func() error {
			_, err := c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: testLoginID, RequestID: testRequestID,
				Attributes: []string{"a"}, LimitDays: 400})
			return err
		}},
		{"Attributes", func() error {
			_, err := c.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: testLoginID, RequestID: testRequestID,
				Attributes: []string{"a"}, Detail: []string{"b"}})
			return err
		}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, flinks.ErrInvalidArgument)
			require.ErrorIs(t, err, sdkerrors.ErrBadRequest)
			var oe *sdkerrors.OperationError
			require.ErrorAs(t, err, &oe)
			require.Equal(t, tt.name, oe.Operation)
			require.True(t, strings.HasPrefix(err.Error(), "flinks "+tt.name+": "), err.Error())
		})
	}
	requireDone(t)
}
