package flinks

import (
	"context"
	"net/http"
	"strings"

	"github.com/bankdata-go/bankdata/internal/transport"
)

type mfaQuestionsResponse struct {
	HTTPStatusCode int           `json:"HttpStatusCode"`
	FlinksCode     string        `json:"FlinksCode"`
	Message        string        `json:"Message"`
	Questions      []MFAQuestion `json:"Questions"`
}

// GetMFAQuestions lists the security questions stored for a login, answered
// or not (Enhanced MFA; Canada only, simple security questions only): GET
// /v3/{customerID}/BankingServices/GetMFAQuestions/{loginId} with x-api-key.
// Answers are never returned. Notable errors: errors.ErrInvalidLogin,
// [ErrInvalidArgument] for an empty loginID.
func (c *Client) GetMFAQuestions(ctx context.Context, loginID string) ([]MFAQuestion, error) {
	const op = "GetMFAQuestions"
	if err := requireID("loginID", loginID); err != nil {
		return nil, c.opErr(op, err)
	}
	defer c.track(loginID)()
	var out mfaQuestionsResponse
	_, err := c.call(ctx, &transport.Request{
		Op: op, Method: http.MethodGet, Path: bs(op, loginID), Header: c.dataHeader(), Idempotent: true,
	}, &out, func() envelope { return envelope{out.HTTPStatusCode, out.FlinksCode, out.Message, ""} })
	if err != nil {
		return nil, c.scrub(err, loginID)
	}
	if out.Questions == nil {
		out.Questions = []MFAQuestion{}
	}
	return out.Questions, nil
}

type answerMFAWire struct {
	LoginID   string        `json:"loginId"`
	Questions []MFAQuestion `json:"Questions"`
}

// AnswerMFAQuestions stores answers to a login's security questions, so
// later live refreshes need no end user (Enhanced MFA): PATCH
// /v3/{customerID}/BankingServices/AnswerMFAQuestions with x-api-key and
// {"loginId": ..., "Questions": [{"Question": ..., "Answer": ...}]}. Answers
// are checked only at the next live connection; a wrong one is erased and
// the question asked again.
//
// Storing the same answers twice has the same effect as once, so the call is
// retried like a read. Answers never appear in an error or log line. Notable
// errors: errors.ErrQuestionNotFound (a question the login does not have),
// errors.ErrInvalidLogin, [ErrInvalidArgument] for an empty loginID, no
// questions, or a question without text or answer.
func (c *Client) AnswerMFAQuestions(ctx context.Context, loginID string, questions []MFAQuestion) error {
	const op = "AnswerMFAQuestions"
	if err := requireID("loginID", loginID); err != nil {
		return c.opErr(op, err)
	}
	if len(questions) == 0 {
		return c.opErr(op, &argError{msg: "at least one question is required"})
	}
	secrets := []string{loginID}
	for _, q := range questions {
		if strings.TrimSpace(q.Question) == "" || q.Answer == "" {
			return c.opErr(op, &argError{msg: "every question needs its text and an answer"})
		}
		secrets = append(secrets, q.Answer)
	}
	defer c.track(secrets...)()
	resp, err := c.s.t.Do(ctx, &transport.Request{
		Op: op, Method: http.MethodPatch, Path: bs(op), Header: c.dataHeader(),
		Body: answerMFAWire{LoginID: loginID, Questions: questions}, Idempotent: true,
	}, nil)
	if err == nil {
		err = c.opErr(op, c.checkSmallBody(resp))
	}
	return c.scrub(err, secrets...)
}
