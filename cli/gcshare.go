package cli

import "runtime/metrics"

// gcShare is the share of the CPU time the process has used so far that
// the garbage collector took from it: its pauses, its assists and its
// dedicated workers. Its idle-priority workers, which run only on cores
// the process leaves idle, take nothing from the run and are left out
// (the runtime's own split, runtime/metrics' /cpu/classes). The memory
// limit cli sets from --memory must not make the collector run constantly:
// README states the bound, and the RSS test checks it.
func gcShare() float64 {
	s := []metrics.Sample{
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"},
	}
	metrics.Read(s)
	var v [4]float64
	for i := range s {
		if s[i].Value.Kind() != metrics.KindFloat64 {
			return 0
		}
		v[i] = s[i].Value.Float64()
	}
	total, idle, gc, gcIdle := v[0], v[1], v[2], v[3]
	used := total - idle - gcIdle
	if used <= 0 {
		return 0
	}
	return (gc - gcIdle) / used
}
