package cli_test

import (
	"path/filepath"
	"slices"
	"testing"
)

// Every N1 row carries the conventions it was computed under, whatever
// its method: an exact layer's, a projected one's, a sampled one's and a
// sampled and projected one's, as stored by cxray analyze in a real DuckDB
// file (two runs of the bundled LeNet-5 on MNIST, one projecting the
// layers wider than 64, one also sampling 100 points).
func TestEveryRowCarriesConventions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.duckdb")
	for _, extra := range [][]string{{"--project", "64"}, {"--project", "64", "--sample", "100"}} {
		args := append([]string{"analyze", "--quiet", "--model", models + "lenet5_mnist.onnx", "--data", "mnist",
			"--split", "test", "--limit", "300", "--db", db}, extra...)
		if _, stderr, err := run(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", extra, err, stderr)
		}
	}
	rows := query(t, db, `SELECT layer_name, method, params FROM metrics WHERE measure = 'N1' ORDER BY run_id, layer_index`)
	keys := []string{"distance", "arithmetic", "counting", "zero_distances", "tie_rule", "tie_rtol", "normalize"}
	var methods []string
	for _, r := range rows {
		m := r["method"].(string)
		if !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
		params, ok := r["params"].(map[string]any)
		if !ok {
			t.Fatalf("%s (%s): params %T %v, want a JSON object", r["layer_name"], m, r["params"], r["params"])
		}
		for _, k := range keys {
			if v, ok := params[k]; !ok || v == nil || v == "" {
				t.Errorf("%s (%s): no %s in params %v", r["layer_name"], m, k, params)
			}
		}
		if params["tie_rule"] != "dcol-prim" || params["distance"] != "euclidean" || params["normalize"] != "none" {
			t.Errorf("%s (%s): conventions %v", r["layer_name"], m, params)
		}
	}
	slices.Sort(methods)
	if want := []string{"exact", "projected", "sampled", "sampled+projected"}; !slices.Equal(methods, want) {
		t.Errorf("methods %v, want %v", methods, want)
	}
}
