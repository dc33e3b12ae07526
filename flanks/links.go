package flanks

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// Link is a Flanks Link widget configuration (Links API). End users open
// https://platform.flanks.io/link?token=<Token>.
type Link struct {
	Token                 string `json:"token"`
	Name                  string `json:"name"`
	RedirectURI           string `json:"redirect_uri"`
	CompanyName           string `json:"company_name"`
	TermsAndConditionsURL string `json:"terms_and_conditions_url"`
	PrivacyPolicyURL      string `json:"privacy_policy_url"`
	Active                bool   `json:"active"`
	PendingCodeCount      int    `json:"pending_code_count"`
}

// linkResponse decodes both documented shapes of a Link answer:
// {"success": true, "data": Link} and a bare Link.
type linkResponse struct {
	Success *bool `json:"success"`
	Data    *Link `json:"data"`
	Link
}

func (r *linkResponse) link() *Link {
	if r.Data != nil {
		return r.Data
	}
	l := r.Link
	return &l
}

// linkList decodes {"success", "count", "items"} and a bare array.
type linkList struct {
	Success *bool  `json:"success"`
	Count   int    `json:"count"`
	Items   []Link `json:"items"`
}

func (l *linkList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		*l = linkList{}
		return json.Unmarshal(b, &l.Items)
	}
	type plain linkList
	return json.Unmarshal(b, (*plain)(l))
}

// ListLinks iterates over your Links: POST /v0/links/list-links. The
// endpoint is not paginated; the iterator has the same shape as the other
// list calls (one (zero, err) pair on failure).
func (c *Client) ListLinks(ctx context.Context) iter.Seq2[Link, error] {
	const op = "ListLinks"
	return func(yield func(Link, error) bool) {
		var out linkList
		resp, err := c.send(ctx, &transport.Request{
			Op: op, Method: http.MethodPost, Path: "/v0/links/list-links", Body: struct{}{}, Idempotent: true,
		}, &out)
		if err == nil {
			err = c.checkSuccess(resp, out.Success)
		}
		if err != nil {
			yield(Link{}, opError(op, err))
			return
		}
		for _, l := range out.Items {
			if !yield(l, nil) {
				return
			}
		}
	}
}

// CreateLinkRequest is the body of [Client.CreateLink]. RedirectURI is
// required; Name defaults to the new token and must be unique.
type CreateLinkRequest struct {
	RedirectURI           string `json:"redirect_uri"`
	Name                  string `json:"name,omitempty"`
	CompanyName           string `json:"company_name,omitempty"`
	TermsAndConditionsURL string `json:"terms_and_conditions_url,omitempty"`
	PrivacyPolicyURL      string `json:"privacy_policy_url,omitempty"`
}

// CreateLink creates a Link: POST /v0/links/create-link. It is sent once
// (never retried after it may have reached Flanks). A duplicated name or a
// missing redirect_uri gives an error matching errors.ErrBadRequest (v2
// envelope, e.g. code "ValidationError").
func (c *Client) CreateLink(ctx context.Context, req CreateLinkRequest) (*Link, error) {
	const op = "CreateLink"
	if req.RedirectURI == "" {
		return nil, badArg(op, "redirect URI is empty")
	}
	return c.linkCall(ctx, op, "/v0/links/create-link", req, false)
}

// EditLinkRequest is the body of [Client.EditLink]: Token names the Link;
// fields left nil are unchanged; the JSON names listed in Clear
// ("company_name", "terms_and_conditions_url", "privacy_policy_url",
// "name") are set to null, which removes them.
type EditLinkRequest struct {
	Token                 string
	Name                  *string
	RedirectURI           *string
	CompanyName           *string
	TermsAndConditionsURL *string
	PrivacyPolicyURL      *string
	Clear                 []string
}

func (r EditLinkRequest) body() map[string]any {
	m := map[string]any{"token": r.Token}
	set := func(k string, v *string) {
		if v != nil {
			m[k] = *v
		}
	}
	set("name", r.Name)
	set("redirect_uri", r.RedirectURI)
	set("company_name", r.CompanyName)
	set("terms_and_conditions_url", r.TermsAndConditionsURL)
	set("privacy_policy_url", r.PrivacyPolicyURL)
	for _, k := range r.Clear {
		m[k] = nil
	}
	return m
}

// EditLink changes a Link: POST /v0/links/edit-link. An unknown token gives
// an error matching errors.ErrBadRequest.
func (c *Client) EditLink(ctx context.Context, req EditLinkRequest) (*Link, error) {
	const op = "EditLink"
	if req.Token == "" {
		return nil, badArg(op, "link token is empty")
	}
	return c.linkCall(ctx, op, "/v0/links/edit-link", req.body(), true)
}

// PauseLink deactivates a Link (end users can no longer use it):
// POST /v0/links/pause-link.
func (c *Client) PauseLink(ctx context.Context, token string) (*Link, error) {
	const op = "PauseLink"
	if token == "" {
		return nil, badArg(op, "link token is empty")
	}
	return c.linkCall(ctx, op, "/v0/links/pause-link", tokenBody{token}, true)
}

// ResumeLink reactivates a paused Link: POST /v0/links/resume-link.
func (c *Client) ResumeLink(ctx context.Context, token string) (*Link, error) {
	const op = "ResumeLink"
	if token == "" {
		return nil, badArg(op, "link token is empty")
	}
	return c.linkCall(ctx, op, "/v0/links/resume-link", tokenBody{token}, true)
}

type tokenBody struct {
	Token string `json:"token"`
}

func (c *Client) linkCall(ctx context.Context, op, path string, body any, idempotent bool) (*Link, error) {
	var out linkResponse
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: path, Body: body, Idempotent: idempotent,
	}, &out)
	if err == nil {
		err = c.checkSuccess(resp, out.Success)
	}
	if err != nil {
		return nil, opError(op, err)
	}
	l := out.link()
	if l.Token == "" {
		return nil, opError(op, unexpected(resp, "no link in the answer"))
	}
	return l, nil
}

// DeleteLink deletes a Link: POST /v0/links/delete-link. Only Links
// without pending codes can be deleted (otherwise an error matching
// errors.ErrBadRequest). It is not retried after it may have reached
// Flanks.
func (c *Client) DeleteLink(ctx context.Context, token string) error {
	const op = "DeleteLink"
	if token == "" {
		return badArg(op, "link token is empty")
	}
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/v0/links/delete-link", Body: tokenBody{token},
	}, nil)
	if err == nil {
		err = c.checkBody(resp)
	}
	return opError(op, err)
}
