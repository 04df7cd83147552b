package repr

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/numeric"
)

// DefaultBatch is the minibatch size of LinearCKA when the caller re-feeds
// held points: minibatch CKA depends on it (see CKA), so it is fixed and
// stored with every value.
const DefaultBatch = 256

// CKA is the streaming minibatch linear CKA (centred kernel alignment,
// Kornblith et al. 2019) between two representations of the same points,
// as Nguyen, Raghu and Kornblith (2021) accumulate it:
//
//	CKA = Σ_b HSIC₁(K_b, L_b) / √(Σ_b HSIC₁(K_b, K_b) · Σ_b HSIC₁(L_b, L_b)),
//
// with, for every minibatch b of m ≥ 4 points, K_b = X_b X_bᵀ and
// L_b = Y_b Y_bᵀ the m×m linear Gram matrices and HSIC₁ the unbiased
// estimator of Song et al. (2012): with K̃, L̃ the Gram matrices with a
// zeroed diagonal and 1 the ones vector,
//
//	HSIC₁(K, L) = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((m−1)(m−2)) − (2/(m−2))·1ᵀK̃L̃1] / (m(m−3)).
//
// Every batch counts once, whatever its size (the mean over batches of
// Nguyen et al.; the 1/k cancels). Because HSIC₁ is unbiased, the sums
// estimate the population HSICs without the bias that makes full-batch
// biased CKA depend on n; but the ratio is taken of the sums, so the value
// still depends on how the points are cut into batches, mostly through
// the batch size. Fix it (DefaultBatch) and store it with the value. One
// batch of all n points is the full-batch unbiased CKA.
//
// CKA(X, X) = 1, and CKA is invariant to orthogonal transforms and
// isotropic scaling of either representation, batch by batch. Labels play
// no part: it compares two representations, whatever the classes.
//
// Update takes a batch, Merge a twin fed with other batches, Value reads
// the result, as gonum's stat/card; the state marshals to 56 bytes
// (measure.Merger). Memory: two m×m float64 Gram matrices during Update
// (O(b²)); the state is three sums.
type CKA struct {
	xy, xx, yy float64
	batches    int
	points     int64
	dx, dy     int
}

var _ measure.Merger[*CKA] = (*CKA)(nil)

// NewCKA returns an empty estimator of two representations of dx and dy
// features.
func NewCKA(dx, dy int) *CKA { return &CKA{dx: dx, dy: dy} }

// Batches returns the number of batches seen.
func (c *CKA) Batches() int { return c.batches }

// N returns the number of points seen.
func (c *CKA) N() int64 { return c.points }

// Dims returns the dimensions of the two representations.
func (c *CKA) Dims() (dx, dy int) { return c.dx, c.dy }

