package flinkstest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// SendWebhook POSTs a GetAccountsDetail webhook for requestID to url, the way Flinks does: the
// body is the GetAccountsDetail 200 payload (with the options of the last GetAccountsDetail call
// of that RequestId, or the defaults) plus "ResponseType":"GetAccountsDetail", signed with
// HMAC-SHA256(key, raw body), Base64-encoded, in both the flinks-authenticity-key and the
// X-Flinks-Signature headers. It returns an error for an unknown, unauthorized or expired
// RequestId, a transport error, or a non-2xx answer.
func (s *Server) SendWebhook(ctx context.Context, url, key string, requestID string) error {
	now := s.now()
	s.mu.Lock()
	ss := s.sessions[strings.ToLower(strings.TrimSpace(requestID))]
	if ss == nil || ss.mfa || ss.isExpired(now) {
		s.mu.Unlock()
		return errors.New("flinkstest: SendWebhook: unknown, unauthorized or expired RequestId")
	}
	opts := dataRequest{}
	if o := ss.jobs[famDetail].opts; o != nil {
		opts = *o
	}
	snap := snapshot{card: ss.card, login: ss.card.login(), requestID: ss.id, tag: ss.tag}
	s.mu.Unlock()

	body := bytes.Join(buildDetail(snap.card.dataset(&s.cfg, now), snap, &opts, now, "GetAccountsDetail"), nil)
	sig := SignWebhook(body, key)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("flinkstest: SendWebhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("flinks-authenticity-key", sig)
	req.Header.Set("X-Flinks-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("flinkstest: SendWebhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("flinkstest: SendWebhook: receiver answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// SignWebhook returns Base64(HMAC-SHA256(key, body)), the signature SendWebhook sends.
func SignWebhook(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
