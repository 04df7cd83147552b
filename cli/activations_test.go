package cli_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const actsDir = "../fixtures/activations"

// actsToONNX maps each activation file of fixtures/activations (by its
// stem) to the tensor of tiny.onnx that carries the same values; it is
// onnx_names.json, written out here so that a regenerated fixture cannot
// silently change what the test compares.
var actsToONNX = map[string]string{
	"conv":    "/conv/Conv_output_0",
	"relu1":   "/relu1/Relu_output_0",
	"pool":    "/pool/MaxPool_output_0",
	"flatten": "/flatten/Flatten_output_0",
	"fc1":     "/fc1/Gemm_output_0",
	"relu2":   "/relu2/Relu_output_0",
	"fc2":     "output",
}

// n1ByLayer returns layer name -> N1 of the run named name, with the
// layers' shape, dim and op.
func n1ByLayer(t *testing.T, db, name string) map[string]map[string]any {
	t.Helper()
	rows := query(t, db, `SELECT m.layer_index, m.layer_name, m.value, m.n_samples, m.method, l.shape, l.dim, l.op_type, r.status
		FROM metrics m JOIN runs r USING (run_id) JOIN layers l USING (run_id, layer_index)
		WHERE r.name = '`+name+`' AND m.measure = 'N1' ORDER BY m.layer_index`)
	out := map[string]map[string]any{}
	for _, r := range rows {
		out[r["layer_name"].(string)] = r
	}
	return out
}

// The same activations two ways: tiny.onnx run by cxray on the first 300
// MNIST test images, and the .npy files PyTorch wrote for the same images
// (make_activations.py). Per layer N1 must agree.
func TestAnalyzeActivationsMatchONNX(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(actsDir, "onnx_names.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names map[string]string
	if err := json.Unmarshal(raw, &names); err != nil {
		t.Fatal(err)
	}
	for stem, tensor := range actsToONNX {
		if names[stem] != tensor {
			t.Fatalf("onnx_names.json maps %s to %q, the test to %q: regenerate both together", stem, names[stem], tensor)
		}
	}
	db := filepath.Join(t.TempDir(), "acts.duckdb")
	var tensors []string
	for _, tensor := range actsToONNX {
		tensors = append(tensors, tensor)
	}
	_, stderr, err := run(t, "analyze", "--quiet", "--model", actsDir+"/tiny.onnx", "--data", "mnist", "--split", "test",
		"--limit", "300", "--layers", strings.Join(tensors, ","), "--db", db, "--run", "onnx")
	if err != nil {
		t.Fatalf("onnx run: %v\n%s", err, stderr)
	}
	out, stderr, err := run(t, "analyze", "--quiet", "--data", "acts:"+actsDir, "--db", db, "--run", "acts")
	if err != nil {
		t.Fatalf("acts run: %v\n%s", err, stderr)
	}
	for _, stem := range []string{"conv", "fc2"} {
		if !strings.Contains(out, stem) {
			t.Errorf("stdout does not list layer %s:\n%s", stem, out)
		}
	}
	onnx, acts := n1ByLayer(t, db, "onnx"), n1ByLayer(t, db, "acts")
	if len(onnx) != 7 || len(acts) != 7 {
		t.Fatalf("%d onnx layers and %d activation layers, want 7 each", len(onnx), len(acts))
	}
	// layers.txt gives graph order.
	for i, stem := range []string{"conv", "relu1", "pool", "flatten", "fc1", "relu2", "fc2"} {
		a, o := acts[stem], onnx[actsToONNX[stem]]
		if a == nil || o == nil {
			t.Fatalf("layer %s: acts row %v, onnx row %v", stem, a, o)
		}
		if a["layer_index"].(float64) != float64(i) {
			t.Errorf("layer %s has index %v, want %d (layers.txt order)", stem, a["layer_index"], i)
		}
		av, ov := a["value"].(float64), o["value"].(float64)
		if math.Abs(av-ov) > 1e-6 {
			t.Errorf("layer %s: N1 %.6f from the .npy file, %.6f from the ONNX model (%s)", stem, av, ov, actsToONNX[stem])
		}
		t.Logf("layer %-8s N1 %.6f (npy) %.6f (onnx %s)", stem, av, ov, actsToONNX[stem])
		if a["shape"] != o["shape"] || a["dim"] != o["dim"] || a["n_samples"] != 300.0 || a["method"] != "exact" ||
			a["status"] != "complete" || a["op_type"] != "npy" {
			t.Errorf("layer %s: acts row %v, onnx row %v", stem, a, o)
		}
	}
	// The same files named one by one, with --layers by name and --limit.
	_, stderr, err = run(t, "analyze", "--quiet", "--data", "npy:"+actsDir+"/pool.npy+"+actsDir+"/fc2.npy,"+actsDir+"/labels.npy",
		"--layers", "fc2", "--db", db, "--run", "plus")
	if err != nil {
		t.Fatalf("npy:A+B run: %v\n%s", err, stderr)
	}
	plus := n1ByLayer(t, db, "plus")
	if len(plus) != 1 || plus["fc2"] == nil || plus["fc2"]["value"] != acts["fc2"]["value"] || plus["fc2"]["layer_index"] != 1.0 {
		t.Errorf("npy:pool+fc2 --layers fc2: %v, want fc2 (index 1) as in the folder run", plus)
	}
}

func TestAnalyzeActivationsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"conv.npy", "fc2.npy", "labels.npy"} {
		b, err := os.ReadFile(filepath.Join(actsDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "fc2.npy" {
			// Same header, 299 rows: rewrite the shape and drop one row.
			b = []byte(strings.Replace(string(b), "(300, 10)", "(299, 10)", 1))
			b = b[:len(b)-40]
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	db := filepath.Join(t.TempDir(), "bad.duckdb")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"rows differ", []string{"--data", "acts:" + dir}, []string{"fc2.npy has 299 samples", "labels.npy has 300 labels"}},
		{"with a model", []string{"--data", "acts:" + actsDir, "--model", actsDir + "/tiny.onnx"}, []string{"activations already extracted", "drop --model"}},
		{"no folder", []string{"--data", "acts:" + filepath.Join(dir, "nope")}, []string{"nope", "no such file"}},
		{"unknown layer", []string{"--data", "acts:" + actsDir, "--layers", "fc3"}, []string{`"fc3"`}},
		{"features", []string{"--data", "acts:" + actsDir, "--features", "x*"}, []string{"--features", "Parquet"}},
	} {
		_, _, err := run(t, append([]string{"analyze", "--quiet", "--db", db}, c.args...)...)
		checkOneLineError(t, c.name, err, c.want)
	}
}
