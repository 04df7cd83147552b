package train

import (
	"math"
	"testing"
)

// TestGradients compares every layer's analytic gradients with central
// differences of the loss, on a few weights of each parameter.
func TestGradients(t *testing.T) {
	train, _ := mnist(t)
	data := subset(t, train, 20, 3)
	idx := make([]int, data.Len())
	for i := range idx {
		idx[i] = i
	}
	for _, spec := range []string{"cnn:3,4/8", "lenet5", "mlp:16,8"} {
		t.Run(spec, func(t *testing.T) {
			m := mustNew(t, spec, Config{Seed: 2})
			tr, err := m.net(len(idx), true)
			if err != nil {
				t.Fatal(err)
			}
			data.fill(tr.x, tr.loss.labels, idx)
			if err := tr.run(); err != nil {
				t.Fatal(err)
			}
			grads, err := tr.gradients(m.params)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := m.net(len(idx), false)
			if err != nil {
				t.Fatal(err)
			}
			data.fill(ev.x, ev.loss.labels, idx)
			loss := func() float64 {
				if err := ev.run(); err != nil {
					t.Fatal(err)
				}
				return ev.loss.loss
			}
			for pi, p := range m.params {
				// The weights with the largest gradients, where float32
				// differences are meaningful.
				best := []int{0, 0, 0}
				for j, g := range grads[pi] {
					if math.Abs(float64(g)) > math.Abs(float64(grads[pi][best[2]])) {
						best = []int{best[1], best[2], j}
					}
				}
				for _, j := range best {
					const eps = 1e-4 // small: ReLU kinks lie within 1e-3 of fresh weights
					w := p.data[j]
					p.data[j] = w + eps
					up := loss()
					p.data[j] = w - eps
					down := loss()
					p.data[j] = w
					num := (up - down) / (2 * eps)
					got := float64(grads[pi][j])
					if math.Abs(num-got) > 0.05*math.Abs(num)+2e-4 {
						t.Errorf("%s[%d]: gradient %.6g, central difference %.6g", p.name, j, got, num)
					}
				}
			}
			for _, g := range grads {
				clear(g)
			}
		})
	}
}
