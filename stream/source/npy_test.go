package source

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyBytes encodes an NPY file by hand, independently of the reader under
// test, in format version 1, 2 or 3. header is the dict literal.
func npyBytes(version int, header string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.Write([]byte{byte(version), 0})
	pre := 10
	if version > 1 {
		pre = 12
	}
	// Pad with spaces so that the data starts at a multiple of 64.
	pad := 63 - (pre+len(header)+1+63)%64
	header += strings.Repeat(" ", pad) + "\n"
	if version == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

// npyArray encodes values of the little-endian dtype descr, e.g. "<f4",
// with the given shape.
func npyArray(descr string, shape []int, values []float64) []byte {
	var data bytes.Buffer
	for _, v := range values {
		switch descr {
		case "<f4":
			binary.Write(&data, binary.LittleEndian, float32(v))
		case "<f8":
			binary.Write(&data, binary.LittleEndian, v)
		case "<i8":
			binary.Write(&data, binary.LittleEndian, int64(v))
		case "<i4":
			binary.Write(&data, binary.LittleEndian, int32(v))
		case "<i2":
			binary.Write(&data, binary.LittleEndian, int16(v))
		case "<u2":
			binary.Write(&data, binary.LittleEndian, uint16(v))
		case "|u1", "|i1", "|b1":
			data.WriteByte(byte(int8(v)))
		default:
			panic("npyArray: dtype " + descr)
		}
	}
	return npyBytes(1, npyDict(descr, false, shape), data.Bytes())
}

func npyDict(descr string, fortran bool, shape []int) string {
	f := "False"
	if fortran {
		f = "True"
	}
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, f, pyShape(shape))
}

// mnistLike is the data both the Go writer and the NumPy script write: n
// samples of 1x4x4 values (i*16+j)/7-3 and labels (i*7)%5*10-20, so the
// classes are -20, -10, 0, 10, 20 and sample i has class (i*7)%5.
const mnistLikeN = 25

func mnistLikeX() []float64 {
	x := make([]float64, mnistLikeN*16)
	for i := range x {
		x[i] = float64(i)/7 - 3
	}
	return x
}

func mnistLikeY() []float64 {
	y := make([]float64, mnistLikeN)
	for i := range y {
		y[i] = float64((i*7)%5*10 - 20)
	}
	return y
}

// checkMNISTLike reads src whole, in batches of max, and compares it with
// the data mnistLikeX and mnistLikeY describe.
func checkMNISTLike(t *testing.T, src Source, max, n int) {
	t.Helper()
	if got := src.SampleShape(); !slices.Equal(got, []int{1, 4, 4}) {
		t.Errorf("SampleShape %v, want [1 4 4]", got)
	}
	if src.Dim() != 16 || src.Len() != n {
		t.Errorf("Dim %d, Len %d; want 16, %d", src.Dim(), src.Len(), n)
	}
	if got, want := src.Classes(), []string{"-20", "-10", "0", "10", "20"}; !slices.Equal(got, want) {
		t.Errorf("Classes %q, want %q", got, want)
	}
	x, labels := readAll(t, src, max)
	if len(labels) != n || len(x) != 16*n {
		t.Fatalf("read %d labels and %d values, want %d and %d", len(labels), len(x), n, 16*n)
	}
	want := mnistLikeX()
	for i, v := range x {
		if v != float32(want[i]) {
			t.Fatalf("value %d = %v, want %v", i, v, float32(want[i]))
		}
	}
	for i, l := range labels {
		if int(l) != (i*7)%5 {
			t.Fatalf("label %d = %d, want %d", i, l, (i*7)%5)
		}
	}
}

