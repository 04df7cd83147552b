package project

import (
	"math"
	"testing"
)

// A map past MaxStored entries is hashed and stores nothing; every input
// coordinate adds ±1/√s to exactly one output of each of the s blocks.
func TestHashedColumns(t *testing.T) {
	const d, k = MaxStored/256 + 1, 256 // the real limit
	p := New(d, k, 9)
	if p.Kind() != HashedJL || p.Bytes() != 0 || StoredBytes(d, k) != 0 || StoredBytes(d-1, k) != 4*(d-1)*k || p.Check() != nil || !p.Plain() {
		t.Fatalf("New(%d, %d): kind %s, %d bytes, check %v", d, k, p.Kind(), p.Bytes(), p.Check())
	}
	s := min(hashedBlocks, k)
	want := float32(1 / math.Sqrt(float64(s)))
	x := make([]float32, d)
	y := make([]float32, k)
	used := make([]int, k)
	for _, j := range []int{0, 1, 2, d / 2, d - 1} {
		clear(x)
		x[j] = 1
		p.Apply(y, x, 1)
		for b := range s {
			nz := 0
			for o := b * k / s; o < (b+1)*k/s; o++ {
				if y[o] != 0 {
					nz++
					used[o]++
					if y[o] != want && y[o] != -want {
						t.Errorf("column %d, output %d: %v, want ±%v", j, o, y[o], want)
					}
				}
			}
			if nz != 1 {
				t.Errorf("column %d, block %d: %d non-zero outputs, want 1", j, b, nz)
			}
		}
	}
}

// ‖f(x)‖² is an unbiased estimate of ‖x‖² with variance at most 2‖x‖⁴/k:
// over 400 seeds, its mean is within 4 standard errors of ‖x‖², and its
// variance within a third of 2/k (a dense x, so Σx_j⁴ ≪ ‖x‖⁴).
func TestHashedNorms(t *testing.T) {
	defer lowerStoredLimit(1000)()
	const d, k, seeds = 4000, 64, 400
	x := normal(d, 3)
	var norm float64
	for _, v := range x {
		norm += float64(v) * float64(v)
	}
	y := make([]float32, k)
	var sum, sumSq float64
	for seed := range uint64(seeds) {
		New(d, k, seed).Apply(y, x, 1)
		var r float64
		for _, v := range y {
			r += float64(v) * float64(v)
		}
		r /= norm
		sum += r
		sumSq += r * r
	}
	mean := sum / seeds
	variance := sumSq/seeds - mean*mean
	if se := math.Sqrt(2.0 / k / seeds); math.Abs(mean-1) > 4*se {
		t.Errorf("mean ‖f(x)‖²/‖x‖² = %.4f over %d seeds, want 1 ± %.4f", mean, seeds, 4*se)
	}
	if math.Abs(variance/(2.0/k)-1) > 1.0/3 {
		t.Errorf("variance %.5f, want 2/k = %.5f", variance, 2.0/k)
	}
}

// Rows are projected alike alone or in a batch, bit for bit, and the map
// survives marshalling with no matrix.
func TestHashedBatchAndMarshal(t *testing.T) {
	defer lowerStoredLimit(1000)()
	const d, k, n = 300, 128, 3
	p := New(d, k, 5)
	x := normal(n*d, 1)
	all := make([]float32, n*k)
	p.Apply(all, x, n)
	data, err := p.MarshalBinary()
	if err != nil || len(data) > 1024 {
		t.Fatalf("MarshalBinary: %d bytes, %v", len(data), err)
	}
	q := new(Map)
	if err := q.UnmarshalBinary(data); err != nil || !q.Equal(p) || q.Kind() != HashedJL {
		t.Fatalf("UnmarshalBinary: %v, equal %v", err, q.Equal(p))
	}
	one := make([]float32, k)
	for r := range n {
		q.Apply(one, x[r*d:(r+1)*d], 1)
		for o := range k {
			if math.Float32bits(one[o]) != math.Float32bits(all[r*k+o]) {
				t.Fatalf("row %d output %d: %v alone, %v in the batch", r, o, one[o], all[r*k+o])
			}
		}
	}
}

// lowerStoredLimit hashes maps of more than limit entries until the
// returned function restores the limit.
func lowerStoredLimit(limit int64) func() {
	old := storedLimit
	storedLimit = limit
	return func() { storedLimit = old }
}

// A VGG's first convolution at 224×224 (3,211,264 values) to 256
// dimensions, two rows a call.
func BenchmarkHashedApply(b *testing.B) {
	const d, k, n = 3211264, 256, 2
	p := New(d, k, 1)
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	y := make([]float32, n*k)
	b.SetBytes(4 * n * d)
	for b.Loop() {
		p.Apply(y, x, n)
	}
}
