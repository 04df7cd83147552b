// Package sql stores cxray runs in a DuckDB database file and queries it.
//
// A Store is one open database file. Many runs share a file: BeginRun
// inserts a runs row and returns a Run, whose AddLayers and AddMetrics
// write rows tagged with the run's id, so every run's rows stay its own
// and analysts compare runs with plain SQL. Query runs any SQL against
// the file and writes the result as an aligned table, CSV or JSON.
//
// # Schema (version 2)
//
// Open creates the schema when the file is new and checks its version
// otherwise. All timestamps are UTC, taken from the Go clock.
//
//	CREATE SEQUENCE runs_run_id_seq START 1;
//
//	CREATE TABLE schema_version (
//	    version    INTEGER PRIMARY KEY, -- one row per applied schema version
//	    applied_at TIMESTAMP NOT NULL
//	);
//
//	CREATE TABLE runs (
//	    run_id        BIGINT PRIMARY KEY DEFAULT nextval('runs_run_id_seq'),
//	    name          VARCHAR,
//	    status        VARCHAR NOT NULL
//	                  CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
//	    started_at    TIMESTAMP NOT NULL,
//	    finished_at   TIMESTAMP,        -- NULL while running or when abandoned
//	    model_path    VARCHAR,
//	    model_sha256  VARCHAR,          -- hex
//	    dataset       VARCHAR,
//	    split         VARCHAR,
//	    n_samples     BIGINT,
//	    config        JSON,             -- RunInfo.Config marshalled by encoding/json
//	    error         VARCHAR,          -- why a run failed or was abandoned
//	    cxray_version VARCHAR
//	);
//
//	CREATE TABLE layers (
//	    run_id      BIGINT NOT NULL,
//	    layer_index INTEGER NOT NULL,   -- position among the run's tapped layers
//	    layer_name  VARCHAR,
//	    node_name   VARCHAR,            -- ONNX node that produced the tensor
//	    op_type     VARCHAR,            -- ONNX operator, e.g. Conv
//	    shape       VARCHAR,            -- per-sample shape as a JSON list, e.g. [6,28,28]
//	    dim         BIGINT,             -- features per sample, the product of shape
//	    PRIMARY KEY (run_id, layer_index)
//	);
//
//	CREATE TABLE metrics (
//	    run_id      BIGINT NOT NULL,
//	    epoch       INTEGER,
//	    step        BIGINT,
//	    layer_index INTEGER,            -- joins layers on (run_id, layer_index)
//	    layer_name  VARCHAR,            -- copied from layers to spare analysts a join
//	    measure     VARCHAR NOT NULL,   -- e.g. N1
//	    value       DOUBLE,
//	    n_samples   BIGINT,             -- samples the value was computed on
//	    method      VARCHAR,            -- exact, sampled, projected, sampled+projected
//	    params      JSON,               -- conventions: distance, normalization, ties, M, K, seed ...
//	    ci_low      DOUBLE,             -- interval of an estimated value; NULL when exact
//	    ci_high     DOUBLE
//	);
//
// Version 2 added ci_low and ci_high; Open migrates version-1 files.
//
// shape is stored as a JSON list rather than a string like "6×28×28"
// because SQL can take it apart: CAST(shape AS INTEGER[]) gives a list and
// json_extract(shape, '$[0]') the channel count. The batch dimension is
// not part of it. Empty Go strings are stored as NULL in the optional text
// columns, and a nil Config, Params or Shape as NULL.
//
// There are no foreign keys: this package alone writes run_id, a foreign
// key would cost an index probe per appended metric, and without them an
// analyst can delete a run's rows from the three tables in any order.
//
// # Run life cycle
//
// A run starts as running and ends, exactly once, as complete (Complete),
// failed (Fail) or interrupted (Interrupt). Ending a run that is no longer
// running is an error, and so is adding rows to it, so the rows of a
// finished run never change.
//
// A process that dies leaves its run running. DuckDB lets only one process
// at a time open a file for writing, and a Store refuses to open a file
// that another Store of the same process holds, so a run that is still
// running when Open succeeds cannot have a live writer: Open marks such
// runs interrupted, with finished_at NULL and an error saying the run was
// abandoned.
//
// # Atomicity
//
// AddLayers and AddMetrics write all rows of one call in one transaction.
// AddMetrics feeds the rows to a DuckDB (query) Appender created on the
// connection that holds the transaction. The appender's flushes, which
// DuckDB also does on its own every 204800 rows, run in that transaction:
// the rows become visible at COMMIT and vanish on ROLLBACK or when the
// process dies before COMMIT. Either all rows of a call are in the file or
// none are; the tests check this by failing a call after 245760 rows and
// by killing a writer with SIGKILL in the middle of a 400000-row call.
//
// # Locking
//
// DuckDB holds an exclusive lock on an open file. Opening a file that
// another process holds, or that another Store of this process holds, is
// refused with an error that says so; close the other holder first.
//
// # Query output
//
// Query runs any statement, or several separated by semicolons, and
// writes the result of the last. For statements that return no result set
// (CREATE, DROP, SET, ...) it writes nothing in table and CSV format and
// an empty array in JSON; INSERT, UPDATE, DELETE and COPY return DuckDB's
// Count column (or their RETURNING rows) and are written like a SELECT.
// Errors, DuckDB's included, are one line. The formats:
//
//   - FormatTable: a header line, a line of dashes and one line per row,
//     columns separated by two spaces. Numbers are right-aligned, other
//     values left-aligned; NULL is shown as NULL. Floating-point values keep
//     six significant digits, but never fewer than their integer digits,
//     with trailing zeros dropped (0.123457, 12.5, 1234567); magnitudes below
//     1e-4 or from 1e15 on use exponent notation (1.5e-07). Newlines and tabs
//     inside values are shown as \n and \t. The whole result is held in
//     memory to align it; use CSV for very large results.
//   - FormatCSV: RFC 4180 with a header line; NULL is an empty field and
//     floating-point values are written in full precision.
//   - FormatJSON: an array with one object per row, keys in column order,
//     one row per line. Numbers are JSON numbers (NaN and infinities
//     become null), LIST, STRUCT, MAP and JSON columns are nested JSON
//     values, and duplicate column names get a suffix (_1, _2, ...).
//
// In every format, times are written as in DuckDB (2006-01-02 15:04:05.5,
// TIMESTAMPTZ in UTC with +00), BLOBs as text with non-printable bytes
// escaped as \xHH, UUIDs in their canonical form, and LIST, STRUCT, MAP and
// JSON values in table and CSV format as JSON text. MAP entries keep their
// order, but STRUCT fields and the keys of JSON objects come out sorted by
// name, because the driver returns them as Go maps, and numbers inside
// JSON values pass through float64.
package sql
