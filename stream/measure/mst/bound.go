package mst

import (
	"math"
	"slices"

	"cxray/stream/measure/internal/numeric"
)

// points is the prepared input of the tree builders: the float32 points as
// given (the exact distances are taken on them), the feature weights of the
// normalisation, and float32 rows y on which distances are approximated
// with matrix products, with what the error bound needs.
type points struct {
	n, dim int
	x      []float32 // n×dim, as given
	w      []float64 // feature weights, nil for none

	// y is either x itself (stride dim), or a copy fl32((x - centre) * w)
	// with rows of stride dim rounded up to a multiple of 8, zero-padded.
	y      []float32
	stride int
	h      []float64 // per-point half of the bound, see lower
	sqTop  float64   // the 99th percentile of ‖y_u‖², see buildGramStore
	lbf    float64   // 1 - relative error of the exact distance, see lower
	free   func()    // releases y
}

// exact returns the exact squared distance between points u and v.
func (p *points) exact(u, v int) float64 {
	d := p.dim
	return sqDist64(p.x[u*d:u*d+d], p.x[v*d:v*d+d], p.w)
}

// centreGain is how much centring must shrink the squared norms for
// newPoints to make a centred copy of unweighted points.
var centreGain = 4.0

// newPoints prepares x (n×dim) for the tree builders. makeY says whether
// the float32 rows y are needed (all but the dense path).
//
// The error of ‖u‖²+‖v‖²-2u·v is proportional to the norms, so data with a
// large common offset would need an exact distance for almost every
// comparison. Centring every feature removes the offset without changing
// a distance, but takes a copy of the points (n·d float32, on the Go heap,
// garbage as soon as the tree is built; see newBuffer). Weighted points
// need the copy anyway; unweighted points are used as they are unless
// centring shrinks their squared norms more than centreGain times (on
// MNIST pixels it gains 1.3×).
func newPoints(x []float32, n, dim int, w []float64, makeY bool) *points {
	p := &points{n: n, dim: dim, x: x, w: w, free: func() {}}
	if !makeY {
		return p
	}
	bc := newBoundConsts(dim)
	p.lbf = bc.lbf
	p.h = make([]float64, n)
	sq := make([]float64, n)
	if !needsCopy(x, n, dim, w) {
		p.y, p.stride = x, dim
		for i := range n {
			var s float64
			for _, v := range x[i*dim : (i+1)*dim] {
				s += float64(v) * float64(v)
			}
			sq[i] = s
			p.h[i] = bc.h(s)
		}
	} else {
		ctr := centre(x, n, dim)
		p.stride = (dim + 7) &^ 7
		p.y, p.free = newBuffer[float32](n * p.stride)
		for i := range n {
			row := x[i*dim : (i+1)*dim]
			out := p.y[i*p.stride : (i+1)*p.stride]
			var s float64
			for j, v := range row {
				cj := float64(v) - ctr[j]
				if w != nil {
					cj *= w[j]
				}
				f := float32(cj)
				out[j] = f
				s += float64(f) * float64(f)
			}
			clear(out[dim:])
			sq[i] = s
			p.h[i] = bc.h(s)
		}
	}
	slices.Sort(sq)
	p.sqTop = sq[min(n-1, n*99/100)]
	return p
}

// needsCopy reports whether newPoints makes a copy of the points: when
// they are weighted, or when centring them on their centre shrinks the
// squared norms of the points centre samples more than centreGain times.
func needsCopy(x []float32, n, dim int, w []float64) bool {
	if w != nil {
		return true
	}
	ctr := centre(x, n, dim)
	m := min(n, 511)
	var raw, cen float64
	for k := range m {
		for j, v := range x[(k*n/m)*dim : (k*n/m+1)*dim] {
			c := float64(v) - ctr[j]
			raw += float64(v) * float64(v)
			cen += c * c
		}
	}
	return raw > centreGain*cen
}

// boundConsts are the constants of lower's derivation for one dimension.
type boundConsts struct{ a, b, c, lbf float64 }

func newBoundConsts(dim int) boundConsts {
	fd := float64(dim)
	m := fd + 2
	gamma := m * 0x1p-24 / (1 - m*0x1p-24) // γ_m for float32
	kappa := 0x1.0001p-24                  // relative radius of y around z
	gamma64 := (fd + 4) * 0x1p-53 / (1 - (fd+4)*0x1p-53)
	k := boundConsts{
		a:   1 - gamma - 4*kappa - gamma64 - 0x1p-40,
		b:   4 * math.Sqrt(fd) * 0x1p-149 * (1 + 2*gamma64 + 0x1p-40),
		c:   m * 0x1p-149,
		lbf: 1 - 2*gamma64,
	}
	if !(k.a > 0.5) {
		// d beyond ~4 million: the bound says nothing; every h is -Inf and
		// every comparison takes the exact distance.
		k.a, k.b, k.c = 0, 0, math.Inf(1)
	}
	return k
}

