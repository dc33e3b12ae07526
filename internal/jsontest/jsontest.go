// Package jsontest holds JSON helpers the fuzz targets of both clients
// share.
package jsontest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// RoundTrip decodes data into a T and, when that works, checks that the
// value encodes and that its encoding is stable: decoding it again and
// encoding gives the same bytes (exact money, dates and timestamps survive
// a store-and-reload). It reports whether data decoded.
func RoundTrip[T any](t testing.TB, data []byte) (T, bool) {
	t.Helper()
	var v T
	if json.Unmarshal(data, &v) != nil {
		return v, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%T decoded but does not encode: %v", v, err)
	}
	var v2 T
	if err := json.Unmarshal(b, &v2); err != nil {
		t.Fatalf("%T: its own encoding does not decode: %v\n%s", v, err, b)
	}
	b2, err := json.Marshal(v2)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%T: encoding is not stable (%v):\n%s\n%s", v, err, b, b2)
	}
	return v, true
}
