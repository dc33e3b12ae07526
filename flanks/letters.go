package flanks

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/bankdata-go/bankdata/internal/transport"
)

// SignedLetterRequest is the body of [Client.CreateSignedLetter]. Data and
// Annex are the PDF bytes (sent Base64-encoded). String, GoString and
// LogValue print sizes, not contents.
type SignedLetterRequest struct {
	// ConnectorID is the custodian the letter authorises (required).
	ConnectorID string `json:"connector_id"`
	// Data is the signed authorisation letter, a PDF (required).
	Data []byte `json:"data"`
	// Labels are your labels for the letter.
	Labels map[string]string `json:"labels,omitempty"`
	// Annex is an optional PDF stored with the letter, not sent to the
	// custodian.
	Annex []byte `json:"annex,omitempty"`
	// ContactInfo is optional contact information.
	ContactInfo map[string]any `json:"contact_info,omitempty"`
}

// String describes the request without the documents or contact data.
func (r SignedLetterRequest) String() string {
	return "flanks.SignedLetterRequest{ConnectorID: " + r.ConnectorID + ", Data: " + itoa(len(r.Data)) +
		" bytes, Annex: " + itoa(len(r.Annex)) + " bytes, Labels: " + keysOf(r.Labels) +
		", ContactInfo: " + keysOf(r.ContactInfo) + "}"
}

// GoString makes %#v as safe as %v.
func (r SignedLetterRequest) GoString() string { return r.String() }

// LogValue makes the request safe to pass to log/slog.
func (r SignedLetterRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("connector_id", r.ConnectorID),
		slog.Int("data_bytes", len(r.Data)),
		slog.Int("annex_bytes", len(r.Annex)),
	)
}

// Letter is a created authorisation letter.
type Letter struct {
	LetterID string `json:"letter_id"`
}

// UnmarshalJSON accepts a letter_id of any JSON type (kept as text): the
// letter is created once, so its id must not be lost to a type mismatch.
func (l *Letter) UnmarshalJSON(b []byte) error {
	var raw struct {
		LetterID json.RawMessage `json:"letter_id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	l.LetterID = looseString(raw.LetterID)
	return nil
}

// CreateSignedLetter uploads a signed authorisation letter that lets
// Flanks connect to a custodian on your behalf:
// POST /letters/v1/create-signed (JSON, charset utf-8). It is sent once
// (never retried after it may have reached Flanks). A missing or invalid
// field gives an error matching errors.ErrBadRequest; a refused token,
// after one refresh, errors.ErrAuthentication (UNAUTHENTICATED).
func (c *Client) CreateSignedLetter(ctx context.Context, req SignedLetterRequest) (*Letter, error) {
	const op = "CreateSignedLetter"
	if req.ConnectorID == "" || len(req.Data) == 0 {
		return nil, badArg(op, "connector id and data are required")
	}
	var out Letter
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/letters/v1/create-signed", Body: req,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	if out.LetterID == "" {
		return nil, opError(op, unexpected(resp, "no letter_id in the answer"))
	}
	return &out, nil
}
