package cli

import (
	"github.com/urfave/cli/v2"
)

// Version is set at build time with -ldflags "-X cxray/cli.Version=...".
var Version = "dev"

// New returns the cxray command-line application.
func New() *cli.App {
	app := &cli.App{
		Name:    "cxray",
		Usage:   "X-ray a neural network: how well does each layer separate the classes?",
		Version: Version,
		Description: `cxray streams a labelled dataset through an ONNX model batch by batch,
taps the output of every layer, measures the data complexity N1 of each
layer's representation (Ho & Basu: the fraction of points that an edge of
the Euclidean minimum spanning tree joins to a point of another class; 0
means the classes are perfectly separated locally, higher is harder), and
writes the results into a DuckDB file you can query with SQL.

It also trains networks natively (train), runs the four experiments of
Ho, "Complexity of Representations in Deep Learning" (ICPR 2022) in one
command (study), and draws any file as an HTML report (report). Besides
N1 it computes the 22 measures of Lorena et al. (2019) and layer measures
such as GDV, TwoNN, NC1, CKA and a linear probe (analyze --measures).

Typical session:
   cxray layers  --model lenet.onnx
   cxray analyze --model lenet.onnx --data mnist --split test --limit 2000 --db out.duckdb --run lenet
   cxray sql     --db out.duckdb "SELECT * FROM n1_by_layer"
   cxray export  --db out.duckdb --format parquet --out results/
   cxray study   --db study.duckdb --report study/      (about 4 minutes on 2 cores)`,
		Commands:             []*cli.Command{layersCommand(), analyzeCommand(), trainCommand(), studyCommand(), reportCommand(), sqlCommand(), exportCommand(), shardCommand(), slurmCommand()},
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		Action:               appAction,
	}
	for _, cmd := range app.Commands {
		strict(cmd)
	}
	return app
}
