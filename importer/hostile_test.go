package importer_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"cxray/importer"
)

// hostile is the folder of small hostile files made by make_hostile.py.
const hostile = "testdata/hostile"

// checkLine requires err to be one line containing every want.
func checkLine(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one naming %q", what, want)
		return
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("%s: error spans several lines: %q", what, msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: error %q does not contain %q", what, msg, w)
		}
	}
}

// TestHostileFiles: files that lie about their sizes, or point outside
// their folder, are refused by name before anything is allocated for
// what they claim.
func TestHostileFiles(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"short_raw_data.onnx", []string{"short_raw_data.onnx", `initializer "fc.w" (FLOAT 10×784)`, "raw_data holds 16 bytes", "need 31360"}},
		{"dims_overflow.onnx", []string{`initializer "big"`, "1099511627776×1099511627776", "more than 2^63 elements"}},
		{"external_dotdot.onnx", []string{`initializer "fc.w"`, `"../outside.bin"`, "leaves the model's folder"}},
		{"external_absolute.onnx", []string{`initializer "fc.w"`, `"/etc/passwd"`, "absolute path"}},
		{"string_used.onnx", []string{`node "cat" (Concat)`, `"s2"`, "STRING tensor"}},
		{"truncated.onnx", []string{"truncated.onnx", "not a valid ONNX model"}},
		{"random.onnx", []string{"random.onnx"}},
	} {
		_, err := importer.Load(filepath.Join(hostile, c.file))
		checkLine(t, c.file, err, c.want...)
	}
}

// TestExternalData reads external data from the model's folder and refuses
// a symlink that leaves it, a missing file and one that is too short.
func TestExternalData(t *testing.T) {
	g, err := importer.Load(filepath.Join(hostile, "external_ok.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(hostile, "external_ok.bin"))
	if err != nil {
		t.Fatal(err)
	}
	w := g.Initializers["fc.w"]
	if w == nil || len(w.Float) != 7840 || len(w.Shape) != 2 || w.Shape[0] != 10 || w.Shape[1] != 784 {
		t.Fatalf("fc.w = %v, want 10×784 floats", w)
	}
	for i, v := range w.Float {
		if want := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); math.Float32bits(v) != math.Float32bits(want) {
			t.Fatalf("fc.w[%d] = %v, want %v from external_ok.bin", i, v, want)
		}
	}

	dir := t.TempDir()
	model, err := os.ReadFile(filepath.Join(hostile, "external_link.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(dir, "models")
	os.Mkdir(inside, 0o755)
	os.WriteFile(filepath.Join(dir, "secret.bin"), raw, 0o644) // outside the model's folder
	p := filepath.Join(inside, "m.onnx")
	os.WriteFile(p, model, 0o644)
	_, err = importer.Load(p)
	checkLine(t, "missing external file", err, `"link.bin"`, "missing")
	os.Symlink(filepath.Join(dir, "secret.bin"), filepath.Join(inside, "link.bin"))
	_, err = importer.Load(p)
	checkLine(t, "symlink out", err, `"link.bin"`, "symlink", "outside the model's folder")
	os.Remove(filepath.Join(inside, "link.bin"))
	os.WriteFile(filepath.Join(inside, "link.bin"), raw[:100], 0o644)
	_, err = importer.Load(p)
	checkLine(t, "short external file", err, `"link.bin"`, "which holds 100")
	os.Remove(filepath.Join(inside, "link.bin"))
	if err := syscall.Mkfifo(filepath.Join(inside, "link.bin"), 0o644); err == nil {
		_, err = importer.Load(p)
		checkLine(t, "FIFO external file", err, `"link.bin"`, "FIFO", "not a regular file")
	}
	if _, err := importer.Decode(model); err == nil || !strings.Contains(err.Error(), "importer.Load") {
		t.Errorf("Decode of a model with external data: %v, want a pointer to Load", err)
	}
}

// TestNonRegularFiles: a FIFO, a device, a directory and a socket are
// refused by kind, without reading them (a FIFO with no writer would
// block a plain open forever).
func TestNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	paths := map[string]string{dir: "a directory"}
	if runtime.GOOS != "windows" {
		paths["/dev/zero"] = "a character device"
	}
	fifo := filepath.Join(dir, "fifo.onnx")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		paths[fifo] = "a FIFO"
	}
	sock := filepath.Join(dir, "sock.onnx")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
		paths[sock] = "a socket"
	}
	for p, kind := range paths {
		_, err := importer.Load(p)
		checkLine(t, p, err, p, kind, "not an ONNX file")
	}
}

