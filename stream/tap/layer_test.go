package tap_test

import (
	"strings"
	"testing"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/tap"
)

func leNetLayers(t *testing.T) []tap.Layer {
	t.Helper()
	g, err := importer.Load("../../fixtures/models/lenet5_op9.onnx")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	sample := []int{1, 28, 28}
	shapes, err := ex.OutputShapes(sample)
	if err != nil {
		t.Fatal(err)
	}
	return tap.FromGraph(g, sample, shapes)
}

func TestFromGraph(t *testing.T) {
	ls := leNetLayers(t)
	// input, 2×(Conv, Relu, MaxPool), Flatten, 3 Gemm, 2 Relu.
	if len(ls) != 13 {
		t.Fatalf("%d layers, want 13: %v", len(ls), ls)
	}
	if ls[0].Name != "input" || ls[0].OpType != "Input" || ls[0].Dim != 784 {
		t.Errorf("layer 0 = %+v", ls[0])
	}
	for i, l := range ls {
		if l.Index != i {
			t.Errorf("layer %q has index %d at position %d", l.Name, l.Index, i)
		}
	}
	if l := ls[1]; l.OpType != "Conv" || l.ShapeString() != "6×28×28" || l.Dim != 4704 {
		t.Errorf("layer 1 = %+v", l)
	}
	if l := ls[len(ls)-1]; l.Name != "output" || l.Dim != 10 {
		t.Errorf("last layer = %+v", l)
	}
}

func TestSelect(t *testing.T) {
	ls := leNetLayers(t)
	got, err := tap.Select(ls, "output, 0,3")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Index != 0 || got[1].Index != 3 || got[2].Name != "output" {
		t.Errorf("Select kept %v, want layers 0, 3 and output in graph order", got)
	}
	if all, _ := tap.Select(ls, "all"); len(all) != len(ls) {
		t.Errorf("all selected %d of %d", len(all), len(ls))
	}
	if _, err := tap.Select(ls, "0,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown layer: %v", err)
	}
}

func TestRouterChecksBatchSize(t *testing.T) {
	r := tap.NewRouter([]tap.Layer{tap.InputLayer("input", []int{2})}, 0)
	r.SetLabels([]int32{0, 1})
	if err := r.Input("input", []float32{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "input") {
		t.Errorf("3 values for 2 samples of dim 2: %v", err)
	}
	if err := r.Input("input", []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := r.Tap("other", &runtime.Tensor{Data: []float32{1}}); err != nil {
		t.Errorf("an unrouted tensor must be ignored: %v", err)
	}
	if n := r.Estimator("input").N(); n != 2 {
		t.Errorf("estimator saw %d points, want 2", n)
	}
}
