package bankdata_test

import (
	"encoding/json"
	"fmt"

	"github.com/bankdata-go/bankdata"
)

// Amounts keep the decimal text the API sent; null stays null.
func ExampleAmount() {
	var tx struct {
		Debit  bankdata.Amount
		Credit bankdata.Amount
	}
	_ = json.Unmarshal([]byte(`{"Debit": null, "Credit": 1500.10}`), &tx)
	cents, _ := tx.Credit.Minor(2)
	fmt.Println(tx.Credit, cents, tx.Debit.Valid())
	// Output: 1500.10 150010 false
}

// Zone-less provider timestamps are UTC.
func ExampleTimestamp() {
	var ts bankdata.Timestamp
	_ = json.Unmarshal([]byte(`"2025-01-31T17:40:54.569261"`), &ts)
	fmt.Println(ts.UTC())
	// Output: 2025-01-31 17:40:54.569261 +0000 UTC
}
