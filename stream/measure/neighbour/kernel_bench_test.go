package neighbour

import "testing"

// BenchmarkKeys: one point against 64 others, d = 4704 (ns per pair).
func BenchmarkKeys(b *testing.B) {
	d := 4704
	x := randPoints(65, d, 1)
	out := make([]float64, 64)
	for _, k := range []Distance{Euclidean, Gower} {
		m, _ := NewMetric(k, x, d)
		b.Run(k.String(), func(b *testing.B) {
			for b.Loop() {
				m.keysRange(x[:d], x, 1, 65, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/64/float64(d), "ns/elem")
		})
	}
}
