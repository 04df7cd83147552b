package runtime

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"cxray/importer"
)

func TestSupportedOps(t *testing.T) {
	got := SupportedOps()
	want := strings.Fields(`Add AveragePool BatchNormalization Cast Clip Concat Conv Div Dropout Flatten Gather Gemm
		GlobalAveragePool GlobalMaxPool Identity LeakyRelu LogSoftmax MatMul MaxPool Mul Pad Relu Reshape Shape
		Sigmoid Softmax Squeeze Sub Tanh Transpose Unsqueeze`)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("SupportedOps() = %v, want %v", got, want)
	}
}

func TestUnsupportedOpsInOneError(t *testing.T) {
	g := &importer.Graph{
		Opset: 11,
		Input: importer.ValueInfo{Name: "x"},
		Nodes: []importer.Node{
			{Name: "a", OpType: "Relu", Inputs: []string{"x"}, Outputs: []string{"y"}},
			{Name: "b", OpType: "Erf", Inputs: []string{"y"}, Outputs: []string{"z"}},
			{OpType: "Gelu", Inputs: []string{"z"}, Outputs: []string{"w"}},
			{Name: "c", OpType: "Erf", Inputs: []string{"w"}, Outputs: []string{"v"}},
		},
	}
	// One clause per op, in order of first use, with a count and an example.
	_, err := New(g)
	assertErr(t, err, `2 op(s)`, `Erf (2 nodes, e.g. "b"), Gelu (node (unnamed, output "w"))`, "opset 11", "supported ops: Add, AveragePool")
	if strings.Contains(err.Error(), `"c"`) {
		t.Errorf("error %q lists every node, not one example per op", err)
	}
}

func TestWiringErrors(t *testing.T) {
	relu := func(name, in, out string) importer.Node {
		return importer.Node{Name: name, OpType: "Relu", Inputs: []string{in}, Outputs: []string{out}}
	}
	cases := []struct {
		nodes []importer.Node
		msg   []string
	}{
		{[]importer.Node{relu("r", "nope", "y")}, []string{`"r"`, `"nope"`}},
		{[]importer.Node{relu("r1", "x", "y"), relu("r2", "x", "y")}, []string{`"r2"`, `"y"`, "already"}},
		{[]importer.Node{{Name: "g", OpType: "Gemm", Inputs: []string{"x"}, Outputs: []string{"y"}}}, []string{`"g"`, "Gemm", "1 inputs", "2 to 3"}},
		// Dropout's mask is not computed; reading it must fail at New.
		{[]importer.Node{
			{Name: "d", OpType: "Dropout", Inputs: []string{"x"}, Outputs: []string{"y", "mask"}},
			relu("r", "mask", "z"),
		}, []string{`"r"`, `"mask"`, `"d"`}},
	}
	for _, c := range cases {
		g := &importer.Graph{Opset: 13, Input: importer.ValueInfo{Name: "x"}, Nodes: c.nodes}
		_, err := New(g)
		assertErr(t, err, c.msg...)
	}
	// An unread mask is fine.
	g := &importer.Graph{Opset: 9, Input: importer.ValueInfo{Name: "x"}, Nodes: []importer.Node{
		{Name: "d", OpType: "Dropout", Inputs: []string{"x"}, Outputs: []string{"y", "mask"}},
	}}
	if _, err := New(g); err != nil {
		t.Fatal(err)
	}
}

// shapeChainGraph flattens its input the way opset-9 exports of
// x.view(x.size(0), -1) do: Shape → Gather → Unsqueeze → Concat → Reshape.
// Only Relu's and Reshape's outputs are float.
func shapeChainGraph() *importer.Graph {
	return &importer.Graph{
		Opset: 9,
		Input: importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "N"}, {Value: 2}, {Value: 3}}},
		Initializers: map[string]*importer.Tensor{
			"zero":  {Shape: nil, Int: []int64{0}},
			"minus": {Shape: []int{1}, Int: []int64{-1}},
		},
		Nodes: []importer.Node{
			{Name: "relu", OpType: "Relu", Inputs: []string{"x"}, Outputs: []string{"r"}},
			{Name: "shape", OpType: "Shape", Inputs: []string{"r"}, Outputs: []string{"s"}},
			{Name: "gather", OpType: "Gather", Inputs: []string{"s", "zero"}, Outputs: []string{"n"}, Attrs: importer.Attributes{"axis": int64(0)}},
			{Name: "unsq", OpType: "Unsqueeze", Inputs: []string{"n"}, Outputs: []string{"n1"}, Attrs: importer.Attributes{"axes": []int64{0}}},
			{Name: "concat", OpType: "Concat", Inputs: []string{"n1", "minus"}, Outputs: []string{"target"}, Attrs: importer.Attributes{"axis": int64(0)}},
			{Name: "reshape", OpType: "Reshape", Inputs: []string{"r", "target"}, Outputs: []string{"flat"}},
		},
	}
}

