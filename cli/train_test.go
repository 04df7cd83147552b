package cli_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A short training run records every layer at every epoch, and a saved
// checkpoint is an ordinary ONNX model: onnx.checker accepts it (when
// Debian's python3-onnx is installed) and analyze on it reproduces the N1
// recorded during training.
func TestTrainCheckpointReanalysis(t *testing.T) {
	dir := t.TempDir()
	db, ckpt := filepath.Join(dir, "t.duckdb"), filepath.Join(dir, "ckpt")
	out, _, err := run(t, "train", "--quiet", "--arch", "cnn:4/16", "--train-size", "300", "--epochs", "2",
		"--probe", "200", "--measure-every", "3", "--save-dir", ckpt, "--db", db, "--seed", "7")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "test accuracy") {
		t.Errorf("train output lacks the accuracy:\n%s", out)
	}
	runs := query(t, db, `SELECT status, experiment, arch, train_size FROM runs`)
	if len(runs) != 1 || runs[0]["status"] != "complete" || runs[0]["arch"] != "cnn:4/16" || runs[0]["train_size"] != float64(300) {
		t.Fatalf("runs = %v", runs)
	}
	// 300 images in batches of 64: 5 steps per epoch; epochs 0, 1, 2.
	training := query(t, db, `SELECT epoch, step, test_acc FROM training ORDER BY epoch`)
	if len(training) != 3 || training[2]["step"] != float64(10) {
		t.Fatalf("training rows = %v", training)
	}
	// Every layer at epochs 0-2 (steps 0, 5, 10) and at steps 3, 6 and 9.
	steps := query(t, db, `SELECT epoch, step, count(*) AS layers FROM metrics WHERE measure = 'N1' GROUP BY ALL ORDER BY step`)
	want := []string{"0/0", "1/3", "1/5", "2/6", "2/9", "2/10"}
	if len(steps) != len(want) {
		t.Fatalf("measurements at %v, want epoch/step %v", steps, want)
	}
	for i, s := range steps {
		if got := fmt.Sprintf("%v/%v", s["epoch"], s["step"]); got != want[i] {
			t.Errorf("measurement %d at %s, want %s", i, got, want[i])
		}
	}
	final := filepath.Join(ckpt, "cnn-4_16-e02.onnx")
	for e := range 3 {
		if _, err := os.Stat(filepath.Join(ckpt, fmt.Sprintf("cnn-4_16-e%02d.onnx", e))); err != nil {
			t.Errorf("checkpoint of epoch %d: %v", e, err)
		}
	}
	if py := "/usr/bin/python3"; exec.Command(py, "-c", "import onnx").Run() == nil {
		check := `import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)`
		if out, err := exec.Command(py, "-c", check, final).CombinedOutput(); err != nil {
			t.Errorf("onnx.checker rejects %s: %v\n%s", final, err, out)
		}
	} else {
		t.Log("python3-onnx not installed: onnx.checker not run on the checkpoint")
	}
	if _, _, err := run(t, "analyze", "--quiet", "--model", final, "--split", "test", "--limit", "200", "--db", db); err != nil {
		t.Fatal(err)
	}
	pairs := query(t, db, `SELECT t.layer_name, t.value AS trained, a.value AS analyzed
		FROM metrics t JOIN metrics a USING (layer_index)
		WHERE t.run_id = 1 AND t.epoch = 2 AND t.step = 10 AND a.run_id = 2 AND t.measure = 'N1' AND a.measure = 'N1'`)
	if len(pairs) < 8 {
		t.Fatalf("only %d layers to compare: %v", len(pairs), pairs)
	}
	for _, p := range pairs {
		if d := math.Abs(p["trained"].(float64) - p["analyzed"].(float64)); d > 1e-6 {
			t.Errorf("layer %v: N1 %v during training, %v by analyze", p["layer_name"], p["trained"], p["analyzed"])
		}
	}
}

// The same seed gives the same numbers.
func TestTrainDeterministic(t *testing.T) {
	dir := t.TempDir()
	var got [2][]map[string]any
	for i := range got {
		db := filepath.Join(dir, fmt.Sprintf("%d.duckdb", i))
		if _, _, err := run(t, "train", "--quiet", "--arch", "mlp:16", "--train-size", "200", "--epochs", "1", "--probe", "100", "--db", db); err != nil {
			t.Fatal(err)
		}
		got[i] = query(t, db, `SELECT epoch, layer_index, value FROM metrics UNION ALL
			SELECT epoch, -1, train_loss FROM training ORDER BY ALL`)
	}
	if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
		t.Errorf("two runs with the same seed differ:\n%v\n%v", got[0], got[1])
	}
}

func TestTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "bad.duckdb")
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown arch", []string{"--arch", "resnet50"}, []string{"resnet50", "mlp:W1,W2"}},
		{"bad width", []string{"--arch", "mlp:256,x"}, []string{`"x"`}},
		{"train size too large", []string{"--arch", "mlp:8", "--train-size", "70000"}, []string{"70000", "60000"}},
		{"zero epochs", []string{"--arch", "mlp:8", "--epochs", "0"}, []string{"--epochs 0"}},
		{"save dir not a directory", []string{"--arch", "mlp:8", "--save-dir", filepath.Join(file, "sub")}, []string{"--save-dir", "file"}},
		{"unknown optimizer", []string{"--arch", "mlp:8", "--optimizer", "rmsprop"}, []string{"rmsprop", "adam"}},
		{"other data", []string{"--arch", "mlp:8", "--data", "csv:x.csv"}, []string{"mnist"}},
	} {
		_, _, err := run(t, append([]string{"train", "--quiet", "--db", db, "--train-size", "100", "--probe", "50"}, c.args...)...)
		checkOneLineError(t, c.name, err, c.want)
	}
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT run_id FROM runs WHERE status = 'complete'`); len(rows) != 0 {
			t.Errorf("complete runs after bad input: %v", rows)
		}
	}
}

// A miniature study tags its runs with their experiments and writes a
// report with a chart for each.
func TestStudySmall(t *testing.T) {
	dir := t.TempDir()
	db, rep := filepath.Join(dir, "s.duckdb"), filepath.Join(dir, "report")
	_, _, err := run(t, "study", "--quiet", "--db", db, "--experiments", "layers,samples", "--train-size", "200",
		"--sizes", "100,200", "--epochs", "1", "--probe", "100", "--batch", "50", "--report", rep)
	if err != nil {
		t.Fatal(err)
	}
	runs := query(t, db, `SELECT experiment, arch, train_size, status FROM runs ORDER BY run_id`)
	want := []string{"layers lenet5 200", "layers mlp:256,128 200", "samples lenet5 100", "samples lenet5 200"}
	if len(runs) != len(want) {
		t.Fatalf("runs = %v", runs)
	}
	for i, r := range runs {
		if got := fmt.Sprintf("%v %v %v", r["experiment"], r["arch"], r["train_size"]); got != want[i] || r["status"] != "complete" {
			t.Errorf("run %d = %v, want %s complete", i+1, r, want[i])
		}
	}
	page, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(rep, "*.png"))
	if len(pngs) < 2 || !strings.Contains(string(page), "<img") {
		t.Errorf("report has %d charts", len(pngs))
	}
	if _, _, err := run(t, "study", "--experiments", "layers,nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown experiment: %v", err)
	}
}

// When --measure-every lands on an epoch's last step, that step is
// measured once and the epoch's checkpoint is still written.
func TestTrainMeasureEveryAtEpochEnd(t *testing.T) {
	dir := t.TempDir()
	db, ckpt := filepath.Join(dir, "t.duckdb"), filepath.Join(dir, "ckpt")
	// 300 images in batches of 60: 5 steps per epoch, measured every 5.
	if _, _, err := run(t, "train", "--quiet", "--arch", "mlp:8", "--train-size", "300", "--batch", "60", "--epochs", "2",
		"--probe", "100", "--measure-every", "5", "--save-dir", ckpt, "--db", db); err != nil {
		t.Fatal(err)
	}
	for e := range 3 {
		if _, err := os.Stat(filepath.Join(ckpt, fmt.Sprintf("mlp-8-e%02d.onnx", e))); err != nil {
			t.Errorf("checkpoint of epoch %d: %v", e, err)
		}
	}
	rows := query(t, db, `SELECT epoch, step, count(*) AS n FROM metrics WHERE layer_index = 0 GROUP BY ALL ORDER BY step`)
	if len(rows) != 3 || rows[1]["step"] != float64(5) || rows[1]["n"] != float64(1) {
		t.Errorf("readings %v, want one per epoch end at steps 0, 5, 10", rows)
	}
}
