package analysis

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"

	"cxray/stream/plan"
)

// LimitHeap tells the garbage collector what the estimators of plan p need
// on top of other bytes live beside them, so that the heap stays near that
// instead of growing to twice the live data (Go's default pacing), which
// would let peak RSS drift above the budget. It returns the function that
// lifts the limit again. A GOMEMLIMIT set by the user wins.
func LimitHeap(p *plan.Plan, other int64) (lift func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetMemoryLimit(other + p.StateBytes + p.Workspace + p.ForwardBytes)
	return func() { debug.SetMemoryLimit(math.MaxInt64) }
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
