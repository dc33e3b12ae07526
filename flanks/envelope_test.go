package flanks_test

import (
	"context"
	"testing"

	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

// A 200 whose body is an error envelope is that error, for every call:
// decoding it into the call's model would give empty data and no error
// (found by internal/faulttest).
func TestErrorEnvelopeIn200(t *testing.T) {
	calls := []struct {
		name string
		path string
		call func(c *flanks.Client) error
	}{
		{"GetCredentialStatus", "/v0/bank/credentials/status", func(c *flanks.Client) error {
			_, err := c.GetCredentialStatus(context.Background(), testCredToken)
			return err
		}},
		{"GetIdentity", "/v0/bank/credentials/auth", func(c *flanks.Client) error {
			_, err := c.GetIdentity(context.Background(), flanks.DataRequest{CredentialsToken: testCredToken})
			return err
		}},
		{"ListLinks", "/v0/links/list-links", func(c *flanks.Client) error {
			_, err := flanks.Collect(c.ListLinks(context.Background()))
			return err
		}},
		{"ListProducts", "/aggregation/v2/list-products", func(c *flanks.Client) error {
			_, err := flanks.Collect(c.ListProducts(context.Background(), flanks.ProductQuery{}))
			return err
		}},
		{"WaitForReport", "/report/v1/get-report-status", func(c *flanks.Client) error {
			_, err := c.WaitForReport(context.Background(), 7)
			return err
		}},
	}
	envelopes := []struct {
		name string
		body string
		want error
	}{
		{"v0", `{"error":"Configuration error","error_code":40001}`, sdkerrors.ErrConfigurationError},
		{"v2", `{"success":false,"error":{"code":"ValidationError","details":[]},"trace_id":"t-1"}`, sdkerrors.ErrBadRequest},
	}
	for _, call := range calls {
		for _, env := range envelopes {
			t.Run(call.name+"/"+env.name, func(t *testing.T) {
				c := newGockClient(t)
				mockToken(1, 3600)
				gock.New(gockHost).Post(path(call.path)).Reply(200).BodyString(env.body)
				err := call.call(c)
				if !sdkerrors.Is(err, env.want) {
					t.Fatalf("err = %v, want %v", err, env.want)
				}
				var oe *sdkerrors.OperationError
				if !sdkerrors.As(err, &oe) || oe.Operation != call.name {
					t.Errorf("operation: %v", err)
				}
				assertGockDone(t)
			})
		}
	}
}

// A session's own error_code is data, not an envelope.
func TestSessionErrorCodeIsNotAnEnvelope(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/connect/v2/sessions/create-session")).Reply(200).
		BodyString(`{"session_id":"s-1","status":"Finished:Error","error_code":"InvalidCredentials"}`)
	s, err := c.CreateSession(context.Background(), flanks.SessionConfiguration{RedirectURL: "https://app.example/cb"})
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if s.SessionID != "s-1" || s.ErrorCode != flanks.SessionInvalidCredentials {
		t.Errorf("session = %+v", s)
	}
	assertGockDone(t)
}

// ExchangeLinkCodeDetails names itself in its errors.
func TestExchangeLinkCodeDetailsOperationName(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/platform/link")).Reply(400).
		BodyString(`{"error":"Invalid code","error_code":40001}`)
	_, err := c.ExchangeLinkCodeDetails(context.Background(), "code-1")
	var oe *sdkerrors.OperationError
	if !sdkerrors.As(err, &oe) || oe.Operation != "ExchangeLinkCodeDetails" {
		t.Fatalf("err = %v", err)
	}
	assertGockDone(t)
}
