package project

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Map is a linear map f(x) = Rᵀx from R^d to R^k, applied batch by batch:
// either a seeded Johnson–Lindenstrauss map (New, described here) or one
// adapted to the leading points of the stream (Fit, which adds principal
// directions to such a map).
//
// Construction (Achlioptas 2003): every entry of the d×k matrix R is
// independently +s with probability 1/6, 0 with probability 2/3 and -s
// with probability 1/6, with s = √(3/k). Each entry has mean 0 and
// variance 1/k, so E‖f(x)‖² = ‖x‖², and its fourth moment is exactly that
// of a Gaussian N(0, 1/k), which makes the variance the Gaussian one for
// every x: Var(‖f(x)‖²/‖x‖²) = 2/k (0.0078 at k = 256, a standard
// deviation of 8.8% on squared distances and about 4.4% on distances).
// The distortion guarantee is the Gaussian one too: for n points and
// ε, β > 0, if k ≥ (4+2β)·ln n / (ε²/2 − ε³/3), then with probability at
// least 1 − n^(−β) every squared distance is preserved within a factor
// 1 ± ε (Achlioptas 2003, Theorem 1.1). Applied to differences of points,
// f preserves squared Euclidean distances in this sense; the guarantee is
// about distances, not about N1, whose change under projection is
// measured, not bounded (see n1.ProjectedN1).
//
// The entries are drawn from math/rand/v2's PCG generator with integer
// arithmetic only, so the matrix depends on (d, k, seed) alone and is the
// same on every platform. Apply is a float32 matrix product (blas32), whose
// rounding may differ between BLAS implementations in the last bits.
//
// Memory: the matrix is stored, d·k float32 (4.8 MB for d = 4704,
// k = 256). A Map is read-only once made and safe for concurrent use by
// several goroutines.
type Map struct {
	d, k int
	seed uint64
	r    []float32 // d×k row-major

	kind      string  // JL or PCAJL
	pcaDims   int     // Fit: principal directions, the first columns
	basisRows int     // Fit: points the directions came from
	captured  float64 // Fit: their share of those points' variance
}

// mapStream separates the projection's random stream from the
// sampler's when both use the same seed.
const mapStream = 0x70a7ec7a11d5eed5

// New returns the projection from d to k dimensions drawn with
// seed. Non-positive sizes give a Map whose Apply does nothing and
// whose use by an estimator is an error.
//
// A map of more than MaxStored entries is not stored but hashed
// (HashedJL, see newHashed): its kind says which.
func New(d, k int, seed uint64) *Map {
	if d > 0 && k > 0 && hashed(d, k) {
		return newHashed(d, k, seed)
	}
	return newStored(d, k, seed)
}

// newStored returns the stored Achlioptas map, whatever its size.
func newStored(d, k int, seed uint64) *Map {
	p := &Map{d: d, k: k, seed: seed, kind: JL}
	if d <= 0 || k <= 0 {
		return p
	}
	rng := rand.New(rand.NewPCG(seed, mapStream))
	s := float32(math.Sqrt(3 / float64(k)))
	p.r = make([]float32, d*k)
	for i := range p.r {
		switch rng.Uint64N(6) {
		case 0:
			p.r[i] = s
		case 1:
			p.r[i] = -s
		}
	}
	return p
}

// In is the input dimension d.
func (p *Map) In() int { return p.d }

// Out is the output dimension k.
func (p *Map) Out() int { return p.k }

// Seed is the seed the matrix was drawn with.
func (p *Map) Seed() uint64 { return p.seed }

// Kind is JL, HashedJL or PCAJL.
func (p *Map) Kind() string { return p.kind }

// Captured is the fraction of the basis points' variance inside the
// principal directions of a fitted projection (0 for a plain one).
func (p *Map) Captured() float64 { return p.captured }

// PrincipalDims is the number of principal directions a fitted map keeps
// in its first coordinates (0 for a plain one).
func (p *Map) PrincipalDims() int { return p.pcaDims }

// Params describes the projection for a metric row.
func (p *Map) Params() map[string]any {
	params := map[string]any{"K": p.k, "projection": p.kind, "projection_seed": p.seed}
	if p.kind == PCAJL {
		params["pca_dims"] = p.pcaDims
		params["jl_dims"] = p.k - p.pcaDims
		params["basis_points"] = p.basisRows
		params["captured"] = math.Round(p.captured*1e6) / 1e6
	}
	return params
}

// Plain reports a data-independent map (JL or HashedJL), whose halves
// are two like projections to k/2 dimensions.
func (p *Map) Plain() bool { return p.kind != PCAJL }

// Bytes is the size of the stored matrix (0 for a hashed map).
func (p *Map) Bytes() int64 { return 4 * int64(len(p.r)) }

// Check reports a Map that cannot be applied: nil, or made with
// non-positive dimensions.
func (p *Map) Check() error {
	if p == nil || p.d <= 0 || p.k <= 0 || len(p.r) != p.d*p.k && p.kind != HashedJL {
		return fmt.Errorf("project: a map needs positive dimensions (use New or Fit)")
	}
	return nil
}

// Apply projects n points: x holds them row-major (n×d values) and dst
// receives n×k values. If the lengths do not fit, dst is left unchanged;
// estimators check the sizes before calling it.
func (p *Map) Apply(dst, x []float32, n int) {
	if p.Check() != nil || n <= 0 || len(x) < n*p.d || len(dst) < n*p.k {
		return
	}
	if p.kind == HashedJL {
		p.applyHashed(dst, x, n)
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: n, Cols: p.d, Stride: p.d, Data: x[:n*p.d]},
		blas32.General{Rows: p.d, Cols: p.k, Stride: p.k, Data: p.r},
		0,
		blas32.General{Rows: n, Cols: p.k, Stride: p.k, Data: dst[:n*p.k]})
}
