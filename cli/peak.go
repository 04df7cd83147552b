package cli

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// peakRSS is the most physical memory the process has held so far, in
// bytes (VmHWM of /proc/self/status); 0 where the kernel does not say.
// getrusage's maxrss would not do for a child of a large process: Linux
// carries the parent's high-water mark across a vfork and exec into it.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(line), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
