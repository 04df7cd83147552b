package source

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below feed arbitrary bytes to the file parsers. Errors
// are expected; a panic, a hang or a huge allocation is a bug. Their seed
// corpora are the f.Add calls and testdata/fuzz/FuzzX/, and plain go test
// runs both. Fuzz one with, e.g.
//
//	go test -run XXX -fuzz FuzzIDX -fuzztime 2m -parallel 1 ./stream/source/

// fuzzMax is the batch size the targets read with: small, so that a file
// of a few samples takes several batches.
const fuzzMax = 3

// fuzzTimeout is how long one input may take before the watchdog calls
// it a hang.
const fuzzTimeout = 30 * time.Second

// watchdog crashes the fuzzing worker if the input being tried takes more
// than fuzzTimeout, which makes the fuzzer keep the input as a failure:
// Go's fuzzing has no timeout of its own, and a hang would otherwise only
// show as a worker that stops counting.
func watchdog(t *testing.T) {
	timer := time.AfterFunc(fuzzTimeout, func() {
		panic(fmt.Sprintf("%s: one input took more than %v", t.Name(), fuzzTimeout))
	})
	t.Cleanup(func() { timer.Stop() })
}

// fuzzFile writes data to a file named name in a fresh temporary folder.
func fuzzFile(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// oneLine fails t if err is an error of several lines: every error a
// source gives is one line.
func oneLine(t *testing.T, err error) {
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Fatalf("error of several lines: %q", err)
	}
}

// checkDrain reads src to its end or first error and checks the batches
// it yields.
func checkDrain(t *testing.T, src Source) {
	defer src.Close()
	var b Batch
	dim, classes, total := src.Dim(), len(src.Classes()), 0
	for {
		if err := src.Next(&b, fuzzMax); err != nil {
			oneLine(t, err)
			return
		}
		if b.N < 1 || b.N > fuzzMax || len(b.X) != b.N*dim || len(b.Labels) != b.N {
			t.Fatalf("batch N=%d with %d values and %d labels, dim %d", b.N, len(b.X), len(b.Labels), dim)
		}
		for _, l := range b.Labels {
			if l < 0 || int(l) >= classes {
				t.Fatalf("label %d outside the %d classes", l, classes)
			}
		}
		if total += b.N; total > src.Len() {
			t.Fatalf("read %d samples, more than Len %d", total, src.Len())
		}
	}
}

func FuzzIDX(f *testing.F) {
	pixels := make([]byte, 4*2*3)
	for i := range pixels {
		pixels[i] = byte(i * 11)
	}
	img := idxBytes([]int{4, 2, 3}, pixels)
	lbl := idxBytes([]int{4}, []byte{1, 2, 3, 9})
	f.Add(img)
	f.Add(lbl)
	f.Add(gzipBytes(f, img))
	f.Add(gzipBytes(f, lbl))
	f.Add(idxBytes([]int{1, 1, 1}, []byte{7}))
	f.Add(img[:len(img)-1])
	f.Add(idxBytes([]int{0, 28, 28}, nil))
	f.Add(idxBytes([]int{1 << 20, 1 << 14, 1 << 14}, nil))
	f.Add(gzipBytes(f, idxBytes([]int{1 << 20, 1 << 12, 1 << 12}, []byte{1, 2, 3})))
	// A gzipped header can declare huge images that the file does not
	// hold; a batch must not allocate for them all before reading.
	f.Add(gzipBytes(f, idxBytes([]int{4, 1 << 14, 1 << 14}, []byte{1, 2, 3})))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog(t)
		path := fuzzFile(t, "idx", data)
		// As a label file: read whole, then checked.
		if labels, err := readMNISTLabels(path); err == nil {
			for _, l := range labels {
				if l > 9 {
					t.Fatalf("label %d accepted", l)
				}
			}
		}
		// As an image file, with labels made to match when it is one.
		img, err := openIDX(path, 3)
		if err != nil {
			return
		}
		n := img.dims[0]
		img.Close()
		if n > 1<<16 {
			n = 1 << 16 // keep the label file small; the count then mismatches
		}
		lblPath := fuzzFile(t, "lbl", idxBytes([]int{n}, make([]byte, n)))
		m, err := openMNISTFiles("fuzz", path, lblPath, 0)
		if err != nil {
			oneLine(t, err)
			return
		}
		checkDrain(t, m)
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b,label\n1,2,x\n3,4,y\n5,6,x\n",
		"\ufeffa, b ,label\n1e3,-2,\"q\"\n",
		"a,label\n1,\n",
		"a,label\nNaN,x\n",
		"a,a,label\n1,2,3\n",
		"label,a\n\"x\ny\",1\n1,2\n",
		"1,2,3\n4,5,6\n",
		"a,label\n1,x\n2\n",
		"a,label\n3.5e39,x\n",
		"",
		"a,b,label\r\n1,2,3\r\n",
		"x,label\n1,a\n2,\"b\n\n\n",
		"x,label\n1e39,a\n-0,b\n",
	} {
		f.Add([]byte(s))
	}
	if iris, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "iris.csv")); err == nil {
		f.Add(iris[:min(len(iris), 600)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog(t)
		src, err := OpenCSV(fuzzFile(t, "f.csv", data), Options{})
		if err != nil {
			oneLine(t, err)
			return
		}
		checkDrain(t, src)
	})
}

