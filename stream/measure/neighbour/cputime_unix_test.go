//go:build unix

package neighbour

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) of the process so far.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
