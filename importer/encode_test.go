package importer_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cxray/importer"
	"cxray/runtime"
)

// fixtureModels lists every fixture model; each must round-trip.
func fixtureModels(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "fixtures", "models", "*.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	// mlp, lenet5, bncnn, rescnn at op9 and op13, lenet5_mnist(_e0),
	// unsupported_op13.
	if len(paths) < 11 {
		t.Fatalf("found %d fixture models in ../fixtures/models, want at least 11: run make fixtures", len(paths))
	}
	return paths
}

// sameFloat compares bit patterns, so NaNs and -0 count.
func sameFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func sameTensor(a, b *importer.Tensor) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fmt.Sprint(a.Shape) == fmt.Sprint(b.Shape) &&
		(a.Int == nil) == (b.Int == nil) &&
		sameFloats(a.Float, b.Float) &&
		fmt.Sprint(a.Int) == fmt.Sprint(b.Int)
}

// sameAttr compares attribute values bitwise; a nil and an empty list are
// the same list (the wire format cannot tell them apart).
func sameAttr(a, b any) bool {
	switch a := a.(type) {
	case float32:
		b, ok := b.(float32)
		return ok && math.Float32bits(a) == math.Float32bits(b)
	case []float32:
		b, ok := b.([]float32)
		return ok && sameFloats(a, b)
	case []int64:
		b, ok := b.([]int64)
		return ok && len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
	case []string:
		b, ok := b.([]string)
		return ok && len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
	case *importer.Tensor:
		b, ok := b.(*importer.Tensor)
		return ok && sameTensor(a, b)
	}
	return reflect.DeepEqual(a, b)
}

// sameGraph reports every difference between want and got, except
// Producer, which Encode rewrites.
func sameGraph(t *testing.T, what string, want, got *importer.Graph) {
	t.Helper()
	if got.Opset != want.Opset {
		t.Errorf("%s: opset %d, want %d", what, got.Opset, want.Opset)
	}
	// Encode declares an undeclared element type FLOAT.
	declared := func(vs ...importer.ValueInfo) []importer.ValueInfo {
		out := append([]importer.ValueInfo(nil), vs...)
		for i := range out {
			if out[i].Type == importer.TypeUndefined {
				out[i].Type = importer.TypeFloat
			}
		}
		return out
	}
	if !reflect.DeepEqual(got.Input, declared(want.Input)[0]) {
		t.Errorf("%s: input %+v, want %+v", what, got.Input, want.Input)
	}
	if !reflect.DeepEqual(got.Outputs, declared(want.Outputs...)) {
		t.Errorf("%s: outputs %+v, want %+v", what, got.Outputs, want.Outputs)
	}
	if len(got.Nodes) != len(want.Nodes) {
		t.Fatalf("%s: %d nodes, want %d", what, len(got.Nodes), len(want.Nodes))
	}
	for i := range want.Nodes {
		w, g := &want.Nodes[i], &got.Nodes[i]
		if g.Name != w.Name || g.OpType != w.OpType || !reflect.DeepEqual(g.Inputs, w.Inputs) || !reflect.DeepEqual(g.Outputs, w.Outputs) {
			t.Errorf("%s: node %d is %q %s %v -> %v, want %q %s %v -> %v", what, i,
				g.Name, g.OpType, g.Inputs, g.Outputs, w.Name, w.OpType, w.Inputs, w.Outputs)
		}
		if len(g.Attrs) != len(w.Attrs) {
			t.Errorf("%s: node %q has attributes %v, want %v", what, w.Name, g.Attrs, w.Attrs)
		}
		for k, wv := range w.Attrs {
			if gv, ok := g.Attrs[k]; !ok || !sameAttr(wv, gv) {
				t.Errorf("%s: node %q attribute %q = %#v, want %#v", what, w.Name, k, gv, wv)
			}
		}
	}
	if len(got.Initializers) != len(want.Initializers) {
		t.Errorf("%s: %d initializers, want %d", what, len(got.Initializers), len(want.Initializers))
	}
	for name, w := range want.Initializers {
		if g := got.Initializers[name]; !sameTensor(w, g) {
			t.Errorf("%s: initializer %q differs (shape %v, want %v)", what, name, shapeOf(g), w.Shape)
		}
	}
}

