package cli

import (
	"fmt"
	"runtime/metrics"
)

// gcShare is the share of the CPU time the process has used so far that
// the garbage collector took from it, and the number of collections. The
// share counts its pauses, assists and dedicated workers; its
// idle-priority workers, which run only on cores the process leaves idle,
// take nothing from the run and are left out (the runtime's own split,
// runtime/metrics' /cpu/classes). The runtime estimates these from wall
// time, so on a loaded machine, where its threads wait for a core, the
// share is overstated; the count is not. The memory limit cli sets from
// --memory must not make the collector run constantly: README states the
// bound, and the RSS test checks it.
func gcShare() (share float64, cycles uint64) {
	s := []metrics.Sample{
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(s)
	if s[4].Value.Kind() == metrics.KindUint64 {
		cycles = s[4].Value.Uint64()
	}
	var v [4]float64
	for i := range v {
		if s[i].Value.Kind() != metrics.KindFloat64 {
			return 0, cycles
		}
		v[i] = s[i].Value.Float64()
	}
	total, idle, gc, gcIdle := v[0], v[1], v[2], v[3]
	used := total - idle - gcIdle
	if used <= 0 {
		return 0, cycles
	}
	return (gc - gcIdle) / used, cycles
}

// gcSummary is gcShare as a run's last line says it.
func gcSummary() string {
	share, cycles := gcShare()
	return fmt.Sprintf("garbage collection %.1f%% of the CPU time (%d collections)", 100*share, cycles)
}
