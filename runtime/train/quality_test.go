package train

import (
	"os"
	"testing"
	"time"
)

// TestQuality checks the accuracy the defaults reach on MNIST. It takes
// about half a minute on two cores, so it runs only when asked:
//
//	CXRAY_TRAIN_QUALITY=1 go test ./runtime/train/ -run Quality -v
func TestQuality(t *testing.T) {
	if os.Getenv("CXRAY_TRAIN_QUALITY") == "" {
		t.Skip("set CXRAY_TRAIN_QUALITY=1 to train lenet5 and mlp:256,128 on 10000 MNIST images")
	}
	train, test := mnist(t)
	data := subset(t, train, 10000, 1)
	for _, c := range []struct {
		spec   string
		epochs int
		want   float64
	}{
		{"lenet5", 3, 0.96},
		{"mlp:256,128", 5, 0.94},
	} {
		t.Run(c.spec, func(t *testing.T) {
			m := mustNew(t, c.spec, Config{Seed: 1})
			start := time.Now()
			for ep := range c.epochs {
				loss, acc, err := m.TrainEpoch(data, uint64(ep), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("epoch %d: train loss %.4f, train accuracy %.4f, %v", ep+1, loss, acc, time.Since(start).Round(time.Millisecond))
			}
			trained := time.Since(start)
			loss, acc, err := m.Evaluate(test)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("test loss %.4f, test accuracy %.4f; training %v, evaluation %v", loss, acc,
				trained.Round(time.Millisecond), (time.Since(start) - trained).Round(time.Millisecond))
			if acc < c.want {
				t.Errorf("test accuracy %.4f, want at least %.2f", acc, c.want)
			}
		})
	}
}
