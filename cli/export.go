package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"cxray/sql"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write every table and view of a cxray DuckDB file to Parquet or CSV files",
		UsageText: `cxray export --db out.duckdb [--format parquet|csv] --out DIR`,
		Description: `Writes the tables runs, layers, metrics and training and the views
final_metrics, n1_history, n1_by_layer, n1_by_epoch, layer_summary,
run_compare and training_curve to DIR/NAME.parquet (or DIR/NAME.csv with a
header line), one file each, creating DIR if needed and replacing files of
the same names. Prints one line per file: name, rows and path. Any Parquet
or CSV reader reads them without cxray, e.g.
   duckdb -c "SELECT * FROM 'DIR/n1_by_layer.parquet' ORDER BY run_id, layer_index"
The views are described in docs/queries.md.

The database file is opened read-only (a file of an older schema version is
migrated first), so export works on a file a run is writing. The files are
written into a staging directory inside DIR and moved into place: export
never writes through a symbolic link, and refuses a DIR that is one or a
link in DIR under one of the names.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to export"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "parquet", Usage: "file format: parquet or csv"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "`DIR` to write the files to"},
		},
		Action: func(c *cli.Context) error {
			f, err := sql.ParseExportFormat(c.String("format"))
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			db := c.String("db")
			if fi, err := os.Stat(db); err != nil {
				return fmt.Errorf("database %s: not found (write one with cxray analyze --db %s)", db, db)
			} else if fi.IsDir() {
				return fmt.Errorf("database %s is a directory, not a file", db)
			}
			files, err := sql.ExportFile(context.Background(), db, c.String("out"), f)
			if err != nil {
				return err
			}
			for _, ef := range files {
				fmt.Fprintf(c.App.Writer, "%-14s %8d rows  %s\n", ef.Name, ef.Rows, ef.Path)
			}
			return nil
		},
	}
}
