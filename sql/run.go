package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"sync"
)

// Run statuses, the values of runs.status.
const (
	StatusRunning     = "running"
	StatusComplete    = "complete"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// abandonedError is the runs.error of a run that Open found running.
const abandonedError = "abandoned: the process writing this run ended without finishing it"

// RunInfo describes a run when it begins.
type RunInfo struct {
	Name        string
	ModelPath   string
	ModelSHA256 string
	Dataset     string
	Split       string
	NSamples    int64 // samples the run will stream; 0 if unknown
	Config      any   // marshalled to JSON with encoding/json; nil is NULL
	Version     string

	// Experiment names the study experiment the run belongs to, e.g.
	// layers, training, design or samples; empty (NULL) for a plain
	// analyze run.
	Experiment string
	// Arch names the architecture of a network cxray built, e.g. lenet5
	// or mlp:256,128; empty (NULL) for an imported model.
	Arch string
	// TrainSize is the number of training samples of a run that trains
	// its network; 0 (NULL) for a run that does not train.
	TrainSize int64
}

// Run is a run begun by BeginRun. Its methods are safe for concurrent
// use; rows being added while the run ends are either all written before
// it ends or refused.
type Run struct {
	s  *Store
	id int64

	// mu is held shared by AddLayers and AddMetrics and exclusively by the
	// status changes, so no rows slip in after a run has ended.
	mu sync.RWMutex
}

// BeginRun inserts a runs row with status running and started_at now.
func (s *Store) BeginRun(ctx context.Context, r RunInfo) (*Run, error) {
	if s.readOnly {
		return nil, fmt.Errorf("begin run: database file %q is open read-only", s.path)
	}
	if r.NSamples < 0 {
		return nil, fmt.Errorf("begin run: negative sample count %d", r.NSamples)
	}
	if r.TrainSize < 0 {
		return nil, fmt.Errorf("begin run: negative training-set size %d", r.TrainSize)
	}
	config, err := marshalJSON(r.Config)
	if err != nil {
		return nil, fmt.Errorf("begin run: config: %w", err)
	}
	var id int64
	err = s.use(ctx, func(db *dbsql.DB) error {
		return db.QueryRowContext(ctx, `
		INSERT INTO runs (name, status, started_at, model_path, model_sha256,
		                  dataset, split, n_samples, config, cxray_version,
		                  experiment, arch, train_size)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING run_id`,
			nullString(r.Name), StatusRunning, now(), nullString(r.ModelPath),
			nullString(r.ModelSHA256), nullString(r.Dataset), nullString(r.Split),
			r.NSamples, config, nullString(r.Version),
			nullString(r.Experiment), nullString(r.Arch), nullInt(r.TrainSize),
		).Scan(&id)
	})
	if err != nil {
		return nil, oneLine(fmt.Errorf("begin run: %w", err))
	}
	return &Run{s: s, id: id}, nil
}

// ID returns the run's run_id.
func (r *Run) ID() int64 { return r.id }

// Status reads the run's current status from the database.
func (r *Run) Status(ctx context.Context) (string, error) {
	var status string
	err := r.s.use(ctx, func(db *dbsql.DB) error {
		var err error
		status, err = r.status(ctx, db)
		return err
	})
	return status, err
}

// rowQuerier is a *sql.DB or a *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *dbsql.Row
}

func (r *Run) status(ctx context.Context, q rowQuerier) (string, error) {
	var status string
	err := q.QueryRowContext(ctx, `SELECT status FROM runs WHERE run_id = ?`, r.id).Scan(&status)
	if errors.Is(err, dbsql.ErrNoRows) {
		return "", fmt.Errorf("run %d does not exist", r.id)
	}
	if err != nil {
		return "", fmt.Errorf("run %d: read status: %w", r.id, err)
	}
	return status, nil
}

// Complete marks the run complete. It is an error unless the run is running.
func (r *Run) Complete(ctx context.Context) error {
	return r.finish(ctx, StatusComplete, nil)
}

// Fail marks the run failed and records cause's text. It is an error
// unless the run is running. Fail ignores the cancellation of ctx, so
// that the failure of a cancelled run is still recorded.
func (r *Run) Fail(ctx context.Context, cause error) error {
	var text any
	if cause != nil {
		text = cause.Error()
	}
	return r.finish(context.WithoutCancel(ctx), StatusFailed, text)
}

// Interrupt marks the run interrupted, for a run stopped on request. It is
// an error unless the run is running. Interrupt ignores the cancellation
// of ctx, since the usual reason to call it is that ctx was cancelled.
func (r *Run) Interrupt(ctx context.Context) error {
	return r.finish(context.WithoutCancel(ctx), StatusInterrupted, nil)
}

// finish moves the run from running to status. The status condition is in
// the UPDATE itself, so the check and the change cannot be separated.
func (r *Run) finish(ctx context.Context, status string, errText any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.s.use(ctx, func(db *dbsql.DB) error {
		res, err := db.ExecContext(ctx, `
		UPDATE runs SET status = ?, finished_at = ?, error = ?
		WHERE run_id = ? AND status = ?`,
			status, now(), errText, r.id, StatusRunning)
		if err != nil {
			return oneLine(fmt.Errorf("run %d: mark %s: %w", r.id, status, err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("run %d: mark %s: %w", r.id, status, err)
		}
		if n == 1 {
			return nil
		}
		cur, err := r.status(ctx, db)
		if err != nil {
			return err
		}
		return fmt.Errorf("run %d is %s, not running; cannot mark it %s", r.id, cur, status)
	})
}

// checkRunning returns an error unless the run is running, as seen by tx.
func (r *Run) checkRunning(ctx context.Context, tx *dbsql.Tx) error {
	status, err := r.status(ctx, tx)
	if err != nil {
		return err
	}
	if status != StatusRunning {
		return fmt.Errorf("run %d is %s; rows can only be added to a running run", r.id, status)
	}
	return nil
}

// markAbandoned marks interrupted the runs a dead process left running.
// Only Open calls it, while the Store holds the writer lock, so no live
// process is writing any of them.
func markAbandoned(ctx context.Context, db *dbsql.DB) error {
	_, err := db.ExecContext(ctx,
		`UPDATE runs SET status = ?, error = ? WHERE status = ?`,
		StatusInterrupted, abandonedError, StatusRunning)
	if err != nil {
		return fmt.Errorf("mark abandoned runs: %w", err)
	}
	return nil
}
