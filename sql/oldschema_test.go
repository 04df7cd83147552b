package sql

import (
	"context"
	dbsql "database/sql"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// schemaV3 is the schema of version 3, as schema.go had it before version
// 4: the tables and, last, the views. Older versions are derived from it
// by oldFile.
var schemaV3 = []string{
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

// viewsV3 are the views of version 3.
var viewsV3 = []string{
	`CREATE OR REPLACE VIEW final_metrics AS
	SELECT run_id, epoch, step, layer_index, layer_name, measure, value,
	       n_samples, method, params, ci_low, ci_high
	FROM metrics
	QUALIFY rank() OVER (PARTITION BY run_id, measure
	                     ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST) = 1
	    AND row_number() OVER (PARTITION BY run_id, measure, layer_index
	                           ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST, rowid DESC) = 1`,
	`CREATE OR REPLACE VIEW n1_history AS
	SELECT m.run_id, r.name AS run_name, r.status, m.epoch, m.step,
	       m.layer_index, coalesce(m.layer_name, l.layer_name) AS layer_name,
	       l.op_type, l.dim, m.value AS n1, m.method, m.ci_low, m.ci_high,
	       m.n_samples
	FROM metrics m
	LEFT JOIN runs r ON r.run_id = m.run_id
	LEFT JOIN layers l ON l.run_id = m.run_id AND l.layer_index = m.layer_index
	WHERE m.measure = 'N1'
	QUALIFY row_number() OVER (PARTITION BY m.run_id, m.epoch, m.step, m.layer_index
	                           ORDER BY m.rowid DESC) = 1`,
	`CREATE OR REPLACE VIEW n1_by_layer AS
	SELECT run_id, run_name, status, epoch, step, layer_index, layer_name,
	       op_type, dim, n1, method, ci_low, ci_high, n_samples
	FROM n1_history
	QUALIFY rank() OVER (PARTITION BY run_id
	                     ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST) = 1`,
	`CREATE OR REPLACE VIEW layer_summary AS
	WITH f AS (
		SELECT run_id, layer_index, measure, max(layer_name) AS layer_name,
		       max(value) AS value, max(step) AS step, max(n_samples) AS n_samples
		FROM final_metrics
		GROUP BY run_id, layer_index, measure
	), g AS (
		SELECT run_id, layer_index, max(layer_name) AS layer_name,
		       max(step) AS step, max(n_samples) AS n_samples,
		       max(value) FILTER (WHERE measure = 'N1') AS n1,
		       map_from_entries(list((measure, value) ORDER BY measure)) AS measures
		FROM f
		GROUP BY run_id, layer_index
	)
	SELECT g.run_id, r.name AS run_name, r.status, g.layer_index,
	       coalesce(g.layer_name, l.layer_name) AS layer_name, l.op_type, l.dim,
	       g.step, g.n_samples, g.n1, g.measures
	FROM g
	LEFT JOIN runs r ON r.run_id = g.run_id
	LEFT JOIN layers l ON l.run_id = g.run_id AND l.layer_index = g.layer_index`,
	`CREATE OR REPLACE VIEW run_compare AS
	WITH f AS (
		SELECT run_id, max(step) AS step, count(*) AS layers,
		       max(n1) FILTER (WHERE layer_index = 0) AS n1_input,
		       arg_max(n1, layer_index) AS n1_last,
		       min(n1) AS n1_min
		FROM n1_by_layer
		GROUP BY run_id
	)
	SELECT r.run_id, r.name, r.status, r.model_sha256, r.dataset, r.split,
	       r.n_samples, f.step, f.layers, f.n1_input, f.n1_last, f.n1_min,
	       f.n1_input - f.n1_last AS n1_drop
	FROM runs r
	LEFT JOIN f ON f.run_id = r.run_id`,
}

// oldFile creates at path a database file of schema version v (1, 2 or
// 3), as the cxray of that version would have, without this package's
// Open, and runs the statements fill in it before closing it.
func oldFile(t *testing.T, path string, v int, fill ...string) {
	t.Helper()
	stmts := append([]string(nil), schemaV3...)
	switch v {
	case 1:
		stmts = append(stmts,
			`ALTER TABLE metrics DROP COLUMN ci_low`,
			`ALTER TABLE metrics DROP COLUMN ci_high`)
	case 2:
	case 3:
		stmts = append(stmts, viewsV3...)
	default:
		t.Fatalf("oldFile: no schema version %d", v)
	}
	stmts = append(stmts, `INSERT INTO schema_version VALUES (`+string(rune('0'+v))+`, now()::TIMESTAMP)`)
	stmts = append(stmts, fill...)

	conn, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := dbsql.OpenDB(conn)
	defer db.Close()
	ctx := context.Background()
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}
