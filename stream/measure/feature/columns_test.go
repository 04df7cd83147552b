package feature

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure"
)

// The three ways to fold points in (Of on the whole set, Merge of the
// statistics of parts, Push point by point) agree with a direct float64
// computation up to rounding, on data with a large common offset; OfRows
// takes the rows listed, in their order.
func TestColumnsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	const n, dim = 301, 5
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = 1e4 + float32(rng.NormFloat64())*float32(1+i%dim)
	}
	// The definitions, directly.
	mean, m2 := make([]float64, dim), make([]float64, dim)
	lo, hi := make([]float64, dim), make([]float64, dim)
	for j := range dim {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
		for i := range n {
			f := float64(x[i*dim+j])
			mean[j] += f / n
			lo[j], hi[j] = min(lo[j], f), max(hi[j], f)
		}
		for i := range n {
			d := float64(x[i*dim+j]) - mean[j]
			m2[j] += d * d
		}
	}
	whole := Of(x, dim, Range|Spread)
	merged := NewColumns(dim, Range|Spread)
	for _, cut := range [][2]int{{0, 1}, {1, 40}, {40, 41}, {41, n}} {
		merged.Merge(Of(x[cut[0]*dim:cut[1]*dim], dim, Range|Spread))
	}
	pushed := NewColumns(dim, Range|Spread)
	for i := range n {
		pushed.Push(x[i*dim : (i+1)*dim])
	}
	for name, c := range map[string]*Columns{"Of": whole, "Merge": merged, "Push": pushed} {
		if c.N != n {
			t.Errorf("%s: N = %d", name, c.N)
		}
		for j := range dim {
			if c.Min[j] != lo[j] || c.Max[j] != hi[j] {
				t.Errorf("%s feature %d: range [%v, %v], want [%v, %v]", name, j, c.Min[j], c.Max[j], lo[j], hi[j])
			}
			if math.Abs(c.Mean[j]-mean[j]) > 1e-12*math.Abs(mean[j]) || math.Abs(c.M2[j]-m2[j]) > 1e-9*m2[j] {
				t.Errorf("%s feature %d: mean %v M2 %v, want %v %v", name, j, c.Mean[j], c.M2[j], mean[j], m2[j])
			}
		}
	}
	rows := []int{7, 3, 3, 300}
	sub := make([]float32, 0, len(rows)*dim)
	for _, r := range rows {
		sub = append(sub, x[r*dim:(r+1)*dim]...)
	}
	a, b := OfRows(x, dim, rows, Range|Spread), Of(sub, dim, Range|Spread)
	if a.N != 4 || !slices.Equal(a.Mean, b.Mean) || !slices.Equal(a.M2, b.M2) || !slices.Equal(a.Min, b.Min) {
		t.Errorf("OfRows %+v, Of of the same rows %+v", a, b)
	}
}

// A Columns holds only what it was asked to keep.
func TestColumnsKeep(t *testing.T) {
	x := []float32{1, 2, 3, 4}
	for _, c := range []struct {
		keep                  Stats
		rng, mean, m2, nbytes bool
	}{
		{Range, true, false, false, false},
		{Mean, false, true, false, false},
		{Spread, false, true, true, false},
		{Range | Spread, true, true, true, false},
	} {
		col := Of(x, 2, c.keep)
		if (col.Min != nil) != c.rng || (col.Mean != nil) != c.mean || (col.M2 != nil) != c.m2 {
			t.Errorf("keep %b: %+v", c.keep, col)
		}
		want := 0
		for _, on := range []bool{c.rng, c.rng, c.mean, c.m2} {
			if on {
				want += 16
			}
		}
		if col.Bytes() != int64(want) {
			t.Errorf("keep %b: %d bytes, want %d", c.keep, col.Bytes(), want)
		}
	}
	if ForNorm(measure.NormNone) != 0 || ForNorm(measure.NormMinMax) != Range || ForNorm(measure.NormZScore) != Spread {
		t.Error("ForNorm")
	}
}
