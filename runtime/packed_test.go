package runtime

import (
	"errors"
	"path/filepath"
	"testing"

	"cxray/importer"
	gemmkernel "cxray/runtime/internal/kernel"
)

// productGraph is x [N, 500] → MatMul by B [500, 700] → Relu → Gemm by
// Wᵀ, W [300, 700]. With dyn, B and W reach the products through an
// Identity, so that an executor built without folding (newExecutor) does
// not see them as constants.
func productGraph(dyn bool) *importer.Graph {
	g := &importer.Graph{
		Opset: 13,
		Input: importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "N"}, {Value: 500}}},
		Initializers: map[string]*importer.Tensor{
			"B": {Shape: []int{500, 700}, Float: make([]float32, 500*700)},
			"W": {Shape: []int{300, 700}, Float: make([]float32, 300*700)},
		},
	}
	b, w := "B", "W"
	if dyn {
		g.Nodes = append(g.Nodes,
			importer.Node{Name: "idB", OpType: "Identity", Inputs: []string{"B"}, Outputs: []string{"dB"}},
			importer.Node{Name: "idW", OpType: "Identity", Inputs: []string{"W"}, Outputs: []string{"dW"}})
		b, w = "dB", "dW"
	}
	for i, v := range g.Initializers["B"].Float {
		v += float32(i%7) - 3
		g.Initializers["B"].Float[i] = v / 7
	}
	for i := range g.Initializers["W"].Float {
		g.Initializers["W"].Float[i] = float32(i%5-2) / 5
	}
	g.Nodes = append(g.Nodes,
		importer.Node{Name: "mm", OpType: "MatMul", Inputs: []string{"x", b}, Outputs: []string{"h"}},
		importer.Node{Name: "act", OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"r"}},
		importer.Node{Name: "fc", OpType: "Gemm", Inputs: []string{"r", w}, Outputs: []string{"y"}, Attrs: importer.Attributes{"transB": int64(1)}})
	return g
}

// packedBTest is the bytes of B, k × n, packed for the kernel: whole
// panels of NR columns, k rows each, float32.
func packedBTest(k, n int) int64 { return int64(gemmkernel.RoundUp(n, gemmkernel.NR)*k) * 4 }

