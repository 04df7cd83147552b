package measure

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// mnist returns the first count images of a set ("train" or "t10k") as
// float32 pixels k/255, 784 per image, and their labels.
func mnist(t testing.TB, set string, count int) ([]float32, []int32) {
	t.Helper()
	x, y, err := fixture.MNIST(set, count)
	if err != nil {
		t.Fatal(err)
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
