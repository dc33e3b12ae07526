package flankstest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Wire shapes of the v0 Aggregation objects (reference §7). Field names are
// the documented ones, mixed casing included. Every amount is a json.Number
// built from integer cents; dates are YYYY-MM-DD.

type contactInfo struct {
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	Mobile string `json:"mobile"`
}

type address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Province   string `json:"province"`
	Country    string `json:"country"`
}

type identityJSON struct {
	ID           string      `json:"_id"`
	Name         string      `json:"name"`
	DocumentID   string      `json:"document_id"`
	DocumentType string      `json:"document_type"`
	Birthdate    string      `json:"birthdate"`
	Nationality  string      `json:"nationality"`
	ContactInfo  contactInfo `json:"contactInfo"`
	Address      address     `json:"address"`
	ExternalID   *string     `json:"external_id"`
}

type accountJSON struct {
	ID                 string      `json:"_id"`
	AccountID          string      `json:"account_id"`
	IBAN               string      `json:"iban"`
	Entity             string      `json:"entity"`
	Alias              string      `json:"alias"`
	Description        string      `json:"description"`
	Balance            json.Number `json:"balance"`
	Currency           string      `json:"currency"`
	Type               string      `json:"type"`
	IsOwner            bool        `json:"isOwner"`
	NumOwners          int         `json:"numOwners"`
	Owners             []string    `json:"owners"`
	ExternalID         *string     `json:"external_id"`
	UpdatedAtTimestamp int64       `json:"updated_at_timestamp"`
}

type transferJSON struct {
	Beneficiary     string `json:"beneficiary"`
	IBANBeneficiary string `json:"ibanBeneficiary"`
	IBANPayer       string `json:"ibanPayer"`
	Payer           string `json:"payer"`
}

type accountTxJSON struct {
	ID                 string        `json:"_id"`
	AccountID          string        `json:"account_id"`
	Amount             json.Number   `json:"amount"`
	Balance            json.Number   `json:"balance"`
	Entity             string        `json:"entity"`
	CardNumber         *string       `json:"cardNumber"`
	Category           string        `json:"category"`
	Currency           string        `json:"currency"`
	OperationDate      string        `json:"operationDate"`
	ValueDate          string        `json:"valueDate"`
	Description        string        `json:"description"`
	ProductDescription string        `json:"productDescription"`
	Transfer           *transferJSON `json:"transfer"`
	ExternalID         *string       `json:"external_id"`
}

type portfolioJSON struct {
	ID                 string      `json:"_id"`
	Name               string      `json:"name"`
	Type               string      `json:"type"`
	TaxType            *string     `json:"tax_type"`
	Currency           string      `json:"currency"`
	RefValores         *string     `json:"refValores"`
	RefAccount         *string     `json:"refAccount"`
	RefAccounts        []string    `json:"refAccounts"`
	Owners             []string    `json:"owners"`
	Balance            json.Number `json:"balance"`
	Entity             string      `json:"entity"`
	ExternalID         *string     `json:"external_id"`
	UpdatedAtTimestamp int64       `json:"updated_at_timestamp"`
}

type investmentJSON struct {
	ID                 string      `json:"_id"`
	Name               string      `json:"name"`
	ISIN               string      `json:"isin"`
	PortfolioID        string      `json:"portfolio_id"`
	Type               string      `json:"type"`
	Amount             json.Number `json:"amount"` // units held
	Price              json.Number `json:"price"`
	Balance            json.Number `json:"balance"` // market value
	Cost               json.Number `json:"cost"`
	Currency           string      `json:"currency"`
	Entity             string      `json:"entity"`
	ExternalID         *string     `json:"external_id"`
	UpdatedAtTimestamp int64       `json:"updated_at_timestamp"`
}

type investmentTxJSON struct {
	ID            string      `json:"_id"`
	InvestmentID  string      `json:"investment_id"`
	RefValos      string      `json:"refValos"`
	ISIN          string      `json:"isin"`
	OperationDate string      `json:"operationDate"`
	ValueDate     string      `json:"valueDate"`
	Amount        json.Number `json:"amount"`
	Shares        json.Number `json:"shares"`
	Price         json.Number `json:"price"`
	Currency      string      `json:"currency"`
	Description   string      `json:"description"`
	Type          string      `json:"type"`
}

