package neighbour

import (
	"fmt"
	"math"
	"strings"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/internal/kernel"
	"cxray/stream/measure/mst"
)

// Distance names a dissimilarity between two points.
type Distance int

const (
	// Euclidean is sqrt(Σ_j (a_j-b_j)²).
	Euclidean Distance = iota
	// Manhattan is Σ_j |a_j-b_j|.
	Manhattan
	// Gower is ECoL's distance for numeric features (cluster::daisy with
	// metric "gower"): (1/d)·Σ_j |a_j-b_j|/range_j, where range_j is the
	// range of feature j over the whole point set. A constant feature
	// contributes 0 (its weight 1/range_j is taken as 0).
	Gower
)

// String returns the name ParseDistance accepts.
func (d Distance) String() string {
	switch d {
	case Euclidean:
		return "euclidean"
	case Manhattan:
		return "manhattan"
	case Gower:
		return "gower"
	}
	return fmt.Sprintf("Distance(%d)", int(d))
}

// ParseDistance parses "euclidean", "manhattan" or "gower" (case
// insensitive).
func ParseDistance(s string) (Distance, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "euclidean":
		return Euclidean, nil
	case "manhattan":
		return Manhattan, nil
	case "gower":
		return Gower, nil
	}
	return 0, fmt.Errorf("neighbour: unknown distance %q (want euclidean, manhattan or gower)", s)
}

func (d Distance) valid() bool { return d >= Euclidean && d <= Gower }

// Metric is a Distance prepared for one point set: Gower needs the range of
// every feature over the whole set, so the same two points can be at
// different Gower distances in different sets.
//
// Arithmetic: every coordinate is converted from float32 to float64, the
// difference is taken in float64, and the per-feature terms are added into
// four partial sums s_(j mod 4) in order of j, combined as (s0+s1)+(s2+s3)
// with no FMA. For Euclidean this is bit for bit mst.SqDist, so the
// neighbours and trees here are those of package mst. Gower multiplies
// each |a_j-b_j| by the float64 weight 1/range_j and divides the sum by d.
//
// Internally comparisons use a key that orders pairs like the distance: the
// squared distance for Euclidean (as n1.ExactN1 does), the distance
// itself otherwise. Tie tolerances (Options.TieRTol) apply to the key.
type Metric struct {
	kind Distance
	dim  int
	w    []float64 // Gower: 1/range_j, 0 for a constant feature; else nil
}

// NewMetric prepares d for the n = len(x)/dim points x (row-major). For
// Gower it computes the feature ranges in float64; the others need nothing
// of x beyond its shape.
func NewMetric(d Distance, x []float32, dim int) (*Metric, error) {
	if !d.valid() {
		return nil, fmt.Errorf("neighbour: unknown distance %d", int(d))
	}
	if dim < 1 || len(x)%dim != 0 {
		return nil, fmt.Errorf("neighbour: %d values are not a whole number of %d-dimensional points", len(x), dim)
	}
	m := &Metric{kind: d, dim: dim}
	if d == Gower {
		// 1/range_j: the factors of a min-max normalisation.
		m.w = feature.Of(x, dim, feature.Range).Weights(measure.NormMinMax)
	}
	return m, nil
}

// Kind returns the distance m computes.
func (m *Metric) Kind() Distance { return m.kind }

// Distance returns the distance between a and b, two points of the set m
// was prepared for (len(a) = len(b) = dim).
func (m *Metric) Distance(a, b []float32) float64 {
	return m.dist(m.key(a, b))
}

// dist converts a key to the distance.
func (m *Metric) dist(k float64) float64 {
	if m.kind == Euclidean {
		return math.Sqrt(k)
	}
	return k
}

// keyOf converts a distance to a key (for thresholds such as ε).
func (m *Metric) keyOf(d float64) float64 {
	if m.kind == Euclidean {
		return d * d
	}
	return d
}

// key is the comparison key of one pair (see Metric).
func (m *Metric) key(a, b []float32) float64 {
	if m.kind == Euclidean {
		return mst.SqDist(a, b, nil)
	}
	b = b[:len(a)]
	var s [4]float64
	n4 := len(a) / 4
	if m.w == nil {
		for i := 0; i < 4*n4; i += 4 {
			s[0] += math.Abs(float64(a[i]) - float64(b[i]))
			s[1] += math.Abs(float64(a[i+1]) - float64(b[i+1]))
			s[2] += math.Abs(float64(a[i+2]) - float64(b[i+2]))
			s[3] += math.Abs(float64(a[i+3]) - float64(b[i+3]))
		}
	} else {
		w := m.w[:len(a)]
		for i := 0; i < 4*n4; i += 4 {
			s[0] += float64(math.Abs(float64(a[i])-float64(b[i])) * w[i])
			s[1] += float64(math.Abs(float64(a[i+1])-float64(b[i+1])) * w[i+1])
			s[2] += float64(math.Abs(float64(a[i+2])-float64(b[i+2])) * w[i+2])
			s[3] += float64(math.Abs(float64(a[i+3])-float64(b[i+3])) * w[i+3])
		}
	}
	return m.finish(a, b, 4*n4, &s)
}

