package errors_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Scrub removes the values a caller sent from every message, whole: also
// from an excerpt whose cut or generic redaction would have left a part.
func TestScrub(t *testing.T) {
	const key = "zqKey 9c1#e70"     // short, with a space: no generic pattern hides it
	const login = "ZqLogin 8c1-41d" // in a path, where Redact masks a run ending inside it
	cases := map[string]*sdkerrors.APIError{
		"json message": sdkerrors.DecodeFlinks(400, []byte(`{"FlinksCode":"INVALID_LOGIN","Message":"key `+key+` for /v3/abc/BankingServices/GetMFAQuestions/`+login+` refused"}`)).(*sdkerrors.APIError),
		"html excerpt": sdkerrors.DecodeFlinks(502, []byte(`<html>/v3/abc/BankingServices/GetMFAQuestions/`+login+` `+key+`</html>`)).(*sdkerrors.APIError),
		"cut excerpt":  sdkerrors.DecodeFlanks(500, []byte(strings.Repeat("x", 195)+key+" tail")).(*sdkerrors.APIError),
		"unexpected":   sdkerrors.NewUnexpected("flinks", 200, []byte("<p>"+login+"</p>"), "not JSON"),
		"v2 details":   sdkerrors.DecodeFlanks(400, []byte(`{"success":false,"error":{"code":"ValidationError","message":"`+key+`","details":[{"error_type":"`+key+`","field":"`+login+`"}]}}`)).(*sdkerrors.APIError),
		"escaped":      sdkerrors.DecodeFlinks(404, []byte(`<html>GET /GetMFAQuestions/ZqLogin%208c1-41d not found; key zqKey 9c1#e70</html>`)).(*sdkerrors.APIError),
	}
	for name, api := range cases {
		// (fmt.Errorf would freeze the message: the SDK's wrappers format
		// lazily, as these do.)
		wrapped := &sdkerrors.OperationError{Provider: "flinks", Operation: "Op", Err: &sdkerrors.PollTimeoutError{Last: api}}
		if sdkerrors.Scrub(wrapped, key, login) != error(wrapped) {
			t.Fatalf("%s: Scrub returned another error", name)
		}
		for _, text := range []string{wrapped.Error(), fmt.Sprintf("%#v", api), api.Message, fmt.Sprint(api.Details)} {
			for _, frag := range []string{"zqKey", "9c1#e70", "ZqLogin", "8c1-41d"} {
				if strings.Contains(text, frag) {
					t.Errorf("%s: %q survives in %q", name, frag, text)
				}
			}
		}
		if !strings.Contains(wrapped.Error(), "[reda") { // an excerpt may cut the mask
			t.Errorf("%s: nothing redacted: %s", name, wrapped)
		}
	}
	// Scrubbing twice keeps the first scrub.
	api := sdkerrors.DecodeFlinks(502, []byte("<p>"+key+" and "+login+"</p>")).(*sdkerrors.APIError)
	api.Scrub(key)
	api.Scrub(login)
	if strings.Contains(api.Error(), "zqKey") || strings.Contains(api.Error(), "ZqLogin") {
		t.Errorf("second Scrub undid the first: %s", api)
	}
	if sdkerrors.Scrub(nil, key) != nil {
		t.Error("Scrub(nil) is not nil")
	}
}

// A malformed response quotes the server's bytes in net/http's error; a
// NetworkError shows none of them, whichever way it is printed or unwrapped.
func TestNetworkErrorHidesServerBytes(t *testing.T) {
	inner := fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w",
		errors.New(`malformed MIME header line: "X-Echo zqKey 9c1#e70 | ZqLogin 8c1"`))
	ne := &sdkerrors.NetworkError{Op: "GET", Err: inner}
	texts := []string{ne.Error(), fmt.Sprintf("%v|%+v|%#v|%s", ne, ne, ne, ne)}
	for e := error(ne); e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error(), fmt.Sprintf("%#v", e))
	}
	for _, text := range texts {
		if strings.Contains(text, "zqKey") || strings.Contains(text, "ZqLogin") {
			t.Errorf("server bytes in %q", text)
		}
	}
	if !strings.Contains(ne.Error(), `malformed MIME header line: "…"`) {
		t.Errorf("the failure is no longer described: %s", ne)
	}
	if !errors.Is(ne, sdkerrors.ErrTemporary) {
		t.Error("no longer temporary")
	}
}
