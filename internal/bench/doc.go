// Package bench holds the SDK's cross-provider benchmarks and the waiting
// test; it has no code of its own and exports nothing. Each benchmark puts
// the SDK side by side with a hand-written net/http + encoding/json client
// making the same requests to the same loopback server in the same run, and
// the "interleaved" sub-benchmarks alternate the two within one loop (so the
// load of a shared machine hits both alike) and report the sdk/baseline
// ratio:
//
//   - BenchmarkFlinksAuthorizeDetail: a cached Authorize (which mints its
//     single-use token with GenerateAuthorizeToken first) plus a small
//     GetAccountsDetail, against three hand-written requests;
//   - BenchmarkConcurrent256: 256 callers sharing one client, for a small
//     Flinks GetAccountsDetail and a Flanks GetAccounts, in requests per
//     second;
//   - BenchmarkWaitReady: data ready T ≈ 50 ms after the call starts,
//     polled every 5 ms: how long after T the call returns and how many
//     requests it sent.
//
// TestWaitReturnsWithinOneInterval checks the waiting property exactly,
// under testing/synctest with an in-memory transport.
//
// The 20 MB Flinks GetAccountsDetail decode lives in flinks/bench_test.go
// and the Flanks figures (10,000 investment transactions, 64 goroutines and
// one token, 100 pages) in flanks/bench_test.go. BENCHMARKS.md at the
// repository root has the figures and the command that reproduces them:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./internal/bench/ ./flinks/ ./flanks/
package bench