func TestNPYGoWriter(t *testing.T) {
	dir := t.TempDir()
	for _, xd := range []string{"<f4", "<f8"} {
		for _, yd := range []string{"<i8", "<i4", "<i2", "|i1", "<f8", "<f4"} {
			t.Run(xd+","+yd, func(t *testing.T) {
				x := writeFile(t, dir, "x.npy", npyArray(xd, []int{mnistLikeN, 1, 4, 4}, mnistLikeX()))
				y := writeFile(t, dir, "y.npy", npyArray(yd, []int{mnistLikeN}, mnistLikeY()))
				src, err := Open("npy:"+x+","+y, Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer src.Close()
				checkMNISTLike(t, src, 7, mnistLikeN)
			})
		}
	}
}

func TestNPYUnsignedAndBoolLabels(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.npy", npyArray("<f4", []int{4, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8}))
	for _, c := range []struct {
		descr   string
		values  []float64
		classes []string
		ids     []int32
	}{
		{"|u1", []float64{255, 0, 7, 0}, []string{"0", "7", "255"}, []int32{2, 0, 1, 0}},
		{"<u2", []float64{65535, 3, 3, 1}, []string{"1", "3", "65535"}, []int32{2, 1, 1, 0}},
		{"|b1", []float64{1, 0, 1, 1}, []string{"0", "1"}, []int32{1, 0, 1, 1}},
	} {
		y := writeFile(t, dir, "y.npy", npyArray(c.descr, []int{4}, c.values))
		src, err := OpenNPY(x, y, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		if got := src.Classes(); !slices.Equal(got, c.classes) {
			t.Errorf("%s: classes %q, want %q", c.descr, got, c.classes)
		}
		if _, labels := readAll(t, src, 3); !slices.Equal(labels, c.ids) {
			t.Errorf("%s: labels %v, want %v", c.descr, labels, c.ids)
		}
		src.Close()
	}
}

// Labels saved as a column, shape (n, 1), are accepted as well.
func TestNPYColumnLabels(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.npy", npyArray("<f4", []int{3, 1}, []float64{1, 2, 3}))
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{3, 1}, []float64{5, -1, 5}))
	src, err := OpenNPY(x, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, labels := readAll(t, src, 5); !slices.Equal(labels, []int32{1, 0, 1}) || !slices.Equal(src.Classes(), []string{"-1", "5"}) {
		t.Errorf("labels %v, classes %q; want [1 0 1], [-1 5]", labels, src.Classes())
	}
}

func TestNPYVersionsAndShapes(t *testing.T) {
	dir := t.TempDir()
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{3}, []float64{1, 2, 1}))
	values := []float64{0.5, 1.5, 2.5}
	var data bytes.Buffer
	binary.Write(&data, binary.LittleEndian, []float32{0.5, 1.5, 2.5})
	for _, c := range []struct {
		name  string
		file  []byte
		shape []int
	}{
		{"v2", npyBytes(2, npyDict("<f4", false, []int{3, 1}), data.Bytes()), []int{1}},
		{"v3", npyBytes(3, npyDict("<f4", false, []int{3, 1}), data.Bytes()), []int{1}},
		{"1-D", npyArray("<f4", []int{3}, values), []int{1}},
		{"no spaces, list shape", npyBytes(1, "{'shape':[3,1],'fortran_order':False,'descr':'<f4'}", data.Bytes()), []int{1}},
		{"python 2 long", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 1L), }", data.Bytes()), []int{1}},
	} {
		x := writeFile(t, dir, "x.npy", c.file)
		src, err := OpenNPY(x, y, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(src.SampleShape(), c.shape) {
			t.Errorf("%s: shape %v, want %v", c.name, src.SampleShape(), c.shape)
		}
		got, labels := readAll(t, src, 2)
		if !slices.Equal(got, []float32{0.5, 1.5, 2.5}) || !slices.Equal(labels, []int32{0, 1, 0}) {
			t.Errorf("%s: read %v %v", c.name, got, labels)
		}
		src.Close()
	}
}

func TestNPYLimitAndBatches(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.npy", npyArray("<f8", []int{mnistLikeN, 1, 4, 4}, mnistLikeX()))
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{mnistLikeN}, mnistLikeY()))
	for _, max := range []int{1, 4, 25, 100} {
		src, err := OpenNPY(x, y, Options{Limit: 11})
		if err != nil {
			t.Fatal(err)
		}
		// The classes come from all of y, not just the first 11 labels.
		checkMNISTLike(t, src, max, 11)
		var b Batch
		if err := src.Next(&b, 0); err == nil {
			t.Error("Next(max=0) did not fail")
		}
		src.Close()
		if err := src.Next(&b, 1); err == nil || !strings.Contains(err.Error(), "Close") {
			t.Errorf("Next after Close: %v", err)
		}
	}
	for limit, want := range map[int]string{-1: "negative", 26: "more than the 25"} {
		if _, err := OpenNPY(x, y, Options{Limit: limit}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("limit %d: error %v, want %q", limit, err, want)
		}
	}
}

