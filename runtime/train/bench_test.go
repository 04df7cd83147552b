package train

import (
	"testing"
)

// BenchmarkTrain measures training throughput (forward, backward and the
// optimizer step) at batch 64, in samples/s, to compare with
// scripts/train/torch_train_bench.py. Random-free: it uses MNIST images.
//
//	go test ./runtime/train/ -run XXX -bench Train -benchtime 100x
func BenchmarkTrain(b *testing.B) {
	train, _ := mnist(b)
	for _, c := range []struct{ spec, opt string }{
		{"lenet5", "adam"}, {"lenet5", "sgd"}, {"mlp:256,128", "adam"}, {"mlp:256,128", "sgd"},
	} {
		b.Run(c.spec+"/"+c.opt, func(b *testing.B) {
			const bs = 64
			data := subset(b, train, bs, 1)
			m := mustNew(b, c.spec, Config{Seed: 1, Batch: bs, Optimizer: c.opt, Momentum: map[string]float64{"sgd": 0.9}[c.opt]})
			if _, _, err := m.TrainEpoch(data, 0, nil); err != nil { // builds the graph
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := m.TrainEpoch(data, uint64(i), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*bs)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