type liabilityJSON struct {
	ID             string       `json:"_id"`
	LiabilityID    string       `json:"liability_id"`
	Name           string       `json:"name"`
	Type           string       `json:"type"`
	Balance        json.Number  `json:"balance"` // outstanding principal / amount drawn
	InitialAmount  json.Number  `json:"initial_amount"`
	Limit          *json.Number `json:"limit"`
	InterestRate   json.Number  `json:"interest_rate"` // percent
	MonthlyPayment *json.Number `json:"monthly_payment"`
	StartDate      string       `json:"start_date"`
	EndDate        string       `json:"end_date"`
	Currency       string       `json:"currency"`
	IBAN           string       `json:"iban"`
	Entity         string       `json:"entity"`
	ExternalID     *string      `json:"external_id"`
}

type liabilityTxJSON struct {
	ID            string      `json:"_id"`
	LiabilityID   string      `json:"liability_id"`
	Amount        json.Number `json:"amount"`
	Capital       json.Number `json:"capital"`
	Interest      json.Number `json:"interest"`
	Balance       json.Number `json:"balance"`
	Currency      string      `json:"currency"`
	OperationDate string      `json:"operationDate"`
	ValueDate     string      `json:"valueDate"`
	Description   string      `json:"description"`
}

type cardJSON struct {
	ID             string       `json:"_id"`
	CardID         string       `json:"card_id"`
	PAN            string       `json:"pan"`
	Name           string       `json:"name"`
	Type           string       `json:"type"` // debit | credit
	Balance        json.Number  `json:"balance"`
	Limit          *json.Number `json:"limit"`
	Available      *json.Number `json:"available"`
	Currency       string       `json:"currency"`
	AccountID      string       `json:"account_id"`
	Holder         string       `json:"holder"`
	ExpirationDate string       `json:"expiration_date"` // YYYY-MM
	Status         string       `json:"status"`
	Entity         string       `json:"entity"`
	ExternalID     *string      `json:"external_id"`
}

type cardTxJSON struct {
	ID            string      `json:"_id"`
	CardID        string      `json:"card_id"`
	Amount        json.Number `json:"amount"`
	Currency      string      `json:"currency"`
	OperationDate string      `json:"operationDate"`
	ValueDate     string      `json:"valueDate"`
	Description   string      `json:"description"`
	Category      string      `json:"category"`
}

type holderJSON struct {
	ProductID   string `json:"product_id"`
	ProductType string `json:"product_type"` // account | card | portfolio | liability
	Rel         string `json:"rel"`          // Titular | Autorizado
	Name        string `json:"name"`
	DocumentID  string `json:"document_id"`
}

// dataset is everything one successful credential exposes.
type dataset struct {
	identity      identityJSON
	accounts      []accountJSON
	accountTxs    []accountTxJSON
	portfolios    []portfolioJSON
	investments   []investmentJSON
	investmentTxs []investmentTxJSON
	liabilities   []liabilityJSON
	liabilityTxs  []liabilityTxJSON
	cards         []cardJSON
	cardTxs       []cardTxJSON
	holders       []holderJSON

	lastTxDate string
	encoded    map[string][]byte // data path -> cached unfiltered JSON
}

var (
	firstNames = []string{"María", "José", "Antonio", "Carmen", "Manuel", "Laura", "Javier", "Lucía", "David", "Ana",
		"Francisco", "Marta", "Carlos", "Elena", "Pablo", "Isabel", "Sergio", "Cristina", "Jorge", "Paula"}
	surnames = []string{"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
		"Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez"}
	cities = []struct{ city, province, cp string }{
		{"Madrid", "Madrid", "28"}, {"Barcelona", "Barcelona", "08"}, {"Valencia", "Valencia", "46"},
		{"Sevilla", "Sevilla", "41"}, {"Zaragoza", "Zaragoza", "50"}, {"Málaga", "Málaga", "29"},
		{"Bilbao", "Bizkaia", "48"}, {"Palma", "Illes Balears", "07"}, {"Murcia", "Murcia", "30"},
		{"Valladolid", "Valladolid", "47"},
	}
	streets   = []string{"Calle Mayor", "Avenida de la Constitución", "Calle de Alcalá", "Paseo de Gracia", "Gran Vía", "Calle del Sol", "Avenida Diagonal", "Calle San Vicente"}
	employers = []string{"ACME IBERICA SL", "TELEFONICA DE ESPAÑA SAU", "INDRA SISTEMAS SA", "MERCADONA SA", "AYUNTAMIENTO DE " + "MADRID", "GLOBAL CONSULTING SL"}
)

