package sql

import (
	"context"
	"fmt"
	"math"
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
//	run 4 "trained": experiment training, layers 0..2, N1 at epoch 0
//	              step 0, epoch 1 steps 5 and 10, epoch 2 step 5 (steps
//	              count within the epoch, so the final step is not the
//	              largest), N2 of layer 1 at epoch 1 step 10, and training
//	              rows; complete.
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
	addSampleRows(t, r1)
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

	r4, err := s.BeginRun(ctx, RunInfo{Name: "trained", Dataset: "toy", NSamples: 100,
		Experiment: "training", Arch: "mlp:8", TrainSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if err := r4.AddLayers(ctx, layers); err != nil {
		t.Fatal(err)
	}
	var ms []Metric
	for _, es := range []struct {
		epoch int
		step  int64
	}{{0, 0}, {1, 5}, {1, 10}, {2, 5}} {
		for i := range layers {
			v := 0.5 - 0.1*float64(es.epoch) - 0.01*float64(es.step) - 0.05*float64(i)
			ms = append(ms, Metric{Epoch: es.epoch, Step: es.step, LayerIndex: i, Measure: "N1",
				Value: math.Round(v*1000) / 1000, NSamples: 100, Method: "exact"})
		}
	}
	ms = append(ms, Metric{Epoch: 1, Step: 10, LayerIndex: 1, Measure: "N2", Value: 0.6, NSamples: 100})
	if err := r4.AddMetrics(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := r4.AddTraining(ctx, []TrainingRow{
		{Epoch: 0, Step: 0, TrainLoss: 2.3, TrainAcc: 0.1, TestAcc: 0.1, Seconds: 0},
		{Epoch: 1, Step: 10, TrainLoss: 0.5, TrainAcc: 0.85, TestAcc: 0.8, Seconds: 1.5},
		{Epoch: 2, Step: 5, TrainLoss: 0.4, TrainAcc: 0.9, TestAcc: math.NaN(), Seconds: 2},
		{Epoch: 2, Step: 10, TrainLoss: 0.3, TrainAcc: 0.95, TestAcc: 0.9, Seconds: 3},
	}); err != nil {
		t.Fatal(err)
	}
	if err := r4.Complete(ctx); err != nil {
		t.Fatal(err)
	}
}

// addSampleRows writes per-sample rows of five samples on layers 0..2:
//
//	sample  label  on the boundary  n2_ratio at layer 2  flipped
//	0       a      T F F            0.5                  no
//	1       a      T T T            1.5                  no
//	2       b      F F F            0.25                 no
//	3       b      T F T            2                    yes
//	4       c      F T F            NaN (NULL)           no
//
// and the cross edges of layer 2: a–b 2, b–c 1.
func addSampleRows(t *testing.T, r *Run) {
	t.Helper()
	on := [][3]bool{{true, false, false}, {true, true, true}, {false, false, false}, {true, false, true}, {false, true, false}}
	labels := []string{"a", "a", "b", "b", "c"}
	ratio := []float64{0.5, 1.5, 0.25, 2, math.NaN()}
	for layer := range 3 {
		var rows []Sample
		for i := range on {
			f := i == 3
			rows = append(rows, Sample{Index: int64(i), Key: fmt.Sprintf("img%d.png", i), Label: labels[i],
				OnBoundary: on[i][layer], N2Ratio: ratio[i], NNOther: on[i][layer], Method: "exact", Flipped: &f})
		}
		var pairs []ClassPair
		if layer == 2 {
			pairs = []ClassPair{{A: "a", B: "b", NA: 2, NB: 2, CrossEdges: 2}, {A: "b", B: "c", NA: 2, NB: 1, CrossEdges: 1}}
		}
		if err := r.AddSamples(context.Background(), []LayerSamples{{LayerIndex: layer, Samples: rows, Pairs: pairs}}); err != nil {
			t.Fatal(err)
		}
	}
}

// The per-sample views, by hand from addSampleRows.
func TestSampleViews(t *testing.T) {
	s := openTemp(t)
	fillViews(t, s)
	checkRows(t, s, `SELECT rank, sample, sample_key, label, boundary_layers, layers, layer_name, n2_ratio, nn_other, flipped
		FROM hardest_samples ORDER BY rank`, []string{
		"1 1 img1.png a 3 3 output 1.5 true false",
		"2 3 img3.png b 2 3 output 2 true true",
	})
	checkRows(t, s, `SELECT sample, label, separation_layer, layer_name, boundary_layers FROM separation_depth ORDER BY sample`, []string{
		"0 a 1 fc1 1",
		"1 a <nil> <nil> 3",
		"2 b 0 input 0",
		"3 b <nil> <nil> 2",
		"4 c 2 output 1",
	})
	checkRows(t, s, `SELECT run_name, layer_name, class_a, class_b, cross_edges, entanglement, round(share, 4) FROM class_entanglement ORDER BY ALL`, []string{
		"ckpt output a b 2 0.5 0.6667",
		"ckpt output b c 1 0.3333333333333333 0.3333",
	})
	// NaN is NULL, and a sample's rows are all of one run.
	checkRows(t, s, `SELECT count(*) FILTER (WHERE n2_ratio IS NULL), count(DISTINCT run_id) FROM samples`, []string{"3 1"})
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
		"4 trained complete 5 0 input Input 4 0.25 exact <nil> <nil> 100",
		"4 trained complete 5 1 fc1 Gemm 8 0.2 exact <nil> <nil> 100",
		"4 trained complete 5 2 output Gemm 3 0.15 exact <nil> <nil> 100",
	})
	checkRows(t, s, `SELECT DISTINCT run_id, epoch, experiment, arch, train_size FROM n1_by_layer ORDER BY ALL`, []string{
		"1 0 <nil> <nil> <nil>",
		"2 0 <nil> <nil> <nil>",
		"4 2 training mlp:8 1000",
	})
	// Trained runs only, at the final step of every epoch.
	checkRows(t, s, `SELECT run_id, run_name, experiment, arch, train_size, epoch, step, layer_index, layer_name, op_type, n1
		FROM n1_by_epoch ORDER BY epoch, layer_index`, []string{
		"4 trained training mlp:8 1000 0 0 0 input Input 0.5",
		"4 trained training mlp:8 1000 0 0 1 fc1 Gemm 0.45",
		"4 trained training mlp:8 1000 0 0 2 output Gemm 0.4",
		"4 trained training mlp:8 1000 1 10 0 input Input 0.3",
		"4 trained training mlp:8 1000 1 10 1 fc1 Gemm 0.25",
		"4 trained training mlp:8 1000 1 10 2 output Gemm 0.2",
		"4 trained training mlp:8 1000 2 5 0 input Input 0.25",
		"4 trained training mlp:8 1000 2 5 1 fc1 Gemm 0.2",
		"4 trained training mlp:8 1000 2 5 2 output Gemm 0.15",
	})
	checkRows(t, s, `SELECT run_id, run_name, status, experiment, arch, train_size, epoch, step,
		       train_loss, train_acc, test_acc, seconds
		FROM training_curve ORDER BY ALL`, []string{
		"4 trained complete training mlp:8 1000 0 0 2.3 0.1 0.1 0",
		"4 trained complete training mlp:8 1000 1 10 0.5 0.85 0.8 1.5",
		"4 trained complete training mlp:8 1000 2 5 0.4 0.9 <nil> 2",
		"4 trained complete training mlp:8 1000 2 10 0.3 0.95 0.9 3",
	})
	// Every step, the duplicate of step 200 shown once.
	checkRows(t, s, `SELECT run_id, step, count(*), round(sum(n1), 12) FROM n1_history GROUP BY ALL ORDER BY ALL`, []string{
		"1 100 3 1.2",
		"1 200 3 0.9",
		"2 50 1 0.4",
		"4 0 3 1.35",
		"4 5 6 1.5",
		"4 10 3 0.75",
	})
	checkRows(t, s, `SELECT run_id, layer_index, measure, value FROM final_metrics ORDER BY ALL`, []string{
		"1 0 N1 0.45",
		"1 1 N1 0.2",
		"1 1 N2 0.7",
		"1 2 N1 0.25",
		"2 0 N1 0.4",
		"4 0 N1 0.25",
		"4 1 N1 0.2",
		"4 1 N2 0.6",
		"4 2 N1 0.15",
	})
	// The epoch and step of a layer are those of its latest measure: N1
	// at epoch 2 step 5 beats N2 at epoch 1 step 10.
	checkRows(t, s, `SELECT run_id, run_name, layer_index, layer_name, op_type, dim, step, n1,
		       measures['N1'], measures['N2'], cardinality(measures), epoch, experiment, arch, train_size
		FROM layer_summary ORDER BY run_id, layer_index`, []string{
		"1 ckpt 0 input Input 4 200 0.45 0.45 <nil> 1 0 <nil> <nil> <nil>",
		"1 ckpt 1 fc1 Gemm 8 200 0.2 0.2 0.7 2 0 <nil> <nil> <nil>",
		"1 ckpt 2 output Gemm 3 200 0.25 0.25 <nil> 1 0 <nil> <nil> <nil>",
		"2 input 0 input Input 4 50 0.4 0.4 <nil> 1 0 <nil> <nil> <nil>",
		"4 trained 0 input Input 4 5 0.25 0.25 <nil> 1 2 training mlp:8 1000",
		"4 trained 1 fc1 Gemm 8 5 0.2 0.2 0.6 2 2 training mlp:8 1000",
		"4 trained 2 output Gemm 3 5 0.15 0.15 <nil> 1 2 training mlp:8 1000",
	})
	checkRows(t, s, `SELECT run_id, name, status, model_sha256, dataset, n_samples, step, layers,
		       n1_input, n1_last, n1_min, round(n1_drop, 12), epoch, experiment, arch, train_size, test_acc
		FROM run_compare ORDER BY run_id`, []string{
		"1 ckpt complete ab toy 200 200 3 0.45 0.25 0.2 0.2 0 <nil> <nil> <nil> <nil>",
		"2 input complete <nil> toy 50 50 1 0.4 0.4 0.4 0 0 <nil> <nil> <nil> <nil>",
		"3 empty running <nil> <nil> 0 <nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil>",
		"4 trained complete <nil> toy 100 5 3 0.25 0.15 0.15 0.1 2 training mlp:8 1000 0.9",
	})
}

// oldRows fill a file of version 1, 2 or 3 with two analyze runs, one of
// them left running.
var oldRows = []string{
	`INSERT INTO runs (name, status, started_at, dataset, n_samples)
	 VALUES ('old', 'complete', TIMESTAMP '2025-01-02 03:04:05', 'mnist', 100)`,
	`INSERT INTO layers VALUES (1, 0, 'input', NULL, 'Input', '[4]', 4),
	                           (1, 1, 'fc1', NULL, 'Gemm', '[8]', 8)`,
	`INSERT INTO metrics (run_id, epoch, step, layer_index, layer_name, measure, value, n_samples, method)
	 VALUES (1, 0, 100, 0, 'input', 'N1', 0.5, 100, 'exact'),
	        (1, 0, 100, 1, 'fc1', 'N1', 0.25, 100, 'exact'),
	        (1, 0, 100, 1, 'fc1', 'N2', 0.75, 100, 'exact')`,
	`INSERT INTO runs (name, status, started_at) VALUES ('left', 'running', TIMESTAMP '2025-01-02 03:04:05')`,
}

// Files of versions 2 and 3 get the current views and tables when they
// are opened, keep their rows, and take training runs.
func TestMigrateFromVersions2And3(t *testing.T) {
	for _, v := range []int{2, 3} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.duckdb")
			oldFile(t, path, v, oldRows...)
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			want := []string{}
			for w := v; w <= SchemaVersion; w++ {
				want = append(want, fmt.Sprint(w))
			}
			checkRows(t, s, `SELECT version FROM schema_version ORDER BY version`, want)
			checkRows(t, s, `SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name`, []string{
				"class_entanglement", "final_metrics", "hardest_samples", "layer_summary", "n1_by_epoch", "n1_by_layer",
				"n1_history", "run_compare", "separation_depth", "training_curve",
			})
			// The new runs columns come last, as in a new file.
			checkRows(t, s, `SELECT list(column_name ORDER BY column_index)[-3:] FROM duckdb_columns() WHERE table_name = 'runs'`,
				[]string{"[experiment arch train_size]"})
			checkRows(t, s, `SELECT run_id, name, status, experiment, arch, train_size, error IS NOT NULL FROM runs ORDER BY run_id`, []string{
				"1 old complete <nil> <nil> <nil> false",
				"2 left interrupted <nil> <nil> <nil> true",
			})
			checkRows(t, s, `SELECT run_id, epoch, step, layer_index, n1, experiment FROM n1_by_layer ORDER BY ALL`, []string{
				"1 0 100 0 0.5 <nil>",
				"1 0 100 1 0.25 <nil>",
			})
			checkRows(t, s, `SELECT run_id, layer_index, n1, measures['N2'], epoch FROM layer_summary ORDER BY ALL`, []string{
				"1 0 0.5 <nil> 0",
				"1 1 0.25 0.75 0",
			})
			checkRows(t, s, `SELECT run_id, layers, n1_input, n1_last, n1_drop, test_acc FROM run_compare ORDER BY ALL`, []string{
				"1 2 0.5 0.25 0.25 <nil>",
				"2 <nil> <nil> <nil> <nil> <nil>",
			})
			if n := queryInt(t, s, `SELECT count(*) FROM n1_by_epoch`); n != 0 {
				t.Errorf("n1_by_epoch has %d rows of untrained runs", n)
			}

			r, err := s.BeginRun(ctx, RunInfo{Name: "trained", Experiment: "training", Arch: "mlp:8", TrainSize: 500})
			if err != nil {
				t.Fatal(err)
			}
			if r.ID() != 3 {
				t.Errorf("new run has id %d, want 3", r.ID())
			}
			if err := r.AddTraining(ctx, []TrainingRow{{Epoch: 0, TestAcc: 0.1}, {Epoch: 1, Step: 8, TestAcc: 0.9}}); err != nil {
				t.Fatal(err)
			}
			if err := r.AddMetrics(ctx, []Metric{{Epoch: 1, Step: 8, LayerIndex: 0, Measure: "N1", Value: 0.125}}); err != nil {
				t.Fatal(err)
			}
			checkRows(t, s, `SELECT run_id, run_name, experiment, arch, train_size, epoch, test_acc FROM training_curve ORDER BY ALL`, []string{
				"3 trained training mlp:8 500 0 0.1",
				"3 trained training mlp:8 500 1 0.9",
			})
			checkRows(t, s, `SELECT run_id, epoch, n1 FROM n1_by_epoch`, []string{"3 1 0.125"})
		})
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
