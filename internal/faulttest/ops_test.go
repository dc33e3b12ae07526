package faulttest

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"sort"
	"testing"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flinks"
)

// clients is what a cell's op calls.
type clients struct {
	fl *flinks.Client
	fk *flanks.Client
}

// op is one row of the matrix: one HTTP operation of a client.
type op struct {
	prov string // "flinks" or "flanks"
	// row is the row label (the method name, or a variant of it).
	row string
	// method is the Go method the row covers (for the completeness test).
	method string
	// opName is the operation name the returned *OperationError carries.
	opName string
	// repeatable: the call may be sent again after it reached the server
	// (reads, and writes that are idempotent in effect).
	repeatable bool
	// waits: the call polls while the answer is pending.
	waits bool
	// emptyOK: an empty 200 is a success (calls whose answer is ignored).
	emptyOK bool
	// mint: the call fetches a Flinks authorize token first.
	mint bool
	// iter: the call is an iterator (drained to its end).
	iter bool
	call func(ctx context.Context, c clients) (any, error)
	// check tells whether a successful result holds the canned data.
	check func(v any) bool
}

// kind is the row's class in the printed matrix: "once" (sent at most once
// after it may have reached the server), "wait" (polls while pending),
// "iter" (an iterator) or "retry" (retried on transient failures).
func (o *op) kind() string {
	switch {
	case !o.repeatable:
		return "once"
	case o.waits:
		return "wait"
	case o.iter:
		return "iter"
	}
	return "retry"
}

// drain consumes an iterator to its end, as a caller who ignores the error
// would (breaking on it is tested by flanks' own tests): it must yield at
// most one error and stop by itself.
func drain[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	var first error
	errs := 0
	for v, err := range seq {
		if err != nil {
			errs++
			if first == nil {
				first = err
			}
			continue
		}
		out = append(out, v)
	}
	if errs > 1 {
		return out, fmt.Errorf("iterator yielded %d errors (want at most 1): %w", errs, first)
	}
	return out, first
}

func first[T any](v any, want func(T) bool) bool {
	s, ok := v.([]T)
	return ok && len(s) > 0 && want(s[0])
}

func isNil(v any) bool { return v == nil }

var (
	authReq   = flinks.AttributesRequest{LoginID: "login-ok", RequestID: "req-ok"}
	linkName  = "Main"
	dataReq   = flanks.DataRequest{CredentialsToken: "ct-ok"}
	authCheck = func(v any) bool { a, ok := v.(*flinks.Attributes); return ok && a.Card.ID == "login-ok" }
)

func flinksAttr(method string, f func(*flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error)) op {
	return op{prov: "flinks", row: method, method: method, opName: method, repeatable: true, waits: true,
		call:  func(ctx context.Context, c clients) (any, error) { return f(c.fl)(ctx, authReq) },
		check: authCheck}
}

func flanksData[T any](method string, f func(*flanks.Client) func(context.Context, flanks.DataRequest) ([]T, error), want func(T) bool) op {
	return op{prov: "flanks", row: method, method: method, opName: method, repeatable: true, waits: true,
		call:  func(ctx context.Context, c clients) (any, error) { return f(c.fk)(ctx, dataReq) },
		check: func(v any) bool { return first(v, want) }}
}