// h is a point's half of the bound, from s, its squared norm summed in
// float64 (see lower).
func (k boundConsts) h(s float64) float64 { return k.a*s - k.b*math.Sqrt(s) - k.c }

// centre returns a point near the bulk of x: the per-feature median of up
// to 511 evenly spaced points. Any centre gives the same distances; the
// median, unlike the mean, is not dragged away from the bulk by a few far
// outliers (which would inflate every norm). The subsample keeps it cheap.
func centre(x []float32, n, dim int) []float64 {
	m := min(n, 511)
	c := make([]float64, dim)
	col := make([]float64, m)
	for j := range dim {
		for k := range m {
			col[k] = float64(x[(k*n/m)*dim+j])
		}
		c[j] = numeric.Select(col, m/2)
	}
	return c
}

// lower returns a lower bound on the exact squared distance of points u and
// v, given g, the float32 dot product y_u·y_v computed by any BLAS or by
// dot6x2: (h_u + h_v - 2g)·lbf, or 0 when that is not positive or g is not
// finite. The bound is rigorous. Its derivation, with S_u = ‖y_u‖² and
// γ_k = k·2⁻²⁴/(1-k·2⁻²⁴), m = d+2:
//
//  1. Any float32 evaluation of a dot product of length d, in any order,
//     with or without FMA, satisfies |g - y_u·y_v| ≤ γ_d·Σ|y_ui·y_vi| ≤
//     γ_d·‖y_u‖‖y_v‖ ≤ γ_d·(S_u+S_v)/2 (Higham, Accuracy and Stability of
//     Numerical Algorithms, 2nd ed., §3.1; then Cauchy-Schwarz and AM-GM).
//     γ_m leaves a margin; gradual underflow adds at most 2⁻¹⁵⁰ per
//     operation, 2m·2⁻¹⁵⁰ in all. So q² = ‖y_u-y_v‖² = S_u+S_v-2y_u·y_v ≥
//     (1-γ_m)(S_u+S_v) - 2g - m·2⁻¹⁴⁸.
//  2. y_u is z_u = (x_u-c)·w, c the centre, rounded to float32 (two
//     float64 roundings before that), so ‖y_u-z_u‖ ≤ r_u = κ‖y_u‖ +
//     √d·2⁻¹⁴⁹ with κ = 2⁻²⁴·(1+2⁻¹⁶), the last term for subnormals. With
//     R = r_u+r_v, ‖z_u-z_v‖ ≥ q-R, hence ‖z_u-z_v‖² ≥ q²-2Rq whatever
//     the sign of q-R, and q ≤ ‖y_u‖+‖y_v‖ gives 2Rq ≤ 4κ(S_u+S_v) +
//     4√d·2⁻¹⁴⁹(‖y_u‖+‖y_v‖).
//  3. S_u is summed in float64 (relative error γ64_(d+4), which also covers
//     the square root), and h_u + h_v - 2g is formed in float64 (a few
//     roundings, far inside the 2⁻⁴⁰ margin). So
//     ‖z_u-z_v‖² ≥ h_u + h_v - 2g with
//     h_u = (1-γ_m-4κ-γ64-2⁻⁴⁰)·S_u - 4√d·2⁻¹⁴⁹(1+2γ64+2⁻⁴⁰)·‖y_u‖ - m·2⁻¹⁴⁹.
//  4. The exact distance is ‖z_u-z_v‖² computed in float64, within a
//     relative γ64_(d+4) of the real value; lbf = 1-2γ64 takes that and the
//     last product's rounding off.
//
// Splitting the error into per-point terms (AM-GM in 1 and 2) makes the
// bound a little looser when two norms differ a lot, and the inner loop two
// additions and two multiplications.
func (p *points) lower(u, v int, g float32) float64 {
	t := (p.h[u] + p.h[v] - 2*float64(g)) * p.lbf
	if !(t > 0) || t > math.MaxFloat64 {
		return 0
	}
	return t
}

// lowerOf is points.lower inlined by hand for the hot loops: the bound from
// the per-point terms hu, hv and the float32 product g.
func lowerOf(hu, hv float64, g float32, lbf float64) float64 {
	t := (hu + hv - 2*float64(g)) * lbf
	if !(t > 0) || t > math.MaxFloat64 {
		return 0
	}
	return t
}
