package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
)

// TrainingRow is one reading of a run's training: the loss and accuracies
// after Step of Epoch. Epoch 0 is the network at initialization, before
// any training step.
//
// A NaN in a float field is stored as NULL: the value was not measured at
// that row (test accuracy is often measured only at the end of an epoch),
// or, for TrainLoss, training diverged.
type TrainingRow struct {
	Epoch     int
	Step      int64   // optimizer steps taken since the run's training started
	TrainLoss float64 // mean training loss
	TrainAcc  float64 // fraction of training samples classified correctly
	TestAcc   float64 // fraction of test samples classified correctly
	Seconds   float64 // elapsed since the run's training started
}

// AddTraining inserts rows into the training table in one transaction:
// either all are stored or none. Like AddMetrics it refuses a run that is
// not running. (Epoch, Step) must be unique within the run, across calls
// too; epochs and steps must not be negative.
func (r *Run) AddTraining(ctx context.Context, rows []TrainingRow) error {
	if err := r.addTraining(ctx, rows); err != nil {
		return oneLine(fmt.Errorf("run %d: add training: %w", r.id, err))
	}
	return nil
}

func (r *Run) addTraining(ctx context.Context, rows []TrainingRow) error {
	type key struct {
		epoch int
		step  int64
	}
	seen := make(map[key]int, len(rows))
	for i, t := range rows {
		if t.Epoch < 0 {
			return fmt.Errorf("row %d: negative epoch %d", i, t.Epoch)
		}
		if _, err := toInt32("epoch", t.Epoch); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		if t.Step < 0 {
			return fmt.Errorf("row %d: negative step %d", i, t.Step)
		}
		k := key{t.Epoch, t.Step}
		if j, dup := seen[k]; dup {
			return fmt.Errorf("rows %d and %d are both epoch %d, step %d", j, i, t.Epoch, t.Step)
		}
		seen[k] = i
	}

	return r.write(ctx, func(_ *dbsql.Conn, tx *dbsql.Tx) error {
		if len(rows) == 0 {
			return nil
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO training VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, t := range rows {
			// The checks above made sure the conversion to int32 is exact.
			_, err := stmt.ExecContext(ctx, r.id, int32(t.Epoch), t.Step, nullNaN(t.TrainLoss),
				nullNaN(t.TrainAcc), nullNaN(t.TestAcc), nullNaN(t.Seconds))
			if err != nil {
				return fmt.Errorf("row %d (epoch %d, step %d): %w", i, t.Epoch, t.Step, err)
			}
		}
		return nil
	})
}
