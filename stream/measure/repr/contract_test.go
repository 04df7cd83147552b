package repr

import (
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/contracttest"
)

// classStream returns a stream of up to 120 points of dx features in 3
// classes around separated means, with a second representation of dy
// features (a noisy linear map of the first) when dy > 0.
func classStream(dx, dy int) func(*rand.Rand) measure.Batch {
	return func(rng *rand.Rand) measure.Batch {
		n := 24 + rng.IntN(100)
		b := measure.Batch{X: make([]float32, n*dx), Labels: make([]int32, n)}
		if dy > 0 {
			b.Y = make([]float32, n*dy)
		}
		for i := range n {
			c := rng.IntN(3)
			b.Labels[i] = int32(c)
			for j := range dx {
				b.X[i*dx+j] = float32(float64(3*c*(j%2)) + rng.NormFloat64())
			}
			for j := range dy {
				b.Y[i*dy+j] = b.X[i*dx+j%dx]*float32(j+1) + float32(0.3*rng.NormFloat64())
			}
		}
		return b
	}
}

// ckaCase is CKA between representations of 3 and 2 features. Merging
// regroups three float64 sums over the batches.
func ckaCase() contracttest.Case[*CKA] {
	return contracttest.Case[*CKA]{
		New:    func(int) *CKA { return NewCKA(3, 2) },
		Zero:   func() *CKA { return new(CKA) },
		Other:  func() *CKA { return NewCKA(2, 3) },
		Stream: classStream(3, 2),
		Read: func(c *CKA) ([]float64, error) {
			return []float64{c.Value(), float64(c.Batches()), float64(c.N()), c.xy, c.xx, c.yy}, nil
		},
		Tol:      1e-12,
		MinBatch: 4,
		FuzzRead: true,
	}
}

// nc1Case is NC1Moments of 4 features.
func nc1Case() contracttest.Case[*NC1Moments] {
	return contracttest.Case[*NC1Moments]{
		New:    func(int) *NC1Moments { return NewNC1Moments(4) },
		Zero:   func() *NC1Moments { return new(NC1Moments) },
		Other:  func() *NC1Moments { return NewNC1Moments(5) },
		Stream: classStream(4, 0),
		Read: func(m *NC1Moments) ([]float64, error) {
			v, err := m.Value()
			out := []float64{v, float64(m.N())}
			d := m.dim
			for i := range d * min(1, len(m.w)) {
				out = append(out, m.w[i*d+i:(i+1)*d]...)
			}
			return out, err
		},
		// S_W regroups float64 sums; NC1 divides by squared eigenvalues.
		Tol:      1e-9,
		FuzzRead: true,
	}
}

func TestCKAContract(t *testing.T)        { contracttest.Run(t, ckaCase()) }
func TestNC1MomentsContract(t *testing.T) { contracttest.Run(t, nc1Case()) }

func FuzzUnmarshalCKA(f *testing.F)        { contracttest.Fuzz(f, ckaCase()) }
func FuzzUnmarshalNC1Moments(f *testing.F) { contracttest.Fuzz(f, nc1Case()) }
