package train

import "testing"

func TestLossDecreases(t *testing.T) {
	train, _ := mnist(t)
	data := subset(t, train, 300, 1)
	for _, spec := range []string{"mlp:32", "lenet5", "cnn:4,8/16"} {
		t.Run(spec, func(t *testing.T) {
			m := mustNew(t, spec, Config{Seed: 1, Batch: 32})
			var losses []float64
			for ep := range 6 {
				loss, acc, err := m.TrainEpoch(data, uint64(ep), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("epoch %d: loss %.4f acc %.3f", ep+1, loss, acc)
				losses = append(losses, loss)
			}
			if !(losses[5] < losses[0]*0.85) {
				t.Errorf("loss went from %.4f to %.4f; want a decrease of at least 15%%", losses[0], losses[5])
			}
			if m.Steps() != 6*10 {
				t.Errorf("Steps() = %d, want 60", m.Steps())
			}
		})
	}
}