func shapeOf(t *importer.Tensor) any {
	if t == nil {
		return "missing"
	}
	return t.Shape
}

// roundTrip encodes g, decodes the bytes and checks that the result is
// equal to g and that it encodes to the same bytes again.
func roundTrip(t *testing.T, what string, g *importer.Graph) ([]byte, *importer.Graph) {
	t.Helper()
	data, err := importer.Encode(g)
	if err != nil {
		t.Fatalf("%s: Encode: %v", what, err)
	}
	g2, err := importer.Decode(data)
	if err != nil {
		t.Fatalf("%s: Decode(Encode(g)): %v", what, err)
	}
	sameGraph(t, what, g, g2)
	wantProducer := "cxray"
	if v := strings.TrimPrefix(g.Producer, "cxray "); v != "" && v != "cxray" {
		wantProducer += " " + v
	}
	if g2.Producer != wantProducer {
		t.Errorf("%s: producer %q, want %q", what, g2.Producer, wantProducer)
	}
	again, err := importer.Encode(g2)
	if err != nil {
		t.Fatalf("%s: Encode(Decode(Encode(g))): %v", what, err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("%s: re-encoding the decoded graph gives different bytes (%d vs %d)", what, len(again), len(data))
	}
	return data, g2
}

// randomBatch fills a batch for g's input: batch for the leading axis and
// any other symbolic one, the declared size elsewhere.
func randomBatch(g *importer.Graph, batch int, seed uint64) *runtime.Tensor {
	r := rand.New(rand.NewPCG(seed, 7))
	var shape []int
	n := 1
	for i, d := range g.Input.Dims {
		s := int(d.Value)
		if d.Value < 0 {
			s = batch
			if i > 0 {
				s = 1
			}
		}
		shape = append(shape, s)
		n *= s
	}
	x := &runtime.Tensor{Shape: shape, Data: make([]float32, n)}
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	return x
}

type tapped struct {
	name  string
	shape []int
	data  []float32
}

func runAll(t *testing.T, what string, g *importer.Graph, x *runtime.Tensor) ([]tapped, error) {
	t.Helper()
	e, err := runtime.New(g)
	if err != nil {
		return nil, err
	}
	var out []tapped
	err = e.Run(x, func(name string, tt *runtime.Tensor) error {
		out = append(out, tapped{name, append([]int(nil), tt.Shape...), append([]float32(nil), tt.Data...)})
		return nil
	})
	if err != nil {
		t.Fatalf("%s: Run: %v", what, err)
	}
	return out, nil
}

// sameRun runs both graphs on one random batch and requires bitwise equal
// values for every node output. Graphs the runtime cannot compile must be
// refused by it in the same words.
func sameRun(t *testing.T, what string, a, b *importer.Graph) {
	t.Helper()
	x := randomBatch(a, 3, 1)
	wa, errA := runAll(t, what+" (original)", a, x)
	wb, errB := runAll(t, what+" (re-encoded)", b, x)
	if errA != nil || errB != nil {
		if fmt.Sprint(errA) != fmt.Sprint(errB) {
			t.Errorf("%s: runtime.New errors differ:\noriginal:   %v\nre-encoded: %v", what, errA, errB)
		} else {
			t.Logf("%s: runtime refuses both graphs alike: %v", what, errA)
		}
		return
	}
	if len(wa) != len(wb) || len(wa) == 0 {
		t.Fatalf("%s: %d tapped outputs vs %d", what, len(wa), len(wb))
	}
	for i := range wa {
		if wa[i].name != wb[i].name || fmt.Sprint(wa[i].shape) != fmt.Sprint(wb[i].shape) || !sameFloats(wa[i].data, wb[i].data) {
			t.Errorf("%s: output %d: %s %v differs from re-encoded %s %v", what, i, wa[i].name, wa[i].shape, wb[i].name, wb[i].shape)
		}
	}
}

func TestEncodeRoundTripFixtures(t *testing.T) {
	for _, p := range fixtureModels(t) {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			g, err := importer.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			_, g2 := roundTrip(t, name, g)
			sameRun(t, name, g, g2)
		})
	}
}

