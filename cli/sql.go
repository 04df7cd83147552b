package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"cxray/sql"
)

func sqlCommand() *cli.Command {
	return &cli.Command{
		Name:      "sql",
		Usage:     "run a SQL query against a cxray DuckDB file",
		UsageText: `cxray sql --db out.duckdb [--format table|csv|json] "SELECT ..."`,
		Description: `Runs any DuckDB SQL. Tables: runs, layers, metrics, training. Views:
n1_by_layer (final N1 per run and layer), n1_history (every checkpoint),
n1_by_epoch (N1 per run, epoch and layer of trained runs), training_curve
(loss and accuracy per epoch), layer_summary (one row per run and layer, a
column per measure), run_compare (one row per run), final_metrics. See
README.md and docs/queries.md.
Examples:
   cxray sql --db out.duckdb "SELECT run_id, name, status, n_samples FROM runs"
   cxray sql --db out.duckdb --format csv \
     "SELECT layer_index, layer_name, value AS n1 FROM metrics WHERE measure = 'N1' ORDER BY run_id, layer_index"`,
		ArgsUsage: "QUERY",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to query"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output format: table, csv (with a header line) or json"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("no query given: cxray sql --db FILE \"SELECT ...\"")
			}
			f, err := sql.ParseFormat(c.String("format"))
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			if _, err := os.Stat(c.String("db")); err != nil {
				return fmt.Errorf("database %s: not found (write one with cxray analyze --db %s)", c.String("db"), c.String("db"))
			}
			store, err := sql.Open(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			return store.Query(context.Background(), c.App.Writer, strings.Join(c.Args().Slice(), " "), f)
		},
	}
}
