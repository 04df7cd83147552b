package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"cxray/importer"
)

// runOp runs a graph holding the single node op. inputs[0] is the graph's
// data input when it is a float tensor; every other input is an
// initializer, except those whose index is in dyn, which reach the node
// through an Identity so that the kernel cannot precompute with them. A
// nil input is an omitted optional input. The output is copied.
func runOp(opset int64, op string, attrs importer.Attributes, dyn []int, inputs ...*Tensor) (*Tensor, error) {
	g := &importer.Graph{Opset: opset, Initializers: map[string]*importer.Tensor{}}
	g.Input = importer.ValueInfo{Name: "x"}
	data := &Tensor{Shape: []int{1}, Data: []float32{0}}
	n := importer.Node{Name: "node0", OpType: op, Outputs: []string{"y"}, Attrs: attrs}
	for i, t := range inputs {
		switch {
		case t == nil:
			n.Inputs = append(n.Inputs, "")
			continue
		case i == 0 && !t.IsInt():
			data = t
			n.Inputs = append(n.Inputs, "x")
			continue
		}
		name := fmt.Sprintf("c%d", i)
		g.Initializers[name] = &importer.Tensor{Shape: t.Shape, Float: t.Data, Int: t.Int}
		if contains(dyn, i) {
			g.Nodes = append(g.Nodes, importer.Node{Name: "id" + name, OpType: "Identity", Inputs: []string{name}, Outputs: []string{"d" + name}})
			name = "d" + name
		}
		n.Inputs = append(n.Inputs, name)
	}
	g.Nodes = append(g.Nodes, n)
	e, err := newExecutor(g, Limits{}, false) // the Identity nodes keep "dyn" inputs out of build time
	if err != nil {
		return nil, err
	}
	var out *Tensor
	err = e.Run(data, nil)
	if err != nil {
		return nil, err
	}
	y := e.vals[e.steps[len(e.steps)-1].outIDs[0]]
	out = &Tensor{Shape: append([]int{}, y.Shape...)}
	if y.IsInt() {
		out.Int = append([]int64{}, y.Int...)
	} else {
		out.Data = append([]float32{}, y.Data...)
	}
	return out, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func randT(r *rand.Rand, shape ...int) *Tensor {
	t := &Tensor{Shape: shape, Data: make([]float32, numel(shape))}
	for i := range t.Data {
		t.Data[i] = float32(r.Float64()*2 - 1)
	}
	return t
}

func intT(shape []int, v ...int64) *Tensor {
	if v == nil {
		v = []int64{}
	}
	return &Tensor{Shape: shape, Int: v}
}

func floatT(shape []int, v ...float32) *Tensor {
	return &Tensor{Shape: shape, Data: v}
}

// closeTo is the comparison used throughout: elementwise
// |got − want| ≤ tol·max(1, |want|), i.e. absolute for small values and
// relative for large ones.
func closeTo(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func assertClose(t *testing.T, what string, got *Tensor, wantShape []int, want []float32, tol float64) {
	t.Helper()
	if !equalInts(got.Shape, wantShape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, wantShape)
	}
	if got.IsInt() {
		t.Fatalf("%s: got an int64 tensor, want float32", what)
	}
	if len(got.Data) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got.Data), len(want))
	}
	bad := 0
	for i := range want {
		if !closeTo(float64(got.Data[i]), float64(want[i]), tol) {
			if bad < 5 {
				t.Errorf("%s: element %d = %v, want %v", what, i, got.Data[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d elements differ", what, bad, len(want))
	}
}

func assertInts(t *testing.T, what string, got *Tensor, wantShape []int, want ...int64) {
	t.Helper()
	if !equalInts(got.Shape, wantShape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, wantShape)
	}
	if !got.IsInt() {
		t.Fatalf("%s: got float32, want int64", what)
	}
	if fmt.Sprint(got.Int) != fmt.Sprint(want) {
		t.Fatalf("%s: %v, want %v", what, got.Int, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func assertErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines", err)
	}
}

// unravel turns a flat index into a multi-index of shape.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		idx[a] = i % shape[a]
		i /= shape[a]
	}
	return idx
}

// ravelBroadcast is the flat index in a tensor of shape s of the
// broadcast multi-index idx (of a shape of rank ≥ len(s)).
func ravelBroadcast(idx, s []int) int {
	off := len(idx) - len(s)
	flat := 0
	for a, d := range s {
		v := idx[off+a]
		if d == 1 {
			v = 0
		}
		flat = flat*d + v
	}
	return flat
}
