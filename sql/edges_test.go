package sql

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestEdgesRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.parquet")
	want := []Edge{{0, 1, 0.5}, {7, 3, 0}, {2, 1 << 40, 1e300}}
	if err := WriteEdges(t.Context(), path, 4, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadEdges(t.Context(), path, 4)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("read back %v, %v; want %v", got, err, want)
	}
	if _, err := ReadEdges(t.Context(), path, 5); err == nil {
		t.Error("edges of layer 4 read as layer 5")
	}
}
