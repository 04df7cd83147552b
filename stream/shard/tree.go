package shard

import (
	"math"

	"cxray/sql"
	"cxray/stream/measure/mst"
)

// TreeFunc returns the minimum spanning tree of the n = len(x)/dim points
// x under the total order on edges (squared distance as mst.SqDist
// computes it, then the smaller index, then the larger): parent[v] is the
// vertex v hangs from (-1 for the root) and weight[v] the edge's squared
// distance.
type TreeFunc func(x []float32, dim int) (parent []int, weight []float64, err error)

// Tree is the tree cxray's engine builds under the Total rule (mst.Build:
// float32 products bound the distances, exact ones decide), with a
// workspace of at most workspace bytes beside the points.
func Tree(workspace int64) TreeFunc {
	return func(x []float32, dim int) ([]int, []float64, error) {
		t, err := mst.Build(x, dim, &mst.Options{Ties: mst.Total, MaxWorkspace: workspace})
		if err != nil {
			return nil, nil, err
		}
		return t.Parent, t.Weight, nil
	}
}

// DenseTree is dense Prim under the total order: n(n−1)/2 exact distances.
// Under a strict total order every correct algorithm finds the same tree,
// so this is the reference the fast trees are checked against.
func DenseTree(x []float32, dim int) ([]int, []float64, error) {
	n := len(x) / dim
	key := make([]float64, n)
	parent := make([]int, n)
	in := make([]bool, n)
	for v := range key {
		key[v], parent[v] = math.Inf(1), -1
	}
	edge := func(v int) sql.Edge { return sql.Edge{U: int64(parent[v]), V: int64(v), D2: key[v]} }
	for u := 0; u >= 0; {
		in[u] = true
		next := -1
		for v := range n {
			if in[v] {
				continue
			}
			d := mst.SqDist(x[u*dim:(u+1)*dim], x[v*dim:(v+1)*dim], nil)
			if parent[v] < 0 || Less(sql.Edge{U: int64(u), V: int64(v), D2: d}, edge(v)) {
				key[v], parent[v] = d, u
			}
			if next < 0 || Less(edge(v), edge(next)) {
				next = v
			}
		}
		u = next
	}
	key[0] = 0
	return parent, key, nil
}
