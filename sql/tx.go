package sql

import (
	"context"
	dbsql "database/sql"
)

// inTx runs fn in a transaction on one dedicated connection of db and
// commits if fn succeeds. The connection is passed too, because the
// Appender must be created on the connection that holds the transaction
// to write through it.
func inTx(ctx context.Context, db *dbsql.DB, fn func(conn *dbsql.Conn, tx *dbsql.Tx) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn, tx); err != nil {
		// The rollback error adds nothing: the transaction is abandoned
		// either way, and DuckDB discards it when the connection closes.
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// write runs fn in one transaction in which the run is running, on the
// open file: either everything fn writes is committed or nothing is.
// Rows cannot slip in after the run has ended: write holds r.mu shared,
// the status changes hold it exclusively.
func (r *Run) write(ctx context.Context, fn func(conn *dbsql.Conn, tx *dbsql.Tx) error) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.s.use(ctx, func(db *dbsql.DB) error {
		return inTx(ctx, db, func(conn *dbsql.Conn, tx *dbsql.Tx) error {
			if err := r.checkRunning(ctx, tx); err != nil {
				return err
			}
			return fn(conn, tx)
		})
	})
}
