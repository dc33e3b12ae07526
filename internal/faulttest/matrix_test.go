package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flinks"
)

// Client settings of every cell: small, so that retries and waits cost
// milliseconds.
const (
	maxRetries   = 2
	retryWaitMin = time.Millisecond
	retryWaitMax = 4 * time.Millisecond
	pollInterval = 5 * time.Millisecond
	pollTimeout  = 60 * time.Millisecond

	// callDeadline bounds every call; hangDeadline the calls facing a server
	// that never answers.
	callDeadline = 5 * time.Second
	hangDeadline = 300 * time.Millisecond
	// slack is what a call may take past its deadline (scheduling on two
	// shared cores under -race).
	slack = 500 * time.Millisecond

	// maxGrowth bounds the bytes a cell may allocate (transient included)
	// and its live-heap growth: 300 MB bodies must be read up to their cap.
	maxGrowth = 16 << 20
	// maxSentPerAttempt bounds the bytes of a huge error body the server
	// may write per attempt: the 64 KiB the client reads plus what the
	// loopback sockets buffer.
	maxSentPerAttempt = 32 << 20
	// parallelCells bounds the cells a parallel column runs at once.
	parallelCells = 24
)

func newClients(prov, base string, pollTimeout time.Duration) (clients, error) {
	if prov == "flinks" {
		fl, err := flinks.NewClient("cust-fault-0001",
			flinks.WithBaseURL(base),
			flinks.WithAPIKey("api-key-fault"),
			flinks.WithSecretKey("secret-key-fault"),
			flinks.WithMaxRetries(maxRetries),
			flinks.WithRetryWait(retryWaitMin, retryWaitMax),
			flinks.WithPollInterval(pollInterval),
			flinks.WithPollTimeout(pollTimeout))
		return clients{fl: fl}, err
	}
	fk, err := flanks.NewClient("client-id-fault", "client-secret-fault",
		flanks.WithBaseURL(base),
		flanks.WithMaxRetries(maxRetries),
		flanks.WithRetryWait(retryWaitMin, retryWaitMax),
		flanks.WithPollInterval(pollInterval),
		flanks.WithPollTimeout(pollTimeout),
		flanks.WithTokenFetchTimeout(callDeadline))
	return clients{fk: fk}, err
}

func (c clients) httpClient() *http.Client {
	if c.fl != nil {
		return c.fl.HTTPClient()
	}
	return c.fk.HTTPClient()
}

// refusedURL returns the URL of a loopback port nothing listens on.
func refusedURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr, nil
}

// cell is one operation × fault.
type cell struct {
	op    *op
	fault *fault
	// label is the outcome class printed in the matrix.
	label    string
	na       bool
	bodySent int64 // bytes of the huge body the server wrote
	problems []string
	elapsed  time.Duration
}

func (c *cell) name() string { return c.op.prov + "/" + c.op.row + "/" + c.fault.id }

func (c *cell) failf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// expected returns the outcome class a cell must have, or na when the fault
// cannot reach the operation.
func expected(o *op, f *fault) (want string, na bool) {
	switch f.id {
	case "refused", "reset", "reset-mid":
		return "Network", false
	case "hang", "stall-mid":
		return "Deadline", false
	case "truncated", "gzip-lie":
		return "API/Unexpected", false
	case "empty":
		if o.emptyOK {
			return "OK", false
		}
		return "API/Unexpected", false
	case "html-502", "300MB":
		return "API/Temporary", false
	case "200-code":
		if o.prov == "flinks" {
			return "API/" + flinks200Code, false
		}
		return "API/" + flanks200Code, false
	case "retry-1y":
		return "API/RateLimited", false
	case "pending":
		if o.waits {
			return "PollTimeout", false
		}
		return "API/Pending", false
	case "pending-ctx":
		if o.waits {
			return "Deadline", false
		}
		return "API/Pending", false
	case "token-flaky":
		if o.prov == "flanks" {
			return "OK-retry", false
		}
		if o.mint {
			return "API/Temporary→OK", false
		}
		return "", true
	case "token-hang":
		if o.prov == "flanks" || o.mint {
			return "Deadline", false
		}
		return "", true
	case "503-once":
		if o.repeatable {
			return "OK-retry", false
		}
		return "API/Temporary", false
	}
	panic("unknown fault " + f.id)
}