// cloneGraph copies g's maps inserting keys in reverse order, so that a
// map-order dependence in Encode shows as different bytes.
func cloneGraph(g *importer.Graph) *importer.Graph {
	c := *g
	c.Initializers = map[string]*importer.Tensor{}
	var names []string
	for k := range g.Initializers {
		names = append(names, k)
	}
	for i := len(names) - 1; i >= 0; i-- {
		c.Initializers[names[i]] = g.Initializers[names[i]]
	}
	c.Nodes = append([]importer.Node(nil), g.Nodes...)
	for i := range c.Nodes {
		attrs := importer.Attributes{}
		for k, v := range c.Nodes[i].Attrs {
			attrs[k] = v
		}
		c.Nodes[i].Attrs = attrs
	}
	return &c
}

func TestEncodeDeterministic(t *testing.T) {
	g, err := importer.Load(fixture(t, "bncnn_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := importer.Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		got, err := importer.Encode(cloneGraph(g))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("encoding %d differs from the first", i)
		}
	}
}

// handCNN is a LeNet-like graph as a natively trained model would give it:
// opset 13, a symbolic batch axis, Conv/Relu/MaxPool twice, Reshape with
// an int64 shape initializer, Gemm/Relu/Gemm.
func handCNN() *importer.Graph {
	r := rand.New(rand.NewPCG(3, 4))
	param := func(shape ...int) *importer.Tensor {
		t := &importer.Tensor{Shape: shape}
		n := 1
		for _, s := range shape {
			n *= s
		}
		t.Float = make([]float32, n)
		for i := range t.Float {
			t.Float[i] = float32(r.NormFloat64() * 0.2)
		}
		return t
	}
	pool := importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}, "pads": []int64{0, 0, 0, 0}, "auto_pad": "NOTSET"}
	return &importer.Graph{
		Opset:    13,
		Producer: "cxray 0.1 (gorgonia)",
		Input:    importer.ValueInfo{Name: "input", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 1}, {Value: 28}, {Value: 28}}},
		Outputs:  []importer.ValueInfo{{Name: "logits", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 10}}}},
		Initializers: map[string]*importer.Tensor{
			"conv1.w": param(4, 1, 5, 5), "conv1.b": param(4),
			"conv2.w": param(8, 4, 5, 5), "conv2.b": param(8),
			"flat":  {Shape: []int{2}, Int: []int64{-1, 200}},
			"fc1.w": param(16, 200), "fc1.b": param(16),
			"fc2.w": param(10, 16), "fc2.b": param(10),
		},
		Nodes: []importer.Node{
			{Name: "conv1", OpType: "Conv", Inputs: []string{"input", "conv1.w", "conv1.b"}, Outputs: []string{"c1"},
				Attrs: importer.Attributes{"kernel_shape": []int64{5, 5}, "pads": []int64{2, 2, 2, 2}, "strides": []int64{1, 1}, "dilations": []int64{1, 1}, "group": int64(1)}},
			{Name: "relu1", OpType: "Relu", Inputs: []string{"c1"}, Outputs: []string{"r1"}},
			{Name: "pool1", OpType: "MaxPool", Inputs: []string{"r1"}, Outputs: []string{"p1"}, Attrs: pool},
			{Name: "conv2", OpType: "Conv", Inputs: []string{"p1", "conv2.w", "conv2.b"}, Outputs: []string{"c2"},
				Attrs: importer.Attributes{"kernel_shape": []int64{5, 5}}},
			{Name: "relu2", OpType: "Relu", Inputs: []string{"c2"}, Outputs: []string{"r2"}},
			{Name: "pool2", OpType: "MaxPool", Inputs: []string{"r2"}, Outputs: []string{"p2"}, Attrs: pool},
			{Name: "flatten", OpType: "Reshape", Inputs: []string{"p2", "flat"}, Outputs: []string{"f"}},
			{Name: "fc1", OpType: "Gemm", Inputs: []string{"f", "fc1.w", "fc1.b"}, Outputs: []string{"h"},
				Attrs: importer.Attributes{"transB": int64(1), "alpha": float32(1), "beta": float32(1)}},
			{Name: "relu3", OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"hr"}},
			{Name: "fc2", OpType: "Gemm", Inputs: []string{"hr", "fc2.w", "fc2.b"}, Outputs: []string{"logits"},
				Attrs: importer.Attributes{"transB": int64(1)}},
		},
	}
}