// TestPackedWeightsAreWeights: the copies of a constant B packed for the
// matrix kernel count in PackedWeightBytes, once, from the shape step
// on, and not in ForwardBytes, which is that of the same graph with B
// computed less the same packed bytes; a budget smaller than the packed
// copies but larger than the activations runs the graph.
func TestPackedWeightsAreWeights(t *testing.T) {
	want := packedBTest(500, 700) + packedBTest(700, 300)
	e, err := New(productGraph(false))
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := newExecutor(productGraph(true), Limits{}, false) // no folding: the Identity nodes run
	if err != nil {
		t.Fatal(err)
	}
	if got := e.PackedWeightBytes(); got != 0 {
		t.Errorf("before the shape step: %d packed bytes, want 0 (B is packed on the first batch)", got)
	}
	for _, x := range []*Executor{e, dyn} {
		if _, err := x.OutputShapes([]int{500}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.PackedWeightBytes(); got != want {
		t.Errorf("after the shape step: %d packed bytes, want %d", got, want)
	}
	if got := dyn.PackedWeightBytes(); got != 0 {
		t.Errorf("B computed: %d packed weight bytes, want 0", got)
	}
	for _, batch := range []int{1, 8, 64} {
		f, err := e.ForwardBytes(batch)
		if err != nil {
			t.Fatal(err)
		}
		fd, err := dyn.ForwardBytes(batch)
		if err != nil {
			t.Fatal(err)
		}
		if fd-f != want {
			t.Errorf("batch %d: ForwardBytes %d with B constant, %d with B computed; want them %d apart, the packed B", batch, f, fd, want)
		}
	}

	run := func(e *Executor, batch int) (*Tensor, error) {
		x := &Tensor{Shape: []int{batch, 500}, Data: make([]float32, batch*500)}
		for i := range x.Data {
			x.Data[i] = float32(i%11) / 11
		}
		var y *Tensor
		err := e.Run(x, func(name string, t *Tensor) error {
			if name == "y" {
				y = &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
			}
			return nil
		})
		return y, err
	}
	ref, err := run(e, 8)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := e.ForwardBytes(8); e.m.held != f {
		t.Errorf("after a batch of 8 the buffers hold %d bytes, ForwardBytes says %d", e.m.held, f)
	}
	if got := e.PackedWeightBytes(); got != want {
		t.Errorf("after a batch: %d packed bytes, want %d, counted once", got, want)
	}

	// 1 MB: under the 2.2 MB of packed weights, over the activations.
	lim := Limits{Bytes: 1 << 20, Name: "--memory"}
	if f, _ := e.ForwardBytes(8); f > lim.Bytes || want <= lim.Bytes {
		t.Fatalf("the test needs activations under 1 MB (%d) and packed weights over (%d)", f, want)
	}
	small, err := NewWithLimits(productGraph(false), lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.OutputShapes([]int{500}); err != nil {
		t.Fatalf("shape step under 1 MB: %v", err)
	}
	y, err := run(small, 8)
	if err != nil {
		t.Fatalf("batch of 8 under 1 MB: %v", err)
	}
	for i := range ref.Data {
		if y.Data[i] != ref.Data[i] {
			t.Fatalf("under 1 MB, y[%d] = %v, without a budget %v", i, y.Data[i], ref.Data[i])
		}
	}
	if small.m.held > lim.Bytes {
		t.Errorf("the buffers hold %d bytes, past the 1 MB budget", small.m.held)
	}
	// A B computed from the graph is packed per batch: under the budget.
	smallDyn, err := newExecutor(productGraph(true), lim, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = smallDyn.OutputShapes([]int{500})
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("B computed, under 1 MB: %v, want a BudgetError for its packed copy", err)
	}
	assertErr(t, err, "packed B", "over the 1 MB --memory budget")
}

// TestPackedWeightsOfFixtures: PackedWeightBytes of exported models is the
// sum, from the initializers' shapes, of each Conv's groups of weights
// packed in panels of MR rows (counted when the executor is built) and
// each Gemm's or MatMul's constant B packed in panels of NR columns
// (counted by the shape step).
func TestPackedWeightsOfFixtures(t *testing.T) {
	for _, stem := range []string{"lenet5_op13", "rescnn_op9", "mlp_op13"} {
		t.Run(stem, func(t *testing.T) {
			g, err := importer.Load(filepath.Join(fixtureDir, stem+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			var conv, prod int64
			for _, n := range g.Nodes {
				if len(n.Inputs) < 2 {
					continue
				}
				w, ok := g.Initializers[n.Inputs[1]]
				if !ok {
					continue
				}
				switch n.OpType {
				case "Conv":
					groups := 1
					if v, ok := n.Attrs["group"].(int64); ok {
						groups = int(v)
					}
					kk := 1
					for _, d := range w.Shape[1:] {
						kk *= d
					}
					conv += int64(groups*gemmkernel.RoundUp(w.Shape[0]/groups, gemmkernel.MR)*kk) * 4
				case "Gemm":
					k, n2 := w.Shape[0], w.Shape[1]
					if v, ok := n.Attrs["transB"].(int64); ok && v != 0 {
						k, n2 = n2, k
					}
					prod += packedBTest(k, n2)
				case "MatMul":
					prod += packedBTest(w.Shape[0], w.Shape[1])
				}
			}
			if conv+prod == 0 {
				t.Fatal("no Conv, Gemm or MatMul with constant weights")
			}
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.PackedWeightBytes(); got != conv {
				t.Errorf("built: %d packed bytes, want the Convs' %d", got, conv)
			}
			sample := make([]int, len(g.Input.Dims)-1)
			for i, d := range g.Input.Dims[1:] {
				sample[i] = int(d.Value)
			}
			if _, err := e.OutputShapes(sample); err != nil {
				t.Fatal(err)
			}
			if got := e.PackedWeightBytes(); got != conv+prod {
				t.Errorf("after the shape step: %d packed bytes, want %d (Conv %d, Gemm and MatMul %d)", got, conv+prod, conv, prod)
			}
		})
	}
}