// classify names an outcome.
func classify(err error) string {
	if err == nil {
		return "OK"
	}
	var ne *sdkerrors.NetworkError
	var api *sdkerrors.APIError
	switch {
	case errors.Is(err, sdkerrors.ErrPollTimeout):
		return "PollTimeout"
	case errors.Is(err, context.DeadlineExceeded):
		return "Deadline"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	case errors.As(err, &ne):
		return "Network"
	case errors.As(err, &api):
		switch {
		case api.Is(sdkerrors.ErrRateLimited):
			return "API/RateLimited"
		case api.Is(sdkerrors.ErrPending):
			return "API/Pending"
		case api.Code != "":
			return "API/" + api.Code
		case api.Is(sdkerrors.ErrTemporary):
			return "API/Temporary"
		case api.Is(sdkerrors.ErrUnexpectedResponse):
			return "API/Unexpected"
		}
		return fmt.Sprintf("API/HTTP %d", api.StatusCode)
	}
	return fmt.Sprintf("untyped %T", err)
}

// run plays the cell: one call (two for a Flinks token that recovers)
// against a fresh fault server and a fresh client, then checks the outcome.
func (c *cell) run() {
	o, f := c.op, c.fault
	want, na := expected(o, f)
	if na {
		c.na, c.label = true, "n/a"
		return
	}
	route := router(flanksRoute)
	if o.prov == "flinks" {
		route = flinksRoute
	}
	var fs *faultServer
	var base string
	if f.refused {
		u, err := refusedURL()
		if err != nil {
			c.failf("listen: %v", err)
			return
		}
		base = u
	} else {
		fs = newFaultServer(o.prov, route, f)
		base = fs.URL()
	}
	pt := pollTimeout
	if f.pollTimeout > 0 {
		pt = f.pollTimeout
	}
	cl, err := newClients(o.prov, base, pt)
	if err != nil {
		c.failf("client: %v", err)
		if fs != nil {
			fs.Close()
		}
		return
	}
	deadline := callDeadline
	if f.deadline > 0 {
		deadline = f.deadline
	}
	call := func() (any, time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		v, err := o.call(ctx, cl)
		return v, time.Since(start), err
	}
	v, elapsed, err := call()
	c.elapsed = elapsed
	var counts map[string]int
	var tokens int
	if fs != nil {
		counts, tokens = fs.counts(), fs.tokenRequests()
	}
	got := classify(err)
	c.checkError(err, deadline, elapsed)
	if f.id == "token-flaky" && o.prov == "flinks" {
		// The token is not minted twice: the first call fails, the next
		// one works.
		if got == "API/Temporary" {
			v, elapsed, err = call()
			c.checkError(err, deadline, elapsed)
			got += "→" + classify(err)
		}
	}
	cl.httpClient().CloseIdleConnections()
	if fs != nil {
		fs.Close()
	}
	c.bodySent = fs.bigBodySent()

	switch {
	case err == nil && !o.check(v):
		c.failf("wrong data: %#v", v)
	case got == "OK" && (c.retried(counts) || tokens > 1):
		got = "OK-retry"
	}
	c.label = got
	if got != want {
		c.failf("outcome %s, want %s (err: %v)", got, want, err)
	}

	// Fault-specific checks.
	var api *sdkerrors.APIError
	errors.As(err, &api)
	switch f.id {
	case "retry-1y":
		if api == nil || api.RetryAfter < 364*24*time.Hour {
			c.failf("RetryAfter not kept: %+v", api)
		}
		if elapsed > time.Second {
			c.failf("a one-year Retry-After was waited on for %v", elapsed)
		}
	case "html-502":
		if api != nil && api.StatusCode != 502 {
			c.failf("status %d, want 502", api.StatusCode)
		}
	case "300MB":
		if api != nil && (api.StatusCode != 500 || len(api.Body) > sdkerrors.MaxBodySize) {
			c.failf("status %d, body %d bytes", api.StatusCode, len(api.Body))
		}
		// Read up to the cap, then hang up: what the server got out is the
		// cap plus what the sockets buffer, per attempt, never the 300 MB.
		if limit := int64(1+maxRetries) * maxSentPerAttempt; c.bodySent > limit {
			c.failf("the server wrote %d MiB of the error body (max %d MiB): it was drained, not capped", c.bodySent>>20, limit>>20)
		}
	case "reset-mid":
		var ne *sdkerrors.NetworkError
		if errors.As(err, &ne) && ne.Op != "read" {
			c.failf("reset mid-body reported as %q, want a body read failure", ne.Op)
		}
	case "pending":
		if o.waits && (elapsed < pollTimeout || elapsed > pollTimeout+slack) {
			c.failf("waited %v, want the poll timeout %v", elapsed, pollTimeout)
		}
	case "token-flaky":
		if o.prov == "flanks" && tokens != 2 {
			c.failf("%d token requests, want 2 (one failure, one retry)", tokens)
		}
	case "503-once":
		if o.repeatable && err == nil && !c.retried(counts) {
			c.failf("no retry seen: %v", counts)
		}
	}

	// Requests: a call that is not safe to repeat reaches the server at most
	// once per path; a repeatable one at most 1+maxRetries times (polls
	// aside).
	for path, n := range counts {
		if o.prov == "flanks" && path == flanksTokenPath {
			if n > 1+maxRetries {
				c.failf("%d token requests", n)
			}
			continue
		}
		switch {
		case !o.repeatable && n > 1:
			c.failf("not safe to repeat, yet sent %d times to %s", n, shortPath(path))
		case o.repeatable && n > 2*(1+maxRetries) && !(strings.HasPrefix(f.id, "pending") && o.waits):
			// net/http itself replays an idempotent GET once when a reused
			// connection fails, hence twice the SDK's attempts.
			c.failf("sent %d times to %s (max %d)", n, shortPath(path), 2*(1+maxRetries))
		}
	}
}

