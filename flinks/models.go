package flinks

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// The models follow the JSON Flinks documents (PascalCase keys, matched
// case-insensitively on decode) with Go names: RequestId → RequestID,
// Id → ID. Unknown fields are ignored; unknown values of the open string
// types (Category, AccountType, ...) are kept as sent. Money is [Amount],
// never float64.

// Link is one entry of a response's Links list: a hint at the next call.
type Link struct {
	Rel     string `json:"rel"`
	Href    string `json:"href"`
	Example string `json:"example"`
}

// OwnerType says whether a login or an account is personal or business
// (Login.Type, Account.AccountType). It is an open set: unknown values are
// kept as sent; empty means not reported (null).
type OwnerType string

// Known owner types.
const (
	OwnerPersonal OwnerType = "Personal"
	OwnerBusiness OwnerType = "Business"
)

// Category is the Flinks account category. It is an open set.
type Category string

// Known categories (help.flinks.com "Account Categorization").
const (
	// CategoryOperations: day-to-day accounts (chequing, savings).
	CategoryOperations Category = "Operations"
	// CategoryCredits: credit cards, loans, lines of credit.
	CategoryCredits Category = "Credits"
	// CategoryProducts: investment products (TFSA, RRSP, ...).
	CategoryProducts Category = "Products"
	// CategoryOther: anything else.
	CategoryOther Category = "Other"
)

// AccountType is the account's type (Account.Type). It is an open set: the
// docs show "Chequing" and captured data "LoanPersonal"; the help centre
// lists checking, savings, credit card, TFSA, RRSP and unknown.
type AccountType string

// Known account types.
const (
	AccountTypeChequing     AccountType = "Chequing"
	AccountTypeSavings      AccountType = "Savings"
	AccountTypeCreditCard   AccountType = "CreditCard"
	AccountTypeTFSA         AccountType = "TFSA"
	AccountTypeRRSP         AccountType = "RRSP"
	AccountTypeLoanPersonal AccountType = "LoanPersonal"
	AccountTypeUnknown      AccountType = "Unknown"
)

// Login is the saved login ("card") a response is about.
type Login struct {
	// Username is the bank username of the login. Treat it as personal data.
	Username           string    `json:"Username"`
	IsScheduledRefresh bool      `json:"IsScheduledRefresh"`
	LastRefresh        Timestamp `json:"LastRefresh"` // UTC; zero when never refreshed
	Type               OwnerType `json:"Type"`
	// ID is the LoginId: keep it to call Authorize in cached mode later.
	ID string `json:"Id"`
}

// Balance holds an account's balances; each may be null.
type Balance struct {
	// Available is posted plus authorized.
	Available Amount `json:"Available"`
	// Current is posted only.
	Current Amount `json:"Current"`
	Limit   Amount `json:"Limit"`
}

// Address is a holder's address; any part may be empty (null).
type Address struct {
	CivicAddress string `json:"CivicAddress"`
	City         string `json:"City"`
	Province     string `json:"Province"`
	PostalCode   string `json:"PostalCode"`
	POBox        string `json:"POBox"`
	Country      string `json:"Country"`
}

// Holder is the account holder (KYC), sent with WithKYC.
type Holder struct {
	Name        string   `json:"Name"`
	Address     *Address `json:"Address"`
	Email       string   `json:"Email"`
	PhoneNumber string   `json:"PhoneNumber"`
}

// TransactionCode is the deprecated Transaction.Code: null in current
// data; it decodes from null, a string or a number.
type TransactionCode string

// UnmarshalJSON accepts null, a string or a number.
func (t *TransactionCode) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = TransactionCode(s)
	default:
		*t = TransactionCode(b)
	}
	return nil
}

// Transaction is one account transaction. Exactly one of Debit and Credit
// is usually set; the other is null.
type Transaction struct {
	ID          string          `json:"Id"`
	Date        Date            `json:"Date"`
	Code        TransactionCode `json:"Code"`
	Description string          `json:"Description"`
	Debit       Amount          `json:"Debit"`
	Credit      Amount          `json:"Credit"`
	// Balance is the running balance after the transaction.
	Balance Amount `json:"Balance"`
}

