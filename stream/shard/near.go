package shard

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"

	"cxray/sql"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/neighbour"
	"cxray/stream/tap"
)

// NearFile is the name of layer i's nearest-neighbour partials in a pairs
// task's folder: for every point of the shards the task's pairs touch
// (ascending shard, then sample), the squared distance to its nearest
// point of the same class and of another class among the points of those
// pairs, two float64 little-endian, +Inf where there is none, then the
// sample index of that nearest point of another class (its nearest
// enemy), an int64 little-endian, -1 where there is none: 24 bytes a
// point.
//
// Each is a minimum over a set of points, and the pairs tasks together
// pair every shard with every shard, so the minimum over all tasks is the
// nearest over all points: N2 merges exactly. The enemy is the minimum
// under the total order (squared distance, then the smaller index), so it
// merges exactly too, and is the one a single machine picks under --ties
// total: the nearest, the lowest index on a tie (T1's radii).
func NearFile(i int) string { return fmt.Sprintf("near-%04d.f64", i) }

// nearBytes is the size of a point's entry in a NearFile.
const nearBytes = 24

// wantsNear reports whether the pairs tasks write nearest-neighbour
// partials: for N2, and for T1's radii. (N3 is read from the merged tree.)
func (m *Manifest) wantsNear() bool {
	return slices.Contains(m.measures(), "N2") || m.wantsCovers()
}

// near is a pairs task's nearest-neighbour partials of one layer.
type near struct {
	shards      []int       // the shards the task's pairs touch, ascending
	at          map[int]int // shard -> offset of its points
	bounds      []int       // the manifest's shard bounds
	same, other []float64   // squared distances
	enemy       []int64     // sample index of the nearest of another class
}

func (m *Manifest) newNear(pairs [][2]int) *near {
	p := &near{at: map[int]int{}, bounds: m.Bounds}
	for _, pr := range pairs {
		for _, s := range pr {
			if !slices.Contains(p.shards, s) {
				p.shards = append(p.shards, s)
			}
		}
	}
	slices.Sort(p.shards)
	n := 0
	for _, s := range p.shards {
		p.at[s] = n
		n += m.ShardLen(s)
	}
	p.same, p.other, p.enemy = make([]float64, n), make([]float64, n), make([]int64, n)
	for k := range n {
		p.same[k], p.other[k], p.enemy[k] = math.Inf(1), math.Inf(1), -1
	}
	return p
}

// add takes the minima of the pair of shards i and j (j == i: one shard),
// whose points x, ni of shard i then shard j's, carry labels. Shard i
// comes first and i ≤ j, so the order of the pair's points is that of
// their sample indices, and FindNearest's lowest index on a tie is the
// lowest sample index.
func (p *near) add(x []float32, dim int, labels []int32, i, j, ni int) error {
	nb, err := mst.FindNearest(x, dim, labels, &mst.Options{})
	if err != nil {
		return err
	}
	id := func(v int) int64 {
		if v < ni {
			return int64(p.bounds[i] + v)
		}
		return int64(p.bounds[j] + v - ni)
	}
	for v := range labels {
		k := p.at[i] + v
		if v >= ni {
			k = p.at[j] + v - ni
		}
		p.same[k] = min(p.same[k], nb.SameD2[v])
		if e := nb.Other[v]; e >= 0 {
			p.other[k], p.enemy[k] = nearer(p.other[k], p.enemy[k], nb.OtherD2[v], id(int(e)))
		}
	}
	return nil
}

// write writes the partials into the stage as layer li's NearFile.
func (p *near) write(st *stage, li int) error {
	f, err := st.create(NearFile(li))
	if err != nil {
		return err
	}
	b := make([]byte, 0, nearBytes*len(p.same))
	for k := range p.same {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.same[k]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.other[k]))
		b = binary.LittleEndian.AppendUint64(b, uint64(p.enemy[k]))
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// nearer returns the nearer of two candidates (squared distance d, sample
// index i) under the total order: the smaller distance, then the smaller
// index.
func nearer(d float64, i int64, e float64, j int64) (float64, int64) {
	if e < d || (e == d && (i < 0 || j < i)) {
		return e, j
	}
	return d, i
}

