// Package bankdata is the root of the bankdata SDK, a typed Go client for
// the Flinks (Canada) and Flanks (Spain/EU) bank-data APIs.
//
// The clients live in the sub-packages [github.com/bankdata-go/bankdata/flinks]
// and [github.com/bankdata-go/bankdata/flanks]; their in-process fakes in
// flinks/flinkstest and flanks/flankstest; the shared error model in
// [github.com/bankdata-go/bankdata/errors].
//
// This package holds the value types both clients use in their models:
// [Amount] (an exact, nullable decimal that keeps the text the API sent),
// [Date] and [Timestamp].
package bankdata
