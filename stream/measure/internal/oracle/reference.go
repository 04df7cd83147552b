package oracle

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cxray/internal/fixture"
)

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

// NeedPython skips the test when Debian's python3 with numpy is missing.
func NeedPython(t testing.TB) {
	t.Helper()
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: the reference needs %s with numpy: %v", python, err)
	}
}

// Result is the reference's answer.
type Result struct {
	N1            float64 `json:"n1"`
	N             int     `json:"n"`
	CrossVertices int     `json:"cross_vertices"`
	NearTies      *int    `json:"near_ties"`
	Seconds       float64 `json:"seconds"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
}

// Reference runs fixtures/reference/n1_reference.py with args.
func Reference(t testing.TB, args ...string) Result {
	t.Helper()
	NeedPython(t)
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
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("reference output %q: %v", out, err)
	}
	return r
}

// ReferenceOnArrays writes x and y as .npy and runs the reference on them.
func ReferenceOnArrays(t testing.TB, x []float32, y []int32, dim int, args ...string) Result {
	t.Helper()
	NeedPython(t)
	dir := t.TempDir()
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	writeNpy(t, xp, x, len(y), dim)
	writeNpy(t, yp, y, len(y))
	return Reference(t, append([]string{"--x", xp, "--y", yp}, args...)...)
}
