package shard

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"cxray/stream/measure/neighbour"
)

// CoversFile is the name of layer i's covers in a covers task's folder:
// pairs (i, j) of sample indices, two uint32 little-endian, for every
// point j inside the hypersphere of point i that the task's shard pairs
// are responsible for (see Covers).
func CoversFile(i int) string { return fmt.Sprintf("covers-%04d.u32", i) }

// wantsCovers reports whether the run measures T1, whose hyperspheres
// the covers tasks find.
func (m *Manifest) wantsCovers() bool { return slices.Contains(m.measures(), "T1") }

// CoverTasks is the number of covers tasks: one per pairs task, with the
// same shard pairs, when the run measures T1; else none.
func (m *Manifest) CoverTasks() int {
	if !m.wantsCovers() {
		return 0
	}
	return m.PairTasks()
}

// Covers runs covers task t of the manifest in the work folder dir, the
// second phase of T1 once every pairs task is done. Per layer it merges
// the pairs tasks' partials into every point's nearest enemy, computes
// the radii as one machine does (neighbour.RadiiOf), and writes, for the
// task's shard pairs, every pair (i, j) with j inside i's hypersphere:
// d(i,j) < r_i, j in i's local set (its squared distance below that of
// i's nearest enemy), itself included when r_i > 0, on the keys one
// machine's neighbour.Build computes (Metric.Keys, bit for bit mst.SqDist)
// and their square roots.
//
// Each pair of points is the responsibility of one task: shard pair (a, b)
// with a < b looks at the points of a against those of b, both ways, and
// at the points within shard a (within b) only if it is the first pair of
// the manifest that holds a (b). So the union of all tasks' files holds
// each cover once.
func Covers(ctx context.Context, dir string, t int) error {
	m, err := Load(dir)
	if err != nil {
		return err
	}
	if !m.wantsCovers() {
		return fmt.Errorf("the manifest of %s does not measure T1: it has no covers tasks", dir)
	}
	if t < 0 || t >= m.CoverTasks() {
		return fmt.Errorf("--task %d: the manifest of %s has covers tasks 0 to %d", t, dir, m.CoverTasks()-1)
	}
	if m.N > math.MaxInt32 {
		return fmt.Errorf("T1 across shards indexes samples as int32, as one machine does; %d samples are too many", m.N)
	}
	if missing, _ := Missing(dir, KindPairs, m.PairTasks(), false); len(missing) > 0 {
		return fmt.Errorf("covers task %d needs every pairs task done: pairs %s not done; run them first", t, Ranges(missing))
	}
	return runStage(dir, KindCovers, t, func(st *stage) error { return m.coverFiles(ctx, dir, st, t) })
}

