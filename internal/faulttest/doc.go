// Package faulttest proves how both clients behave when the server, the
// network or the provider misbehaves. It holds tests only.
//
// # Fault matrix
//
// TestFaultMatrix runs every HTTP operation of flinks.Client and
// flanks.Client (the waiting calls and the iterators included; a reflection
// test fails when a new method has no row) against a fault server that
// plays one fault for every path it is asked for: connection refused, a
// reset before the response, a reset mid-body, a server that accepts and
// never answers, one that stalls mid-body, truncated JSON, an empty 200, an
// HTML 502, a 200 whose body carries an error code, a 300 MB error body, a
// Retry-After of one year, a 202 (Flinks) or PROCESSING (Flanks) forever
// (ended by the poll timeout, and by the context), a token endpoint that
// fails and then recovers, one that never answers, a transient 503, and a
// body labelled gzip that is not.
//
// Each cell asserts a typed outcome — an *errors.OperationError naming the
// operation that unwraps to an *errors.APIError of the expected category, a
// *errors.NetworkError or a context error, or the right data after a retry
// — returned within the context deadline, with bounded heap growth, no
// goroutine left behind, no URL in the error text, and at most one request
// for the calls that are not safe to repeat. The matrix is printed with
// t.Log and, when FAULT_MATRIX_OUT names a file, written there as Markdown
// (RELIABILITY.md at the repository root holds a copy):
//
//	go test ./internal/faulttest -run TestFaultMatrix -v
//	FAULT_MATRIX_OUT=/tmp/matrix.md go test ./internal/faulttest -run TestFaultMatrix
//
// # Concurrency
//
// TestConcurrentClients shares one flinks.Client and one flanks.Client among
// 256 goroutines that drive the in-process fakes (flinkstest, flankstest)
// while faults are injected, under a context deadline, and checks that every
// error is typed and that no goroutine outlives the run. Run it with -race.
package faulttest
