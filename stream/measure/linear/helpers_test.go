package linear

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// repoRoot returns the root of the module, two levels above this package's
// parent.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// loadIris reads fixtures/iris.csv: 150 points of 4 features and labels
// 0, 1, 2 for setosa, versicolor, virginica (R's factor order).
func loadIris(t testing.TB) ([]float32, []int32) {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "fixtures", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	species := map[string]int32{"setosa": 0, "versicolor": 1, "virginica": 2}
	var x []float32
	var y []int32
	for _, r := range rows[1:] {
		for _, s := range r[:4] {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				t.Fatal(err)
			}
			x = append(x, float32(v))
		}
		l, ok := species[r[4]]
		if !ok {
			t.Fatalf("unknown species %q", r[4])
		}
		y = append(y, l)
	}
	return x, y
}

// loadIris64 reads iris's features as float64, as R holds them.
func loadIris64(t testing.TB) []float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "fixtures", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var x []float64
	for _, r := range rows[1:] {
		for _, s := range r[:4] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = append(x, v)
		}
	}
	return x
}
