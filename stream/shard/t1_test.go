package shard_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/internal/fixture"
	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/neighbour"
	"cxray/stream/plan"
	"cxray/stream/shard"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// Sharded T1 equals cxray analyze --ties total's T1 exactly, on the
// bundled LeNet-5's layers (few ties), on iris (many: its decimal values
// repeat) and on points of a small integer grid (where most nearest
// enemies tie, so the radii depend on the tie rule), with one shard, with three shards of a pair each, and
// with three shards in two tasks (a task holding two pairs). The covers
// the covers tasks write are checked against the hyperspheres of
// neighbour's T1 on all points together: each cover once, none missing,
// so a lost or doubled cover, or a wrong nearest enemy, fails even where
// the greedy count happens to agree.
func TestShardedT1(t *testing.T) {
	model, err := analysis.LoadModel(fixture.Path("fixtures/models/lenet5_mnist.onnx"), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	lenet := analysis.Spec{Data: "mnist", Source: source.Options{Split: "test", Limit: 200}, Model: model, Layers: "0,8,12"}
	grid := analysis.Spec{Data: "csv:" + gridCSV(t), Layers: "all"}
	iris := analysis.Spec{Data: "csv:" + fixture.Path("fixtures/iris.csv"), Source: source.Options{Label: "species"}, Layers: "all"}
	for _, c := range []struct {
		name             string
		spec             analysis.Spec
		shards, maxTasks int
	}{
		{"lenet s=3", lenet, 3, 10},
		{"lenet s=2", lenet, 2, 10},
		{"iris s=3 in 2 tasks", iris, 3, 2},
		{"iris s=1", iris, 1, 10},
		{"iris s=5", iris, 5, 4},
		{"grid s=4", grid, 4, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.spec.Measures = []string{"N1", "N2", "T1"}
			c.spec.Options = tap.DefaultOptions()
			dir, m, sharded := shardedT1(t, c.spec, c.shards, c.maxTasks)
			single := oneMachine(t, c.spec)
			for li, r := range sharded {
				got, ok := r.Extra["T1"]
				want := single[li].Extra["T1"]
				if !ok || got != want {
					t.Errorf("layer %s: T1 %v (computed %v) sharded, %v on one machine", r.Layer.Name, got, ok, want)
				}
				if got, want := r.Extra["N2"], single[li].Extra["N2"]; got != want {
					t.Errorf("layer %s: N2 %v sharded, %v on one machine", r.Layer.Name, got, want)
				}
				x, labels := layerPoints(t, dir, m, li)
				o := neighbour.DefaultOptions()
				o.TieRTol = 0
				nb, err := neighbour.Build(x, r.Layer.Dim, labels, &o)
				if err != nil {
					t.Fatal(err)
				}
				if nb.T1() != got {
					t.Errorf("layer %s: T1 %v sharded, %v from neighbour on all points", r.Layer.Name, got, nb.T1())
				}
				checkCovers(t, dir, m, li, x, labels, nb.Radii())
				t.Logf("layer %s: T1 %v", r.Layer.Name, got)
			}
		})
	}
}

