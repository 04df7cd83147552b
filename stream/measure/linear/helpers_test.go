package linear

import (
	"testing"

	"cxray/internal/fixture"
)

// loadIris reads fixtures/iris.csv: 150 points of 4 float32 features and
// labels 0, 1, 2 for setosa, versicolor, virginica (R's factor order).
func loadIris(t testing.TB) ([]float32, []int32) {
	t.Helper()
	x, y, _, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		t.Fatal(err)
	}
	return fixture.Float32(x), y
}

// loadIris64 reads iris's features as float64, as R holds them.
func loadIris64(t testing.TB) []float64 {
	t.Helper()
	x, _, _, err := fixture.CSV("fixtures/iris.csv", "species", 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}
