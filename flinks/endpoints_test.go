package flinks_test

import (
	"net/http"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
)

func TestDeleteCard(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr error
	}{
		{"200 object", 200, `{"StatusCode":200,"Message":"All of the information about LoginId 5602459c-f6d0-4ca0-6750-08dccdcadcc0 has been removed"}`, nil},
		{"204 empty", 204, ``, nil},
		{"200 empty", 200, ``, nil},
		{"200 bare string", 200, `"removed"`, nil},
		{"invalid login", 401, `{"HttpStatusCode":401,"FlinksCode":"INVALID_LOGIN","Message":"bad"}`, sdkerrors.ErrInvalidLogin},
		{"card in use", 400, `{"HttpStatusCode":400,"FlinksCode":"CARD_IN_USE","Message":"busy"}`, sdkerrors.ErrTemporary},
		{"200 carrying error", 200, `{"StatusCode":400,"FlinksCode":"INVALID_LOGIN","Message":"Invalid LoginId"}`, sdkerrors.ErrInvalidLogin},
		{"200 HTML", 200, `<html>proxy</html>`, sdkerrors.ErrUnexpectedResponse},
		{"200 truncated", 200, `{"StatusCode":200,"Mess`, sdkerrors.ErrUnexpectedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newGockClient(t)
			mockOp(http.MethodDelete, "DeleteCard/"+testLoginID).
				AddMatcher(headerIs("x-api-key", testAPIKey)).
				Reply(tt.status).BodyString(tt.body)
			err := c.DeleteCard(t.Context(), testLoginID)
			requireDone(t)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.NotContains(t, err.Error(), testLoginID)
		})
	}
}

func TestDeleteCardRetriedOn503(t *testing.T) {
	c := newGockClient(t, flinks.WithMaxRetries(2), flinks.WithRetryWait(1, 2))
	mockOp(http.MethodDelete, "DeleteCard/"+testLoginID).Reply(503).BodyString("busy")
	mockOp(http.MethodDelete, "DeleteCard/"+testLoginID).Reply(200).BodyString(`{"StatusCode":200,"Message":"ok"}`)
	require.NoError(t, c.DeleteCard(t.Context(), testLoginID))
	requireDone(t)
}

func TestSetScheduledRefresh(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		c := newGockClient(t)
		var body map[string]any
		mockOp(http.MethodPatch, "SetScheduledRefresh").
			AddMatcher(headerIs("x-api-key", testAPIKey)).
			AddMatcher(bodyCapture(&body)).
			Reply(200).BodyString(`"LoginId 5602459c-f6d0-4ca0-6750-08dccdcadcc0 has now been activated for automatic refresh"`)
		require.NoError(t, c.SetScheduledRefresh(t.Context(), testLoginID, enabled))
		require.Equal(t, map[string]any{"loginId": testLoginID, "isActivated": enabled}, body)
		requireDone(t)
	}
	c := newGockClient(t)
	mockOp(http.MethodPatch, "SetScheduledRefresh").Reply(401).JSON(errorBody(401, "INVALID_LOGIN", "bad"))
	require.ErrorIs(t, c.SetScheduledRefresh(t.Context(), testLoginID, true), sdkerrors.ErrInvalidLogin)
	requireDone(t)
}

func TestMFAQuestions(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodGet, "GetMFAQuestions/"+testLoginID).
		AddMatcher(headerIs("x-api-key", testAPIKey)).
		Reply(200).BodyString(`{"Message":"SUCCESS","Questions":[{"Question":"What shape do people like most?"},{"Question":"What is the best country on earth?"}]}`)
	qs, err := c.GetMFAQuestions(t.Context(), testLoginID)
	require.NoError(t, err)
	require.Equal(t, []flinks.MFAQuestion{{Question: "What shape do people like most?"}, {Question: "What is the best country on earth?"}}, qs)

	var body map[string]any
	mockOp(http.MethodPatch, "AnswerMFAQuestions").
		AddMatcher(bodyCapture(&body)).
		Reply(200).BodyString(`{"Message":"Answers updated"}`)
	err = c.AnswerMFAQuestions(t.Context(), testLoginID, []flinks.MFAQuestion{{Question: "What shape do people like most?", Answer: "Triangle"}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"loginId": testLoginID,
		"Questions": []any{map[string]any{"Question": "What shape do people like most?", "Answer": "Triangle"}}}, body)

	mockOp(http.MethodPatch, "AnswerMFAQuestions").Reply(401).JSON(errorBody(401, "QUESTION_NOT_FOUND", "no such question"))
	err = c.AnswerMFAQuestions(t.Context(), testLoginID, []flinks.MFAQuestion{{Question: "Q?", Answer: "answer-LEAKCHECK-1"}})
	require.ErrorIs(t, err, sdkerrors.ErrQuestionNotFound)
	require.NotContains(t, err.Error(), "LEAKCHECK")

	mockOp(http.MethodGet, "GetMFAQuestions/"+testLoginID).Reply(200).BodyString(`{"Message":"SUCCESS","Questions":null}`)
	qs, err = c.GetMFAQuestions(t.Context(), testLoginID)
	require.NoError(t, err)
	require.Empty(t, qs)
	requireDone(t)
}

