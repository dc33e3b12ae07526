package flinkstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// flexBool accepts true/false, "true"/"false" (any case) and 1/0.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(string(data)), `"`))
	switch s {
	case "true", "1", "yes":
		*b = true
	case "false", "0", "no", "", "null":
		*b = false
	default:
		return errors.New("flinkstest: not a boolean")
	}
	return nil
}

// flexStrings accepts a string or an array of strings.
type flexStrings []string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexStrings) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexStrings{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*f = list
	return nil
}

// decode parses the JSON body into v (keys matched case-insensitively by encoding/json). An
// empty body leaves v untouched. On malformed JSON it writes 401 INVALID_REQUEST and returns
// false.
func (rc *reqCtx) decode(v any) bool {
	if len(bytes.TrimSpace(rc.body)) == 0 {
		return true
	}
	if err := json.Unmarshal(rc.body, v); err != nil {
		e := errInvalidRequest("The request body is not valid JSON")
		if rc.op.insight {
			e = e.forEnrich()
		}
		writeError(rc.w, e, "", rc.op.name)
		return false
	}
	return true
}

type tokenResponse struct {
	HttpStatusCode int
	Token          string
}

func (s *Server) handleGenerateToken(rc *reqCtx) {
	tok := newToken()
	s.mu.Lock()
	if len(s.tokens) > pruneThreshold {
		for k, t := range s.tokens {
			if rc.now.Sub(t) > tokenLifetime {
				delete(s.tokens, k)
			}
		}
	}
	s.tokens[tok] = rc.now
	s.mu.Unlock()
	writeJSON(rc.w, http.StatusOK, tokenResponse{HttpStatusCode: http.StatusOK, Token: tok})
}

type authorizeRequest struct {
	LoginId           string
	MostRecentCached  flexBool
	Institution       string
	Username          string
	Password          string
	Save              flexBool
	Language          string
	Tag               string
	RequestId         string
	SecurityResponses map[string]flexStrings
}

type loginJSON struct {
	Username           string
	IsScheduledRefresh bool
	LastRefresh        string
	Type               string
	Id                 string
}

const lastRefreshLayout = "2006-01-02T15:04:05.000000"

func (c *card) login() loginJSON {
	return loginJSON{
		Username:           c.user.name,
		IsScheduledRefresh: c.scheduled,
		LastRefresh:        c.lastRefresh.UTC().Format(lastRefreshLayout),
		Type:               "Personal",
		Id:                 c.loginID,
	}
}

type authorizeOK struct {
	Links           []link
	HttpStatusCode  int
	Login           loginJSON
	InstitutionName string
	InstitutionId   int
	Institution     string
	RequestId       string
	Tag             string `json:",omitempty"`
}

type securityChallenge struct {
	Type   string
	Prompt string
}

type authorizeMFA struct {
	Links              []link
	HttpStatusCode     int
	SecurityChallenges []securityChallenge
	Institution        string
	RequestId          string
}

var dataLinks = []link{
	{Rel: "AccountsDetail", Href: "/GetAccountsDetail"},
	{Rel: "AccountsSummary", Href: "/GetAccountsSummary"},
	{Rel: "Statements", Href: "/GetStatements"},
}

// reply is an answer computed under the lock and written after it is released.
type reply struct {
	err       *apiErr
	requestID string
	status    int
	body      any
}

func (s *Server) handleAuthorize(rc *reqCtx) {
	var req authorizeRequest
	if !rc.decode(&req) {
		return
	}
	s.mu.Lock()
	rep := s.authorize(&req, rc.now)
	s.mu.Unlock()
	if rep.err != nil {
		writeError(rc.w, rep.err, rep.requestID, rc.op.name)
		return
	}
	writeJSON(rc.w, rep.status, rep.body)
}

// authorize runs the Authorize state machine. Caller holds s.mu.
func (s *Server) authorize(req *authorizeRequest, now time.Time) reply {
	switch {
	case strings.TrimSpace(req.RequestId) != "":
		return s.answerMFA(req, now)
	case strings.TrimSpace(req.LoginId) != "":
		c := s.cards[strings.ToLower(strings.TrimSpace(req.LoginId))]
		if c == nil || c.deleted {
			return reply{err: errCode("INVALID_LOGIN")}
		}
		if bool(req.MostRecentCached) {
			if c.user.authErr != "" {
				return reply{err: errCode(c.user.authErr)}
			}
			ss := s.newSession(c, false, req.Tag, now)
			return s.authorized(ss)
		}
		return s.liveLogin(c, req.Tag, now)
	case req.Username != "":
		inst := strings.ReplaceAll(strings.TrimSpace(req.Institution), " ", "")
		if inst == "" {
			return reply{err: errInvalidRequest("Institution is required with Username and Password")}
		}
		if !strings.EqualFold(inst, Institution) {
			return reply{err: errCode("DISABLED_INSTITUTION")}
		}
		c := s.users[strings.ToLower(strings.TrimSpace(req.Username))]
		if c == nil {
			return reply{err: errCode("INVALID_USERNAME")}
		}
		if req.Password != Password {
			return reply{err: errCode("INVALID_PASSWORD")}
		}
		if c.deleted {
			c.gen++
			c.loginID = loginIDFor(s.cfg.seed, c.user.name, c.gen)
			c.deleted = false
			c.answers = map[string]string{}
			s.cards[strings.ToLower(c.loginID)] = c
		}
		return s.liveLogin(c, req.Tag, now)
	}
	return reply{err: errInvalidRequest("LoginId, Username or RequestId is required")}
}

