package flankstest_test

import (
	"testing"

	"github.com/bankdata-go/bankdata/flanks/flankstest"
)

// collect follows next_page_token and returns all items and the page count.
func (a *api) collect(path string, query any) ([]map[string]any, int) {
	a.t.Helper()
	var all []map[string]any
	var token any
	for pages := 1; pages < 10000; pages++ {
		body := map[string]any{"page_token": token}
		if query != nil {
			body["query"] = query
		}
		m := obj(a.t, a.postOK(path, body))
		items, ok := m["items"].([]any)
		if !ok {
			a.t.Fatalf("%s: items should be an array: %v", path, m)
		}
		for _, it := range items {
			all = append(all, it.(map[string]any))
		}
		next, present := m["next_page_token"]
		if !present {
			a.t.Fatalf("%s: next_page_token missing", path)
		}
		if next == nil {
			return all, pages
		}
		token = next
	}
	a.t.Fatal("too many pages")
	return nil, 0
}

func TestListConnectors(t *testing.T) {
	a := newAPI(t)
	all, pages := a.collect("/connect/v2/connectors/list-connectors", map[string]any{})
	if len(all) < 41 || pages != (len(all)+19)/20 {
		t.Fatalf("%d connectors on %d pages", len(all), pages)
	}
	seen := map[string]bool{}
	for _, c := range all {
		id := c["connector_id"].(string)
		if seen[id] || c["name"] == "" {
			t.Fatalf("duplicate or unnamed connector %v", c)
		}
		seen[id] = true
	}
	if _, pagesNoQuery := a.collect("/connect/v2/connectors/list-connectors", nil); pagesNoQuery != pages {
		t.Fatalf("missing query should list everything")
	}
	tests := []struct {
		name  string
		query map[string]any
		want  int
	}{
		{"one", map[string]any{"connector_id_in": []string{"testbank"}}, 1},
		{"or within array", map[string]any{"connector_id_in": []string{"testbank", "bbva", "unknown"}}, 2},
		{"empty array matches nothing", map[string]any{"connector_id_in": []string{}}, 0},
		{"null is absent", map[string]any{"connector_id_in": nil}, len(all)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := a.collect("/connect/v2/connectors/list-connectors", tc.query)
			if len(got) != tc.want {
				t.Fatalf("got %d, want %d", len(got), tc.want)
			}
		})
	}

	// Page tokens are bound to the query, and opaque.
	m := obj(t, a.postOK("/connect/v2/connectors/list-connectors", map[string]any{"query": map[string]any{}}))
	next := m["next_page_token"].(string)
	st, body := a.post("/connect/v2/connectors/list-connectors", map[string]any{"query": map[string]any{"connector_id_in": []string{"bbva"}}, "page_token": next})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "invalid", "page_token")
	st, body = a.post("/connect/v2/connectors/list-connectors", map[string]any{"query": map[string]any{}, "page_token": "garbage"})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "invalid", "page_token")
	st, body = a.post("/connect/v2/connectors/list-connectors", map[string]any{"query": map[string]any{"connector_id_in": "testbank"}})
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "invalid", "query.connector_id_in")
}

func (a *api) createSession(cfg map[string]any) map[string]any {
	a.t.Helper()
	m := obj(a.t, a.postOK("/connect/v2/sessions/create-session", map[string]any{"configuration": cfg}))
	return m["session"].(map[string]any)
}

func (a *api) session(id string) map[string]any {
	a.t.Helper()
	all, _ := a.collect("/connect/v2/sessions/list-sessions", map[string]any{"session_id_in": []string{id}})
	if len(all) != 1 {
		a.t.Fatalf("session %s: %d results", id, len(all))
	}
	return all[0]
}

