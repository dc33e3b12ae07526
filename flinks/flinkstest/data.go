package flinkstest

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// historyDays is how far back generated transactions go (the newest is on the clock's day).
const historyDays = 540

// ---- ids and amounts ----

type gen struct{ r *rand.Rand }

func newGen(seed int64, stream uint64) *gen {
	return &gen{rand.New(rand.NewPCG(uint64(seed), stream))}
}

func (g *gen) uuidBytes() [16]byte {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], g.r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], g.r.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

func (g *gen) uuid() string { return formatUUID(g.uuidBytes()) }

// between returns a value in [lo, hi].
func (g *gen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.r.Int64N(hi-lo+1)
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

const hexDigits = "0123456789abcdef"

func appendUUID(dst []byte, b [16]byte) []byte {
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[x>>4], hexDigits[x&0x0f])
	}
	return dst
}

func formatUUID(b [16]byte) string { return string(appendUUID(make([]byte, 0, 36), b)) }

func hashString(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// loginIDFor derives the LoginId of a user's card from the seed and the card generation.
func loginIDFor(seed int64, username string, generation int) string {
	return newGen(seed, hashString(username)^0x10610^(uint64(generation)*0x9e3779b97f4a7c15)).uuid()
}

// appendMoney writes integer cents as the minimal decimal a .NET server writes for a decimal
// amount: 150025 -> 1500.25, 510560 -> 5105.6, 1200 -> 12. No float is ever involved.
func appendMoney(dst []byte, cents int64) []byte {
	u := uint64(cents)
	if cents < 0 {
		dst = append(dst, '-')
		u = uint64(-cents)
	}
	dst = strconv.AppendUint(dst, u/100, 10)
	if frac := u % 100; frac != 0 {
		dst = append(dst, '.', byte('0'+frac/10))
		if frac%10 != 0 {
			dst = append(dst, byte('0'+frac%10))
		}
	}
	return dst
}

// amount is an amount in cents that encodes as a JSON decimal number.
type amount int64

// MarshalJSON implements json.Marshaler.
func (a amount) MarshalJSON() ([]byte, error) { return appendMoney(nil, int64(a)), nil }

func amountPtr(c int64) *amount { a := amount(c); return &a }

func strPtr(s string) *string { return &s }

// ---- generated data ----

const (
	kindOther uint8 = iota
	kindPayroll
	kindNSF
	kindLoan
	kindTransfer
	kindFee
	kindInterest
)

type txTemplate struct {
	desc     string
	kind     uint8
	min, max int64 // cents
	weight   int
	round    int64 // round the amount down to a multiple of this many cents (0 = no)
}

type pool struct {
	credits, debits []txTemplate
	creditW, debitW int
}

func newPool(credits, debits []txTemplate) *pool {
	p := &pool{credits: credits, debits: debits}
	for _, t := range credits {
		p.creditW += t.weight
	}
	for _, t := range debits {
		p.debitW += t.weight
	}
	return p
}

func (p *pool) pick(g *gen, credit bool) txTemplate {
	list, w := p.debits, p.debitW
	if credit {
		list, w = p.credits, p.creditW
	}
	n := g.r.IntN(w)
	for _, t := range list {
		if n < t.weight {
			return t
		}
		n -= t.weight
	}
	return list[len(list)-1]
}

var (
	operationsPool = newPool([]txTemplate{
		{desc: "PAYROLL - Flinks Capital Inc.", kind: kindPayroll, min: 120000, max: 320000, weight: 4},
		{desc: "e-Transfer - Autodeposit", kind: kindTransfer, min: 2000, max: 60000, weight: 3},
		{desc: "DEPOSIT - MOBILE CHEQUE", min: 5000, max: 80000, weight: 1},
		{desc: "INTEREST", kind: kindInterest, min: 1, max: 500, weight: 1},
		{desc: "REFUND - AMAZON.CA", min: 500, max: 15000, weight: 1},
	}, []txTemplate{
		{desc: "POS PURCHASE - METRO", min: 1000, max: 25000, weight: 6},
		{desc: "POS PURCHASE - TIM HORTONS", min: 300, max: 2500, weight: 5},
		{desc: "POS PURCHASE - SAQ", min: 1500, max: 12000, weight: 2},
		{desc: "AMAZON.CA", min: 1000, max: 20000, weight: 3},
		{desc: "UBER TRIP", min: 800, max: 6000, weight: 2},
		{desc: "NETFLIX.COM", min: 1699, max: 1699, weight: 1},
		{desc: "BILL PAYMENT - HYDRO QUEBEC", min: 4000, max: 20000, weight: 2},
		{desc: "BILL PAYMENT - BELL CANADA", min: 5000, max: 15000, weight: 2},
		{desc: "RENT PAYMENT", min: 90000, max: 180000, weight: 1},
		{desc: "ATM WITHDRAWAL", min: 2000, max: 20000, weight: 2, round: 2000},
		{desc: "e-Transfer SENT", kind: kindTransfer, min: 1000, max: 50000, weight: 2},
		{desc: "LOAN PAYMENT - FLINKS FINANCE", kind: kindLoan, min: 15000, max: 45000, weight: 1},
		{desc: "NSF FEE", kind: kindNSF, min: 4800, max: 4800, weight: 1},
		{desc: "MONTHLY ACCOUNT FEE", kind: kindFee, min: 395, max: 1695, weight: 1},
	})
	creditsPool = newPool([]txTemplate{
		{desc: "PAYMENT - THANK YOU", kind: kindTransfer, min: 5000, max: 150000, weight: 1},
	}, []txTemplate{
		{desc: "POS PURCHASE - COSTCO", min: 2000, max: 30000, weight: 3},
		{desc: "AMAZON.CA", min: 1000, max: 20000, weight: 3},
		{desc: "PRESTO", min: 1000, max: 5000, weight: 2},
		{desc: "POS PURCHASE - PHARMAPRIX", min: 500, max: 8000, weight: 2},
		{desc: "INTEREST CHARGE", kind: kindInterest, min: 500, max: 4000, weight: 1},
	})
	productsPool = newPool([]txTemplate{
		{desc: "CONTRIBUTION", kind: kindTransfer, min: 10000, max: 100000, weight: 3},
		{desc: "DIVIDEND", kind: kindInterest, min: 100, max: 5000, weight: 2},
	}, []txTemplate{
		{desc: "WITHDRAWAL", kind: kindTransfer, min: 10000, max: 200000, weight: 1},
		{desc: "MANAGEMENT FEE", kind: kindFee, min: 500, max: 2500, weight: 1},
	})
	otherPool = newPool([]txTemplate{
		{desc: "TRANSFER FROM CHEQUING", kind: kindTransfer, min: 5000, max: 100000, weight: 3},
		{desc: "INTEREST", kind: kindInterest, min: 1, max: 2000, weight: 1},
	}, []txTemplate{
		{desc: "TRANSFER TO CHEQUING", kind: kindTransfer, min: 5000, max: 80000, weight: 1},
	})
)

// descTable interns descriptions; descJSON holds them JSON-encoded.
var (
	descTable = map[string]uint16{}
	descText  []string
	descJSON  [][]byte
)

func init() {
	for _, p := range []*pool{operationsPool, creditsPool, productsPool, otherPool} {
		for _, list := range [][]txTemplate{p.credits, p.debits} {
			for _, t := range list {
				if _, ok := descTable[t.desc]; ok {
					continue
				}
				descTable[t.desc] = uint16(len(descText))
				descText = append(descText, t.desc)
				b, _ := json.Marshal(t.desc)
				descJSON = append(descJSON, b)
			}
		}
	}
}

type accountTemplate struct {
	typ, category, title, currency, accountType string
	overdraft, creditLimit                      bool
}

var accountTemplates = []accountTemplate{
	{typ: "Chequing", category: "Operations", title: "Chequing Account", currency: "CAD", accountType: "Personal", overdraft: true},
	{typ: "Savings", category: "Operations", title: "Savings Account", currency: "CAD", accountType: "Personal"},
	{typ: "CreditCard", category: "Credits", title: "Visa Infinite", currency: "CAD", accountType: "Personal", creditLimit: true},
	{typ: "TFSA", category: "Products", title: "TFSA Investment Account", currency: "CAD", accountType: "Personal"},
	{typ: "Chequing", category: "Operations", title: "US Dollar Account", currency: "USD"},
	{typ: "LoanPersonal", category: "Credits", title: "Personal Loan", currency: "CAD", creditLimit: true},
	{typ: "RRSP", category: "Products", title: "RRSP", currency: "CAD"},
	{typ: "Chequing", category: "Operations", title: "Business Chequing", currency: "CAD", accountType: "Business", overdraft: true},
	{typ: "LineOfCredit", category: "Credits", title: "Personal Line of Credit", currency: "CAD", accountType: "Personal", creditLimit: true},
	{typ: "Savings", category: "Other", title: "High Interest Savings", currency: "CAD"},
}

type txn struct {
	id      [16]byte
	day     int32 // days before the dataset anchor (0 = newest day)
	desc    uint16
	kind    uint8
	debit   int64 // cents, 0 when a credit
	credit  int64 // cents, 0 when a debit
	balance int64 // running balance after this transaction
}

type account struct {
	id, title, number   string
	lastFour            *string
	transit, instNumber string
	overdraft           int64
	current, available  int64
	limit               *int64
	category, typ       string
	currency            string
	accountType         *string
	eft, etransfer      int64 // hundredths

	txns []txn   // newest first
	enc  []byte  // txns JSON-encoded, comma separated, newest first
	ends []int32 // ends[i] = len of enc up to and including txn i
}

type address struct {
	CivicAddress string
	City         string
	Province     string
	PostalCode   string
	POBox        *string
	Country      string
}

type holderJSON struct {
	Name        string
	Address     *address
	Email       *string
	PhoneNumber *string
}

type dataset struct {
	anchor   time.Time // UTC midnight of the newest transaction day
	dates    []string  // dates[d] = anchor - d days, YYYY-MM-DD
	holder   holderJSON
	accounts []*account
}

type lazyDataset struct {
	once sync.Once
	ds   *dataset
}

// dataset returns the card's generated data, generating it on first use.
func (c *card) dataset(cfg *config, now time.Time) *dataset {
	c.data.once.Do(func() { c.data.ds = generate(cfg, c.user.name, now) })
	return c.data.ds
}

var (
	firstNames = []string{"Alex", "Camille", "Jordan", "Marie", "Samuel", "Olivia", "Noah", "Chloe"}
	lastNames  = []string{"Tremblay", "Gagnon", "Roy", "Smith", "Martin", "Lee", "Brown", "Wilson"}
	places     = []struct{ street, city, province, postal string }{
		{"25 York Street", "Toronto", "ON", "M5J 2V5"},
		{"1000 Rue De La Gauchetiere O", "Montreal", "QC", "H3B 4W5"},
		{"800 Burrard Street", "Vancouver", "BC", "V6Z 2V8"},
		{"150 Elgin Street", "Ottawa", "ON", "K2P 1L4"},
		{"215 2 Street SW", "Calgary", "AB", "T2P 1M4"},
	}
)

func generate(cfg *config, username string, now time.Time) *dataset {
	g := newGen(cfg.seed, hashString(username))
	y, m, d := now.UTC().Date()
	ds := &dataset{anchor: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	ds.dates = make([]string, historyDays)
	for i := range ds.dates {
		ds.dates[i] = ds.anchor.AddDate(0, 0, -i).Format("2006-01-02")
	}
	first, last := firstNames[g.r.IntN(len(firstNames))], lastNames[g.r.IntN(len(lastNames))]
	pl := places[g.r.IntN(len(places))]
	ds.holder = holderJSON{
		Name: first + " " + last,
		Address: &address{CivicAddress: pl.street, City: pl.city, Province: pl.province,
			PostalCode: pl.postal, Country: "CA"},
		Email:       strPtr(lowerASCII(first) + "." + lowerASCII(last) + "@example.com"),
		PhoneNumber: strPtr("514" + g.digits(7)),
	}
	for i := 0; i < cfg.accounts; i++ {
		ds.accounts = append(ds.accounts, generateAccount(g, accountTemplates[i%len(accountTemplates)], cfg.transactions, ds))
	}
	return ds
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func generateAccount(g *gen, t accountTemplate, n int, ds *dataset) *account {
	a := &account{
		id:         g.uuid(),
		title:      t.title,
		number:     g.digits(7),
		transit:    g.digits(5),
		instNumber: "777",
		category:   t.category,
		typ:        t.typ,
		currency:   t.currency,
	}
	if t.accountType != "" {
		a.accountType = strPtr(t.accountType)
	}
	if t.overdraft {
		a.overdraft = g.between(0, 20) * 5000
	}
	var limit int64
	if t.creditLimit {
		limit = g.between(1, 6) * 500000
		a.limit = &limit
	}
	if t.typ == "CreditCard" {
		last4 := g.digits(4)
		a.number = "4510XXXXXXXX" + last4
		a.lastFour = strPtr(last4)
	}
	p := otherPool
	var balance int64
	switch t.category {
	case "Operations":
		p, balance = operationsPool, g.between(50000, 500000)
	case "Credits":
		p, balance = creditsPool, -g.between(0, limit/2)
	case "Products":
		p, balance = productsPool, g.between(200000, 3000000)
	default:
		balance = g.between(100000, 1000000)
	}
	if t.category == "Operations" {
		a.eft, a.etransfer = g.between(80, 100), g.between(70, 100)
	} else {
		a.eft, a.etransfer = g.between(0, 50), g.between(0, 30)
	}

	a.txns = make([]txn, n)
	for i := 0; i < n; i++ { // chronological: i = 0 is the oldest
		credit := decideCredit(g, t.category, balance, limit)
		tpl := p.pick(g, credit)
		amt := g.between(tpl.min, tpl.max)
		if tpl.round > 0 {
			amt = max(tpl.round, amt/tpl.round*tpl.round)
		}
		tx := txn{
			id:   g.uuidBytes(),
			day:  txDay(i, n),
			desc: descTable[tpl.desc],
			kind: tpl.kind,
		}
		if credit {
			tx.credit = amt
			balance += amt
		} else {
			tx.debit = amt
			balance -= amt
		}
		tx.balance = balance
		a.txns[n-1-i] = tx
	}
	a.current = balance
	switch t.category {
	case "Credits":
		a.available = limit + balance
	default:
		a.available = balance + a.overdraft
	}
	a.encode(ds.dates)
	return a
}

// txDay spreads n transactions evenly over the history: the oldest (i = 0) historyDays-1 days
// before the anchor, the newest (i = n-1) on the anchor day.
func txDay(i, n int) int32 {
	if n <= 1 {
		return 0
	}
	return int32(int64(historyDays-1) * int64(n-1-i) / int64(n-1))
}

// decideCredit keeps balances plausible: accounts in the red get credits, credit products are
// paid down before their limit, savings are not overdrawn.
func decideCredit(g *gen, category string, balance, limit int64) bool {
	x := g.r.IntN(100)
	switch category {
	case "Operations":
		if balance < 0 {
			return x < 80
		}
		return x < 22
	case "Credits":
		if balance >= 0 {
			return false
		}
		if -balance > limit*7/10 {
			return x < 90
		}
		return x < 12
	default:
		if balance < 300000 {
			return true
		}
		return x < 55
	}
}

func (a *account) encode(dates []string) {
	a.enc = make([]byte, 0, len(a.txns)*176)
	a.ends = make([]int32, len(a.txns))
	for i := range a.txns {
		if i > 0 {
			a.enc = append(a.enc, ',')
		}
		a.enc = appendTxn(a.enc, &a.txns[i], dates)
		a.ends[i] = int32(len(a.enc))
	}
}

func appendTxn(b []byte, t *txn, dates []string) []byte {
	b = append(b, `{"Date":"`...)
	b = append(b, dates[t.day]...)
	b = append(b, `","Code":null,"Description":`...)
	b = append(b, descJSON[t.desc]...)
	b = append(b, `,"Debit":`...)
	b = appendNullableMoney(b, t.debit)
	b = append(b, `,"Credit":`...)
	b = appendNullableMoney(b, t.credit)
	b = append(b, `,"Balance":`...)
	b = appendMoney(b, t.balance)
	b = append(b, `,"Id":"`...)
	b = appendUUID(b, t.id)
	return append(b, `"}`...)
}

func appendNullableMoney(b []byte, cents int64) []byte {
	if cents == 0 {
		return append(b, "null"...)
	}
	return appendMoney(b, cents)
}

// countWithin returns how many of the account's transactions (newest first) are at most
// maxDay days before the anchor.
func (a *account) countWithin(maxDay int) int {
	lo, hi := 0, len(a.txns)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(a.txns[mid].day) <= maxDay {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// encodedPrefix returns the JSON of the k newest transactions, without brackets.
func (a *account) encodedPrefix(k int) []byte {
	if k <= 0 {
		return nil
	}
	return a.enc[:a.ends[k-1]]
}

// dayOffset converts a window of the last `days` days, as of now, into a maximum txn.day.
func (ds *dataset) dayOffset(now time.Time, days int) int {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	elapsed := int(today.Sub(ds.anchor).Hours() / 24)
	return days - 1 - elapsed
}

// ---- statements ----

// tinyPDF is a minimal valid one-page PDF, Base64-encoded at init.
var tinyPDF = buildTinyPDF()

func buildTinyPDF() []byte {
	objs := []string{
		"<</Type/Catalog/Pages 2 0 R>>",
		"<</Type/Pages/Kids[3 0 R]/Count 1>>",
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<<>>>>",
		"<</Length 0>>\nstream\n\nendstream",
	}
	b := []byte("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = len(b)
		b = append(b, strconv.Itoa(i+1)+" 0 obj\n"+o+"\nendobj\n"...)
	}
	xref := len(b)
	b = append(b, "xref\n0 "+strconv.Itoa(len(objs)+1)+"\n0000000000 65535 f \n"...)
	for _, off := range offsets {
		s := strconv.Itoa(off)
		for len(s) < 10 {
			s = "0" + s
		}
		b = append(b, s+" 00000 n \n"...)
	}
	b = append(b, "trailer\n<</Size "+strconv.Itoa(len(objs)+1)+"/Root 1 0 R>>\nstartxref\n"+strconv.Itoa(xref)+"\n%%EOF\n"...)
	return b
}

// statementID derives a stable statement UniqueId.
func statementID(accountID string, i int) string {
	h := fnv.New128a()
	_, _ = h.Write([]byte(accountID + "/" + strconv.Itoa(i)))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}
