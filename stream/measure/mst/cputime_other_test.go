//go:build !unix

package mst

import "time"

// cpuTime is 0 where getrusage is missing; see cputime_unix_test.go.
func cpuTime() time.Duration { return 0 }
