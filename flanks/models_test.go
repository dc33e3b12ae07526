package flanks_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bankdata-go/bankdata/flanks"
)

func TestModelsDecodeDocumentedNames(t *testing.T) {
	var accs []flanks.Account
	mustDecode(t, `[{"iban": "ES7620770024003102575766", "entity": "Bankinter", "alias": "Cuenta Nómina", "balance": 1500.25,
		"currency": "EUR", "description": "CUENTA", "isOwner": true, "numOwners": 2, "owners": ["A", "B"], "_id": "acc-1",
		"account_id": "acc-1", "type": "someNewType", "updated_at_timestamp": 1795200000000}]`, &accs)
	a := accs[0]
	if a.IBAN != "ES7620770024003102575766" || a.ID != "acc-1" || !a.IsOwner || a.NumOwners != 2 || a.Balance.String() != "1500.25" {
		t.Errorf("account = %+v", a)
	}
	if a.Type != "someNewType" {
		t.Errorf("unknown enum value not kept: %q", a.Type)
	}
	if got := a.UpdatedAtTimestamp.UTC(); got.Year() != 2026 {
		t.Errorf("millisecond timestamp: %v", got)
	}

	var ps []flanks.Portfolio
	mustDecode(t, `[{"_id": "p", "name": "Cartera", "type": "UM", "tax_type": null, "currency": "EUR", "refValores": null,
		"refAccount": "ES1", "refAccounts": null, "owners": [], "balance": "5105.6", "entity": "X", "external_id": null,
		"updated_at_timestamp": 1795200000}]`, &ps)
	if p := ps[0]; p.Type != flanks.PortfolioUnmanaged || p.Balance.String() != "5105.6" || p.RefAccount != "ES1" || p.RefValores != "" ||
		!p.UpdatedAtTimestamp.Equal(time.Unix(1795200000, 0)) {
		t.Errorf("portfolio = %+v", p)
	}

	var invs []flanks.Investment
	mustDecode(t, `[{"_id": "i", "isin": "ES0144580Y14", "portfolio_id": "p", "type": "VI", "amount": 120, "price": 12.85, "balance": 1542.0, "cost": null}]`, &invs)
	if i := invs[0]; i.ISIN != "ES0144580Y14" || i.Type != flanks.InvestmentVariableIncome || i.Amount.String() != "120" ||
		i.Balance.String() != "1542.0" || !i.Cost.IsNull() {
		t.Errorf("investment = %+v", i)
	}

	var itx []flanks.InvestmentTransaction
	mustDecode(t, `[{"_id": "t", "investment_id": "i", "refValos": "0001", "operationDate": "2026-11-02", "valueDate": "2026/11/04",
		"amount": -1234.56, "shares": 10, "price": 123.456, "type": "buy"}]`, &itx)
	if x := itx[0]; x.RefValos != "0001" || x.ValueDate.String() != "2026-11-04" || x.Amount.String() != "-1234.56" || x.Price.String() != "123.456" {
		t.Errorf("investment tx = %+v", x)
	}

	var ls []flanks.Liability
	mustDecode(t, `[{"_id": "l", "liability_id": "l", "type": "Confirming", "balance": 1, "limit": null, "interest_rate": 2.35,
		"start_date": "2020-01-01", "end_date": null, "iban": "ES9"}]`, &ls)
	if l := ls[0]; l.Type != flanks.LiabilityConfirming || !l.Limit.IsNull() || l.InterestRate.String() != "2.35" || !l.EndDate.IsZero() || l.IBAN != "ES9" {
		t.Errorf("liability = %+v", l)
	}

	var cards []flanks.Card
	mustDecode(t, `[{"_id": "c", "card_id": "c", "pan": "**** 1234", "expiration_date": "2028-05", "limit": 3000, "available": 2500.5}]`, &cards)
	if c := cards[0]; c.PAN != "**** 1234" || c.ExpirationDate != "2028-05" || c.Available.String() != "2500.5" {
		t.Errorf("card = %+v", c)
	}

	var id flanks.Identity
	mustDecode(t, `{"_id": "x", "contactInfo": "+34 600 000 000", "address": {"street": "Calle Mayor 1", "postal_code": "28013"}}`, &id)
	if id.ContactInfo.Text != "+34 600 000 000" || id.Address.Street != "Calle Mayor 1" || id.Address.PostalCode != "28013" {
		t.Errorf("identity = %+v", id)
	}
	mustDecode(t, `{"_id": "x", "contactInfo": null, "address": 12}`, &id)
}

func mustDecode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
}

func TestSessionConfigurationExtra(t *testing.T) {
	b, err := json.Marshal(flanks.SessionConfiguration{RedirectURL: "https://x", Extra: map[string]any{"initial_step": "login", "redirect_url": "ignored"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"initial_step":"login","redirect_url":"https://x"}` {
		t.Errorf("json = %s", b)
	}
}

func TestSessionStatusHelpers(t *testing.T) {
	if !flanks.SessionFinishedError.Finished() || flanks.SessionWaitingChallenge.Finished() ||
		!flanks.SessionWaitingChallenge.Waiting() || !flanks.SessionProcessingChallenge.Processing() ||
		!flanks.SessionStatus("Finished:Cancelled").Finished() {
		t.Error("status helpers")
	}
	for _, c := range []flanks.SessionErrorCode{flanks.SessionInvalidCredentials, flanks.SessionInvalidChallengeResponse,
		flanks.SessionUnsupportedChallengeMethod, flanks.SessionUserInteractionNeeded, flanks.SessionInternalError} {
		if c.Description() == "Unknown session error code." {
			t.Errorf("%s has no description", c)
		}
	}
	if !flanks.ReportFail.Final() || flanks.ReportFile.Final() {
		t.Error("report status helpers")
	}
}

// FuzzDecodeStatus checks that no body makes the status and model decoding
// panic.
func FuzzDecodeStatus(f *testing.F) {
	f.Add([]byte(`{"pending": true, "errored": {"product": {"auth": true}, "transaction": {"card": true}}}`))
	f.Add([]byte(`{"errored": false, "created": "x", "last_update": "2026-01-01", "last_update_timestamp": "1700000000"}`))
	f.Add([]byte(`{"contactInfo": [1], "address": "x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var st flanks.CredentialStatus
		_ = json.Unmarshal(b, &st)
		_ = st.String()
		var id flanks.Identity
		_ = json.Unmarshal(b, &id)
		var l struct {
			Items []flanks.Link `json:"items"`
		}
		_ = json.Unmarshal(b, &l)
	})
}
