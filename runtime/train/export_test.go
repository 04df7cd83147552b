package train

import (
	"math"
	"testing"

	"cxray/runtime"
)

// TestGraphMatchesGorgonia checks that cxray/runtime, running the exported
// graph, computes the logits gorgonia computes, after some training (so
// that no weight is at its initial value) and on a batch size that is not
// the training one.
func TestGraphMatchesGorgonia(t *testing.T) {
	train, test := mnist(t)
	data := subset(t, train, 200, 1)
	const n = 37
	x := test.Float(0, n)
	for _, spec := range []string{"lenet5", "mlp:64,32", "cnn:4,8/16", "cnn:3,5,7,9"} {
		t.Run(spec, func(t *testing.T) {
			m := mustNew(t, spec, Config{Seed: 5, Batch: 50})
			if _, _, err := m.TrainEpoch(data, 1, nil); err != nil {
				t.Fatal(err)
			}
			want, err := m.Forward(x, n)
			if err != nil {
				t.Fatal(err)
			}
			g, err := m.Graph()
			if err != nil {
				t.Fatal(err)
			}
			for _, node := range g.Nodes {
				if node.Name == "" {
					t.Errorf("a %s node has no name", node.OpType)
				}
			}
			e, err := runtime.New(g)
			if err != nil {
				t.Fatal(err)
			}
			var got []float32
			err = e.Run(&runtime.Tensor{Shape: []int{n, 1, 28, 28}, Data: x}, func(name string, v *runtime.Tensor) error {
				if name == "output" {
					got = append([]float32(nil), v.Data...)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("runtime gave %d logits, gorgonia %d", len(got), len(want))
			}
			var scale, worst float64
			for i := range want {
				scale = max(scale, math.Abs(float64(want[i])))
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			if worst > 1e-5*scale {
				t.Errorf("largest difference %.3g, %.3g relative to the largest logit", worst, worst/scale)
			}
			t.Logf("largest difference %.3g relative", worst/scale)
		})
	}
}

// TestGraphIsACopy checks that training after Graph does not change it.
func TestGraphIsACopy(t *testing.T) {
	train, _ := mnist(t)
	m := mustNew(t, "mlp:8", Config{Seed: 1})
	g, err := m.Graph()
	if err != nil {
		t.Fatal(err)
	}
	before := g.Initializers["fc1.weight"].Float[0]
	if _, _, err := m.TrainEpoch(subset(t, train, 64, 1), 1, nil); err != nil {
		t.Fatal(err)
	}
	if g.Initializers["fc1.weight"].Float[0] != before {
		t.Error("training changed an exported graph")
	}
}
