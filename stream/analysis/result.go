package analysis

import (
	"math"

	"cxray/stream/measure"
	"cxray/stream/tap"
)

// Result is one layer's latest reading.
type Result struct {
	Layer    tap.Layer
	Estimate measure.Estimate
	// Extra holds the measures beyond N1, by name, read at the end.
	Extra map[string]float64
}

// LastN1 returns the name and N1 of the last layer of rs ("-" and NaN
// when there is none): the layer nearest the output, which training
// progress reports.
func LastN1(rs []Result) (string, float64) {
	if len(rs) == 0 {
		return "-", math.NaN()
	}
	r := rs[len(rs)-1]
	return r.Layer.Name, r.Estimate.Value
}
