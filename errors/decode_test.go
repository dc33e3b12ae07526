package errors_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// flinksCase is one documented FlinksCode with the sentinel and categories
// it must match.
type flinksCase struct {
	code   string
	status int // documented status (seed 000 / 003)
	alt    int // another status the same code is seen under
	want   error
	cats   []error
	not    []error
}

var flinksCases = []flinksCase{
	{"OPERATION_PENDING", 202, 200, sdkerrors.ErrOperationPending, []error{sdkerrors.ErrPending}, []error{sdkerrors.ErrTemporary}},
	{"OPERATION_DISPATCHED", 202, 200, sdkerrors.ErrOperationDispatched, []error{sdkerrors.ErrPending}, nil},
	{"SESSION_NONEXISTENT", 400, 401, sdkerrors.ErrSessionNonexistent, []error{sdkerrors.ErrSessionInvalid}, []error{sdkerrors.ErrBadRequest}},
	{"CARD_IN_USE", 400, 401, sdkerrors.ErrCardInUse, []error{sdkerrors.ErrTemporary}, nil},
	{"ACCESS_DENIED", 401, 403, sdkerrors.ErrAccessDenied, []error{sdkerrors.ErrAuthentication}, nil},
	{"INVALID_LOGIN", 401, 400, sdkerrors.ErrInvalidLogin, []error{sdkerrors.ErrBadCredentials}, []error{sdkerrors.ErrTemporary, sdkerrors.ErrAuthentication}},
	{"INVALID_REQUEST", 401, 400, sdkerrors.ErrInvalidRequest, []error{sdkerrors.ErrBadRequest}, []error{sdkerrors.ErrAuthentication}},
	{"INVALID_SECURITY_RESPONSE", 401, 400, sdkerrors.ErrInvalidSecurityResponse, []error{sdkerrors.ErrSecurityChallenge}, nil},
	{"INVALID_SECURITY_RESPONSE_NO_RETRY", 401, 400, sdkerrors.ErrInvalidSecurityResponseNoRetry, []error{sdkerrors.ErrSecurityChallenge, sdkerrors.ErrInvalidSecurityResponse}, nil},
	{"INVALID_USERNAME", 401, 400, sdkerrors.ErrInvalidUsername, []error{sdkerrors.ErrBadCredentials}, nil},
	{"INVALID_PASSWORD", 401, 400, sdkerrors.ErrInvalidPassword, []error{sdkerrors.ErrBadCredentials}, nil},
	{"QUESTION_NOT_FOUND", 401, 400, sdkerrors.ErrQuestionNotFound, []error{sdkerrors.ErrSecurityChallenge}, nil},
	{"RETRY_LATER", 401, 400, sdkerrors.ErrRetryLater, []error{sdkerrors.ErrTemporary}, []error{sdkerrors.ErrAuthentication, sdkerrors.ErrBadCredentials}},
	{"TOO_MANY_REQUESTS", 401, 403, sdkerrors.ErrTooManyRequests, []error{sdkerrors.ErrTemporary, sdkerrors.ErrRateLimited}, nil},
	{"UNKNOWN_CHALLENGE_KEY", 401, 400, sdkerrors.ErrUnknownChallengeKey, []error{sdkerrors.ErrSecurityChallenge}, nil},
	{"CONCURRENT_SESSION", 401, 409, sdkerrors.ErrConcurrentSession, []error{sdkerrors.ErrTemporary}, nil},
	{"UNAUTHORIZED", 401, 403, sdkerrors.ErrUnauthorized, []error{sdkerrors.ErrUserActionRequired}, []error{sdkerrors.ErrAuthentication}},
	{"UNHANDLED", 401, 500, sdkerrors.ErrUnhandled, nil, []error{sdkerrors.ErrTemporary}},
	{"DISABLED_LOGIN", 401, 400, sdkerrors.ErrDisabledLogin, []error{sdkerrors.ErrUserActionRequired}, []error{sdkerrors.ErrTemporary}},
	{"NEW_ACCOUNT", 401, 400, sdkerrors.ErrNewAccount, []error{sdkerrors.ErrUserActionRequired}, nil},
	{"SESSION_EXPIRED", 401, 400, sdkerrors.ErrSessionExpired, []error{sdkerrors.ErrSessionInvalid}, nil},
	{"ALREADY_AUTHORIZED", 401, 400, sdkerrors.ErrAlreadyAuthorized, []error{sdkerrors.ErrSessionInvalid}, nil},
	{"SECURITYRESPONSES_INCOMPLETE", 401, 400, sdkerrors.ErrSecurityResponsesIncomplete, []error{sdkerrors.ErrSecurityChallenge}, nil},
	{"NO_TRANSACTION", 404, 400, sdkerrors.ErrNoTransaction, nil, []error{sdkerrors.ErrNotFound}},
	{"DISABLED_INSTITUTION", 405, 400, sdkerrors.ErrDisabledInstitution, nil, []error{sdkerrors.ErrBadRequest}},
	{"AGGREGATION_ERROR", 500, 400, sdkerrors.ErrAggregationError, []error{sdkerrors.ErrTemporary}, nil},
	{"METHOD_NOT_AVAILABLE", 501, 400, sdkerrors.ErrMethodNotAvailable, nil, []error{sdkerrors.ErrTemporary}},
	{"BANK_MAINTENANCE_RETRY_LATER", 401, 400, sdkerrors.ErrBankMaintenanceRetryLater, []error{sdkerrors.ErrTemporary}, nil},
}