// TestNPYErrors covers each bad file with the Go writer; every error must
// be one line naming the file at fault.
// TestNPYIntegerSamples reads token ids and masks of every integer dtype
// as exact float32, up to ±2^24.
func TestNPYIntegerSamples(t *testing.T) {
	dir := t.TempDir()
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{2}, []float64{0, 1}))
	for _, c := range []struct {
		descr string
		v     []float64
	}{
		{"<i8", []float64{101, 2023, 1 << 24, -(1 << 24), 0, 7}},
		{"<i4", []float64{101, 2023, 30522, -1, 0, 7}},
		{"<i2", []float64{101, 2023, 30000, -1, 0, 7}},
		{"<u2", []float64{101, 2023, 65535, 1, 0, 7}},
		{"|u1", []float64{1, 0, 255, 1, 0, 7}},
		{"|b1", []float64{1, 0, 1, 1, 0, 0}},
	} {
		x := writeFile(t, dir, "x.npy", npyArray(c.descr, []int{2, 3}, c.v))
		src, err := OpenNPY(x, y, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		got, _ := readAll(t, src, 64)
		src.Close()
		for i, v := range c.v {
			if float64(got[i]) != v {
				t.Errorf("%s: value %d = %v, want %v", c.descr, i, got[i], v)
			}
		}
	}
}

