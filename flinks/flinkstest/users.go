package flinkstest

import (
	"strings"
	"time"
)

// Flinks Capital test institution values (reference §7).
const (
	// Institution is the institution name for live username logins.
	Institution = "FlinksCapital"
	// InstitutionID is the numeric id reported as InstitutionId.
	InstitutionID = 14
	// Password is the password of every Flinks Capital test user.
	Password = "Everyday"

	// UserGreatday asks two MFA rounds on a live login: PromptCity, then PromptCountry.
	UserGreatday = "Greatday"
	// UserEveryday asks one MFA round on a live login: PromptShape.
	UserEveryday = "Everyday"
	// UserNoMFA logs in without MFA.
	UserNoMFA = "greatday_nomfa"
	// UserDisabled fails Authorize with DISABLED_LOGIN (live and cached).
	UserDisabled = "test_disabled_account"
	// UserServiceUnavailable fails Authorize with RETRY_LATER (live and cached).
	UserServiceUnavailable = "test_service_unavailable"
	// UserPending authorizes, then its data calls answer 202 OPERATION_PENDING WithPendingPolls
	// times before 200.
	UserPending = "test_pending"
	// UserDispatched is like UserPending with OPERATION_DISPATCHED.
	UserDispatched = "test_dispatched"
)

// MFA prompts of the Flinks Capital test institution.
const (
	// PromptCity is answered "Montreal".
	PromptCity = "What city were you born in?"
	// PromptCountry is answered "Canada".
	PromptCountry = "What is the best country on earth?"
	// PromptShape is answered "Triangle".
	PromptShape = "What shape do people like most?"
)

var mfaAnswers = map[string]string{
	PromptCity:    "Montreal",
	PromptCountry: "Canada",
	PromptShape:   "Triangle",
}

// Answer returns the expected answer to a Flinks Capital MFA prompt, or "" for an unknown
// prompt. Answers are compared case-insensitively by the server.
func Answer(prompt string) string { return mfaAnswers[prompt] }

// Users returns the usernames of the Flinks Capital test users, in a fixed order.
func Users() []string {
	out := make([]string, len(testUsers))
	for i, u := range testUsers {
		out[i] = u.name
	}
	return out
}

type testUser struct {
	name        string
	rounds      [][]string // MFA prompts per round on a live login
	authErr     string     // FlinksCode Authorize fails with
	pendingCode string     // 202 code of the data calls
}

var testUsers = []*testUser{
	{name: UserGreatday, rounds: [][]string{{PromptCity}, {PromptCountry}}},
	{name: UserEveryday, rounds: [][]string{{PromptShape}}},
	{name: UserNoMFA},
	{name: UserDisabled, authErr: "DISABLED_LOGIN"},
	{name: UserServiceUnavailable, authErr: "RETRY_LATER"},
	{name: UserPending, pendingCode: "OPERATION_PENDING"},
	{name: UserDispatched, pendingCode: "OPERATION_DISPATCHED"},
}

// prompts returns every MFA prompt of the user.
func (u *testUser) prompts() []string {
	var out []string
	for _, r := range u.rounds {
		out = append(out, r...)
	}
	return out
}

// card is a saved login of one test user.
type card struct {
	user        *testUser
	loginID     string
	gen         int // bumped each time the card is re-created after DeleteCard
	deleted     bool
	scheduled   bool
	lastRefresh time.Time
	answers     map[string]string // Enhanced-MFA stored answers, prompt -> answer

	data lazyDataset
}

// family is a kind of data request; each has its own pending counter per RequestId.
type family int

const (
	famSummary family = iota
	famDetail
	famStatements
	numFamilies
)

type job struct {
	started     bool
	pendingLeft int
	done        bool
	opts        *dataRequest
}

// session is one RequestId.
type session struct {
	id              string
	card            *card
	live            bool
	mfa             bool     // waiting for SecurityResponses
	round           int      // index into the user's MFA rounds
	asked           []string // prompts of the current round
	tag             string
	lastActivity    time.Time
	processingStart time.Time
	expired         bool
	jobs            [numFamilies]job
}

// isExpired applies the §6 timing rules and makes expiry sticky.
func (ss *session) isExpired(now time.Time) bool {
	if ss.expired {
		return true
	}
	if now.Sub(ss.lastActivity) > sessionIdle ||
		(!ss.processingStart.IsZero() && now.Sub(ss.processingStart) > processingCap) {
		ss.expired = true
	}
	return ss.expired
}

func (ss *session) touch(now time.Time) { ss.lastActivity = now }

// processing reports whether the session is still aggregating data for its card (a pending
// user whose accounts detail has not been delivered yet).
func (ss *session) processing(now time.Time, pendingPolls int) bool {
	return ss.card.user.pendingCode != "" && pendingPolls > 0 && !ss.mfa &&
		!ss.jobs[famDetail].done && !ss.isExpired(now)
}

func findPrompt(list []string, key string) (string, bool) {
	k := strings.TrimSpace(key)
	for _, p := range list {
		if strings.EqualFold(p, k) {
			return p, true
		}
	}
	return "", false
}
