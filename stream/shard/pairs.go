package shard

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"cxray/sql"
)

// EdgesFile is the name of layer i's edges in a pairs task's folder.
func EdgesFile(i int) string { return fmt.Sprintf("edges-%04d.parquet", i) }

// Pairs runs pairs task t of the manifest in the work folder dir: for
// every layer, the tree of each of the task's shard pairs under the total
// order, written as one Parquet file of edges per layer, then the task's
// marker. It needs the extract tasks of its shards done.
func Pairs(ctx context.Context, dir string, t int, tree TreeFunc) error {
	m, err := Load(dir)
	if err != nil {
		return err
	}
	if t < 0 || t >= m.PairTasks() {
		return fmt.Errorf("--task %d: the manifest of %s has pairs tasks 0 to %d", t, dir, m.PairTasks()-1)
	}
	pairs := m.TaskPairs(t)
	for _, p := range pairs {
		for _, s := range p {
			if err := Check(dir, KindExtract, s, false); err != nil {
				return fmt.Errorf("pairs task %d needs extract task %d, which is %v; run it first", t, s, err)
			}
		}
	}
	return runStage(dir, KindPairs, t, func(st *stage) error { return m.pairEdges(ctx, dir, st, pairs, tree) })
}

// pairEdges writes, layer by layer, the edges of the trees of pairs.
func (m *Manifest) pairEdges(ctx context.Context, dir string, st *stage, pairs [][2]int, tree TreeFunc) error {
	for li, l := range m.Layers {
		var edges []sql.Edge
		var nr *near
		if m.wantsNear() {
			nr = m.newNear(pairs)
		}
		for _, p := range pairs {
			if err := ctx.Err(); err != nil {
				return err
			}
			i, j := p[0], p[1]
			ni, nj := m.ShardLen(i), m.ShardLen(j)
			if j == i {
				nj = 0
			}
			// Both shards in one allocation: the points are most of the
			// task's memory.
			x := make([]float32, (ni+nj)*l.Dim)
			if err := readPoints(dir, i, li, x[:ni*l.Dim]); err != nil {
				return err
			}
			if nj > 0 {
				if err := readPoints(dir, j, li, x[ni*l.Dim:]); err != nil {
					return err
				}
			}
			if nr != nil {
				labels, err := pairLabels(dir, m, i, j)
				if err != nil {
					return err
				}
				if err := nr.add(x, l.Dim, labels, i, j, ni); err != nil {
					return fmt.Errorf("layer %q, shards %d and %d: nearest neighbours: %w", l.Name, i, j, err)
				}
			}
			parent, weight, err := tree(x, l.Dim)
			if err != nil {
				return fmt.Errorf("layer %q, shards %d and %d: %w", l.Name, i, j, err)
			}
			id := func(v int) int64 {
				if v < ni {
					return int64(m.Bounds[i] + v)
				}
				return int64(m.Bounds[j] + v - ni)
			}
			for v, u := range parent {
				if u >= 0 {
					edges = append(edges, sql.Edge{U: id(u), V: id(v), D2: weight[v]})
				}
			}
		}
		if nr != nil {
			if err := nr.write(st, li); err != nil {
				return err
			}
		}
		name := EdgesFile(li)
		if err := sql.WriteEdges(ctx, filepath.Join(st.tmp, name), li, edges); err != nil {
			return err
		}
		if err := st.adopt(name); err != nil {
			return err
		}
	}
	return nil
}

// readPoints reads layer li's points of shard s into x, which has room
// for exactly them.
func readPoints(dir string, s, li int, x []float32) error {
	return readFloats(filepath.Join(TaskDir(dir, KindExtract, s), PointsFile(li)), x, fmt.Sprintf("; run extract task %d again", s))
}

// readFloats fills x from a file of exactly len(x) float32 values,
// little-endian; hint ends the error.
func readFloats(path string, x []float32, hint string) error {
	f, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	want := len(x)
	bad := fmt.Errorf("%s does not hold %d values%s", path, want, hint)
	if fi, err := f.Stat(); err != nil || fi.Size() != 4*int64(want) {
		return bad
	}
	b := make([]byte, 1<<16)
	for k := 0; k < want; {
		n, err := io.ReadFull(f, b[:4*min(len(b)/4, want-k)])
		if err != nil {
			return bad
		}
		for o := 0; o < n; o, k = o+4, k+1 {
			x[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[o:]))
		}
	}
	return nil
}
