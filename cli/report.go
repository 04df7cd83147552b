package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"cxray/sql/report"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write an HTML report with charts of a cxray DuckDB file",
		UsageText: "cxray report --db study.duckdb --out report/",
		Description: `Writes DIR/index.html with PNG and SVG charts (gonum/plot) and the data
tables under them. It needs no network to be viewed: open the file in any
browser. The report shows what the file holds:

   layers, design    N1 against the layer, one line per architecture,
                     beside the test accuracy of each
   training          N1 against the layer, one line per epoch; N1 against
                     the epoch, one line per layer; accuracy per epoch
   samples           N1 against the layer, one line per training-set size,
                     beside the accuracy per size
   analyze runs      N1 against the layer, one line per run, and every
                     measure as a table
   per-sample rows   (analyze --samples) per run: a heat map of the class
                     pairs' entanglement per layer; per class, the fraction
                     of samples off the boundary from each layer on; the
                     hardest samples, with thumbnails of their images for
                     MNIST and imagefolder: datasets, read from the dataset
                     when the report is written and saved beside it

Only complete runs are plotted unless --all; the runs table lists every
run with its status. The database file is opened read-only, so a report can
be drawn while cxray analyze, train or study writes the file (between two
of its checkpoints; use --all to see the running run). The files are
written into a staging directory inside DIR and moved into place: report
never writes through a symbolic link, and refuses a DIR that is one or a
link in DIR under one of its file names.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` written by cxray"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "report", Usage: "output `DIR` (created if missing; an earlier report there is replaced)"},
			&cli.BoolFlag{Name: "all", Usage: "also plot failed, interrupted and running runs"},
			&cli.StringFlag{Name: "title", Usage: "page `TITLE` (default: the file name)"},
		},
		Action: func(c *cli.Context) error {
			err := report.WriteFile(context.Background(), c.String("db"), c.String("out"), report.Options{All: c.Bool("all"), Title: c.String("title")})
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, reportIndex(c.String("out")))
			return nil
		},
	}
}

// reportIndex is the page to open.
func reportIndex(dir string) string {
	abs, err := filepath.Abs(filepath.Join(dir, "index.html"))
	if err != nil {
		return filepath.Join(dir, "index.html")
	}
	return abs
}
