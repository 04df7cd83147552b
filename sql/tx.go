package sql

import (
	"context"
	dbsql "database/sql"
)

// inTx runs fn in a transaction on one dedicated connection and commits
// if fn succeeds. The connection is passed too, because the Appender must
// be created on the connection that holds the transaction to write
// through it.
func (s *Store) inTx(ctx context.Context, fn func(conn *dbsql.Conn, tx *dbsql.Tx) error) error {
	conn, err := s.db.Conn(ctx)
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
