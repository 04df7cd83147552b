package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const imageFixtures = "../../fixtures/images"

// imageRefs is fixtures/images/refs.json, written by make_images.py with
// torchvision's ImageFolder.
type imageRefs struct {
	Classes []string `json:"classes"`
	Samples []string `json:"samples"`
	RGB32   struct {
		Mean, Std []float32
	} `json:"rgb32"`
	N1 struct {
		Input, Output float64
	} `json:"n1"`
}

func readImageRefs(t testing.TB) imageRefs {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(imageFixtures, "refs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r imageRefs
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// readNPY reads a reference array and the fixture's labels.
func readNPY(t testing.TB, name string) ([]float32, []int32, int) {
	t.Helper()
	src, err := OpenNPY(filepath.Join(imageFixtures, name), filepath.Join(imageFixtures, "labels.npy"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	x, y := readAll(t, src, 1000)
	return x, y, src.Dim()
}

// readKeyed drains src and returns its samples, labels and keys.
func readKeyed(t testing.TB, src Source, max int) ([]float32, []int32, []string) {
	t.Helper()
	var keys []string
	var x []float32
	var y []int32
	var b Batch
	for {
		err := src.Next(&b, max)
		if err != nil {
			break
		}
		if len(b.Keys) != b.N {
			t.Fatalf("batch of %d samples has %d keys", b.N, len(b.Keys))
		}
		x = append(x, b.X...)
		y = append(y, b.Labels...)
		keys = append(keys, b.Keys...)
	}
	return x, y, keys
}

// The fixture folder decoded and preprocessed by cxray gives torchvision's
// ImageFolder + Compose([Resize, CenterCrop, ToTensor, Normalize]) tensors:
// the same samples, order, classes and labels, PNG images to float32
// rounding, JPEG images within jpegLevels/255 before Normalize (Go's and
// libjpeg's decoders differ; see imageprep).
func TestImageFolderAgainstTorchvision(t *testing.T) {
	refs := readImageRefs(t)
	dir := filepath.Join(imageFixtures, "folder")
	cases := []struct {
		name, ref string
		tr        Transform
	}{
		{"rgb32", "ref_rgb32.npy", Transform{Resize: []int{32}, CenterCrop: []int{32}, Mean: refs.RGB32.Mean, Std: refs.RGB32.Std}},
		{"gray20x28", "ref_gray20x28.npy", Transform{Resize: []int{20, 28}, Input: []int{1, 20, 28}}},
		{"pad20", "ref_pad20.npy", Transform{Resize: []int{16}, CenterCrop: []int{20}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, wantY, dim := readNPY(t, c.ref)
			src, err := Open("imagefolder:"+dir, Options{Transform: c.tr})
			if err == nil {
				src, err = Transformed(src, c.tr)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if !slices.Equal(src.Classes(), refs.Classes) || src.Dim() != dim || src.Len() != len(refs.Samples) {
				t.Fatalf("classes %v, dim %d, %d samples; torchvision %v, %d, %d", src.Classes(), src.Dim(), src.Len(), refs.Classes, dim, len(refs.Samples))
			}
			got, y, keys := readKeyed(t, src, 7)
			if !slices.Equal(keys, refs.Samples) || !slices.Equal(y, wantY) {
				t.Fatalf("keys %v labels %v\ntorchvision %v %v", keys, y, refs.Samples, wantY)
			}
			worst := map[string]float64{}
			for i, k := range keys {
				format := "png"
				if ext := strings.ToLower(filepath.Ext(k)); ext == ".jpg" || ext == ".jpeg" {
					format = "jpeg"
				}
				plane := dim / src.SampleShape()[0]
				for j := i * dim; j < (i+1)*dim; j++ {
					level := 1.0 / 255 // of the reference's values, after Normalize
					if c.tr.Std != nil {
						level /= float64(c.tr.Std[(j-i*dim)/plane])
					}
					worst[format] = max(worst[format], math.Abs(float64(got[j]-want[j]))/level)
				}
			}
			t.Logf("largest difference from torchvision, in levels of 255: PNG %.3g, JPEG %.3g", worst["png"], worst["jpeg"])
			if worst["png"] > 1e-4 {
				t.Errorf("PNG images differ from torchvision's by up to %.3g levels; want none", worst["png"])
			}
			if worst["jpeg"] > jpegLevels {
				t.Errorf("JPEG images differ from torchvision's by up to %.3g levels; want at most %d", worst["jpeg"], jpegLevels)
			}
		})
	}
}

// jpegLevels bounds how far Go's JPEG decoding, then the preprocessing,
// lands from PIL's on the fixtures, in levels of 255 (the decoding alone:
// imageprep.TestDecodeMatchesPIL).
const jpegLevels = 3

// The images stream: a folder of 48 images of 512×512 pixels (48 MB
// decoded as Go decodes them) read in batches of 4 holds no more than a
// batch at any time.
func TestImageFolderStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 48 images")
	}
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 512, 512))
	for i := range img.Pix {
		img.Pix[i] = byte(i / 2048)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	for c := range 2 {
		class := filepath.Join(dir, fmt.Sprint("c", c))
		os.Mkdir(class, 0o755)
		for i := range 24 {
			writeFile(t, class, fmt.Sprintf("%02d.png", i), buf.Bytes())
		}
	}
	src, err := Open("imagefolder:"+dir, Options{Transform: Transform{Resize: []int{64}}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var b Batch
	var most uint64
	var ms runtime.MemStats
	for {
		if err := src.Next(&b, 4); err != nil {
			break
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		most = max(most, ms.HeapAlloc)
	}
	t.Logf("largest live heap between batches: %.1f MB", float64(most)/(1<<20))
	if most > 16<<20 {
		t.Errorf("live heap reached %.1f MB between batches of 4 images; the 48 decoded images take 48 MB", float64(most)/(1<<20))
	}
}
