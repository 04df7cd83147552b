package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Edge is one edge of a minimum spanning tree of a layer's points, as the
// pairs tasks of a sharded run (package stream/shard) hand it to the merge:
// the points' ids in the whole dataset and their exact squared distance.
type Edge struct {
	U, V int64
	D2   float64
}

// WriteEdges writes the edges of one layer to a new Parquet file at path,
// with columns layer INTEGER, u BIGINT, v BIGINT and d2 DOUBLE, through an
// in-memory DuckDB that reads and writes no other file.
func WriteEdges(ctx context.Context, path string, layer int, edges []Edge) error {
	db, err := memoryDB()
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE edges (layer INTEGER, u BIGINT, v BIGINT, d2 DOUBLE)`); err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppenderFromConn(c, "", "edges")
		if err != nil {
			return err
		}
		for _, e := range edges {
			if err := a.AppendRow(int32(layer), e.U, e.V, e.D2); err != nil {
				return errors.Join(err, a.Close())
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("edges of layer %d: %w", layer, err)
	}
	if _, err := conn.ExecContext(ctx, `COPY edges TO `+quoteString(path)+` (FORMAT parquet)`); err != nil {
		return oneLine(fmt.Errorf("write %s: %w", path, err))
	}
	return nil
}

// ReadEdges reads back the edges of layer from a file WriteEdges wrote.
func ReadEdges(ctx context.Context, path string, layer int) ([]Edge, error) {
	db, err := memoryDB()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT layer, u, v, d2 FROM read_parquet(`+quoteString(path)+`)`)
	if err != nil {
		return nil, oneLine(fmt.Errorf("read %s: %w", path, err))
	}
	defer rows.Close()
	var out []Edge
	for rows.Next() {
		var l int32
		var e Edge
		if err := rows.Scan(&l, &e.U, &e.V, &e.D2); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if int(l) != layer {
			return nil, fmt.Errorf("%s holds edges of layer %d, not %d", path, l, layer)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// memoryDB is an in-memory DuckDB that never installs or loads an
// extension on its own.
func memoryDB() (*dbsql.DB, error) {
	conn, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false", nil)
	if err != nil {
		return nil, oneLine(fmt.Errorf("in-memory DuckDB: %w", err))
	}
	return dbsql.OpenDB(conn), nil
}