// retried reports whether some path was asked more than once.
func (c *cell) retried(counts map[string]int) bool {
	for p, n := range counts {
		if p != flanksTokenPath && n > 1 {
			return true
		}
	}
	return false
}

// checkError checks what every failed call must be: an *OperationError
// named after the operation, whose text has no URL, returned in time.
func (c *cell) checkError(err error, deadline, elapsed time.Duration) {
	if elapsed > deadline+slack {
		c.failf("returned after %v, deadline %v", elapsed, deadline)
	}
	if err == nil {
		return
	}
	var oe *sdkerrors.OperationError
	if !errors.As(err, &oe) {
		c.failf("not an *OperationError: %T %v", err, err)
	} else if oe.Provider != c.op.prov || oe.Operation != c.op.opName {
		c.failf("OperationError names %s %s, want %s %s", oe.Provider, oe.Operation, c.op.prov, c.op.opName)
	}
	// No URL: not the base URL, not a path (the Flinks customer id is in
	// it). A dial error may name the host and port, which are no secret.
	msg := err.Error()
	for _, s := range []string{"http://", "/v3/", "BankingServices", "cust-fault-0001", "/v0/", "/connect/", "/report/", "/letters/", "/aggregation/"} {
		if strings.Contains(msg, s) {
			c.failf("error text holds the URL (%q): %q", s, msg)
			break
		}
	}
}

func shortPath(p string) string {
	if i := strings.Index(p, "/BankingServices/"); i >= 0 {
		return p[i+len("/BankingServices/"):]
	}
	return p
}

// runLabelled runs c under its pprof label.
func runLabelled(c *cell) {
	pprof.Do(context.Background(), pprof.Labels(cellLabel, c.name()), func(context.Context) { c.run() })
}

// runColumn runs the cells of one fault, sequentially with per-cell heap
// and goroutine checks, or concurrently with the checks per column.
func runColumn(t *testing.T, f *fault, cells []*cell) {
	baseline := runtime.NumGoroutine()
	if !f.parallel {
		var maxAlloc uint64
		for _, c := range cells {
			mark := markHeap()
			runLabelled(c)
			if n, ok := settle(baseline, 2*time.Second); !ok {
				c.failf("%d goroutines left behind: %v", n-baseline, leaked()[c.name()])
				baseline = n // do not blame the next cells
			}
			alloc, live := mark.growth()
			if alloc > maxGrowth || live > maxGrowth {
				c.failf("heap: %d MiB allocated, %d MiB live growth (max %d MiB)", alloc>>20, live>>20, maxGrowth>>20)
			}
			maxAlloc = max(maxAlloc, alloc)
		}
		logSlowest(t, f, cells)
		var maxSent int64
		for _, c := range cells {
			maxSent = max(maxSent, c.bodySent)
		}
		t.Logf("%s: at most %d KiB allocated by a cell", f.id, maxAlloc>>10)
		if maxSent > 0 {
			t.Logf("%s: at most %d KiB of the %d MiB body written to a cell's client", f.id, maxSent>>10, bigBodySize>>20)
		}
		return
	}
	mark := markHeap()
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallelCells)
	for _, c := range cells {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			runLabelled(c)
		}()
	}
	wg.Wait()
	logSlowest(t, f, cells)
	if n, ok := settle(baseline, 3*time.Second); !ok {
		left := leaked()
		named := false
		for _, c := range cells {
			if l := left[c.name()]; len(l) > 0 {
				c.failf("goroutines left behind: %v", l)
				named = true
			}
		}
		if !named {
			t.Errorf("%s: %d goroutines left behind, none labelled:\n%s", f.id, n-baseline, allStacks())
		}
	}
	if _, live := mark.growth(); live > maxGrowth {
		t.Errorf("%s: live heap grew by %d MiB", f.id, live>>20)
	}
}

