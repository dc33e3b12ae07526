package bankdata_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
)

// goBlocks returns the ```go blocks of a markdown file.
func goBlocks(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var blocks []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return blocks
}

// TestReadmeSnippetsCompile: every Go snippet of README.md appears verbatim
// in readme_snippets_test.go, which the compiler checks.
func TestReadmeSnippetsCompile(t *testing.T) {
	src, err := os.ReadFile("readme_snippets_test.go")
	require.NoError(t, err)
	var dedented []string
	for _, line := range strings.Split(string(src), "\n") {
		dedented = append(dedented, strings.TrimPrefix(line, "\t"))
	}
	code := strings.Join(dedented, "\n")
	blocks := goBlocks(t, "README.md")
	require.NotEmpty(t, blocks)
	for _, block := range blocks {
		if strings.HasPrefix(block, "import ") {
			continue
		}
		assert.Contains(t, code, block, "README snippet is not in readme_snippets_test.go")
	}
}

// TestReadmeSnippetsRun runs the snippets that work offline.
func TestReadmeSnippetsRun(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, readmeFlinksFake(ctx))
	var ua *flanks.UserActionError
	err := readmeFlanksFake(ctx)
	require.ErrorAs(t, err, &ua)
	assert.Equal(t, flanks.ActionSCA, ua.Reason)
	assert.ErrorIs(t, readmeGock(ctx), sdkerrors.ErrSessionInvalid)
	assert.NoError(t, readmeHTTPClient("43387ca6-0391-4c82-857d-70d95f087ecb", "k", "s"))
	for _, code := range []string{"INVALID_LOGIN", "INVALID_SECURITY_RESPONSE", "DISABLED_LOGIN", "SESSION_EXPIRED", "RETRY_LATER", "ACCESS_DENIED"} {
		assert.ErrorIs(t, readmeErrors(sdkerrors.FlinksCode(code)), errHandled, code)
	}
	assert.NoError(t, readmeErrors(sdkerrors.FlinksCode("UNHANDLED")))
	_ = readmeFlinks
	_ = readmeFlanks
}
