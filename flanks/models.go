package flanks

import (
	"bytes"
	"encoding/json"
)

// Data models of the v0 Aggregation API (docs.flanks.io/pages/data-model).
// JSON names are the documented ones, mixed casing included: "_id" is ID,
// "iban" is IBAN, camelCase fields such as "refValores" and
// "operationDate" keep their spelling in the tag. Money is [Amount] (exact
// decimal, null-aware), YYYY-MM-DD fields are [Date], *_timestamp integers
// are [Timestamp]. A field the server leaves out or sends as null decodes
// to its zero value; fields the SDK does not know are ignored (Flanks adds
// fields without notice), and enum-like fields are open string types that
// keep values the SDK has no constant for.

// PortfolioType is a portfolio's type: managed, unmanaged, mixed, or the
// code of the one investment type it holds. Values without a constant are
// kept as sent.
type PortfolioType string

// Portfolio types (docs: data model, Portfolio.type).
const (
	PortfolioManaged   PortfolioType = "M"
	PortfolioUnmanaged PortfolioType = "UM"
	PortfolioMixed     PortfolioType = "MIX"
	// PortfolioStocks is the portfolio type of variable income (VI) holdings.
	PortfolioStocks PortfolioType = "S"
)

// InvestmentType is an investment type code. Values without a constant are
// kept as sent.
type InvestmentType string

// Investment type codes (docs: data model).
const (
	InvestmentFunds          InvestmentType = "F"
	InvestmentVariableIncome InvestmentType = "VI"
	InvestmentPensionPlan    InvestmentType = "PP"
	InvestmentFixedIncome    InvestmentType = "FI"
	InvestmentCrypto         InvestmentType = "C"
	InvestmentETF            InvestmentType = "ETF"
	InvestmentCFD            InvestmentType = "CFD"
	InvestmentLiquidity      InvestmentType = "L"
	InvestmentOthers         InvestmentType = "O"
	InvestmentDerivatives    InvestmentType = "DV"
	InvestmentBankProducts   InvestmentType = "BP"
	InvestmentAlternative    InvestmentType = "AEP"
)

// Portfolio is an investment account (POST /v0/bank/credentials/portfolio).
type Portfolio struct {
	// ID is derived from the credentials token and RefValores.
	ID string `json:"_id"`
	// Name is the portfolio's name at the bank.
	Name string `json:"name"`
	// Type is M, UM, MIX or an investment type code.
	Type PortfolioType `json:"type"`
	// TaxType is the fiscal nature (country-dependent); may be empty.
	TaxType string `json:"tax_type"`
	// Currency is the ISO 4217 code.
	Currency string `json:"currency"`
	// RefValores is the investment account number.
	RefValores string `json:"refValores"`
	// RefAccount is the IBAN of the main cash account.
	RefAccount string `json:"refAccount"`
	// RefAccounts are the IBANs of the related cash accounts.
	RefAccounts []string `json:"refAccounts"`
	// Owners are the owners' names.
	Owners []string `json:"owners"`
	// Balance is the current valuation.
	Balance Amount `json:"balance"`
	// Entity is the institution's name.
	Entity string `json:"entity"`
	// ExternalID is your external_id, when the credential has one.
	ExternalID string `json:"external_id"`
	// UpdatedAtTimestamp is when the data was extracted.
	UpdatedAtTimestamp Timestamp `json:"updated_at_timestamp"`
}

// Investment is a position (POST /v0/bank/credentials/investment).
type Investment struct {
	// ID is derived from the credentials token and the ISIN.
	ID          string         `json:"_id"`
	Name        string         `json:"name"`
	ISIN        string         `json:"isin"`
	PortfolioID string         `json:"portfolio_id"`
	Type        InvestmentType `json:"type"`
	// Amount is the number of units held.
	Amount Amount `json:"amount"`
	// Price is the unit price.
	Price Amount `json:"price"`
	// Balance is the market value.
	Balance Amount `json:"balance"`
	// Cost is the acquisition cost.
	Cost               Amount    `json:"cost"`
	Currency           string    `json:"currency"`
	Entity             string    `json:"entity"`
	ExternalID         string    `json:"external_id"`
	UpdatedAtTimestamp Timestamp `json:"updated_at_timestamp"`
}

