package analysis

import (
	"os"
	"runtime/debug"
	"runtime/metrics"

	"cxray/stream/plan"
)

// LimitHeap tells the garbage collector what the run of plan p may hold
// on the Go heap (plan.Plan.HeapBytes: the budget but the reading's
// workspace, which mst maps outside the heap) on top of other bytes live
// beside them, so that the heap stays within that instead of growing to
// twice the live data (Go's default pacing), which would let peak RSS
// drift above the budget. It returns the function that restores the
// previous limit. A GOMEMLIMIT set by the user wins.
func LimitHeap(p *plan.Plan, other int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(other + p.HeapBytes())
	return func() { debug.SetMemoryLimit(prev) }
}

// LiveHeap is the heap the last garbage collection found live.
func LiveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
