package sql_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"cxray/sql"
)

func Example() {
	dir, err := os.MkdirTemp("", "cxray-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := sql.Open(filepath.Join(dir, "runs.duckdb"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	params := map[string]string{"distance": "euclidean", "ties": "lowest-index"}
	for _, name := range []string{"lenet", "lenet-broken"} {
		run, err := s.BeginRun(ctx, sql.RunInfo{Name: name, Dataset: "mnist", Split: "test", NSamples: 1000})
		if err != nil {
			log.Fatal(err)
		}
		layers := []sql.Layer{
			{Index: 0, Name: "conv1", OpType: "Conv", Shape: []int{6, 28, 28}},
			{Index: 1, Name: "fc3", OpType: "Gemm", Shape: []int{10}},
		}
		if err := run.AddLayers(ctx, layers); err != nil {
			log.Fatal(err)
		}
		var ms []sql.Metric
		for _, l := range layers {
			ms = append(ms, sql.Metric{LayerIndex: l.Index, LayerName: l.Name, Measure: "N1",
				Value: 0.4 / float64(l.Index+1) / 3, NSamples: 1000, Method: "exact", Params: params})
		}
		if err := run.AddMetrics(ctx, ms); err != nil {
			log.Fatal(err)
		}
		if name == "lenet-broken" {
			err = run.Fail(ctx, errors.New("NaN in layer fc3"))
		} else {
			err = run.Complete(ctx)
		}
		if err != nil {
			log.Fatal(err)
		}
	}

	err = s.Query(ctx, os.Stdout, `
		SELECT r.run_id, r.name, r.status, l.layer_name, l.shape, m.value AS n1,
		       m.params->>'distance' AS distance
		FROM metrics m
		JOIN runs r USING (run_id)
		JOIN layers l USING (run_id, layer_index)
		ORDER BY r.run_id, l.layer_index`, sql.FormatTable)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	err = s.Query(ctx, os.Stdout, `SELECT run_id, status, error FROM runs ORDER BY run_id`, sql.FormatJSON)
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// run_id  name          status    layer_name  shape             n1  distance
	// ------  ------------  --------  ----------  ---------  ---------  ---------
	//      1  lenet         complete  conv1       [6,28,28]   0.133333  euclidean
	//      1  lenet         complete  fc3         [10]       0.0666667  euclidean
	//      2  lenet-broken  failed    conv1       [6,28,28]   0.133333  euclidean
	//      2  lenet-broken  failed    fc3         [10]       0.0666667  euclidean
	//
	// [
	// {"run_id":1,"status":"complete","error":null},
	// {"run_id":2,"status":"failed","error":"NaN in layer fc3"}
	// ]
}
