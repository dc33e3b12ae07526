package flanks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

const statusDone = `{
  "pending": false, "blocked": false, "reset_token": null, "sca_token": null, "transaction_token": null,
  "last_transaction_date": "2026-11-20", "name": "testbank", "last_update": "2026-11-21", "time": "07:45",
  "last_update_timestamp": 1795247100, "created_at_timestamp": 1795200000,
  "errored": {"product": {"auth": false, "account": true, "card": false, "portfolio": false, "investment": false, "liability": false, "holders": false},
              "%s": {"account": false, "card": true, "investment": false, "liability": false}},
  "created": {"product": {"auth": true, "account": true, "card": true, "portfolio": true, "investment": true, "liability": true, "holders": true},
              "%s": {"account": true, "card": true, "investment": true, "liability": true}},
  "a_field_added_later": {"x": 1}
}`

func TestCredentialStatusDecodesBothTransactionKeys(t *testing.T) {
	for _, key := range []string{"transactions", "transaction"} {
		t.Run(key, func(t *testing.T) {
			c := newGockClient(t)
			mockToken(1, 3600)
			gock.New(gockHost).Post(path("/v0/bank/credentials/status")).
				JSON(map[string]string{"credentials_token": testCredToken}).
				Reply(200).BodyString(fmt.Sprintf(statusDone, key, key))
			st, err := c.GetCredentialStatus(context.Background(), testCredToken)
			if err != nil {
				t.Fatal(err)
			}
			if st.Pending || st.Blocked || st.SCAToken != "" || st.ActionRequired() != "" {
				t.Errorf("status = %v", st)
			}
			if !st.Errored.Transactions.Card || !st.Created.Transactions.Liability || !st.Errored.Product.Account {
				t.Errorf("flags not decoded: %+v / %+v", st.Errored, st.Created)
			}
			if st.LastUpdate.String() != "2026-11-21" || st.LastTransactionDate.String() != "2026-11-20" || st.Time != "07:45" {
				t.Errorf("dates: %v %v %v", st.LastUpdate, st.LastTransactionDate, st.Time)
			}
			if got := st.LastUpdateTimestamp.Unix(); got != 1795247100 {
				t.Errorf("last_update_timestamp = %d", got)
			}
			assertGockDone(t)
		})
	}
}

func TestExtractionFlagsTolerateOldShapes(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/v0/bank/credentials/status")).
		Reply(200).BodyString(`{"pending": true, "errored": false, "created": null}`)
	st, err := c.GetCredentialStatus(context.Background(), testCredToken)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Pending || st.Errored.Any() || st.Created.Any() {
		t.Errorf("status = %v", st)
	}
	assertGockDone(t)
}

func statusBody(pending, blocked bool, sca, reset string) map[string]any {
	m := map[string]any{"pending": pending, "blocked": blocked, "name": "testbank", "sca_token": nil, "reset_token": nil}
	if sca != "" {
		m["sca_token"] = sca
	}
	if reset != "" {
		m["reset_token"] = reset
	}
	return m
}

func TestWaitForCredentialsPollsUntilNotPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Default interval (5 s) and timeout (15 min), on the fake clock.
		c := newGockClient(t, flanks.WithPollInterval(flanks.DefaultPollInterval), flanks.WithPollTimeout(flanks.DefaultPollTimeout))
		mockToken(1, 3600)
		gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Times(3).Reply(200).JSON(statusBody(true, false, "", ""))
		gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Reply(200).JSON(statusBody(false, false, "", ""))
		start := time.Now()
		st, err := c.WaitForCredentials(context.Background(), testCredToken)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending {
			t.Errorf("still pending")
		}
		if waited := time.Since(start); waited < 15*time.Second || waited > 17*time.Second {
			t.Errorf("waited %v, want 3 intervals of 5 s (+ up to 10%% jitter)", waited)
		}
		assertGockDone(t)
	})
}

