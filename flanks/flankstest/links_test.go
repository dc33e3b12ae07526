package flankstest_test

import (
	"encoding/json"
	"testing"
)

func TestLinksAPI(t *testing.T) {
	a := newAPI(t)

	m := obj(t, a.postOK("/v0/links/list-links", nil))
	if m["success"] != true || m["count"] != json.Number("1") {
		t.Fatalf("list: %v", m)
	}
	def := m["items"].([]any)[0].(map[string]any)
	for _, k := range []string{"token", "name", "redirect_uri", "company_name", "terms_and_conditions_url", "privacy_policy_url", "active", "pending_code_count"} {
		if _, ok := def[k]; !ok {
			t.Fatalf("link lacks %s: %v", k, def)
		}
	}

	// create
	m = obj(t, a.postOK("/v0/links/create-link", map[string]any{
		"redirect_uri": "https://app.example/cb", "name": "web", "company_name": "ACME", "privacy_policy_url": nil,
	}))
	l := m["data"].(map[string]any)
	if m["success"] != true || l["name"] != "web" || l["company_name"] != "ACME" || l["active"] != true ||
		l["pending_code_count"] != json.Number("0") || l["privacy_policy_url"] != nil {
		t.Fatalf("create: %v", m)
	}
	tok := l["token"].(string)
	// name defaults to the token
	noName := obj(t, a.postOK("/v0/links/create-link", map[string]any{"redirect_uri": "https://app.example/cb2"}))["data"].(map[string]any)
	if noName["name"] != noName["token"] {
		t.Fatalf("default name: %v", noName)
	}

	tests := []struct {
		name       string
		path       string
		body       any
		code       string
		errorType  string
		field      string
		wantStatus int
	}{
		{"missing redirect_uri", "/v0/links/create-link", map[string]any{"name": "x"}, "ValidationError", "missing", "redirect_uri", 400},
		{"null redirect_uri", "/v0/links/create-link", map[string]any{"redirect_uri": nil}, "ValidationError", "missing", "redirect_uri", 400},
		{"duplicate name", "/v0/links/create-link", map[string]any{"redirect_uri": "https://x", "name": "web"}, "DuplicatedName", "duplicated", "name", 400},
		{"malformed", "/v0/links/create-link", []byte(`{"redirect_uri":`), "ValidationError", "invalid", "body", 400},
		{"edit unknown", "/v0/links/edit-link", map[string]any{"token": "nope"}, "ValidationError", "not_found", "token", 400},
		{"edit without token", "/v0/links/edit-link", map[string]any{}, "ValidationError", "missing", "token", 400},
		{"edit to duplicate", "/v0/links/edit-link", map[string]any{"token": tok, "name": def["name"]}, "DuplicatedName", "duplicated", "name", 400},
		{"delete default with pending codes", "/v0/links/delete-link", map[string]any{"token": def["token"]}, "ValidationError", "pending_codes", "token", 400},
		{"pause unknown", "/v0/links/pause-link", map[string]any{"token": "nope"}, "ValidationError", "not_found", "token", 400},
	}
	a.srv.NewLinkCode("1234") // a pending code on the default link
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := a.post(tc.path, tc.body)
			wantDetail(t, wantV2(t, st, body, tc.wantStatus, tc.code), tc.errorType, tc.field)
		})
	}

	// edit: present fields change, null removes
	l = obj(t, a.postOK("/v0/links/edit-link", map[string]any{"token": tok, "name": "web2", "company_name": nil}))["data"].(map[string]any)
	if l["name"] != "web2" || l["company_name"] != nil || l["redirect_uri"] != "https://app.example/cb" {
		t.Fatalf("edit: %v", l)
	}
	// pause / resume
	if l = obj(t, a.postOK("/v0/links/pause-link", map[string]string{"token": tok}))["data"].(map[string]any); l["active"] != false {
		t.Fatalf("pause: %v", l)
	}
	if l = obj(t, a.postOK("/v0/links/resume-link", map[string]string{"token": tok}))["data"].(map[string]any); l["active"] != true {
		t.Fatalf("resume: %v", l)
	}
	// the default link counts its pending code
	for _, it := range obj(t, a.postOK("/v0/links/list-links", map[string]any{}))["items"].([]any) {
		if it := it.(map[string]any); it["token"] == def["token"] && it["pending_code_count"] != json.Number("1") {
			t.Fatalf("pending_code_count: %v", it)
		}
	}
	// delete
	if m = obj(t, a.postOK("/v0/links/delete-link", map[string]string{"token": tok})); m["success"] != true {
		t.Fatalf("delete: %v", m)
	}
	if m = obj(t, a.postOK("/v0/links/list-links", nil)); m["count"] != json.Number("2") {
		t.Fatalf("after delete: %v", m)
	}
	// wrong method keeps the legacy shape
	st, body := a.do("GET", "/v0/links/list-links", nil)
	wantV0(t, st, body, 405, "Method not allowed", 0)
}