func TestDecodeFlinksEveryCode(t *testing.T) {
	for _, tc := range flinksCases {
		for _, status := range []int{tc.status, tc.alt} {
			t.Run(fmt.Sprintf("%s/%d", tc.code, status), func(t *testing.T) {
				body := fmt.Sprintf(`{"HttpStatusCode":%d,"FlinksCode":%q,"Message":"m","RequestId":"rid-1","Links":[]}`, status, tc.code)
				err := sdkerrors.DecodeFlinks(status, []byte(body))
				require.Error(t, err)
				var api *sdkerrors.APIError
				require.True(t, sdkerrors.As(err, &api))
				assert.Equal(t, "flinks", api.Provider)
				assert.Equal(t, tc.code, api.Code)
				assert.Equal(t, "rid-1", api.RequestID)
				assert.ErrorIs(t, err, tc.want)
				for _, c := range tc.cats {
					assert.ErrorIs(t, err, c)
				}
				for _, c := range tc.not {
					assert.NotErrorIs(t, err, c)
				}
				info, ok := api.Info()
				require.True(t, ok)
				assert.NotEmpty(t, info.Meaning)
				assert.NotEmpty(t, info.Action)
				// FlinksCode gives the same sentinel outside HTTP.
				assert.ErrorIs(t, sdkerrors.FlinksCode(tc.code), tc.want)
			})
		}
	}
}

func TestEverySeedCodeIsKnown(t *testing.T) {
	// Every FlinksCode of seeds 000/002/003 and the dashboard statuses.
	for _, code := range []string{"OPERATION_PENDING", "OPERATION_DISPATCHED", "SESSION_NONEXISTENT", "CARD_IN_USE",
		"ACCESS_DENIED", "INVALID_LOGIN", "INVALID_REQUEST", "INVALID_SECURITY_RESPONSE", "INVALID_USERNAME",
		"INVALID_PASSWORD", "QUESTION_NOT_FOUND", "RETRY_LATER", "TOO_MANY_REQUESTS", "UNKNOWN_CHALLENGE_KEY",
		"CONCURRENT_SESSION", "UNAUTHORIZED", "UNHANDLED", "DISABLED_LOGIN", "NEW_ACCOUNT", "SESSION_EXPIRED",
		"ALREADY_AUTHORIZED", "SECURITYRESPONSES_INCOMPLETE", "NO_TRANSACTION", "DISABLED_INSTITUTION",
		"AGGREGATION_ERROR", "METHOD_NOT_AVAILABLE", "Bank Maintenance Retry Later", "Session Expired",
		"Invalid Password", "Invalid Username", "Invalid Login", "New Account", "Disabled Login", "Retry Later",
		"Invalid Security Response", "Unknown Challenge Key", "Unauthorized", "Operation Pending",
		"Operation Dispatched", "Session Nonexistent", "Concurrent Session"} {
		_, ok := sdkerrors.Lookup("flinks", code)
		assert.True(t, ok, code)
	}
	assert.Len(t, sdkerrors.Codes("flanks"), 9)
	assert.Len(t, sdkerrors.Codes("flinks"), 28)
	assert.Nil(t, sdkerrors.Codes("other"))
}