// handMLP is an MLP on images: Flatten, Gemm, Relu, Gemm, with unnamed
// nodes and no Producer.
func handMLP() *importer.Graph {
	w1 := &importer.Tensor{Shape: []int{784, 32}, Float: make([]float32, 784*32)}
	for i := range w1.Float {
		w1.Float[i] = float32(i%17-8) / 64
	}
	w2 := &importer.Tensor{Shape: []int{32, 10}, Float: make([]float32, 320)}
	for i := range w2.Float {
		w2.Float[i] = float32(i%7-3) / 8
	}
	return &importer.Graph{
		Opset:   13,
		Input:   importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 1}, {Value: 28}, {Value: 28}}},
		Outputs: []importer.ValueInfo{{Name: "y", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 10}}}},
		Initializers: map[string]*importer.Tensor{
			"w1": w1, "b1": {Shape: []int{32}, Float: make([]float32, 32)},
			"w2": w2, "b2": {Shape: []int{10}, Float: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, float32(math.Copysign(0, -1))}},
		},
		Nodes: []importer.Node{
			{OpType: "Flatten", Inputs: []string{"x"}, Outputs: []string{"xf"}, Attrs: importer.Attributes{"axis": int64(1)}},
			{OpType: "Gemm", Inputs: []string{"xf", "w1", "b1"}, Outputs: []string{"h"}},
			{OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"hr"}},
			{OpType: "Gemm", Inputs: []string{"hr", "w2", "b2"}, Outputs: []string{"y"}, Attrs: importer.Attributes{"alpha": float32(0.5)}},
		},
	}
}

func TestEncodeHandBuilt(t *testing.T) {
	for name, g := range map[string]*importer.Graph{"cnn": handCNN(), "mlp": handMLP()} {
		t.Run(name, func(t *testing.T) {
			_, g2 := roundTrip(t, name, g)
			sameRun(t, name, g, g2)
		})
	}
}

// TestEncodeAttributeTypes round-trips a node carrying every attribute
// type Attributes can hold, with awkward values, in a custom domain.
func TestEncodeAttributeTypes(t *testing.T) {
	nan := math.Float32frombits(0x7fc00123)
	attrs := importer.Attributes{
		"i": int64(-3), "i0": int64(0), "ibig": int64(math.MinInt64),
		"f": float32(-0.0), "fnan": nan, "finf": float32(math.Inf(-1)), "f0": float32(0),
		"s": "héllo\x00world", "sempty": "",
		"ints": []int64{1, -2, math.MaxInt64}, "intsempty": []int64{},
		"floats": []float32{1.5, nan, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32}, "floatsempty": []float32{},
		"strings": []string{"a", "", "ü"}, "stringsempty": []string{},
		"tf": &importer.Tensor{Shape: []int{2, 2}, Float: []float32{1, 2, nan, -4}},
		"ti": &importer.Tensor{Shape: []int{3}, Int: []int64{-1, 0, 1 << 40}},
	}
	g := &importer.Graph{
		Opset:        13,
		Producer:     "someone 1.0",
		Input:        importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "n"}, {Value: -1}, {Value: 0}}},
		Outputs:      []importer.ValueInfo{{Name: "y", Dims: []importer.Dim{{Value: -1}}}, {Name: "z", Dims: []importer.Dim{{Value: 2}}}},
		Initializers: map[string]*importer.Tensor{"c": {Shape: []int{2}, Float: []float32{nan, 1}}},
		Nodes: []importer.Node{
			{Name: "everything", OpType: "com.example.Everything", Inputs: []string{"x", "", "c"}, Outputs: []string{"y"}, Attrs: attrs},
			// Of y, not of c: Decode folds an Identity of a constant.
			{Name: "", OpType: "Identity", Inputs: []string{"y"}, Outputs: []string{"z"}},
		},
	}
	roundTrip(t, "attributes", g)
}

