package n1_test

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"sort"
	"testing"

	"cxray/importer"
	"cxray/internal/fixture"
	"cxray/runtime"
	"cxray/stream/measure"
	"cxray/stream/measure/n1"
	"cxray/stream/source"
)

// familyN1Ref mirrors fixtures/reference/families_n1.json.
type familyN1Ref struct {
	N      int `json:"n"`
	Models map[string]struct {
		Layers map[string]struct {
			N1        float64 `json:"n1"`
			NearTies  int     `json:"near_ties"`
			Dimension int     `json:"dim"`
		} `json:"layers"`
	} `json:"models"`
}

// TestFamilyN1 runs the reduced families of fixtures/families that
// families_n1.json covers (ResNet-18 and -50, ConvNeXt, ViT and Swin, at
// opset 13) on the first MNIST test images, zero-padded to 32×32 and
// repeated over 3 channels as fixtures/families.py prepares them, and
// computes N1 of every layer the reference maps with the exact estimator.
// It must equal N1 of PyTorch's own activations, computed in float64 by
// fixtures/reference/n1_reference.py, on every layer: cxray's activations
// differ from PyTorch's by about 1e-6 relative, which must not move the
// tree.
func TestFamilyN1(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: five models on 300 MNIST images")
	}
	raw, err := os.ReadFile(fixture.Path("fixtures/reference/families_n1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref familyN1Ref
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Models) < 4 {
		t.Fatalf("families_n1.json covers %d models, want at least 4", len(ref.Models))
	}
	models := make([]string, 0, len(ref.Models))
	for m := range ref.Models {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, model := range models {
		want := ref.Models[model].Layers
		t.Run(model, func(t *testing.T) {
			g, err := importer.Load(fixture.Path("fixtures/families/" + model))
			if err != nil {
				t.Fatal(err)
			}
			exec, err := runtime.New(g)
			if err != nil {
				t.Fatal(err)
			}
			src, err := source.Open("mnist", source.Options{Split: "test", Limit: ref.N})
			if err != nil {
				t.Skipf("MNIST: %v", err)
			}
			defer src.Close()
			est := map[string]*n1.ExactN1{}
			var b source.Batch
			in := &runtime.Tensor{}
			for {
				err := src.Next(&b, 64)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				in.Shape = []int{b.N, 3, 32, 32}
				in.Data = padMNIST(in.Data, b.X, b.N)
				if err := feed(est, want, "input", in.Data, b.Labels); err != nil {
					t.Fatal(err)
				}
				err = exec.Run(in, func(name string, tt *runtime.Tensor) error {
					return feed(est, want, name, tt.Data, b.Labels)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			for name, w := range want {
				e := est[name]
				if e == nil {
					t.Errorf("layer %q was not tapped", name)
					continue
				}
				if e.N() != ref.N || e.Dim() != w.Dimension {
					t.Errorf("%s: %d points of %d dimensions, the reference %d of %d", name, e.N(), e.Dim(), ref.N, w.Dimension)
				}
				got, err := e.Value()
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-w.N1) > 1e-12 {
					t.Errorf("%s: N1 %.6f from cxray's activations, %.6f from PyTorch's (%d near ties in the reference)", name, got, w.N1, w.NearTies)
				}
			}
			t.Logf("%d layers agree", len(want))
		})
	}
}

// feed adds a batch of a layer the reference lists to its estimator.
func feed(est map[string]*n1.ExactN1, want map[string]struct {
	N1        float64 `json:"n1"`
	NearTies  int     `json:"near_ties"`
	Dimension int     `json:"dim"`
}, name string, x []float32, labels []int32) error {
	if _, ok := want[name]; !ok {
		return nil
	}
	e := est[name]
	if e == nil {
		e = n1.NewExactN1(len(x)/len(labels), measure.NormNone)
		est[name] = e
	}
	return e.Update(measure.Batch{X: x, Labels: labels})
}

// padMNIST lays out n 28×28 images as 3×32×32: zero-padded by 2 on each
// side, the one channel repeated to three.
func padMNIST(dst, x []float32, n int) []float32 {
	if cap(dst) < n*3*32*32 {
		dst = make([]float32, n*3*32*32)
	}
	dst = dst[:n*3*32*32]
	clear(dst)
	for s := 0; s < n; s++ {
		for c := 0; c < 3; c++ {
			for y := 0; y < 28; y++ {
				o := ((s*3+c)*32+y+2)*32 + 2
				copy(dst[o:o+28], x[(s*28+y)*28:(s*28+y+1)*28])
			}
		}
	}
	return dst
}