func TestDecodeFlinksSuccessAndEdges(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		nilErr bool
		is     []error
		code   string
	}{
		{"200 data", 200, `{"HttpStatusCode":200,"Accounts":[]}`, true, nil, ""},
		{"203 mfa", 203, `{"HttpStatusCode":203,"SecurityChallenges":[{"Type":"QuestionAndAnswer","Prompt":"p"}]}`, true, nil, ""},
		{"code OK", 200, `{"FlinksCode":"OK"}`, true, nil, ""},
		{"code CREATED", 201, `{"FlinksCode":"created"}`, true, nil, ""},
		{"bare string 200", 200, `"LoginId x has now been activated"`, true, nil, ""},
		{"empty 200", 200, ``, true, nil, ""},
		{"200 with error code", 200, `{"HttpStatusCode":401,"FlinksCode":"INVALID_LOGIN","Message":"no"}`, false, []error{sdkerrors.ErrInvalidLogin}, "INVALID_LOGIN"},
		{"200 body says 500", 200, `{"HttpStatusCode":500,"Message":"boom"}`, false, []error{sdkerrors.ErrTemporary}, ""},
		{"lower-case key", 401, `{"flinksCode":"retry_later"}`, false, []error{sdkerrors.ErrRetryLater}, "RETRY_LATER"},
		{"null code 401", 401, `{"FlinksCode":null,"Message":"You must provide a valid authorize token"}`, false, []error{sdkerrors.ErrAuthentication}, ""},
		{"202 no code", 202, `{"HttpStatusCode":202}`, false, []error{sdkerrors.ErrPending}, ""},
		{"202 empty", 202, ``, false, []error{sdkerrors.ErrPending}, ""},
		{"HTML 502", 502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, false, []error{sdkerrors.ErrTemporary, sdkerrors.ErrUnexpectedResponse}, ""},
		{"HTML 200", 200, `<html>oops</html>`, false, []error{sdkerrors.ErrUnexpectedResponse}, ""},
		{"truncated", 400, `{"FlinksCode":"INVAL`, false, []error{sdkerrors.ErrUnexpectedResponse, sdkerrors.ErrBadRequest}, ""},
		{"bare string 400", 400, `"Invalid LoginId"`, false, []error{sdkerrors.ErrBadRequest}, ""},
		{"429 no body", 429, ``, false, []error{sdkerrors.ErrRateLimited, sdkerrors.ErrTemporary}, ""},
		{"503 empty", 503, ``, false, []error{sdkerrors.ErrTemporary}, ""},
		{"405", 405, `{"Message":"Method not allowed"}`, false, []error{sdkerrors.ErrBadRequest}, ""},
		{"415", 415, `{}`, false, []error{sdkerrors.ErrBadRequest}, ""},
		{"404", 404, `{}`, false, []error{sdkerrors.ErrNotFound}, ""},
		{"unknown code", 400, `{"FlinksCode":"BRAND_NEW_CODE","Message":"x"}`, false, []error{sdkerrors.ErrBadRequest}, "BRAND_NEW_CODE"},
		{"501 no code", 501, ``, false, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := sdkerrors.DecodeFlinks(tc.status, []byte(tc.body))
			if tc.nilErr {
				assert.NoError(t, err)
				return
			}
			var api *sdkerrors.APIError
			require.True(t, sdkerrors.As(err, &api), "%v", err)
			assert.Equal(t, tc.code, api.Code)
			for _, want := range tc.is {
				assert.ErrorIs(t, err, want)
			}
			if tc.status == 501 {
				assert.NotErrorIs(t, err, sdkerrors.ErrTemporary)
			}
		})
	}
}

