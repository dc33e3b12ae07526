package flanks

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strconv"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/transport"
)

// The Report API v1 (beta) is documented only through a community client;
// its field names are the SDK's best knowledge.

// ReportTemplate is a report template ([Client.ListReportTemplates]).
type ReportTemplate struct {
	TemplateID  int64  `json:"template_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ListReportTemplates iterates over the report templates:
// POST /report/v1/list-templates. The answer is {"items": [...]}; a
// next_page_token, if Flanks ever sends one, is followed. On failure the
// iterator yields one (zero, err) pair.
func (c *Client) ListReportTemplates(ctx context.Context) iter.Seq2[ReportTemplate, error] {
	return paginate[ReportTemplate](ctx, c, "ListReportTemplates", "/report/v1/list-templates", nil)
}

// ReportStatus is a report's build status. Values without a constant are
// kept as sent.
type ReportStatus string

// Report statuses, in build order; ready and fail are final.
const (
	ReportNew     ReportStatus = "new"
	ReportPayload ReportStatus = "payload"
	ReportFile    ReportStatus = "file"
	ReportReady   ReportStatus = "ready"
	ReportFail    ReportStatus = "fail"
)

// Final reports whether the status is ready or fail.
func (s ReportStatus) Final() bool { return s == ReportReady || s == ReportFail }

// Report is a report being built or built.
type Report struct {
	ReportID   int64        `json:"report_id"`
	TemplateID int64        `json:"template_id"`
	Status     ReportStatus `json:"status"`
}

// UnmarshalJSON also accepts ids sent as numeric strings.
func (r *Report) UnmarshalJSON(b []byte) error {
	var raw struct {
		ReportID   flexInt         `json:"report_id"`
		TemplateID flexInt         `json:"template_id"`
		Status     json.RawMessage `json:"status"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = Report{ReportID: raw.ReportID.v, TemplateID: raw.TemplateID.v, Status: ReportStatus(looseString(raw.Status))}
	return nil
}

// BuildReportRequest is the body of [Client.BuildReport]. Query and
// TemplateAttributes are required by Flanks; nil is sent as {}.
type BuildReportRequest struct {
	TemplateID int64 `json:"template_id"`
	// Query selects the data (label filters).
	Query map[string]any `json:"query"`
	// TemplateAttributes are the template's parameters.
	TemplateAttributes map[string]any `json:"template_attributes"`
	// Language is "en" (default), "es" or "fr".
	Language string `json:"language,omitempty"`
	// StartDate and EndDate bound the period; EndDate defaults to today.
	StartDate Date `json:"start_date,omitzero"`
	EndDate   Date `json:"end_date,omitzero"`
}

// BuildReport starts building a report: POST /report/v1/build-report. It
// returns at once with the report id; wait with [Client.WaitForReport].
// It is sent once (never retried after it may have reached Flanks). An
// unknown template or bad field gives an error matching
// errors.ErrBadRequest.
func (c *Client) BuildReport(ctx context.Context, req BuildReportRequest) (*Report, error) {
	const op = "BuildReport"
	if req.TemplateID <= 0 {
		return nil, badArg(op, "template id must be positive")
	}
	if req.Query == nil {
		req.Query = map[string]any{}
	}
	if req.TemplateAttributes == nil {
		req.TemplateAttributes = map[string]any{}
	}
	var out Report
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/report/v1/build-report", Body: req,
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	if out.ReportID == 0 {
		return nil, opError(op, unexpected(resp, "no report_id in the answer"))
	}
	if out.TemplateID == 0 {
		out.TemplateID = req.TemplateID
	}
	return &out, nil
}

type reportIDBody struct {
	ReportID int64 `json:"report_id"`
}

// GetReportStatus returns a report's status:
// POST /report/v1/get-report-status with {"report_id"}.
func (c *Client) GetReportStatus(ctx context.Context, reportID int64) (*Report, error) {
	const op = "GetReportStatus"
	if reportID <= 0 {
		return nil, badArg(op, "report id must be positive")
	}
	r, err := c.reportStatus(ctx, op, reportID)
	return r, opError(op, err)
}

func (c *Client) reportStatus(ctx context.Context, op string, reportID int64) (*Report, error) {
	var out Report
	_, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/report/v1/get-report-status",
		Body: reportIDBody{reportID}, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.ReportID == 0 {
		out.ReportID = reportID
	}
	return &out, nil
}

// ReportContent is where to download a ready report.
type ReportContent struct {
	// URL is the download URL (pre-signed; fetch it without the API token).
	URL string `json:"url"`
}

// GetReportContent returns the download URL of a ready report:
// POST /report/v1/get-report-content with {"report_id"}. A report that is
// not ready (or failed) gives an error matching errors.ErrBadRequest.
func (c *Client) GetReportContent(ctx context.Context, reportID int64) (*ReportContent, error) {
	const op = "GetReportContent"
	if reportID <= 0 {
		return nil, badArg(op, "report id must be positive")
	}
	var out ReportContent
	resp, err := c.send(ctx, &transport.Request{
		Op: op, Method: http.MethodPost, Path: "/report/v1/get-report-content",
		Body: reportIDBody{reportID}, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, opError(op, err)
	}
	if out.URL == "" {
		return nil, opError(op, unexpected(resp, "no url in the answer"))
	}
	return &out, nil
}

// ErrReportFailed is matched by the error of [Client.WaitForReport] when
// the report's build failed (status "fail").
var ErrReportFailed = errors.New("report build failed")

// ReportError is returned by [Client.WaitForReport] for a report whose
// status became "fail". It matches [ErrReportFailed].
type ReportError struct {
	ReportID int64
	Status   ReportStatus
}

// Error names the report and its status.
func (e *ReportError) Error() string {
	return "report " + strconv.FormatInt(e.ReportID, 10) + " ended with status " + string(e.Status)
}

// Is matches ErrReportFailed.
func (e *ReportError) Is(target error) bool { return target == ErrReportFailed }

// reportPending is a poll's "not yet" for a report.
type reportPending struct{ status ReportStatus }

func (e reportPending) Error() string { return "report is " + string(e.status) }

func (reportPending) Is(target error) bool { return target == sdkerrors.ErrPending }

// WaitForReport polls POST /report/v1/get-report-status (at once, then
// every poll interval) until the report is ready or failed. Ready returns
// the report (then call [Client.GetReportContent]); fail returns the
// report with a *[ReportError] matching [ErrReportFailed]; the poll
// timeout gives an error matching errors.ErrPollTimeout.
func (c *Client) WaitForReport(ctx context.Context, reportID int64) (*Report, error) {
	const op = "WaitForReport"
	if reportID <= 0 {
		return nil, badArg(op, "report id must be positive")
	}
	var last *Report
	r, err := wait(ctx, c, op, isPending, func(ctx context.Context) (*Report, error) {
		r, err := c.reportStatus(ctx, op, reportID)
		if err != nil {
			return nil, err
		}
		last = r
		switch r.Status {
		case ReportReady:
			return r, nil
		case ReportFail:
			return r, &ReportError{ReportID: r.ReportID, Status: r.Status}
		}
		return r, reportPending{r.Status}
	})
	if r == nil {
		r = last
	}
	return r, err
}
