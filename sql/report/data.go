package report

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"math"
	"sort"
	"time"
)

// run is one runs row.
type run struct {
	ID                        int64
	Name, Status              string
	Experiment, Arch          string // "" for NULL
	Dataset, Split, Error     string
	TrainSize, NSamples       int64 // 0 for NULL
	Started                   time.Time
	plotted                   bool // complete, or Options.All
	n1                        []n1Point
	history                   []n1Point // N1 at every step, by epoch, step and layer
	epochs                    []int     // distinct epochs of n1, ascending
	training                  []trainRow
	layers                    map[int]layer
	measures                  map[int]map[string]float64 // layer index -> measure -> final value
	estimated                 bool                       // some N1 is not exact
	finalTestAcc, finalTrainL float64                    // NaN when unknown
	samples                   *perSample                 // nil without per-sample rows
}

type layer struct {
	Name, OpType string
	Dim          int64
}

// n1Point is N1 of one layer at the final step of one epoch.
type n1Point struct {
	Epoch  int
	Step   int64
	Layer  int
	Name   string
	N1     float64
	Method string
}

// trainRow is one training row; NULL values are NaN.
type trainRow struct {
	Epoch                                int
	Step                                 int64
	TrainLoss, TrainAcc, TestAcc, Second float64
}

// data is what the report shows of a file.
type data struct {
	version  int
	runs     []*run
	measures []string // measure names other than N1, sorted
}

// columnExpr returns col if table has it and the NULL fallback otherwise,
// so that files of older schema versions read like new ones.
func columnExpr(ctx context.Context, db *dbsql.DB, table, col, fallback string) (string, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main'
		  AND table_name = ? AND column_name = ?`, table, col).Scan(&n)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return fallback, nil
	}
	return col, nil
}

func tableExists(ctx context.Context, db *dbsql.DB, table string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?`, table).Scan(&n)
	return n > 0, err
}

