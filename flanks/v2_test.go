package flanks_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/h2non/gock.v1"

	"github.com/bankdata-go/bankdata"
	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

func connectorPage(ids []string, next any) map[string]any {
	items := make([]map[string]string, len(ids))
	for i, id := range ids {
		items[i] = map[string]string{"connector_id": id, "name": strings.ToUpper(id)}
	}
	return map[string]any{"items": items, "next_page_token": next}
}

func TestPaginationFollowsTokensWithTheSameQuery(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	q := map[string]any{"connector_id_in": []string{"a", "b", "c"}}
	gock.New(gockHost).Post(path("/connect/v2/connectors/list-connectors")).
		BodyString(`^\{"query":\{"connector_id_in":\["a","b","c"\]\}\}$`).
		Reply(200).JSON(connectorPage([]string{"a", "b"}, "p2"))
	gock.New(gockHost).Post(path("/connect/v2/connectors/list-connectors")).
		JSON(map[string]any{"query": q, "page_token": "p2"}).
		Reply(200).JSON(connectorPage([]string{"c"}, nil))
	var got []string
	for con, err := range c.ListConnectors(context.Background(), flanks.ConnectorQuery{ConnectorIDIn: []string{"a", "b", "c"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, con.ConnectorID)
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("got %v", got)
	}
	assertGockDone(t)
}

func TestPaginationQueryRules(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	// nil slices are left out; an empty slice is sent (it matches nothing).
	gock.New(gockHost).Post(path("/connect/v2/sessions/list-sessions")).
		BodyString(`^\{"query":\{"status_in":\[\]\}\}$`).
		Reply(200).JSON(map[string]any{"items": []any{}, "next_page_token": nil})
	got, err := flanks.Collect(c.ListSessions(context.Background(), flanks.SessionQuery{StatusIn: []flanks.SessionStatus{}}))
	if err != nil || len(got) != 0 {
		t.Fatalf("got=%v err=%v", got, err)
	}
	gock.New(gockHost).Post(path("/aggregation/v2/list-transactions")).
		BodyString(`^\{"query":\{"product_id_in":\["p"\],"date_from":"2026-01-01"\}\}$`).
		Reply(200).JSON(map[string]any{"items": []map[string]any{{"transaction_id": "t", "amount": "-1.10", "date": "2026-02-03"}}})
	from, _ := bankdata.ParseDate("2026-01-01")
	txs, err := flanks.Collect(c.ListTransactions(context.Background(), flanks.TransactionQuery{ProductIDIn: []string{"p"}, DateFrom: from}))
	if err != nil || len(txs) != 1 || txs[0].Amount.String() != "-1.10" || txs[0].Date.String() != "2026-02-03" {
		t.Fatalf("txs=%v err=%v", txs, err)
	}
	assertGockDone(t)
}

func TestPaginationBreakStopsFetching(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/aggregation/v2/list-products")).
		Reply(200).JSON(map[string]any{"items": []map[string]any{{"product_id": "p1"}, {"product_id": "p2"}}, "next_page_token": "more"})
	n := 0
	for _, err := range c.ListProducts(context.Background(), flanks.ProductQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("n = %d", n)
	}
	assertGockDone(t) // no request for page "more"
}

func TestPaginationRepeatedTokenStops(t *testing.T) {
	for _, seq := range [][]string{{"same", "same"}, {"a", "b", "a"}} {
		t.Run(strings.Join(seq, ","), func(t *testing.T) {
			c := newGockClient(t)
			mockToken(1, 3600)
			for _, next := range seq {
				gock.New(gockHost).Post(path("/aggregation/v2/list-products")).
					Reply(200).JSON(map[string]any{"items": []map[string]any{{"product_id": "x"}}, "next_page_token": next})
			}
			items, errs := 0, 0
			for _, err := range c.ListProducts(context.Background(), flanks.ProductQuery{}) {
				if err != nil {
					errs++
					if !errors.Is(err, flanks.ErrRepeatedPageToken) || !strings.HasPrefix(err.Error(), "flanks ListProducts: ") {
						t.Errorf("err = %v", err)
					}
					continue
				}
				items++
			}
			if errs != 1 || items != len(seq) {
				t.Errorf("items=%d errs=%d", items, errs)
			}
			assertGockDone(t)
		})
	}
}

func TestPaginationErrorMidway(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/connect/v2/sessions/list-sessions")).
		Reply(200).JSON(map[string]any{"items": []map[string]any{{"session_id": "s1", "status": "Finished:OK"}}, "next_page_token": "p2"})
	gock.New(gockHost).Post(path("/connect/v2/sessions/list-sessions")).
		Reply(400).JSON(map[string]any{"success": false, "error": map[string]any{"code": "ValidationError", "details": []any{}}, "trace_id": "t"})
	var ids []string
	var errs []error
	for s, err := range c.ListSessions(context.Background(), flanks.SessionQuery{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, s.SessionID)
	}
	if len(ids) != 1 || len(errs) != 1 || !errors.Is(errs[0], sdkerrors.ErrValidationError) {
		t.Errorf("ids=%v errs=%v", ids, errs)
	}
	got, err := flanks.Collect(c.ListSessions(context.Background(), flanks.SessionQuery{}))
	if err == nil || got != nil {
		t.Errorf("Collect after mocks ran out: %v %v", got, err)
	}
}

func TestCreateSessionBothShapesAndWait(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	cfg := flanks.SessionConfiguration{RedirectURL: "https://app.test/cb", ConnectorID: "testbank", Extra: map[string]any{"initial_step": "login"}}
	gock.New(gockHost).Post(path("/connect/v2/sessions/create-session")).
		JSON(map[string]any{"configuration": map[string]any{"redirect_url": "https://app.test/cb", "connector_id": "testbank", "initial_step": "login"}}).
		Reply(200).JSON(map[string]any{"session": map[string]any{"session_id": "s-1", "url": "https://connect.test/s-1", "status": "Waiting:ProvideCredentials", "connection_id": nil, "error_code": nil}})
	s, err := c.CreateSession(context.Background(), cfg)
	if err != nil || s.SessionID != "s-1" || s.URL == "" || !s.Status.Waiting() {
		t.Fatalf("s=%v err=%v", s, err)
	}
	gock.New(gockHost).Post(path("/connect/v2/sessions/create-session")).
		Reply(200).JSON(map[string]any{"session_id": "s-2", "status": "Waiting:ProvideCredentials", "created_at": "yesterday", "updated_at": 1795200000})
	s, err = c.CreateSession(context.Background(), cfg)
	if err != nil || s.SessionID != "s-2" || !s.CreatedAt.IsZero() || s.UpdatedAt.Unix() != 1795200000 {
		t.Fatalf("bare: s=%v err=%v", s, err)
	}
	// Not retried on a 503: it may have created a session.
	gock.New(gockHost).Post(path("/connect/v2/sessions/create-session")).Reply(503).JSON(map[string]string{"error": "Internal Error"})
	if _, err := c.CreateSession(context.Background(), cfg); !errors.Is(err, sdkerrors.ErrTemporary) {
		t.Errorf("503: %v", err)
	}

	listed := func(status string, extra map[string]any) {
		item := map[string]any{"session_id": "s-1", "status": status}
		for k, v := range extra {
			item[k] = v
		}
		gock.New(gockHost).Post(path("/connect/v2/sessions/list-sessions")).
			JSON(map[string]any{"query": map[string]any{"session_id_in": []string{"s-1"}}}).
			Reply(200).JSON(map[string]any{"items": []any{item}, "next_page_token": nil})
	}
	listed("Waiting:ProvideCredentials", nil)
	listed("Processing:ProvideCredentials", nil)
	listed("Finished:OK", map[string]any{"connection_id": testCredToken})
	s, err = c.WaitForSession(context.Background(), "s-1")
	if err != nil || s.Status != flanks.SessionFinishedOK || s.ConnectionID != testCredToken {
		t.Fatalf("wait: s=%v err=%v", s, err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", s, *s, *s), testCredToken) {
		t.Errorf("connection id printed")
	}
	listed("Finished:Error", map[string]any{"error_code": "InvalidCredentials"})
	s, err = c.WaitForSession(context.Background(), "s-1")
	var se *flanks.SessionError
	if !errors.As(err, &se) || se.Code != flanks.SessionInvalidCredentials || !errors.Is(err, sdkerrors.ErrBadCredentials) || s == nil {
		t.Fatalf("wait error: s=%v err=%v", s, err)
	}
	gock.New(gockHost).Post(path("/connect/v2/sessions/list-sessions")).
		Reply(200).JSON(map[string]any{"items": []any{}, "next_page_token": nil})
	if _, err := c.GetSession(context.Background(), "s-1"); !errors.Is(err, sdkerrors.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	assertGockDone(t)
}

func TestLinksAPI(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	link := map[string]any{"token": "lt-1", "name": "Main", "redirect_uri": "https://app.test/cb", "company_name": nil,
		"terms_and_conditions_url": nil, "privacy_policy_url": nil, "active": true, "pending_code_count": 2}
	gock.New(gockHost).Post(path("/v0/links/list-links")).Reply(200).JSON(map[string]any{"success": true, "count": 1, "items": []any{link}})
	gock.New(gockHost).Post(path("/v0/links/list-links")).Reply(200).JSON([]any{link}) // bare array shape
	for range 2 {
		links, err := flanks.Collect(c.ListLinks(context.Background()))
		if err != nil || len(links) != 1 || links[0].Token != "lt-1" || links[0].PendingCodeCount != 2 {
			t.Fatalf("links=%v err=%v", links, err)
		}
	}
	gock.New(gockHost).Post(path("/v0/links/create-link")).
		JSON(map[string]any{"redirect_uri": "https://app.test/cb", "name": "Main"}).
		Reply(200).JSON(map[string]any{"success": true, "data": link})
	l, err := c.CreateLink(context.Background(), flanks.CreateLinkRequest{RedirectURI: "https://app.test/cb", Name: "Main"})
	if err != nil || l.Token != "lt-1" || !l.Active {
		t.Fatalf("create: l=%v err=%v", l, err)
	}
	gock.New(gockHost).Post(path("/v0/links/create-link")).
		Reply(400).JSON(map[string]any{"success": false, "error": map[string]any{"code": "DuplicatedName", "details": []any{}}, "trace_id": "t"})
	if _, err := c.CreateLink(context.Background(), flanks.CreateLinkRequest{RedirectURI: "https://app.test/cb", Name: "Main"}); !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("duplicate: %v", err)
	}
	name := "Renamed"
	gock.New(gockHost).Post(path("/v0/links/edit-link")).
		JSON(map[string]any{"token": "lt-1", "name": "Renamed", "company_name": nil}).
		Reply(200).JSON(link) // bare shape
	if _, err := c.EditLink(context.Background(), flanks.EditLinkRequest{Token: "lt-1", Name: &name, Clear: []string{"company_name"}}); err != nil {
		t.Fatal(err)
	}
	gock.New(gockHost).Post(path("/v0/links/pause-link")).JSON(map[string]string{"token": "lt-1"}).
		Reply(200).JSON(map[string]any{"success": true, "data": map[string]any{"token": "lt-1", "active": false}})
	if l, err := c.PauseLink(context.Background(), "lt-1"); err != nil || l.Active {
		t.Fatalf("pause: %v %v", l, err)
	}
	gock.New(gockHost).Post(path("/v0/links/resume-link")).JSON(map[string]string{"token": "lt-1"}).
		Reply(200).JSON(map[string]any{"success": true, "data": map[string]any{"token": "lt-1", "active": true}})
	if l, err := c.ResumeLink(context.Background(), "lt-1"); err != nil || !l.Active {
		t.Fatalf("resume: %v %v", l, err)
	}
	gock.New(gockHost).Post(path("/v0/links/delete-link")).JSON(map[string]string{"token": "lt-1"}).
		Reply(200).JSON(map[string]any{"success": true})
	if err := c.DeleteLink(context.Background(), "lt-1"); err != nil {
		t.Fatal(err)
	}
	// success:false inside a 200 is an error.
	gock.New(gockHost).Post(path("/v0/links/delete-link")).
		Reply(200).JSON(map[string]any{"success": false, "error": map[string]any{"code": "ValidationError", "details": []map[string]string{{"error_type": "pending_codes", "field": "token"}}}})
	if err := c.DeleteLink(context.Background(), "lt-1"); !errors.Is(err, sdkerrors.ErrValidationError) {
		t.Errorf("delete success:false: %v", err)
	}
	assertGockDone(t)
}

func TestReportAPI(t *testing.T) {
	c := newGockClient(t)
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/report/v1/list-templates")).BodyString(`^\{\}$`).
		Reply(200).JSON(map[string]any{"items": []map[string]any{{"template_id": 1, "name": "Portfolio summary"}}})
	tpls, err := flanks.Collect(c.ListReportTemplates(context.Background()))
	if err != nil || len(tpls) != 1 || tpls[0].TemplateID != 1 {
		t.Fatalf("templates=%v err=%v", tpls, err)
	}
	gock.New(gockHost).Post(path("/report/v1/build-report")).
		JSON(map[string]any{"template_id": 1, "query": map[string]any{}, "template_attributes": map[string]any{}, "language": "es"}).
		Reply(200).JSON(map[string]any{"report_id": 42, "status": "new"})
	r, err := c.BuildReport(context.Background(), flanks.BuildReportRequest{TemplateID: 1, Language: "es"})
	if err != nil || r.ReportID != 42 || r.TemplateID != 1 {
		t.Fatalf("build: r=%v err=%v", r, err)
	}
	for _, st := range []string{"new", "payload", "file", "ready"} {
		gock.New(gockHost).Post(path("/report/v1/get-report-status")).JSON(map[string]int{"report_id": 42}).
			Reply(200).JSON(map[string]any{"report_id": 42, "template_id": 1, "status": st})
	}
	r, err = c.WaitForReport(context.Background(), 42)
	if err != nil || r.Status != flanks.ReportReady {
		t.Fatalf("wait: r=%v err=%v", r, err)
	}
	gock.New(gockHost).Post(path("/report/v1/get-report-content")).JSON(map[string]int{"report_id": 42}).
		Reply(200).JSON(map[string]string{"url": "https://files.test/42.pdf"})
	rc, err := c.GetReportContent(context.Background(), 42)
	if err != nil || rc.URL != "https://files.test/42.pdf" {
		t.Fatalf("content: %v %v", rc, err)
	}
	gock.New(gockHost).Post(path("/report/v1/get-report-status")).Reply(200).JSON(map[string]any{"report_id": 43, "status": "fail"})
	r, err = c.WaitForReport(context.Background(), 43)
	var re *flanks.ReportError
	if !errors.Is(err, flanks.ErrReportFailed) || !errors.As(err, &re) || re.ReportID != 43 || r == nil {
		t.Fatalf("fail: r=%v err=%v", r, err)
	}
	assertGockDone(t)
}

func TestCreateSignedLetter(t *testing.T) {
	c := newGockClient(t, flanks.WithMaxRetries(3))
	mockToken(1, 3600)
	pdf := []byte("%PDF-1.4 letter")
	var body string
	gock.New(gockHost).Post(path("/letters/v1/create-signed")).
		MatchHeader("Content-Type", `^application/json; charset=utf-8$`).
		AddMatcher(captureBody(&body)).
		Reply(200).JSON(map[string]string{"letter_id": "0b8e4c1e-1111-4222-8333-444455556666"})
	l, err := c.CreateSignedLetter(context.Background(), flanks.SignedLetterRequest{ConnectorID: "bbva", Data: pdf, Labels: map[string]string{"client": "7"}})
	if err != nil || l.LetterID == "" {
		t.Fatalf("l=%v err=%v", l, err)
	}
	if got := body; !strings.Contains(got, `"data":"`+base64.StdEncoding.EncodeToString(pdf)+`"`) || !strings.Contains(got, `"connector_id":"bbva"`) {
		t.Errorf("body = %s", got)
	}
	gock.New(gockHost).Post(path("/letters/v1/create-signed")).
		Reply(401).JSON(map[string]any{"success": false, "error": map[string]any{"code": "UNAUTHENTICATED", "details": []any{}}, "trace_id": "t"})
	mockToken(1, 3600)
	gock.New(gockHost).Post(path("/letters/v1/create-signed")).
		Reply(401).JSON(map[string]any{"success": false, "error": map[string]any{"code": "UNAUTHENTICATED", "details": []any{}}, "trace_id": "t"})
	_, err = c.CreateSignedLetter(context.Background(), flanks.SignedLetterRequest{ConnectorID: "bbva", Data: pdf})
	if !errors.Is(err, sdkerrors.ErrAuthentication) || !errors.Is(err, sdkerrors.ErrUnauthenticated) {
		t.Fatalf("err = %v", err)
	}
	if s := fmt.Sprint(flanks.SignedLetterRequest{Data: pdf}); strings.Contains(s, "PDF") {
		t.Errorf("document printed: %s", s)
	}
	assertGockDone(t)
}
