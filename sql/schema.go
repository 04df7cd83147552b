package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"time"
)

// SchemaVersion is the schema version this package writes and reads.
// Open refuses a file with a higher version, written by a newer cxray;
// files with a lower version will be migrated by Open once there are any.
const SchemaVersion = 2

// schema creates the current version of the schema; see the package
// documentation.
var schema = []string{
	`CREATE SEQUENCE runs_run_id_seq START 1`,
	`CREATE TABLE schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TIMESTAMP NOT NULL
	)`,
	`CREATE TABLE runs (
		run_id        BIGINT PRIMARY KEY DEFAULT nextval('runs_run_id_seq'),
		name          VARCHAR,
		status        VARCHAR NOT NULL
		              CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
		started_at    TIMESTAMP NOT NULL,
		finished_at   TIMESTAMP,
		model_path    VARCHAR,
		model_sha256  VARCHAR,
		dataset       VARCHAR,
		split         VARCHAR,
		n_samples     BIGINT,
		config        JSON,
		error         VARCHAR,
		cxray_version VARCHAR
	)`,
	`CREATE TABLE layers (
		run_id      BIGINT NOT NULL,
		layer_index INTEGER NOT NULL,
		layer_name  VARCHAR,
		node_name   VARCHAR,
		op_type     VARCHAR,
		shape       VARCHAR,
		dim         BIGINT,
		PRIMARY KEY (run_id, layer_index)
	)`,
	`CREATE TABLE metrics (
		run_id      BIGINT NOT NULL,
		epoch       INTEGER,
		step        BIGINT,
		layer_index INTEGER,
		layer_name  VARCHAR,
		measure     VARCHAR NOT NULL,
		value       DOUBLE,
		n_samples   BIGINT,
		method      VARCHAR,
		params      JSON,
		ci_low      DOUBLE,
		ci_high     DOUBLE
	)`,
}

// migrations[v] brings a file from version v to v+1.
var migrations = map[int][]string{
	// Version 2 adds the interval of estimated (sampled) values.
	1: {
		`ALTER TABLE metrics ADD COLUMN ci_low DOUBLE`,
		`ALTER TABLE metrics ADD COLUMN ci_high DOUBLE`,
	},
}

// ownTables are the tables of the schema. Finding some of them without a
// schema_version table means the file belongs to something else, and
// creating the rest next to them would mix two schemas.
var ownTables = []string{"runs", "layers", "metrics"}

// ensureSchema creates the schema in a new file, or checks the version of
// an existing one, in one transaction so a crash never leaves half a
// schema behind.
func ensureSchema(ctx context.Context, db *dbsql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	exists, err := tableExists(ctx, tx, "schema_version")
	if err != nil {
		return err
	}
	if exists {
		var v int
		err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		switch {
		case v > SchemaVersion:
			return fmt.Errorf("schema version %d is newer than this cxray supports (%d); use a newer cxray", v, SchemaVersion)
		case v < 1:
			return fmt.Errorf("schema_version table is empty; the file was not written by cxray")
		}
		for ; v < SchemaVersion; v++ {
			for _, stmt := range migrations[v] {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migrate schema from version %d: %w", v, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, ?)`, v+1, now()); err != nil {
				return fmt.Errorf("migrate schema from version %d: %w", v, err)
			}
		}
		return tx.Commit()
	}

	for _, name := range ownTables {
		found, err := tableExists(ctx, tx, name)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("the file has a %s table but no schema_version table; it was not written by cxray", name)
		}
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, ?)`, SchemaVersion, now())
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return tx.Commit()
}

func tableExists(ctx context.Context, tx *dbsql.Tx, name string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("inspect schema: %w", err)
	}
	return n > 0, nil
}

// now is the time stamp written to the database: UTC, truncated to the
// microseconds a DuckDB TIMESTAMP holds, so what is read back is equal to
// what was written.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