func TestGetNightlyRefreshStatus(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodGet, "GetNightlyRefreshStatus").
		AddMatcher(headerIs("Authorization", "Bearer "+testSecretKey)).
		AddMatcher(headerAbsent("x-api-key")).
		Reply(200).BodyString(`{"HttpStatusCode":200,"Message":"x","FlinksCode":"INVALID_REQUEST","IneligibleCards":[
		  {"LoginId":"5602459c-f6d0-4ca0-6750-08dccdcadcc0","LastRefreshDate":"2025-01-31T17:40:54.569261",
		   "LastRefreshState":"AnsweringSecurityChallenge","LastRefreshErrorCode":null},
		  {"LoginId":"l2","LastRefreshDate":"2025-01-30T01:02:03","LastRefreshState":"Error","LastRefreshErrorCode":"DISABLED_LOGIN"}]}`)
	st, err := c.GetNightlyRefreshStatus(t.Context())
	require.NoError(t, err, "the documented sample's FlinksCode next to data is not an error")
	require.Len(t, st.IneligibleCards, 2)
	ic := st.IneligibleCards[0]
	require.NoError(t, ic.Err())
	s, ok := ic.Status()
	require.True(t, ok)
	require.Equal(t, flinks.StatusAnsweringSecurityChallenge, s)
	require.ErrorIs(t, st.IneligibleCards[1].Err(), sdkerrors.ErrDisabledLogin)
	require.Equal(t, 2025, st.IneligibleCards[1].LastRefreshDate.Year())

	mockOp(http.MethodGet, "GetNightlyRefreshStatus").Reply(401).JSON(errorBody(401, "ACCESS_DENIED", "You must provide a valid API secret"))
	_, err = c.GetNightlyRefreshStatus(t.Context())
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	requireDone(t)

	c2 := newGockClient(t, flinks.WithAPISecret("apisecret-1"))
	mockOp(http.MethodGet, "GetNightlyRefreshStatus").
		AddMatcher(headerIs("Authorization", "Bearer apisecret-1")).
		Reply(200).BodyString(`{"HttpStatusCode":200,"IneligibleCards":[]}`)
	st, err = c2.GetNightlyRefreshStatus(t.Context())
	require.NoError(t, err)
	require.Empty(t, st.IneligibleCards)
	requireDone(t)

	c3, err := flinks.NewClient(testCID, flinks.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	require.NoError(t, err)
	_, err = c3.GetNightlyRefreshStatus(t.Context())
	require.ErrorIs(t, err, flinks.ErrNoSecretKey)
}