func TestWaitForCredentialsStopsWhenUserMustAct(t *testing.T) {
	cases := []struct {
		name   string
		body   map[string]any
		reason flanks.ActionReason
		also   error
	}{
		{"sca", statusBody(false, false, "sca-token-SECRET-1234567890ab", ""), flanks.ActionSCA, sdkerrors.ErrScaRequired},
		{"sca while pending", statusBody(true, false, "sca-token-SECRET-1234567890ab", ""), flanks.ActionSCA, sdkerrors.ErrSecurityChallenge},
		{"blocked", statusBody(false, true, "", "reset-token-SECRET-1234567890ab"), flanks.ActionBlocked, sdkerrors.ErrBadCredentials},
		{"reset", statusBody(false, false, "", "reset-token-SECRET-1234567890ab"), flanks.ActionReset, sdkerrors.ErrUserActionRequired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newGockClient(t)
			mockToken(1, 3600)
			gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Reply(200).JSON(statusBody(true, false, "", ""))
			gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Reply(200).JSON(tc.body)
			st, err := c.WaitForCredentials(context.Background(), testCredToken)
			var ua *flanks.UserActionError
			if !errors.As(err, &ua) || ua.Reason != tc.reason {
				t.Fatalf("err = %v, want UserActionError(%s)", err, tc.reason)
			}
			if !errors.Is(err, sdkerrors.ErrUserActionRequired) || !errors.Is(err, tc.also) {
				t.Errorf("err = %v does not match its categories", err)
			}
			if st == nil || st.ActionRequired() != tc.reason || ua.Status != st {
				t.Errorf("status = %v", st)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%v", st), fmt.Sprintf("%#v", *st)} {
				if strings.Contains(s, "SECRET") {
					t.Errorf("token leaked: %s", s)
				}
			}
			assertGockDone(t)
		})
	}
}

func TestWaitForCredentialsTimeoutAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newGockClient(t, flanks.WithPollInterval(5*time.Second), flanks.WithPollTimeout(time.Minute))
		mockToken(1, 3600)
		gock.New(gockHost).Post(path("/v0/bank/credentials/status")).Persist().Reply(200).JSON(statusBody(true, false, "", ""))
		st, err := c.WaitForCredentials(context.Background(), testCredToken)
		if !errors.Is(err, sdkerrors.ErrPollTimeout) || !errors.Is(err, sdkerrors.ErrPending) {
			t.Fatalf("err = %v, want ErrPollTimeout", err)
		}
		var pt *sdkerrors.PollTimeoutError
		if !errors.As(err, &pt) || pt.Polls < 12 {
			t.Errorf("poll timeout = %+v", pt)
		}
		if st == nil || !st.Pending {
			t.Errorf("want the last status, got %v", st)
		}
		if !strings.HasPrefix(err.Error(), "flanks WaitForCredentials: ") {
			t.Errorf("err = %q", err)
		}

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(12*time.Second, cancel)
		_, err = c.WaitForCredentials(ctx, testCredToken)
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "flanks WaitForCredentials: ") {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestForceCredentials(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	for _, f := range []struct {
		force flanks.Force
		key   string
	}{{flanks.ForceSCA, "sca_token"}, {flanks.ForceReset, "reset_token"}, {flanks.ForceTransaction, "transaction_token"}} {
		gock.New(gockHost).Put(path("/v0/bank/credentials/status")).
			JSON(map[string]string{"credentials_token": testCredToken, "force": string(f.force)}).
			Reply(200).JSON(map[string]string{f.key: "tok-" + f.key})
		tok, err := c.ForceCredentials(context.Background(), testCredToken, f.force)
		if err != nil || tok != "tok-"+f.key {
			t.Fatalf("%s: tok=%q err=%v", f.force, tok, err)
		}
	}
	gock.New(gockHost).Put(path("/v0/bank/credentials/status")).Reply(200).JSON(map[string]string{})
	if _, err := c.ForceCredentials(context.Background(), testCredToken, flanks.ForceSCA); !errors.Is(err, sdkerrors.ErrUnexpectedResponse) {
		t.Errorf("empty answer: err = %v", err)
	}
	if _, err := c.ForceCredentials(context.Background(), "", flanks.ForceSCA); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("empty token: err = %v", err)
	}
	assertGockDone(t)
}

func TestDeleteCredentialsSendsJSONBodyOnce(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	gock.New(gockHost).Delete(path("/v0/bank/credentials")).
		JSON(map[string]string{"credentials_token": testCredToken}).
		Reply(200).JSON(map[string]string{"message": "Successfully deleted"})
	if err := c.DeleteCredentials(context.Background(), testCredToken); err != nil {
		t.Fatal(err)
	}
	// A 503 on a delete is not retried: the first attempt may have deleted.
	gock.New(gockHost).Delete(path("/v0/bank/credentials")).Reply(503).JSON(map[string]string{"error": "Internal Error"})
	err := c.DeleteCredentials(context.Background(), testCredToken)
	if !errors.Is(err, sdkerrors.ErrTemporary) {
		t.Fatalf("err = %v", err)
	}
	gock.New(gockHost).Delete(path("/v0/bank/credentials")).
		Reply(400).JSON(map[string]any{"error": "Invalid credentials_token", "error_code": 40001})
	if err := c.DeleteCredentials(context.Background(), testCredToken); !errors.Is(err, sdkerrors.ErrConfigurationError) {
		t.Fatalf("err = %v", err)
	}
	assertGockDone(t)
}

