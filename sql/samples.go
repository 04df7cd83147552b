package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Sample is one sample's part in the measures of one layer: a samples row.
type Sample struct {
	Index      int64  // position in the run's stream, from 0: the sample column
	Key        string // the source's name for it; empty is NULL
	Label      string // the class it was measured with; empty is NULL
	OnBoundary bool   // an end of a cross-class edge of the tree: its part in N1
	// N2Ratio is the distance to the nearest sample of its class over the
	// distance to the nearest of another class; NaN is NULL.
	N2Ratio float64
	NNOther bool   // its nearest neighbour has another class: its part in N3
	Method  string // exact or sampled (see the package documentation)
	// Flipped says whether --label-noise changed its label; nil is NULL
	// (no label noise).
	Flipped *bool
}

// ClassPair counts the cross edges of a layer's tree between two classes:
// a class_pairs row.
type ClassPair struct {
	A, B       string // the two classes, A before B in class order
	NA, NB     int64  // samples of each class in the layer
	CrossEdges int64
}

// LayerSamples are the samples rows and class_pairs rows of one layer at
// one epoch.
type LayerSamples struct {
	Epoch, LayerIndex int
	Samples           []Sample
	Pairs             []ClassPair
}

// AddSamples writes the samples rows and class_pairs rows of the layers,
// in bulk with DuckDB's Appender, in one transaction: either all rows of
// the call are stored or none.
func (r *Run) AddSamples(ctx context.Context, layers []LayerSamples) error {
	if err := r.addSamples(ctx, layers); err != nil {
		return oneLine(fmt.Errorf("run %d: add samples: %w", r.id, err))
	}
	return nil
}

func (r *Run) addSamples(ctx context.Context, layers []LayerSamples) error {
	type key struct{ epoch, layer int32 }
	keys := make([]key, len(layers))
	for k, ls := range layers {
		e, err := toInt32("epoch", ls.Epoch)
		if err != nil {
			return err
		}
		l, err := toInt32("layer index", ls.LayerIndex)
		if err != nil {
			return err
		}
		keys[k] = key{e, l}
		for i, s := range ls.Samples {
			if s.Method == "" {
				return fmt.Errorf("layer %d sample %d: empty method", ls.LayerIndex, i)
			}
		}
	}
	return r.write(ctx, func(conn *dbsql.Conn, _ *dbsql.Tx) error {
		return conn.Raw(func(dc any) error {
			c, ok := dc.(driver.Conn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", dc)
			}
			for k, ls := range layers {
				e, l := keys[k].epoch, keys[k].layer
				if err := appendRows(ctx, c, "samples", len(ls.Samples), func(i int) []driver.Value {
					s := ls.Samples[i]
					var ratio, flipped driver.Value
					if !math.IsNaN(s.N2Ratio) {
						ratio = s.N2Ratio
					}
					if s.Flipped != nil {
						flipped = *s.Flipped
					}
					return []driver.Value{r.id, e, l, s.Index, nullString(s.Key), nullString(s.Label),
						s.OnBoundary, ratio, s.NNOther, s.Method, flipped}
				}); err != nil {
					return fmt.Errorf("layer %d: %w", ls.LayerIndex, err)
				}
				if err := appendRows(ctx, c, "class_pairs", len(ls.Pairs), func(i int) []driver.Value {
					p := ls.Pairs[i]
					return []driver.Value{r.id, e, l, p.A, p.B, p.NA, p.NB, p.CrossEdges}
				}); err != nil {
					return fmt.Errorf("layer %d: %w", ls.LayerIndex, err)
				}
			}
			return nil
		})
	})
}

// appendRows appends n rows, row(i) in table order, to table through an
// Appender on the raw connection c, which holds the caller's transaction.
// On an error the appender's buffered rows are discarded and the caller
// rolls back what was flushed.
func appendRows(ctx context.Context, c driver.Conn, table string, n int, row func(i int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	a, err := duckdb.NewAppenderFromConn(c, "", table)
	if err != nil {
		return err
	}
	for i := range n {
		if i%cancelCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return errors.Join(err, discard(a))
			}
		}
		if err := a.AppendRow(row(i)...); err != nil {
			return errors.Join(fmt.Errorf("%s row %d: %w", table, i, err), discard(a))
		}
	}
	return a.CloseWithCancel(ctx)
}