func TestNPYErrors(t *testing.T) {
	dir := t.TempDir()
	good := npyArray("<f4", []int{3, 2}, []float64{1, 2, 3, 4, 5, 6})
	goodY := npyArray("<i8", []int{3}, []float64{0, 1, 0})
	f4 := func(v ...float32) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, v)
		return b.Bytes()
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		name string
		x, y []byte
		bad  string // "x" or "y": the file the error must name
		want string
	}{
		{"fortran", npyBytes(1, npyDict("<f4", true, []int{3, 2}), f4(1, 2, 3, 4, 5, 6)), goodY, "x", "Fortran-ordered; save it with np.save(path, np.ascontiguousarray(a))"},
		{"object", npyBytes(1, npyDict("|O", false, []int{3, 2}), make([]byte, 48)), goodY, "x", "Python objects"},
		{"object labels", good, npyBytes(1, npyDict("|O", false, []int{3}), make([]byte, 24)), "y", "Python objects"},
		{"big-endian", npyBytes(1, npyDict(">f4", false, []int{3, 2}), f4(1, 2, 3, 4, 5, 6)), goodY, "x", "big-endian"},
		{"float16 samples", npyBytes(1, npyDict("<f2", false, []int{3, 2}), make([]byte, 12)), goodY, "x", "float32, float64 or integers, not float16"},
		{"beyond 2^24", npyArray("<i8", []int{3, 2}, []float64{1, 2, 3, 1<<24 + 1, 5, 6}), goodY, "x", "row 1, column 1: 16777217 is beyond ±2^24"},
		{"beyond 2^24 below", npyArray("<i4", []int{3, 2}, []float64{1, 2, 3, 4, -(1<<24 + 1), 6}), goodY, "x", "row 2, column 0: -16777217 is beyond ±2^24"},
		{"bool byte", npyBytes(1, npyDict("|b1", false, []int{3, 2}), []byte{1, 0, 2, 1, 0, 0}), goodY, "x", "row 1, column 0 is the byte 2, not a boolean"},
		{"lengths", good, npyArray("<i8", []int{2}, []float64{0, 1}), "x", "3 samples but"},
		{"truncated", good[:len(good)-1], goodY, "x", "truncated"},
		{"trailing", append(slices.Clone(good), 0), goodY, "x", "more than"},
		{"truncated labels", good, goodY[:len(goodY)-3], "y", "truncated"},
		{"truncated header", good[:40], goodY, "x", "truncated"},
		{"bad magic", append([]byte("\x93NUMPZ"), good[6:]...), goodY, "x", "not an NPY file"},
		{"empty", nil, goodY, "x", "too short"},
		{"version", append(append([]byte(npyMagic), 4, 0), good[8:]...), goodY, "x", "version 4.0"},
		{"nan", npyBytes(1, npyDict("<f4", false, []int{3, 2}), f4(1, 2, 3, nan, 5, 6)), goodY, "x", "row 1, column 1: NaN"},
		{"inf", npyBytes(1, npyDict("<f4", false, []int{3, 2}), f4(1, 2, 3, 4, 5, inf)), goodY, "x", "row 2, column 1: +Inf"},
		{"float32 range", npyArray("<f8", []int{3, 2}, []float64{1, 2, 1e300, 4, 5, 6}), goodY, "x", "row 1, column 0: 1e+300 is out of the float32 range"},
		{"fractional labels", good, npyArray("<f8", []int{3}, []float64{0, 1.5, 0}), "y", "label 1 is 1.5, not an integer"},
		{"nan labels", good, npyArray("<f8", []int{3}, []float64{0, math.NaN(), 0}), "y", "label 1 is NaN, not an integer"},
		{"string labels", good, npyBytes(1, npyDict("<U3", false, []int{3}), make([]byte, 36)), "y", `dtype "<U3" is not supported`},
		{"2-D labels", good, npyArray("<i8", []int{1, 3}, []float64{0, 1, 0}), "y", "shape (1, 3)"},
		{"scalar", npyArray("<f4", []int{}, []float64{1}), goodY, "x", "single value"},
		{"empty samples", npyArray("<f4", []int{3, 0}, nil), goodY, "x", "hold no values"},
		{"no labels", npyArray("<f4", []int{0, 2}, nil), npyArray("<i8", []int{0}, nil), "y", "has no labels"},
		{"structured", npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", f4(1, 2, 3)), goodY, "x", "structured dtype"},
		{"no dict", npyBytes(1, "(1, 2)", nil), goodY, "x", "bad NPY header: it is not a dict"},
		{"syntax", npyBytes(1, "{'descr': '<f4' 'shape': (3, 2)}", nil), goodY, "x", "bad NPY header"},
		{"huge shape", npyBytes(1, npyDict("<f4", false, []int{1 << 40, 1 << 40}), nil), goodY, "x", "too large"},
		{"huge sample", npyBytes(1, npyDict("<f4", false, []int{1, 1 << 30}), nil), goodY, "x", "too large"},
		{"negative dim", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 2), }", nil), goodY, "x", "not a valid dimension"},
		{"deep", npyBytes(1, strings.Repeat("(", 100), nil), goodY, "x", "nested too deeply"},
	} {
		x := writeFile(t, dir, "X.npy", c.x)
		y := writeFile(t, dir, "y.npy", c.y)
		src, err := OpenNPY(x, y, Options{})
		if err == nil {
			err = drainErr(src, 2)
			src.Close()
		}
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		path := map[string]string{"x": x, "y": y}[c.bad]
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q, want one line naming %s and saying %q", c.name, msg, filepath.Base(path), c.want)
		}
		if c.name == "lengths" && !strings.Contains(msg, "2 labels") {
			t.Errorf("lengths: error %q does not give both counts", msg)
		}
	}
}

func TestNPYSpec(t *testing.T) {
	for spec, want := range map[string]string{
		"npy:":             "needs two files",
		"npy:x.npy":        "needs two files",
		"npy:x.npy,":       "needs two files",
		"npy:a,b,c":        "needs two files",
		"npy:no.npy,y.npy": "no such file",
	} {
		if _, err := Open(spec, Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): error %v, want %q", spec, err, want)
		}
	}
}

// npyScript writes files with NumPy itself: the MNIST-like data in several
// dtypes and format versions, and the bad files NumPy can make.
const npyScript = `
import sys
import numpy as np
d = sys.argv[1]
n = 25
X = (np.arange(n * 16, dtype=np.float64) / 7 - 3).reshape(n, 1, 4, 4)
y = np.array([(i * 7) % 5 * 10 - 20 for i in range(n)])
np.save(d + '/x32.npy', X.astype(np.float32))
np.save(d + '/x64.npy', X)
np.save(d + '/y.npy', y)
np.save(d + '/y_i4.npy', y.astype(np.int32))
np.save(d + '/y_f4.npy', y.astype(np.float32))
for v in (2, 3):
    with open(d + '/x_v%d.npy' % v, 'wb') as f:
        np.lib.format.write_array(f, X.astype(np.float32), version=(v, 0))
np.save(d + '/xf.npy', np.asfortranarray(X.reshape(n, 16)))
np.save(d + '/xo.npy', np.array([None] * n, dtype=object), allow_pickle=True)
np.save(d + '/xbe.npy', X.astype('>f4'))
np.save(d + '/y_short.npy', y[:-1])
np.save(d + '/y_frac.npy', y + 0.5)
Xn = X.copy()
Xn[7, 0, 2, 3] = np.nan
np.save(d + '/xnan.npy', Xn)
`

