package bankdata

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is an exact, nullable decimal amount as sent by a provider. It
// keeps the decimal text: String returns "1500.25" for 1500.25 and "5105.6"
// for 5105.6. Amounts are never float64 inside the SDK; Float64 exists for
// callers who accept the rounding.
//
// The zero value is null (no amount). Decoding allocates nothing for values
// of up to 19 significant digits.
type Amount struct {
	mag   uint64  // unscaled magnitude
	text  *string // literal text for values that do not fit mag/scale (exponents, >19 digits)
	scale uint8   // digits after the decimal point
	neg   bool
	valid bool
}

// ErrInvalidAmount is returned when text is not a JSON number.
var ErrInvalidAmount = errors.New("bankdata: invalid amount")

// ParseAmount parses a decimal number ("-12.50", "1e3"). It fails on
// anything that is not a JSON number.
func ParseAmount(s string) (Amount, error) {
	var a Amount
	if err := a.parse([]byte(strings.TrimSpace(s))); err != nil {
		return Amount{}, err
	}
	return a, nil
}

// MustAmount is ParseAmount that panics on error; for tests and constants.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// AmountFromMinor builds an amount from minor units: AmountFromMinor(150025, 2)
// is 1500.25.
func AmountFromMinor(units int64, scale int) Amount {
	if scale < 0 || scale > 18 {
		scale = 2
	}
	a := Amount{valid: true, scale: uint8(scale)}
	if units < 0 {
		a.neg = true
		a.mag = uint64(-(units + 1)) + 1
	} else {
		a.mag = uint64(units)
	}
	return a
}

func (a *Amount) parse(b []byte) error {
	*a = Amount{}
	if len(b) == 0 {
		return ErrInvalidAmount
	}
	i := 0
	neg := false
	if b[0] == '-' {
		neg = true
		i++
	}
	var mag uint64
	var scale int
	digits, intDigits := 0, 0
	overflow := false
	seenDot := false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if mag > (math.MaxUint64-9)/10 {
				overflow = true
			} else {
				mag = mag*10 + uint64(c-'0')
			}
			digits++
			if seenDot {
				scale++
			} else {
				intDigits++
			}
		case c == '.' && !seenDot:
			seenDot = true
		case c == 'e' || c == 'E':
			return a.parseLiteral(b)
		default:
			return ErrInvalidAmount
		}
	}
	if intDigits == 0 || (seenDot && scale == 0) {
		return ErrInvalidAmount
	}
	if overflow || scale > 255 {
		return a.parseLiteral(b)
	}
	a.mag, a.scale, a.neg, a.valid = mag, uint8(scale), neg, true
	_ = digits
	return nil
}

func (a *Amount) parseLiteral(b []byte) error {
	if !json.Valid(b) || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return ErrInvalidAmount
	}
	if _, ok := new(big.Rat).SetString(string(b)); !ok {
		return ErrInvalidAmount
	}
	t := string(b)
	*a = Amount{valid: true, text: &t}
	return nil
}

// UnmarshalJSON accepts a JSON number, a quoted number ("12.50"), null, or
// an empty string (null).
func (a *Amount) UnmarshalJSON(b []byte) error {
	if len(b) == 4 && string(b) == "null" {
		*a = Amount{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return ErrInvalidAmount
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*a = Amount{}
			return nil
		}
		return a.parse([]byte(s))
	}
	return a.parse(b)
}

// MarshalJSON writes the number as received, or null.
func (a Amount) MarshalJSON() ([]byte, error) {
	if !a.valid {
		return []byte("null"), nil
	}
	return []byte(a.String()), nil
}

// Valid reports whether the amount is present (not null).
func (a Amount) Valid() bool { return a.valid }

// IsNull reports whether the amount is null or absent.
func (a Amount) IsNull() bool { return !a.valid }

// String returns the decimal text the provider sent ("1500.25"), or "" for
// null.
func (a Amount) String() string {
	if !a.valid {
		return ""
	}
	if a.text != nil {
		return *a.text
	}
	var buf [48]byte
	return string(a.appendText(buf[:0]))
}

func (a Amount) appendText(dst []byte) []byte {
	if a.neg {
		dst = append(dst, '-')
	}
	s := strconv.AppendUint(nil, a.mag, 10)
	sc := int(a.scale)
	if sc == 0 {
		return append(dst, s...)
	}
	if len(s) <= sc {
		dst = append(dst, '0', '.')
		for i := len(s); i < sc; i++ {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	}
	dst = append(dst, s[:len(s)-sc]...)
	dst = append(dst, '.')
	return append(dst, s[len(s)-sc:]...)
}

// Rat returns the exact value, or nil for null.
func (a Amount) Rat() *big.Rat {
	if !a.valid {
		return nil
	}
	r, ok := new(big.Rat).SetString(a.String())
	if !ok {
		return nil
	}
	return r
}

// Float64 returns the nearest float64 and whether the amount is present.
// Use it for display or statistics, never for bookkeeping.
func (a Amount) Float64() (float64, bool) {
	if !a.valid {
		return 0, false
	}
	f, err := strconv.ParseFloat(a.String(), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// Minor returns the amount in minor units at the given scale
// (Minor(2) of 1500.25 is 150025). ok is false for null, for a value that
// needs more digits than scale (it would be rounded) or that overflows int64.
func (a Amount) Minor(scale int) (units int64, ok bool) {
	if !a.valid || scale < 0 || scale > 18 {
		return 0, false
	}
	r := a.Rat()
	if r == nil {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// Sign returns -1, 0 or +1 (0 for null).
func (a Amount) Sign() int {
	if !a.valid {
		return 0
	}
	if a.text != nil {
		return a.Rat().Sign()
	}
	if a.mag == 0 {
		return 0
	}
	if a.neg {
		return -1
	}
	return 1
}

// Cmp compares two amounts numerically (-1, 0, +1); null sorts before any
// value.
func (a Amount) Cmp(b Amount) int {
	switch {
	case !a.valid && !b.valid:
		return 0
	case !a.valid:
		return -1
	case !b.valid:
		return 1
	}
	return a.Rat().Cmp(b.Rat())
}

// Equal reports whether both amounts are null or numerically equal
// ("1.50" equals "1.5").
func (a Amount) Equal(b Amount) bool { return a.Cmp(b) == 0 && a.valid == b.valid }
