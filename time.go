package bankdata

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date without a time zone ("2025-01-31"). It also
// decodes the "2021/01/08" spelling and date-times (keeping the date part).
// A day the month does not have ("2025-02-31") is ErrInvalidDate. The zero
// value is null.
type Date struct {
	year  int16
	month uint8
	day   uint8
}

// ErrInvalidDate is returned for text that is not a date.
var ErrInvalidDate = errors.New("bankdata: invalid date")

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{year: int16(t.Year()), month: uint8(t.Month()), day: uint8(t.Day())}
}

// ParseDate parses "2006-01-02", "2006/01/02" or a date-time.
func ParseDate(s string) (Date, error) {
	var d Date
	if err := d.parse(strings.TrimSpace(s)); err != nil {
		return Date{}, err
	}
	return d, nil
}

func atoiFixed(s string) (int, bool) {
	n := 0
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func (d *Date) parse(s string) error {
	if len(s) < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] {
		return ErrInvalidDate
	}
	y, ok1 := atoiFixed(s[0:4])
	m, ok2 := atoiFixed(s[5:7])
	dd, ok3 := atoiFixed(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || dd < 1 || dd > 31 {
		return ErrInvalidDate
	}
	// A day the month does not have ("2025-02-31") is refused, as
	// time.Parse does: kept, it would print as another date.
	if time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).Day() != dd {
		return ErrInvalidDate
	}
	if len(s) > 10 && s[10] != 'T' && s[10] != ' ' {
		return ErrInvalidDate
	}
	*d = Date{year: int16(y), month: uint8(m), day: uint8(dd)}
	return nil
}

// UnmarshalJSON accepts a date string, null or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return ErrInvalidDate
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		*d = Date{}
		return nil
	}
	return d.parse(s)
}

// MarshalJSON writes "2006-01-02" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// IsZero reports whether the date is null.
func (d Date) IsZero() bool { return d.month == 0 }

// Time returns midnight UTC of the date (zero time for null).
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(int(d.year), time.Month(d.month), int(d.day), 0, 0, 0, 0, time.UTC)
}

// Year, Month and Day return the date's parts.
func (d Date) Year() int { return int(d.year) }

// Month returns the month (0 for null).
func (d Date) Month() time.Month { return time.Month(d.month) }

// Day returns the day of the month.
func (d Date) Day() int { return int(d.day) }

// String returns "2006-01-02", or "" for null.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// Timestamp is a point in time as the providers send it: zone-less
// timestamps ("2025-01-31T17:40:54.569261", documented as UTC) decode as
// UTC; a trailing Z or offset is honoured; "0001-01-01T00:00:00" (any time
// in year 1, UTC) and null are the zero Timestamp. Epoch numbers (seconds,
// or milliseconds when larger than 1e12) are accepted too. A time after
// year 9999 is an error: it could not be written back.
type Timestamp struct {
	time.Time
}

var tsLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

var errInvalidTimestamp = errors.New("bankdata: invalid timestamp")

// ParseTimestamp parses the formats Timestamp accepts.
func ParseTimestamp(s string) (Timestamp, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Timestamp{}, nil
	}
	for _, l := range tsLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return timestampOf(t)
		}
	}
	return Timestamp{}, errInvalidTimestamp
}

// timestampOf applies the range rules to a decoded time: year 1 or
// before (in UTC: the .NET zero "0001-01-01T00:00:00") is the zero
// Timestamp; after year 9999 is an error, as MarshalJSON could not write
// it in a form that decodes back.
func timestampOf(t time.Time) (Timestamp, error) {
	switch y := t.UTC().Year(); {
	case y <= 1:
		return Timestamp{}, nil
	case y > 9999:
		return Timestamp{}, errInvalidTimestamp
	}
	return Timestamp{t}, nil
}

// UnmarshalJSON accepts the formats of ParseTimestamp, epoch numbers and null.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Timestamp{}
		return nil
	}
	if len(b) > 0 && b[0] != '"' {
		f, err := strconv.ParseFloat(string(b), 64)
		// The bounds keep int64(f) defined (and refuse NaN and infinities);
		// timestampOf refuses what lies beyond year 9999.
		if err != nil || !(f >= -9e18 && f <= 9e18) {
			return errInvalidTimestamp
		}
		var tm time.Time
		if f > 1e12 || f < -1e12 {
			tm = time.UnixMilli(int64(f)).UTC()
		} else {
			tm = time.Unix(int64(f), 0).UTC()
		}
		v, err := timestampOf(tm)
		if err != nil {
			return err
		}
		*t = v
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errInvalidTimestamp
	}
	v, err := ParseTimestamp(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON writes RFC 3339 with nanoseconds, or null for the zero value.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339Nano) + `"`), nil
}
