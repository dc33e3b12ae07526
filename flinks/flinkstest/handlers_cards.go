package flinkstest

import (
	"net/http"
	"strings"
)

type deleteCardResponse struct {
	StatusCode int
	Message    string
}

func (s *Server) handleDeleteCard(rc *reqCtx) {
	id := strings.TrimSpace(rc.args[0])
	s.mu.Lock()
	c := s.cards[strings.ToLower(id)]
	if c == nil || c.deleted {
		s.mu.Unlock()
		writeError(rc.w, errCode("INVALID_LOGIN"), "", rc.op.name)
		return
	}
	for _, ss := range s.sessions {
		if ss.card == c && ss.processing(rc.now, s.cfg.pendingPolls) {
			s.mu.Unlock()
			writeError(rc.w, errCode("CARD_IN_USE"), ss.id, rc.op.name)
			return
		}
	}
	c.deleted = true
	delete(s.cards, strings.ToLower(c.loginID))
	for k, ss := range s.sessions {
		if ss.card == c {
			delete(s.sessions, k)
		}
	}
	loginID := c.loginID
	s.mu.Unlock()
	writeJSON(rc.w, http.StatusOK, deleteCardResponse{
		StatusCode: http.StatusOK,
		Message:    "All of the information about LoginId " + loginID + " has been removed",
	})
}

type scheduledRefreshRequest struct {
	LoginId     string
	IsActivated *flexBool
}

func (s *Server) handleSetScheduledRefresh(rc *reqCtx) {
	var req scheduledRefreshRequest
	if !rc.decode(&req) {
		return
	}
	for k, v := range rc.r.URL.Query() {
		if len(v) == 0 {
			continue
		}
		switch strings.ToLower(k) {
		case "loginid":
			if req.LoginId == "" {
				req.LoginId = v[0]
			}
		case "isactivated":
			if req.IsActivated == nil {
				var b flexBool
				if b.UnmarshalJSON([]byte(v[0])) == nil {
					req.IsActivated = &b
				}
			}
		}
	}
	id := strings.TrimSpace(req.LoginId)
	if id == "" {
		writeError(rc.w, errInvalidRequest("loginId is required"), "", rc.op.name)
		return
	}
	on := isTrue(req.IsActivated, false)
	s.mu.Lock()
	c := s.cards[strings.ToLower(id)]
	if c == nil || c.deleted {
		s.mu.Unlock()
		writeError(rc.w, errCode("INVALID_LOGIN"), "", rc.op.name)
		return
	}
	c.scheduled = on
	loginID := c.loginID
	s.mu.Unlock()
	state := "deactivated"
	if on {
		state = "activated"
	}
	writeJSON(rc.w, http.StatusOK, "LoginId "+loginID+" has now been "+state+" for automatic refresh")
}

type mfaQuestion struct {
	Question string
}

type mfaQuestionsResponse struct {
	Message   string
	Questions []mfaQuestion
}

func (s *Server) handleGetMFAQuestions(rc *reqCtx) {
	id := strings.TrimSpace(rc.args[0])
	s.mu.Lock()
	c := s.cards[strings.ToLower(id)]
	gone := c == nil || c.deleted
	s.mu.Unlock()
	if gone {
		writeError(rc.w, errCode("INVALID_LOGIN"), "", rc.op.name)
		return
	}
	out := mfaQuestionsResponse{Message: "SUCCESS", Questions: []mfaQuestion{}}
	for _, p := range c.user.prompts() {
		out.Questions = append(out.Questions, mfaQuestion{Question: p})
	}
	writeJSON(rc.w, http.StatusOK, out)
}

type answerMFARequest struct {
	LoginId   string
	Questions []struct {
		Question string
		Answer   string
	}
}

type messageResponse struct {
	Message string
}

