package bankdata_test

import (
	"encoding/json"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bankdata-go/bankdata"
)

func TestAmountKeepsText(t *testing.T) {
	for _, in := range []string{"1500.25", "5105.6", "12", "-45.10", "0.30", "0", "-0.5", "0.000001",
		"123456789012345678901234567890.12", "1e3", "1.5E-2", "9223372036854775807.99"} {
		var a bankdata.Amount
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		assert.True(t, a.Valid())
		assert.Equal(t, in, a.String())
		out, err := json.Marshal(a)
		require.NoError(t, err)
		assert.Equal(t, in, string(out))
	}
}

func TestAmountNullAndQuoted(t *testing.T) {
	var v struct {
		A bankdata.Amount
		B bankdata.Amount
		C bankdata.Amount
		D bankdata.Amount
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A":null,"B":"12.50","C":""}`), &v))
	assert.False(t, v.A.Valid())
	assert.True(t, v.A.IsNull())
	assert.Equal(t, "", v.A.String())
	assert.Equal(t, "12.50", v.B.String())
	assert.False(t, v.C.Valid())
	assert.False(t, v.D.Valid())
	out, _ := json.Marshal(v.A)
	assert.Equal(t, "null", string(out))
}

func TestAmountRejectsGarbage(t *testing.T) {
	for _, in := range []string{`"abc"`, `true`, `{}`, `[]`, `1.`, `.5`, `--1`, `1.2.3`, `"1,50"`, `0x10`} {
		var a bankdata.Amount
		assert.Error(t, json.Unmarshal([]byte(in), &a), in)
	}
}

func TestAmountConversions(t *testing.T) {
	a := bankdata.MustAmount("1500.25")
	m, ok := a.Minor(2)
	assert.True(t, ok)
	assert.Equal(t, int64(150025), m)
	_, ok = bankdata.MustAmount("1.005").Minor(2)
	assert.False(t, ok, "would round")
	f, ok := a.Float64()
	assert.True(t, ok)
	assert.Equal(t, 1500.25, f)
	assert.Equal(t, "1500.25", a.Rat().FloatString(2))
	assert.True(t, bankdata.MustAmount("1.50").Equal(bankdata.MustAmount("1.5")))
	assert.Equal(t, -1, bankdata.MustAmount("-3").Sign())
	assert.Equal(t, 1, bankdata.MustAmount("3").Cmp(bankdata.MustAmount("2.99")))
	assert.Equal(t, "-12.34", bankdata.AmountFromMinor(-1234, 2).String())
	assert.Equal(t, "0.05", bankdata.AmountFromMinor(5, 2).String())
	var null bankdata.Amount
	assert.Nil(t, null.Rat())
	assert.Equal(t, -1, null.Cmp(a))
	_, ok = null.Minor(2)
	assert.False(t, ok)
}

func TestAmountDecodeAllocatesNothing(t *testing.T) {
	data := []byte(`1500.25`)
	var a bankdata.Amount
	allocs := testing.AllocsPerRun(100, func() { _ = a.UnmarshalJSON(data) })
	assert.Zero(t, allocs)
}

func TestDate(t *testing.T) {
	for in, want := range map[string]string{`"2025-01-31"`: "2025-01-31", `"2021/01/08"`: "2021-01-08", `"2025-01-31T17:40:54.569261"`: "2025-01-31"} {
		var d bankdata.Date
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, d.String())
	}
	var d bankdata.Date
	require.NoError(t, json.Unmarshal([]byte(`null`), &d))
	assert.True(t, d.IsZero())
	for _, bad := range []string{`"2025-13-01"`, `"31/01/2025"`, `12`, `"2025-01-3"`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &d), bad)
	}
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), bankdata.NewDate(2024, 2, 29).Time())
	out, _ := json.Marshal(bankdata.NewDate(2025, 1, 31))
	assert.Equal(t, `"2025-01-31"`, string(out))
}

func TestTimestamp(t *testing.T) {
	cases := map[string]time.Time{
		`"2025-01-31T17:40:54.569261"`:  time.Date(2025, 1, 31, 17, 40, 54, 569261000, time.UTC),
		`"2019-05-17T15:29:23.7035672"`: time.Date(2019, 5, 17, 15, 29, 23, 703567200, time.UTC),
		`"2019-05-17T15:29:23Z"`:        time.Date(2019, 5, 17, 15, 29, 23, 0, time.UTC),
		`"2019-05-17T15:29:23+02:00"`:   time.Date(2019, 5, 17, 13, 29, 23, 0, time.UTC),
		`"0001-01-01T00:00:00"`:         {},
		`null`:                          {},
		`1700000000`:                    time.Unix(1700000000, 0),
		`1700000000123`:                 time.UnixMilli(1700000000123),
		`"2025-01-31"`:                  time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		var ts bankdata.Timestamp
		require.NoError(t, json.Unmarshal([]byte(in), &ts), in)
		assert.True(t, want.Equal(ts.Time), "%s: %v", in, ts.Time)
	}
	var ts bankdata.Timestamp
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &ts))
}

func FuzzAmount(f *testing.F) {
	for _, s := range []string{"1500.25", "-0.5", "1e3", "null", `"12.5"`, "99999999999999999999.99"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a bankdata.Amount
		if err := a.UnmarshalJSON(b); err != nil || !a.Valid() {
			return
		}
		var back bankdata.Amount
		if err := back.UnmarshalJSON([]byte(a.String())); err != nil {
			t.Fatalf("String() %q does not parse back: %v", a.String(), err)
		}
		if back.String() != a.String() {
			t.Fatalf("round trip %q != %q", back.String(), a.String())
		}
	})
}

func TestAmountIsSmall(t *testing.T) {
	// Three amounts per transaction: keep the type at 24 bytes so a large
	// accounts-detail response costs little more than float64 fields.
	assert.LessOrEqual(t, unsafe.Sizeof(bankdata.Amount{}), uintptr(24))
}
