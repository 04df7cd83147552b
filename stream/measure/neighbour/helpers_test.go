package neighbour

import (
	"testing"

	"cxray/internal/fixture"
)

// readCSV reads a fixture CSV with a header: every column but label is a
// float feature; labels (strings or numbers) are numbered in order of
// first appearance.
func readCSV(t testing.TB, rel, label string) (x []float32, labels []int32, dim int) {
	t.Helper()
	raw, labels, dim, err := fixture.CSV(rel, label, 64)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return fixture.Float32(raw), labels, dim
}
