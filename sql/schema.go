package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"cxray/stream/measure/survey"
)

// SchemaVersion is the schema version this package writes and reads.
// Open refuses a file with a higher version, written by a newer cxray;
// files with a lower version are migrated by Open.
const SchemaVersion = 4

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
		cxray_version VARCHAR,
		experiment    VARCHAR,
		arch          VARCHAR,
		train_size    BIGINT
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
	trainingTable,
}

// trainingTable is the training table, new in version 4.
const trainingTable = `CREATE TABLE training (
		run_id     BIGINT NOT NULL,
		epoch      INTEGER NOT NULL,
		step       BIGINT NOT NULL,
		train_loss DOUBLE,
		train_acc  DOUBLE,
		test_acc   DOUBLE,
		seconds    DOUBLE,
		PRIMARY KEY (run_id, epoch, step)
	)`

// views are the analysts' views over the tables; see the package
// documentation. They are created with the schema and, on files of
// version 3 and older, by the migration to version 4. Each is created
// with CREATE OR REPLACE, and a view refers only to tables and to the
// views before it.
var views = []string{
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
	       m.n_samples, r.experiment, r.arch, r.train_size
	FROM metrics m
	LEFT JOIN runs r ON r.run_id = m.run_id
	LEFT JOIN layers l ON l.run_id = m.run_id AND l.layer_index = m.layer_index
	WHERE m.measure = 'N1'
	QUALIFY row_number() OVER (PARTITION BY m.run_id, m.epoch, m.step, m.layer_index
	                           ORDER BY m.rowid DESC) = 1`,
	`CREATE OR REPLACE VIEW n1_by_layer AS
	SELECT run_id, run_name, status, epoch, step, layer_index, layer_name,
	       op_type, dim, n1, method, ci_low, ci_high, n_samples,
	       experiment, arch, train_size
	FROM n1_history
	QUALIFY rank() OVER (PARTITION BY run_id
	                     ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST) = 1`,
	`CREATE OR REPLACE VIEW n1_by_epoch AS
	SELECT run_id, run_name, status, epoch, step, layer_index, layer_name,
	       op_type, dim, n1, method, ci_low, ci_high, n_samples,
	       experiment, arch, train_size
	FROM n1_history
	WHERE train_size IS NOT NULL
	   OR run_id IN (SELECT run_id FROM training)
	   OR run_id IN (SELECT run_id FROM metrics WHERE measure = 'N1'
	                 GROUP BY run_id HAVING count(DISTINCT epoch) > 1)
	QUALIFY rank() OVER (PARTITION BY run_id, epoch
	                     ORDER BY step DESC NULLS LAST) = 1`,
	`CREATE OR REPLACE VIEW layer_summary AS
	WITH f AS (
		SELECT run_id, layer_index, measure, layer_name, value, epoch, step,
		       n_samples,
		       row_number() OVER (PARTITION BY run_id, layer_index
		                          ORDER BY epoch DESC NULLS LAST, step DESC NULLS LAST,
		                                   measure) AS latest
		FROM final_metrics
	), g AS (
		SELECT run_id, layer_index, max(layer_name) AS layer_name,
		       max(epoch) FILTER (WHERE latest = 1) AS epoch,
		       max(step) FILTER (WHERE latest = 1) AS step,
		       max(n_samples) AS n_samples,
		       max(value) FILTER (WHERE measure = 'N1') AS n1,
		       map_from_entries(list((measure, value) ORDER BY measure)) AS measures,
		       ` + measurePivot("value", "measure", ",\n\t\t       ") + `
		FROM f
		GROUP BY run_id, layer_index
	)
	SELECT g.run_id, r.name AS run_name, r.status, g.layer_index,
	       coalesce(g.layer_name, l.layer_name) AS layer_name, l.op_type, l.dim,
	       g.step, g.n_samples, g.n1, g.measures, g.epoch,
	       r.experiment, r.arch, r.train_size,
	       ` + measureColumnList("g.", ", ") + `
	FROM g
	LEFT JOIN runs r ON r.run_id = g.run_id
	LEFT JOIN layers l ON l.run_id = g.run_id AND l.layer_index = g.layer_index`,
	`CREATE OR REPLACE VIEW run_compare AS
	WITH f AS (
		SELECT run_id, max(epoch) AS epoch, max(step) AS step, count(*) AS layers,
		       max(n1) FILTER (WHERE layer_index = 0) AS n1_input,
		       arg_max(n1, layer_index) AS n1_last,
		       min(n1) AS n1_min
		FROM n1_by_layer
		GROUP BY run_id
	), t AS (
		SELECT run_id, test_acc
		FROM training
		WHERE test_acc IS NOT NULL
		QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY epoch DESC, step DESC) = 1
	)
	SELECT r.run_id, r.name, r.status, r.model_sha256, r.dataset, r.split,
	       r.n_samples, f.step, f.layers, f.n1_input, f.n1_last, f.n1_min,
	       f.n1_input - f.n1_last AS n1_drop, f.epoch, r.experiment, r.arch,
	       r.train_size, t.test_acc
	FROM runs r
	LEFT JOIN f ON f.run_id = r.run_id
	LEFT JOIN t ON t.run_id = r.run_id`,
	`CREATE OR REPLACE VIEW training_curve AS
	SELECT t.run_id, r.name AS run_name, r.status, r.experiment, r.arch,
	       r.train_size, t.epoch, t.step, t.train_loss, t.train_acc, t.test_acc,
	       t.seconds
	FROM training t
	LEFT JOIN runs r ON r.run_id = t.run_id`,
}

// Measures are the measures cxray writes besides N1, in the registry's
// order (package survey); layer_summary has one column for each, named in
// lower case (f1, f1v, ..., cka_prev, probe). Values of other measures are
// still in its measures map.
var Measures = slices.DeleteFunc(survey.Names(), func(m string) bool { return m == "N1" })

// measurePivot is "max(value) FILTER (WHERE measure = 'F1') AS f1, ..."
// for every one of Measures.
func measurePivot(value, measure, sep string) string {
	cols := make([]string, len(Measures))
	for i, m := range Measures {
		cols[i] = fmt.Sprintf("max(%s) FILTER (WHERE %s = '%s') AS %s", value, measure, m, strings.ToLower(m))
	}
	return strings.Join(cols, sep)
}

// measureColumnList is "g.f1, g.f1v, ...".
func measureColumnList(prefix, sep string) string {
	cols := make([]string, len(Measures))
	for i, m := range Measures {
		cols[i] = prefix + strings.ToLower(m)
	}
	return strings.Join(cols, sep)
}

// viewNames are the names of the views, in the order they are created.
var viewNames = []string{"final_metrics", "n1_history", "n1_by_layer", "n1_by_epoch",
	"layer_summary", "run_compare", "training_curve"}

// migrations[v] brings a file from version v to v+1.
var migrations = map[int][]string{
	// Version 2 adds the interval of estimated (sampled) values.
	1: {
		`ALTER TABLE metrics ADD COLUMN ci_low DOUBLE`,
		`ALTER TABLE metrics ADD COLUMN ci_high DOUBLE`,
	},
	// Version 3 added the views. Their current definitions need the
	// columns of version 4, so the migration to version 4 creates them;
	// the migrations run in one transaction, so no file is left at
	// version 3 without views.
	2: nil,
	// Version 4 adds training runs: the runs columns experiment, arch and
	// train_size, the training table, and the views n1_by_epoch and
	// training_curve; it also redefines the other views.
	3: append([]string{
		`ALTER TABLE runs ADD COLUMN experiment VARCHAR`,
		`ALTER TABLE runs ADD COLUMN arch VARCHAR`,
		`ALTER TABLE runs ADD COLUMN train_size BIGINT`,
		trainingTable,
	}, views...),
}

// ownTables are the tables of the schema. Finding some of them without a
// schema_version table means the file belongs to something else, and
// creating the rest next to them would mix two schemas.
var ownTables = []string{"runs", "layers", "metrics", "training"}

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
		if err := checkVersion(v); err != nil {
			return err
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
	for _, stmt := range append(schema[:len(schema):len(schema)], views...) {
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
