package project

import "math"

// MaxStored is the most entries (d·k) of a matrix New stores: 64 MB of
// float32. A wider map is hashed (HashedJL): its entries are recomputed
// from the seed as it is applied, so it takes no memory whatever d is.
const MaxStored = 1 << 24

// hashedBlocks is the number of non-zero entries per input coordinate of
// a hashed map, s in Kane and Nelson's block construction.
const hashedBlocks = 8

// StoredBytes is the memory of New(d, k, seed)'s matrix: d·k float32, or
// nothing for a hashed map.
func StoredBytes(d, k int) int64 {
	if hashed(d, k) {
		return 0
	}
	return 4 * int64(d) * int64(k)
}

func hashed(d, k int) bool { return int64(d)*int64(k) > storedLimit }

// storedLimit is MaxStored; tests lower it to hash small maps.
var storedLimit int64 = MaxStored

// newHashed returns the hashed map from d to k dimensions (Kane and
// Nelson 2014, the block construction). The k outputs are cut into
// s = min(8, k) blocks; in every block, input coordinate j adds ±x_j/√s
// to one output, the output and the sign chosen by a hash of (seed, j).
// Each block is a CountSketch, an unbiased estimate of ‖x‖² whose
// variance is 2(‖x‖⁴ − Σx_j⁴)/(k/s); the s blocks are independent,
// so ‖f(x)‖² estimates ‖x‖² with variance 2(‖x‖⁴ − Σx_j⁴)/k, no more than
// Achlioptas's map. The first and the last halves of the blocks are two
// such maps to k/2 dimensions (scaled by 1/√2, which no tree notices),
// so the Richardson correction of ProjectedN1 applies as it does to New's
// stored maps.
//
// Applying it costs two hashes and s additions per input value, and no
// memory beyond the outputs; the sums are float64 in a fixed order, so
// the projections are the same on every platform.
func newHashed(d, k int, seed uint64) *Map {
	return &Map{d: d, k: k, seed: seed, kind: HashedJL}
}

// applyHashed projects n rows of x into dst by the hashed map. Two hashes
// of (seed, j) give the 16-bit choices of all s ≤ 8 blocks for input j:
// the top bit the sign, the other 15 the output within the block
// (multiply-shift, exact for blocks of a power-of-two size such as 32,
// within size/2¹⁵ of uniform otherwise).
func (p *Map) applyHashed(dst, x []float32, n int) {
	d, k := p.d, p.k
	s := min(hashedBlocks, k)
	var lo, size [hashedBlocks]uint64
	for b := range s {
		lo[b] = uint64(b * k / s)
		size[b] = uint64((b+1)*k/s) - lo[b]
	}
	key := mix(p.seed ^ mapStream)
	acc := make([]float64, n*k)
	for j := range d {
		h := [2]uint64{mix(key + 2*uint64(j)), mix(key + 2*uint64(j) + 1)}
		for b := range s {
			f := h[b/4] >> (16 * (b % 4)) & 0xffff
			out := int(lo[b] + (f&0x7fff)*size[b]>>15)
			sign := float64(1 - 2*int(f>>15)) // no branch to mispredict
			for r := range n {
				acc[r*k+out] += sign * float64(x[r*d+j])
			}
		}
	}
	scale := 1 / math.Sqrt(float64(s))
	for i, v := range acc {
		dst[i] = float32(v * scale)
	}
}

// mix is SplitMix64's finaliser: a bijection of the 64-bit words whose
// outputs for consecutive inputs pass statistical tests of independence.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