func TestCreateSessionValidation(t *testing.T) {
	a := newAPI(t)
	s := a.createSession(map[string]any{"redirect_url": "https://app.example/done", "connector_id": "testbank"})
	for k, want := range map[string]any{"status": "Waiting:ProvideCredentials", "connection_id": nil, "error_code": nil} {
		if v, ok := s[k]; !ok || v != want {
			t.Fatalf("session %s = %v, want %v", k, v, want)
		}
	}
	if s["session_id"] == "" || s["url"] == "" || s["created_at"] == "" {
		t.Fatalf("session: %v", s)
	}
	tests := []struct {
		name      string
		body      any
		errorType string
		field     string
	}{
		{"no configuration", map[string]any{}, "missing", "configuration"},
		{"no redirect_url", map[string]any{"configuration": map[string]any{"connector_id": "testbank"}}, "missing", "configuration.redirect_url"},
		{"bad redirect_url", map[string]any{"configuration": map[string]any{"redirect_url": "not a url"}}, "invalid", "configuration.redirect_url"},
		{"unknown connector", map[string]any{"configuration": map[string]any{"redirect_url": "https://x.example", "connector_id": "nope"}}, "not_found", "configuration.connector_id"},
		{"unknown connection", map[string]any{"configuration": map[string]any{"redirect_url": "https://x.example", "connection_id": "nope"}}, "not_found", "configuration.connection_id"},
		{"wrong type", map[string]any{"configuration": "x"}, "invalid", "configuration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.post("/connect/v2/sessions/create-session", tc.body)
			wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), tc.errorType, tc.field)
		})
	}
}

func TestCompleteSession(t *testing.T) {
	tests := []struct {
		name      string
		answers   []string
		status    string
		errorCode any
	}{
		{"ok", []string{"1234"}, "Finished:OK", nil},
		{"data error still connects", []string{"DATA_ERROR_PRODUCT_ACCOUNT"}, "Finished:OK", nil},
		{"invalid credentials", []string{"INVALID_CREDENTIALS"}, "Finished:Error", "InvalidCredentials"},
		{"sca type not allowed", []string{"SCA_TYPE_NOT_ALLOWED"}, "Finished:Error", "UnsupportedChallengeMethod"},
		{"user interaction", []string{"USER_INTERACTION_NEEDED"}, "Finished:Error", "UserInteractionNeeded"},
		{"internal error", []string{"INTERNAL_ERROR"}, "Finished:Error", "InternalError"},
		{"invalid sca", []string{"INVALID_SCA"}, "Finished:Error", "InvalidChallengeResponse"},
		{"challenge", []string{"SCA_SMS"}, "Waiting:Challenge", nil},
		{"challenge answered", []string{"SCA_SMS", "123456"}, "Finished:OK", nil},
		{"challenge failed", []string{"SCA_APP", "INVALID_SCA"}, "Finished:Error", "InvalidChallengeResponse"},
		{"challenge internal error", []string{"SCA_CODE", "INTERNAL_ERROR"}, "Finished:Error", "InternalError"},
		{"chained challenges", []string{"SCA_SMS", "SCA_COORDINATE", "0000"}, "Finished:OK", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, flankstest.WithProcessingPolls(1))
			s := a.createSession(map[string]any{"redirect_url": "https://app.example/done"})
			id := s["session_id"].(string)
			for _, ans := range tc.answers {
				if err := a.srv.CompleteSession(id, ans); err != nil {
					t.Fatal(err)
				}
			}
			got := a.session(id)
			if got["status"] != tc.status || got["error_code"] != tc.errorCode {
				t.Fatalf("session %v", got)
			}
			if tc.status != "Finished:OK" {
				if got["connection_id"] != nil {
					t.Fatalf("connection_id on failure: %v", got)
				}
				return
			}
			conn := got["connection_id"].(string)
			st, _ := a.waitDone(conn)
			if st["blocked"] != false {
				t.Fatalf("status %v", st)
			}
			if s, body := a.data("/v0/bank/credentials/portfolio", conn, nil); s != 200 {
				t.Fatalf("data: %d %s", s, body)
			}
			if err := a.srv.CompleteSession(id, "1234"); err == nil {
				t.Fatal("a finished session should not complete again")
			}
		})
	}
	a := newAPI(t)
	if err := a.srv.CompleteSession("nope", "1234"); err == nil {
		t.Fatal("unknown session should fail")
	}
}

