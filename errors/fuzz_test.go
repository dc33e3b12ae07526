package errors_test

import (
	"strings"
	"testing"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

var fuzzSeeds = []string{
	`{"HttpStatusCode":401,"FlinksCode":"INVALID_LOGIN","Message":"The LoginId provided is either invalid","Links":[{"rel":"Authorization","href":"/Authorize","example":null}],"RequestId":"006fd2f3-055b-4ef6-a9fc-c1261cd76ec6"}`,
	`{"FlinksCode":"OPERATION_PENDING","Links":[],"HttpStatusCode":202,"Message":"Your operation is still processing","RequestId":"077785a3-fd0f-42f7-9251-ee2ff7f3b4ff"}`,
	`{"HttpStatusCode":203,"SecurityChallenges":[{"Type":"QuestionAndAnswer","Prompt":"What shape do people like most?"}]}`,
	`{"error":"Retrieving user data. Please try again in a moment.","error_code":20002}`,
	`{"success":false,"error":{"code":"ValidationError","details":[{"error_type":"missing","field":"redirect_uri"}]},"trace_id":"abc"}`,
	`{"error":"Invalid credentials"}`,
	`{"error":{"code":20002}}`,
	`"LoginId bb8b8569-3bfc-43c1-ae31-08d6decf1675 has now been activated"`,
	`<html><head><title>502 Bad Gateway</title></head></html>`,
	``, `null`, `[]`, `{"FlinksCode":`, `{"error_code":1e400}`, `{"HttpStatusCode":"abc"}`,
	"\xff\xfe{\"a\":1}",
}

func FuzzDecodeFlinks(f *testing.F) {
	for _, s := range fuzzSeeds {
		for _, st := range []int{200, 202, 401, 500} {
			f.Add(st, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := sdkerrors.DecodeFlinks(status, body)
		checkDecoded(t, err, body)
	})
}

func FuzzDecodeFlanks(f *testing.F) {
	for _, s := range fuzzSeeds {
		for _, st := range []int{200, 202, 400, 401, 503} {
			f.Add(st, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := sdkerrors.DecodeFlanks(status, body)
		checkDecoded(t, err, body)
	})
}

func checkDecoded(t *testing.T, err error, body []byte) {
	t.Helper()
	if err == nil {
		return
	}
	var api *sdkerrors.APIError
	if !sdkerrors.As(err, &api) {
		t.Fatalf("not an APIError: %T", err)
	}
	if len(api.Body) > sdkerrors.MaxBodySize {
		t.Fatalf("body not capped: %d", len(api.Body))
	}
	msg := api.Error()
	if strings.ContainsAny(msg, "\n\r") && !strings.ContainsAny(api.Message, "\n\r") {
		t.Fatalf("newline in error: %q", msg)
	}
	_, _ = api.Info()
	for _, s := range []error{sdkerrors.ErrPending, sdkerrors.ErrTemporary, sdkerrors.ErrBadRequest} {
		_ = sdkerrors.Is(err, s)
	}
}