// InvestmentTransaction is a movement of a position
// (POST /v0/bank/credentials/investment/transaction).
type InvestmentTransaction struct {
	ID           string `json:"_id"`
	InvestmentID string `json:"investment_id"`
	// RefValos is the investment account number (spelled as Flanks does).
	RefValos      string `json:"refValos"`
	ISIN          string `json:"isin"`
	OperationDate Date   `json:"operationDate"`
	ValueDate     Date   `json:"valueDate"`
	// Amount is the cash amount of the operation.
	Amount Amount `json:"amount"`
	// Shares is the number of units bought or sold.
	Shares      Amount `json:"shares"`
	Price       Amount `json:"price"`
	Currency    string `json:"currency"`
	Description string `json:"description"`
	// Type is e.g. "buy", "sell", "dividend" (kept as sent).
	Type       string `json:"type"`
	ExternalID string `json:"external_id"`
}

// AccountType is a cash account's type. Values without a constant are kept
// as sent.
type AccountType string

// Account types (docs: data model, Account).
const (
	AccountCash        AccountType = "cashAccount"
	AccountSafekeeping AccountType = "safekeepingAccount"
	AccountNostro      AccountType = "nostroAccount"
	AccountVostro      AccountType = "vostroAccount"
	AccountTypeOther   AccountType = "other"
)

// Account is a cash account (POST /v0/bank/credentials/account).
type Account struct {
	ID                 string      `json:"_id"`
	AccountID          string      `json:"account_id"`
	IBAN               string      `json:"iban"`
	Entity             string      `json:"entity"`
	Alias              string      `json:"alias"`
	Description        string      `json:"description"`
	Balance            Amount      `json:"balance"`
	Currency           string      `json:"currency"`
	Type               AccountType `json:"type"`
	IsOwner            bool        `json:"isOwner"`
	NumOwners          int         `json:"numOwners"`
	Owners             []string    `json:"owners"`
	ExternalID         string      `json:"external_id"`
	UpdatedAtTimestamp Timestamp   `json:"updated_at_timestamp"`
}

// Transfer is the counterparty detail of an account transaction.
type Transfer struct {
	Beneficiary     string `json:"beneficiary"`
	IBANBeneficiary string `json:"ibanBeneficiary"`
	IBANPayer       string `json:"ibanPayer"`
	Payer           string `json:"payer"`
}

// AccountTransaction is a cash account movement
// (POST /v0/bank/credentials/data).
type AccountTransaction struct {
	ID        string `json:"_id"`
	AccountID string `json:"account_id"`
	// Amount is signed: negative for debits.
	Amount Amount `json:"amount"`
	// Balance is the account balance after the movement.
	Balance            Amount    `json:"balance"`
	Entity             string    `json:"entity"`
	CardNumber         string    `json:"cardNumber"`
	Category           string    `json:"category"`
	Currency           string    `json:"currency"`
	OperationDate      Date      `json:"operationDate"`
	ValueDate          Date      `json:"valueDate"`
	Description        string    `json:"description"`
	ProductDescription string    `json:"productDescription"`
	Transfer           *Transfer `json:"transfer"`
	ExternalID         string    `json:"external_id"`
}

// LiabilityType is a liability's type. Values without a constant are kept
// as sent.
type LiabilityType string

// Liability types (docs: data model; Confirming per API Evangelist).
const (
	LiabilityCredit     LiabilityType = "Credit"
	LiabilityLoan       LiabilityType = "Loan"
	LiabilityConfirming LiabilityType = "Confirming"
)

// Liability is a loan or credit line (POST /v0/bank/credentials/liability).
type Liability struct {
	ID          string        `json:"_id"`
	LiabilityID string        `json:"liability_id"`
	Name        string        `json:"name"`
	Type        LiabilityType `json:"type"`
	// Balance is the outstanding principal or the amount drawn.
	Balance       Amount `json:"balance"`
	InitialAmount Amount `json:"initial_amount"`
	Limit         Amount `json:"limit"`
	// InterestRate is a percentage.
	InterestRate   Amount `json:"interest_rate"`
	MonthlyPayment Amount `json:"monthly_payment"`
	StartDate      Date   `json:"start_date"`
	EndDate        Date   `json:"end_date"`
	Currency       string `json:"currency"`
	IBAN           string `json:"iban"`
	Entity         string `json:"entity"`
	ExternalID     string `json:"external_id"`
}

