package mst

import (
	"cmp"
	"slices"
)

// CrossVertices counts the vertices incident to at least one tree edge
// (parent[v], v) whose ends carry different labels: N1's numerator. A
// vertex is counted once however many such edges it has. Entries of
// parent outside [0, len(labels)) are roots and ignored.
func CrossVertices[P int | int32](parent []P, labels []int32) int {
	c := 0
	for _, on := range CrossMarks(parent, labels) {
		if on {
			c++
		}
	}
	return c
}

// CrossMarks marks the vertices CrossVertices counts: on[v] is true when v
// is an end of a tree edge (parent[v], v) or (v, w) whose ends carry
// different labels. It is each point's part in N1, which is the mean of
// the marks.
func CrossMarks[P int | int32](parent []P, labels []int32) []bool {
	on := make([]bool, len(labels))
	for v, p := range parent {
		if p < 0 || int(p) >= len(labels) || v >= len(labels) || labels[p] == labels[v] {
			continue
		}
		on[p], on[v] = true, true
	}
	return on
}

// CrossPair counts the tree edges that join class A to class B, A < B.
type CrossPair struct {
	A, B  int32
	Edges int
}

// CrossPairs counts the tree edges between every pair of classes that has
// at least one, ordered by (A, B). Their sum is the number of cross-class
// edges; a tree of n points has n-1 edges in all.
func CrossPairs[P int | int32](parent []P, labels []int32) []CrossPair {
	count := map[[2]int32]int{}
	for v, p := range parent {
		if p < 0 || int(p) >= len(labels) || v >= len(labels) || labels[p] == labels[v] {
			continue
		}
		a, b := labels[p], labels[v]
		count[[2]int32{min(a, b), max(a, b)}]++
	}
	out := make([]CrossPair, 0, len(count))
	for k, c := range count {
		out = append(out, CrossPair{A: k[0], B: k[1], Edges: c})
	}
	slices.SortFunc(out, func(x, y CrossPair) int {
		if x.A != y.A {
			return cmp.Compare(x.A, y.A)
		}
		return cmp.Compare(x.B, y.B)
	})
	return out
}
