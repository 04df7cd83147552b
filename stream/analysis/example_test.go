package analysis_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"cxray/internal/fixture"
	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// One measurement without the command line: N1 of iris with min-max
// features, the value ECoL's and DCoL's conventions agree on (0.1), into a
// DuckDB file.
func Example() {
	dir, err := os.MkdirTemp("", "analysis")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	job, err := analysis.Prepare(analysis.Spec{
		Data:      "csv:" + fixture.Path("fixtures/iris.csv"),
		Source:    source.Options{Label: "species"},
		Layers:    "all",
		Batch:     64,
		Normalize: measure.NormMinMax,
		Measures:  []string{"N1"},
		Options:   tap.DefaultOptions(),
		Plan:      plan.Options{Budget: 64 << 20, Seed: 1},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer job.Close()

	store, err := sql.Open(filepath.Join(dir, "iris.duckdb"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	run, err := store.BeginRun(ctx, sql.RunInfo{Name: "iris", Dataset: job.Source.Name(), NSamples: int64(job.Source.Len())})
	if err != nil {
		log.Fatal(err)
	}
	err = analysis.AddLayers(ctx, run, job.Layers)
	var results []analysis.Result
	if err == nil {
		results, err = job.Measure(ctx, run, quiet{})
	}
	if err := analysis.End(ctx, run, err); err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Printf("%s: N1 = %.6f (%s, %d points)\n", r.Layer.Name, r.Estimate.Value, r.Estimate.Method, r.Estimate.N)
	}
	// Output:
	// input: N1 = 0.100000 (exact, 150 points)
}

// quiet drops progress.
type quiet struct{}

func (quiet) Logf(string, ...any)   {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Step(string, int, int) {}
