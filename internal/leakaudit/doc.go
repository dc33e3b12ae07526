// Package leakaudit holds the SDK-wide secret-leak audit: a single test,
// TestLeakAudit, that drives every exported operation of the Flinks and
// Flanks clients (and the Flinks webhook helpers) with distinctive secret
// values, against the in-process fakes and against servers that fail —
// error bodies and HTML pages that echo every secret the request carried,
// 200s that carry an error, pending answers that never end, malformed HTTP,
// refused and reset connections — with a debug-level slog JSON logger.
//
// It then scans every error (Error, %v, %+v, %#v, %s of the error and of
// each error it wraps), every request, configuration and client value the
// test built (%v, %+v, %#v, %s and slog), every result that can hold a
// secret, and every log line, and fails naming the secret kind, the
// operation and rendering where it showed, and a short context.
//
// The package has no non-test code; run it with
//
//	go test ./internal/leakaudit/
package leakaudit
