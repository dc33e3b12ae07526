package bankdata_test

import (
	"testing"

	"github.com/bankdata-go/bankdata"
)

// FuzzDateTimestamp decodes any JSON value as a Date and as a Timestamp,
// the decoders every dated field of both clients uses. A value that
// decodes must print and encode to text that decodes back to the same
// value: a date's parts and its String agree; a timestamp survives its own
// encoding.
func FuzzDateTimestamp(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 256 {
			return
		}
		var d bankdata.Date
		if d.UnmarshalJSON(b) == nil && !d.IsZero() {
			back, err := bankdata.ParseDate(d.String())
			if err != nil || back != d {
				t.Fatalf("date %s (%d-%d-%d) does not parse back: %v, %v", d, d.Year(), d.Month(), d.Day(), back, err)
			}
			enc, err := d.MarshalJSON()
			var d2 bankdata.Date
			if err != nil || d2.UnmarshalJSON(enc) != nil || d2 != d {
				t.Fatalf("date %s: encoding %s does not decode back (%v)", d, enc, err)
			}
		}
		var ts bankdata.Timestamp
		if ts.UnmarshalJSON(b) == nil {
			enc, err := ts.MarshalJSON()
			if err != nil {
				t.Fatalf("timestamp %v does not encode: %v", ts.Time, err)
			}
			var ts2 bankdata.Timestamp
			if err := ts2.UnmarshalJSON(enc); err != nil || !ts2.Equal(ts.Time) {
				t.Fatalf("timestamp %v: encoding %s does not decode back: %v, %v", ts.Time, enc, ts2.Time, err)
			}
		}
	})
}
