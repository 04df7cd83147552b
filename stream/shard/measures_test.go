package shard_test

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cxray/internal/fixture"
	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure/repr"
	"cxray/stream/measure/survey"
	"cxray/stream/shard"
	"cxray/stream/source"
	"cxray/stream/tap"
)

type quiet struct{}

func (quiet) Logf(string, ...any)   {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Step(string, int, int) {}

// The measures a sharded run merges from the shards' states equal those
// of cxray analyze on one machine: the bundled LeNet-5 on 200 MNIST test
// images, 3 shards, the input and two layers. The moment-based measures
// and NC1 regroup float64 sums, so they agree to 1e-9 relative; N1 is
// exact under the total order. CKA's minibatches are formed within each
// shard, so it is compared with the same computation on the shards'
// points, and differs from one machine's.
func TestShardedMeasures(t *testing.T) {
	const n, shards = 200, 3
	names := []string{"N1", "F1", "F1v", "F2", "T2", "T3", "T4", "C1", "C2", "N2", "N3", "NC1", "CKA_prev", "CKA_input"}
	model, err := analysis.LoadModel(fixture.Path("fixtures/models/lenet5_mnist.onnx"), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	spec := analysis.Spec{
		Data: "mnist", Source: source.Options{Split: "test", Limit: n}, Model: model, Layers: "0,8,12",
		Measures: names, Options: tap.DefaultOptions(),
	}
	spec.Options.Seed = 7
	dir := t.TempDir()
	m, err := shard.Plan(spec, shards, 10, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
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
	// A task run again writes the same bytes, states included.
	marker := filepath.Join(dir, "extract", "00002.done")
	before := readFile(t, marker)
	if err := shard.Extract(ctx, dir, 2, 1<<30); err != nil {
		t.Fatal(err)
	}
	if after := readFile(t, marker); string(before) != string(after) || !strings.Contains(string(after), shard.StateFile(2, "cka-input")) {
		t.Errorf("extract task 2 run again wrote other bytes, or no CKA state:\n%s\n%s", before, after)
	}
	store, err := sql.Open(filepath.Join(dir, "out.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, sharded, err := shard.Merge(ctx, dir, store, sql.RunInfo{Name: "sharded"})
	if err != nil {
		t.Fatal(err)
	}

	single := oneMachine(t, spec)

	for li, r := range sharded {
		s := single[li]
		for _, name := range []string{"N2", "N3"} {
			if _, ok := r.Extra[name]; !ok {
				t.Errorf("layer %s: no %s from the sharded run (skipped %v)", r.Layer.Name, name, r.Skipped)
			}
		}
		if r.N1 != s.Estimate.Value {
			t.Errorf("layer %s: N1 %v sharded, %v on one machine", r.Layer.Name, r.N1, s.Estimate.Value)
		}
		for _, name := range names[1:] {
			got, ok := r.Extra[name]
			want, wok := s.Extra[name]
			if ok != wok {
				t.Errorf("layer %s: %s sharded %v (skipped %v), one machine %v", r.Layer.Name, name, ok, r.Skipped, wok)
				continue
			}
			if !ok || strings.HasPrefix(name, "CKA") {
				continue
			}
			if !(math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))) {
				t.Errorf("layer %s: %s = %.15g sharded, %.15g on one machine", r.Layer.Name, name, got, want)
			}
		}
		// F1v's pseudo-inverses are skipped on the 784 pixels, as on one
		// machine; the others are computed on every layer.
		if _, ok := r.Extra["F1v"]; ok == (r.Layer.Dim > 600) {
			t.Errorf("layer %s (%d): F1v computed %v, skipped %v", r.Layer.Name, r.Layer.Dim, ok, r.Skipped)
		}
		for _, name := range []string{"CKA_prev", "CKA_input"} {
			got, ok := r.Extra[name]
			if !ok {
				continue
			}
			j := li - 1
			if name == "CKA_input" {
				j = 0
			}
			want := shardedCKA(t, dir, m, li, j, spec.Options.Seed)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("layer %s: %s = %v, the shards' points give %v", r.Layer.Name, name, got, want)
			}
			t.Logf("layer %s: %s %.6f sharded, %.6f on one machine", r.Layer.Name, name, got, s.Extra[name])
		}
	}
	// The run holds one row of each measure per layer.
	var rows int
	if err := store.DB().QueryRowContext(ctx, "SELECT count(*) FROM metrics WHERE run_id = ?", run.ID()).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range sharded {
		want += 1 + len(r.Extra)
	}
	if rows != want || want < 3*len(names)-4 {
		t.Errorf("%d rows in the run, want %d", rows, want)
	}
}

// shardedCKA is linear CKA between layers li and j over each shard's
// points in the seeded order of its rows, batches of repr.DefaultBatch,
// the three sums of unbiased HSICs added over the shards: the textbook
// formula on explicit Gram matrices.
func shardedCKA(t *testing.T, dir string, m *shard.Manifest, li, j int, seed uint64) float64 {
	t.Helper()
	var xy, xx, yy float64
	for s := range m.Shards() {
		x, y := shardPoints(t, dir, s, li), shardPoints(t, dir, s, j)
		dx, dy, ns := m.Layers[li].Dim, m.Layers[j].Dim, m.ShardLen(s)
		order := rand.New(rand.NewPCG(seed, 0x636b61)).Perm(ns)
		for _, b := range repr.Batches(ns, repr.DefaultBatch) {
			rows := order[b[0]:b[1]]
			k, l := gram(x, dx, rows), gram(y, dy, rows)
			xy += hsic(k, l, len(rows))
			xx += hsic(k, k, len(rows))
			yy += hsic(l, l, len(rows))
		}
	}
	return xy / math.Sqrt(xx*yy)
}

// gram is the linear Gram matrix of the given rows of x, with a zero
// diagonal.
func gram(x []float32, d int, rows []int) []float64 {
	m := len(rows)
	g := make([]float64, m*m)
	for a, i := range rows {
		for b, j := range rows {
			if a != b {
				for f := range d {
					g[a*m+b] += float64(x[i*d+f]) * float64(x[j*d+f])
				}
			}
		}
	}
	return g
}

// hsic is the unbiased HSIC of Song et al. (2012) of two m×m Gram
// matrices with zero diagonals.
func hsic(k, l []float64, m int) float64 {
	kl := make([]float64, m*m)
	for a := range m {
		for b := range m {
			for c := range m {
				kl[a*m+b] += k[a*m+c] * l[c*m+b]
			}
		}
	}
	var tr, sk, sl, ones float64
	for a := range m {
		tr += kl[a*m+a]
		for b := range m {
			sk += k[a*m+b]
			sl += l[a*m+b]
			ones += kl[a*m+b]
		}
	}
	f := float64(m)
	return (tr + sk*sl/((f-1)*(f-2)) - 2/(f-2)*ones) / (f * (f - 3))
}

// shardPoints reads layer li's points of shard s.
func shardPoints(t *testing.T, dir string, s, li int) []float32 {
	t.Helper()
	b := readFile(t, filepath.Join(shard.TaskDir(dir, shard.KindExtract, s), shard.PointsFile(li)))
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

// Plan refuses, in one line naming them and why, the measures that need
// every shard's points together.
func TestPlanRefusesMeasures(t *testing.T) {
	spec := analysis.Spec{Data: "mnist", Source: source.Options{Split: "test", Limit: 40}, Layers: "all",
		Measures: []string{"N1", "F1", "F3", "N2", "T1", "LSC", "L1", "GDV"}}
	_, err := shard.Plan(spec, 2, 10, "test")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, m := range []string{"F3", "LSC", "L1", "GDV", "neighbourhood", "cxray analyze"} {
		if !strings.Contains(msg, m) {
			t.Errorf("the refusal does not name %s: %s", m, msg)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "F1,") || strings.Contains(msg, "N2") || strings.Contains(msg, "T1") {
		t.Errorf("the refusal is not one line naming the refused measures only: %s", msg)
	}
	// Every measure of the registry is either merged or refused.
	for _, m := range survey.Names() {
		_, err := shard.Plan(analysis.Spec{Data: spec.Data, Source: spec.Source, Layers: "all", Measures: []string{"N1", m}}, 2, 10, "test")
		if merged := slices.Contains([]string{"N1", "F1", "F1v", "F2", "T2", "T3", "T4", "C1", "C2", "N2", "N3", "T1", "NC1", "CKA_prev", "CKA_input"}, m); merged != (err == nil) {
			t.Errorf("%s: merged %v, plan says %v", m, merged, err)
		}
	}
}
