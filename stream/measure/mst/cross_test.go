package mst

import "testing"

func TestCrossVertices(t *testing.T) {
	// Star 0-1, 0-2, 0-3 with labels a b a b: 0, 1 and 3 count once each.
	if got := CrossVertices([]int{-1, 0, 0, 0}, []int32{0, 1, 0, 1}); got != 3 {
		t.Errorf("CrossVertices = %d, want 3", got)
	}
	if got := CrossVertices([]int{-1, 0, 9}, []int32{0, 0, 1}); got != 0 {
		t.Errorf("CrossVertices with an out-of-range parent = %d, want 0", got)
	}
}

// The insertion tree's int32 parents count like Build's.
func TestCrossVerticesInt32(t *testing.T) {
	if got := CrossVertices([]int32{-1, 0, 0, 0}, []int32{0, 1, 0, 1}); got != 3 {
		t.Errorf("CrossVertices = %d, want 3", got)
	}
}
