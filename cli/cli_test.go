package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cxray/cli"
	"cxray/sql"
	"cxray/stream/measure/survey"

	ucli "github.com/urfave/cli/v2"
)

const models = "../fixtures/models/"

// run runs the cxray app in-process and returns stdout, stderr and the error.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	app := cli.New()
	app.Writer, app.ErrWriter = &out, &errw
	app.ExitErrHandler = func(*ucli.Context, error) {}
	err := app.Run(append([]string{"cxray"}, args...))
	return out.String(), errw.String(), err
}

// query returns the rows of q as JSON objects.
func query(t *testing.T, db, q string) []map[string]any {
	t.Helper()
	s, err := sql.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := s.Query(t.Context(), &buf, q, sql.FormatJSON); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("query output %q: %v", buf.String(), err)
	}
	return rows
}

// reference is fixtures/reference/lenet5_mnist_layers.json: N1 per layer
// computed by numpy dense Prim in float64 on PyTorch's activations.
type reference struct {
	N      int `json:"n"`
	Models map[string]struct {
		Layers map[string]struct {
			N1 float64 `json:"n1"`
		} `json:"layers"`
	} `json:"models"`
}

// The vertical slice end to end: the trained LeNet-5 and the same network
// at initialization, every layer, against the independent float64
// reference. cxray runs its own runtime, so its activations differ from
// PyTorch's by ~1e-7 relative; the N1 values must still agree exactly.
func TestAnalyzeLeNetMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the full pipeline on 2000 MNIST images")
	}
	raw, err := os.ReadFile("../fixtures/reference/lenet5_mnist_layers.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "out.duckdb")
	for _, model := range []string{"lenet5_mnist.onnx", "lenet5_mnist_e0.onnx"} {
		want := ref.Models[model].Layers
		if len(want) == 0 {
			t.Fatalf("reference has no layers for %s", model)
		}
		_, stderr, err := run(t, "analyze", "--model", models+model, "--data", "mnist", "--split", "test",
			"--limit", "2000", "--db", db, "--run", model, "--batch", "100")
		if err != nil {
			t.Fatalf("%s: %v\n%s", model, err, stderr)
		}
		rows := query(t, db, `SELECT m.layer_name, m.value, m.n_samples, m.method, m.params->>'tie_rule' AS tie_rule, r.status
			FROM metrics m JOIN runs r USING (run_id) WHERE r.name = '`+model+`' AND m.measure = 'N1'`)
		if len(rows) != len(want) {
			t.Errorf("%s: %d metric rows, reference has %d layers", model, len(rows), len(want))
		}
		for _, r := range rows {
			name := r["layer_name"].(string)
			w, ok := want[name]
			if !ok {
				t.Errorf("%s: layer %q not in the reference", model, name)
				continue
			}
			if got := r["value"].(float64); math.Abs(got-w.N1) > 1e-12 {
				t.Errorf("%s layer %s: N1 %.6f, reference %.6f", model, name, got, w.N1)
			}
			if r["n_samples"].(float64) != float64(ref.N) || r["method"] != "exact" || r["status"] != "complete" || r["tie_rule"] == nil {
				t.Errorf("%s layer %s: row %v", model, name, r)
			}
		}
	}
	// Two runs share the file and keep their rows apart.
	rows := query(t, db, `SELECT run_id, count(*) AS n FROM metrics GROUP BY run_id ORDER BY run_id`)
	if len(rows) != 2 || rows[0]["n"] != rows[1]["n"] || rows[0]["run_id"] == rows[1]["run_id"] {
		t.Errorf("per-run rows: %v", rows)
	}
}

func TestAnalyzeIrisCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "iris.duckdb")
	for _, c := range []struct {
		norm string
		want float64
	}{{"minmax", 0.1}, {"none", 14.0 / 150}} {
		out, stderr, err := run(t, "analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species",
			"--normalize", c.norm, "--db", db, "--run", "iris-"+c.norm)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if stderr != "" {
			t.Errorf("--quiet printed %q", stderr)
		}
		if !strings.Contains(out, "input") {
			t.Errorf("stdout %q should list the input layer", out)
		}
		rows := query(t, db, `SELECT value, params->>'normalize' AS norm, layer_name FROM metrics m JOIN runs r USING (run_id) WHERE r.name = 'iris-`+c.norm+`'`)
		if len(rows) != 1 || math.Abs(rows[0]["value"].(float64)-c.want) > 1e-12 || rows[0]["norm"] != c.norm || rows[0]["layer_name"] != "input" {
			t.Errorf("iris %s: rows %v, want N1 %.6f", c.norm, rows, c.want)
		}
	}
}