// load reads the tables (not the views, which files of older versions
// lack or define differently; the per-sample views, which exist from the
// version that has their tables on, are read) into a data.
func load(ctx context.Context, db *dbsql.DB, version int, all bool) (*data, error) {
	d := &data{version: version}
	byID := map[int64]*run{}

	exp, err := columnExpr(ctx, db, "runs", "experiment", "NULL")
	if err != nil {
		return nil, err
	}
	arch, err := columnExpr(ctx, db, "runs", "arch", "NULL")
	if err != nil {
		return nil, err
	}
	size, err := columnExpr(ctx, db, "runs", "train_size", "NULL")
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf(`SELECT run_id, coalesce(name, ''), status, coalesce(%s, ''), coalesce(%s, ''),
		coalesce(%s, 0), coalesce(dataset, ''), coalesce(split, ''), coalesce(n_samples, 0),
		started_at, coalesce(error, '')
		FROM runs ORDER BY run_id`, exp, arch, size)
	err = each(ctx, db, q, func(rows *dbsql.Rows) error {
		r := &run{layers: map[int]layer{}, measures: map[int]map[string]float64{},
			finalTestAcc: math.NaN(), finalTrainL: math.NaN()}
		if err := rows.Scan(&r.ID, &r.Name, &r.Status, &r.Experiment, &r.Arch, &r.TrainSize,
			&r.Dataset, &r.Split, &r.NSamples, &r.Started, &r.Error); err != nil {
			return err
		}
		r.plotted = all || r.Status == "complete"
		d.runs = append(d.runs, r)
		byID[r.ID] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}

	err = each(ctx, db, `SELECT run_id, layer_index, coalesce(layer_name, ''), coalesce(op_type, ''),
		coalesce(dim, 0) FROM layers`, func(rows *dbsql.Rows) error {
		var id int64
		var idx int
		var l layer
		if err := rows.Scan(&id, &idx, &l.Name, &l.OpType, &l.Dim); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.layers[idx] = l
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read layers: %w", err)
	}

	// N1 of every layer at the final step of each epoch, the value
	// written last when one was written twice (as the view n1_by_epoch).
	err = each(ctx, db, `SELECT run_id, coalesce(epoch, 0) AS e, coalesce(step, 0), layer_index,
		coalesce(layer_name, ''), value, coalesce(method, '')
		FROM metrics
		WHERE measure = 'N1' AND layer_index IS NOT NULL AND value IS NOT NULL
		QUALIFY rank() OVER (PARTITION BY run_id, coalesce(epoch, 0) ORDER BY step DESC NULLS LAST) = 1
		    AND row_number() OVER (PARTITION BY run_id, coalesce(epoch, 0), layer_index
		                           ORDER BY step DESC NULLS LAST, rowid DESC) = 1
		ORDER BY run_id, e, layer_index`, func(rows *dbsql.Rows) error {
		var id int64
		var p n1Point
		if err := rows.Scan(&id, &p.Epoch, &p.Step, &p.Layer, &p.Name, &p.N1, &p.Method); err != nil {
			return err
		}
		r := byID[id]
		if r == nil || math.IsNaN(p.N1) {
			return nil
		}
		if p.Name == "" {
			p.Name = r.layers[p.Layer].Name
		}
		if p.Method != "" && p.Method != "exact" {
			r.estimated = true
		}
		r.n1 = append(r.n1, p)
		if n := len(r.epochs); n == 0 || r.epochs[n-1] != p.Epoch {
			r.epochs = append(r.epochs, p.Epoch)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read N1: %w", err)
	}
	// N1 at every step, for the runs measured within epochs as well
	// (cxray train --measure-every): N1 through training at every reading.
	err = each(ctx, db, `SELECT run_id, coalesce(epoch, 0) AS e, coalesce(step, 0) AS s, layer_index, value
		FROM metrics
		WHERE measure = 'N1' AND layer_index IS NOT NULL AND value IS NOT NULL
		QUALIFY row_number() OVER (PARTITION BY run_id, coalesce(epoch, 0), coalesce(step, 0), layer_index
		                           ORDER BY rowid DESC) = 1
		ORDER BY run_id, e, s, layer_index`, func(rows *dbsql.Rows) error {
		var id int64
		var p n1Point
		if err := rows.Scan(&id, &p.Epoch, &p.Step, &p.Layer, &p.N1); err != nil {
			return err
		}
		if r := byID[id]; r != nil && !math.IsNaN(p.N1) {
			r.history = append(r.history, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read N1 history: %w", err)
	}

	// Every measure of every layer at its final step (as final_metrics).
	names := map[string]bool{}
	err = each(ctx, db, `SELECT run_id, layer_index, measure, value FROM metrics
		WHERE layer_index IS NOT NULL AND value IS NOT NULL
		QUALIFY rank() OVER (PARTITION BY run_id, measure
		                     ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST) = 1
		    AND row_number() OVER (PARTITION BY run_id, measure, layer_index
		                           ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST, rowid DESC) = 1`,
		func(rows *dbsql.Rows) error {
			var id int64
			var idx int
			var m string
			var v float64
			if err := rows.Scan(&id, &idx, &m, &v); err != nil {
				return err
			}
			r := byID[id]
			if r == nil {
				return nil
			}
			if r.measures[idx] == nil {
				r.measures[idx] = map[string]float64{}
			}
			r.measures[idx][m] = v
			if m != "N1" {
				names[m] = true
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read measures: %w", err)
	}
	for m := range names {
		d.measures = append(d.measures, m)
	}
	sort.Strings(d.measures)

	ok, err := tableExists(ctx, db, "training")
	if err != nil {
		return nil, fmt.Errorf("inspect schema: %w", err)
	}
	if ok {
		err = each(ctx, db, `SELECT run_id, epoch, step, coalesce(train_loss, 'NaN'::DOUBLE),
			coalesce(train_acc, 'NaN'::DOUBLE), coalesce(test_acc, 'NaN'::DOUBLE),
			coalesce(seconds, 'NaN'::DOUBLE)
			FROM training ORDER BY run_id, epoch, step`, func(rows *dbsql.Rows) error {
			var id int64
			var t trainRow
			if err := rows.Scan(&id, &t.Epoch, &t.Step, &t.TrainLoss, &t.TrainAcc, &t.TestAcc, &t.Second); err != nil {
				return err
			}
			if r := byID[id]; r != nil {
				r.training = append(r.training, t)
				if !math.IsNaN(t.TestAcc) {
					r.finalTestAcc = t.TestAcc
				}
				if !math.IsNaN(t.TrainLoss) {
					r.finalTrainL = t.TrainLoss
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read training: %w", err)
		}
	}
	if err := loadSamples(ctx, db, byID); err != nil {
		return nil, err
	}
	return d, nil
}

func each(ctx context.Context, db *dbsql.DB, q string, fn func(*dbsql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// finalN1 returns the run's N1 points of its last epoch, by layer.
func (r *run) finalN1() []n1Point {
	if len(r.epochs) == 0 {
		return nil
	}
	return r.n1At(r.epochs[len(r.epochs)-1])
}

// n1At returns the run's N1 points of epoch e, by layer.
func (r *run) n1At(e int) []n1Point {
	var out []n1Point
	for _, p := range r.n1 {
		if p.Epoch == e {
			out = append(out, p)
		}
	}
	return out
}

// epochTraining returns, per epoch, the last value of each training
// column written in that epoch.
func (r *run) epochTraining() []trainRow {
	var out []trainRow
	for _, t := range r.training {
		if n := len(out); n == 0 || out[n-1].Epoch != t.Epoch {
			out = append(out, trainRow{Epoch: t.Epoch, TrainLoss: math.NaN(), TrainAcc: math.NaN(),
				TestAcc: math.NaN(), Second: math.NaN()})
		}
		last := &out[len(out)-1]
		last.Step = t.Step
		for _, f := range []struct {
			dst *float64
			v   float64
		}{
			{&last.TrainLoss, t.TrainLoss}, {&last.TrainAcc, t.TrainAcc},
			{&last.TestAcc, t.TestAcc}, {&last.Second, t.Second},
		} {
			if !math.IsNaN(f.v) {
				*f.dst = f.v
			}
		}
	}
	return out
}

// epochPosition places a reading of epoch e at step s on the epoch axis:
// epoch 0 is at 0, and a reading within epoch e ≥ 1 at e−1 plus the
// fraction of the epoch's steps taken, from the steps at which the
// training rows end each epoch (ends). Without them it sits at e.
func epochPosition(e int, s int64, ends map[int]int64) float64 {
	end, ok := ends[e]
	start, ok0 := ends[e-1]
	if e == 0 || !ok || !ok0 || end <= start {
		return float64(e)
	}
	return float64(e-1) + float64(s-start)/float64(end-start)
}

// label names the run in legends: its arch, else its name, else its id.
func (r *run) label() string {
	switch {
	case r.Arch != "":
		return r.Arch
	case r.Name != "":
		return r.Name
	}
	return fmt.Sprintf("run %d", r.ID)
}

// title names the run in headings.
func (r *run) title() string {
	s := fmt.Sprintf("run %d", r.ID)
	if r.Name != "" {
		s += " " + r.Name
	}
	if r.Arch != "" && r.Arch != r.Name {
		s += " (" + r.Arch + ")"
	}
	return s
}
