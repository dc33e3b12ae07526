package errors_test

import (
	"fmt"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Branch on a failure with one check per category, whichever provider
// answered.
func Example() {
	flinksErr := sdkerrors.DecodeFlinks(401, []byte(`{"HttpStatusCode":401,"FlinksCode":"INVALID_PASSWORD","Message":"The password provided was different from what the bank expected."}`))
	flanksErr := sdkerrors.DecodeFlanks(400, []byte(`{"error":"Incorrect bank credentials","error_code":50002}`))
	for _, err := range []error{flinksErr, flanksErr} {
		fmt.Println(err)
		fmt.Println("  bad credentials:", sdkerrors.Is(err, sdkerrors.ErrBadCredentials))
		fmt.Println("  retryable:", sdkerrors.IsRetryable(err))
	}
	// Output:
	// flinks INVALID_PASSWORD (HTTP 401): The password provided was different from what the bank expected.
	//   bad credentials: true
	//   retryable: false
	// flanks CREDENTIALS_ERROR (50002) (HTTP 400): Incorrect bank credentials
	//   bad credentials: true
	//   retryable: false
}

// Every code carries its documented meaning and the action to take.
func ExampleAPIError_Info() {
	err := sdkerrors.DecodeFlinks(202, []byte(`{"FlinksCode":"OPERATION_DISPATCHED","HttpStatusCode":202,"RequestId":"077785a3-fd0f-42f7-9251-ee2ff7f3b4ff"}`))
	var apiErr *sdkerrors.APIError
	if sdkerrors.As(err, &apiErr) {
		info, _ := apiErr.Info()
		fmt.Println(apiErr.Code, sdkerrors.Is(err, sdkerrors.ErrPending))
		fmt.Println(info.Meaning)
	}
	// Output:
	// OPERATION_DISPATCHED true
	// The synchronous request took more than 210 seconds and was moved to the background.
}

// A FlinksCode from a Flinks Connect event or a webhook gives the same
// error as the API would.
func ExampleFlinksCode() {
	err := sdkerrors.FlinksCode("DISABLED_LOGIN")
	fmt.Println(sdkerrors.Is(err, sdkerrors.ErrDisabledLogin), sdkerrors.Is(err, sdkerrors.ErrUserActionRequired))
	// Output: true true
}