// Account is one bank account, from GetAccountsSummary (with the EFT
// ratios) or GetAccountsDetail (with transactions, and identity and
// holder when asked for).
type Account struct {
	ID            string `json:"Id"`
	Title         string `json:"Title"`
	AccountNumber string `json:"AccountNumber"`
	// LastFourDigits is set for cards.
	LastFourDigits string      `json:"LastFourDigits"`
	Balance        Balance     `json:"Balance"`
	Category       Category    `json:"Category"`
	Type           AccountType `json:"Type"`
	// Currency is "CAD" or "USD".
	Currency string `json:"Currency"`
	// AccountType is Personal, Business or empty (null).
	AccountType OwnerType `json:"AccountType"`
	// Holder is set with WithKYC (and on summaries).
	Holder *Holder `json:"Holder"`

	// TransitNumber and InstitutionNumber are set with WithAccountIdentity.
	TransitNumber     string `json:"TransitNumber"`
	InstitutionNumber string `json:"InstitutionNumber"`
	OverdraftLimit    Amount `json:"OverdraftLimit"`
	// Transactions are set with WithTransactions (GetAccountsDetail).
	Transactions []Transaction `json:"Transactions"`

	// EftEligibleRatio (0–1) says how often Flinks could get EFT details
	// for the account (GetAccountsSummary).
	EftEligibleRatio       Amount `json:"EftEligibleRatio"`
	ETransferEligibleRatio Amount `json:"ETransferEligibleRatio"`
}

// AccountsDetail is the 200 answer of GetAccountsDetail and
// GetAccountsDetailAsync.
type AccountsDetail struct {
	HTTPStatusCode  int       `json:"HttpStatusCode"`
	Accounts        []Account `json:"Accounts"`
	Links           []Link    `json:"Links"`
	Tag             string    `json:"Tag"`
	InstitutionName string    `json:"InstitutionName"`
	Login           *Login    `json:"Login"`
	InstitutionID   int       `json:"InstitutionId"`
	Institution     string    `json:"Institution"`
	RequestID       string    `json:"RequestId"`
	// FlinksCode and Message are set when the body carries a code (a 200
	// with an error code is returned as an error instead).
	FlinksCode string `json:"FlinksCode"`
	Message    string `json:"Message"`
}

func (d *AccountsDetail) envelope() envelope {
	return envelope{d.HTTPStatusCode, d.FlinksCode, d.Message, d.RequestID}
}

// AccountsSummary is the 200 answer of GetAccountsSummary and
// GetAccountsSummaryAsync: balances, category, holder name and EFT
// eligibility, no transactions.
type AccountsSummary struct {
	HTTPStatusCode  int       `json:"HttpStatusCode"`
	Accounts        []Account `json:"Accounts"`
	Links           []Link    `json:"Links"`
	Tag             string    `json:"Tag"`
	InstitutionName string    `json:"InstitutionName"`
	Login           *Login    `json:"Login"`
	InstitutionID   int       `json:"InstitutionId"`
	Institution     string    `json:"Institution"`
	RequestID       string    `json:"RequestId"`
	FlinksCode      string    `json:"FlinksCode"`
	Message         string    `json:"Message"`
}

func (d *AccountsSummary) envelope() envelope {
	return envelope{d.HTTPStatusCode, d.FlinksCode, d.Message, d.RequestID}
}

// Statement is one PDF statement.
type Statement struct {
	UniqueID string `json:"UniqueId"`
	// FileType is "PDF".
	FileType string `json:"FileType"`
	// Base64Bytes is the file, Base64-encoded; see [Statement.Bytes].
	Base64Bytes string `json:"Base64Bytes"`
}

// Bytes decodes Base64Bytes (standard or URL alphabet, padded or not).
func (s Statement) Bytes() ([]byte, error) { return decodeBase64(s.Base64Bytes) }

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// AccountStatements are the statements of one account.
type AccountStatements struct {
	AccountNumber string      `json:"AccountNumber"`
	Statements    []Statement `json:"Statements"`
}

// Statements is the 200 answer of GetStatements and GetStatementsAsync.
type Statements struct {
	HTTPStatusCode      int                 `json:"HttpStatusCode"`
	StatementsByAccount []AccountStatements `json:"StatementsByAccount"`
	Login               *Login              `json:"Login"`
	Institution         string              `json:"Institution"`
	RequestID           string              `json:"RequestId"`
	FlinksCode          string              `json:"FlinksCode"`
	Message             string              `json:"Message"`
}

