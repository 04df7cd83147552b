package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/importer"
)

// opCase mirrors testdata/ops/CASE.json, written by fixtures/make_ops.py.
type opCase struct {
	Op        string     `json:"op"`
	Opset     int64      `json:"opset"`
	DataInput *string    `json:"data_input"`
	Rtol      float64    `json:"rtol"`
	Inputs    []caseTens `json:"inputs"`
	Outputs   []caseTens `json:"outputs"`
}

type caseTens struct {
	Name  string    `json:"name"`
	Dtype string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (c caseTens) tensor() *Tensor {
	t := &Tensor{Shape: c.Shape}
	if c.Dtype == "int64" {
		t.Int = make([]int64, len(c.Data))
		for i, v := range c.Data {
			t.Int[i] = int64(v)
		}
		return t
	}
	t.Data = make([]float32, len(c.Data))
	for i, v := range c.Data {
		t.Data[i] = float32(v)
	}
	return t
}

// TestOpCases runs the operator conformance cases of testdata/ops: one
// node per ONNX file, its expected outputs computed by PyTorch's
// functional ops or by numpy from the ONNX specification
// (fixtures/make_ops.py). Every output must match to the case's rtol,
// |got − want| ≤ rtol·max(1, |want|), or exactly for int64. The shape
// step must give the same shapes as the run, without computing.
func TestOpCases(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "ops", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 200 {
		t.Fatalf("found %d cases in testdata/ops; run fixtures/make_ops.py", len(paths))
	}
	covered := map[string]bool{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var c opCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			covered[c.Op] = true
			g, err := importer.Load(strings.TrimSuffix(p, ".json") + ".onnx")
			if err != nil {
				t.Fatal(err)
			}
			var in *Tensor
			for _, ct := range c.Inputs {
				if c.DataInput != nil && ct.Name == *c.DataInput {
					in = ct.tensor()
				}
			}
			if in == nil {
				in = &Tensor{Shape: []int{1}, Data: []float32{0}} // the unused input
			}
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*Tensor{}
			if err := e.Run(in, nil); err != nil {
				t.Fatal(err)
			}
			for id, n := range e.names {
				for _, o := range c.Outputs {
					if n == o.Name {
						v := e.vals[id]
						// An output that is a view of the input must be of an
						// op in aliasingOps, or buffer sharing could hand the
						// input's buffer to another output while the view is
						// still read.
						view := len(v.Data) > 0 && len(in.Data) > 0 && &v.Data[0] == &in.Data[0] ||
							len(v.Int) > 0 && len(in.Int) > 0 && &v.Int[0] == &in.Int[0]
						if view && !aliasingOps[c.Op] {
							t.Errorf("output %q is a view of the input, but %s is not in aliasingOps", n, c.Op)
						}
						got[n] = &Tensor{Shape: append([]int(nil), v.Shape...), Data: append([]float32(nil), v.Data...), Int: append([]int64(nil), v.Int...)}
					}
				}
			}
			for _, o := range c.Outputs {
				g, want := got[o.Name], o.tensor()
				if g == nil {
					t.Fatalf("output %q was not computed", o.Name)
				}
				if want.IsInt() {
					assertInts(t, o.Name, g, want.Shape, want.Int...)
					continue
				}
				assertClose(t, o.Name, g, want.Shape, want.Data, c.Rtol)
			}
			// The shape step at the data input's shape gives every float
			// output the shape the run gave it, without computing it (a
			// node of constants only was folded: it is no step).
			if len(e.steps) == 0 {
				return
			}
			shapes, err := e.dryShapes(in.Shape[0], [][]int{in.Shape[1:]}, true)
			if err != nil {
				t.Fatalf("shape step: %v", err)
			}
			for _, o := range c.Outputs {
				if w := got[o.Name]; !w.IsInt() && !equalShape(shapes[o.Name], w.Shape) {
					t.Errorf("shape step: %q has shape %v, the run %v", o.Name, shapes[o.Name], w.Shape)
				}
			}
		})
	}
	// Every supported op but the ones the fixtures of whole models cover.
	for _, op := range SupportedOps() {
		if !covered[op] && !strings.Contains(" Add Sub Mul Div Relu Sigmoid Tanh Clip Softmax LogSoftmax Gemm MatMul Conv MaxPool AveragePool GlobalAveragePool GlobalMaxPool BatchNormalization Flatten Reshape Transpose Identity Dropout Shape Gather Unsqueeze Squeeze Concat Pad ", " "+op+" ") {
			t.Errorf("no case in testdata/ops exercises %s", op)
		}
	}
}