type merchant struct {
	desc, category string
	min, max       int64 // cents
	card           bool  // paid with the debit card
}

var debitMerchants = []merchant{
	{"COMPRA MERCADONA", "Alimentación", 1500, 12000, true},
	{"COMPRA CARREFOUR", "Alimentación", 2000, 15000, true},
	{"COMPRA LIDL", "Alimentación", 1000, 8000, true},
	{"RECIBO IBERDROLA CLIENTES SAU", "Suministros", 3000, 12000, false},
	{"RECIBO MOVISTAR", "Telecomunicaciones", 2500, 6000, false},
	{"RECIBO CANAL DE ISABEL II", "Suministros", 1500, 4500, false},
	{"COMPRA AMAZON EU SARL", "Compras", 999, 15000, true},
	{"REPSOL ESTACION DE SERVICIO", "Transporte", 3000, 8000, true},
	{"RENFE VIAJEROS", "Transporte", 1500, 9000, true},
	{"RESTAURANTE CASA PACO", "Restauración", 1800, 9000, true},
	{"EL CORTE INGLES", "Compras", 2500, 20000, true},
	{"FARMACIA LDO. SANCHEZ", "Salud", 500, 4000, true},
	{"SEGURO MAPFRE HOGAR", "Seguros", 1800, 4500, false},
	{"RETIRADA CAJERO", "Efectivo", 2000, 30000, false},
}

var cardMerchants = []merchant{
	{"ZARA ESPAÑA", "Compras", 1995, 12000, true},
	{"GLOVO", "Restauración", 1200, 4500, true},
	{"CABIFY", "Transporte", 800, 3500, true},
	{"IBERIA LINEAS AEREAS", "Viajes", 6000, 45000, true},
	{"NETFLIX.COM", "Ocio", 1299, 1799, true},
	{"SPOTIFY", "Ocio", 1099, 1099, true},
	{"BOOKING.COM", "Viajes", 8000, 40000, true},
	{"FNAC", "Compras", 1500, 30000, true},
}

type security struct {
	name, isin, typ string
	price           int64 // e-4 EUR
	whole           bool  // whole shares
}

var (
	funds = []security{
		{"Fondo Bolsa Europea Índice FI", "", "F", 152345, false},
		{"Fondo Renta Fija Corto Plazo FI", "", "F", 104120, false},
		{"Fondo Global Sostenible FI", "", "F", 218870, false},
		{"Fondo Monetario Euro FI", "", "F", 100315, false},
		{"Fondo Mixto Moderado FI", "", "F", 131005, false},
	}
	stocks = []security{
		{"Iberdrola SA", "ES0144580Y14", "VI", 128500, true},
		{"Banco Santander SA", "ES0113900J37", "VI", 46350, true},
		{"Industria de Diseño Textil SA", "ES0148396007", "VI", 478200, true},
		{"Telefónica SA", "ES0178430E18", "VI", 39120, true},
		{"Repsol SA", "ES0173516115", "VI", 126800, true},
		{"Banco Bilbao Vizcaya Argentaria SA", "ES0113211835", "VI", 98760, true},
		{"Amadeus IT Group SA", "ES0109067019", "VI", 672400, true},
		{"iShares Core MSCI World UCITS ETF", "IE00B4L5Y983", "ETF", 1021300, true},
		{"Vanguard FTSE All-World UCITS ETF", "IE00BK5BQT80", "ETF", 1287600, true},
	}
	pensionPlan = security{"Plan de Pensiones Crecimiento PP", "", "PP", 187654, false}
)

// gen builds a dataset; everything derives from the rng and the token.
type gen struct {
	rng    *rand.Rand
	token  string
	entity string
	today  time.Time
	ts     int64
}