func TestDecodeFlanks(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		nilErr bool
		is     []error
		not    []error
		code   string
		number int
	}{
		{"array", 200, `[{"_id":"x"}]`, true, nil, nil, "", 0},
		{"object", 200, `{"credentials_token":"t","message":"User created successfully"}`, true, nil, nil, "", 0},
		{"incomplete", 400, `{"error":"User data not available. Please try again later.","error_code":20001}`, false, []error{sdkerrors.ErrIncomplete}, []error{sdkerrors.ErrTemporary, sdkerrors.ErrPending}, "INCOMPLETE", 20001},
		{"processing", 400, `{"error":"Retrieving user data. Please try again in a moment.","error_code":20002}`, false, []error{sdkerrors.ErrProcessing, sdkerrors.ErrPending}, []error{sdkerrors.ErrBadRequest}, "PROCESSING", 20002},
		{"processing on 200", 200, `{"error":"Retrieving","error_code":20002}`, false, []error{sdkerrors.ErrProcessing, sdkerrors.ErrPending}, nil, "PROCESSING", 20002},
		{"processing as string", 400, `{"error":"r","error_code":"20002"}`, false, []error{sdkerrors.ErrProcessing}, nil, "PROCESSING", 20002},
		{"sca error 202", 202, `{"message":"Token is delayed during security checks","credentials_token":"t","error_code":20003}`, false, []error{sdkerrors.ErrScaError}, []error{sdkerrors.ErrPending}, "SCA_ERROR", 20003},
		{"configuration", 400, `{"error":"Missing fields: code","error_code":40001}`, false, []error{sdkerrors.ErrConfigurationError, sdkerrors.ErrBadRequest}, nil, "CONFIGURATION_ERROR", 40001},
		{"configuration 409", 409, `{"error":"An application with this name already exists","error_code":40001}`, false, []error{sdkerrors.ErrConfigurationError, sdkerrors.ErrBadRequest}, nil, "CONFIGURATION_ERROR", 40001},
		{"bank error", 503, `{"error":"bank down","error_code":50001}`, false, []error{sdkerrors.ErrBankError, sdkerrors.ErrTemporary}, nil, "BANK_ERROR", 50001},
		{"credentials error on 401", 401, `{"error":"Incorrect","error_code":50002}`, false, []error{sdkerrors.ErrCredentialsError, sdkerrors.ErrBadCredentials}, []error{sdkerrors.ErrAuthentication}, "CREDENTIALS_ERROR", 50002},
		{"sca required", 400, `{"error":"2FA","error_code":50003}`, false, []error{sdkerrors.ErrScaRequired, sdkerrors.ErrSecurityChallenge, sdkerrors.ErrUserActionRequired}, nil, "SCA_REQUIRED", 50003},
		{"invalid credentials 401", 401, `{"error":"Invalid credentials"}`, false, []error{sdkerrors.ErrAuthentication}, nil, "", 0},
		{"not authenticated 401", 401, `{"error":"Not authenticated"}`, false, []error{sdkerrors.ErrAuthentication}, nil, "", 0},
		{"access denied 403", 403, `{"error":"access_denied"}`, false, []error{sdkerrors.ErrAuthentication}, nil, "", 0},
		{"method not allowed", 405, `{"error":"Method not allowed"}`, false, []error{sdkerrors.ErrBadRequest}, nil, "", 0},
		{"unsupported media", 415, `{"error":"Not matching body content type"}`, false, []error{sdkerrors.ErrBadRequest}, nil, "", 0},
		{"internal", 500, `{"error":"Internal Error"}`, false, []error{sdkerrors.ErrTemporary}, nil, "", 0},
		{"v2 validation", 400, `{"success":false,"error":{"code":"ValidationError","details":[{"error_type":"missing","field":"query"}]},"trace_id":"tr-1"}`, false, []error{sdkerrors.ErrValidationError, sdkerrors.ErrBadRequest}, nil, "ValidationError", 0},
		{"v2 unauthenticated", 401, `{"success":false,"error":{"code":"UNAUTHENTICATED","details":[]},"trace_id":"tr-2"}`, false, []error{sdkerrors.ErrUnauthenticated, sdkerrors.ErrAuthentication}, nil, "UNAUTHENTICATED", 0},
		{"v2 success false on 200", 200, `{"success":false,"error":{"code":"DuplicatedName"}}`, false, nil, nil, "DuplicatedName", 0},
		{"v2 success", 200, `{"success":true,"data":{}}`, true, nil, nil, "", 0},
		{"html 502", 502, `<!DOCTYPE html><html>Bad gateway</html>`, false, []error{sdkerrors.ErrTemporary, sdkerrors.ErrUnexpectedResponse}, nil, "", 0},
		{"empty 500", 500, ``, false, []error{sdkerrors.ErrTemporary}, nil, "", 0},
		{"unknown number", 400, `{"error":"x","error_code":99999}`, false, []error{sdkerrors.ErrBadRequest}, nil, "99999", 99999},
		{"error is number", 400, `{"error":12}`, false, []error{sdkerrors.ErrBadRequest}, nil, "", 0},
		{"truncated", 400, `{"error":"Retr`, false, []error{sdkerrors.ErrUnexpectedResponse}, nil, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := sdkerrors.DecodeFlanks(tc.status, []byte(tc.body))
			if tc.nilErr {
				assert.NoError(t, err)
				return
			}
			var api *sdkerrors.APIError
			require.True(t, sdkerrors.As(err, &api), "%v", err)
			assert.Equal(t, "flanks", api.Provider)
			assert.Equal(t, tc.code, api.Code)
			assert.Equal(t, tc.number, api.Number)
			for _, want := range tc.is {
				assert.ErrorIs(t, err, want)
			}
			for _, want := range tc.not {
				assert.NotErrorIs(t, err, want)
			}
		})
	}
	err := sdkerrors.DecodeFlanks(400, []byte(`{"success":false,"error":{"code":"ValidationError","details":[{"error_type":"missing","field":"query"}]},"trace_id":"tr-1"}`))
	var api *sdkerrors.APIError
	require.True(t, sdkerrors.As(err, &api))
	assert.Equal(t, "tr-1", api.RequestID)
	assert.Equal(t, []sdkerrors.Detail{{ErrorType: "missing", Field: "query"}}, api.Details)
}

