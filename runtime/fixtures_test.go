package runtime

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"cxray/importer"
	"cxray/internal/fixture"
)

const fixtureDir = "../fixtures/models"

// refTensor is a tensor of a PyTorch reference (NAME_opV.ref.json).
type refTensor = fixture.RefTensor

// loadRef returns the reference tensors of a fixture of fixtures/models,
// by name and in file order.
func loadRef(t *testing.T, stem string) ([]refTensor, map[string]*Tensor) {
	t.Helper()
	return loadRefIn(t, fixtureDir, stem)
}

// loadRefIn reads dir/stem.ref.json and the .ref.bin it names.
func loadRefIn(t *testing.T, dir, stem string) ([]refTensor, map[string]*Tensor) {
	t.Helper()
	refs, err := fixture.Ref(dir, stem)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Tensor{}
	for _, r := range refs {
		byName[r.Name] = &Tensor{Shape: r.Shape, Data: r.Data}
	}
	return refs, byName
}

var fixtureStems = []string{
	"mlp_op9", "mlp_op13",
	"lenet5_op9", "lenet5_op13",
	"bncnn_op9", "bncnn_op13",
	"rescnn_op9", "rescnn_op13",
	"classic_op9", "classic_op13",
}

// TestFixturesAgainstPyTorch runs each PyTorch-exported fixture on its
// reference batch and compares every referenced tensor, intermediate and
// final, elementwise: |got − want| ≤ 1e-4·max(1, |want|). It also checks
// that every float node output is tapped exactly once, in graph order.
func TestFixturesAgainstPyTorch(t *testing.T) {
	for _, stem := range fixtureStems {
		t.Run(stem, func(t *testing.T) {
			g, err := importer.Load(filepath.Join(fixtureDir, stem+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			refs, want := loadRef(t, stem)
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			seen := map[string]int{}
			worst := 0.0
			err = e.Run(want["input"], func(name string, tt *Tensor) error {
				order = append(order, name)
				seen[name]++
				if w, ok := want[name]; ok && name != "input" {
					assertClose(t, stem+" "+name, tt, w.Shape, w.Data, 1e-4)
					for i, v := range w.Data {
						worst = math.Max(worst, math.Abs(float64(tt.Data[i])-float64(v))/math.Max(1, math.Abs(float64(v))))
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("largest |got-want|/max(1,|want|) over %d reference tensors: %.2g", len(refs)-1, worst)
			// These models compute only float tensors, so every node output
			// is a tap, and the taps come in node order.
			var outputs []string
			for _, n := range g.Nodes {
				for _, o := range n.Outputs {
					if o != "" {
						outputs = append(outputs, o)
					}
				}
			}
			if strings.Join(order, "\n") != strings.Join(outputs, "\n") {
				t.Errorf("taps\n%v\nwant every node output once, in graph order:\n%v", order, outputs)
			}
			for name, c := range seen {
				if c != 1 {
					t.Errorf("%q tapped %d times", name, c)
				}
			}
			for _, r := range refs[1:] {
				if seen[r.Name] != 1 {
					t.Errorf("reference tensor %q (module %s) was not tapped", r.Name, r.Module)
				}
			}
		})
	}
}

func TestUnsupportedFixture(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "unsupported_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(g)
	assertErr(t, err, `"/CumSum"`, "CumSum", "opset 13", "Gemm", "Conv", "MaxPool")
}

// TestFixtureBatchSizes feeds the LeNets, the residual CNN and the MLP
// batches of 1, 3 and 64 samples. The classic LeNet was exported with a
// fixed batch of 3 baked into its Reshape (x.view(x.size(0), -1)), so the
// other sizes check that the runtime reads it as the batch. Every output row must match PyTorch for the reference
// samples, and a sample's output must not depend on the batch it is in.
func TestFixtureBatchSizes(t *testing.T) {
	for _, stem := range []string{"lenet5_op13", "rescnn_op9", "mlp_op13", "classic_op9", "classic_op13"} {
		t.Run(stem, func(t *testing.T) {
			g, err := importer.Load(filepath.Join(fixtureDir, stem+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			_, want := loadRef(t, stem)
			in, out := want["input"], want["output"]
			per, perOut := numel(in.Shape[1:]), numel(out.Shape[1:])
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			// Batch 64: the 3 reference samples, cycled.
			big := &Tensor{Shape: append([]int{64}, in.Shape[1:]...), Data: make([]float32, 64*per)}
			for s := 0; s < 64; s++ {
				copy(big.Data[s*per:(s+1)*per], in.Data[(s%3)*per:])
			}
			var first []float32 // batch-64 output, kept to compare with the smaller batches
			for _, batch := range []int{64, 1, 3, 64} {
				x := &Tensor{Shape: append([]int{batch}, in.Shape[1:]...), Data: big.Data[:batch*per]}
				var got *Tensor
				err := e.Run(x, func(name string, tt *Tensor) error {
					if name == "output" {
						got = &Tensor{Shape: append([]int{}, tt.Shape...), Data: append([]float32{}, tt.Data...)}
					}
					return nil
				})
				if err != nil {
					t.Fatalf("batch %d: %v", batch, err)
				}
				if got == nil || got.Shape[0] != batch {
					t.Fatalf("batch %d: output %v", batch, got)
				}
				for s := 0; s < batch; s++ {
					row := &Tensor{Shape: out.Shape[1:], Data: got.Data[s*perOut : (s+1)*perOut]}
					assertClose(t, "vs PyTorch", row, out.Shape[1:], out.Data[(s%3)*perOut:(s%3+1)*perOut], 1e-4)
				}
				if first == nil {
					first = got.Data
					continue
				}
				// Same kernels, same summation order: the rows should agree
				// to the last bit or nearly.
				same := &Tensor{Shape: got.Shape, Data: got.Data}
				assertClose(t, "vs batch 64", same, got.Shape, first[:len(got.Data)], 1e-6)
			}
		})
	}
}

func TestFixtureWrongInputShape(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "mlp_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	err = e.Run(&Tensor{Shape: []int{3, 785}, Data: make([]float32, 3*785)}, nil)
	assertErr(t, err, `"input"`, "[3 785]", "[batch 784]", `"/fc1/Gemm"`)

	// Without the declaration, the first node that cannot take the shape
	// reports it.
	g.Input.Dims, g.Inputs[0].Dims = nil, nil
	e, err = New(g)
	if err != nil {
		t.Fatal(err)
	}
	err = e.Run(&Tensor{Shape: []int{3, 785}, Data: make([]float32, 3*785)}, nil)
	assertErr(t, err, `"/fc1/Gemm"`, "Gemm", "[3 785]", "[256 784]")
}

func TestFixtureOutputShapes(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "lenet5_op9.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	refs, _ := loadRef(t, "lenet5_op9")
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := e.OutputShapes([]int{1, 28, 28})
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != len(refs)-1 {
		t.Errorf("%d shapes, want %d", len(shapes), len(refs)-1)
	}
	for _, r := range refs[1:] {
		if !equalInts(shapes[r.Name], r.Shape[1:]) {
			t.Errorf("%s: per-sample shape %v, want %v", r.Name, shapes[r.Name], r.Shape[1:])
		}
	}
}

// TestInitExportAgainstPyTorch: a torchvision-style CNN exported at
// initialization without constant folding (fixtures/make_models.py,
// initcnn) holds Identity(initializer) nodes, which torch writes for
// parameters it shares, and a BOOL buffer cast to float. The importer
// folds the Identities, the BOOL initializer becomes int64 0/1, the
// runtime folds the Cast of it, and every reference tensor matches
// PyTorch's.
func TestInitExportAgainstPyTorch(t *testing.T) {
	g, err := importer.Load(filepath.Join(fixtureDir, "initcnn_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		if n.OpType == "Identity" {
			t.Errorf("node %q (Identity of %v) was not folded", n.Name, n.Inputs)
		}
	}
	mask := g.Initializers["mask"]
	if mask == nil || mask.Int == nil || len(mask.Int) != 8 {
		t.Fatalf("mask = %+v, want 8 int64 values from the BOOL buffer", mask)
	}
	ones := 0
	for _, v := range mask.Int {
		if v != 0 && v != 1 {
			t.Fatalf("mask %v holds a value other than 0 and 1", mask.Int)
		}
		ones += int(v)
	}
	if ones == 0 || ones == 8 {
		t.Errorf("mask %v: the fixture should mix true and false", mask.Int)
	}
	refs, want := loadRef(t, "initcnn_op13")
	e, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err = e.Run(want["input"], func(name string, tt *Tensor) error {
		seen[name] = true
		if w, ok := want[name]; ok {
			assertClose(t, name, tt, w.Shape, w.Data, 1e-4)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs[1:] {
		if !seen[r.Name] {
			t.Errorf("reference tensor %q (module %s) was not tapped", r.Name, r.Module)
		}
	}
	if seen["/Cast_output_0"] {
		t.Error("the Cast of the constant mask was tapped as a layer; it is a constant")
	}
	shapes, err := e.OutputShapes([]int{1, 28, 28})
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != len(refs)-1+1 { // the references, and the unmapped Mul
		t.Errorf("%d layers %v, want %d", len(shapes), shapes, len(refs))
	}
}
