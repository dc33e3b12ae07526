package flinks_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flinks"
)

func TestDashboardStatuses(t *testing.T) {
	all := flinks.DashboardStatuses()
	require.Len(t, all, 28, "26 from the error-codes page, In Progress and Error from the Request Feed guide")
	seen := map[flinks.DashboardStatus]bool{}
	for _, s := range all {
		require.True(t, s.Known(), s)
		require.NotEmpty(t, s.Description(), s)
		require.False(t, seen[s], "duplicate %s", s)
		seen[s] = true
	}
	tests := []struct {
		in     string
		want   flinks.DashboardStatus
		http   int
		err    error
		noErr  bool
		parsed bool
	}{
		{"Answering Security Challenge", flinks.StatusAnsweringSecurityChallenge, 203, nil, true, true},
		{"AnsweringSecurityChallenge", flinks.StatusAnsweringSecurityChallenge, 203, nil, true, true},
		{"ANSWERING_SECURITY_CHALLENGE", flinks.StatusAnsweringSecurityChallenge, 203, nil, true, true},
		{"Completed", flinks.StatusCompleted, 200, nil, true, true},
		{"Invalid Password", flinks.StatusInvalidPassword, 401, sdkerrors.ErrInvalidPassword, false, true},
		{"Bank Maintenance Retry Later", flinks.StatusBankMaintenanceRetryLater, 401, sdkerrors.ErrBankMaintenanceRetryLater, false, true},
		{"SessionNonexistent", flinks.StatusSessionNonexistent, 400, sdkerrors.ErrSessionNonexistent, false, true},
		{"Operation Pending", flinks.StatusOperationPending, 202, sdkerrors.ErrPending, false, true},
		{"Unknown Challenge Key", flinks.StatusUnknownChallengeKey, 401, sdkerrors.ErrUnknownChallengeKey, false, true},
		{"Not Completed", flinks.StatusNotCompleted, 0, nil, true, true},
		{"Ocr Files Integration Failure", flinks.StatusOcrFilesIntegrationFailure, 0, nil, true, true},
		{"Error", flinks.StatusError, 0, nil, true, true},
		{"Something New", flinks.DashboardStatus("Something New"), 0, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, ok := flinks.ParseDashboardStatus(tt.in)
			require.Equal(t, tt.parsed, ok)
			require.Equal(t, tt.want, s)
			require.Equal(t, tt.http, s.HTTPStatus())
			if tt.noErr {
				require.NoError(t, s.Err())
			} else {
				require.ErrorIs(t, s.Err(), tt.err)
			}
		})
	}
	require.Equal(t, "The user entered an invalid password.", flinks.StatusInvalidPassword.Description())
	require.Empty(t, flinks.DashboardStatus("nope").Description())
}

func TestWarnings(t *testing.T) {
	all := flinks.Warnings()
	require.Len(t, all, 30)
	for _, w := range all {
		require.True(t, w.Known(), w)
		require.NotEmpty(t, w.Description(), w)
	}
	require.Equal(t, "The transactions are in the wrong order", flinks.WarningTransactionsWrongOrder.Description())
	require.True(t, flinks.Warning("balance_mismatch").Known())
	require.False(t, flinks.Warning("NewWarning").Known())
	require.Empty(t, flinks.Warning("NewWarning").Description())
}

func TestModelDecoding(t *testing.T) {
	var a flinks.Account
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","title":"T","balance":{"current":"12.30","available":""},
		"category":"Savvy","type":"TFSA","accountType":"Business","transactions":[{"date":"2021/01/08","code":"C1","credit":"5"}]}`), &a))
	require.Equal(t, "x", a.ID, "keys match case-insensitively")
	require.Equal(t, "12.30", a.Balance.Current.String())
	require.True(t, a.Balance.Available.IsNull())
	require.Equal(t, flinks.Category("Savvy"), a.Category, "unknown values are kept")
	require.Equal(t, flinks.AccountTypeTFSA, a.Type)
	require.Equal(t, flinks.OwnerBusiness, a.AccountType)
	require.Equal(t, "2021-01-08", a.Transactions[0].Date.String())
	require.Equal(t, flinks.TransactionCode("C1"), a.Transactions[0].Code)

	var l flinks.Login
	for in, want := range map[string]string{
		`"2025-01-31T17:40:54.569261"`:  "2025-01-31T17:40:54.569261Z",
		`"2025-01-31T17:40:54.569261Z"`: "2025-01-31T17:40:54.569261Z",
		`"2019-05-17T15:29:23.7035672"`: "2019-05-17T15:29:23.7035672Z",
		`"0001-01-01T00:00:00"`:         "0001-01-01T00:00:00Z",
		`null`:                          "0001-01-01T00:00:00Z",
	} {
		require.NoError(t, json.Unmarshal([]byte(`{"LastRefresh":`+in+`}`), &l), in)
		require.Equal(t, want, l.LastRefresh.UTC().Format("2006-01-02T15:04:05.9999999Z07:00"), in)
	}

	var in flinks.Institution
	require.NoError(t, json.Unmarshal([]byte(`{"Id":null,"Name":"X"}`), &in))
	require.Equal(t, "", in.ID)
	require.Error(t, json.Unmarshal([]byte(`{"Id":1,"Name":5}`), &in))

	var s flinks.Statement
	s.Base64Bytes = "!!"
	_, err := s.Bytes()
	require.Error(t, err)

	var tc flinks.TransactionCode
	require.Error(t, tc.UnmarshalJSON([]byte(`"unterminated`)))

	var v flinks.AttributeValue
	require.NoError(t, json.Unmarshal([]byte(`"12.5"`), &v))
	amt, ok := v.Amount()
	require.True(t, ok)
	require.Equal(t, "12.5", amt.String())
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, `"12.5"`, string(out))
	out, err = json.Marshal(flinks.AttributeValue{})
	require.NoError(t, err)
	require.Equal(t, `null`, string(out))
	_, ok = v.Bool()
	require.False(t, ok)

	var attrs flinks.Attributes
	require.NoError(t, json.Unmarshal([]byte(`{"Card":{"Id":"l","AttributesDetail":{"Attribute":"a","Transactions":[]}},"RequestId":"r"}`), &attrs))
	require.Len(t, attrs.Card.Details, 1)
	require.Error(t, json.Unmarshal([]byte(`{"Card":{"AttributesDetail":5}}`), &attrs))
	require.Error(t, json.Unmarshal([]byte(`{"Card":[1]}`), &attrs))
	require.NoError(t, json.Unmarshal([]byte(`{"Card":null}`), &attrs))
}