// coverFiles writes, layer by layer, the covers of task t's shard pairs.
func (m *Manifest) coverFiles(ctx context.Context, dir string, st *stage, t int) error {
	lo := t * m.PairsPerTask
	for li, l := range m.Layers {
		r, lim, err := m.radii(dir, li)
		if err != nil {
			return fmt.Errorf("layer %q: %w", l.Name, err)
		}
		f, err := st.create(CoversFile(li))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<16)
		for k, p := range m.TaskPairs(t) {
			a, b := p[0], p[1]
			x, err := m.pairPoints(dir, li, a, b)
			if err != nil {
				f.Close()
				return err
			}
			metric, err := neighbour.NewMetric(neighbour.Euclidean, x, l.Dim)
			if err != nil {
				f.Close()
				return err
			}
			c := coverer{x: x, dim: l.Dim, metric: metric, r: r, lim: lim, workers: runtime.GOMAXPROCS(0), w: w}
			na := m.ShardLen(a)
			if b != a {
				err = c.block(ctx, m.Bounds[a], 0, na, m.Bounds[b], na, len(x)/l.Dim)
			}
			for _, s := range uniq(a, b) {
				if m.firstPair(s) == lo+k && err == nil {
					off := 0
					if s != a {
						off = na
					}
					err = c.block(ctx, m.Bounds[s], off, off+m.ShardLen(s), m.Bounds[s], off, off+m.ShardLen(s))
				}
			}
			if err != nil {
				f.Close()
				return err
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// uniq is the shards of a pair, once each.
func uniq(a, b int) []int {
	if a == b {
		return []int{a}
	}
	return []int{a, b}
}

// firstPair is the index in m.Pairs of the first pair that holds shard s:
// the one responsible for the pairs of points within s.
func (m *Manifest) firstPair(s int) int {
	for k, p := range m.Pairs {
		if p[0] == s || p[1] == s {
			return k
		}
	}
	return -1
}

// pairPoints reads layer li's points of shards a and b (b == a: one
// shard), shard a's first.
func (m *Manifest) pairPoints(dir string, li, a, b int) ([]float32, error) {
	dim := m.Layers[li].Dim
	na, nb := m.ShardLen(a), m.ShardLen(b)
	if b == a {
		nb = 0
	}
	x := make([]float32, (na+nb)*dim)
	if err := readPoints(dir, a, li, x[:na*dim]); err != nil {
		return nil, err
	}
	if nb > 0 {
		if err := readPoints(dir, b, li, x[na*dim:]); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// radii merges the pairs tasks' partials of layer li into every point's
// nearest enemy and returns T1's radii and the squared distance of each
// point's nearest enemy, which bounds its local set.
func (m *Manifest) radii(dir string, li int) (r, enemyD2 []float64, err error) {
	_, other, enemy, err := m.nearest(dir, li)
	if err != nil {
		return nil, nil, err
	}
	idx := make([]int32, m.N)
	d := make([]float64, m.N)
	for k, e := range enemy {
		if e < 0 {
			return nil, nil, fmt.Errorf("sample %d has no point of another class: T1 needs at least two classes", k)
		}
		idx[k], d[k] = int32(e), math.Sqrt(other[k])
	}
	return neighbour.RadiiOf(idx, d), other, nil
}

// coverer finds the covers among the points x of one shard pair.
type coverer struct {
	x       []float32
	dim     int
	metric  *neighbour.Metric
	r, lim  []float64 // every sample's radius and its local set's bound
	workers int
	w       io.Writer
}

// coverRows is the number of rows of a block the workers share at once;
// their covers are written in row order, so the bytes do not depend on
// the number of workers.
const coverRows = 256

// block looks at the points [u0, u1) of x against [v0, v1), the first of
// each range being sample iu and iv: pairs (u, v) both ways when the
// ranges differ, each unordered pair and every point with itself when
// they are one range (one shard).
func (c *coverer) block(ctx context.Context, iu, u0, u1, iv, v0, v1 int) error {
	rows := make([][]uint32, coverRows)
	var b []byte
	for r0 := u0; r0 < u1; r0 += coverRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		r1 := min(r0+coverRows, u1)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(c.workers, r1-r0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys := make([]float64, v1-v0)
				for {
					u := r0 + int(next.Add(1)-1)
					if u >= r1 {
						return
					}
					rows[u-r0] = c.row(rows[u-r0][:0], keys, iu+u-u0, u, iv, v0, v1, u0 == v0)
				}
			}()
		}
		wg.Wait()
		for _, row := range rows[:r1-r0] {
			b = b[:0]
			for _, v := range row {
				b = binary.LittleEndian.AppendUint32(b, v)
			}
			if _, err := c.w.Write(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// row appends to out the covers (i, j) of point u, sample i, against the
// points [v0, v1) of x, the first being sample iv: both ways, and in one
// shard (same) only against the points from u on. A cover is j in i's
// local set (key below that of i's nearest enemy) nearer than r_i, as
// neighbour's T1 decides under --ties total (TieRTol 0).
func (c *coverer) row(out []uint32, keys []float64, i, u, iv, v0, v1 int, same bool) []uint32 {
	d := c.dim
	from := v0
	if same {
		from = u
	}
	keys = keys[:v1-from]
	c.metric.Keys(c.x[u*d:u*d+d], c.x, from, v1, keys)
	for t, k := range keys {
		j := iv + from + t - v0
		dist := c.metric.DistanceOf(k)
		if k < c.lim[i] && dist < c.r[i] {
			out = append(out, uint32(i), uint32(j))
		}
		if j != i && k < c.lim[j] && dist < c.r[j] {
			out = append(out, uint32(j), uint32(i))
		}
	}
	return out
}

// t1 reads every covers task's covers of layer li and runs T1's greedy
// removal over them (neighbour.T1Of). It reads the files twice, counting
// the covers of each sphere, then placing them, so that it holds the
// covers once, 4 bytes each, as one machine's local sets hold them.
func (m *Manifest) t1(dir string, li int) (float64, error) {
	start := make([]int64, m.N+1)
	err := m.eachCover(dir, li, func(i, _ uint32) { start[i+1]++ })
	if err != nil {
		return 0, err
	}
	for i := range m.N {
		start[i+1] += start[i]
	}
	cov := make([]int32, start[m.N])
	fill := slices.Clone(start[:m.N])
	err = m.eachCover(dir, li, func(i, j uint32) {
		if fill[i] < start[i+1] { // the files may have changed between the passes
			cov[fill[i]] = int32(j)
		}
		fill[i]++
	})
	if err != nil {
		return 0, err
	}
	for i := range m.N {
		if fill[i] != start[i+1] {
			return 0, fmt.Errorf("layer %d's covers changed while the merge read them; run the merge again", li)
		}
	}
	return neighbour.T1Of(start, cov), nil
}

// eachCover calls f with every cover (i, j) of layer li, task by task.
func (m *Manifest) eachCover(dir string, li int, f func(i, j uint32)) error {
	for t := range m.CoverTasks() {
		path := filepath.Join(TaskDir(dir, KindCovers, t), CoversFile(li))
		if err := eachPair(path, m.N, f); err != nil {
			return fmt.Errorf("%w; run covers task %d again", err, t)
		}
	}
	return nil
}

// eachPair calls f with every pair of a CoversFile of n samples.
func eachPair(path string, n int, f func(i, j uint32)) error {
	file, err := openRegular(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<16)
	var b [8]byte
	for {
		_, err := io.ReadFull(r, b[:])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s is not a list of pairs of samples", path)
		}
		i, j := binary.LittleEndian.Uint32(b[:4]), binary.LittleEndian.Uint32(b[4:])
		if int64(i) >= int64(n) || int64(j) >= int64(n) {
			return fmt.Errorf("%s names sample %d of %d", path, max(i, j), n)
		}
		f(i, j)
	}
}
