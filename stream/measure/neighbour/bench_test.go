package neighbour

import (
	"math/rand/v2"
	"testing"
	"time"
)

// lenetLike makes n points of dimension d in 10 classes: class means
// drawn once, unit noise, non-negative like ReLU activations.
func lenetLike(n, d int) ([]float32, []int32) {
	r := rand.New(rand.NewPCG(1, 2))
	means := make([]float64, 10*d)
	for i := range means {
		means[i] = 2 * r.Float64()
	}
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		c := i % 10
		y[i] = int32(c)
		for j := range d {
			v := means[c*d+j] + r.NormFloat64()
			x[i*d+j] = float32(max(v, 0))
		}
	}
	return x, y
}

// BenchmarkLeNetLayer: all measures of one LeNet-sized layer (n = 2000)
// at the widest layer (d = 4704, 6×28×28) and narrower ones. build-s,
// n1-s, n4-s and others-s are wall times; cpu-s is the CPU time of the
// whole iteration (on a shared machine the wall times stretch).
func BenchmarkLeNetLayer(b *testing.B) {
	for _, d := range []int{84, 1176, 4704} {
		x, y := lenetLike(2000, d)
		for _, dist := range []Distance{Euclidean, Gower} {
			b.Run(dist.String()+"/d="+itoa(d), func(b *testing.B) {
				o := DefaultOptions()
				o.Distance = dist
				var build, n1, n4, rest time.Duration
				c0 := cpuTime()
				for b.Loop() {
					t0 := time.Now()
					nb, err := Build(x, d, y, &o)
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					nb.N1()
					t2 := time.Now()
					nb.N4()
					t3 := time.Now()
					nb.N2()
					nb.N3()
					nb.T1()
					nb.LSC()
					nb.Density()
					nb.ClsCoef()
					nb.Hubs()
					nb.TwoNN()
					t4 := time.Now()
					build += t1.Sub(t0)
					n1 += t2.Sub(t1)
					n4 += t3.Sub(t2)
					rest += t4.Sub(t3)
				}
				k := float64(b.N)
				b.ReportMetric((cpuTime()-c0).Seconds()/k, "cpu-s")
				b.ReportMetric(build.Seconds()/k, "build-s")
				b.ReportMetric(n1.Seconds()/k, "n1-s")
				b.ReportMetric(n4.Seconds()/k, "n4-s")
				b.ReportMetric(rest.Seconds()/k, "others-s")
			})
		}
	}
}

func itoa(v int) string {
	s := ""
	for v > 0 || s == "" {
		s = string(rune('0'+v%10)) + s
		v /= 10
	}
	return s
}
