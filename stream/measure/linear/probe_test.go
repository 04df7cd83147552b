package linear

import (
	"math/rand/v2"
	"testing"
)

func TestProbeIris(t *testing.T) {
	x, y := loadIris(t)
	r, err := LinearProbe(x, 4, y, ProbeOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
	// Iris is nearly linearly separable: softmax regression scores ~96-100%.
	if r.NTest != 39 || r.NTrain != 111 {
		t.Errorf("split %d/%d, want 111/39 (13 of every 50 held out)", r.NTrain, r.NTest)
	}
	if r.Accuracy < 0.9 || r.TrainAccuracy < 0.9 {
		t.Errorf("accuracy %v (train %v), want > 0.9", r.Accuracy, r.TrainAccuracy)
	}
	again, _ := LinearProbe(x, 4, y, ProbeOptions{Seed: 1})
	if again != r {
		t.Errorf("not deterministic: %+v vs %+v", again, r)
	}
}

// Random labels cannot be decoded: held-out accuracy is near chance.
func TestProbeChance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d, k = 800, 30, 4
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(rng.IntN(k))
	}
	r, err := LinearProbe(x, d, y, ProbeOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Accuracy > 0.35 {
		t.Errorf("accuracy on random labels %v, want about 0.25", r.Accuracy)
	}
	// The same points with labels carried by feature 0 are decodable.
	for i := range y {
		x[i*d] += 3 * float32(y[i])
	}
	r, _ = LinearProbe(x, d, y, ProbeOptions{Seed: 3})
	if r.Accuracy < 0.8 {
		t.Errorf("accuracy on decodable labels %v", r.Accuracy)
	}
}
