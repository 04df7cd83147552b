package feature

import (
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/contracttest"
)

// momentsCase is the contract test's description of Moments of dim
// features, with co-moments or not: a stream of up to 4 classes with
// features on different scales and offsets.
func momentsCase(dim int, comoments bool) contracttest.Case[*Moments] {
	return contracttest.Case[*Moments]{
		New:   func(int) *Moments { return NewMoments(dim, comoments) },
		Zero:  func() *Moments { return &Moments{} },
		Other: func() *Moments { return NewMoments(dim, !comoments) },
		Stream: func(rng *rand.Rand) measure.Batch {
			n, k := 20+rng.IntN(80), 2+rng.IntN(3)
			b := measure.Batch{X: make([]float32, n*dim), Labels: make([]int32, n)}
			for i := range n {
				c := rng.IntN(k)
				b.Labels[i] = int32(3 * c) // labels need not be 0..k-1
				for j := range dim {
					b.X[i*dim+j] = float32(float64(c+j)*10 + float64(j+1)*rng.NormFloat64())
				}
			}
			return b
		},
		Read: readMoments,
		// Chan et al.'s update regroups float64 sums: the merged moments
		// agree with the whole stream's to a few ulps, the measures read
		// from them (a pseudo-inverse for F1v, an eigendecomposition for
		// T3 and T4) to 1e-9.
		Tol:      1e-9,
		FuzzRead: true,
	}
}

// readMoments is every number a Moments state gives: the counts and, per
// class, its statistics, then every measure read from it.
func readMoments(m *Moments) ([]float64, error) {
	var out []float64
	for _, c := range m.sorted() {
		out = append(out, float64(c.label), float64(c.N))
		out = append(out, c.Min...)
		out = append(out, c.Max...)
		out = append(out, c.Mean...)
		out = append(out, c.M2...)
		out = append(out, c.c...)
	}
	out = append(out, F1Features(m)...)
	out = append(out, F2Pairs(m)...)
	out = append(out, T2(m), C1(m.Counts()), C2(m.Counts()))
	if m.HasComoments() {
		t3, t4 := T3T4(m)
		out = append(out, F1vPairs(m)...)
		out = append(out, t3, t4)
	}
	return out, nil
}

func TestMomentsContract(t *testing.T) {
	contracttest.Run(t, momentsCase(3, false))
	contracttest.Run(t, momentsCase(4, true))
}

func FuzzUnmarshalMoments(f *testing.F) { contracttest.Fuzz(f, momentsCase(2, true)) }
