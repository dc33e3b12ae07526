package flankstest

import "testing"

func TestDecimal(t *testing.T) {
	tests := []struct {
		v     int64
		scale int
		want  string
	}{
		{123456, 2, "1234.56"},
		{-4510, 2, "-45.1"},
		{1200, 2, "12"},
		{0, 2, "0"},
		{-5, 2, "-0.05"},
		{30, 2, "0.3"},
		{1234567, 4, "123.4567"},
		{10000, 4, "1"},
		{-1, 4, "-0.0001"},
	}
	for _, tc := range tests {
		if got := decimal(tc.v, tc.scale); got != tc.want {
			t.Errorf("decimal(%d, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
	if got := mulE4ToCents(15*10000, 123456); got != 18518 { // 15 x 12.3456 = 185.184
		t.Errorf("mulE4ToCents = %d", got)
	}
}

func TestCheckDigits(t *testing.T) {
	for _, isin := range []string{"ES0144580Y14", "ES0113900J37", "IE00B4L5Y983", "US0378331005"} {
		if got := isinCheck(isin[:11]); got != isin[11] {
			t.Errorf("isinCheck(%s) = %c", isin, got)
		}
	}
	if got := ibanCheck("ES", "21000418450200051332"); got != "91" { // ES91 2100 0418 4502 0005 1332
		t.Errorf("ibanCheck = %s", got)
	}
	if got := dni(12345678); got != "12345678Z" {
		t.Errorf("dni = %s", got)
	}
}

func TestClassify(t *testing.T) {
	tests := map[string]outcome{
		"1234": outcomeOK, "": outcomeOK, "INVALID_CREDENTIALS": outcomeInvalidCredentials,
		"USER_INTERACTION_NEEDED": outcomeUserInteraction, "SCA_TYPE_NOT_ALLOWED": outcomeSCANotAllowed,
		"INTERNAL_ERROR": outcomeInternalError, "DATA_ERROR_PRODUCT_ACCOUNT": outcomeDataErrorAccount,
		"SCA_SMS": outcomeSCA, "SCA_GOOGLE_AUTHENTICATOR": outcomeSCA, "INVALID_SCA": outcomeSCA,
		"ALREADY_EXISTS": outcomeAlreadyExists, "SECURITY_CHECKS": outcomeSecurityChecks,
	}
	for pw, want := range tests {
		if got := classify(pw); got != want {
			t.Errorf("classify(%q) = %d, want %d", pw, got, want)
		}
	}
}
