package faulttest

import (
	"bytes"
	"encoding/json"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
)

// Goroutine and heap accounting, by hand (no goleak): every cell runs under
// a pprof label, which the goroutines it starts inherit (net/http's dial,
// read and write loops, the Flanks token fetch, the fault server's
// handlers), so a goroutine that outlives its cell can be named even when
// cells run concurrently.

const cellLabel = "faultcell"

// settle waits (ms-level polling, at most d) until no more than baseline
// goroutines run, and reports whether that happened.
func settle(baseline int, d time.Duration) (int, bool) {
	deadline := time.Now().Add(d)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return n, true
		}
		if time.Now().After(deadline) {
			return n, false
		}
		time.Sleep(time.Millisecond)
	}
}

// leaked returns, per cell label, a summary of the labelled goroutines
// still running: their count and the functions on top of their stacks.
func leaked() map[string][]string {
	var buf bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
	out := map[string][]string{}
	for _, group := range strings.Split(buf.String(), "\n\n") {
		lines := strings.Split(group, "\n")
		var cell string
		var frames []string
		count := ""
		for _, l := range lines {
			switch f := strings.Fields(l); {
			case count == "" && len(f) > 1 && f[1] == "@":
				count = f[0]
			case strings.HasPrefix(l, "# labels: "):
				var m map[string]string
				if json.Unmarshal([]byte(strings.TrimPrefix(l, "# labels: ")), &m) == nil {
					cell = m[cellLabel]
				}
			case strings.HasPrefix(l, "#\t"):
				if f := strings.Fields(l); len(f) >= 3 && len(frames) < 4 {
					frames = append(frames, f[2])
				}
			}
		}
		if cell != "" {
			out[cell] = append(out[cell], count+"× "+strings.Join(frames, " < "))
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

// allStacks returns every goroutine's stack, for a leak no label explains.
func allStacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// heapMark is a point of heap accounting, taken after a full GC.
type heapMark struct{ total, live uint64 }

func markHeap() heapMark {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return heapMark{total: m.TotalAlloc, live: m.HeapAlloc}
}

// growth returns the bytes allocated since h (transient included) and the
// live heap growth since h (after a GC; negative when it shrank).
func (h heapMark) growth() (alloc uint64, live int64) {
	now := markHeap()
	return now.total - h.total, int64(now.live) - int64(h.live)
}