func flinksOps() []op {
	return []op{
		{prov: "flinks", row: "GenerateAuthorizeToken", method: "GenerateAuthorizeToken", opName: "GenerateAuthorizeToken", mint: true,
			call:  func(ctx context.Context, c clients) (any, error) { return c.fl.GenerateAuthorizeToken(ctx) },
			check: func(v any) bool { return v == "tok-ok" }},
		{prov: "flinks", row: "Authorize", method: "Authorize", opName: "Authorize",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.Authorize(ctx, flinks.AuthorizeRequest{LoginID: "login-ok", MostRecentCached: true, AuthorizeToken: "tok-given"})
			},
			check: func(v any) bool {
				r, ok := v.(*flinks.AuthorizeResponse)
				return ok && r.RequestID == "req-ok" && !r.NeedsMFA()
			}},
		{prov: "flinks", row: "Authorize (minted token)", method: "Authorize", opName: "Authorize", mint: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.Authorize(ctx, flinks.AuthorizeRequest{LoginID: "login-ok", MostRecentCached: true})
			},
			check: func(v any) bool { r, ok := v.(*flinks.AuthorizeResponse); return ok && r.RequestID == "req-ok" }},
		{prov: "flinks", row: "GetAccountsSummary", method: "GetAccountsSummary", opName: "GetAccountsSummary", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.GetAccountsSummary(ctx, flinks.AccountsSummaryRequest{RequestID: "req-ok"})
			},
			check: func(v any) bool {
				r, ok := v.(*flinks.AccountsSummary)
				return ok && len(r.Accounts) == 1 && r.Accounts[0].ID == "acc-ok" && r.Accounts[0].Balance.Current.String() == "1500.25"
			}},
		{prov: "flinks", row: "GetAccountsSummaryAsync", method: "GetAccountsSummaryAsync", opName: "GetAccountsSummaryAsync", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.GetAccountsSummaryAsync(ctx, "req-ok") },
			check: func(v any) bool {
				r, ok := v.(*flinks.AccountsSummary)
				return ok && len(r.Accounts) == 1 && r.Accounts[0].ID == "acc-ok"
			}},
		{prov: "flinks", row: "GetAccountsDetail", method: "GetAccountsDetail", opName: "GetAccountsDetail", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: "req-ok", WithTransactions: true})
			},
			check: func(v any) bool {
				r, ok := v.(*flinks.AccountsDetail)
				return ok && len(r.Accounts) == 1 && len(r.Accounts[0].Transactions) == 1 &&
					r.Accounts[0].Transactions[0].ID == "tx-ok" && r.Accounts[0].Transactions[0].Debit.String() == "3.5"
			}},
		{prov: "flinks", row: "GetAccountsDetailAsync", method: "GetAccountsDetailAsync", opName: "GetAccountsDetailAsync", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.GetAccountsDetailAsync(ctx, "req-ok") },
			check: func(v any) bool {
				r, ok := v.(*flinks.AccountsDetail)
				return ok && len(r.Accounts) == 1 && r.Accounts[0].ID == "acc-ok"
			}},
		{prov: "flinks", row: "GetStatements", method: "GetStatements", opName: "GetStatements", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.GetStatements(ctx, flinks.StatementsRequest{RequestID: "req-ok"})
			},
			check: func(v any) bool {
				r, ok := v.(*flinks.Statements)
				return ok && len(r.StatementsByAccount) == 1 && len(r.StatementsByAccount[0].Statements) == 1 &&
					r.StatementsByAccount[0].Statements[0].UniqueID == "st-ok"
			}},
		{prov: "flinks", row: "GetStatementsAsync", method: "GetStatementsAsync", opName: "GetStatementsAsync", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.GetStatementsAsync(ctx, "req-ok") },
			check: func(v any) bool {
				r, ok := v.(*flinks.Statements)
				return ok && len(r.StatementsByAccount) == 1
			}},
		{prov: "flinks", row: "DeleteCard", method: "DeleteCard", opName: "DeleteCard", repeatable: true, emptyOK: true,
			call:  func(ctx context.Context, c clients) (any, error) { return nil, c.fl.DeleteCard(ctx, "login-ok") },
			check: isNil},
		{prov: "flinks", row: "SetScheduledRefresh", method: "SetScheduledRefresh", opName: "SetScheduledRefresh", repeatable: true, emptyOK: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return nil, c.fl.SetScheduledRefresh(ctx, "login-ok", true)
			},
			check: isNil},
		{prov: "flinks", row: "GetNightlyRefreshStatus", method: "GetNightlyRefreshStatus", opName: "GetNightlyRefreshStatus", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.GetNightlyRefreshStatus(ctx) },
			check: func(v any) bool {
				r, ok := v.(*flinks.NightlyRefreshStatus)
				return ok && len(r.IneligibleCards) == 1 && r.IneligibleCards[0].LoginID == "login-ok"
			}},
		{prov: "flinks", row: "GetMFAQuestions", method: "GetMFAQuestions", opName: "GetMFAQuestions", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.GetMFAQuestions(ctx, "login-ok") },
			check: func(v any) bool {
				return first(v, func(q flinks.MFAQuestion) bool { return q.Question == "q-ok" })
			}},
		{prov: "flinks", row: "AnswerMFAQuestions", method: "AnswerMFAQuestions", opName: "AnswerMFAQuestions", repeatable: true, emptyOK: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return nil, c.fl.AnswerMFAQuestions(ctx, "login-ok", []flinks.MFAQuestion{{Question: "q-ok", Answer: "Montreal"}})
			},
			check: isNil},
		{prov: "flinks", row: "Institutions", method: "Institutions", opName: "Institutions", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fl.Institutions(ctx) },
			check: func(v any) bool {
				return first(v, func(in flinks.Institution) bool { return in.Name == "inst-ok" })
			}},
		{prov: "flinks", row: "InstitutionByRoutingNumber", method: "InstitutionByRoutingNumber", opName: "InstitutionByRoutingNumber", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.InstitutionByRoutingNumber(ctx, "123456789")
			},
			check: func(v any) bool { r, ok := v.(*flinks.Institution); return ok && r.Name == "inst-ok" }},
		flinksAttr("GetIncomeAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetIncomeAttributes
		}),
		flinksAttr("GetCreditRiskAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetCreditRiskAttributes
		}),
		flinksAttr("GetUserAnalysisAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetUserAnalysisAttributes
		}),
		flinksAttr("GetLendingAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetLendingAttributes
		}),
		flinksAttr("GetAllAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetAllAttributes
		}),
		flinksAttr("GetBusinessAnalysisAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetBusinessAnalysisAttributes
		}),
		flinksAttr("GetAllBusinessAttributes", func(c *flinks.Client) func(context.Context, flinks.AttributesRequest, ...flinks.CallOption) (*flinks.Attributes, error) {
			return c.GetAllBusinessAttributes
		}),
		{prov: "flinks", row: "GetAttributes", method: "GetAttributes", opName: "Attributes", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fl.GetAttributes(ctx, flinks.CustomAttributesRequest{LoginID: "login-ok", RequestID: "req-ok", Attributes: []string{"sum_income"}})
			},
			check: authCheck},
	}
}