func (d *Statements) envelope() envelope {
	return envelope{d.HTTPStatusCode, d.FlinksCode, d.Message, d.RequestID}
}

// ChallengeType is the kind of an MFA challenge. It is an open set; only
// QuestionAndAnswer is documented.
type ChallengeType string

// Known challenge types.
const (
	ChallengeQuestionAndAnswer ChallengeType = "QuestionAndAnswer"
)

// SecurityChallenge is one MFA prompt of a 203 Authorize answer. Answer it
// with AuthorizeRequest.SecurityResponses keyed by the exact Prompt.
type SecurityChallenge struct {
	Type   ChallengeType `json:"Type"`
	Prompt string        `json:"Prompt"`
	// Iterables lists the choices of multiple-choice challenges.
	Iterables []string `json:"Iterables"`
}

// MFAQuestion is a stored security question (Enhanced MFA): GetMFAQuestions
// returns the questions; AnswerMFAQuestions stores answers. Answer is a
// secret: String, GoString and LogValue redact it.
type MFAQuestion struct {
	Question string `json:"Question"`
	Answer   string `json:"Answer,omitempty"`
}

// String shows the question and hides the answer.
func (q MFAQuestion) String() string {
	a := ""
	if q.Answer != "" {
		a = ", Answer: [redacted]"
	}
	return "flinks.MFAQuestion{Question: " + q.Question + a + "}"
}

// GoString makes %#v as safe as %v.
func (q MFAQuestion) GoString() string { return q.String() }

// LogValue implements slog.LogValuer without the answer.
func (q MFAQuestion) LogValue() slog.Value {
	return slog.GroupValue(slog.String("question", q.Question), slog.Bool("answer_set", q.Answer != ""))
}

// IneligibleCard is a login that nightly refresh skips.
type IneligibleCard struct {
	LoginID         string    `json:"LoginId"`
	LastRefreshDate Timestamp `json:"LastRefreshDate"`
	// LastRefreshState is a Client Dashboard status in PascalCase, e.g.
	// "AnsweringSecurityChallenge"; see [IneligibleCard.Status].
	LastRefreshState string `json:"LastRefreshState"`
	// LastRefreshErrorCode is the FlinksCode of the last refresh, if it
	// failed; see [IneligibleCard.Err].
	LastRefreshErrorCode string `json:"LastRefreshErrorCode"`
}

// Err returns the error of LastRefreshErrorCode (errors.FlinksCode), so
// errors.Is(card.Err(), errors.ErrDisabledLogin) works; nil when none.
func (ic IneligibleCard) Err() error { return sdkerrors.FlinksCode(ic.LastRefreshErrorCode) }

// Status returns LastRefreshState as a [DashboardStatus]; ok is false for
// a state the SDK does not know.
func (ic IneligibleCard) Status() (status DashboardStatus, ok bool) {
	return ParseDashboardStatus(ic.LastRefreshState)
}

// NightlyRefreshStatus is the answer of GetNightlyRefreshStatus.
type NightlyRefreshStatus struct {
	HTTPStatusCode  int              `json:"HttpStatusCode"`
	IneligibleCards []IneligibleCard `json:"IneligibleCards"`
	// FlinksCode and Message may appear next to the data (the documented
	// sample carries them).
	FlinksCode string `json:"FlinksCode"`
	Message    string `json:"Message"`
}

// Localization is an institution's name in one language.
type Localization struct {
	Language string `json:"Language"`
	Name     string `json:"Name"`
}

// Institution is a supported financial institution.
type Institution struct {
	// ID is the institution id as text (Flinks sends a number; a string is
	// accepted too).
	ID             string         `json:"Id"`
	Name           string         `json:"Name"`
	Country        string         `json:"Country"`
	Status         string         `json:"Status"`
	Localizations  []Localization `json:"Localizations"`
	RoutingNumbers []string       `json:"RoutingNumbers"`
}

// UnmarshalJSON accepts a numeric or string Id.
func (in *Institution) UnmarshalJSON(b []byte) error {
	type plain Institution
	var aux struct {
		plain
		ID json.RawMessage `json:"Id"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*in = Institution(aux.plain)
	in.ID = rawText(aux.ID)
	return nil
}

// rawText returns a JSON string's value, a number's text, or "" for null.
func rawText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	return string(raw)
}
