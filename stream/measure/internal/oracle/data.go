package oracle

import (
	"math/rand/v2"
	"testing"

	"cxray/internal/fixture"
)

// Iris reads fixtures/iris.csv as the estimators get it: four float32
// features (parsed at 32 bits) and the species numbered 0, 1, 2.
func Iris(t testing.TB) ([]float32, []int32) {
	t.Helper()
	x, y, _, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		t.Fatalf("iris fixture: %v", err)
	}
	return fixture.Float32(x), y
}

// MNIST returns the first count images of a set ("train" or "t10k") as
// float32 pixels k/255, 784 per image, and their labels.
func MNIST(t testing.TB, set string, count int) ([]float32, []int32) {
	t.Helper()
	x, y, err := fixture.MNIST(set, count)
	if err != nil {
		t.Fatal(err)
	}
	return x, y
}

// RandomSet returns n points of d coordinates: standard normal, or with
// ints drawn from {0, 1, 2}, so that squared distances tie and points
// repeat.
func RandomSet(rng *rand.Rand, n, d int, ints bool) []float32 {
	x := make([]float32, n*d)
	for i := range x {
		if ints {
			x[i] = float32(rng.IntN(3))
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}