func flanksOps() []op {
	return []op{
		{prov: "flanks", row: "GetCredentialStatus", method: "GetCredentialStatus", opName: "GetCredentialStatus", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.GetCredentialStatus(ctx, "ct-ok") },
			check: func(v any) bool {
				s, ok := v.(*flanks.CredentialStatus)
				return ok && s.Name == "status-ok" && !s.Pending
			}},
		{prov: "flanks", row: "WaitForCredentials", method: "WaitForCredentials", opName: "WaitForCredentials", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.WaitForCredentials(ctx, "ct-ok") },
			check: func(v any) bool {
				s, ok := v.(*flanks.CredentialStatus)
				return ok && s.Name == "status-ok" && !s.Pending
			}},
		{prov: "flanks", row: "ForceCredentials", method: "ForceCredentials", opName: "ForceCredentials", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.ForceCredentials(ctx, "ct-ok", flanks.ForceSCA)
			},
			check: func(v any) bool { return v == "sca-ok" }},
		{prov: "flanks", row: "DeleteCredentials", method: "DeleteCredentials", opName: "DeleteCredentials", emptyOK: true,
			call:  func(ctx context.Context, c clients) (any, error) { return nil, c.fk.DeleteCredentials(ctx, "ct-ok") },
			check: isNil},
		{prov: "flanks", row: "ListCredentials", method: "ListCredentials", opName: "ListCredentials", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) { return drain(c.fk.ListCredentials(ctx)) },
			check: func(v any) bool {
				return first(v, func(s flanks.CredentialSummary) bool { return s.CredentialsToken == "ct-ok" })
			}},
		{prov: "flanks", row: "CreateCredentials", method: "CreateCredentials", opName: "CreateCredentials",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.CreateCredentials(ctx, flanks.CreateCredentialsRequest{Bank: "TestBank", Username: "user", Password: "1234"})
			},
			check: func(v any) bool {
				r, ok := v.(*flanks.CreatedCredentials)
				return ok && r.CredentialsToken == "ct-ok" && !r.Delayed
			}},
		{prov: "flanks", row: "ExchangeLinkCode", method: "ExchangeLinkCode", opName: "ExchangeLinkCode",
			call:  func(ctx context.Context, c clients) (any, error) { return c.fk.ExchangeLinkCode(ctx, "code-ok") },
			check: func(v any) bool { return v == "ct-ok" }},
		{prov: "flanks", row: "ExchangeLinkCodeDetails", method: "ExchangeLinkCodeDetails", opName: "ExchangeLinkCodeDetails",
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.ExchangeLinkCodeDetails(ctx, "code-ok") },
			check: func(v any) bool {
				r, ok := v.(*flanks.LinkExchange)
				return ok && r.CredentialsToken == "ct-ok" && r.LinkToken == "lt-ok"
			}},
		{prov: "flanks", row: "ListLinkCodes", method: "ListLinkCodes", opName: "ListLinkCodes", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.ListLinkCodes(ctx, "") },
			check: func(v any) bool {
				return first(v, func(l flanks.LinkCode) bool { return l.Code == "code-ok" })
			}},
		{prov: "flanks", row: "ListEntities", method: "ListEntities", opName: "ListEntities", repeatable: true,
			call:  func(ctx context.Context, c clients) (any, error) { return c.fk.ListEntities(ctx) },
			check: func(v any) bool { return first(v, func(e flanks.Entity) bool { return e.ID == "ent-ok" }) }},
		{prov: "flanks", row: "ListLinks", method: "ListLinks", opName: "ListLinks", repeatable: true, iter: true,
			call:  func(ctx context.Context, c clients) (any, error) { return drain(c.fk.ListLinks(ctx)) },
			check: func(v any) bool { return first(v, func(l flanks.Link) bool { return l.Token == "link-ok" }) }},
		{prov: "flanks", row: "CreateLink", method: "CreateLink", opName: "CreateLink",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.CreateLink(ctx, flanks.CreateLinkRequest{RedirectURI: "https://app.example/cb", Name: "Main"})
			},
			check: linkCheck},
		{prov: "flanks", row: "EditLink", method: "EditLink", opName: "EditLink", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.EditLink(ctx, flanks.EditLinkRequest{Token: "link-ok", Name: &linkName})
			},
			check: linkCheck},
		{prov: "flanks", row: "PauseLink", method: "PauseLink", opName: "PauseLink", repeatable: true,
			call:  func(ctx context.Context, c clients) (any, error) { return c.fk.PauseLink(ctx, "link-ok") },
			check: linkCheck},
		{prov: "flanks", row: "ResumeLink", method: "ResumeLink", opName: "ResumeLink", repeatable: true,
			call:  func(ctx context.Context, c clients) (any, error) { return c.fk.ResumeLink(ctx, "link-ok") },
			check: linkCheck},
		{prov: "flanks", row: "DeleteLink", method: "DeleteLink", opName: "DeleteLink", emptyOK: true,
			call:  func(ctx context.Context, c clients) (any, error) { return nil, c.fk.DeleteLink(ctx, "link-ok") },
			check: isNil},
		flanksData("GetPortfolios", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Portfolio, error) {
			return c.GetPortfolios
		}, func(p flanks.Portfolio) bool { return p.ID == "pf-ok" && p.Balance.String() == "100.5" }),
		flanksData("GetInvestments", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Investment, error) {
			return c.GetInvestments
		}, func(p flanks.Investment) bool { return p.ID == "inv-ok" }),
		flanksData("GetInvestmentTransactions", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.InvestmentTransaction, error) {
			return c.GetInvestmentTransactions
		}, func(p flanks.InvestmentTransaction) bool { return p.ID == "itx-ok" }),
		flanksData("GetAccounts", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Account, error) {
			return c.GetAccounts
		}, func(p flanks.Account) bool { return p.ID == "acc-ok" && p.Balance.String() == "1500.25" }),
		flanksData("GetAccountTransactions", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.AccountTransaction, error) {
			return c.GetAccountTransactions
		}, func(p flanks.AccountTransaction) bool { return p.ID == "atx-ok" && p.Amount.String() == "-3.5" }),
		flanksData("GetLiabilities", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Liability, error) {
			return c.GetLiabilities
		}, func(p flanks.Liability) bool { return p.ID == "li-ok" }),
		flanksData("GetLiabilityTransactions", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.LiabilityTransaction, error) {
			return c.GetLiabilityTransactions
		}, func(p flanks.LiabilityTransaction) bool { return p.ID == "ltx-ok" }),
		flanksData("GetCards", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Card, error) {
			return c.GetCards
		}, func(p flanks.Card) bool { return p.ID == "card-ok" }),
		flanksData("GetCardTransactions", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.CardTransaction, error) {
			return c.GetCardTransactions
		}, func(p flanks.CardTransaction) bool { return p.ID == "ctx-ok" }),
		flanksData("GetHolders", func(c *flanks.Client) func(context.Context, flanks.DataRequest) ([]flanks.Holder, error) {
			return c.GetHolders
		}, func(p flanks.Holder) bool { return p.Name == "holder-ok" }),
		{prov: "flanks", row: "GetIdentity", method: "GetIdentity", opName: "GetIdentity", repeatable: true, waits: true,
			call:  func(ctx context.Context, c clients) (any, error) { return c.fk.GetIdentity(ctx, dataReq) },
			check: func(v any) bool { r, ok := v.(*flanks.Identity); return ok && r.ID == "id-ok" }},
		{prov: "flanks", row: "ListConnectors", method: "ListConnectors", opName: "ListConnectors", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return drain(c.fk.ListConnectors(ctx, flanks.ConnectorQuery{}))
			},
			check: func(v any) bool {
				return first(v, func(x flanks.Connector) bool { return x.ConnectorID == "conn-ok" })
			}},
		{prov: "flanks", row: "CreateSession", method: "CreateSession", opName: "CreateSession",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.CreateSession(ctx, flanks.SessionConfiguration{RedirectURL: "https://app.example/cb"})
			},
			check: func(v any) bool { s, ok := v.(*flanks.Session); return ok && s.SessionID == "sess-ok" }},
		{prov: "flanks", row: "ListSessions", method: "ListSessions", opName: "ListSessions", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return drain(c.fk.ListSessions(ctx, flanks.SessionQuery{}))
			},
			check: func(v any) bool {
				return first(v, func(s flanks.Session) bool { return s.SessionID == "sess-ok" })
			}},
		{prov: "flanks", row: "GetSession", method: "GetSession", opName: "GetSession", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.GetSession(ctx, "sess-ok") },
			check: func(v any) bool {
				s, ok := v.(*flanks.Session)
				return ok && s.SessionID == "sess-ok" && s.Status == flanks.SessionFinishedOK
			}},
		{prov: "flanks", row: "WaitForSession", method: "WaitForSession", opName: "WaitForSession", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.WaitForSession(ctx, "sess-ok") },
			check: func(v any) bool {
				s, ok := v.(*flanks.Session)
				return ok && s.ConnectionID == "ct-ok"
			}},
		{prov: "flanks", row: "ListProducts", method: "ListProducts", opName: "ListProducts", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return drain(c.fk.ListProducts(ctx, flanks.ProductQuery{}))
			},
			check: func(v any) bool {
				return first(v, func(p flanks.Product) bool { return p.ProductID == "prod-ok" })
			}},
		{prov: "flanks", row: "ListTransactions", method: "ListTransactions", opName: "ListTransactions", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return drain(c.fk.ListTransactions(ctx, flanks.TransactionQuery{}))
			},
			check: func(v any) bool {
				return first(v, func(p flanks.Transaction) bool { return p.TransactionID == "tx-ok" })
			}},
		{prov: "flanks", row: "SetProductLabels", method: "SetProductLabels", opName: "SetProductLabels", repeatable: true, emptyOK: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return nil, c.fk.SetProductLabels(ctx, "prod-ok", map[string]string{"k": "v"})
			},
			check: isNil},
		{prov: "flanks", row: "SetTransactionLabels", method: "SetTransactionLabels", opName: "SetTransactionLabels", repeatable: true, emptyOK: true,
			call: func(ctx context.Context, c clients) (any, error) {
				return nil, c.fk.SetTransactionLabels(ctx, "tx-ok", map[string]string{"k": "v"})
			},
			check: isNil},
		{prov: "flanks", row: "ListReportTemplates", method: "ListReportTemplates", opName: "ListReportTemplates", repeatable: true, iter: true,
			call: func(ctx context.Context, c clients) (any, error) { return drain(c.fk.ListReportTemplates(ctx)) },
			check: func(v any) bool {
				return first(v, func(p flanks.ReportTemplate) bool { return p.Name == "tpl-ok" })
			}},
		{prov: "flanks", row: "BuildReport", method: "BuildReport", opName: "BuildReport",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.BuildReport(ctx, flanks.BuildReportRequest{TemplateID: 3})
			},
			check: func(v any) bool { r, ok := v.(*flanks.Report); return ok && r.ReportID == 7 }},
		{prov: "flanks", row: "GetReportStatus", method: "GetReportStatus", opName: "GetReportStatus", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.GetReportStatus(ctx, 7) },
			check: func(v any) bool {
				r, ok := v.(*flanks.Report)
				return ok && r.ReportID == 7 && r.Status == flanks.ReportReady
			}},
		{prov: "flanks", row: "GetReportContent", method: "GetReportContent", opName: "GetReportContent", repeatable: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.GetReportContent(ctx, 7) },
			check: func(v any) bool {
				r, ok := v.(*flanks.ReportContent)
				return ok && r.URL == "https://reports.example/7.pdf"
			}},
		{prov: "flanks", row: "WaitForReport", method: "WaitForReport", opName: "WaitForReport", repeatable: true, waits: true,
			call: func(ctx context.Context, c clients) (any, error) { return c.fk.WaitForReport(ctx, 7) },
			check: func(v any) bool {
				r, ok := v.(*flanks.Report)
				return ok && r.Status == flanks.ReportReady
			}},
		{prov: "flanks", row: "CreateSignedLetter", method: "CreateSignedLetter", opName: "CreateSignedLetter",
			call: func(ctx context.Context, c clients) (any, error) {
				return c.fk.CreateSignedLetter(ctx, flanks.SignedLetterRequest{ConnectorID: "conn-ok", Data: []byte("%PDF-1.4")})
			},
			check: func(v any) bool { r, ok := v.(*flanks.Letter); return ok && r.LetterID == "letter-ok" }},
	}
}

func linkCheck(v any) bool { l, ok := v.(*flanks.Link); return ok && l.Token == "link-ok" }

// notHTTP lists the exported methods that make no request.
var notHTTP = map[string]bool{"BaseURL": true, "GoString": true, "HTTPClient": true, "LogValue": true, "String": true}

// TestMatrixCoversEveryOperation fails when a client gains an exported
// method that talks HTTP and has no row in the matrix.
func TestMatrixCoversEveryOperation(t *testing.T) {
	for _, tc := range []struct {
		typ reflect.Type
		ops []op
	}{
		{reflect.TypeOf(&flinks.Client{}), flinksOps()},
		{reflect.TypeOf(&flanks.Client{}), flanksOps()},
	} {
		covered := map[string]bool{}
		for _, o := range tc.ops {
			covered[o.method] = true
		}
		var missing []string
		n := 0
		for i := 0; i < tc.typ.NumMethod(); i++ {
			name := tc.typ.Method(i).Name
			if notHTTP[name] {
				continue
			}
			n++
			if !covered[name] {
				missing = append(missing, name)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: methods without a fault-matrix row: %v", tc.typ, missing)
		}
		t.Logf("%s: %d HTTP methods, %d rows", tc.typ, n, len(tc.ops))
	}
}
