// Package benchbase holds the models of the hand-written baseline client
// that the benchmarks compare the SDK with: what a careful hand-written
// Flinks client would declare, with float64 money and string dates. It is
// shared by flinks/bench_test.go and internal/bench so both measure the same
// baseline.
package benchbase

// Transaction is a GetAccountsDetail transaction as a hand-written client
// declares it.
type Transaction struct {
	ID          string  `json:"Id"`
	Date        string  `json:"Date"`
	Code        *string `json:"Code"`
	Description string  `json:"Description"`
	Debit       float64 `json:"Debit"`
	Credit      float64 `json:"Credit"`
	Balance     float64 `json:"Balance"`
}

// Account is a GetAccountsDetail account as a hand-written client declares
// it.
type Account struct {
	ID             string `json:"Id"`
	Title          string `json:"Title"`
	AccountNumber  string `json:"AccountNumber"`
	LastFourDigits string `json:"LastFourDigits"`
	Balance        struct {
		Available float64 `json:"Available"`
		Current   float64 `json:"Current"`
		Limit     float64 `json:"Limit"`
	} `json:"Balance"`
	Category    string `json:"Category"`
	Type        string `json:"Type"`
	Currency    string `json:"Currency"`
	AccountType string `json:"AccountType"`
	Holder      *struct {
		Name    string `json:"Name"`
		Address *struct {
			CivicAddress, City, Province, PostalCode, POBox, Country string
		} `json:"Address"`
		Email       string `json:"Email"`
		PhoneNumber string `json:"PhoneNumber"`
	} `json:"Holder"`
	TransitNumber     string        `json:"TransitNumber"`
	InstitutionNumber string        `json:"InstitutionNumber"`
	OverdraftLimit    float64       `json:"OverdraftLimit"`
	Transactions      []Transaction `json:"Transactions"`
}

// Detail is a GetAccountsDetail answer as a hand-written client declares it.
type Detail struct {
	HTTPStatusCode  int       `json:"HttpStatusCode"`
	Accounts        []Account `json:"Accounts"`
	InstitutionName string    `json:"InstitutionName"`
	Login           *struct {
		Username           string `json:"Username"`
		IsScheduledRefresh bool   `json:"IsScheduledRefresh"`
		LastRefresh        string `json:"LastRefresh"`
		Type               string `json:"Type"`
		ID                 string `json:"Id"`
	} `json:"Login"`
	InstitutionID int    `json:"InstitutionId"`
	Institution   string `json:"Institution"`
	RequestID     string `json:"RequestId"`
	FlinksCode    string `json:"FlinksCode"`
}
