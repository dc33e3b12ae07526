package transport

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Log lines carry the provider, operation, attempt, status, code and
// request id — never the URL (the Flinks customer id is in the path), a
// header or a body.

func (c *Client) logRequest(_ retryablehttp.Logger, req *http.Request, retry int) {
	st, _ := req.Context().Value(ctxKey{}).(*callState)
	if st == nil {
		return
	}
	st.attempt.Store(int32(retry + 1))
	st.attemptAt.Store(time.Now().UnixNano())
	if c.cfg.Logger == nil {
		return
	}
	c.cfg.Logger.LogAttrs(req.Context(), slog.LevelDebug, "bankdata request",
		slog.String("provider", c.cfg.Provider),
		slog.String("op", st.op),
		slog.Int("attempt", retry+1),
		slog.String("method", req.Method))
}

func (c *Client) logResponse(_ retryablehttp.Logger, resp *http.Response) {
	if c.cfg.Logger == nil || resp == nil || resp.Request == nil {
		return
	}
	st, _ := resp.Request.Context().Value(ctxKey{}).(*callState)
	if st == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.cfg.Provider),
		slog.String("op", st.op),
		slog.Int("attempt", int(st.attempt.Load())),
		slog.Int("status", resp.StatusCode),
		slog.Duration("elapsed", time.Since(time.Unix(0, st.attemptAt.Load()))),
	}
	if !st.accepts(resp.StatusCode) {
		if e := st.lastErr.Load(); e != nil {
			attrs = append(attrs, errAttrs(e)...)
		}
	}
	c.cfg.Logger.LogAttrs(resp.Request.Context(), slog.LevelDebug, "bankdata response", attrs...)
}

func errAttrs(e *sdkerrors.APIError) []slog.Attr {
	var a []slog.Attr
	if e.Code != "" {
		a = append(a, slog.String("code", e.Code))
	}
	if e.RequestID != "" {
		a = append(a, slog.String("request_id", sdkerrors.Redact(e.RequestID)))
	}
	if e.RetryAfter > 0 {
		a = append(a, slog.Duration("retry_after", e.RetryAfter))
	}
	return a
}

func (c *Client) logRetry(ctx context.Context, st *callState, status int, err error) {
	if c.cfg.Logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.cfg.Provider),
		slog.String("op", st.op),
		slog.Int("attempt", int(st.attempt.Load())),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if e := st.lastErr.Load(); e != nil && status != 0 {
		attrs = append(attrs, errAttrs(e)...)
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", cleanError(ctx, err).Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "bankdata retrying", attrs...)
}

func (c *Client) logDone(st *callState, status int, err error) {
	if c.cfg.Logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.cfg.Provider),
		slog.String("op", st.op),
		slog.Int("attempts", int(st.attempt.Load())),
		slog.Duration("duration", time.Since(st.start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	level := slog.LevelDebug
	if err != nil {
		if !sdkerrors.Is(err, sdkerrors.ErrPending) {
			level = slog.LevelInfo // pending answers are routine while waiting
		}
		var api *sdkerrors.APIError
		if sdkerrors.As(err, &api) {
			attrs = append(attrs, errAttrs(api)...)
		}
		attrs = append(attrs, slog.String("error", err.Error()))
		if r := st.stopReason.Load(); r != nil {
			attrs = append(attrs, slog.String("stopped", *r))
		}
	}
	c.cfg.Logger.LogAttrs(context.Background(), level, "bankdata call", attrs...)
}

// cleanError removes the URL that net/http puts in its errors and prefers
// the context's error once the context is done.
func cleanError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if ne, ok := err.(*sdkerrors.NetworkError); ok {
		return ne
	}
	if ue, ok := err.(*url.Error); ok {
		return &sdkerrors.NetworkError{Op: ue.Op, Err: stripURL(ue.Err)}
	}
	var ue *url.Error
	if sdkerrors.As(err, &ue) {
		return &sdkerrors.NetworkError{Op: ue.Op, Err: stripURL(ue.Err)}
	}
	if sdkerrors.IsNetworkError(err) {
		return &sdkerrors.NetworkError{Op: "read", Err: err}
	}
	return err
}

func stripURL(err error) error {
	// A nested *url.Error (redirects) would still print a URL.
	if ue, ok := err.(*url.Error); ok {
		return &sdkerrors.NetworkError{Op: ue.Op, Err: stripURL(ue.Err)}
	}
	return err
}
