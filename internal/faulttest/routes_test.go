package faulttest

import (
	"net/http"
	"strings"
)

// The success answers the fault server gives when it plays no fault: one
// small, well-formed body per endpoint, with values the ops' checks look
// for ("...-ok").

// flinksRoute answers /v3/{customer}/BankingServices/... and
// /v3/{customer}/insight/... paths.
func flinksRoute(_, path string) reply {
	rest := path
	if i := strings.Index(rest, "/v3/"); i >= 0 {
		rest = rest[i+len("/v3/"):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			rest = rest[j+1:] // drop the customer id
		}
	}
	if strings.HasPrefix(rest, "insight/") {
		return reply{body: `{"HttpStatusCode":200,"RequestId":"req-ok","Card":{"Id":"login-ok","sum_income":1234.5}}`}
	}
	op := strings.TrimPrefix(rest, "BankingServices/")
	if i := strings.IndexByte(op, '/'); i >= 0 {
		op = op[:i]
	}
	const accounts = `"Accounts":[{"Id":"acc-ok","Title":"Chequing","AccountNumber":"1111000","Balance":{"Available":1500.25,"Current":1500.25,"Limit":null},"Category":"Operations","Type":"Chequing","Currency":"CAD"`
	switch op {
	case "GenerateAuthorizeToken":
		return reply{body: `{"HttpStatusCode":200,"Token":"tok-ok"}`}
	case "Authorize":
		return reply{body: `{"HttpStatusCode":200,"Login":{"Id":"login-ok","Username":"greatday","IsScheduledRefresh":false,"Type":"Personal"},"Institution":"FlinksCapital","InstitutionId":14,"RequestId":"req-ok"}`}
	case "GetAccountsSummary", "GetAccountsSummaryAsync":
		return reply{body: `{"HttpStatusCode":200,` + accounts + `,"EftEligibleRatio":1}],"RequestId":"req-ok"}`}
	case "GetAccountsDetail", "GetAccountsDetailAsync":
		return reply{body: `{"HttpStatusCode":200,` + accounts + `,"Transactions":[{"Id":"tx-ok","Date":"2025-01-31","Description":"Coffee","Debit":3.5,"Credit":null,"Balance":1496.75}]}],"Login":{"Id":"login-ok"},"RequestId":"req-ok"}`}
	case "GetStatements", "GetStatementsAsync":
		return reply{body: `{"HttpStatusCode":200,"StatementsByAccount":[{"AccountNumber":"1111000","Statements":[{"UniqueId":"st-ok","FileType":"PDF","Base64Bytes":"JVBERi0xLjQK"}]}],"RequestId":"req-ok"}`}
	case "DeleteCard":
		return reply{body: `{"HttpStatusCode":200,"Message":"All of the information about the LoginId has been removed"}`}
	case "SetScheduledRefresh":
		return reply{body: `"Scheduled refresh has been activated for this card"`}
	case "GetNightlyRefreshStatus":
		return reply{body: `{"HttpStatusCode":200,"IneligibleCards":[{"LoginId":"login-ok","LastRefreshState":"Failed","LastRefreshErrorCode":"INVALID_LOGIN"}]}`}
	case "GetMFAQuestions":
		return reply{body: `{"HttpStatusCode":200,"Questions":[{"Question":"q-ok"}]}`}
	case "AnswerMFAQuestions":
		return reply{body: `{"HttpStatusCode":200,"Message":"Questions saved"}`}
	case "Institutions":
		if strings.Contains(rest, "/RoutingNumber/") {
			return reply{body: `{"Id":"14","Name":"inst-ok","Country":"US","RoutingNumbers":["123456789"]}`}
		}
		return reply{body: `[{"Id":"14","Name":"inst-ok","Country":"CA"},{"Id":"15","Name":"Other Bank","Country":"CA"}]`}
	}
	return reply{status: 404, body: `{"HttpStatusCode":404,"Message":"no such route in the fault server"}`}
}