// TestLimits: the file size and the decoded size are checked against
// Limits before reading or allocating.
func TestLimits(t *testing.T) {
	p := filepath.Join(hostile, "identity_init.onnx")
	_, err := importer.LoadLimited(p, importer.Limits{FileBytes: 1000})
	checkLine(t, "file limit", err, "identity_init.onnx", "the file needs 31 KB", "1000 B limit on the model's file size")
	var le *importer.LimitError
	if !errors.As(err, &le) {
		t.Errorf("file limit: %T, want a *LimitError", err)
	}
	_, err = importer.LoadLimited(p, importer.Limits{DecodedBytes: 20000})
	checkLine(t, "decoded limit", err, `initializer "fc.w" (FLOAT 10×784) needs 31 KB`, "limit on the model's decoded size")
	if _, err := importer.LoadLimited(p, importer.Limits{FileBytes: 40000, DecodedBytes: 40000}); err != nil {
		t.Errorf("within the limits: %v", err)
	}
}

// TestElementTypes decodes an initializer of every element type cxray
// reads, from raw_data and from the typed fields, and compares it with
// onnx.numpy_helper.to_array's values (dtypes.json).
func TestElementTypes(t *testing.T) {
	g, err := importer.Load(filepath.Join(hostile, "dtypes.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(hostile, "dtypes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		Type   string
		Shape  []int
		Values []float64
	}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 25 {
		t.Fatalf("dtypes.json lists %d tensors", len(want))
	}
	for name, w := range want {
		got := g.Initializers[name]
		if got == nil {
			t.Errorf("%s (%s): missing", name, w.Type)
			continue
		}
		float := w.Type == "FLOAT" || w.Type == "DOUBLE" || w.Type == "FLOAT16" || w.Type == "BFLOAT16"
		if float != (got.Int == nil) || len(got.Float)+len(got.Int) != len(w.Values) {
			t.Errorf("%s (%s): %d floats, %d ints, want %d %s values", name, w.Type, len(got.Float), len(got.Int), len(w.Values), map[bool]string{true: "float32", false: "int64"}[float])
			continue
		}
		for i, v := range w.Values {
			var g float64
			if float {
				g = float64(got.Float[i])
				v = float64(float32(v)) // what float32 holds of a DOUBLE
			} else {
				g = float64(got.Int[i])
			}
			if g != v || math.Signbit(g) != math.Signbit(v) {
				t.Errorf("%s (%s)[%d] = %v, want %v", name, w.Type, i, g, v)
			}
		}
	}
	if _, ok := g.Initializers["strings"]; ok {
		t.Error("the STRING initializer was decoded; it should be left out (no node reads it)")
	}
}

// TestIdentityOfInitializerFolds: torch shares identical parameters
// through Identity(initializer); the Identity becomes an initializer.
func TestIdentityOfInitializerFolds(t *testing.T) {
	g, err := importer.Load(filepath.Join(hostile, "identity_init.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 1 || g.Nodes[0].OpType != "Gemm" {
		t.Fatalf("nodes %v, want the Gemm alone", g.Nodes)
	}
	if b := g.Initializers["fc.b"]; b == nil || b != g.Initializers["fc.b0"] {
		t.Errorf("fc.b = %v, want the initializer fc.b0 it is an Identity of", b)
	}
}

// TestDeclaredTypes: ValueInfo carries the declared element type, and
// Inputs lists every data input.
func TestDeclaredTypes(t *testing.T) {
	for file, want := range map[string]importer.DataType{
		"input_int64.onnx": importer.TypeInt64, "input_double.onnx": importer.TypeDouble,
		"input_string.onnx": importer.TypeString, "bool_constant.onnx": importer.TypeFloat,
	} {
		g, err := importer.Load(filepath.Join(hostile, file))
		if err != nil {
			t.Fatal(err)
		}
		if g.Input.Type != want || len(g.Inputs) != 1 || g.Inputs[0].Name != g.Input.Name || g.Outputs[0].Type != want && file != "bool_constant.onnx" {
			t.Errorf("%s: input %+v, inputs %+v, want one input of type %s", file, g.Input, g.Inputs, want)
		}
	}
}
