//go:build !unix

package flinks_test

import "time"

// cpuTime is unavailable here: the cpu-ratio metric is left out.
func cpuTime() time.Duration { return 0 }
