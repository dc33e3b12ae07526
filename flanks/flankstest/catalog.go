package flankstest

// institution is one entry of GET /v0/bank/available and of the Connect v2
// connector list (the same ids serve as entity ids and connector ids).
type institution struct {
	ID       string
	Name     string
	Country  string
	BankCode string // 4-digit Spanish bank code used in generated IBANs
}

// institutions: TestBank first, then Spanish and a few European entities;
// enough to span several v2 pages.
var institutions = []institution{
	{"testbank", "TestBank", "ES", "9999"},
	{"santander", "Banco Santander", "ES", "0049"},
	{"bbva", "BBVA", "ES", "0182"},
	{"caixabank", "CaixaBank", "ES", "2100"},
	{"sabadell", "Banco Sabadell", "ES", "0081"},
	{"bankinter", "Bankinter", "ES", "0128"},
	{"ing", "ING España", "ES", "1465"},
	{"openbank", "Openbank", "ES", "0073"},
	{"unicaja", "Unicaja Banco", "ES", "2103"},
	{"kutxabank", "Kutxabank", "ES", "2095"},
	{"ibercaja", "Ibercaja Banco", "ES", "2085"},
	{"abanca", "Abanca", "ES", "2080"},
	{"cajamar", "Cajamar Caja Rural", "ES", "3058"},
	{"laboral_kutxa", "Laboral Kutxa", "ES", "3035"},
	{"cajarural", "Caja Rural", "ES", "3187"},
	{"deutsche_bank_es", "Deutsche Bank España", "ES", "0019"},
	{"evo", "EVO Banco", "ES", "0239"},
	{"bancamarch", "Banca March", "ES", "0061"},
	{"andbank_es", "Andbank España", "ES", "1544"},
	{"renta4", "Renta 4 Banco", "ES", "0083"},
	{"myinvestor", "MyInvestor", "ES", "1544"},
	{"selfbank", "Self Bank", "ES", "1490"},
	{"inversis", "Banco Inversis", "ES", "0232"},
	{"mediolanum", "Banco Mediolanum", "ES", "0186"},
	{"pichincha", "Banco Pichincha España", "ES", "0235"},
	{"singular", "Singular Bank", "ES", "1491"},
	{"ag_banca_privada", "A&G Banca Privada", "ES", "0136"},
	{"ubs_es", "UBS Europe SE, Sucursal en España", "ES", "0226"},
	{"mapfre_inversion", "Mapfre Inversión", "ES", "9999"},
	{"indexa", "Indexa Capital", "ES", "9999"},
	{"finizens", "Finizens", "ES", "9999"},
	{"allfunds", "Allfunds Bank", "ES", "0011"},
	{"degiro", "DEGIRO", "NL", ""},
	{"interactive_brokers", "Interactive Brokers", "IE", ""},
	{"trade_republic", "Trade Republic", "DE", ""},
	{"n26", "N26", "DE", ""},
	{"revolut", "Revolut", "LT", ""},
	{"bnp_paribas", "BNP Paribas", "FR", ""},
	{"credit_agricole", "Crédit Agricole", "FR", ""},
	{"societe_generale", "Société Générale", "FR", ""},
	{"millennium_bcp", "Millennium bcp", "PT", ""},
	{"caixa_geral", "Caixa Geral de Depósitos", "PT", ""},
	{"novo_banco", "Novo Banco", "PT", ""},
	{"creand", "Creand Crèdit Andorrà", "AD", ""},
	{"morabanc", "MoraBanc", "AD", ""},
	{"lombard_odier", "Lombard Odier", "CH", ""},
	{"pictet", "Pictet", "CH", ""},
}

func findInstitution(id string) (institution, bool) {
	for _, in := range institutions {
		if in.ID == id {
			return in, true
		}
	}
	return institution{}, false
}

// entityJSON is the GET /v0/bank/available item.
type entityJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
	LogoURL string `json:"logo_url"`
}

// connectorJSON is the Connect v2 Connector item.
type connectorJSON struct {
	ConnectorID string `json:"connector_id"`
	Name        string `json:"name"`
	Country     string `json:"country"`
	LogoURL     string `json:"logo_url"`
}

func logoURL(id string) string { return "https://static.flanks.io/logos/" + id + ".png" }

// Report templates of POST /report/v1/list-templates. Template 999 is not
// listed but accepted: its reports end in "fail".
type templateJSON struct {
	TemplateID  int64  `json:"template_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

var templates = []templateJSON{
	{1, "Portfolio summary", "Positions, valuation and allocation per portfolio"},
	{2, "Transactions", "Investment and account transactions in the period"},
	{3, "Tax report", "Realised gains and dividends for the Spanish income-tax return"},
}

const failingTemplateID = 999