// logSlowest logs the longest call of a column.
func logSlowest(t *testing.T, f *fault, cells []*cell) {
	var slow *cell
	for _, c := range cells {
		if slow == nil || c.elapsed > slow.elapsed {
			slow = c
		}
	}
	if slow != nil {
		t.Logf("%s: slowest call %v (%s %s)", f.id, slow.elapsed.Round(time.Millisecond), slow.op.prov, slow.op.row)
	}
}

// TestFaultMatrix runs every operation against every fault and prints the
// matrix. See the package documentation.
func TestFaultMatrix(t *testing.T) {
	ops := append(flinksOps(), flanksOps()...)
	grid := make([][]*cell, len(faults))
	for fi, f := range faults {
		t.Run(f.id, func(t *testing.T) {
			cells := make([]*cell, len(ops))
			for i := range ops {
				cells[i] = &cell{op: &ops[i], fault: f}
			}
			start := time.Now()
			runColumn(t, f, cells)
			for _, c := range cells {
				if len(c.problems) > 0 {
					t.Errorf("%s %s × %s: %s", c.op.prov, c.op.row, f.id, strings.Join(c.problems, "; "))
				}
			}
			t.Logf("%s: %d cells in %v", f.id, len(cells), time.Since(start).Round(time.Millisecond))
			grid[fi] = cells
		})
	}
	table, cellsRun, passed, na := render(ops, grid)
	summary := fmt.Sprintf("%d operations × %d faults: %d cells run, %d passed, %d failed, %d n/a",
		len(ops), len(faults), cellsRun, passed, cellsRun-passed, na)
	t.Log(summary + "\n" + table)
	if path := os.Getenv("FAULT_MATRIX_OUT"); path != "" {
		var b strings.Builder
		b.WriteString(summary + "\n\n" + table + "\nFaults:\n\n")
		for _, f := range faults {
			b.WriteString("- `" + f.id + "`: " + f.title + "\n")
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Errorf("write %s: %v", path, err)
		}
	}
}

// render formats the matrix as an aligned Markdown table and counts the
// cells.
func render(ops []op, grid [][]*cell) (table string, cellsRun, passed, na int) {
	header := []string{"operation", "kind"}
	for _, f := range faults {
		header = append(header, f.id)
	}
	rows := [][]string{header}
	for i, o := range ops {
		row := []string{o.prov + " " + o.row, o.kind()}
		for fi := range faults {
			if grid[fi] == nil {
				row = append(row, "-")
				continue
			}
			c := grid[fi][i]
			switch {
			case c.na:
				na++
				row = append(row, "n/a")
			case len(c.problems) > 0:
				cellsRun++
				row = append(row, "FAIL "+c.label)
			default:
				cellsRun++
				passed++
				row = append(row, c.label)
			}
		}
		rows = append(rows, row)
	}
	width := make([]int, len(header))
	for _, r := range rows {
		for j, s := range r {
			width[j] = max(width[j], len([]rune(s)))
		}
	}
	var b strings.Builder
	line := func(r []string) {
		b.WriteString("|")
		for j, s := range r {
			b.WriteString(" " + s + strings.Repeat(" ", width[j]-len([]rune(s))) + " |")
		}
		b.WriteString("\n")
	}
	line(rows[0])
	sep := make([]string, len(header))
	for j := range sep {
		sep[j] = strings.Repeat("-", width[j])
	}
	line(sep)
	for _, r := range rows[1:] {
		line(r)
	}
	return b.String(), cellsRun, passed, na
}
