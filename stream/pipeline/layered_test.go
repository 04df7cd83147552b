package pipeline_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/pipeline"
	"cxray/stream/source"
	"cxray/stream/tap"
)

const acts = "../../fixtures/activations"

func openActs(t *testing.T) source.Layered {
	t.Helper()
	src, err := source.Open("acts:"+acts, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src.(source.Layered)
}

// Without a model, each layer of a source of activations gets its own
// slice of every admitted sample.
func TestLayeredSourceFeedsEachLayerItsSlice(t *testing.T) {
	// What the files hold, read directly.
	direct := openActs(t)
	parts := direct.Parts()
	var b source.Batch
	var x []float32
	var y []int32
	for direct.Next(&b, 1000) == nil {
		x = append(x, b.X[:b.N*direct.Dim()]...)
		y = append(y, b.Labels[:b.N]...)
	}
	dim := direct.Dim()
	pick := map[string]bool{"relu1": true, "flatten": true, "fc2": true}
	var layers []tap.Layer
	var chosen []source.Part
	for i, p := range parts {
		if pick[p.Name] {
			layers = append(layers, tap.Layer{Index: i, Name: p.Name, OpType: "npy", Shape: p.Shape, Dim: p.Dim})
			chosen = append(chosen, p)
		}
	}
	for _, keep := range []func(int64) bool{nil, func(i int64) bool { return i%3 == 1 }} {
		rec := &recorder{layers: layers, x: make([][]float32, len(layers)), keep: keep}
		seen, err := pipeline.Run(context.Background(), pipeline.Config{
			Source: openActs(t), Input: "input", Batch: 32, Sink: rec,
			Checkpoint: func(int64, bool) (bool, error) { return false, nil },
		})
		if err != nil || seen != 300 {
			t.Fatalf("Run: seen %d, %v", seen, err)
		}
		var rows []int
		for i := range 300 {
			if keep == nil || keep(int64(i)) {
				rows = append(rows, i)
			}
		}
		for li, p := range chosen {
			var want []float32
			for _, r := range rows {
				want = append(want, x[r*dim+p.Off:r*dim+p.Off+p.Dim]...)
			}
			if !slices.Equal(rec.x[li], want) {
				t.Errorf("layer %s: the sink got %d values, not the file's columns (%d)", p.Name, len(rec.x[li]), len(want))
			}
		}
		var wantY []int32
		for _, r := range rows {
			wantY = append(wantY, y[r])
		}
		if !slices.Equal(rec.labels, wantY) {
			t.Error("labels differ")
		}
	}
}

func TestLayeredSourceMisuse(t *testing.T) {
	g, err := importer.Load(acts + "/tiny.onnx")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	ok := func(int64, bool) (bool, error) { return false, nil }
	fc2 := tap.Layer{Name: "fc2", Shape: []int{10}, Dim: 10}
	for _, c := range []struct {
		name string
		cfg  pipeline.Config
		want string
	}{
		{"model", pipeline.Config{Source: openActs(t), Exec: ex, Input: "input", Shape: []int{1, 28, 28}, Batch: 8,
			Sink: &recorder{layers: []tap.Layer{fc2}, x: make([][]float32, 1)}, Checkpoint: ok},
			"holds activations already extracted; it cannot be fed to a model"},
		{"unknown layer", pipeline.Config{Source: openActs(t), Input: "input", Batch: 8,
			Sink: &recorder{layers: []tap.Layer{{Name: "fc3", Dim: 10}}, x: make([][]float32, 1)}, Checkpoint: ok},
			`layer "fc3" is not one of the layers of acts:`},
		{"wrong width", pipeline.Config{Source: openActs(t), Input: "input", Batch: 8,
			Sink: &recorder{layers: []tap.Layer{{Name: "fc2", Dim: 11}}, x: make([][]float32, 1)}, Checkpoint: ok},
			`layer "fc2" has 10 values per sample`},
		{"no model", pipeline.Config{Source: open(t, 10), Input: "input", Batch: 8,
			Sink: &recorder{layers: []tap.Layer{fc2}, x: make([][]float32, 1)}, Checkpoint: ok},
			`layer "fc2" needs a model`},
	} {
		if _, err := pipeline.Run(context.Background(), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