func TestLayersCommand(t *testing.T) {
	out, _, err := run(t, "layers", "--model", models+"lenet5_op13.onnx")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 14 || !strings.HasPrefix(lines[1], "0 ") || !strings.Contains(lines[1], "input") || !strings.Contains(out, "6×28×28") {
		t.Errorf("layers output:\n%s", out)
	}
}

func TestSQLFormats(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.duckdb")
	if _, _, err := run(t, "analyze", "--quiet", "--data", "mnist", "--limit", "50", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "sql", "--db", db, "--format", "csv", "SELECT layer_name, n_samples FROM metrics")
	if err != nil {
		t.Fatal(err)
	}
	if out != "layer_name,n_samples\ninput,50\n" {
		t.Errorf("csv output %q", out)
	}
	if _, _, err := run(t, "sql", "--db", filepath.Join(t.TempDir(), "none.duckdb"), "SELECT 1"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing database: %v", err)
	}
}

// Bad input: one clear error, and no run left complete.
func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(models + "lenet5_op13.onnx")
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.onnx")
	os.WriteFile(truncated, good[:len(good)/2], 0o644)
	badCSV := filepath.Join(dir, "bad.csv")
	os.WriteFile(badCSV, []byte("a,b,label\n1,2,x\n3,oops,y\n"), 0o644)
	nanCSV := filepath.Join(dir, "nan.csv")
	os.WriteFile(nanCSV, []byte("a,b,label\n1,2,x\n3,NaN,y\n"), 0o644)
	db := filepath.Join(dir, "bad.duckdb")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"truncated model", []string{"--model", truncated}, []string{"truncated.onnx", "not a valid ONNX"}},
		{"unsupported op", []string{"--model", models + "unsupported_op13.onnx"}, []string{"CumSum", "opset 13", "Conv"}},
		{"input does not fit", []string{"--model", models + "mlp_op13.onnx", "--data", "csv:../fixtures/iris.csv", "--label", "species"}, []string{"mlp_op13.onnx", "784", "4"}},
		{"missing model", []string{"--model", filepath.Join(dir, "nope.onnx")}, []string{"nope.onnx", "not found"}},
		{"missing csv", []string{"--data", "csv:" + filepath.Join(dir, "nope.csv")}, []string{"nope.csv"}},
		{"non-numeric cell", []string{"--data", "csv:" + badCSV}, []string{"bad.csv", "line 3", `"b"`, "oops"}},
		{"NaN cell", []string{"--data", "csv:" + nanCSV}, []string{"nan.csv", "NaN"}},
		{"unknown layer", []string{"--model", models + "mlp_op13.onnx", "--layers", "nope"}, []string{"nope", "cxray layers"}},
		{"bad normalize", []string{"--normalize", "l2"}, []string{"--normalize", "l2"}},
		{"normalize with projection", []string{"--model", models + "lenet5_op13.onnx", "--normalize", "zscore", "--project", "64"}, []string{"zscore", "projection"}},
		{"memory too small", []string{"--model", models + "lenet5_op13.onnx", "--memory", "1MB", "--limit", "5000"}, []string{"--memory", "1 MB"}},
		{"bad memory", []string{"--memory", "lots"}, []string{"--memory", "lots"}},
		{"until-stable without every", []string{"--until-stable", "0.01"}, []string{"--until-stable", "--every"}},
		{"until-stable NaN", []string{"--every", "50", "--until-stable", "NaN"}, []string{"--until-stable NaN", "positive finite"}},
		{"until-stable negative", []string{"--every", "50", "--until-stable", "-0.1"}, []string{"--until-stable -0.1"}},
		{"empty layers", []string{"--model", models + "mlp_op13.onnx", "--layers", ""}, []string{"--layers", "cxray layers"}},
		{"sample -2", []string{"--sample", "-2"}, []string{"--sample -2", "-1 never"}},
		{"sample 1", []string{"--sample", "1"}, []string{"--sample 1", "at least 2"}},
		{"project -2", []string{"--project", "-2"}, []string{"--project -2", "-1 never"}},
		{"negative every", []string{"--every", "-5"}, []string{"--every -5"}},
		{"zero batch", []string{"--batch", "0"}, []string{"--batch 0"}},
		{"gower with every", []string{"--distance", "gower", "--every", "50"}, []string{"--distance gower", "--every"}},
		{"bad distance", []string{"--distance", "cosine"}, []string{"--distance", "cosine"}},
		{"bad summary", []string{"--summary", "median"}, []string{"--summary", "median"}},
		{"bad conventions", []string{"--conventions", "pymfe"}, []string{"--conventions", "pymfe"}},
		{"bad prefer", []string{"--prefer", "quality"}, []string{"--prefer", "quality", "accuracy"}},
		{"bad input-norm", []string{"--input-norm", "0.13"}, []string{"--input-norm", "MEAN/STD"}},
		{"input-norm channels", []string{"--input-norm", "0,0,0/1,1,1"}, []string{"--input-norm", "3 means", "1 channels"}},
		{"input-pad on a table", []string{"--data", "csv:../fixtures/iris.csv", "--label", "species", "--input-pad", "2"}, []string{"--input-pad", "images", "iris.csv"}},
	} {
		_, _, err := run(t, append([]string{"analyze", "--quiet", "--limit", "100", "--db", db}, c.args...)...)
		checkOneLineError(t, c.name, err, c.want)
	}
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT run_id, status FROM runs WHERE status = 'complete'`); len(rows) != 0 {
			t.Errorf("complete runs after bad input: %v", rows)
		}
	}
}

// --input-pad and --input-norm reshape and rescale what the model sees:
// on the data alone, padding adds the same zero border to every image and
// normalising scales every distance by 1/std, so N1 of the input is
// unchanged while its dimension and the run's record change.
func TestAnalyzeInputTransform(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	for _, extra := range [][]string{nil, {"--input-pad", "2", "--input-norm", "0.1307/0.3081"}} {
		args := append([]string{"analyze", "--quiet", "--data", "mnist", "--limit", "300", "--db", db}, extra...)
		if _, stderr, err := run(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", extra, err, stderr)
		}
	}
	rows := query(t, db, `SELECT m.value, l.dim, r.config->>'input' AS input
		FROM metrics m JOIN layers l USING (run_id, layer_index) JOIN runs r USING (run_id) ORDER BY run_id`)
	if len(rows) != 2 {
		t.Fatalf("rows %v", rows)
	}
	if rows[0]["value"] != rows[1]["value"] {
		t.Errorf("N1 %v without and %v with the transform, want equal", rows[0]["value"], rows[1]["value"])
	}
	if fmt.Sprint(rows[0]["dim"], rows[1]["dim"]) != "784 1024" || rows[1]["input"] != "pad 2, normalize 0.1307/0.3081" || rows[0]["input"] != "none" {
		t.Errorf("dims and input records %v", rows)
	}
}

// A sampled run records its method, reservoir and interval; --until-stable
// stops at the third checkpoint when nothing can move by more than 1.
func TestAnalyzeSampledUntilStable(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.duckdb")
	_, stderr, err := run(t, "analyze", "--quiet", "--data", "mnist", "--limit", "3000", "--sample", "600",
		"--every", "500", "--until-stable", "1", "--batch", "100", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "reservoir of 600") {
		t.Errorf("a sampled plan must be announced even with --quiet; stderr %q", stderr)
	}
	rows := query(t, db, `SELECT step, value, ci_low, ci_high, method, (params->>'M')::INT AS m, r.status
		FROM metrics JOIN runs r USING (run_id) ORDER BY step`)
	if len(rows) != 3 {
		t.Fatalf("rows %v, want 3 checkpoints (500, 1000, 1500) and a stop", rows)
	}
	for i, r := range rows {
		if r["step"].(float64) != float64(500*(i+1)) || r["method"] != "sampled" || r["m"].(float64) != 600 || r["status"] != "complete" {
			t.Errorf("row %d: %v", i, r)
		}
		lo, hi, v := r["ci_low"], r["ci_high"], r["value"].(float64)
		if lo == nil || hi == nil || lo.(float64) > v || v > hi.(float64) {
			t.Errorf("row %d: value %v outside its interval [%v, %v]", i, v, lo, hi)
		}
	}
}

// --measures all on iris reproduces ECoL's published values (Gower
// distance aside: N1 here is Euclidean, see README).
// ECoL's published iris values, through the CLI with --conventions ecol.
// T1, LSC and ClsCoef differ from ECoL's by how R's float64 rounding
// breaks exact ties (see package neighbour), L3 and N4 by ECoL's use of
// R's random numbers; they are checked against the exact values and for
// range, and every row must carry its definition and conventions.
func TestAnalyzeIrisSurveyMeasures(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.duckdb")
	out, stderr, err := run(t, "analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species",
		"--conventions", "ecol", "--measures", "all", "--db", db)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// The measures are printed too, a column each.
	if !strings.Contains(out, "ClsCoef") || !strings.Contains(out, "0.1981") {
		t.Errorf("stdout lacks the measures table:\n%s", out)
	}
	ecol := map[string]float64{
		"N1": 0.1066667, "N2": 0.1981444, "N3": 0.06, "Density": 0.8332886,
		"F1": 0.05862828, "F1v": 0.009504561, "F2": 0.006381766, "F3": 0.1233333, "F4": 0.04333333,
		"L1": 0.004335693, "L2": 0.01333333, "T2": 0.02666667, "T3": 0.01333333, "T4": 0.5, "C1": 1, "C2": 0,
		// Exact rational arithmetic under ECoL's rules (package neighbour):
		"T1": 0.1266667, "LSC": 0.8166667, "ClsCoef": 0.2675982,
	}
	rows := query(t, db, `SELECT measure, value, params FROM metrics`)
	seen := map[string]bool{}
	for _, r := range rows {
		m := r["measure"].(string)
		seen[m] = true
		params := r["params"].(map[string]any)
		if m != "N1" && params["definition"] == nil {
			t.Errorf("%s: no definition in params %v", m, params)
		}
		want, ok := ecol[m]
		if !ok {
			continue
		}
		if got := r["value"].(float64); math.Abs(got-want) > 1e-6 {
			t.Errorf("%s = %.9f, want %.9f", m, got, want)
		}
		if slices.Contains([]string{"N1", "N2", "N3", "T1", "LSC", "Density", "ClsCoef"}, m) && params["distance"] != "gower" {
			t.Errorf("%s params %v: want distance gower", m, params)
		}
	}
	// CKA_prev and CKA_input need an earlier layer: the input has none.
	for _, m := range []string{"N4", "L3", "Hubs", "GDV", "TwoNN", "NC1", "Probe"} {
		if !seen[m] {
			t.Errorf("no %s row", m)
		}
	}
	for m := range ecol {
		if !seen[m] {
			t.Errorf("no %s row", m)
		}
	}
	// layer_summary has a column per measure, in the order of survey.Names.
	if want := survey.Names()[1:]; !slices.Equal(sql.Measures, want) {
		t.Errorf("sql.Measures = %v, survey.Names = %v", sql.Measures, want)
	}
	sum := query(t, db, `SELECT n1, f1, n2, l2, density, gdv, probe FROM layer_summary`)
	if len(sum) != 1 || math.Abs(sum[0]["n2"].(float64)-ecol["N2"]) > 1e-6 || math.Abs(sum[0]["l2"].(float64)-ecol["L2"]) > 1e-6 || sum[0]["probe"] == nil {
		t.Errorf("layer_summary = %v", sum)
	}
	if _, _, err := run(t, "analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species", "--measures", "n1,nope", "--db", db); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown measure: %v", err)
	}
}

// checkOneLineError asserts that err is one line and mentions every want.
func checkOneLineError(t *testing.T, name string, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", name)
		return
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("%s: error spans lines: %q", name, msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: error %q does not mention %q", name, msg, w)
		}
	}
}
