package runtime

import (
	"errors"
	"path/filepath"
	goruntime "runtime"
	"testing"

	"cxray/importer"
)

const hostileDir = "../importer/testdata/hostile"

// heapAfterGC is the live heap, after two collections.
func heapAfterGC() int64 {
	var ms goruntime.MemStats
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestForwardBytesMatchesRun: ForwardBytes(b), computed by the shape step
// without allocating, is what a real Run at batch b holds: exactly the
// meter's count of the buffers' capacities, and within 5% + 1 MB of the
// live heap the run adds (runtime.MemStats), at batch 64 and then 256;
// the first run's heap also holds the constant B's it packs, which
// PackedWeightBytes counted from the shape step on.
func TestForwardBytesMatchesRun(t *testing.T) {
	for _, stem := range []string{"lenet5_op13", "rescnn_op9", "bncnn_op13", "mlp_op13", "classic_op9"} {
		t.Run(stem, func(t *testing.T) {
			g, err := importer.Load(filepath.Join(fixtureDir, stem+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			built := e.PackedWeightBytes() // packed and allocated by New
			sample := make([]int, len(g.Input.Dims)-1)
			for i, d := range g.Input.Dims[1:] {
				sample[i] = int(d.Value)
			}
			if _, err := e.OutputShapes(sample); err != nil {
				t.Fatal(err)
			}
			before := e.m.held
			// The first Run also packs the constant B of each product:
			// weights, outside ForwardBytes, but on the heap.
			firstPacks := e.PackedWeightBytes() - built
			for _, batch := range []int{64, 256} {
				want, err := e.ForwardBytes(batch)
				if err != nil {
					t.Fatal(err)
				}
				in := &Tensor{Shape: append([]int{batch}, sample...), Data: make([]float32, batch*numel(sample))}
				for i := range in.Data {
					in.Data[i] = float32(i%251) / 251
				}
				heap0 := heapAfterGC()
				if err := e.Run(in, nil); err != nil {
					t.Fatal(err)
				}
				grown := heapAfterGC() - heap0
				goruntime.KeepAlive(in)
				if e.m.held != want {
					t.Errorf("batch %d: the buffers hold %d bytes after Run, ForwardBytes said %d", batch, e.m.held, want)
				}
				// The heap grows by what the buffers grew by.
				added := want - before + firstPacks
				firstPacks = 0
				if diff := grown - added; diff > added/20+1<<20 || -diff > added/20+1<<20 {
					t.Errorf("batch %d: the live heap grew by %d bytes, the buffers by %d", batch, grown, added)
				}
				t.Logf("batch %d: ForwardBytes %d, held %d, heap grew %d for %d new", batch, want, e.m.held, grown, added)
				before = e.m.held
			}
		})
	}
}

// TestShapeStepAllocatesNothing: the shape step of a model that declares
// a 447 GB Pad output computes its shapes without allocating it, and
// under a budget reports it as a BudgetError naming the node.
func TestShapeStepAllocatesNothing(t *testing.T) {
	g, err := importer.Load(filepath.Join(hostileDir, "huge_pad.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(g) // no budget: the shape step must still not allocate
	if err != nil {
		t.Fatal(err)
	}
	var ms0, ms1 goruntime.MemStats
	goruntime.ReadMemStats(&ms0)
	shapes, err := e.OutputShapes([]int{3, 8, 8})
	goruntime.ReadMemStats(&ms1)
	if err != nil {
		t.Fatal(err)
	}
	if got := shapes["padded"]; !equalInts(got, []int{3, 200008, 200008}) {
		t.Errorf("padded: %v, want [3 200008 200008]", got)
	}
	if a := ms1.TotalAlloc - ms0.TotalAlloc; a > 1<<20 {
		t.Errorf("the shape step allocated %d bytes", a)
	}
	if b, err := e.ForwardBytes(2); err != nil || b < 2*4*3*200008*200008 {
		t.Errorf("ForwardBytes(2) = %d, %v; want at least the 2×3×200008×200008 float32 output", b, err)
	}

	e, err = NewWithLimits(g, Limits{Bytes: 1 << 30, Name: "--memory"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.OutputShapes([]int{3, 8, 8})
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("under 1 GB: %v, want a *BudgetError", err)
	}
	assertErr(t, err, `node "pad1" (Pad) output 1×3×200008×200008 needs 447.1 GB for one sample`, "over the 1.0 GB --memory budget")
}

// TestRunWithinBudget: Run checks every buffer against the budget before
// allocating it; a batch that does not fit fails with a BudgetError that
// names the node, and a batch that fits runs.
func TestRunWithinBudget(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "lenet5_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewWithLimits(g, Limits{Bytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.OutputShapes([]int{1, 28, 28}); err != nil {
		t.Fatal(err)
	}
	small, _ := e.ForwardBytes(2)
	big, _ := e.ForwardBytes(256)
	if small > 4<<20 || big < 4<<20 {
		t.Fatalf("ForwardBytes: %d at batch 2, %d at 256; the test needs one under 4 MB and one over", small, big)
	}
	run := func(batch int) error {
		return e.Run(&Tensor{Shape: []int{batch, 1, 28, 28}, Data: make([]float32, batch*784)}, nil)
	}
	if err := run(2); err != nil {
		t.Fatalf("batch 2: %v", err)
	}
	err = run(256)
	var be *BudgetError
	if !errors.As(err, &be) || be.Batch != 256 || be.Node == "" {
		t.Fatalf("batch 256: %v, want a BudgetError naming the node and the batch", err)
	}
	assertErr(t, err, "for a batch of 256", "over the 4 MB budget")
	if e.m.held > 4<<20 {
		t.Errorf("the buffers hold %d bytes, past the 4 MB budget", e.m.held)
	}
	if err := run(2); err != nil {
		t.Fatalf("batch 2 after the refusal: %v", err)
	}
}

// TestHostileShapes: huge Conv pads, a huge declared input and a huge
// dead-end branch are refused by the shape step, by name.
func TestHostileShapes(t *testing.T) {
	for _, c := range []struct {
		file   string
		sample []int
		want   []string
	}{
		{"huge_conv_pads.onnx", []int{1, 28, 28}, []string{`node "conv1" (Conv) output 1×64×200026×200026`, "9.3 TB"}},
		{"huge_input_dim.onnx", []int{3, 100000, 100000}, []string{`input "input" 1×3×100000×100000 needs 111.8 GB`}},
		{"concat_dead_end.onnx", []int{1, 28, 28}, []string{`node "cat3" (Concat) output 1×262144×28×28 needs 784 MB`, "over the 256 MB budget"}},
	} {
		g, err := importer.Load(filepath.Join(hostileDir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewWithLimits(g, Limits{Bytes: 256 << 20})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.OutputShapes(c.sample)
		assertErr(t, err, c.want...)
	}
}

// TestDataDependentShape: a shape computed from the input's values cannot
// be known by the shape step, which says so by name.
func TestDataDependentShape(t *testing.T) {
	g := &importer.Graph{
		Opset: 13,
		Input: importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "n"}, {Value: 4}}},
		Nodes: []importer.Node{
			{Name: "cast", OpType: "Cast", Inputs: []string{"x"}, Outputs: []string{"xi"}, Attrs: importer.Attributes{"to": int64(7)}},
			{Name: "reshape", OpType: "Reshape", Inputs: []string{"x", "xi"}, Outputs: []string{"y"}},
		},
	}
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.OutputShapes([]int{4})
	assertErr(t, err, `node "reshape" (Reshape)`, "depends on the input's values")
}

// TestInputTypes: an executor feeds float32 and integer inputs, any
// number of them, and refuses the other types in one line.
func TestInputTypes(t *testing.T) {
	for file, want := range map[string]string{
		"input_double.onnx": `input "input" is declared DOUBLE`,
		"input_string.onnx": `input "input" is declared STRING`,
	} {
		g, err := importer.Load(filepath.Join(hostileDir, file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(g)
		assertErr(t, err, want)
	}
	g, err := importer.Load(filepath.Join(hostileDir, "input_int64.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(g); err != nil {
		t.Errorf("an INT64 input: %v", err)
	}
	g = &importer.Graph{Opset: 13, Inputs: []importer.ValueInfo{{Name: "ids", Type: importer.TypeInt64}, {Name: "mask", Type: importer.TypeInt64}}}
	g.Input = g.Inputs[0]
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	if in := e.Inputs(); len(in) != 2 || in[1].Name != "mask" {
		t.Errorf("Inputs() = %v, want ids and mask", in)
	}
	ids := &Tensor{Shape: []int{2, 3}, Int: make([]int64, 6)}
	assertErr(t, e.Run(ids, nil), "2 data inputs", `"ids" INT64`, `"mask" INT64`, "given 1")
	assertErr(t, e.RunInputs([]*Tensor{ids, {Shape: []int{2, 3}, Data: make([]float32, 6)}}, nil), `"mask" is declared INT64`, "feed it integers")
	assertErr(t, e.RunInputs([]*Tensor{ids, {Shape: []int{3, 3}, Int: make([]int64, 9)}}, nil), `"ids" holds 2 samples`, `"mask" 3`)
	if err := e.RunInputs([]*Tensor{ids, ids}, nil); err != nil {
		t.Error(err)
	}
}