// nearest merges every pairs task's partials of layer li into each point's
// squared distances to its nearest point of the same class and of another
// class, and the sample index of the latter (-1 where there is none).
func (m *Manifest) nearest(dir string, li int) (same, other []float64, enemy []int64, err error) {
	same, other, enemy = make([]float64, m.N), make([]float64, m.N), make([]int64, m.N)
	for k := range same {
		same[k], other[k], enemy[k] = math.Inf(1), math.Inf(1), -1
	}
	for t := range m.PairTasks() {
		p := m.newNear(m.TaskPairs(t))
		path := filepath.Join(TaskDir(dir, KindPairs, t), NearFile(li))
		f, err := openRegular(path)
		if err != nil {
			return nil, nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, nearBytes*int64(len(p.same))+1))
		f.Close()
		if err != nil || len(b) != nearBytes*len(p.same) {
			return nil, nil, nil, fmt.Errorf("%s does not hold %d points' nearest neighbours; run pairs task %d again", path, len(p.same), t)
		}
		for _, s := range p.shards {
			for v := range m.ShardLen(s) {
				o := nearBytes * (p.at[s] + v)
				g := m.Bounds[s] + v
				same[g] = min(same[g], math.Float64frombits(binary.LittleEndian.Uint64(b[o:])))
				d, e := math.Float64frombits(binary.LittleEndian.Uint64(b[o+8:])), int64(binary.LittleEndian.Uint64(b[o+16:]))
				if e < -1 || e >= int64(m.N) || (e < 0) != math.IsInf(d, 1) {
					return nil, nil, nil, fmt.Errorf("%s names sample %d as a nearest neighbour at squared distance %v; run pairs task %d again", path, e, d, t)
				}
				if e >= 0 {
					other[g], enemy[g] = nearer(other[g], enemy[g], d, e)
				}
			}
		}
	}
	return same, other, enemy, nil
}

// NearestInTree returns each vertex's nearest neighbour under the total
// order: the other end of its lightest edge in the tree. Under a strict
// order the lightest edge at a vertex is in the minimum spanning tree
// (the cut between the vertex and the rest), and among the edges at one
// vertex the order is (squared distance, other end's index): the nearest
// point, the lowest index on a tie.
func NearestInTree(n int, tree []sql.Edge) []int64 {
	best := make([]sql.Edge, n)
	for v := range best {
		best[v] = sql.Edge{U: -1, V: -1, D2: math.Inf(1)}
	}
	for _, e := range tree {
		for _, v := range [2]int64{e.U, e.V} {
			if best[v].U < 0 || Less(e, best[v]) {
				best[v] = e
			}
		}
	}
	nn := make([]int64, n)
	for v, e := range best {
		nn[v] = e.U + e.V - int64(v)
		if e.U < 0 {
			nn[v] = -1
		}
	}
	return nn
}

// neighbourRows are the rows of N2, N3 and T1 that the run measures, from
// the merged partials, the merged tree and the covers tasks' covers.
func (m *Manifest) neighbourRows(dir string, li int, tree []sql.Edge, labels []int32) ([]tap.Row, error) {
	var rows []tap.Row
	params := func() map[string]any {
		o := neighbour.DefaultOptions()
		o.TieRTol, o.TotalOrder = 0, true
		return o.Params()
	}
	if slices.Contains(m.measures(), "N2") {
		same, other, _, err := m.nearest(dir, li)
		if err != nil {
			return nil, err
		}
		for k := range same {
			same[k], other[k] = math.Sqrt(same[k]), math.Sqrt(other[k])
		}
		rows = append(rows, tap.NewRow("N2", neighbour.N2Of(same, other), params()))
	}
	if slices.Contains(m.measures(), "N3") {
		e := 0
		for v, u := range NearestInTree(m.N, tree) {
			if u >= 0 && labels[u] != labels[v] {
				e++
			}
		}
		rows = append(rows, tap.NewRow("N3", float64(e)/float64(m.N), params()))
	}
	if m.wantsCovers() {
		t1, err := m.t1(dir, li)
		if err != nil {
			return nil, err
		}
		rows = append(rows, tap.NewRow("T1", t1, params()))
	}
	return rows, nil
}
