package leakaudit

import (
	"reflect"
	"sort"
	"testing"

	"github.com/bankdata-go/bankdata/flanks"
	"github.com/bankdata-go/bankdata/flinks"
)

// TestLeakAudit drives every exported operation of both clients, and the
// Flinks webhook helpers, with distinctive secrets against the fakes and
// against failing servers, and fails if any secret shows in an error, a
// printed request, configuration, client or result, or a log line.
func TestLeakAudit(t *testing.T) {
	a := newAuditor()

	t.Run("coverage", func(t *testing.T) {
		var fl []string
		for _, op := range flinksOps() {
			fl = append(fl, op.method)
		}
		var fa []string
		for _, op := range flanksOps() {
			fa = append(fa, op.method)
		}
		n1 := checkCovered(t, "flinks", (*flinks.Client)(nil), append(fl, flinksRenderingMethods...))
		n2 := checkCovered(t, "flanks", (*flanks.Client)(nil), append(fa, flanksRenderingMethods...))
		t.Logf("operations audited: flinks %d, flanks %d (+ %d rendering methods each), plus "+
			"flinks.VerifyWebhook, SignWebhook, WebhookHandler, WebhookSignature, ParseWebhook",
			n1-len(flinksRenderingMethods), n2-len(flanksRenderingMethods), len(flinksRenderingMethods))
	})
	t.Run("flinks", func(t *testing.T) { auditFlinks(t, a) })
	t.Run("webhooks", func(t *testing.T) { auditWebhooks(t, a) })
	t.Run("flanks", func(t *testing.T) { auditFlanks(t, a) })
	a.check(t)
}

// checkCovered fails for an exported method of typ that the audit does not
// drive (a new operation must be added to the tables), and for a table
// entry that names no method. It returns the number of methods.
func checkCovered(t *testing.T, name string, typ any, covered []string) int {
	t.Helper()
	have := map[string]bool{}
	for _, m := range covered {
		have[m] = true
	}
	rt := reflect.TypeOf(typ)
	methods := map[string]bool{}
	for i := 0; i < rt.NumMethod(); i++ {
		methods[rt.Method(i).Name] = true
	}
	var missing, unknown []string
	for m := range methods {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	for m := range have {
		if !methods[m] {
			unknown = append(unknown, m)
		}
	}
	sort.Strings(missing)
	sort.Strings(unknown)
	if len(missing) > 0 {
		t.Errorf("%s: exported methods the leak audit does not drive: %v", name, missing)
	}
	if len(unknown) > 0 {
		t.Errorf("%s: the audit names methods that do not exist: %v", name, unknown)
	}
	return len(methods)
}