func TestErrorStringsAreSafe(t *testing.T) {
	guid := "5602459c-f6d0-4ca0-6750-08dccdcadcc0"
	token := "tok_3d5266a8b69748d48de652e2e2662acc"
	body := `{"FlinksCode":"INVALID_LOGIN","Message":"LoginId ` + guid + ` for token ` + token + ` at /v3/` + guid + `/BankingServices/Authorize"}`
	err := sdkerrors.DecodeFlinks(401, []byte(body))
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
		(&sdkerrors.OperationError{Provider: "flinks", Operation: "Authorize", Err: err}).Error()} {
		assert.NotContains(t, s, guid)
		assert.NotContains(t, s, token)
		assert.Contains(t, s, "INVALID_LOGIN")
	}
	html := "<html><body>" + strings.Repeat("x", 5000) + guid + "</body></html>"
	err = sdkerrors.DecodeFlanks(502, []byte(html))
	assert.Less(t, len(err.Error()), 400)
	assert.NotContains(t, err.Error(), "\n")
}

func TestBodyIsCapped(t *testing.T) {
	big := `{"error":"` + strings.Repeat("a", 200<<10) + `","error_code":50001}`
	err := sdkerrors.DecodeFlanks(500, []byte(big))
	var api *sdkerrors.APIError
	require.True(t, sdkerrors.As(err, &api))
	assert.Len(t, api.Body, sdkerrors.MaxBodySize)
	assert.ErrorIs(t, err, sdkerrors.ErrBankError)
}

func TestOperationAndPollErrors(t *testing.T) {
	api := sdkerrors.DecodeFlinks(202, []byte(`{"FlinksCode":"OPERATION_PENDING","Message":"Your operation is still processing"}`))
	op := &sdkerrors.OperationError{Provider: "flinks", Operation: "GetAccountsDetailAsync", Err: api}
	assert.Equal(t, "flinks GetAccountsDetailAsync: OPERATION_PENDING (HTTP 202): Your operation is still processing", op.Error())
	pt := &sdkerrors.PollTimeoutError{Waited: 30 * time.Minute, Polls: 180, Last: op}
	wrapped := &sdkerrors.OperationError{Provider: "flinks", Operation: "GetAccountsDetail", Err: pt}
	assert.ErrorIs(t, wrapped, sdkerrors.ErrPollTimeout)
	assert.ErrorIs(t, wrapped, sdkerrors.ErrPending)
	assert.ErrorIs(t, wrapped, sdkerrors.ErrOperationPending)
	assert.True(t, sdkerrors.IsRetryable(wrapped))
	var got *sdkerrors.APIError
	assert.True(t, sdkerrors.As(wrapped, &got))

	cancelled := &sdkerrors.OperationError{Provider: "flanks", Operation: "GetAccounts", Err: context.Canceled}
	assert.ErrorIs(t, cancelled, context.Canceled)
	assert.False(t, sdkerrors.IsRetryable(cancelled))
	assert.False(t, sdkerrors.IsRetryable(nil))
	assert.False(t, sdkerrors.IsRetryable(sdkerrors.FlinksCode("INVALID_LOGIN")))
	assert.True(t, sdkerrors.IsRetryable(sdkerrors.FlinksCode("RETRY_LATER")))
	assert.True(t, sdkerrors.IsRetryable(&sdkerrors.NetworkError{Op: "Post", Err: fmt.Errorf("reset")}))
}

func TestFlinksCode(t *testing.T) {
	assert.NoError(t, sdkerrors.FlinksCode(""))
	assert.NoError(t, sdkerrors.FlinksCode("OK"))
	err := sdkerrors.FlinksCode("SOMETHING_NEW")
	var api *sdkerrors.APIError
	require.True(t, sdkerrors.As(err, &api))
	assert.Equal(t, "SOMETHING_NEW", api.Code)
	assert.ErrorIs(t, sdkerrors.FlinksCode("Bank Maintenance Retry Later"), sdkerrors.ErrBankMaintenanceRetryLater)
	assert.ErrorIs(t, sdkerrors.FlinksCode("invalid_login"), sdkerrors.ErrBadCredentials)
}

func TestPassthroughs(t *testing.T) {
	a := sdkerrors.New("a")
	j := sdkerrors.Join(a, sdkerrors.ErrPending)
	assert.True(t, sdkerrors.Is(j, a))
	w := fmt.Errorf("w: %w", a)
	assert.Equal(t, a, sdkerrors.Unwrap(w))
}
