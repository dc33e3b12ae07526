//go:build !unix

package bench_test

import "time"

// cpuTime is unavailable here: the CPU metrics are left out.
func cpuTime() time.Duration { return 0 }