func FuzzNPY(f *testing.F) {
	x := npyArray("<f4", []int{4, 1, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	y := npyArray("<i8", []int{4}, []float64{3, 1, 3, 0})
	f.Add(x, y)
	f.Add(npyArray("<f8", []int{4, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8}), npyArray("|u1", []int{4}, []float64{1, 2, 1, 2}))
	f.Add(npyArray("<f4", []int{2}, []float64{1, 2}), npyArray("<f8", []int{2}, []float64{1, 2.5}))
	f.Add(npyBytes(2, npyDict("<f4", false, []int{4, 2}), x[64:]), npyBytes(3, npyDict("<i8", false, []int{4}), y[64:]))
	f.Add(npyBytes(1, npyDict("<f4", true, []int{4, 2}), x[64:]), y)
	f.Add(npyBytes(1, npyDict("|O", false, []int{4, 2}), x[64:]), y)
	f.Add(npyBytes(1, npyDict(">f8", false, []int{2, 2}), x[64:]), y)
	f.Add(npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (8,)}", x[64:]), y)
	f.Add(npyBytes(1, npyDict("<f4", false, []int{1 << 40, 1 << 40}), nil), y)
	f.Add(x[:70], y[:66])
	var nan bytes.Buffer
	binary.Write(&nan, binary.LittleEndian, []uint32{0x7fc00000, 0, 0x7f800000, 0, 0, 0, 0, 0})
	f.Add(npyBytes(1, npyDict("<f4", false, []int{4, 2}), nan.Bytes()), y)
	f.Add(x, npyBytes(2, npyDict("<i8", false, []int{4})+strings.Repeat(" ", maxNPYHeader), y[64:]))
	f.Add(x, npyBytes(1, npyDict("<i8", false, []int{4, 1}), y[64:]))
	f.Fuzz(func(t *testing.T, x, y []byte) {
		watchdog(t)
		src, err := OpenNPY(fuzzFile(t, "x.npy", x), fuzzFile(t, "y.npy", y), Options{})
		if err != nil {
			oneLine(t, err)
			return
		}
		checkDrain(t, src)
	})
}

// FuzzParquet feeds two arbitrary files to a Parquet glob, as DuckDB
// reads them: corrupt files, and files that disagree on their columns.
func FuzzParquet(f *testing.F) {
	dir := f.TempDir()
	read := func(name, q string) []byte {
		b, err := os.ReadFile(writeParquet(f, dir, name, q, 0))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	ints := read("i.parquet", `SELECT i % 3 AS label, i::FLOAT AS x, -i AS y FROM range(5) t(i)`)
	strs := read("s.parquet", `SELECT ['a', 'b'][i % 2 + 1] AS label, i::DOUBLE AS x, i AS y FROM range(4) t(i)`)
	floats := read("f.parquet", `SELECT (i % 2)::DOUBLE AS label, CASE WHEN i = 2 THEN 'nan'::DOUBLE ELSE i END AS x FROM range(4) t(i)`)
	f.Add(ints, ints)
	f.Add(ints, strs)
	f.Add(strs, floats)
	f.Add(floats, ints[:len(ints)/2])
	f.Add([]byte("PAR1"), ints)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		watchdog(t)
		dir := t.TempDir()
		writeFile(t, dir, "part-0.parquet", a)
		writeFile(t, dir, "part-1.parquet", b)
		src, err := Open("parquet:"+filepath.Join(dir, "part-*.parquet"), Options{})
		if err != nil {
			oneLine(t, err)
			return
		}
		checkDrain(t, src)
	})
}

// FuzzNPYHeader fuzzes the header's dict literal alone, where most of the
// NPY parser's branches are.
func FuzzNPYHeader(f *testing.F) {
	for _, s := range []string{
		"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }",
		"{'shape':[3,1],'fortran_order':False,'descr':'<f4'}",
		"{'descr': '<f8', 'fortran_order': True, 'shape': (3L,), }",
		"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}",
		`{"descr": "|u1", "fortran_order": False, "shape": (0,)}`,
		"{'descr': '|O', 'fortran_order': None, 'shape': (-1,)}",
		"((((((((((",
		"{'a\\'b': 1}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseNPYHeader(s)
		if err != nil {
			oneLine(t, err)
			return
		}
		for _, d := range h.shape {
			if d < 0 || d > maxNPYDim {
				t.Fatalf("shape %v accepted", h.shape)
			}
		}
	})
}

// FuzzActsManifest feeds arbitrary layers.txt files to an activations
// folder of three layers.
func FuzzActsManifest(f *testing.F) {
	for _, s := range []string{
		"l2\nl10\nconv\n",
		"# input first\nconv.npy\r\nl2 # then\n\n l10 \n",
		"l2\nl2\nconv\nl10\n",
		"l2\nl10\nmissing\nconv\n",
		"l2\nl10\n",
		"",
		"\xff\x00\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, manifest string) {
		watchdog(t)
		dir := actsDir(t, 4)
		writeFile(t, dir, ActsManifest, []byte(manifest))
		src, err := Open("acts:"+dir, Options{})
		if err != nil {
			oneLine(t, err)
			return
		}
		if n := len(src.(Layered).Parts()); n != 3 {
			t.Fatalf("%d layers, want the folder's 3", n)
		}
		checkDrain(t, src)
	})
}
