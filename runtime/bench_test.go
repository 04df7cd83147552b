package runtime

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"cxray/importer"
)

// benchForward runs a fixture model on batches of 64 random samples and
// reports throughput in samples/s, with a no-op tap so that the cost of
// handing out every node output is included.
func benchForward(b *testing.B, stem string, sample ...int) {
	g, err := importer.Load(filepath.Join(fixtureDir, stem+".onnx"))
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(g)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 64
	x := randT(rand.New(rand.NewPCG(1, 2)), append([]int{batch}, sample...)...)
	tap := func(string, *Tensor) error { return nil }
	if err := e.Run(x, tap); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := e.Run(x, tap); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkLeNetForward(b *testing.B) { benchForward(b, "lenet5_op13", 1, 28, 28) }

func BenchmarkMLPForward(b *testing.B) { benchForward(b, "mlp_op13", 784) }

func BenchmarkResCNNForward(b *testing.B) { benchForward(b, "rescnn_op13", 1, 28, 28) }

func BenchmarkBNCNNForward(b *testing.B) { benchForward(b, "bncnn_op13", 1, 28, 28) }
