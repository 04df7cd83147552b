package runtime

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"cxray/importer"
)

const familyDir = "../fixtures/families"

// familyTol is the tolerance of the comparisons with PyTorch:
// |got − want| ≤ familyTol·(|want| + max|want|/100) elementwise, where
// max|want| is over the tensor. It is relative, with a floor at 1% of the
// tensor's scale for the values near zero that float32 rounding leaves
// with no relative accuracy (a sum of terms that cancel).
const familyTol = 1e-4

// compareFamily compares got with want at familyTol and returns the
// largest |got − want| / (|want| + max|want|/100).
func compareFamily(got, want *Tensor) (float64, error) {
	if !equalShape(got.Shape, want.Shape) || got.IsInt() {
		return 0, fmt.Errorf("shape %v (int %v), want float32 %v", got.Shape, got.IsInt(), want.Shape)
	}
	scale := 0.0
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	worst, bad, first := 0.0, 0, -1
	for i, w := range want.Data {
		d := math.Abs(float64(got.Data[i]) - float64(w))
		r := d / (math.Abs(float64(w)) + scale/100 + 1e-30)
		if r > worst || math.IsNaN(r) {
			worst = r
		}
		if !(r <= familyTol) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		return worst, fmt.Errorf("%d of %d elements differ by more than %g relative, first at %d: %v, want %v (worst %.3g)",
			bad, len(want.Data), familyTol, first, got.Data[first], want.Data[first], worst)
	}
	return worst, nil
}

// TestFamiliesAgainstPyTorch runs the reduced families of
// fixtures/families (torchvision's classifiers, a Transformer encoder,
// LSTM and GRU, 1-D and 3-D convolution, an autoencoder and an MLP of
// activations, each exported at opsets 11, 13 and 17) on PyTorch's input
// batch. Every tensor the reference maps to a module's output, and the
// output, must match PyTorch's (compareFamily) and be tapped; the shape
// step must list every batch-first tapped tensor with the run's shape.
func TestFamiliesAgainstPyTorch(t *testing.T) {
	jsons, err := filepath.Glob(filepath.Join(familyDir, "*_op*.ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(jsons) < 60 {
		t.Fatalf("found %d family references in %s; run fixtures/families.py", len(jsons), familyDir)
	}
	families := map[string]bool{}
	for _, js := range jsons {
		stem := strings.TrimSuffix(filepath.Base(js), ".ref.json")
		families[stem[:strings.LastIndex(stem, "_op")]] = true
		t.Run(stem, func(t *testing.T) {
			refs, want := loadRefIn(t, familyDir, stem)
			g, err := importer.Load(filepath.Join(familyDir, stem+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			in := want["input"]
			shapes, err := e.OutputShapes(in.Shape[1:])
			if err != nil {
				t.Fatal(err)
			}
			tapped := map[string][]int{}
			worst, worstName := 0.0, ""
			err = e.Run(in, func(name string, tt *Tensor) error {
				tapped[name] = append([]int(nil), tt.Shape...)
				w, ok := want[name]
				if !ok || name == "input" {
					return nil
				}
				r, err := compareFamily(tt, w)
				if err != nil {
					return fmt.Errorf("%s: %v", name, err)
				}
				if r > worst {
					worst, worstName = r, name
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs[1:] {
				if tapped[r.Name] == nil {
					t.Errorf("reference tensor %q (module %s) was not tapped", r.Name, r.Module)
				}
			}
			for name, s := range tapped {
				p, ok := shapes[name]
				if !ok {
					continue
				}
				perSample, batch := s[1:], s[0]
				if e.BatchSecond(name) {
					perSample, batch = append([]int{s[0]}, s[2:]...), s[1]
				}
				if batch != in.Shape[0] || !equalShape(p, perSample) {
					t.Errorf("%s: the shape step gives %v per sample, the run %v (batch second: %v)", name, p, s, e.BatchSecond(name))
				}
			}
			// A sequence-first encoder's [tokens, batch, features] outputs
			// are layers.
			if strings.HasPrefix(stem, "text_encoder") {
				for _, r := range refs[1 : len(refs)-1] {
					if _, ok := shapes[r.Name]; !ok || !e.BatchSecond(r.Name) {
						t.Errorf("%s (module %s, %v): not a batch-second layer", r.Name, r.Module, r.Shape)
					}
				}
			}
			t.Logf("%d reference tensors, %d taps, %d layers; worst %.2g (%s)", len(refs)-1, len(tapped), len(shapes), worst, worstName)
		})
	}
	names := make([]string, 0, len(families))
	for f := range families {
		names = append(names, f)
	}
	sort.Strings(names)
	t.Logf("%d families: %s", len(names), strings.Join(names, " "))
}
