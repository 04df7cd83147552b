package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Metric is one measured value: a measure of one layer at one step.
type Metric struct {
	Epoch      int
	Step       int64
	LayerIndex int
	LayerName  string
	Measure    string // e.g. N1; required
	Value      float64
	NSamples   int64  // samples the value was computed on
	Method     string // estimator, e.g. exact
	Params     any    // conventions, marshalled to JSON with encoding/json; nil is NULL
	// CILow and CIHigh bound an estimated value (sampled methods); nil
	// is NULL, as for exact values.
	CILow, CIHigh *float64
}

// cancelCheckRows is how many rows AddMetrics appends between looks at
// its context: one DuckDB vector, so a cancelled call stops within a
// chunk's worth of work.
const cancelCheckRows = 2048

// metricColumns are the metrics columns in table order with the types the
// appender is given. params goes in as VARCHAR and is cast to JSON by
// DuckDB: given a JSON column, duckdb-go would marshal every value with
// encoding/json a second time, which costs more than the rest of a row.
var metricColumns = []struct {
	name string
	typ  duckdb.Type
}{
	{"run_id", duckdb.TYPE_BIGINT},
	{"epoch", duckdb.TYPE_INTEGER},
	{"step", duckdb.TYPE_BIGINT},
	{"layer_index", duckdb.TYPE_INTEGER},
	{"layer_name", duckdb.TYPE_VARCHAR},
	{"measure", duckdb.TYPE_VARCHAR},
	{"value", duckdb.TYPE_DOUBLE},
	{"n_samples", duckdb.TYPE_BIGINT},
	{"method", duckdb.TYPE_VARCHAR},
	{"params", duckdb.TYPE_VARCHAR},
	{"ci_low", duckdb.TYPE_DOUBLE},
	{"ci_high", duckdb.TYPE_DOUBLE},
}

// AddMetrics appends ms in bulk with DuckDB's Appender, inside one
// transaction: either all rows of the call are stored or none, also when
// the process dies during the call.
func (r *Run) AddMetrics(ctx context.Context, ms []Metric) error {
	if err := r.addMetrics(ctx, ms); err != nil {
		return oneLine(fmt.Errorf("run %d: add metrics: %w", r.id, err))
	}
	return nil
}

func (r *Run) addMetrics(ctx context.Context, ms []Metric) error {
	params, err := checkMetrics(ms)
	if err != nil {
		return err
	}
	return r.write(ctx, func(conn *dbsql.Conn, _ *dbsql.Tx) error {
		if len(ms) == 0 {
			return nil
		}
		return conn.Raw(func(dc any) error {
			return r.appendMetrics(ctx, dc, ms, params)
		})
	})
}

// checkMetrics finds everything that can be wrong with ms before anything
// is written, and returns the JSON text of their params (nil for NULL).
func checkMetrics(ms []Metric) ([]any, error) {
	params := make([]any, len(ms))
	for i, m := range ms {
		if m.Measure == "" {
			return nil, fmt.Errorf("metric %d: empty measure name", i)
		}
		if _, err := toInt32("epoch", m.Epoch); err != nil {
			return nil, fmt.Errorf("metric %d: %w", i, err)
		}
		if _, err := toInt32("layer index", m.LayerIndex); err != nil {
			return nil, fmt.Errorf("metric %d: %w", i, err)
		}
		p, err := marshalJSON(m.Params)
		if err != nil {
			return nil, fmt.Errorf("metric %d: params: %w", i, err)
		}
		params[i] = p
	}
	return params, nil
}

// appendMetrics appends ms through a query Appender on the raw driver
// connection dc, which holds the caller's transaction; the appender's
// flushes run in that transaction. On any error the appender's buffered
// rows are discarded and the caller rolls back what was flushed.
func (r *Run) appendMetrics(ctx context.Context, dc any, ms []Metric, params []any) error {
	c, ok := dc.(driver.Conn)
	if !ok {
		return fmt.Errorf("unexpected driver connection %T", dc)
	}
	a, err := newMetricAppender(c)
	if err != nil {
		return err
	}
	row := make([]driver.Value, len(metricColumns))
	for i, m := range ms {
		if i%cancelCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return errors.Join(err, discard(a))
			}
		}
		// checkMetrics made sure the conversions to int32 are exact.
		row[0], row[1], row[2], row[3] = r.id, int32(m.Epoch), m.Step, int32(m.LayerIndex)
		row[4], row[5], row[6], row[7] = nullString(m.LayerName), m.Measure, m.Value, m.NSamples
		row[8], row[9] = nullString(m.Method), params[i]
		row[10], row[11] = nullFloat(m.CILow), nullFloat(m.CIHigh)
		if err := a.AppendRow(row...); err != nil {
			return errors.Join(fmt.Errorf("metric %d: %w", i, err), discard(a))
		}
	}
	return a.CloseWithCancel(ctx)
}

func newMetricAppender(c driver.Conn) (*duckdb.Appender, error) {
	types := make([]duckdb.TypeInfo, len(metricColumns))
	names := make([]string, len(metricColumns))
	for i, col := range metricColumns {
		t, err := duckdb.NewTypeInfo(col.typ)
		if err != nil {
			return nil, err
		}
		types[i], names[i] = t, col.name
	}
	sel := make([]string, len(names))
	for i, n := range names {
		sel[i] = n
		if n == "params" {
			sel[i] = "params::JSON"
		}
	}
	query := "INSERT INTO metrics (" + strings.Join(names, ", ") + ") SELECT " +
		strings.Join(sel, ", ") + " FROM appended_metrics"
	return duckdb.NewQueryAppender(c, query, "appended_metrics", types, names)
}

// nullFloat maps nil to SQL NULL.
func nullFloat(p *float64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

// discard closes a without writing its buffered rows.
func discard(a *duckdb.Appender) error {
	if err := a.Clear(); err != nil {
		return err
	}
	return a.Close()
}