// flanksRoute answers the Flanks paths (v0, Connect v2, Aggregation v2,
// Report v1, Letters v1).
func flanksRoute(method, path string) reply {
	switch path {
	case flanksTokenPath:
		return reply{body: `{"access_token":"at-ok","expires_in":3600,"token_type":"Bearer","scope":"default"}`}
	case "/v0/bank/credentials/status":
		if method == http.MethodPut {
			return reply{body: `{"sca_token":"sca-ok"}`}
		}
		return reply{body: `{"pending":false,"blocked":false,"name":"status-ok","last_update":"2025-01-31","errored":{"product":{},"transactions":{}},"created":{"product":{"account":true},"transactions":{"account":true}}}`}
	case "/v0/bank/credentials":
		if method == http.MethodDelete {
			return reply{body: `{"message":"Credentials deleted"}`}
		}
		return reply{body: `{"credentials_token":"ct-ok","message":"Credentials created"}`}
	case "/v0/bank/credentials/list":
		return reply{body: `{"items":[{"credentials_token":"ct-ok","external_id":"ext","bank":"TestBank","status":"ok"}],"page":1,"pages":1}`}
	case "/v0/bank/credentials/portfolio":
		return reply{body: `[{"_id":"pf-ok","name":"Cartera","balance":100.5,"currency":"EUR"}]`}
	case "/v0/bank/credentials/investment":
		return reply{body: `[{"_id":"inv-ok","name":"Fondo","isin":"ES0000000001","amount":10,"balance":100.5,"currency":"EUR"}]`}
	case "/v0/bank/credentials/investment/transaction":
		return reply{body: `[{"_id":"itx-ok","investment_id":"inv-ok","amount":10,"currency":"EUR","operationDate":"2025-01-31"}]`}
	case "/v0/bank/credentials/account":
		return reply{body: `[{"_id":"acc-ok","iban":"ES7921000813610123456789","balance":1500.25,"currency":"EUR"}]`}
	case "/v0/bank/credentials/data":
		return reply{body: `[{"_id":"atx-ok","account_id":"acc-ok","amount":-3.5,"currency":"EUR","operationDate":"2025-01-31","description":"Cafe"}]`}
	case "/v0/bank/credentials/liability":
		return reply{body: `[{"_id":"li-ok","name":"Hipoteca","balance":-1000,"currency":"EUR"}]`}
	case "/v0/bank/credentials/liability/transaction":
		return reply{body: `[{"_id":"ltx-ok","liability_id":"li-ok","amount":-100,"currency":"EUR","operationDate":"2025-01-31"}]`}
	case "/v0/bank/credentials/card":
		return reply{body: `[{"_id":"card-ok","pan":"************1234","balance":-20,"currency":"EUR"}]`}
	case "/v0/bank/credentials/card/transaction":
		return reply{body: `[{"_id":"ctx-ok","card_id":"card-ok","amount":-20,"currency":"EUR","operationDate":"2025-01-31"}]`}
	case "/v0/bank/credentials/holder":
		return reply{body: `[{"product_id":"acc-ok","product_type":"account","rel":"owner","name":"holder-ok","document_id":"00000000T"}]`}
	case "/v0/bank/credentials/auth":
		return reply{body: `{"_id":"id-ok","name":"Ana Garcia","document_id":"00000000T","document_type":"DNI"}`}
	case "/v0/platform/link":
		if method == http.MethodGet {
			return reply{body: `[{"code":"code-ok","link_token":"lt-ok","extra":{}}]`}
		}
		return reply{body: `{"credentials_token":"ct-ok","link_token":"lt-ok","message":"Credentials created","extra":{}}`}
	case "/v0/bank/available":
		return reply{body: `[{"id":"ent-ok","name":"TestBank","country":"ES","logo_url":"https://logo.example/t.png"}]`}
	case "/v0/links/list-links":
		return reply{body: `{"success":true,"count":1,"items":[{"token":"link-ok","name":"Main","redirect_uri":"https://app.example/cb","active":true}]}`}
	case "/v0/links/create-link", "/v0/links/edit-link", "/v0/links/pause-link", "/v0/links/resume-link":
		return reply{body: `{"success":true,"data":{"token":"link-ok","name":"Main","redirect_uri":"https://app.example/cb","active":true}}`}
	case "/v0/links/delete-link":
		return reply{body: `{"success":true}`}
	case "/connect/v2/connectors/list-connectors":
		return reply{body: `{"items":[{"connector_id":"conn-ok","name":"TestBank","country":"ES"}],"next_page_token":null}`}
	case "/connect/v2/sessions/create-session":
		return reply{body: `{"session":{"session_id":"sess-ok","url":"https://connect.example/s/sess-ok","status":"Waiting:ProvideCredentials"}}`}
	case "/connect/v2/sessions/list-sessions":
		return reply{body: `{"items":[{"session_id":"sess-ok","status":"Finished:OK","connection_id":"ct-ok"}],"next_page_token":null}`}
	case "/aggregation/v2/list-products":
		return reply{body: `{"items":[{"product_id":"prod-ok","product_type":"Account","name":"Cuenta","balance":1500.25,"currency":"EUR"}],"next_page_token":null}`}
	case "/aggregation/v2/list-transactions":
		return reply{body: `{"items":[{"transaction_id":"tx-ok","product_id":"prod-ok","amount":-3.5,"currency":"EUR","date":"2025-01-31"}],"next_page_token":null}`}
	case "/aggregation/v2/set-product-labels", "/aggregation/v2/set-transaction-labels":
		return reply{body: `{"success":true}`}
	case "/report/v1/list-templates":
		return reply{body: `{"items":[{"template_id":3,"name":"tpl-ok"}],"next_page_token":null}`}
	case "/report/v1/build-report":
		return reply{body: `{"report_id":7,"template_id":3,"status":"new"}`}
	case "/report/v1/get-report-status":
		return reply{body: `{"report_id":7,"template_id":3,"status":"ready"}`}
	case "/report/v1/get-report-content":
		return reply{body: `{"url":"https://reports.example/7.pdf"}`}
	case "/letters/v1/create-signed":
		return reply{body: `{"letter_id":"letter-ok"}`}
	}
	return reply{status: 404, body: `{"error":"no such route in the fault server"}`}
}