// TestEncodeErrors checks each validation failure gives one clear error.
func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(g *importer.Graph)
		parts []string
	}{
		{"unknown input", func(g *importer.Graph) { g.Nodes[3].Inputs[0] = "nowhere" },
			[]string{`node 3 "conv2" (Conv)`, `"nowhere"`, "neither produced by a node, an initializer nor the graph input"}},
		{"input produced later", func(g *importer.Graph) { g.Nodes[1].Inputs[0] = "p2" },
			[]string{`node 1 "relu1" (Relu)`, `"p2"`, `node 5 "pool2"`, "topological order"}},
		{"empty op_type", func(g *importer.Graph) { g.Nodes[2].OpType = "" },
			[]string{`node 2 "pool1"`, "empty op_type"}},
		{"malformed op_type", func(g *importer.Graph) { g.Nodes[2].OpType = "com.example." },
			[]string{`node 2 "pool1"`, `op_type "com.example."`}},
		{"initializer shape", func(g *importer.Graph) { g.Initializers["fc2.b"].Shape = []int{11} },
			[]string{`initializer "fc2.b"`, "shape [11] (11 values)", "holds 10 values"}},
		{"int initializer shape", func(g *importer.Graph) { g.Initializers["flat"].Shape = []int{1, 3} },
			[]string{`initializer "flat"`, "shape [1 3] (3 values)", "holds 2 values"}},
		{"attribute tensor shape", func(g *importer.Graph) {
			g.Nodes[0].Attrs["value"] = &importer.Tensor{Shape: []int{2, 2}, Float: []float32{1}}
		}, []string{`node 0 "conv1" (Conv)`, `tensor attribute "value"`, "shape [2 2] (4 values)", "holds 1 values"}},
		{"float and int", func(g *importer.Graph) { g.Initializers["flat"].Float = []float32{1, 2} },
			[]string{`initializer "flat"`, "both float and integer"}},
		{"nil initializer", func(g *importer.Graph) { g.Initializers["fc1.b"] = nil },
			[]string{`initializer "fc1.b" is nil`}},
		{"written twice", func(g *importer.Graph) { g.Nodes[4].Outputs[0] = "r1" },
			[]string{`node 4 "relu2" (Relu)`, `"r1"`, `already the output of node 1 "relu1"`}},
		{"overwrites initializer", func(g *importer.Graph) { g.Nodes[4].Outputs[0] = "fc1.w" },
			[]string{`"fc1.w"`, "already an initializer"}},
		{"attribute type", func(g *importer.Graph) { g.Nodes[8].Attrs = importer.Attributes{"alpha": 0.5} },
			[]string{`node 8 "relu3"`, `attribute "alpha" has type float64`}},
		{"input without dims", func(g *importer.Graph) { g.Input.Dims = nil },
			[]string{`graph input "input" has no declared dims`}},
		{"output without dims", func(g *importer.Graph) { g.Outputs[0].Dims = nil },
			[]string{`graph output "logits" has no declared dims`}},
		{"output not produced", func(g *importer.Graph) { g.Outputs[0].Name = "ghost" },
			[]string{`graph output "ghost"`, "neither produced"}},
		{"no opset", func(g *importer.Graph) { g.Opset = 0 },
			[]string{"opset 0"}},
		{"input is initializer", func(g *importer.Graph) { g.Initializers["input"] = &importer.Tensor{Float: []float32{1}} },
			[]string{`initializer "input" has the name of the graph input`}},
		{"no nodes", func(g *importer.Graph) { g.Nodes = nil },
			[]string{"no nodes"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := handCNN()
			tc.edit(g)
			data, err := importer.Encode(g)
			if err == nil {
				t.Fatalf("Encode succeeded (%d bytes); want an error containing %q", len(data), tc.parts)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "encode: ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line starting with \"encode: \"", msg)
			}
			for _, p := range tc.parts {
				if !strings.Contains(msg, p) {
					t.Errorf("error %q does not contain %q", msg, p)
				}
			}
		})
	}
	if _, err := importer.Encode(nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("Encode(nil): %v, want an error saying the graph is nil", err)
	}
	// The unedited graph is valid: the cases above fail for their edit.
	if _, err := importer.Encode(handCNN()); err != nil {
		t.Fatal(err)
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "epoch-1.onnx")
	g := handCNN()
	if err := importer.Save(path, g); err != nil {
		t.Fatal(err)
	}
	// Overwriting an existing checkpoint works too.
	g.Initializers["fc2.b"].Float[0] = 42
	if err := importer.Save(path, g); err != nil {
		t.Fatal(err)
	}
	back, err := importer.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, "saved", g, back)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("saved file: %v, %v; want mode 0644", fi, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after Save, want only the model (no temporary files)", len(entries))
	}

	// An invalid graph leaves the existing file alone and no temp file.
	bad := handCNN()
	bad.Nodes[0].OpType = ""
	before, _ := os.ReadFile(path)
	err = importer.Save(path, bad)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "empty op_type") {
		t.Errorf("Save of an invalid graph: %v; want an error naming %s and the problem", err, path)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed Save changed the existing file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed Save, want 1", len(entries))
	}

	missing := filepath.Join(dir, "no", "such", "dir", "m.onnx")
	if err := importer.Save(missing, g); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Save into a missing directory: %v; want an error naming %s", err, missing)
	}
	if err := importer.Save(dir+string(filepath.Separator), g); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Save to a directory path: %v; want an error", err)
	}
}