func (g *gen) id(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(g.token))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func (g *gen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

func (g *gen) pick(n int) int { return g.rng.IntN(n) }

func (g *gen) date(daysAgo int) string { return g.today.AddDate(0, 0, -daysAgo).Format(time.DateOnly) }

func (g *gen) person() (name, doc string) {
	name = firstNames[g.pick(len(firstNames))] + " " + surnames[g.pick(len(surnames))] + " " + surnames[g.pick(len(surnames))]
	return name, dni(g.between(10000000, 79999999))
}

// dni returns a Spanish DNI with its control letter.
func dni(n int64) string {
	return fmt.Sprintf("%08d%c", n, "TRWAGMYFPDXBNJZSQVHLCKE"[n%23])
}

// spanishIBAN builds an ES IBAN with valid check digits.
func spanishIBAN(bank string, g *gen) string {
	if len(bank) != 4 {
		bank = "9999"
	}
	bban := fmt.Sprintf("%s%04d%02d%010d", bank, g.between(1, 9999), g.between(10, 99), g.between(1, 9999999999))
	return "ES" + ibanCheck("ES", bban) + bban
}

func ibanCheck(country, bban string) string {
	var digits strings.Builder
	for _, r := range bban + country + "00" {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(strconv.Itoa(int(r-'A') + 10))
		} else {
			digits.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	rem := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%02d", 98-rem)
}

// isinCheck returns the check digit of an 11-character ISIN prefix (Luhn on
// the digit expansion).
func isinCheck(prefix string) byte {
	var digits []int
	for _, r := range prefix {
		if r >= 'A' && r <= 'Z' {
			v := int(r-'A') + 10
			digits = append(digits, v/10, v%10)
		} else {
			digits = append(digits, int(r-'0'))
		}
	}
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := digits[i]
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func (g *gen) fakeISIN() string {
	p := fmt.Sprintf("ES0%08d", g.between(10000000, 99999999))
	return p + string(isinCheck(p))
}

func maskPAN(last4 int64) string { return fmt.Sprintf("**** **** **** %04d", last4) }

type rawTx struct {
	daysAgo  int
	cents    int64
	desc     string
	category string
	card     *string
	transfer *transferJSON
}

// generate builds the dataset of credential number seq.
func generate(seed int64, seq int, token string, inst institution, created time.Time, invTx int) *dataset {
	g := &gen{
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(seq)+0x9e3779b97f4a7c15)),
		token:  token,
		entity: inst.Name,
		today:  created.UTC().Truncate(24 * time.Hour),
		ts:     created.Unix(),
	}
	d := &dataset{encoded: map[string][]byte{}}

	owner, ownerDoc := g.person()
	partner, partnerDoc := g.person()
	city := cities[g.pick(len(cities))]
	first := strings.ToLower(strings.Split(owner, " ")[0])
	email := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u").Replace(first) + fmt.Sprintf(".%d@example.com", g.between(10, 999))
	d.identity = identityJSON{
		ID:           g.id("identity"),
		Name:         owner,
		DocumentID:   ownerDoc,
		DocumentType: "DNI",
		Birthdate:    time.Date(int(g.between(1950, 2000)), time.Month(g.between(1, 12)), int(g.between(1, 28)), 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		Nationality:  "ES",
		ContactInfo: contactInfo{
			Email:  email,
			Phone:  fmt.Sprintf("+34 9%d %03d %03d", g.between(10, 99), g.between(0, 999), g.between(0, 999)),
			Mobile: fmt.Sprintf("+34 6%02d %03d %03d", g.between(0, 99), g.between(0, 999), g.between(0, 999)),
		},
		Address: address{
			Street:     fmt.Sprintf("%s %d, %dº %c", streets[g.pick(len(streets))], g.between(1, 180), g.between(1, 9), 'A'+rune(g.pick(4))),
			City:       city.city,
			PostalCode: fmt.Sprintf("%s%03d", city.cp, g.between(1, 80)),
			Province:   city.province,
			Country:    "ES",
		},
	}

	// Cards first: the debit card number appears in account transactions.
	debitLast4, creditLast4 := g.between(1000, 9999), g.between(1000, 9999)
	debitPAN, creditPAN := maskPAN(debitLast4), maskPAN(creditLast4)

	// Mortgage, paid monthly from the main account.
	principal := g.between(120000, 260000) * 100
	years := int(g.between(20, 30))
	rateBP := g.between(150, 350) // hundredths of a percent
	elapsed := int(g.between(24, 120))
	monthly := annuity(principal, rateBP, years*12)

	// Accounts.
	type acctPlan struct {
		alias, desc, currency string
		opening               int64
		txs                   []rawTx
		owners                []string
	}
	hasPartner := g.pick(2) == 0
	mainOwners := []string{owner}
	if hasPartner {
		mainOwners = append(mainOwners, partner)
	}
	plans := []*acctPlan{
		{alias: "Cuenta Nómina", desc: "CUENTA NOMINA", currency: "EUR", opening: g.between(150000, 600000), owners: mainOwners},
		{alias: "Cuenta Ahorro", desc: "CUENTA AHORRO", currency: "EUR", opening: g.between(500000, 4000000), owners: []string{owner}},
	}
	if g.pick(3) == 0 {
		plans = append(plans, &acctPlan{alias: "Cuenta Divisa USD", desc: "CUENTA EN DIVISA", currency: "USD", opening: g.between(50000, 500000), owners: []string{owner}})
	}
	ibans := make([]string, len(plans))
	for i := range plans {
		ibans[i] = spanishIBAN(inst.BankCode, g)
	}

	main := plans[0]
	salary := g.between(1800, 3400) * 100
	employer := employers[g.pick(len(employers))]
	for m := 0; m < 6; m++ {
		day := m*30 + int(g.between(0, 2))
		main.txs = append(main.txs, rawTx{daysAgo: day, cents: salary, desc: "NOMINA " + employer, category: "Nómina",
			transfer: &transferJSON{Beneficiary: owner, IBANBeneficiary: ibans[0], IBANPayer: spanishIBAN("2100", g), Payer: employer}})
	}
	// The last six mortgage instalments, on the dates of the loan schedule.
	loanStart := g.today.AddDate(0, -elapsed, 0)
	for m := elapsed - 5; m <= elapsed; m++ {
		ago := int(g.today.Sub(loanStart.AddDate(0, m, 0)).Hours() / 24)
		main.txs = append(main.txs, rawTx{daysAgo: ago, cents: -monthly, desc: "CUOTA PRESTAMO HIPOTECARIO", category: "Préstamos"})
	}
	for i := 0; i < 34; i++ {
		m := debitMerchants[g.pick(len(debitMerchants))]
		amt := g.between(m.min, m.max)
		if m.category == "Efectivo" {
			amt = amt / 1000 * 1000
		}
		tx := rawTx{daysAgo: int(g.between(0, 179)), cents: -amt, desc: m.desc, category: m.category}
		if m.card {
			tx.card = &debitPAN
			tx.desc += " " + strings.ToUpper(city.city)
		}
		main.txs = append(main.txs, tx)
	}
	for i := 0; i < 4; i++ {
		who, _ := g.person()
		amt := g.between(500, 5000)
		if g.pick(2) == 0 {
			main.txs = append(main.txs, rawTx{daysAgo: int(g.between(0, 179)), cents: -amt, desc: "BIZUM A " + strings.ToUpper(who), category: "Transferencias",
				transfer: &transferJSON{Beneficiary: who, IBANBeneficiary: spanishIBAN("0049", g), IBANPayer: ibans[0], Payer: owner}})
		} else {
			main.txs = append(main.txs, rawTx{daysAgo: int(g.between(0, 179)), cents: amt, desc: "BIZUM DE " + strings.ToUpper(who), category: "Transferencias",
				transfer: &transferJSON{Beneficiary: owner, IBANBeneficiary: ibans[0], IBANPayer: spanishIBAN("0182", g), Payer: who}})
		}
	}
	savings := plans[1]
	for m := 0; m < 6; m++ {
		amt := g.between(100, 500) * 100
		savings.txs = append(savings.txs,
			rawTx{daysAgo: m*30 + 2, cents: amt, desc: "TRASPASO DESDE CUENTA NOMINA", category: "Ahorro",
				transfer: &transferJSON{Beneficiary: owner, IBANBeneficiary: ibans[1], IBANPayer: ibans[0], Payer: owner}},
			rawTx{daysAgo: m*30 + 1, cents: g.between(50, 900), desc: "LIQUIDACION INTERESES", category: "Intereses"})
		main.txs = append(main.txs, rawTx{daysAgo: m*30 + 2, cents: -amt, desc: "TRASPASO A CUENTA AHORRO", category: "Ahorro",
			transfer: &transferJSON{Beneficiary: owner, IBANBeneficiary: ibans[1], IBANPayer: ibans[0], Payer: owner}})
	}
	if len(plans) > 2 {
		for i := 0; i < 8; i++ {
			m := cardMerchants[g.pick(len(cardMerchants))]
			plans[2].txs = append(plans[2].txs, rawTx{daysAgo: int(g.between(0, 179)), cents: -g.between(m.min, m.max), desc: m.desc + " USA", category: m.category})
		}
	}

	var debitCardTxs []cardTxJSON
	for i, p := range plans {
		// Newest first; ties broken by generation order for determinism.
		slices.SortStableFunc(p.txs, func(a, b rawTx) int { return a.daysAgo - b.daysAgo })
		var total int64
		for _, t := range p.txs {
			total += t.cents
		}
		balance := p.opening + total
		acc := accountJSON{
			ID: g.id("account", ibans[i]), IBAN: ibans[i], Entity: inst.Name, Alias: p.alias, Description: p.desc,
			Balance: money(balance), Currency: p.currency, Type: "cashAccount", IsOwner: true,
			NumOwners: len(p.owners), Owners: p.owners, UpdatedAtTimestamp: g.ts,
		}
		acc.AccountID = acc.ID
		d.accounts = append(d.accounts, acc)
		run := balance
		for j, t := range p.txs {
			op := g.date(t.daysAgo)
			val := op
			if t.card != nil && t.daysAgo > 0 {
				val = g.date(t.daysAgo - 1)
			}
			tx := accountTxJSON{
				ID: g.id("tx", acc.ID, strconv.Itoa(j)), AccountID: acc.ID, Amount: money(t.cents), Balance: money(run),
				Entity: inst.Name, CardNumber: t.card, Category: t.category, Currency: p.currency,
				OperationDate: op, ValueDate: val, Description: t.desc, ProductDescription: p.alias, Transfer: t.transfer,
			}
			d.accountTxs = append(d.accountTxs, tx)
			if op > d.lastTxDate {
				d.lastTxDate = op
			}
			if t.card != nil {
				debitCardTxs = append(debitCardTxs, cardTxJSON{CardID: "", Amount: tx.Amount, Currency: p.currency,
					OperationDate: op, ValueDate: val, Description: t.desc, Category: t.category, ID: g.id("cardtx", tx.ID)})
			}
			run -= t.cents
		}
	}

	// Cards.
	debit := cardJSON{ID: g.id("card", debitPAN, "debit"), PAN: debitPAN, Name: "Tarjeta Débito Visa", Type: "debit",
		Currency: "EUR", AccountID: d.accounts[0].ID, Holder: owner, Status: "active", Entity: inst.Name,
		ExpirationDate: g.today.AddDate(int(g.between(1, 4)), 0, 0).Format("2006-01")}
	debit.CardID = debit.ID
	var spentDebit int64
	for i := range debitCardTxs {
		debitCardTxs[i].CardID = debit.ID
		if debitCardTxs[i].OperationDate >= g.date(30) {
			spentDebit += -mustCents(debitCardTxs[i].Amount)
		}
	}
	debit.Balance = money(spentDebit)
	limit := g.between(2, 6) * 100000
	credit := cardJSON{ID: g.id("card", creditPAN, "credit"), PAN: creditPAN, Name: "Mastercard Oro", Type: "credit",
		Currency: "EUR", AccountID: d.accounts[0].ID, Holder: owner, Status: "active", Entity: inst.Name,
		ExpirationDate: g.today.AddDate(int(g.between(1, 4)), 0, 0).Format("2006-01")}
	credit.CardID = credit.ID
	var creditTxs []cardTxJSON
	var spentCredit int64
	for i := 0; i < 20; i++ {
		m := cardMerchants[g.pick(len(cardMerchants))]
		ago := int(g.between(0, 89))
		amt := g.between(m.min, m.max)
		creditTxs = append(creditTxs, cardTxJSON{ID: g.id("cardtx", credit.ID, strconv.Itoa(i)), CardID: credit.ID, Amount: money(-amt),
			Currency: "EUR", OperationDate: g.date(ago), ValueDate: g.date(max(ago-1, 0)), Description: m.desc, Category: m.category})
		if ago <= 30 {
			spentCredit += amt
		}
	}
	spentCredit = min(spentCredit, limit)
	lim, avail := money(limit), money(limit-spentCredit)
	credit.Balance, credit.Limit, credit.Available = money(spentCredit), &lim, &avail
	slices.SortStableFunc(creditTxs, func(a, b cardTxJSON) int { return strings.Compare(b.OperationDate, a.OperationDate) })
	d.cards = []cardJSON{debit, credit}
	d.cardTxs = append(debitCardTxs, creditTxs...)

	// Portfolios and investments.
	type pf struct {
		name, typ string
		tax       *string
		secs      []security
	}
	fundPicks := pickN(g, funds, 3)
	for i := range fundPicks {
		fundPicks[i].isin = g.fakeISIN()
	}
	pfs := []pf{
		{"Cartera Fondos", "F", strPtr("ordinary"), fundPicks},
		{"Cartera Valores", "MIX", nil, pickN(g, stocks, 4)},
	}
	if g.pick(2) == 0 {
		pp := pensionPlan
		pp.isin = g.fakeISIN()
		pfs = append(pfs, pf{"Plan de Pensiones", "PP", strPtr("pension_plan"), []security{pp}})
	}
	type position struct {
		inv   *investmentJSON
		price int64
		whole bool
		ref   string
	}
	var positions []position
	for _, p := range pfs {
		ref := fmt.Sprintf("%s%04d%010d", inst.BankCode, g.between(1, 9999), g.between(1, 9999999999))
		pid := g.id("portfolio", ref)
		var total int64
		for _, sec := range p.secs {
			qty := g.between(50, 2000) * 10000
			if !sec.whole {
				qty = g.between(100000, 30000000)
			}
			price := sec.price * g.between(90, 110) / 100
			bal := mulE4ToCents(qty, price)
			cost := bal * g.between(80, 115) / 100
			total += bal
			inv := &investmentJSON{ID: g.id("investment", sec.isin), Name: sec.name, ISIN: sec.isin, PortfolioID: pid, Type: sec.typ,
				Amount: units(qty), Price: units(price), Balance: money(bal), Cost: money(cost), Currency: "EUR",
				Entity: inst.Name, UpdatedAtTimestamp: g.ts}
			d.investments = append(d.investments, *inv)
			positions = append(positions, position{inv: inv, price: price, whole: sec.whole, ref: ref})
		}
		d.portfolios = append(d.portfolios, portfolioJSON{ID: pid, Name: p.name, Type: p.typ, TaxType: p.tax, Currency: "EUR",
			RefValores: strPtr(ref), RefAccount: strPtr(ibans[0]), RefAccounts: []string{ibans[0], ibans[1]}, Owners: []string{owner},
			Balance: money(total), Entity: inst.Name, UpdatedAtTimestamp: g.ts})
	}

	// Investment transactions, newest first.
	span := max(365, min(invTx/3, 3650))
	d.investmentTxs = make([]investmentTxJSON, 0, invTx)
	ago := make([]int, invTx)
	for i := range ago {
		ago[i] = g.rng.IntN(span)
	}
	slices.Sort(ago)
	for i := 0; i < invTx; i++ {
		pos := positions[g.pick(len(positions))]
		typ, word := "buy", "COMPRA"
		switch r := g.pick(10); {
		case r >= 9 && pos.whole:
			typ, word = "dividend", "DIVIDENDO"
		case r >= 7:
			typ, word = "sell", "VENTA"
		}
		var shares, price, cents int64
		if typ == "dividend" {
			cents = g.between(500, 20000)
		} else {
			shares = g.between(1, 100) * 10000
			if !pos.whole {
				shares = g.between(10000, 2000000)
			}
			price = pos.price * g.between(70, 130) / 100
			cents = mulE4ToCents(shares, price)
		}
		op := g.date(ago[i])
		d.investmentTxs = append(d.investmentTxs, investmentTxJSON{
			ID: g.id("invtx", strconv.Itoa(i)), InvestmentID: pos.inv.ID, RefValos: pos.ref, ISIN: pos.inv.ISIN,
			OperationDate: op, ValueDate: g.date(ago[i] - 2), Amount: money(cents), Shares: units(shares), Price: units(price),
			Currency: "EUR", Description: word + " " + strings.ToUpper(pos.inv.Name), Type: typ,
		})
	}

	// Liabilities.
	outstanding := principal
	start := loanStart
	var loanTxs []liabilityTxJSON
	loanID := g.id("liability", "mortgage")
	for m := 1; m <= elapsed; m++ {
		interest := outstanding * rateBP / 120000
		capital := monthly - interest
		outstanding -= capital
		if elapsed-m < 12 {
			day := start.AddDate(0, m, 0).Format(time.DateOnly)
			loanTxs = append(loanTxs, liabilityTxJSON{ID: g.id("liabtx", strconv.Itoa(m)), LiabilityID: loanID, Amount: money(-monthly),
				Capital: money(capital), Interest: money(interest), Balance: money(outstanding), Currency: "EUR",
				OperationDate: day, ValueDate: day, Description: "CUOTA PRESTAMO HIPOTECARIO"})
		}
	}
	slices.Reverse(loanTxs)
	mp := money(monthly)
	d.liabilities = append(d.liabilities, liabilityJSON{ID: loanID, LiabilityID: loanID, Name: "Préstamo Hipotecario", Type: "Loan",
		Balance: money(outstanding), InitialAmount: money(principal), InterestRate: money(rateBP), MonthlyPayment: &mp,
		StartDate: start.Format(time.DateOnly), EndDate: start.AddDate(years, 0, 0).Format(time.DateOnly),
		Currency: "EUR", IBAN: ibans[0], Entity: inst.Name})
	d.liabilityTxs = loanTxs
	if g.pick(2) == 0 {
		clim := g.between(10, 50) * 100000
		drawn := clim * g.between(0, 90) / 100
		cid := g.id("liability", "credit")
		l := money(clim)
		d.liabilities = append(d.liabilities, liabilityJSON{ID: cid, LiabilityID: cid, Name: "Póliza de Crédito", Type: "Credit",
			Balance: money(drawn), InitialAmount: money(clim), Limit: &l, InterestRate: money(g.between(400, 900)),
			StartDate: g.date(int(g.between(200, 700))), EndDate: g.today.AddDate(1, 0, 0).Format(time.DateOnly),
			Currency: "EUR", IBAN: ibans[0], Entity: inst.Name})
	}

	// Holders.
	for _, a := range d.accounts {
		d.holders = append(d.holders, holderJSON{ProductID: a.ID, ProductType: "account", Rel: "Titular", Name: owner, DocumentID: ownerDoc})
		if len(a.Owners) > 1 {
			d.holders = append(d.holders, holderJSON{ProductID: a.ID, ProductType: "account", Rel: "Titular", Name: partner, DocumentID: partnerDoc})
		} else if a.Alias == "Cuenta Ahorro" {
			d.holders = append(d.holders, holderJSON{ProductID: a.ID, ProductType: "account", Rel: "Autorizado", Name: partner, DocumentID: partnerDoc})
		}
	}
	for _, c := range d.cards {
		d.holders = append(d.holders, holderJSON{ProductID: c.ID, ProductType: "card", Rel: "Titular", Name: owner, DocumentID: ownerDoc})
	}
	for _, p := range d.portfolios {
		d.holders = append(d.holders, holderJSON{ProductID: p.ID, ProductType: "portfolio", Rel: "Titular", Name: owner, DocumentID: ownerDoc})
	}
	for _, l := range d.liabilities {
		d.holders = append(d.holders, holderJSON{ProductID: l.ID, ProductType: "liability", Rel: "Titular", Name: owner, DocumentID: ownerDoc})
	}
	return d
}

// annuity is the monthly payment in cents of a loan (rate in hundredths of a percent).
func annuity(principal, rateBP int64, months int) int64 {
	r := float64(rateBP) / 10000 / 12
	p := float64(principal) * r / (1 - math.Pow(1+r, -float64(months)))
	return int64(math.Round(p))
}

func mustCents(n json.Number) int64 {
	s := n.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	fp = (fp + "00")[:2]
	v, _ := strconv.ParseInt(ip+fp, 10, 64)
	if neg {
		return -v
	}
	return v
}

func pickN(g *gen, from []security, n int) []security {
	idx := g.rng.Perm(len(from))[:n]
	out := make([]security, n)
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}
