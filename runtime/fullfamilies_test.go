package runtime

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"cxray/importer"
)

// fullFamilies are the full-size families of fixtures/families.py and the
// opsets they are exported at: 13 for all, 11 and 17 too where the
// export's operators change with the opset (LayerNormalization at 17,
// HardSwish from 14, the shape arithmetic of attention and channel
// shuffles, the recurrent layers' state handling).
var fullFamilies = []struct {
	name   string
	opsets []int
}{
	{"resnet18", []int{13}}, {"resnet50", []int{13}}, {"mobilenet_v2", []int{13}},
	{"mobilenet_v3_small", []int{11, 13, 17}}, {"efficientnet_b0", []int{13}}, {"squeezenet1_1", []int{13}},
	{"densenet121", []int{13}}, {"shufflenet_v2_x0_5", []int{11, 13, 17}}, {"googlenet", []int{13}},
	{"vgg11_bn", []int{13}}, {"convnext_tiny", []int{11, 13, 17}}, {"regnet_y_400mf", []int{13}},
	{"vit_b_16", []int{11, 13, 17}}, {"swin_t", []int{11, 13, 17}}, {"text_encoder", []int{11, 13, 17}},
	{"lstm", []int{11, 13, 17}}, {"lstm_bi", []int{13}}, {"gru", []int{13}}, {"gru_bi", []int{11, 13, 17}},
	{"act_mlp", []int{11, 13, 17}},
}

// familyCache is the folder the full-size families are made in once:
// $CXRAY_FAMILY_CACHE, or cxray/families-HASH in the user's cache folder,
// HASH naming the version of the scripts that make them.
func familyCache(t *testing.T) string {
	h := sha256.New()
	for _, f := range []string{"families.py", "torchmodels.py"} {
		b, err := os.ReadFile(filepath.Join("..", "fixtures", f))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	if d := os.Getenv("CXRAY_FAMILY_CACHE"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "cxray", "families-"+hex.EncodeToString(h.Sum(nil))[:12])
}

// TestFullFamilies exports each full-size family with PyTorch (the
// torchvision architectures with random weights at 3×64×64, or 3×224×224
// for ViT-B/16 and VGG-11), once, into familyCache, and checks that cxray
// loads it, lists its layers, runs it, and gives PyTorch's output for a
// batch of 2 (compareFamily). It needs /usr/bin/python3 with python3-torch
// and torchvision, and skips with a message without them; making every
// model takes a few minutes the first time.
func TestFullFamilies(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: full-size torchvision models")
	}
	python := "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import torch, torchvision, onnx").CombinedOutput(); err != nil {
		t.Skipf("the full-size families need %s with python3-torch, torchvision and python3-onnx: %v %s", python, err, out)
	}
	dir := familyCache(t)
	for _, f := range fullFamilies {
		for _, op := range f.opsets {
			stem := fmt.Sprintf("%s_op%d", f.name, op)
			t.Run(stem, func(t *testing.T) {
				model := filepath.Join(dir, stem+".onnx")
				if _, err := os.Stat(model); err != nil {
					start := time.Now()
					cmd := exec.Command(python, filepath.Join("..", "fixtures", "families.py"), "--full", f.name, "--opset", fmt.Sprint(op), "--out", dir)
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("families.py --full %s --opset %d: %v\n%s", f.name, op, err, out)
					}
					t.Logf("made %s in %.0f s", model, time.Since(start).Seconds())
				}
				var shapes struct{ Input, Output []int }
				raw, err := os.ReadFile(filepath.Join(dir, f.name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(raw, &shapes); err != nil {
					t.Fatal(err)
				}
				in := &Tensor{Shape: shapes.Input, Data: readFloats(t, filepath.Join(dir, f.name+".in.f32"))}
				want := &Tensor{Shape: shapes.Output, Data: readFloats(t, filepath.Join(dir, f.name+".out.f32"))}
				g, err := importer.Load(model)
				if err != nil {
					t.Fatal(err)
				}
				e, err := New(g)
				if err != nil {
					t.Fatal(err)
				}
				layers, err := e.OutputShapes(in.Shape[1:])
				if err != nil {
					t.Fatal(err)
				}
				var got *Tensor
				start := time.Now()
				err = e.Run(in, func(name string, tt *Tensor) error {
					if name == "output" {
						got = &Tensor{Shape: append([]int(nil), tt.Shape...), Data: append([]float32(nil), tt.Data...)}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if got == nil {
					t.Fatal("the output was not tapped")
				}
				worst, err := compareFamily(got, want)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%d nodes, %d layers, forward of 2 samples %.2f s; output within %.2g of PyTorch's", len(g.Nodes), len(layers), time.Since(start).Seconds(), worst)
			})
		}
	}
}

func readFloats(t *testing.T, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}
