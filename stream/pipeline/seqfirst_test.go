package pipeline_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"cxray/importer"
	"cxray/internal/fixture"
	"cxray/runtime"
	"cxray/stream/pipeline"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// A sequence-first Transformer encoder (nn.TransformerEncoder's default
// layout, fixtures/families' text_encoder) computes [tokens, batch,
// features] tensors. Each is a layer: every sample's row is PyTorch's
// tensor at that batch index, token after token, and pooled as a token
// layer its mean over the tokens, fed through the pipeline one batch of
// both samples and one sample at a time.
func TestSequenceFirstLayersAgainstPyTorch(t *testing.T) {
	const dir, stem = "../../fixtures/families", "text_encoder_op13"
	refs, err := fixture.Ref(dir, stem)
	if err != nil {
		t.Fatal(err)
	}
	g, err := importer.Load(filepath.Join(dir, stem+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	in := refs[0]
	n, sample := in.Shape[0], in.Shape[1:]
	shapes, err := ex.OutputShapesOf([][]int{sample})
	if err != nil {
		t.Fatal(err)
	}
	all := tap.FromGraph(g, [][]int{sample}, shapes)
	var layers []tap.Layer
	want := map[string][]float32{} // PyTorch's rows, batch first
	for _, r := range refs[1 : len(refs)-1] {
		for _, l := range all {
			if l.Name != r.Name {
				continue
			}
			l.BatchSecond = ex.BatchSecond(l.Name)
			layers = append(layers, l)
			tokens, rest := r.Shape[0], len(r.Data)/(r.Shape[0]*n)
			for b := range n {
				for s := range tokens {
					at := (s*n + b) * rest
					want[r.Name] = append(want[r.Name], r.Data[at:at+rest]...)
				}
			}
		}
	}
	if len(layers) != len(refs)-2 {
		t.Fatalf("%d of the %d [tokens, batch, features] tensors are layers", len(layers), len(refs)-2)
	}
	tmp := t.TempDir()
	x, y := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := fixture.WriteNPY32(x, in.Shape, in.Data); err != nil {
		t.Fatal(err)
	}
	if err := fixture.WriteNPY32(y, []int{n}, make([]float32, n)); err != nil {
		t.Fatal(err)
	}
	// Pooled as token layers (as in a model over token ids): the mean
	// over the tokens of PyTorch's rows.
	pooled := slices.Clone(layers)
	tap.MarkTokens(pooled, sample[0], tap.PoolMean)
	wantPooled := map[string][]float32{}
	for _, l := range pooled {
		if l.Tokens == 0 {
			t.Fatalf("%s (%v) is not a token layer", l.Name, l.Shape)
		}
		w, f := want[l.Name], l.Shape[1]
		for b := range n {
			for c := range f {
				var sum float64
				for s := range l.Tokens {
					sum += float64(w[(b*l.Tokens+s)*f+c])
				}
				wantPooled[l.Name] = append(wantPooled[l.Name], float32(sum/float64(l.Tokens)))
			}
		}
	}
	check := func(batch int, layers []tap.Layer, want map[string][]float32) {
		t.Helper()
		src, err := source.Open("npy:"+x+","+y, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{layers: layers, x: make([][]float32, len(layers))}
		_, err = pipeline.Run(context.Background(), pipeline.Config{
			Source: src, Exec: ex, Input: "input", Shape: sample, Batch: batch, Sink: rec,
			Checkpoint: func(int64, bool) (bool, error) { return false, nil },
		})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range layers {
			if !l.BatchSecond {
				t.Errorf("%s: not batch second", l.Name)
			}
			w := want[l.Name]
			if len(rec.x[i]) != len(w) {
				t.Fatalf("batch %d, %s: %d values, want %d", batch, l.Name, len(rec.x[i]), len(w))
			}
			for j := range w {
				if !fixture.CloseRel(float64(rec.x[i][j]), float64(w[j]), 1e-4) && abs(rec.x[i][j]-w[j]) > 1e-5 {
					t.Fatalf("batch %d, %s: value %d is %v, PyTorch's %v", batch, l.Name, j, rec.x[i][j], w[j])
				}
			}
		}
	}
	for _, batch := range []int{n, 1} {
		check(batch, layers, want)
		check(batch, pooled, wantPooled)
	}
}

func abs(v float32) float32 { return max(v, -v) }