// checkResult mirrors a line of testdata/check_onnx.py's output.
type checkResult struct {
	Path      string           `json:"path"`
	Checker   string           `json:"checker"`
	Canonical bool             `json:"canonical"`
	Infer     string           `json:"infer"`
	Shapes    map[string][]any `json:"shapes"`
}

const python = "/usr/bin/python3"

// onnxCheck runs testdata/check_onnx.py on the files, or skips the test
// when Python's onnx package is not installed.
func onnxCheck(t *testing.T, paths []string) map[string]checkResult {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import onnx").CombinedOutput(); err != nil {
		t.Skipf("skipping the onnx.checker test: %s cannot import onnx (install Debian's python3-onnx): %v %s", python, err, bytes.TrimSpace(out))
	}
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "check_onnx.py")}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check_onnx.py: %v\n%s", err, stderr.String())
	}
	res := map[string]checkResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r checkResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("check_onnx.py output %q: %v", sc.Text(), err)
		}
		res[r.Path] = r
	}
	if len(res) != len(paths) {
		t.Fatalf("check_onnx.py reported on %d files, want %d\n%s", len(res), len(paths), stderr.String())
	}
	return res
}

func TestEncodeONNXChecker(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	write := func(name string, g *importer.Graph) string {
		p := filepath.Join(dir, name)
		if err := importer.Save(p, g); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		return p
	}
	for _, fp := range fixtureModels(t) {
		g, err := importer.Load(fp)
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Base(fp), g)
	}
	cnn := write("hand_cnn.onnx", handCNN())
	mlp := write("hand_mlp.onnx", handMLP())
	// A control that Encode accepts but ONNX must reject: the output is
	// declared with 11 scores where the graph computes 10. It shows the
	// checker run can fail.
	broken := handCNN()
	broken.Outputs[0].Dims[1].Value = 11
	bad := write("broken_output.onnx", broken)

	res := onnxCheck(t, paths)
	for _, p := range paths {
		r := res[p]
		if p == bad {
			if r.Checker == "ok" {
				t.Errorf("%s: onnx.checker accepted a Gemm with mismatched weights; the check is not effective", filepath.Base(p))
			} else {
				t.Logf("control %s rejected as expected: %.200s", filepath.Base(p), r.Checker)
			}
			continue
		}
		if r.Checker != "ok" {
			t.Errorf("%s: onnx.checker.check_model(full_check=True): %s", filepath.Base(p), r.Checker)
		}
		if !r.Canonical {
			t.Errorf("%s: onnx re-serializes the loaded model to different bytes", filepath.Base(p))
		}
		if r.Infer != "ok" {
			t.Errorf("%s: shape inference: %s", filepath.Base(p), r.Infer)
		}
	}
	// Shape inference on the hand-built graphs reaches every node output
	// and gives the declared output shape. (After the CNN's Reshape to
	// [-1 200] inference no longer knows the batch axis is batch_size.)
	for p, want := range map[string]map[string]string{
		cnn: {"c1": "[batch_size 4 28 28]", "p2": "[batch_size 8 5 5]", "f": "[unk__0 200]", "logits": "[unk__0 10]"},
		mlp: {"xf": "[batch_size 784]", "y": "[batch_size 10]"},
	} {
		r := res[p]
		if len(r.Shapes) == 0 {
			t.Errorf("%s: shape inference reported no node outputs", filepath.Base(p))
		}
		for name, s := range r.Shapes {
			if s == nil {
				t.Errorf("%s: shape inference gave no shape for %q", filepath.Base(p), name)
			}
		}
		for name, w := range want {
			if got := fmt.Sprint(r.Shapes[name]); got != w {
				t.Errorf("%s: inferred shape of %q is %s, want %s", filepath.Base(p), name, got, w)
			}
		}
	}
	t.Logf("onnx.checker (full_check) and strict shape inference passed on %d encoded models", len(paths)-1)
}