// gridCSV writes 120 points of the integer grid {0..9}² in 2 classes
// split by a diagonal, a fifth of the labels flipped, as a CSV file with
// columns a, b and label.
func gridCSV(t *testing.T) string {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString("a,b,label\n")
	for range 120 {
		a, c := rng.IntN(10), rng.IntN(10)
		label := (a+c)/10 ^ min(rng.IntN(5), 1) ^ 1
		fmt.Fprintf(&b, "%d,%d,c%d\n", a, c, label)
	}
	path := filepath.Join(t.TempDir(), "grid.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	return path
}

// shardedT1 plans spec in a new work folder and runs every task and the
// merge; a missing covers task makes the merge refuse and name it.
func shardedT1(t *testing.T, spec analysis.Spec, shards, maxTasks int) (string, *shard.Manifest, []shard.Result) {
	t.Helper()
	dir := t.TempDir()
	m, err := shard.Plan(spec, shards, maxTasks, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if m.CoverTasks() != m.PairTasks() {
		t.Fatalf("%d covers tasks for %d pairs tasks", m.CoverTasks(), m.PairTasks())
	}
	ctx := t.Context()
	for i := range m.ExtractTasks() {
		if err := shard.Extract(ctx, dir, i, 1<<30); err != nil {
			t.Fatal(err)
		}
	}
	last := m.PairTasks() - 1
	for p := range last {
		if err := shard.Pairs(ctx, dir, p, shard.Tree(1<<30)); err != nil {
			t.Fatal(err)
		}
	}
	// A covers task refuses while a pairs task is missing, and names it.
	if err := shard.Covers(ctx, dir, 0); err == nil || !strings.Contains(err.Error(), "pairs "+shard.Ranges([]int{last})+" ") {
		t.Fatalf("covers task 0 with pairs task %d missing: %v", last, err)
	}
	if err := shard.Pairs(ctx, dir, last, shard.Tree(1<<30)); err != nil {
		t.Fatal(err)
	}
	for p := range m.CoverTasks() {
		if err := shard.Covers(ctx, dir, p); err != nil {
			t.Fatal(err)
		}
	}
	// A covers task run again writes the same bytes.
	marker := filepath.Join(dir, shard.KindCovers, "00000.done")
	before := readFile(t, marker)
	if err := shard.Covers(ctx, dir, 0); err != nil {
		t.Fatal(err)
	}
	if after := readFile(t, marker); string(before) != string(after) {
		t.Errorf("covers task 0 run again wrote other bytes:\n%s\n%s", before, after)
	}
	store, err := sql.Open(filepath.Join(dir, "out.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	os.Rename(marker, marker+".away")
	_, _, err = shard.Merge(ctx, dir, store, sql.RunInfo{Name: "sharded"})
	var me *shard.MissingError
	if !errors.As(err, &me) || len(me.Covers) != 1 || me.Covers[0] != 0 || len(me.Pairs)+len(me.Extract) != 0 || !strings.Contains(err.Error(), "covers 0") {
		t.Fatalf("merge with covers task 0 missing: %v", err)
	}
	os.Rename(marker+".away", marker)
	_, results, err := shard.Merge(ctx, dir, store, sql.RunInfo{Name: "sharded"})
	if err != nil {
		t.Fatal(err)
	}
	return dir, m, results
}

// oneMachine measures spec as cxray analyze --ties total does.
func oneMachine(t *testing.T, spec analysis.Spec) []analysis.Result {
	t.Helper()
	ctx := t.Context()
	spec.Plan = plan.Options{Budget: 1 << 30, Ties: mst.Total, Seed: 1}
	job, err := analysis.Prepare(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer job.Close()
	store, err := sql.Open(filepath.Join(t.TempDir(), "one.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, err := store.BeginRun(ctx, sql.RunInfo{Name: "one machine"})
	if err != nil {
		t.Fatal(err)
	}
	err = analysis.AddLayers(ctx, run, job.Layers)
	var single []analysis.Result
	if err == nil {
		single, err = job.Measure(ctx, run, quiet{})
	}
	if err := analysis.End(ctx, run, err); err != nil {
		t.Fatal(err)
	}
	return single
}

// checkCovers checks that the covers tasks' files of layer li hold every
// pair (i, j) with j in i's hypersphere once, and no other: j nearer to i
// than r (neighbour's radii on all points), and nearer than i's nearest
// enemy, found here by brute force on the exact squared distances.
func checkCovers(t *testing.T, dir string, m *shard.Manifest, li int, x []float32, labels []int32, r []float64) {
	t.Helper()
	n, d := len(labels), m.Layers[li].Dim
	key := func(i, j int) float64 { return mst.SqDist(x[i*d:i*d+d], x[j*d:j*d+d], nil) }
	want := map[[2]int]bool{}
	for i := range n {
		enemy := math.Inf(1)
		for j := range n {
			if labels[j] != labels[i] {
				enemy = min(enemy, key(i, j))
			}
		}
		for j := range n {
			if k := key(i, j); k < enemy && math.Sqrt(k) < r[i] {
				want[[2]int{i, j}] = true
			}
		}
	}
	got := map[[2]int]bool{}
	for task := range m.CoverTasks() {
		b := readFile(t, filepath.Join(shard.TaskDir(dir, shard.KindCovers, task), shard.CoversFile(li)))
		for o := 0; o < len(b); o += 8 {
			p := [2]int{int(binary.LittleEndian.Uint32(b[o:])), int(binary.LittleEndian.Uint32(b[o+4:]))}
			if got[p] {
				t.Errorf("layer %d: cover %v written twice (task %d)", li, p, task)
			}
			if !want[p] {
				t.Errorf("layer %d: cover %v is not in sphere %d (task %d)", li, p, p[0], task)
			}
			got[p] = true
		}
	}
	if len(got) != len(want) {
		t.Errorf("layer %d: %d covers written, the spheres hold %d", li, len(got), len(want))
	}
	if len(want) < n/2 {
		t.Errorf("layer %d: only %d covers among %d points: the test checks little", li, len(want), n)
	}
}
