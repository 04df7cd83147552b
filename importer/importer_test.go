package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/importer"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "fixtures", "models", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s missing: run make fixtures", p)
	}
	return p
}

func TestLoadLeNet(t *testing.T) {
	for _, tc := range []struct {
		file  string
		opset int64
	}{{"lenet5_op9.onnx", 9}, {"lenet5_op13.onnx", 13}} {
		g, err := importer.Load(fixture(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if g.Opset != tc.opset {
			t.Errorf("%s: opset %d, want %d", tc.file, g.Opset, tc.opset)
		}
		if g.Input.Name != "input" || len(g.Input.Dims) != 4 || g.Input.Dims[0].Value != -1 || g.Input.Dims[0].Param == "" {
			t.Errorf("%s: input %+v, want input with a symbolic batch axis and 4 dims", tc.file, g.Input)
		}
		counts := map[string]int{}
		for _, n := range g.Nodes {
			counts[n.OpType]++
			if n.Name == "" {
				t.Errorf("%s: node with op %s has no name", tc.file, n.OpType)
			}
		}
		for op, want := range map[string]int{"Conv": 2, "MaxPool": 2, "Gemm": 3, "Relu": 4} {
			if counts[op] != want {
				t.Errorf("%s: %d %s nodes, want %d (all: %v)", tc.file, counts[op], op, want, counts)
			}
		}
		// The first Conv's weight must be a 6×1×5×5 float initializer.
		for _, n := range g.Nodes {
			if n.OpType != "Conv" {
				continue
			}
			w := g.Initializers[n.Inputs[1]]
			if w == nil || len(w.Float) != w.Len() || w.Len() != 6*1*5*5 {
				t.Errorf("%s: first Conv weight %+v, want 150 floats", tc.file, w)
			}
			if ks := n.Attrs.Ints("kernel_shape", nil); len(ks) != 2 || ks[0] != 5 {
				t.Errorf("%s: kernel_shape %v, want [5 5]", tc.file, ks)
			}
			break
		}
	}
}

func TestLoadBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(fixture(t, "lenet5_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"truncated.onnx": good[:len(good)/3],
		"text.onnx":      []byte("this is not a model\n"),
		"empty.onnx":     nil,
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := importer.Load(p)
		if err == nil {
			t.Errorf("%s: loaded without error", name)
			continue
		}
		if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "ONNX") {
			t.Errorf("%s: error %q should name the file and say it is not valid ONNX", name, err)
		}
	}
	_, err = importer.Load(filepath.Join(dir, "missing.onnx"))
	if err == nil || !strings.Contains(err.Error(), "missing.onnx") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing file: error %v", err)
	}
}

// Every prefix of a valid model is a truncated model; none may panic.
func TestLoadEveryTruncation(t *testing.T) {
	good, err := os.ReadFile(fixture(t, "mlp_op13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	step := len(good)/400 + 1
	for n := 0; n < len(good); n += step {
		if _, err := importer.Decode(good[:n]); err == nil {
			t.Errorf("prefix of %d/%d bytes decoded without error", n, len(good))
		}
	}
}