// LiabilityTransaction is a liability movement
// (POST /v0/bank/credentials/liability/transaction).
type LiabilityTransaction struct {
	ID            string `json:"_id"`
	LiabilityID   string `json:"liability_id"`
	Amount        Amount `json:"amount"`
	Capital       Amount `json:"capital"`
	Interest      Amount `json:"interest"`
	Balance       Amount `json:"balance"`
	Currency      string `json:"currency"`
	OperationDate Date   `json:"operationDate"`
	ValueDate     Date   `json:"valueDate"`
	Description   string `json:"description"`
	ExternalID    string `json:"external_id"`
}

// Card is a debit or credit card (POST /v0/bank/credentials/card).
type Card struct {
	ID     string `json:"_id"`
	CardID string `json:"card_id"`
	// PAN is masked except the last four digits.
	PAN  string `json:"pan"`
	Name string `json:"name"`
	// Type is e.g. "debit" or "credit" (kept as sent).
	Type      string `json:"type"`
	Balance   Amount `json:"balance"`
	Limit     Amount `json:"limit"`
	Available Amount `json:"available"`
	Currency  string `json:"currency"`
	AccountID string `json:"account_id"`
	Holder    string `json:"holder"`
	// ExpirationDate is as sent (e.g. "2028-05").
	ExpirationDate string `json:"expiration_date"`
	Status         string `json:"status"`
	Entity         string `json:"entity"`
	ExternalID     string `json:"external_id"`
}

// CardTransaction is a card movement
// (POST /v0/bank/credentials/card/transaction).
type CardTransaction struct {
	ID            string `json:"_id"`
	CardID        string `json:"card_id"`
	Amount        Amount `json:"amount"`
	Currency      string `json:"currency"`
	OperationDate Date   `json:"operationDate"`
	ValueDate     Date   `json:"valueDate"`
	Description   string `json:"description"`
	Category      string `json:"category"`
	ExternalID    string `json:"external_id"`
}

// Identity is the credential owner's identity
// (POST /v0/bank/credentials/auth). It holds personal data: do not log it.
type Identity struct {
	ID           string      `json:"_id"`
	Name         string      `json:"name"`
	DocumentID   string      `json:"document_id"`
	DocumentType string      `json:"document_type"`
	Birthdate    Date        `json:"birthdate"`
	Nationality  string      `json:"nationality"`
	ContactInfo  ContactInfo `json:"contactInfo"`
	Address      Address     `json:"address"`
	ExternalID   string      `json:"external_id"`
}

// ContactInfo is the contact part of an [Identity]. If the bank sends it as
// a plain string, Text holds it.
type ContactInfo struct {
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	Mobile string `json:"mobile"`
	// Text is the value when it was sent as a string, not an object.
	Text string `json:"-"`
}

// UnmarshalJSON accepts an object, a string or null.
func (c *ContactInfo) UnmarshalJSON(b []byte) error {
	type plain ContactInfo
	return lenientObject(b, (*plain)(c), &c.Text)
}

// Address is the postal address of an [Identity]. If the bank sends it as a
// plain string, Text holds it.
type Address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Province   string `json:"province"`
	Country    string `json:"country"`
	// Text is the value when it was sent as a string, not an object.
	Text string `json:"-"`
}

// UnmarshalJSON accepts an object, a string or null.
func (a *Address) UnmarshalJSON(b []byte) error {
	type plain Address
	return lenientObject(b, (*plain)(a), &a.Text)
}

// lenientObject decodes an object into v, a string into text, and ignores
// any other shape.
func lenientObject(b []byte, v any, text *string) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '{':
		return json.Unmarshal(b, v)
	case '"':
		return json.Unmarshal(b, text)
	}
	return nil
}

// Holder is a product holder (POST /v0/bank/credentials/holder).
type Holder struct {
	ProductID string `json:"product_id"`
	// ProductType is e.g. "account", "card", "portfolio", "liability".
	ProductType string `json:"product_type"`
	// Rel is the relation to the product, e.g. "Titular", "Autorizado".
	Rel        string `json:"rel"`
	Name       string `json:"name"`
	DocumentID string `json:"document_id"`
}

// Entity is an institution Flanks connects to (GET /v0/bank/available). Its
// ID is the "bank" value used elsewhere (e.g. "testbank").
type Entity struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
	LogoURL string `json:"logo_url"`
}