// finish adds the tail j ≥ from into s[0] and combines the partial sums.
func (m *Metric) finish(a, b []float32, from int, s *[4]float64) float64 {
	switch {
	case m.kind == Euclidean:
		for i := from; i < len(a); i++ {
			d := float64(a[i]) - float64(b[i])
			s[0] += float64(d * d)
		}
	case m.w == nil:
		for i := from; i < len(a); i++ {
			s[0] += math.Abs(float64(a[i]) - float64(b[i]))
		}
	default:
		for i := from; i < len(a); i++ {
			s[0] += float64(math.Abs(float64(a[i])-float64(b[i])) * m.w[i])
		}
	}
	t := (s[0] + s[1]) + (s[2] + s[3])
	if m.kind == Gower {
		t /= float64(m.dim)
	}
	return t
}

// keysIdx sets out[t] to the key of a and the point idx[t] of x.
func (m *Metric) keysIdx(a, x []float32, idx []int32, out []float64) {
	d := m.dim
	t := 0
	if kernel.Available && d >= 4 {
		n4 := d / 4
		var s [16]float64
		for ; t+4 <= len(idx); t += 4 {
			b0 := x[int(idx[t])*d : int(idx[t])*d+d]
			b1 := x[int(idx[t+1])*d : int(idx[t+1])*d+d]
			b2 := x[int(idx[t+2])*d : int(idx[t+2])*d+d]
			b3 := x[int(idx[t+3])*d : int(idx[t+3])*d+d]
			m.kernel4(a, b0, b1, b2, b3, n4, &s)
			for c, b := range [4][]float32{b0, b1, b2, b3} {
				p := (*[4]float64)(s[4*c : 4*c+4])
				out[t+c] = m.finish(a, b, 4*n4, p)
			}
		}
	}
	for ; t < len(idx); t++ {
		j := int(idx[t])
		out[t] = m.key(a, x[j*d:j*d+d])
	}
}

// Keys sets out[j-j0] to the comparison key (see Metric) of a and the
// point j of x, for j0 ≤ j < j1, with the arithmetic Build uses: a sharded
// T1 finds its spheres' points on the same keys as one machine.
func (m *Metric) Keys(a, x []float32, j0, j1 int, out []float64) { m.keysRange(a, x, j0, j1, out) }

// DistanceOf converts a key from Keys to the distance, as Build does.
func (m *Metric) DistanceOf(key float64) float64 { return m.dist(key) }

// keysRange sets out[j-j0] to the key of a and the point j of x, for
// j0 ≤ j < j1.
func (m *Metric) keysRange(a, x []float32, j0, j1 int, out []float64) {
	d := m.dim
	j := j0
	if kernel.Available && d >= 4 {
		n4 := d / 4
		var s [16]float64
		for ; j+4 <= j1; j += 4 {
			b0 := x[j*d : j*d+d]
			b1 := x[(j+1)*d : (j+1)*d+d]
			b2 := x[(j+2)*d : (j+2)*d+d]
			b3 := x[(j+3)*d : (j+3)*d+d]
			m.kernel4(a, b0, b1, b2, b3, n4, &s)
			for c, b := range [4][]float32{b0, b1, b2, b3} {
				p := (*[4]float64)(s[4*c : 4*c+4])
				out[j-j0+c] = m.finish(a, b, 4*n4, p)
			}
		}
	}
	for ; j < j1; j++ {
		out[j-j0] = m.key(a, x[j*d:j*d+d])
	}
}

// kernel4 runs the assembly kernel of m's distance on four pairs.
func (m *Metric) kernel4(a, b0, b1, b2, b3 []float32, n4 int, s *[16]float64) {
	switch {
	case m.kind == Euclidean:
		kernel.Sq1x4(&a[0], &b0[0], &b1[0], &b2[0], &b3[0], n4, s)
	case m.w == nil:
		kernel.Abs1x4(&a[0], &b0[0], &b1[0], &b2[0], &b3[0], n4, s)
	default:
		kernel.AbsW1x4(&a[0], &b0[0], &b1[0], &b2[0], &b3[0], &m.w[0], n4, s)
	}
}