func (s *Server) newSession(c *card, live bool, tag string, now time.Time) *session {
	if len(s.sessions) > pruneThreshold {
		for k, ss := range s.sessions {
			if ss.isExpired(now) && now.Sub(ss.lastActivity) > time.Hour {
				delete(s.sessions, k)
			}
		}
	}
	ss := &session{id: newToken(), card: c, live: live, tag: tag, lastActivity: now}
	s.sessions[ss.id] = ss
	return ss
}

func (s *Server) liveLogin(c *card, tag string, now time.Time) reply {
	for _, other := range s.sessions {
		if other.card == c && other.live && other.mfa && !other.isExpired(now) {
			return reply{err: errCode("CONCURRENT_SESSION")}
		}
	}
	if c.user.authErr != "" {
		return reply{err: errCode(c.user.authErr)}
	}
	ss := s.newSession(c, true, tag, now)
	ss.round = -1
	return s.nextRound(ss, now)
}

// nextRound moves ss to its next MFA round, skipping rounds whose prompts all have correct
// stored (Enhanced MFA) answers; a wrong stored answer is erased and the prompt asked.
func (s *Server) nextRound(ss *session, now time.Time) reply {
	rounds := ss.card.user.rounds
	for ss.round++; ss.round < len(rounds); ss.round++ {
		var ask []string
		for _, p := range rounds[ss.round] {
			stored, ok := ss.card.answers[p]
			if ok && strings.EqualFold(strings.TrimSpace(stored), mfaAnswers[p]) {
				continue
			}
			delete(ss.card.answers, p)
			ask = append(ask, p)
		}
		if len(ask) > 0 {
			ss.mfa = true
			ss.asked = ask
			ch := make([]securityChallenge, len(ask))
			for i, p := range ask {
				ch[i] = securityChallenge{Type: "QuestionAndAnswer", Prompt: p}
			}
			return reply{status: 203, body: authorizeMFA{
				Links:              authorizeLinks,
				HttpStatusCode:     203,
				SecurityChallenges: ch,
				Institution:        Institution,
				RequestId:          ss.id,
			}}
		}
	}
	ss.mfa = false
	ss.asked = nil
	ss.card.lastRefresh = now
	return s.authorized(ss)
}

func (s *Server) authorized(ss *session) reply {
	return reply{status: http.StatusOK, body: authorizeOK{
		Links:           dataLinks,
		HttpStatusCode:  http.StatusOK,
		Login:           ss.card.login(),
		InstitutionName: Institution,
		InstitutionId:   InstitutionID,
		Institution:     Institution,
		RequestId:       ss.id,
		Tag:             ss.tag,
	}}
}

func (s *Server) answerMFA(req *authorizeRequest, now time.Time) reply {
	rid := strings.TrimSpace(req.RequestId)
	ss := s.sessions[strings.ToLower(rid)]
	if ss == nil {
		return reply{err: errCode("SESSION_NONEXISTENT"), requestID: rid}
	}
	if ss.isExpired(now) {
		return reply{err: errCode("SESSION_EXPIRED"), requestID: ss.id}
	}
	if !ss.mfa {
		return reply{err: errCode("ALREADY_AUTHORIZED"), requestID: ss.id}
	}
	ss.touch(now)
	answers := map[string][]string{}
	for k, v := range req.SecurityResponses {
		p, ok := findPrompt(ss.asked, k)
		if !ok {
			return reply{err: errCode("UNKNOWN_CHALLENGE_KEY"), requestID: ss.id}
		}
		answers[p] = append(answers[p], v...)
	}
	for _, p := range ss.asked {
		given := false
		for _, a := range answers[p] {
			given = given || strings.TrimSpace(a) != ""
		}
		if !given {
			return reply{err: errCode("SECURITYRESPONSES_INCOMPLETE"), requestID: ss.id}
		}
	}
	for _, p := range ss.asked {
		ok := false
		for _, a := range answers[p] {
			ok = ok || strings.EqualFold(strings.TrimSpace(a), mfaAnswers[p])
		}
		if !ok {
			// The session cannot be retried: it is closed.
			delete(s.sessions, strings.ToLower(ss.id))
			return reply{err: errCode("INVALID_SECURITY_RESPONSE"), requestID: ss.id}
		}
	}
	return s.nextRound(ss, now)
}
