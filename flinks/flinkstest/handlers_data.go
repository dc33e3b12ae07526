package flinkstest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// dataRequest is the body of GetAccountsSummary, GetAccountsDetail and GetStatements.
type dataRequest struct {
	RequestId           string
	WithAccountIdentity *flexBool
	WithKYC             *flexBool
	WithTransactions    *flexBool
	WithBalance         *flexBool
	AccountsFilter      flexStrings
	DaysOfTransactions  string
	NumberOfStatements  string
	MostRecentCached    *flexBool
}

func isTrue(b *flexBool, def bool) bool {
	if b == nil {
		return def
	}
	return bool(*b)
}

// days parses DaysOfTransactions ("Days90", "Days365", any "Days<N>", any case); 0 = all.
func (r *dataRequest) days() (int, bool) {
	v := strings.TrimSpace(r.DaysOfTransactions)
	if v == "" {
		return 0, true
	}
	if len(v) < 5 || !strings.EqualFold(v[:4], "days") {
		return 0, false
	}
	n, err := strconv.Atoi(v[4:])
	if err != nil || n < 1 || n > 3650 {
		return 0, false
	}
	return n, true
}

// statementCount parses NumberOfStatements (MostRecent, Months3, Months12; default MostRecent).
func (r *dataRequest) statementCount() (int, bool) {
	switch strings.ToLower(strings.TrimSpace(r.NumberOfStatements)) {
	case "", "mostrecent":
		return 1, true
	case "months3":
		return 3, true
	case "months12":
		return 12, true
	}
	return 0, false
}

// activeSession finds an authorized, unexpired session and marks activity. Caller holds s.mu.
func (s *Server) activeSession(rid string, now time.Time) (*session, *apiErr) {
	ss := s.sessions[strings.ToLower(rid)]
	if ss == nil {
		return nil, errCode("SESSION_NONEXISTENT")
	}
	if ss.isExpired(now) {
		return nil, errCode("SESSION_EXPIRED")
	}
	if ss.mfa {
		return nil, newErr("UNAUTHORIZED", "The RequestId is not authorized yet: answer the security challenges first")
	}
	ss.touch(now)
	return ss, nil
}

// snapshot is what a data answer needs from a session, copied under the lock.
type snapshot struct {
	card      *card
	login     loginJSON
	requestID string
	tag       string
}

func dataHandler(fam family, async bool) func(*Server, *reqCtx) {
	return func(s *Server, rc *reqCtx) {
		var req dataRequest
		if !rc.decode(&req) {
			return
		}
		bodyHasOpts := len(strings.TrimSpace(string(rc.body))) > 0
		rid := strings.TrimSpace(req.RequestId)
		if async {
			rid = strings.TrimSpace(rc.args[0])
		}
		if rid == "" {
			writeError(rc.w, errInvalidRequest("RequestId is required"), "", rc.op.name)
			return
		}
		if _, ok := req.days(); !ok {
			writeError(rc.w, errInvalidRequest("DaysOfTransactions is invalid"), rid, rc.op.name)
			return
		}
		if _, ok := req.statementCount(); !ok {
			writeError(rc.w, errInvalidRequest("NumberOfStatements is invalid"), rid, rc.op.name)
			return
		}

		s.mu.Lock()
		ss, e := s.activeSession(rid, rc.now)
		if e != nil {
			s.mu.Unlock()
			writeError(rc.w, e, rid, rc.op.name)
			return
		}
		if ss.processingStart.IsZero() {
			ss.processingStart = rc.now
		}
		j := &ss.jobs[fam]
		if !j.started {
			j.started = true
			if ss.card.user.pendingCode != "" {
				j.pendingLeft = s.cfg.pendingPolls
			}
		}
		if !async || (j.opts == nil && bodyHasOpts) {
			r := req
			j.opts = &r
		}
		if j.pendingLeft > 0 {
			j.pendingLeft--
			code := ss.card.user.pendingCode
			s.mu.Unlock()
			writeError(rc.w, errCode(code), ss.id, rc.op.name)
			return
		}
		j.done = true
		opts := dataRequest{}
		if j.opts != nil {
			opts = *j.opts
		}
		snap := snapshot{card: ss.card, login: ss.card.login(), requestID: ss.id, tag: ss.tag}
		s.mu.Unlock()

		ds := snap.card.dataset(&s.cfg, rc.now)
		switch fam {
		case famSummary:
			writeJSON(rc.w, http.StatusOK, buildSummary(ds, snap, &opts))
		case famDetail:
			writeBytes(rc.w, http.StatusOK, buildDetail(ds, snap, &opts, rc.now, "")...)
		case famStatements:
			writeJSON(rc.w, http.StatusOK, buildStatements(ds, snap, &opts))
		}
	}
}

type balanceJSON struct {
	Available *amount
	Current   *amount
	Limit     *amount
}

func (a *account) balance() balanceJSON {
	b := balanceJSON{Available: amountPtr(a.available), Current: amountPtr(a.current)}
	if a.limit != nil {
		b.Limit = amountPtr(*a.limit)
	}
	return b
}

