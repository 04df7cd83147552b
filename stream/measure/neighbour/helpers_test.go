package neighbour

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// readCSV reads a fixture CSV with a header: every column but label is a
// float feature; labels (strings or numbers) are numbered in order of
// first appearance.
func readCSV(t testing.TB, rel, label string) (x []float32, labels []int32, dim int) {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	li := -1
	for j, h := range rows[0] {
		if h == label {
			li = j
		}
	}
	if li < 0 {
		t.Fatalf("%s: no column %q in %v", rel, label, rows[0])
	}
	dim = len(rows[0]) - 1
	ids := map[string]int32{}
	for _, r := range rows[1:] {
		for j, v := range r {
			if j == li {
				continue
			}
			p, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = append(x, float32(p))
		}
		id, ok := ids[r[li]]
		if !ok {
			id = int32(len(ids))
			ids[r[li]] = id
		}
		labels = append(labels, id)
	}
	return x, labels, dim
}