func TestListCredentialsWalksPages(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	for p := 1; p <= 3; p++ {
		gock.New(gockHost).Post(path("/v0/bank/credentials/list")).JSON(map[string]int{"page": p}).
			Reply(200).JSON(map[string]any{
			"items": []map[string]any{
				{"credentials_token": fmt.Sprintf("ct-%d-a", p), "external_id": nil, "bank": "testbank", "status": "ok"},
				{"credentials_token": fmt.Sprintf("ct-%d-b", p), "external_id": "ext", "bank": "bbva", "status": "pending"},
			},
			"page": p, "pages": 3,
		})
	}
	var got []string
	for s, err := range c.ListCredentials(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s.CredentialsToken)
	}
	if strings.Join(got, ",") != "ct-1-a,ct-1-b,ct-2-a,ct-2-b,ct-3-a,ct-3-b" {
		t.Errorf("got %v", got)
	}
	// Breaking after the first item fetches one page only.
	gock.New(gockHost).Post(path("/v0/bank/credentials/list")).JSON(map[string]int{"page": 1}).
		Reply(200).JSON(map[string]any{"items": []map[string]any{{"credentials_token": "x"}, {"credentials_token": "y"}}, "page": 1, "pages": 9})
	for range c.ListCredentials(context.Background()) {
		break
	}
	assertGockDone(t)
}

func TestCreateCredentials(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	req := flanks.CreateCredentialsRequest{Bank: "testbank", Username: "bank-user-SECRET-77", Password: "bank-pass-SECRET-88"}
	gock.New(gockHost).Post(path("/v0/bank/credentials")).
		JSON(map[string]string{"bank": "testbank", "username": "bank-user-SECRET-77", "password": "bank-pass-SECRET-88"}).
		Reply(200).JSON(map[string]string{"credentials_token": testCredToken, "message": "User created successfully"})
	res, err := c.CreateCredentials(context.Background(), req)
	if err != nil || res.CredentialsToken != testCredToken || res.Delayed {
		t.Fatalf("res=%v err=%v", res, err)
	}

	gock.New(gockHost).Post(path("/v0/bank/credentials")).
		Reply(202).JSON(map[string]any{"message": "Token is delayed during security checks", "credentials_token": testCredToken, "error_code": 20003})
	res, err = c.CreateCredentials(context.Background(), req)
	var de *flanks.DelayedError
	if !errors.Is(err, sdkerrors.ErrScaError) || !errors.As(err, &de) || de.CredentialsToken != testCredToken {
		t.Fatalf("202: err = %v", err)
	}
	if res == nil || !res.Delayed || res.CredentialsToken != testCredToken {
		t.Fatalf("202: res = %v", res)
	}

	for _, tc := range []struct {
		status int
		code   int
		want   error
	}{
		{400, 50002, sdkerrors.ErrCredentialsError},
		{400, 50003, sdkerrors.ErrScaRequired},
		{503, 50001, sdkerrors.ErrBankError},
		{409, 40001, sdkerrors.ErrConfigurationError},
	} {
		// Sent once: even a 503 BANK_ERROR is not retried (it logged in at the bank).
		gock.New(gockHost).Post(path("/v0/bank/credentials")).
			Reply(tc.status).JSON(map[string]any{"error": "some message", "error_code": tc.code})
		_, err := c.CreateCredentials(context.Background(), req)
		if !errors.Is(err, tc.want) {
			t.Errorf("%d: err = %v, want %v", tc.code, err, tc.want)
		}
	}
	if _, err := c.CreateCredentials(context.Background(), flanks.CreateCredentialsRequest{Bank: "x"}); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("missing fields: err = %v", err)
	}
	for _, s := range []string{fmt.Sprint(req), fmt.Sprintf("%+v", req), fmt.Sprintf("%#v", req)} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("leak: %s", s)
		}
	}
	assertGockDone(t)
}
