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

// The marks are the vertices CrossVertices counts; the pairs count each
// cross edge once, under its ordered pair of classes.
func TestCrossMarksAndPairs(t *testing.T) {
	// Path 0-1-2-3-4 with labels 0 2 2 1 0: edges (0,1) 0|2, (2,3) 2|1,
	// (3,4) 1|0 cross; (1,2) does not.
	parent := []int{-1, 0, 1, 2, 3}
	labels := []int32{0, 2, 2, 1, 0}
	marks := CrossMarks(parent, labels)
	want := []bool{true, true, true, true, true}
	for i := range want {
		if marks[i] != want[i] {
			t.Fatalf("marks %v, want %v", marks, want)
		}
	}
	pairs := CrossPairs(parent, labels)
	wantPairs := []CrossPair{{0, 1, 1}, {0, 2, 1}, {1, 2, 1}}
	if len(pairs) != len(wantPairs) {
		t.Fatalf("pairs %v, want %v", pairs, wantPairs)
	}
	for i := range pairs {
		if pairs[i] != wantPairs[i] {
			t.Fatalf("pairs %v, want %v", pairs, wantPairs)
		}
	}
	labels = []int32{0, 0, 0, 1, 1}
	if m := CrossMarks(parent, labels); m[0] || m[1] || !m[2] || !m[3] || m[4] {
		t.Errorf("marks %v: want only 2 and 3", m)
	}
	if p := CrossPairs(parent, labels); len(p) != 1 || p[0] != (CrossPair{0, 1, 1}) {
		t.Errorf("pairs %v, want one edge between 0 and 1", p)
	}
}
