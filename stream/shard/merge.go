package shard

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure"
	"cxray/stream/tap"
)

// Conventions are those of a sharded run's N1: cxray's, under the total
// tie order with exact comparisons.
func Conventions() measure.Conventions {
	return measure.Conventions{
		Measure: "N1", Distance: "euclidean", Arithmetic: "float64-from-float32", Counting: "vertices",
		ZeroDistances: "kept", TieRule: TiesTotal, TieRTol: 0, Normalization: measure.NormNone,
	}
}

// MissingError names the tasks a merge still waits for.
type MissingError struct {
	Extract, Pairs, Covers []int
	Total                  int
}

func (e *MissingError) Error() string {
	var parts []string
	if len(e.Extract) > 0 {
		parts = append(parts, "extract "+Ranges(e.Extract))
	}
	if len(e.Pairs) > 0 {
		parts = append(parts, "pairs "+Ranges(e.Pairs))
	}
	if len(e.Covers) > 0 {
		parts = append(parts, "covers "+Ranges(e.Covers))
	}
	return fmt.Sprintf("%d of %d tasks are not done or not whole: %s; run them again (cxray slurm --resubmit, or cxray shard extract|pairs|covers --task I)",
		len(e.Extract)+len(e.Pairs)+len(e.Covers), e.Total, strings.Join(parts, "; "))
}

// Status returns nil when every task of the work folder dir is done and
// whole (full: every checksum verified), else a *MissingError.
func Status(dir string, full bool) (*Manifest, error) {
	m, err := Load(dir)
	if err != nil {
		return nil, err
	}
	ex, _ := Missing(dir, KindExtract, m.ExtractTasks(), full)
	pt, _ := Missing(dir, KindPairs, m.PairTasks(), full)
	ct, _ := Missing(dir, KindCovers, m.CoverTasks(), full)
	if len(ex)+len(pt)+len(ct) > 0 {
		return m, &MissingError{Extract: ex, Pairs: pt, Covers: ct, Total: m.ExtractTasks() + m.PairTasks() + m.CoverTasks()}
	}
	return m, nil
}

// Result is one layer's N1 from a merge.
type Result struct {
	Layer Layer
	N1    float64
	// Edges is the number of edges of the union Kruskal ran on.
	Edges int
	// Extra holds the measures beyond N1, by name, merged from the
	// extract tasks' states; Skipped the measures the layer skips, each
	// with its reason.
	Extra   map[string]float64
	Skipped []string
}

// Merge checks that every task of the work folder dir is done and whole,
// then runs Kruskal over the pair trees of every layer and writes N1 of
// each as one run of store, the only database write of a sharded run. It
// refuses, naming the tasks, while any is missing. info names the run;
// the dataset, the model and the config come from the manifest.
func Merge(ctx context.Context, dir string, store *sql.Store, info sql.RunInfo) (*sql.Run, []Result, error) {
	m, err := Status(dir, true)
	if err != nil {
		return nil, nil, err
	}
	labels, err := m.labels(dir)
	if err != nil {
		return nil, nil, err
	}
	info.Dataset, info.NSamples = m.Name, int64(m.N)
	info.Config = map[string]any{
		"command": "shard merge", "work": dir, "shards": m.Shards(), "pair_tasks": m.PairTasks(), "ties": m.Ties,
		"data": m.Data, "limit": m.Source.Limit, "layers": m.layerIndices(), "input": m.Transform.String(),
		"measures": m.Measures, "summary": m.Summary, "seed": m.Seed,
	}
	if m.Model != nil {
		info.ModelPath, info.ModelSHA256 = m.Model.Path, m.Model.SHA256
	}
	run, err := store.BeginRun(ctx, info)
	if err != nil {
		return nil, nil, err
	}
	results, err := m.merge(ctx, dir, run, labels)
	return run, results, analysis.End(ctx, run, err)
}

func (m *Manifest) merge(ctx context.Context, dir string, run *sql.Run, labels []int32) ([]Result, error) {
	layers := make([]tap.Layer, len(m.Layers))
	for i, l := range m.Layers {
		layers[i] = tap.Layer{Index: l.Index, Name: l.Name, NodeName: l.NodeName, OpType: l.OpType, Shape: l.Shape, Dim: l.Dim}
	}
	if err := analysis.AddLayers(ctx, run, layers); err != nil {
		return nil, err
	}
	var results []Result
	var rows []sql.Metric
	for li, l := range m.Layers {
		var edges []sql.Edge
		for t := range m.PairTasks() {
			es, err := sql.ReadEdges(ctx, filepath.Join(TaskDir(dir, KindPairs, t), EdgesFile(li)), li)
			if err != nil {
				return nil, err
			}
			edges = append(edges, es...)
		}
		union := len(edges)
		tree := Kruskal(m.N, edges)
		if len(tree) != m.N-1 {
			return nil, fmt.Errorf("layer %q: the pair trees join %d of the %d points' %d edges; the pairs tasks' files are inconsistent: run them again", l.Name, len(tree), m.N, m.N-1)
		}
		n1 := float64(CrossVertices(tree, labels)) / float64(m.N)
		r := Result{Layer: l, N1: n1, Edges: union}
		params := Conventions().Params()
		params["shards"], params["pair_tasks"], params["union_edges"] = m.Shards(), m.PairTasks(), union
		rows = append(rows, sql.Metric{
			LayerIndex: l.Index, LayerName: l.Name, Measure: "N1", Value: n1, NSamples: int64(m.N), Step: int64(m.N),
			Method: "exact", Params: params,
		})
		extra, skipped, err := m.mergedRows(dir, li, tree, labels)
		if err != nil {
			return nil, fmt.Errorf("layer %q: %w", l.Name, err)
		}
		r.Skipped = skipped
		for _, x := range extra {
			if r.Extra == nil {
				r.Extra = map[string]float64{}
			}
			r.Extra[x.Measure] = x.Value
			x.Params["shards"] = m.Shards()
			rows = append(rows, sql.Metric{
				LayerIndex: l.Index, LayerName: l.Name, Measure: x.Measure, Value: x.Value, NSamples: int64(m.N), Step: int64(m.N),
				Method: "exact", Params: x.Params,
			})
		}
		results = append(results, r)
	}
	return results, run.AddMetrics(ctx, rows)
}

// labels reads the labels of every shard, in sample order.
func (m *Manifest) labels(dir string) ([]int32, error) {
	out := make([]int32, 0, m.N)
	for s := range m.Shards() {
		var err error
		if out, err = m.appendLabels(out, dir, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendLabels appends the labels of shard s to out.
func (m *Manifest) appendLabels(out []int32, dir string, s int) ([]int32, error) {
	path := filepath.Join(TaskDir(dir, KindExtract, s), LabelsFile)
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 4*int64(m.ShardLen(s))+1))
	f.Close()
	if err != nil || len(b) != 4*m.ShardLen(s) {
		return nil, fmt.Errorf("%s does not hold the shard's %d labels; run extract task %d again", path, m.ShardLen(s), s)
	}
	for o := 0; o < len(b); o += 4 {
		out = append(out, int32(binary.LittleEndian.Uint32(b[o:])))
	}
	return out, nil
}

// pairLabels are the labels of shards i and j (j == i: one shard), in the
// order of a pair's points.
func pairLabels(dir string, m *Manifest, i, j int) ([]int32, error) {
	out, err := m.appendLabels(nil, dir, i)
	if err != nil || j == i {
		return out, err
	}
	return m.appendLabels(out, dir, j)
}