func (s *Server) handleAnswerMFAQuestions(rc *reqCtx) {
	var req answerMFARequest
	if !rc.decode(&req) {
		return
	}
	id := strings.TrimSpace(req.LoginId)
	if id == "" || len(req.Questions) == 0 {
		writeError(rc.w, errInvalidRequest("loginId and Questions are required"), "", rc.op.name)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cards[strings.ToLower(id)]
	if c == nil || c.deleted {
		writeError(rc.w, errCode("INVALID_LOGIN"), "", rc.op.name)
		return
	}
	prompts := c.user.prompts()
	for _, q := range req.Questions {
		if _, ok := findPrompt(prompts, q.Question); !ok {
			writeError(rc.w, errCode("QUESTION_NOT_FOUND"), "", rc.op.name)
			return
		}
	}
	for _, q := range req.Questions {
		p, _ := findPrompt(prompts, q.Question)
		c.answers[p] = q.Answer
	}
	writeJSON(rc.w, http.StatusOK, messageResponse{Message: "Answers updated"})
}

type ineligibleCard struct {
	LoginId              string
	LastRefreshDate      string
	LastRefreshState     string
	LastRefreshErrorCode *string
}

type nightlyRefreshResponse struct {
	HttpStatusCode  int
	IneligibleCards []ineligibleCard
}

func (s *Server) handleNightlyRefreshStatus(rc *reqCtx) {
	out := nightlyRefreshResponse{HttpStatusCode: http.StatusOK, IneligibleCards: []ineligibleCard{}}
	s.mu.Lock()
	for _, u := range testUsers {
		c := s.users[strings.ToLower(u.name)]
		if c == nil || c.deleted {
			continue
		}
		ic := ineligibleCard{LoginId: c.loginID, LastRefreshDate: c.lastRefresh.UTC().Format(lastRefreshLayout)}
		switch {
		case len(u.rounds) > 0:
			ic.LastRefreshState = "AnsweringSecurityChallenge"
		case u.authErr != "":
			ic.LastRefreshState = "Error"
			ic.LastRefreshErrorCode = strPtr(u.authErr)
		default:
			continue
		}
		out.IneligibleCards = append(out.IneligibleCards, ic)
	}
	s.mu.Unlock()
	writeJSON(rc.w, http.StatusOK, out)
}

type localization struct {
	Language string
	Name     string
}

type institutionJSON struct {
	Id             int
	Name           string
	Country        string
	Status         string
	Localizations  []localization
	RoutingNumbers []string
}

var institutions = []institutionJSON{
	{Id: 1, Name: "RBC", Country: "CA"},
	{Id: 2, Name: "TD", Country: "CA"},
	{Id: 3, Name: "BMO", Country: "CA"},
	{Id: 4, Name: "Scotia", Country: "CA"},
	{Id: 5, Name: "CIBC", Country: "CA"},
	{Id: 6, Name: "Desjardins", Country: "CA"},
	{Id: 7, Name: "National", Country: "CA"},
	{Id: InstitutionID, Name: Institution, Country: "CA"},
	{Id: 100, Name: "FlinksCapitalUS", Country: "US", RoutingNumbers: []string{"011000015", "021000021"}},
}

func init() {
	for i := range institutions {
		in := &institutions[i]
		in.Status = "Active"
		in.Localizations = []localization{{Language: "en", Name: in.Name}, {Language: "fr", Name: in.Name}}
		if in.RoutingNumbers == nil {
			in.RoutingNumbers = []string{}
		}
	}
}

type institutionsResponse struct {
	Data  []institutionJSON `json:"data"`
	Count int               `json:"count"`
}

type routingResponse struct {
	Id             int
	Localizations  []localization
	Status         string
	Country        string
	RoutingNumbers []string
}

func (s *Server) handleInstitutions(rc *reqCtx) {
	switch {
	case len(rc.args) == 0:
		writeJSON(rc.w, http.StatusOK, institutionsResponse{Data: institutions, Count: len(institutions)})
		return
	case len(rc.args) == 2 && strings.EqualFold(rc.args[0], "RoutingNumber"):
		n := strings.TrimSpace(rc.args[1])
		for _, in := range institutions {
			for _, rn := range in.RoutingNumbers {
				if rn == n {
					writeJSON(rc.w, http.StatusOK, routingResponse{Id: in.Id, Localizations: in.Localizations,
						Status: in.Status, Country: in.Country, RoutingNumbers: in.RoutingNumbers})
					return
				}
			}
		}
		writeJSON(rc.w, http.StatusNotFound, plainError{HttpStatusCode: http.StatusNotFound,
			Message: "No institution was found for this routing number"})
		return
	}
	writeJSON(rc.w, http.StatusNotFound, plainError{HttpStatusCode: http.StatusNotFound,
		Message: "No HTTP resource was found that matches the request URI"})
}
