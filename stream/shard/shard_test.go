package shard_test

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"cxray/internal/fixture"
	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/shard"
	"cxray/stream/source"
)

// A sharded run of the bundled LeNet-5 on MNIST: every task, then the
// merge; N1 of every layer equals the tree of all points under the total
// order computed in one piece. A missing task makes the merge refuse and
// name it; a task run again writes the same bytes.
func TestShardedRun(t *testing.T) {
	const n, shards = 120, 3
	dir := t.TempDir()
	model, err := analysis.LoadModel(fixture.Path("fixtures/models/lenet5_mnist.onnx"), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	spec := analysis.Spec{Data: "mnist", Source: source.Options{Split: "test", Limit: n}, Model: model, Layers: "0,3,6,8,12"}
	m, err := shard.Plan(spec, shards, 2, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if m.PairTasks() != 2 || len(m.Pairs) != 3 {
		t.Fatalf("%d pairs in %d tasks, want 3 in 2", len(m.Pairs), m.PairTasks())
	}
	ctx := t.Context()
	for i := range m.ExtractTasks() {
		if err := shard.Extract(ctx, dir, i, 1<<30); err != nil {
			t.Fatal(err)
		}
	}
	for p := range m.PairTasks() {
		if err := shard.Pairs(ctx, dir, p, shard.Tree(1<<30)); err != nil {
			t.Fatal(err)
		}
	}

	// A task run again gives the same bytes.
	before, _ := os.ReadFile(filepath.Join(dir, "extract", "00001.done"))
	if err := shard.Extract(ctx, dir, 1, 1<<30); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "extract", "00001.done"))
	if string(before) != string(after) {
		t.Errorf("extract task 1 run again wrote other bytes:\n%s\n%s", before, after)
	}

	store, err := sql.Open(filepath.Join(dir, "out.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	// The merge refuses while a task is missing, and names it.
	marker := filepath.Join(dir, "pairs", "00001.done")
	os.Rename(marker, marker+".away")
	_, _, err = shard.Merge(ctx, dir, store, sql.RunInfo{Name: "sharded"})
	var me *shard.MissingError
	if !errors.As(err, &me) || len(me.Pairs) != 1 || me.Pairs[0] != 1 || len(me.Extract) != 0 {
		t.Fatalf("merge with pairs task 1 missing: %v", err)
	}
	os.Rename(marker+".away", marker)

	_, results, err := shard.Merge(ctx, dir, store, sql.RunInfo{Name: "sharded"})
	if err != nil {
		t.Fatal(err)
	}
	// The whole tree of each layer, from the same activations.
	for li, r := range results {
		x, labels := layerPoints(t, dir, m, li)
		parent, _, err := shard.DenseTree(x, r.Layer.Dim)
		if err != nil {
			t.Fatal(err)
		}
		cross := map[int]bool{}
		for v, u := range parent {
			if u >= 0 && labels[u] != labels[v] {
				cross[u], cross[v] = true, true
			}
		}
		if want := float64(len(cross)) / n; r.N1 != want {
			t.Errorf("layer %s: sharded N1 %v, whole tree %v", r.Layer.Name, r.N1, want)
		}
	}
}

// layerPoints concatenates layer li's points and the labels of every shard.
func layerPoints(t *testing.T, dir string, m *shard.Manifest, li int) ([]float32, []int32) {
	t.Helper()
	var x []float32
	var y []int32
	for s := range m.Shards() {
		task := shard.TaskDir(dir, shard.KindExtract, s)
		for o, b := 0, readFile(t, filepath.Join(task, shard.PointsFile(li))); o < len(b); o += 4 {
			x = append(x, math.Float32frombits(binary.LittleEndian.Uint32(b[o:])))
		}
		for o, b := 0, readFile(t, filepath.Join(task, shard.LabelsFile)); o < len(b); o += 4 {
			y = append(y, int32(binary.LittleEndian.Uint32(b[o:])))
		}
	}
	return x, y
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