func TestShapeArithmeticIsNotTapped(t *testing.T) {
	e, err := New(shapeChainGraph())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(29, 30))
	for _, batch := range []int{1, 5} {
		x := randT(r, batch, 2, 3)
		var names []string
		var flat *Tensor
		err := e.Run(x, func(name string, tt *Tensor) error {
			names = append(names, name)
			if name == "flat" {
				flat = &Tensor{Shape: append([]int{}, tt.Shape...), Data: append([]float32{}, tt.Data...)}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(names, ",") != "r,flat" {
			t.Fatalf("taps %v, want [r flat]", names)
		}
		want := make([]float32, len(x.Data))
		for i, v := range x.Data {
			want[i] = max(v, 0)
		}
		assertClose(t, "flat", flat, []int{batch, 6}, want, 0)
	}
	shapes, err := e.OutputShapes([]int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 2 || !equalInts(shapes["r"], []int{2, 3}) || !equalInts(shapes["flat"], []int{6}) {
		t.Fatalf("OutputShapes = %v", shapes)
	}
}

func TestTapErrorStopsRun(t *testing.T) {
	e, err := New(shapeChainGraph())
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop here")
	calls := 0
	err = e.Run(randT(rand.New(rand.NewPCG(1, 1)), 2, 2, 3), func(name string, _ *Tensor) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("Run = %v after %d taps, want the tap's error after 1", err, calls)
	}
}

func TestInputChecks(t *testing.T) {
	e, err := New(shapeChainGraph())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in  *Tensor
		msg []string
	}{
		{nil, []string{`"x"`, "nil"}},
		{intT([]int{1, 2, 3}, 1, 2, 3, 4, 5, 6), []string{`"x"`, "integer"}},
		{floatT([]int{2, 2, 3}, 1, 2), []string{`"x"`, "[2 2 3]", "12", "2"}},
		{floatT(nil, 1), []string{`"x"`, "batch axis"}},
		{&Tensor{Shape: []int{2, 3, 2}, Data: make([]float32, 12)}, []string{`"x"`, "[2 3 2]", "[N 2 3]", `"relu"`}},
		{&Tensor{Shape: []int{2, 6}, Data: make([]float32, 12)}, []string{`"x"`, "[2 6]", "[N 2 3]"}},
	}
	for _, c := range cases {
		assertErr(t, e.Run(c.in, nil), c.msg...)
	}
}

// TestPanicBecomesError registers a kernel that panics, standing in for a
// bug, and checks that Run returns an error naming the node instead.
func TestPanicBecomesError(t *testing.T) {
	ops["TestPanic"] = opSpec{1, 1, 1, func(*nodeCtx) (kernel, error) { return panicKernel{}, nil }}
	defer delete(ops, "TestPanic")
	g := &importer.Graph{Opset: 13, Input: importer.ValueInfo{Name: "x"}, Nodes: []importer.Node{
		{Name: "boom", OpType: "TestPanic", Inputs: []string{"x"}, Outputs: []string{"y"}},
	}}
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	assertErr(t, e.Run(floatT([]int{1}, 1), nil), `"boom"`, "TestPanic", "panicked")
}

type panicKernel struct{}

func (panicKernel) run(in, out []*Tensor) error {
	parallelFor(4, 2, func(w, lo, hi int) {
		if w == 1 {
			_ = in[0].Data[100] // index out of range on another goroutine
		}
	})
	return nil
}

// TestSteadyStateAllocation checks the buffer policy: after the first
// batch, running equal or smaller batches allocates (almost) nothing and
// reuses the same output buffers.
func TestSteadyStateAllocation(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "lenet5_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	x := randT(rand.New(rand.NewPCG(31, 32)), 64, 1, 28, 28)
	if err := e.Run(x, nil); err != nil {
		t.Fatal(err)
	}
	conv := e.vals[e.steps[0].outIDs[0]]
	before := &conv.Data[0]

	var m0, m1 goruntime.MemStats
	goruntime.ReadMemStats(&m0)
	const runs = 10
	for i := 0; i < runs; i++ {
		if err := e.Run(x, nil); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.ReadMemStats(&m1)
	// A batch moves about 2 MB of activations; what is left is goroutine
	// bookkeeping for the parallel kernels.
	if per := (m1.TotalAlloc - m0.TotalAlloc) / runs; per > 16<<10 {
		t.Errorf("%d bytes allocated per batch of 64, want under 16 KiB", per)
	}
	small := &Tensor{Shape: []int{5, 1, 28, 28}, Data: x.Data[:5*784]}
	if err := e.Run(small, nil); err != nil {
		t.Fatal(err)
	}
	if &conv.Data[0] != before || conv.Shape[0] != 5 {
		t.Errorf("a smaller batch did not reuse the Conv output buffer (shape %v)", conv.Shape)
	}
}
