package imageprep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// needPIL skips the test when Debian's python3 has no PIL.
func needPIL(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import PIL, numpy").Run(); err != nil {
		t.Skipf("skipping: %s cannot import PIL and numpy (%v); install python3-pil (scripts/install-deps.sh --fixtures)", python, err)
	}
}

// pilScript resizes each case's PNG with PIL's Image.resize(BILINEAR)
// after convert(mode), then crops with torchvision's rule, and prints the
// raw bytes of each result as a list of ints.
const pilScript = `
import json, sys, numpy as np
from PIL import Image
out = []
for c in json.load(open(sys.argv[1])):
    im = Image.open(c["path"]).convert(c["mode"])
    if c["w"] != im.size[0] or c["h"] != im.size[1]:
        im = im.resize((c["w"], c["h"]), Image.BILINEAR)
    out.append(np.asarray(im).reshape(-1).tolist())
json.dump(out, sys.stdout)
`

// Resize is PIL's bilinear resampling bit for bit, up and down, on each
// axis alone and both, for L and RGB, including sizes whose scale is not
// a simple fraction.
func TestResizeMatchesPIL(t *testing.T) {
	needPIL(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	type pilCase struct {
		Path string `json:"path"`
		Mode string `json:"mode"`
		W    int    `json:"w"`
		H    int    `json:"h"`
	}
	var cases []pilCase
	var imgs []*Image
	sizes := [][4]int{{37, 29, 13, 11}, {13, 11, 37, 29}, {64, 48, 32, 24}, {50, 50, 50, 17}, {50, 50, 17, 50},
		{7, 5, 100, 3}, {100, 3, 7, 5}, {31, 97, 31, 97}, {224, 150, 32, 21}, {3, 200, 1, 1}, {1, 1, 5, 9}}
	for i, s := range sizes {
		for _, mode := range []string{"L", "RGB"} {
			src := image.NewNRGBA(image.Rect(0, 0, s[0], s[1]))
			for j := range src.Pix {
				src.Pix[j] = uint8(rng.IntN(256))
				if j%4 == 3 {
					src.Pix[j] = 255
				}
			}
			p := filepath.Join(dir, fmt.Sprintf("%d%s.png", i, mode))
			var buf bytes.Buffer
			if err := png.Encode(&buf, src); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			ch := 3
			if mode == "L" {
				ch = 1
			}
			f, _ := os.Open(p)
			m, _, err := Decode(f, ch, nil)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			imgs = append(imgs, Resize(m, s[2], s[3]))
			cases = append(cases, pilCase{p, mode, s[2], s[3]})
		}
	}
	spec, _ := json.Marshal(cases)
	specPath := filepath.Join(dir, "cases.json")
	os.WriteFile(specPath, spec, 0o644)
	out, err := exec.Command(python, "-c", pilScript, specPath).Output()
	if err != nil {
		t.Fatalf("PIL: %v", err)
	}
	var want [][]int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		m := imgs[i]
		if m.W != c.W || m.H != c.H || len(want[i]) != m.W*m.H*m.C {
			t.Fatalf("%s to %d×%d: got %d×%d×%d, PIL %d values", c.Path, c.W, c.H, m.W, m.H, m.C, len(want[i]))
		}
		bad := 0
		for p := range m.W * m.H {
			for ch := range m.C {
				if int(m.Pix[p*m.Step+ch]) != want[i][p*m.C+ch] {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s (%s) to %d×%d: %d of %d values differ from PIL", filepath.Base(c.Path), c.Mode, c.W, c.H, bad, len(want[i]))
		}
	}
}

// decodeScript prints PIL's decoding of each file, converted to mode.
const decodeScript = `
import json, sys, numpy as np
from PIL import Image
mode = sys.argv[1]
json.dump([np.asarray(Image.open(p).convert(mode)).reshape(-1).tolist() for p in sys.argv[2:]], sys.stdout)
`

// JPEG images decoded by Go's image/jpeg with libjpeg's chroma
// interpolation and colour conversion land within jpegLevels of PIL's
// libjpeg-turbo decoding; what remains is the inverse DCT's rounding.
// PNG images, of every mode in the fixtures, decode exactly as PIL's.
func TestDecodeMatchesPIL(t *testing.T) {
	needPIL(t)
	files, err := filepath.Glob("../../../fixtures/images/folder/*/*.*")
	if err != nil || len(files) < 30 {
		t.Fatalf("fixture images: %d files, %v", len(files), err)
	}
	// A 16-bit RGB PNG, whose high bytes PIL keeps.
	rgb16 := image.NewRGBA64(image.Rect(0, 0, 9, 4))
	for i := range rgb16.Pix {
		rgb16.Pix[i] = uint8(i * 37)
		if i%8 >= 6 {
			rgb16.Pix[i] = 0xff
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgb16); err != nil {
		t.Fatal(err)
	}
	p16 := filepath.Join(t.TempDir(), "rgb16.png")
	if err := os.WriteFile(p16, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, p16)
	for _, mode := range []string{"RGB", "L"} {
		ch := map[string]int{"RGB": 3, "L": 1}[mode]
		var paths []string
		var imgs []*Image
		for _, p := range files {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			m, _, err := Decode(f, ch, nil)
			f.Close()
			if err != nil {
				continue // notes.txt
			}
			paths, imgs = append(paths, p), append(imgs, m)
		}
		out, err := exec.Command(python, append([]string{"-c", decodeScript, mode}, paths...)...).Output()
		if err != nil {
			t.Fatalf("PIL: %v", err)
		}
		var want [][]int
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		worst := map[string]int{}
		hist := map[string]map[int]int{"png": {}, "jpeg": {}}
		for i, m := range imgs {
			format := "png"
			if strings.HasPrefix(strings.ToLower(filepath.Ext(paths[i])), ".jp") {
				format = "jpeg"
			}
			for p := range m.W * m.H {
				for c := range ch {
					d := int(m.Pix[p*m.Step+min(c, m.C-1)]) - want[i][p*ch+c]
					d = max(d, -d)
					worst[format] = max(worst[format], d)
					hist[format][d]++
				}
			}
		}
		t.Logf("%s: largest difference from PIL in levels: PNG %d, JPEG %d; JPEG differences by size: %v", mode, worst["png"], worst["jpeg"], hist["jpeg"])
		if worst["png"] != 0 || worst["jpeg"] > jpegLevels {
			t.Errorf("%s: PNG differs by up to %d levels (want 0), JPEG by up to %d (want at most %d)", mode, worst["png"], worst["jpeg"], jpegLevels)
		}
	}
}

// jpegLevels bounds the difference between Go's and libjpeg-turbo's
// decoding of the fixture JPEGs, in levels of 255.
const jpegLevels = 3
