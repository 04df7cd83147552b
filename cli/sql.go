package cli

import (
	"context"
	"errors"
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
		UsageText: `cxray sql --db out.duckdb [--format table|csv|json] [--write] "SELECT ..."`,
		Description: `Runs any DuckDB SQL that reads. Tables: runs, layers, metrics, training.
Views: n1_by_layer (final N1 per run and layer), n1_history (every
checkpoint), n1_by_epoch (N1 per run, epoch and layer of trained runs),
training_curve (loss and accuracy per epoch), layer_summary (one row per run
and layer, a column per measure), run_compare (one row per run),
final_metrics. See README.md and docs/queries.md.

The file is opened read-only: DuckDB refuses any change to it, and the query
can read no other file (COPY, ATTACH, read_csv, read_text), load no
extension and change no setting. A read-only file works, and so does a file
that cxray analyze, train or study is writing: the query runs between two of
its checkpoints, so a second terminal can watch a run, e.g.
   watch -n 5 cxray sql --db out.duckdb "SELECT step, layer_name, n1 FROM n1_history WHERE run_id = 3"

--write opens the file for writing instead (not while a run writes it).
The query can then delete or change runs and their rows, set a run's status
to anything (a run marked complete that never finished looks finished),
drop tables and views (without schema_version cxray no longer opens the
file), and read and write any file you can (COPY ... TO, ATTACH, read_csv).
An older file is migrated to the current schema on the way. Copy the file
first if its contents matter.
Examples:
   cxray sql --db out.duckdb "SELECT run_id, name, status, n_samples FROM runs"
   cxray sql --db out.duckdb --format csv \
     "SELECT layer_index, layer_name, value AS n1 FROM metrics WHERE measure = 'N1' ORDER BY run_id, layer_index"
   cxray sql --db out.duckdb --write "DELETE FROM metrics WHERE run_id = 7; DELETE FROM layers WHERE run_id = 7;
     DELETE FROM training WHERE run_id = 7; DELETE FROM runs WHERE run_id = 7"`,
		ArgsUsage: "QUERY",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to query"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output format: table, csv (with a header line) or json"},
			&cli.BoolFlag{Name: "write", Usage: "open the file for writing: the query may change or delete runs, forge their status, drop tables and read and write other files (see above)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("no query given: cxray sql --db FILE \"SELECT ...\"")
			}
			f, err := sql.ParseFormat(c.String("format"))
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			db := c.String("db")
			if _, err := os.Stat(db); err != nil {
				return fmt.Errorf("database %s: not found (write one with cxray analyze --db %s)", db, db)
			}
			open := sql.OpenReadOnly
			if c.Bool("write") {
				open = sql.Open
			}
			store, err := open(db)
			if err != nil {
				return err
			}
			defer store.Close()
			err = store.Query(context.Background(), c.App.Writer, strings.Join(c.Args().Slice(), " "), f)
			switch {
			case errors.Is(err, sql.ErrReadOnly):
				return fmt.Errorf("%w; to change the file, add --write (see cxray sql --help)", err)
			case errors.Is(err, sql.ErrRestricted):
				return fmt.Errorf("%w; to allow it, add --write (see cxray sql --help)", err)
			}
			return err
		},
	}
}