func filterAccounts(ds *dataset, filter []string) []*account {
	if len(filter) == 0 {
		return ds.accounts
	}
	var out []*account
	for _, a := range ds.accounts {
		for _, id := range filter {
			if strings.EqualFold(strings.TrimSpace(id), a.id) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

type accountDetailJSON struct {
	TransitNumber     *string
	InstitutionNumber *string
	OverdraftLimit    amount
	Title             string
	AccountNumber     string
	LastFourDigits    *string
	Balance           balanceJSON
	Category          string
	Type              string
	Currency          string
	Holder            *holderJSON
	AccountType       *string
	Id                string
}

type detailTail struct {
	ResponseType    string `json:",omitempty"`
	Tag             string `json:",omitempty"`
	InstitutionName string
	Login           loginJSON
	InstitutionId   int
	Institution     string
	RequestId       string
}

// buildDetail assembles a GetAccountsDetail 200 body from cached, pre-encoded transactions:
// {"HttpStatusCode":200,"Accounts":[{"Transactions":[…],…}],…}. The parts are written in order.
func buildDetail(ds *dataset, snap snapshot, opts *dataRequest, now time.Time, responseType string) [][]byte {
	withTx := isTrue(opts.WithTransactions, true)
	withKYC := isTrue(opts.WithKYC, false)
	withIdentity := isTrue(opts.WithAccountIdentity, false)
	days, _ := opts.days()
	accounts := filterAccounts(ds, opts.AccountsFilter)

	parts := make([][]byte, 0, 3+len(accounts)*4)
	parts = append(parts, []byte(`{"HttpStatusCode":200,"Accounts":[`))
	for i, a := range accounts {
		aj := accountDetailJSON{
			OverdraftLimit: amount(a.overdraft),
			Title:          a.title,
			AccountNumber:  a.number,
			LastFourDigits: a.lastFour,
			Balance:        a.balance(),
			Category:       a.category,
			Type:           a.typ,
			Currency:       a.currency,
			AccountType:    a.accountType,
			Id:             a.id,
		}
		if withIdentity {
			aj.TransitNumber, aj.InstitutionNumber = strPtr(a.transit), strPtr(a.instNumber)
		}
		if withKYC {
			h := ds.holder
			aj.Holder = &h
		}
		b, _ := json.Marshal(aj)
		sep := ""
		if i > 0 {
			sep = ","
		}
		if withTx {
			k := len(a.txns)
			if days > 0 {
				k = a.countWithin(ds.dayOffset(now, days))
			}
			parts = append(parts, []byte(sep+`{"Transactions":[`), a.encodedPrefix(k), []byte("],"), b[1:])
		} else {
			parts = append(parts, []byte(sep), b)
		}
	}
	tail, _ := json.Marshal(detailTail{
		ResponseType:    responseType,
		Tag:             snap.tag,
		InstitutionName: Institution,
		Login:           snap.login,
		InstitutionId:   InstitutionID,
		Institution:     Institution,
		RequestId:       snap.requestID,
	})
	tail[0] = ','
	parts = append(parts, []byte("]"), tail)
	return parts
}

type summaryAccountJSON struct {
	EftEligibleRatio       amount
	ETransferEligibleRatio amount
	Title                  string
	AccountNumber          string
	LastFourDigits         *string
	Balance                balanceJSON
	Category               string
	Type                   string
	Currency               string
	Holder                 *holderJSON
	AccountType            *string
	Id                     string
}

type summaryJSON struct {
	HttpStatusCode  int
	Accounts        []summaryAccountJSON
	Links           []link
	Tag             string `json:",omitempty"`
	InstitutionName string
	Login           loginJSON
	InstitutionId   int
	Institution     string
	RequestId       string
}

var summaryLinks = []link{
	{Rel: "AccountsDetail", Href: "/GetAccountsDetail"},
	{Rel: "Statements", Href: "/GetStatements"},
}

func buildSummary(ds *dataset, snap snapshot, opts *dataRequest) summaryJSON {
	accounts := filterAccounts(ds, opts.AccountsFilter)
	out := summaryJSON{
		HttpStatusCode:  http.StatusOK,
		Accounts:        make([]summaryAccountJSON, 0, len(accounts)),
		Links:           summaryLinks,
		Tag:             snap.tag,
		InstitutionName: Institution,
		Login:           snap.login,
		InstitutionId:   InstitutionID,
		Institution:     Institution,
		RequestId:       snap.requestID,
	}
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, summaryAccountJSON{
			EftEligibleRatio:       amount(a.eft),
			ETransferEligibleRatio: amount(a.etransfer),
			Title:                  a.title,
			AccountNumber:          a.number,
			LastFourDigits:         a.lastFour,
			Balance:                a.balance(),
			Category:               a.category,
			Type:                   a.typ,
			Currency:               a.currency,
			Holder:                 &holderJSON{Name: ds.holder.Name},
			AccountType:            a.accountType,
			Id:                     a.id,
		})
	}
	return out
}

type statementJSON struct {
	UniqueId    string
	FileType    string
	Base64Bytes []byte // encoding/json writes []byte as standard Base64
}

type statementsByAccountJSON struct {
	AccountNumber string
	Statements    []statementJSON
}

type statementsJSON struct {
	HttpStatusCode      int
	StatementsByAccount []statementsByAccountJSON
	Login               loginJSON
	Institution         string
	RequestId           string
}

func buildStatements(ds *dataset, snap snapshot, opts *dataRequest) statementsJSON {
	n, _ := opts.statementCount()
	accounts := filterAccounts(ds, opts.AccountsFilter)
	out := statementsJSON{
		HttpStatusCode:      http.StatusOK,
		StatementsByAccount: make([]statementsByAccountJSON, 0, len(accounts)),
		Login:               snap.login,
		Institution:         Institution,
		RequestId:           snap.requestID,
	}
	for _, a := range accounts {
		sa := statementsByAccountJSON{AccountNumber: a.number, Statements: make([]statementJSON, n)}
		for i := range sa.Statements {
			sa.Statements[i] = statementJSON{UniqueId: statementID(a.id, i), FileType: "PDF", Base64Bytes: tinyPDF}
		}
		out.StatementsByAccount = append(out.StatementsByAccount, sa)
	}
	return out
}
