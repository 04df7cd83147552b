package sql

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// fillViews writes three runs for the view tests:
//
//	run 1 "ckpt": layers 0..2, N1 at steps 100 and 200, step 200 written
//	              twice (as analyze does when the last checkpoint is the
//	              end), and N2 at step 200 on layer 1; complete.
//	run 2 "input": layer 0 only, N1 0.4 at step 50; complete.
//	run 3 "empty": no metrics; still running.
func fillViews(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	layers := []Layer{
		{Index: 0, Name: "input", OpType: "Input", Shape: []int{4}},
		{Index: 1, Name: "fc1", OpType: "Gemm", Shape: []int{8}},
		{Index: 2, Name: "output", OpType: "Gemm", Shape: []int{3}},
	}
	r1, err := s.BeginRun(ctx, RunInfo{Name: "ckpt", ModelSHA256: "ab", Dataset: "toy", Split: "test", NSamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if err := r1.AddLayers(ctx, layers); err != nil {
		t.Fatal(err)
	}
	n1 := map[int64][]float64{100: {0.5, 0.4, 0.3}, 200: {0.45, 0.2, 0.25}}
	for _, step := range []int64{100, 200, 200} {
		var ms []Metric
		for i, v := range n1[step] {
			ms = append(ms, Metric{Step: step, LayerIndex: i, LayerName: layers[i].Name, Measure: "N1",
				Value: v, NSamples: step, Method: "exact"})
		}
		if err := r1.AddMetrics(ctx, ms); err != nil {
			t.Fatal(err)
		}
	}
	if err := r1.AddMetrics(ctx, []Metric{{Step: 200, LayerIndex: 1, LayerName: "fc1", Measure: "N2", Value: 0.7, NSamples: 200}}); err != nil {
		t.Fatal(err)
	}
	if err := r1.Complete(ctx); err != nil {
		t.Fatal(err)
	}

	r2, err := s.BeginRun(ctx, RunInfo{Name: "input", Dataset: "toy", NSamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.AddLayers(ctx, layers[:1]); err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.35, 0.45
	if err := r2.AddMetrics(ctx, []Metric{{Step: 50, LayerIndex: 0, LayerName: "input", Measure: "N1", Value: 0.4,
		NSamples: 50, Method: "sampled", CILow: &lo, CIHigh: &hi}}); err != nil {
		t.Fatal(err)
	}
	if err := r2.Complete(ctx); err != nil {
		t.Fatal(err)
	}

	if _, err := s.BeginRun(ctx, RunInfo{Name: "empty"}); err != nil {
		t.Fatal(err)
	}
}

// rowsOf returns the rows of q, each as the fmt %v of its values joined by
// spaces, NULL as <nil>.
func rowsOf(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := ""
		for i, v := range vals {
			if i > 0 {
				line += " "
			}
			line += fmt.Sprint(v)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkRows(t *testing.T, s *Store, q string, want []string) {
	t.Helper()
	got := rowsOf(t, s, q)
	if len(got) != len(want) {
		t.Errorf("%s:\ngot  %q\nwant %q", q, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: row %d\ngot  %q\nwant %q", q, i, got[i], want[i])
		}
	}
}

func TestViews(t *testing.T) {
	s := openTemp(t)
	fillViews(t, s)

	checkRows(t, s, `SELECT run_id, run_name, status, step, layer_index, layer_name, op_type, dim, n1, method, ci_low, ci_high, n_samples
		FROM n1_by_layer ORDER BY run_id, layer_index`, []string{
		"1 ckpt complete 200 0 input Input 4 0.45 exact <nil> <nil> 200",
		"1 ckpt complete 200 1 fc1 Gemm 8 0.2 exact <nil> <nil> 200",
		"1 ckpt complete 200 2 output Gemm 3 0.25 exact <nil> <nil> 200",
		"2 input complete 50 0 input Input 4 0.4 sampled 0.35 0.45 50",
	})
	// Every step, the duplicate of step 200 shown once.
	checkRows(t, s, `SELECT run_id, step, count(*), round(sum(n1), 12) FROM n1_history GROUP BY ALL ORDER BY ALL`, []string{
		"1 100 3 1.2",
		"1 200 3 0.9",
		"2 50 1 0.4",
	})
	checkRows(t, s, `SELECT run_id, layer_index, measure, value FROM final_metrics ORDER BY ALL`, []string{
		"1 0 N1 0.45",
		"1 1 N1 0.2",
		"1 1 N2 0.7",
		"1 2 N1 0.25",
		"2 0 N1 0.4",
	})
	checkRows(t, s, `SELECT run_id, run_name, layer_index, layer_name, op_type, dim, step, n1,
		       measures['N1'], measures['N2'], cardinality(measures)
		FROM layer_summary ORDER BY run_id, layer_index`, []string{
		"1 ckpt 0 input Input 4 200 0.45 0.45 <nil> 1",
		"1 ckpt 1 fc1 Gemm 8 200 0.2 0.2 0.7 2",
		"1 ckpt 2 output Gemm 3 200 0.25 0.25 <nil> 1",
		"2 input 0 input Input 4 50 0.4 0.4 <nil> 1",
	})
	checkRows(t, s, `SELECT run_id, name, status, model_sha256, dataset, n_samples, step, layers,
		       n1_input, n1_last, n1_min, round(n1_drop, 12)
		FROM run_compare ORDER BY run_id`, []string{
		"1 ckpt complete ab toy 200 200 3 0.45 0.25 0.2 0.2",
		"2 input complete <nil> toy 50 50 1 0.4 0.4 0.4 0",
		"3 empty running <nil> <nil> 0 <nil> <nil> <nil> <nil> <nil> <nil>",
	})
}

// A version-2 file gets the views when it is opened, and keeps its rows.
func TestMigrateFromVersion2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fillViews(t, s)
	ctx := context.Background()
	for _, v := range viewNames {
		if _, err := s.DB().ExecContext(ctx, `DROP VIEW `+v+` CASCADE`); err != nil {
			t.Fatal(v, err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE schema_version SET version = 2`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM duckdb_views() WHERE NOT internal`); n != 0 {
		t.Fatalf("%d views left after dropping them", n)
	}
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkRows(t, s, `SELECT version FROM schema_version ORDER BY version`, []string{"2", "3"})
	checkRows(t, s, `SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name`, []string{
		"final_metrics", "layer_summary", "n1_by_layer", "n1_history", "run_compare",
	})
	if n := queryInt(t, s, `SELECT count(*) FROM n1_by_layer`); n != 4 {
		t.Errorf("n1_by_layer has %d rows after migration, want 4", n)
	}
}

// The views are found when the file is attached under another name, as
// an analyst does in the DuckDB CLI or Python.
func TestViewsAttached(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fillViews(t, s)
	s.Close()

	other := openTemp(t)
	ctx := context.Background()
	if _, err := other.DB().ExecContext(ctx, `ATTACH `+quoteString(path)+` AS cx (READ_ONLY)`); err != nil {
		t.Fatal(err)
	}
	defer other.DB().ExecContext(ctx, `DETACH cx`)
	for _, v := range viewNames {
		if n := queryInt(t, other, `SELECT count(*) FROM cx.`+v); n == 0 {
			t.Errorf("attached view %s is empty", v)
		}
	}
}
