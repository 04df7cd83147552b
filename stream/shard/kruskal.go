package shard

import (
	"cmp"
	"slices"

	"cxray/sql"
)

// Less is the total order on edges: squared distance, then the smaller
// end, then the larger.
func Less(a, b sql.Edge) bool { return compareEdges(a, b) < 0 }

func compareEdges(a, b sql.Edge) int {
	if c := cmp.Compare(a.D2, b.D2); c != 0 {
		return c
	}
	if c := cmp.Compare(min(a.U, a.V), min(b.U, b.V)); c != 0 {
		return c
	}
	return cmp.Compare(max(a.U, a.V), max(b.U, b.V))
}

// Kruskal returns the minimum spanning tree of the n vertices 0..n-1 under
// the total order, from edges that contain it (duplicates allowed). It
// sorts edges in place. The tree has n−1 edges unless the edges do not
// connect every vertex.
func Kruskal(n int, edges []sql.Edge) []sql.Edge {
	slices.SortFunc(edges, compareEdges)
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]] // path halving
			v = parent[v]
		}
		return v
	}
	tree := make([]sql.Edge, 0, max(n-1, 0))
	for _, e := range edges {
		a, b := find(int32(e.U)), find(int32(e.V))
		if a == b {
			continue
		}
		parent[a] = b
		tree = append(tree, e)
		if len(tree) == n-1 {
			break
		}
	}
	return tree
}

// CrossVertices counts the vertices on at least one tree edge whose ends
// have different labels: N1 times n.
func CrossVertices(tree []sql.Edge, labels []int32) int {
	on := make([]bool, len(labels))
	count := 0
	for _, e := range tree {
		if labels[e.U] == labels[e.V] {
			continue
		}
		for _, v := range [2]int64{e.U, e.V} {
			if !on[v] {
				on[v] = true
				count++
			}
		}
	}
	return count
}
