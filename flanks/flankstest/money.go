package flankstest

import (
	"encoding/json"
	"strconv"
	"strings"
)

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// decimal formats v/10^scale exactly, without trailing zeros:
// decimal(123456, 2) = "1234.56", decimal(-4510, 2) = "-45.1", decimal(1200, 2) = "12".
func decimal(v int64, scale int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	p := pow10[scale]
	ip, fp := v/p, v%p
	var b strings.Builder
	if neg && v != 0 {
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatInt(ip, 10))
	if fp != 0 {
		f := strconv.FormatInt(fp+p, 10)[1:] // zero-padded to scale digits
		b.WriteByte('.')
		b.WriteString(strings.TrimRight(f, "0"))
	}
	return b.String()
}

// money is an amount in cents as a JSON number: never a float artefact.
func money(cents int64) json.Number { return json.Number(decimal(cents, 2)) }

// units is a quantity in ten-thousandths (shares, prices) as a JSON number.
func units(e4 int64) json.Number { return json.Number(decimal(e4, 4)) }

// mulE4ToCents returns round(a*b) in cents, a and b in ten-thousandths.
func mulE4ToCents(a, b int64) int64 {
	p := a * b // 1e-8 units
	if p >= 0 {
		return (p + 500000) / 1000000
	}
	return -((-p + 500000) / 1000000)
}