// Update adds one minibatch of n = len(b.Labels) points: b.X holds them
// row by row with dx features, b.Y the same points, in the same order,
// with dy features (the labels play no part). n must be at least 4 (HSIC₁
// divides by n−3). NaN or infinite values are an error and leave c
// unchanged. The two Gram matrices are computed in float64 from the
// float32 values (every product exact, summed in index order) by
// GOMAXPROCS workers.
func (c *CKA) Update(b measure.Batch) error {
	if c.dx < 1 || c.dy < 1 {
		return errors.New("repr: CKA needs dimensions ≥ 1 (use NewCKA)")
	}
	if err := b.CheckWhole("repr: CKA", true); err != nil {
		return err
	}
	x, y, n := b.X, b.Y, len(b.Labels)
	if len(x) != n*c.dx || len(y) != n*c.dy {
		return fmt.Errorf("repr: CKA.Update: %d and %d values for %d points of dimensions %d and %d", len(x), len(y), n, c.dx, c.dy)
	}
	if n < 4 {
		return fmt.Errorf("repr: CKA.Update: a batch needs at least 4 points, got %d", n)
	}
	for _, s := range [][]float32{x, y} {
		for _, v := range s {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return errors.New("repr: CKA.Update: NaN or infinite value")
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	K := numeric.Gram(x, n, c.dx, workers)
	L := numeric.Gram(y, n, c.dy, workers)
	xy, xx, yy := hsic3(K, L, n)
	c.xy += xy
	c.xx += xx
	c.yy += yy
	c.batches++
	c.points += int64(n)
	return nil
}

// Merge adds the batches of o, fed with other points of the same two
// representations (the same dimensions), to c; o is unchanged.
func (c *CKA) Merge(o *CKA) error {
	if o.dx != c.dx || o.dy != c.dy {
		return fmt.Errorf("repr: CKA.Merge: dimensions %d, %d into %d, %d", o.dx, o.dy, c.dx, c.dy)
	}
	c.xy += o.xy
	c.xx += o.xx
	c.yy += o.yy
	c.batches += o.batches
	c.points += o.points
	return nil
}

// Bytes is the size of the state.
func (c *CKA) Bytes() int64 { return 56 }

// Value returns the minibatch CKA, NaN before any batch or when either
// representation has no variation (Σ HSIC₁ ≤ 0).
func (c *CKA) Value() float64 {
	if c.batches == 0 || !(c.xx > 0) || !(c.yy > 0) {
		return math.NaN()
	}
	return c.xy / math.Sqrt(c.xx*c.yy)
}

// LinearCKA returns the minibatch CKA of n held points given twice, x with
// dx features and y with dy, fed to a CKA in consecutive batches of batch
// rows (DefaultBatch when batch ≤ 0) in the points' order. A last batch of
// fewer than 4 rows cannot be used alone and is joined to the one before.
// Time: about n·batch·(dx+dy)/2 multiply-adds. Memory: O(batch²).
func LinearCKA(x []float32, dx int, y []float32, dy int, n int, batch int) (float64, error) {
	if batch <= 0 {
		batch = DefaultBatch
	}
	if dx < 1 || dy < 1 || len(x) != n*dx || len(y) != n*dy {
		return math.NaN(), fmt.Errorf("repr: LinearCKA: %d and %d values for %d points of dimensions %d and %d", len(x), len(y), n, dx, dy)
	}
	c := NewCKA(dx, dy)
	labels := make([]int32, batch+3) // the longest batch: Batches joins a tail of at most 3
	for _, b := range Batches(n, batch) {
		lo, hi := b[0], b[1]
		if err := c.Update(measure.Batch{X: x[lo*dx : hi*dx], Y: y[lo*dy : hi*dy], Labels: labels[:hi-lo]}); err != nil {
			return math.NaN(), err
		}
	}
	return c.Value(), nil
}

// Batches returns the [lo, hi) row ranges LinearCKA uses for n points:
// consecutive runs of batch rows, the last one joined to the previous when
// it would have fewer than 4 rows.
func Batches(n, batch int) [][2]int {
	var out [][2]int
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		if hi-lo < 4 && len(out) > 0 {
			out[len(out)-1][1] = hi
			continue
		}
		out = append(out, [2]int{lo, hi})
	}
	return out
}

// hsic3 returns HSIC₁(K,L), HSIC₁(K,K) and HSIC₁(L,L) of two symmetric n×n
// Gram matrices, ignoring their diagonals.
func hsic3(K, L []float64, n int) (xy, xx, yy float64) {
	rk := make([]float64, n) // row sums of K̃
	rl := make([]float64, n)
	var trKL, trKK, trLL, sk, sl float64
	for i := range n {
		ki, li := K[i*n:(i+1)*n], L[i*n:(i+1)*n]
		for j := range n {
			if j == i {
				continue
			}
			kv, lv := ki[j], li[j]
			rk[i] += kv
			rl[i] += lv
			trKL += kv * lv
			trKK += kv * kv
			trLL += lv * lv
		}
		sk += rk[i]
		sl += rl[i]
	}
	var kl, kk, ll float64 // 1ᵀK̃L̃1 = Σ_i (K̃1)_i (L̃1)_i
	for i := range n {
		kl += rk[i] * rl[i]
		kk += rk[i] * rk[i]
		ll += rl[i] * rl[i]
	}
	m := float64(n)
	h := func(tr, s1, s2, cross float64) float64 {
		return (tr + s1*s2/((m-1)*(m-2)) - 2/(m-2)*cross) / (m * (m - 3))
	}
	return h(trKL, sk, sl, kl), h(trKK, sk, sk, kk), h(trLL, sl, sl, ll)
}
