package flinks

import (
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// DashboardStatus is the status of a request in the Flinks Client Dashboard
// (Request Feed), spelled as the dashboard shows it ("Answering Security
// Challenge"). The API spells the same states in PascalCase
// ("AnsweringSecurityChallenge", e.g. IneligibleCard.LastRefreshState);
// [ParseDashboardStatus] reads either. It is an open set: unknown values are
// kept as sent.
//
// Source: docs.flinks.com error-codes, "Errors in the Client Dashboard", and
// the Request Feed guide (In Progress, Error).
type DashboardStatus string

// Client Dashboard statuses.
const (
	// StatusAnsweringSecurityChallenge: The user is answering the security questions.
	StatusAnsweringSecurityChallenge DashboardStatus = "Answering Security Challenge"
	// StatusPartiallyCompleted: Account summary was completed. We are still processing the account details.
	StatusPartiallyCompleted DashboardStatus = "Partially Completed"
	// StatusSessionExpired: The user's session expired.
	StatusSessionExpired DashboardStatus = "Session Expired"
	// StatusCompleted: The request was completed successfully.
	StatusCompleted DashboardStatus = "Completed"
	// StatusInvalidPassword: The user entered an invalid password.
	StatusInvalidPassword DashboardStatus = "Invalid Password"
	// StatusInvalidUsername: The user entered an invalid username.
	StatusInvalidUsername DashboardStatus = "Invalid Username"
	// StatusNotCompleted: The request was not completed.
	StatusNotCompleted DashboardStatus = "Not Completed"
	// StatusInvalidLogin: The credentials the user provided were incorrect.
	StatusInvalidLogin DashboardStatus = "Invalid Login"
	// StatusNewAccount: The user needs to perform an action on the online banking site and try again later.
	StatusNewAccount DashboardStatus = "New Account"
	// StatusDisabledLogin: The user account is locked out. The user needs to reset his password directly on the online banking website.
	StatusDisabledLogin DashboardStatus = "Disabled Login"
	// StatusRetryLater: After several attempts, we were unable to log into the user account. The user needs to try again later.
	StatusRetryLater DashboardStatus = "Retry Later"
	// StatusInvalidSecurityResponse: The security answer(s) the user entered are invalid.
	StatusInvalidSecurityResponse DashboardStatus = "Invalid Security Response"
	// StatusUnknownChallengeKey: One or more of the Security Challenge Prompts required are missing in the provided response.
	StatusUnknownChallengeKey DashboardStatus = "Unknown Challenge Key"
	// StatusUnauthorized: The institution did not authorize the access of the summary page.
	StatusUnauthorized DashboardStatus = "Unauthorized"
	// StatusOperationPending: The operation is still processing.
	StatusOperationPending DashboardStatus = "Operation Pending"
	// StatusOperationDispatched: The operation has been dispatched and will be processed soon.
	StatusOperationDispatched DashboardStatus = "Operation Dispatched"
	// StatusGetStatementsComplete: We successfully fetched the PDF statements.
	StatusGetStatementsComplete DashboardStatus = "Get Statements Complete"
	// StatusScoringInsightCompleted: We successfully generated the score.
	StatusScoringInsightCompleted DashboardStatus = "Scoring Insight Completed"
	// StatusSessionNonexistent: The session does not exist.
	StatusSessionNonexistent DashboardStatus = "Session Nonexistent"
	// StatusConcurrentSession: Two or more sessions were triggered at the same time.
	StatusConcurrentSession DashboardStatus = "Concurrent Session"
	// StatusGetDetailsCompleteStatementsStillProcessing: Account details was completed. We are still processing the statements.
	StatusGetDetailsCompleteStatementsStillProcessing DashboardStatus = "Get Details Complete Statements Still Processing"
	// StatusBankMaintenanceRetryLater: The institution was under maintenance. The user needs to try again later.
	StatusBankMaintenanceRetryLater DashboardStatus = "Bank Maintenance Retry Later"
	// StatusOcrFilesUploaded: Files was uploaded successfully. We are processing the statements.
	StatusOcrFilesUploaded DashboardStatus = "Ocr Files Uploaded"
	// StatusOcrIntegrationStarted: Files was uploaded successfully. We are processing the statements.
	StatusOcrIntegrationStarted DashboardStatus = "Ocr Integration Started"
	// StatusOcrFilesIntegrationFailure: One or more files uploaded are rejected or not supported. Click on the request for more details.
	StatusOcrFilesIntegrationFailure DashboardStatus = "Ocr Files Integration Failure"
	// StatusOcrCompletedWithPartialError: One or more files uploaded are rejected or not supported. Click on the request for more details.
	StatusOcrCompletedWithPartialError DashboardStatus = "Ocr Completed With Partial Error"
	// StatusInProgress: The request is still being processed.
	StatusInProgress DashboardStatus = "In Progress"
	// StatusError: The request failed; the request's details give the error.
	StatusError DashboardStatus = "Error"
)

type statusInfo struct {
	status      DashboardStatus
	httpStatus  int
	description string
}

var dashboardStatuses = []statusInfo{
	{StatusAnsweringSecurityChallenge, 203, "The user is answering the security questions."},
	{StatusPartiallyCompleted, 200, "Account summary was completed. We are still processing the account details."},
	{StatusSessionExpired, 401, "The user's session expired."},
	{StatusCompleted, 200, "The request was completed successfully."},
	{StatusInvalidPassword, 401, "The user entered an invalid password."},
	{StatusInvalidUsername, 401, "The user entered an invalid username."},
	{StatusNotCompleted, 0, "The request was not completed."},
	{StatusInvalidLogin, 401, "The credentials the user provided were incorrect."},
	{StatusNewAccount, 401, "The user needs to perform an action on the online banking site and try again later."},
	{StatusDisabledLogin, 401, "The user account is locked out. The user needs to reset his password directly on the online banking website."},
	{StatusRetryLater, 401, "After several attempts, we were unable to log into the user account. The user needs to try again later."},
	{StatusInvalidSecurityResponse, 401, "The security answer(s) the user entered are invalid."},
	{StatusUnknownChallengeKey, 401, "One or more of the Security Challenge Prompts required are missing in the provided response."},
	{StatusUnauthorized, 401, "The institution did not authorize the access of the summary page."},
	{StatusOperationPending, 202, "The operation is still processing."},
	{StatusOperationDispatched, 202, "The operation has been dispatched and will be processed soon."},
	{StatusGetStatementsComplete, 200, "We successfully fetched the PDF statements."},
	{StatusScoringInsightCompleted, 200, "We successfully generated the score."},
	{StatusSessionNonexistent, 400, "The session does not exist."},
	{StatusConcurrentSession, 401, "Two or more sessions were triggered at the same time."},
	{StatusGetDetailsCompleteStatementsStillProcessing, 200, "Account details was completed. We are still processing the statements."},
	{StatusBankMaintenanceRetryLater, 401, "The institution was under maintenance. The user needs to try again later."},
	{StatusOcrFilesUploaded, 200, "Files was uploaded successfully. We are processing the statements."},
	{StatusOcrIntegrationStarted, 200, "Files was uploaded successfully. We are processing the statements."},
	{StatusOcrFilesIntegrationFailure, 0, "One or more files uploaded are rejected or not supported. Click on the request for more details."},
	{StatusOcrCompletedWithPartialError, 0, "One or more files uploaded are rejected or not supported. Click on the request for more details."},
	{StatusInProgress, 0, "The request is still being processed."},
	{StatusError, 0, "The request failed; the request's details give the error."},
}

var statusByKey = func() map[string]*statusInfo {
	m := make(map[string]*statusInfo, len(dashboardStatuses))
	for i := range dashboardStatuses {
		m[squash(string(dashboardStatuses[i].status))] = &dashboardStatuses[i]
	}
	return m
}()

// squash lower-cases s and drops everything but letters and digits, so
// "Answering Security Challenge", "AnsweringSecurityChallenge" and
// "ANSWERING_SECURITY_CHALLENGE" compare equal.
func squash(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// ParseDashboardStatus reads a dashboard status in any spelling (display
// text, PascalCase, upper snake case). ok is false for an unknown status,
// which is returned as given.
func ParseDashboardStatus(s string) (status DashboardStatus, ok bool) {
	if si := statusByKey[squash(s)]; si != nil {
		return si.status, true
	}
	return DashboardStatus(s), false
}

// DashboardStatuses lists the known statuses in the documentation's order.
func DashboardStatuses() []DashboardStatus {
	out := make([]DashboardStatus, len(dashboardStatuses))
	for i, si := range dashboardStatuses {
		out[i] = si.status
	}
	return out
}

func (s DashboardStatus) info() *statusInfo { return statusByKey[squash(string(s))] }

// Known reports whether the status is documented.
func (s DashboardStatus) Known() bool { return s.info() != nil }

// Description says what the status means ("" for an unknown status).
func (s DashboardStatus) Description() string {
	if si := s.info(); si != nil {
		return si.description
	}
	return ""
}

// HTTPStatus is the HTTP status the dashboard lists for the status (0 when
// it lists none, "N/A", or the status is unknown).
func (s DashboardStatus) HTTPStatus() int {
	if si := s.info(); si != nil {
		return si.httpStatus
	}
	return 0
}

// Err returns the SDK error of a failed or pending status (errors.FlinksCode
// of the status, so errors.Is(s.Err(), errors.ErrInvalidPassword) works), and
// nil for a success, an in-progress or an unknown status.
func (s DashboardStatus) Err() error {
	si := s.info()
	if si == nil || (si.httpStatus < 400 && si.httpStatus != 202) {
		return nil
	}
	return sdkerrors.FlinksCode(string(si.status))
}

// Warning is a Client Dashboard warning: the connection succeeded but some
// information is missing. It is an open set. The API reference documents no
// field that carries warnings; the type exists for dashboard exports and
// support tooling.
type Warning string

// Client Dashboard warnings.
const (
	// WarningNoAccounts: We’re not able to extract the account.
	WarningNoAccounts Warning = "NoAccounts"
	// WarningNoHolder: We’re not able to see the name of the account holder.
	WarningNoHolder Warning = "NoHolder"
	// WarningKycIncomplete: KYC information is incomplete.
	WarningKycIncomplete Warning = "KycIncomplete"
	// WarningNoAddress: We’re not able to see the address that’s associated with this account.
	WarningNoAddress Warning = "NoAddress"
	// WarningAddressIncomplete: The address that’s associated with the account is missing or incomplete.
	WarningAddressIncomplete Warning = "AddressIncomplete"
	// WarningAccountIbvIncomplete: Some accounts with IBV (instant bank verification) are incomplete.
	WarningAccountIbvIncomplete Warning = "AccountIbvIncomplete"
	// WarningTransactionIncomplete: Some transactions are missing details.
	WarningTransactionIncomplete Warning = "TransactionIncomplete"
	// WarningTransactionNull: The account has no transactions that are associated with it.
	WarningTransactionNull Warning = "TransactionNull"
	// WarningAccountNumberIncomplete: Some account numbers are missing or incomplete.
	WarningAccountNumberIncomplete Warning = "AccountNumberIncomplete"
	// WarningTransactionsWrongOrder: The transactions are in the wrong order.
	WarningTransactionsWrongOrder Warning = "TransactionsWrongOrder"
	// WarningAccountWithoutUrl: The account URL is missing from the account details.
	WarningAccountWithoutUrl Warning = "AccountWithoutUrl"
	// WarningAccountDuplicate: The account number is a duplicate.
	WarningAccountDuplicate Warning = "AccountDuplicate"
	// WarningTransactionDuplicate: The transaction is a duplicate.
	WarningTransactionDuplicate Warning = "TransactionDuplicate"
	// WarningValidateCurrency: The balance is not a valid value for an amount in this currency.
	WarningValidateCurrency Warning = "ValidateCurrency"
	// WarningMissingOperationAccounts: We’re missing the operations account.
	WarningMissingOperationAccounts Warning = "MissingOperationAccounts"
	// WarningNoTransactions: We’re not seeing a transaction on the account.
	WarningNoTransactions Warning = "NoTransactions"
	// WarningAccountIbvUnavailable: IBV is unavailable for the account.
	WarningAccountIbvUnavailable Warning = "AccountIbvUnavailable"
	// WarningHolderIbvUnavailable: IBV is unavailable for the account holder.
	WarningHolderIbvUnavailable Warning = "HolderIbvUnavailable"
	// WarningMissingStatementsPDF: Some accounts are missing PDF statements.
	WarningMissingStatementsPDF Warning = "MissingStatementsPDF"
	// WarningInvalidEmail: The KYC email is invalid.
	WarningInvalidEmail Warning = "InvalidEmail"
	// WarningNoLastMonthTransaction: Some accounts had no transactions last month.
	WarningNoLastMonthTransaction Warning = "NoLastMonthTransaction"
	// WarningPciNonCompliantCardNumber: PCI Non-Compliant card number.
	WarningPciNonCompliantCardNumber Warning = "PciNonCompliantCardNumber"
	// WarningDesjardinsMissingConsent: Missing consent for Desjardins.
	WarningDesjardinsMissingConsent Warning = "DesjardinsMissingConsent"
	// WarningTransactionsMisconfigured: Transactions for this account should not exist because the client used WithTransactions:false.
	WarningTransactionsMisconfigured Warning = "TransactionsMisconfigured"
	// WarningWindowInUse: The same browser window is being requested by two different requestIds.
	WarningWindowInUse Warning = "WindowInUse"
	// WarningNoLast15DaysTransaction: We were not able to locate any transactions within the past 15 days.
	WarningNoLast15DaysTransaction Warning = "NoLast15DaysTransaction"
	// WarningMFAAfterAuthorization: Certain financial institutions require additional MFA steps after authentication.
	WarningMFAAfterAuthorization Warning = "MFAAfterAuthorization"
	// WarningProductDetailsMissing: Client has requested product details but we are unable to return any.
	WarningProductDetailsMissing Warning = "ProductDetailsMissing"
	// WarningProductDetailsIncomplete: Client has requested product details but we are only able to return partial data.
	WarningProductDetailsIncomplete Warning = "ProductDetailsIncomplete"
	// WarningBalanceMismatch: The balance in the account summary is different in the balance that’s showing at the end of the last transaction on the account.
	WarningBalanceMismatch Warning = "BalanceMismatch"
)

var warningDescriptions = []struct {
	warning     Warning
	description string
}{
	{WarningNoAccounts, "We’re not able to extract the account"},
	{WarningNoHolder, "We’re not able to see the name of the account holder"},
	{WarningKycIncomplete, "KYC information is incomplete"},
	{WarningNoAddress, "We’re not able to see the address that’s associated with this account"},
	{WarningAddressIncomplete, "The address that’s associated with the account is missing or incomplete"},
	{WarningAccountIbvIncomplete, "Some accounts with IBV (instant bank verification) are incomplete"},
	{WarningTransactionIncomplete, "Some transactions are missing details"},
	{WarningTransactionNull, "The account has no transactions that are associated with it"},
	{WarningAccountNumberIncomplete, "Some account numbers are missing or incomplete"},
	{WarningTransactionsWrongOrder, "The transactions are in the wrong order"},
	{WarningAccountWithoutUrl, "The account URL is missing from the account details"},
	{WarningAccountDuplicate, "The account number is a duplicate"},
	{WarningTransactionDuplicate, "The transaction is a duplicate"},
	{WarningValidateCurrency, "The balance is not a valid value for an amount in this currency"},
	{WarningMissingOperationAccounts, "We’re missing the operations account"},
	{WarningNoTransactions, "We’re not seeing a transaction on the account"},
	{WarningAccountIbvUnavailable, "IBV is unavailable for the account"},
	{WarningHolderIbvUnavailable, "IBV is unavailable for the account holder"},
	{WarningMissingStatementsPDF, "Some accounts are missing PDF statements"},
	{WarningInvalidEmail, "The KYC email is invalid"},
	{WarningNoLastMonthTransaction, "Some accounts had no transactions last month"},
	{WarningPciNonCompliantCardNumber, "PCI Non-Compliant card number"},
	{WarningDesjardinsMissingConsent, "Missing consent for Desjardins"},
	{WarningTransactionsMisconfigured, "Transactions for this account should not exist because the client used WithTransactions:false"},
	{WarningWindowInUse, "The same browser window is being requested by two different requestIds"},
	{WarningNoLast15DaysTransaction, "We were not able to locate any transactions within the past 15 days"},
	{WarningMFAAfterAuthorization, "Certain financial institutions require additional MFA steps after authentication"},
	{WarningProductDetailsMissing, "Client has requested product details but we are unable to return any"},
	{WarningProductDetailsIncomplete, "Client has requested product details but we are only able to return partial data"},
	{WarningBalanceMismatch, "The balance in the account summary is different in the balance that’s showing at the end of the last transaction on the account"},
}

var warningByKey = func() map[string]int {
	m := make(map[string]int, len(warningDescriptions))
	for i, w := range warningDescriptions {
		m[squash(string(w.warning))] = i
	}
	return m
}()

// Warnings lists the known warnings in the documentation's order.
func Warnings() []Warning {
	out := make([]Warning, len(warningDescriptions))
	for i, w := range warningDescriptions {
		out[i] = w.warning
	}
	return out
}

// Known reports whether the warning is documented (compared without case,
// spaces or punctuation).
func (w Warning) Known() bool {
	_, ok := warningByKey[squash(string(w))]
	return ok
}

// Description says what the warning means ("" for an unknown warning).
func (w Warning) Description() string {
	if i, ok := warningByKey[squash(string(w))]; ok {
		return warningDescriptions[i].description
	}
	return ""
}