func TestInstitutions(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"data object", `{"data":[{"Id":14,"Name":"FlinksCapital","Country":"CA","Status":"Active","Localizations":[{"Language":"en","Name":"Flinks Capital"}],"RoutingNumbers":[]},{"Id":"rbc","Name":"RBC"}],"count":2}`},
		{"bare array", `[{"Id":14,"Name":"FlinksCapital","Country":"CA","Status":"Active","Localizations":[{"Language":"en","Name":"Flinks Capital"}]},{"Id":"rbc","Name":"RBC"}]`},
		{"Institutions key", `{"HttpStatusCode":200,"Institutions":[{"Id":14,"Name":"FlinksCapital","Country":"CA","Status":"Active","Localizations":[{"Language":"en","Name":"Flinks Capital"}]},{"Id":"rbc","Name":"RBC"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newGockClient(t)
			mockOp(http.MethodGet, "Institutions").AddMatcher(headerIs("x-api-key", testAPIKey)).Reply(200).BodyString(tt.body)
			list, err := c.Institutions(t.Context())
			require.NoError(t, err)
			require.Len(t, list, 2)
			require.Equal(t, "14", list[0].ID)
			require.Equal(t, "rbc", list[1].ID)
			require.Equal(t, "Flinks Capital", list[0].Localizations[0].Name)
			requireDone(t)
		})
	}
	c := newGockClient(t)
	mockOp(http.MethodGet, "Institutions").Reply(200).BodyString(`{"HttpStatusCode":401,"FlinksCode":"ACCESS_DENIED"}`)
	_, err := c.Institutions(t.Context())
	require.ErrorIs(t, err, sdkerrors.ErrAccessDenied)
	mockOp(http.MethodGet, "Institutions").Reply(200).BodyString(`"nope"`)
	_, err = c.Institutions(t.Context())
	require.ErrorIs(t, err, sdkerrors.ErrUnexpectedResponse)
	requireDone(t)
}

func TestInstitutionByRoutingNumber(t *testing.T) {
	c := newGockClient(t)
	mockOp(http.MethodGet, "Institutions/RoutingNumber/011000015").
		Reply(200).BodyString(`{"Id":100,"Localizations":[{"Language":"en","Name":"US Bank"}],"Status":"Active","Country":"US","RoutingNumbers":["011000015"]}`)
	in, err := c.InstitutionByRoutingNumber(t.Context(), "011000015")
	require.NoError(t, err)
	require.Equal(t, "100", in.ID)
	require.Equal(t, "US", in.Country)
	require.Equal(t, []string{"011000015"}, in.RoutingNumbers)
	mockOp(http.MethodGet, "Institutions/RoutingNumber/999999999").
		Reply(404).BodyString(`{"HttpStatusCode":404,"Message":"No institution was found for this routing number"}`)
	_, err = c.InstitutionByRoutingNumber(t.Context(), "999999999")
	require.ErrorIs(t, err, sdkerrors.ErrNotFound)
	requireDone(t)
}

const attributesJSON = `{"HttpStatusCode":200,"Card":{"Id":"5602459c-f6d0-4ca0-6750-08dccdcadcc0",
 "average_monthly_income":2500.5,"count_nsf_90_days":2,"is_primary":true,"label":"gold","missing":null,
 "AttributesDetail":[{"Attribute":"average_monthly_income","Transactions":[{"TransactionId":"t1","AccountId":"a1",
 "Date":"2021/01/08","Description":"PAYROLL","Debit":null,"Credit":1200.00,"Balance":5000.1}]}]},
 "Login":{"Id":"5602459c-f6d0-4ca0-6750-08dccdcadcc0"},"RequestId":"9c0f6c53-3c1e-4a7a-9d55-0a9c3b1f7e10",
 "AttributeDetails":{"count_nsf_90_days":[{"TransactionId":"t2","AccountId":"a1","Date":"2021/01/09","Description":"NSF","Debit":48,"Credit":null,"Balance":-10}]}}`

func TestAttributePackages(t *testing.T) {
	type pkgCall func(*flinks.Client, *testing.T) (*flinks.Attributes, error)
	req := flinks.AttributesRequest{LoginID: testLoginID, RequestID: testRequestID}
	calls := map[string]pkgCall{
		"GetIncomeAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetIncomeAttributes(t.Context(), req)
		},
		"GetCreditRiskAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetCreditRiskAttributes(t.Context(), req)
		},
		"GetUserAnalysisAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetUserAnalysisAttributes(t.Context(), req)
		},
		"GetLendingAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetLendingAttributes(t.Context(), req)
		},
		"GetAllAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetAllAttributes(t.Context(), req)
		},
		"GetBusinessAnalysisAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetBusinessAnalysisAttributes(t.Context(), req)
		},
		"GetAllBusinessAttributes": func(c *flinks.Client, t *testing.T) (*flinks.Attributes, error) {
			return c.GetAllBusinessAttributes(t.Context(), req)
		},
	}
	names := make([]string, 0, len(calls))
	for n := range calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, op := range names {
		t.Run(op, func(t *testing.T) {
			c := newGockClient(t)
			p := testPrefix + "/v3/" + testCID + "/insight/login/" + testLoginID + "/attributes/" + testRequestID + "/" + op
			mockPath(http.MethodGet, p).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
			mockPath(http.MethodGet, p).AddMatcher(headerIs("x-api-key", testAPIKey)).Reply(200).BodyString(attributesJSON)
			a, err := calls[op](c, t)
			require.NoError(t, err)
			requireDone(t)
			require.Equal(t, testLoginID, a.Card.ID)
			v, ok := a.Card.Amount("average_monthly_income")
			require.True(t, ok)
			require.Equal(t, "2500.5", v.String())
			n, ok := a.Card.Values["count_nsf_90_days"].Amount()
			require.True(t, ok)
			require.Equal(t, "2", n.String())
			b, ok := a.Card.Values["is_primary"].Bool()
			require.True(t, ok && b)
			require.Equal(t, "gold", a.Card.Values["label"].String())
			require.True(t, a.Card.Values["missing"].IsNull())
			_, ok = a.Card.Amount("label")
			require.False(t, ok)
			_, ok = a.Card.Amount("absent")
			require.False(t, ok)
			require.Len(t, a.Card.Details, 2)
			sort.Slice(a.Card.Details, func(i, j int) bool { return a.Card.Details[i].Attribute < a.Card.Details[j].Attribute })
			require.Equal(t, "average_monthly_income", a.Card.Details[0].Attribute)
			require.Equal(t, "2021-01-08", a.Card.Details[0].Transactions[0].Date.String())
			require.Equal(t, "1200.00", a.Card.Details[0].Transactions[0].Credit.String())
			require.Equal(t, "-10", a.Card.Details[1].Transactions[0].Balance.String())
		})
	}
}

func TestCustomAttributes(t *testing.T) {
	c := newGockClient(t)
	p := testPrefix + "/v3/" + testCID + "/insight/login/" + testLoginID + "/attributes/" + testRequestID
	var body map[string]any
	mockPath(http.MethodPost, p).AddMatcher(bodyCapture(&body)).Reply(200).BodyString(attributesJSON)
	a, err := c.GetAttributes(t.Context(), flinks.CustomAttributesRequest{
		LoginID: testLoginID, RequestID: testRequestID,
		Attributes:        []string{"average_monthly_income", "count_nsf_90_days"},
		AccountCategories: []flinks.Category{flinks.CategoryOperations},
		AccountIDs:        []string{"a1"},
		Detail:            []string{"average_monthly_income"},
		LimitDays:         90,
	})
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"Attributes":       map[string]any{"Card": []any{"average_monthly_income", "count_nsf_90_days"}},
		"Filters":          map[string]any{"accountCategory": []any{"Operations"}},
		"AccountFilter":    map[string]any{"AccountID": []any{"a1"}},
		"AttributesDetail": map[string]any{"Card": []any{"average_monthly_income"}},
		"limitDays":        float64(90),
	}, body)
	require.Equal(t, testRequestID, a.RequestID)

	mockPath(http.MethodPost, p).Reply(400).JSON(errorBody(400, "INVALID_REQUEST", "Unknown attribute"))
	_, err = c.GetAttributes(t.Context(), flinks.CustomAttributesRequest{LoginID: testLoginID, RequestID: testRequestID, Attributes: []string{"x"}})
	require.ErrorIs(t, err, sdkerrors.ErrInvalidRequest)
	require.NotContains(t, err.Error(), testLoginID)

	mockPath(http.MethodPost, p).Reply(202).JSON(pendingBody("OPERATION_PENDING"))
	_, err = c.GetAttributes(t.Context(), flinks.CustomAttributesRequest{LoginID: testLoginID, RequestID: testRequestID, Attributes: []string{"x"}}, flinks.NoWait())
	require.ErrorIs(t, err, sdkerrors.ErrOperationPending)
	requireDone(t)
}

// Each request carries the SDK's User-Agent, or the one configured.
func TestUserAgent(t *testing.T) {
	c := newGockClient(t, flinks.WithUserAgent("acme-lender/2.0"))
	mockOp(http.MethodGet, "Institutions").AddMatcher(headerIs("User-Agent", "acme-lender/2.0")).Reply(200).BodyString(`[]`)
	list, err := c.Institutions(t.Context())
	require.NoError(t, err)
	require.Empty(t, list)
	requireDone(t)
	c = newGockClient(t)
	mockOp(http.MethodGet, "Institutions").
		AddMatcher(func(r *http.Request, _ *gock.Request) (bool, error) {
			return len(r.UserAgent()) > len("bankdata-go/") && r.UserAgent()[:12] == "bankdata-go/", nil
		}).Reply(200).BodyString(`[]`)
	_, err = c.Institutions(t.Context())
	require.NoError(t, err)
	requireDone(t)
}
