package train

import (
	"math"
	"runtime"
	"testing"
)

// TestDeterminism trains the same model twice, and once more on one core,
// and requires bitwise-equal losses and weights.
func TestDeterminism(t *testing.T) {
	train, _ := mnist(t)
	data := subset(t, train, 300, 7)
	for _, spec := range []string{"lenet5", "mlp:32,16"} {
		t.Run(spec, func(t *testing.T) {
			run := func() ([]float64, [][]float32) {
				m := mustNew(t, spec, Config{Seed: 11, Batch: 64})
				var losses []float64
				for ep := range 2 {
					_, _, err := m.TrainEpoch(data, uint64(100+ep), func(_ int, loss float64) error {
						losses = append(losses, loss)
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
				}
				var w [][]float32
				for _, p := range m.params {
					w = append(w, p.data)
				}
				return losses, w
			}
			l1, w1 := run()
			l2, w2 := run()
			prev := runtime.GOMAXPROCS(1)
			l3, w3 := run()
			runtime.GOMAXPROCS(prev)
			for name, c := range map[string]struct {
				l []float64
				w [][]float32
			}{"second run": {l2, w2}, "run on one core": {l3, w3}} {
				for i := range l1 {
					if math.Float64bits(l1[i]) != math.Float64bits(c.l[i]) {
						t.Errorf("%s: step %d loss %v, first run %v", name, i+1, c.l[i], l1[i])
						break
					}
				}
				for i := range w1 {
					for j := range w1[i] {
						if math.Float32bits(w1[i][j]) != math.Float32bits(c.w[i][j]) {
							t.Errorf("%s: weight %d[%d] is %v, first run %v", name, i, j, c.w[i][j], w1[i][j])
							break
						}
					}
				}
			}
		})
	}
}