func TestNPYFromNumPy(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: %s cannot import numpy (%v); install python3-numpy (make deps)", python, err)
	}
	dir := t.TempDir()
	if out, err := exec.Command(python, "-c", npyScript, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy script: %v\n%s", err, out)
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, c := range [][2]string{
		{"x32.npy", "y.npy"}, {"x64.npy", "y.npy"}, {"x32.npy", "y_i4.npy"},
		{"x64.npy", "y_f4.npy"}, {"x_v2.npy", "y.npy"}, {"x_v3.npy", "y.npy"},
	} {
		src, err := OpenNPY(p(c[0]), p(c[1]), Options{})
		if err != nil {
			t.Errorf("%v: %v", c, err)
			continue
		}
		t.Run(c[0]+","+c[1], func(t *testing.T) { checkMNISTLike(t, src, 6, mnistLikeN) })
		src.Close()
	}
	for _, c := range []struct{ x, y, want string }{
		{"xf.npy", "y.npy", "xf.npy: the array is Fortran-ordered"},
		{"xo.npy", "y.npy", "xo.npy: the array holds Python objects"},
		{"xbe.npy", "y.npy", "xbe.npy: the array is big-endian"},
		{"x32.npy", "y_short.npy", "x32.npy has 25 samples but " + p("y_short.npy") + " has 24 labels"},
		{"x32.npy", "y_frac.npy", "y_frac.npy: label 0 is -19.5, not an integer"},
		{"xnan.npy", "y.npy", "xnan.npy row 7, column 11 (index [0, 2, 3] of the sample): NaN is not a finite number"},
	} {
		src, err := OpenNPY(p(c.x), p(c.y), Options{})
		if err == nil {
			err = drainErr(src, 4)
			src.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s,%s: error %v, want %q", c.x, c.y, err, c.want)
		}
	}
}

// The file must not be read whole: Next reads one batch of rows at a time.
func TestNPYStreams(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.npy", npyArray("<f4", []int{mnistLikeN, 1, 4, 4}, mnistLikeX()))
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{mnistLikeN}, mnistLikeY()))
	src, err := OpenNPY(x, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var b Batch
	if err := src.Next(&b, 2); err != nil {
		t.Fatal(err)
	}
	if got := cap(src.(*npySource).raw); got != 2*16*4 {
		t.Errorf("batch buffer holds %d bytes, want %d", got, 2*16*4)
	}
}

// Next reads at most maxBatchBytes of samples at a time, whatever max
// asks, alone and as a layer of an activations source: 17 samples of
// 4 MiB come as 16 and 1. The file is sparse: its samples are zeros.
func TestNPYBatchCap(t *testing.T) {
	const n, dim = 17, 1 << 20 // float32: 4 MiB a sample
	dir := t.TempDir()
	head := npyBytes(1, npyDict("<f4", false, []int{n, dim}), nil)
	x := writeFile(t, dir, "big.npy", head)
	if err := os.Truncate(x, int64(len(head))+n*dim*4); err != nil {
		t.Fatal(err)
	}
	y := writeFile(t, dir, "y.npy", npyArray("<i8", []int{n}, make([]float64, n)))
	small := writeFile(t, dir, "small.npy", npyArray("<f4", []int{n}, make([]float64, n)))
	want := []int{maxBatchBytes / (dim * 4), n - maxBatchBytes/(dim*4)}
	for _, spec := range []string{"npy:" + x + "," + y, "npy:" + small + "+" + x + "," + y} {
		src, err := Open(spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b Batch
		var got []int
		for src.Next(&b, 64) == nil {
			got = append(got, b.N)
		}
		src.Close()
		if !slices.Equal(got, want) {
			t.Errorf("%s: batches of %v, want %v", spec, got, want)
		}
	}
}