// A checkpoint is a Graph: Encode gives the ONNX bytes (Save writes them
// to a file atomically) and Decode or Load reads them back.
func ExampleEncode() {
	g := &importer.Graph{
		Opset:    13,
		Producer: "cxray 0.1",
		Input:    importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 2}}},
		Outputs:  []importer.ValueInfo{{Name: "y", Dims: []importer.Dim{{Value: -1, Param: "batch_size"}, {Value: 3}}}},
		Initializers: map[string]*importer.Tensor{
			"W": {Shape: []int{3, 2}, Float: []float32{1, 0, 0, 1, 1, -1}},
			"b": {Shape: []int{3}, Float: []float32{0, 0, 0.5}},
		},
		Nodes: []importer.Node{
			{Name: "fc", OpType: "Gemm", Inputs: []string{"x", "W", "b"}, Outputs: []string{"h"}, Attrs: importer.Attributes{"transB": int64(1)}},
			{Name: "act", OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"y"}},
		},
	}
	data, err := importer.Encode(g)
	if err != nil {
		log.Fatal(err)
	}
	back, err := importer.Decode(data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Producer, "opset", back.Opset)
	fmt.Println("input", back.Input.Name, back.Input.Dims)
	for _, n := range back.Nodes {
		fmt.Println(n.Name, n.OpType, n.Inputs, "->", n.Outputs, n.Attrs)
	}
	fmt.Println("b =", back.Initializers["b"].Float)

	// A node reading a tensor nothing produces is refused.
	g.Nodes[1].Inputs[0] = "hidden"
	_, err = importer.Encode(g)
	fmt.Println(err)
	// Output:
	// cxray 0.1 opset 13
	// input x [batch_size 2]
	// fc Gemm [x W b] -> [h] map[transB:1]
	// act Relu [h] -> [y] map[]
	// b = [0 0 0.5]
	// encode: node 1 "act" (Relu) reads tensor "hidden", which is neither produced by a node, an initializer nor the graph input "x"
}
