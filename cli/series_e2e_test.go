package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A LeNet-5 trained by PyTorch, exported after every epoch
// (fixtures/checkpoints), analyzed as one series: one run whose epochs are
// the checkpoints', so n1_by_epoch, the report's training figures and the
// per-sample views show it through training. Each epoch equals an analyze
// of its checkpoint alone, and N1 of the logits equals the float64
// reference on PyTorch's own logits.
func TestAnalyzeSeries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three checkpoints on 500 MNIST images")
	}
	raw, err := os.ReadFile("../fixtures/checkpoints/checkpoints.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]struct {
		N1 float64 `json:"n1_output_first_500"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "series.duckdb")
	glob := "../fixtures/checkpoints/lenet5_epoch_*.onnx"
	out, stderr, err := run(t, "analyze", "--quiet", "--model", glob, "--data", "mnist", "--limit", "500", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for e := range 3 {
		if !strings.Contains(out, fmt.Sprintf("epoch %d: ../fixtures/checkpoints/lenet5_epoch_%d.onnx", e, e)) {
			t.Errorf("stdout lacks epoch %d:\n%s", e, out)
		}
	}
	runs := query(t, db, `SELECT run_id, status, model_path, json_array_length(config->'checkpoints') AS n FROM runs`)
	if len(runs) != 1 || runs[0]["status"] != "complete" || runs[0]["model_path"] != glob || runs[0]["n"].(float64) != 3 {
		t.Fatalf("runs %v, want one complete run of the glob's three checkpoints", runs)
	}
	byEpoch := query(t, db, `SELECT epoch, count(*) AS layers, max(n1) FILTER (WHERE layer_name = 'output') AS out FROM n1_by_epoch GROUP BY epoch ORDER BY epoch`)
	if len(byEpoch) != 3 {
		t.Fatalf("n1_by_epoch: %v, want epochs 0, 1, 2", byEpoch)
	}
	for e, r := range byEpoch {
		if r["layers"].(float64) != 13 {
			t.Errorf("epoch %d: %v layers", e, r["layers"])
		}
		if want := ref[fmt.Sprint(e)].N1; r["out"].(float64) != want {
			t.Errorf("epoch %d: N1 of the logits %v, reference on PyTorch's logits %v", e, r["out"], want)
		}
	}
	// Epoch 1 alone, every layer: the same values.
	if _, stderr, err := run(t, "analyze", "--quiet", "--model", "../fixtures/checkpoints/lenet5_epoch_1.onnx", "--data", "mnist",
		"--limit", "500", "--db", db, "--run", "alone", "--samples", "off"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	diff := query(t, db, `SELECT count(*) AS n FROM n1_by_epoch s JOIN n1_by_layer a ON a.run_name = 'alone' AND a.layer_index = s.layer_index
		WHERE s.run_id = 1 AND s.epoch = 1 AND s.n1 = a.n1`)
	if diff[0]["n"].(float64) != 13 {
		t.Errorf("%v of 13 layers of epoch 1 equal the checkpoint analyzed alone", diff[0]["n"])
	}
	// The per-sample views, per epoch: fewer samples on the boundary of
	// the output as training goes on.
	depth := query(t, db, `SELECT epoch, count(*) AS samples, count(*) FILTER (WHERE separation_layer IS NULL) AS still
		FROM separation_depth WHERE run_id = 1 GROUP BY epoch ORDER BY epoch`)
	if len(depth) != 3 {
		t.Fatalf("separation_depth: %v", depth)
	}
	for e := range depth {
		if depth[e]["samples"].(float64) != 500 || e > 0 && depth[e]["still"].(float64) >= depth[e-1]["still"].(float64) {
			t.Errorf("separation_depth by epoch: %v", depth)
		}
	}
	// The report draws the series as a training run.
	rep := filepath.Join(dir, "report")
	if _, stderr, err := run(t, "report", "--db", db, "--out", rep); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	html, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="training"`, "-run1-by-epoch.png", "-run1-by-layer.png", "epoch 2", "separation depth per class"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// Checkpoints of different architectures are no series: one line, and
// no run.
func TestAnalyzeSeriesRefusesMixed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mixed.duckdb")
	_, _, err := run(t, "analyze", "--quiet", "--model", "../fixtures/checkpoints/lenet5_epoch_0.onnx,"+models+"mlp_op13.onnx",
		"--data", "mnist", "--limit", "100", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "one architecture") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v, want one line about one architecture", err)
	}
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT count(*) AS n FROM runs`); rows[0]["n"].(float64) != 0 {
			t.Errorf("a run was recorded: %v", rows)
		}
	}
}