// TestSessionUpdatesConnection: an SCA-blocked credential is repaired by a
// session configured with its connection_id.
func TestSessionUpdatesConnection(t *testing.T) {
	a := newAPI(t, flankstest.WithProcessingPolls(1))
	tok := a.exchange("SCA_SMS")
	if st, _ := a.waitDone(tok); st["sca_token"] == nil {
		t.Fatal("expected sca_token")
	}
	s := a.createSession(map[string]any{"redirect_url": "https://app.example/done", "connection_id": tok})
	if s["connection_id"] != tok {
		t.Fatalf("update session connection_id %v", s["connection_id"])
	}
	if err := a.srv.CompleteSession(s["session_id"].(string), "1234"); err != nil {
		t.Fatal(err)
	}
	st, _ := a.waitDone(tok)
	if st["sca_token"] != nil || st["blocked"] != false {
		t.Fatalf("after update: %v", st)
	}
	if s, body := a.data("/v0/bank/credentials/account", tok, nil); s != 200 {
		t.Fatalf("data: %d %s", s, body)
	}
}

func TestListSessions(t *testing.T) {
	a := newAPI(t, flankstest.WithPageSize(3))
	var ids []string
	for i := 0; i < 7; i++ {
		s := a.createSession(map[string]any{"redirect_url": "https://app.example/done"})
		ids = append(ids, s["session_id"].(string))
	}
	_ = a.srv.CompleteSession(ids[0], "1234")
	_ = a.srv.CompleteSession(ids[1], "INVALID_CREDENTIALS")
	_ = a.srv.CompleteSession(ids[2], "INTERNAL_ERROR")
	_ = a.srv.CompleteSession(ids[3], "SCA_SMS")
	conn := a.session(ids[0])["connection_id"].(string)

	all, pages := a.collect("/connect/v2/sessions/list-sessions", map[string]any{})
	if len(all) != 7 || pages != 3 {
		t.Fatalf("%d sessions on %d pages", len(all), pages)
	}
	for i, s := range all {
		if s["session_id"] != ids[i] {
			t.Fatalf("order: %v", s)
		}
	}
	tests := []struct {
		name  string
		query map[string]any
		want  int
	}{
		{"status", map[string]any{"status_in": []string{"Finished:Error"}}, 2},
		{"status or", map[string]any{"status_in": []string{"Finished:Error", "Waiting:Challenge"}}, 3},
		{"error code", map[string]any{"error_code_in": []string{"InvalidCredentials"}}, 1},
		{"connection", map[string]any{"connection_id_in": []string{conn}}, 1},
		{"and across fields", map[string]any{"status_in": []string{"Finished:Error"}, "error_code_in": []string{"InternalError"}}, 1},
		{"and with no match", map[string]any{"status_in": []string{"Finished:OK"}, "error_code_in": []string{"InternalError"}}, 0},
		{"empty array", map[string]any{"status_in": []string{}}, 0},
		{"waiting", map[string]any{"status_in": []string{"Waiting:ProvideCredentials"}}, 3},
		{"unknown keys ignored", map[string]any{"whatever": 1}, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := a.collect("/connect/v2/sessions/list-sessions", tc.query)
			if len(got) != tc.want {
				t.Fatalf("got %d, want %d", len(got), tc.want)
			}
		})
	}
	// exact multiple of the page size: no empty trailing page
	got, pages := a.collect("/connect/v2/sessions/list-sessions", map[string]any{"session_id_in": ids[:6]})
	if len(got) != 6 || pages != 2 {
		t.Fatalf("%d items on %d pages", len(got), pages)
	}
	st, body := a.do("POST", "/connect/v2/sessions/list-sessions", []byte(`{"query":`))
	wantDetail(t, wantV2(t, st, body, 400, "ValidationError"), "invalid", "body")
	m := obj(t, a.postOK("/connect/v2/sessions/list-sessions", map[string]any{"query": map[string]any{"session_id_in": []string{"x"}}}))
	if items, _ := m["items"].([]any); items == nil || len(items) != 0 || m["next_page_token"] != nil {
		t.Fatalf("empty result should be items:[] next:null, got %v", m)
	}
}
