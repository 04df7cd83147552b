// Package sql stores cxray runs in a DuckDB database file and queries it.
//
// A Store is one open database file. Many runs share a file: BeginRun
// inserts a runs row and returns a Run, whose AddLayers, AddMetrics,
// AddTraining and AddSamples write rows tagged with the run's id, so every run's rows stay its own
// and analysts compare runs with plain SQL. Query runs any SQL against
// the file and writes the result as an aligned table, CSV or JSON.
//
// # Schema (version 5)
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
//	    cxray_version VARCHAR,
//	    experiment    VARCHAR,          -- study experiment: layers, training, design, samples; NULL for analyze
//	    arch          VARCHAR,          -- architecture cxray built, e.g. lenet5, mlp:256,128; NULL if imported
//	    train_size    BIGINT            -- training samples of a run that trains; NULL otherwise
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
//	CREATE TABLE training (
//	    run_id     BIGINT NOT NULL,
//	    epoch      INTEGER NOT NULL,    -- 0: at initialization, before any step
//	    step       BIGINT NOT NULL,     -- optimizer steps since training started
//	    train_loss DOUBLE,
//	    train_acc  DOUBLE,              -- fraction correct
//	    test_acc   DOUBLE,              -- fraction correct
//	    seconds    DOUBLE,              -- elapsed since the run's training started
//	    PRIMARY KEY (run_id, epoch, step)
//	);
//
//	CREATE TABLE samples (              -- per-sample values (analyze --samples)
//	    run_id      BIGINT NOT NULL,
//	    epoch       INTEGER NOT NULL,   -- as in metrics: the checkpoint of a series
//	    layer_index INTEGER NOT NULL,
//	    sample      BIGINT NOT NULL,    -- position in the run's stream, from 0
//	    sample_key  VARCHAR,            -- the source's name: MNIST index, image path, --id value
//	    label       VARCHAR,            -- the class it was measured with (after --label-noise)
//	    on_boundary BOOLEAN NOT NULL,   -- an end of a cross-class edge of the tree: its part in N1
//	    n2_ratio    DOUBLE,             -- nearest same-class / nearest other-class distance: its part in N2
//	    nn_other    BOOLEAN NOT NULL,   -- its nearest neighbour has another class: its part in N3
//	    method      VARCHAR NOT NULL,   -- exact, or sampled: the tree of the kept samples alone
//	    flipped     BOOLEAN             -- --label-noise changed its label; NULL without it
//	);
//
//	CREATE TABLE class_pairs (          -- cross edges of the tree per pair of classes
//	    run_id      BIGINT NOT NULL,
//	    epoch       INTEGER NOT NULL,
//	    layer_index INTEGER NOT NULL,
//	    class_a     VARCHAR NOT NULL,   -- class_a before class_b in the classes' order
//	    class_b     VARCHAR NOT NULL,
//	    n_a         BIGINT NOT NULL,    -- samples of each class in the layer's tree
//	    n_b         BIGINT NOT NULL,
//	    cross_edges BIGINT NOT NULL     -- tree edges joining the two; pairs with none have no row
//	);
//
// Version 2 added ci_low and ci_high, version 3 the views below, version
// 4 the runs columns experiment, arch and train_size, the training table
// and the views n1_by_epoch and training_curve (and the columns the other
// views gained then), version 5 the tables samples and class_pairs and
// their views class_entanglement, hardest_samples and separation_depth.
// Open migrates older files, in one transaction.
//
// # Per-sample rows
//
// N1 is the mean of a per-sample fact, so cxray analyze --samples stores
// it with its neighbours' facts: for every layer measured exactly (or by a
// reservoir), at the end of the run, one samples row per sample and one
// class_pairs row per pair of classes joined by an edge of the layer's
// tree. The tree is the one the layer's N1 row was read from, so for an
// exact layer the mean of on_boundary over its rows is that N1, exactly.
// The neighbours are exact nearest neighbours on the same distances (the
// lowest index within the tie tolerance), so the mean of nn_other is N3
// and the mean of 1 - 1/(1 + n2_ratio) is N2 as package neighbour computes
// them (up to rounding under a normalisation, which package neighbour
// applies to a copy of the points and the tree as feature weights). n2_ratio is Infinity for a sample alone in its class and NULL when
// both distances are 0. A sampled layer has rows for the samples its
// reservoir kept, with method sampled: their tree is that of those samples
// alone, whose N1 is not the layer's extrapolated N1 row. Projected
// layers have no rows. AddSamples appends the rows of one or more layers
// in bulk (the Appender), in one transaction.
//
// A run that trains its network (cxray train, cxray study) writes its
// metrics rows with epoch set, 0 being the network at initialization, and
// a training row per reading of its loss and accuracies (AddTraining;
// a NaN in TrainingRow, a value not measured, is stored as NULL). Analyze
// runs write epoch 0 and leave train_size NULL.
//
// shape is stored as a JSON list rather than a string like "6×28×28"
// because SQL can take it apart: CAST(shape AS INTEGER[]) gives a list and
// json_extract(shape, '$[0]') the channel count. The batch dimension is
// not part of it. Empty Go strings are stored as NULL in the optional text
// columns, and a nil Config, Params or Shape as NULL.
//
// There are no foreign keys: this package alone writes run_id, a foreign
// key would cost an index probe per appended metric, and without them an
// analyst can delete a run's rows from the four tables in any order.
//
// # Views
//
// Ten views, part of the schema since version 3 (n1_by_epoch and
// training_curve since version 4, class_entanglement, hardest_samples and
// separation_depth since version 5), spare analysts the
// joins and window functions that the common questions need. They are
// plain DuckDB views stored in the file, so any DuckDB that opens or
// attaches the file has them (the DuckDB CLI, Python's duckdb package,
// cxray sql); the tests check them through ATTACH under another name.
// Their definitions are in schema.go; duckdb_views() holds the stored SQL.
//
// A run's final step, for a measure, is its largest (epoch, step) at
// which that measure was written, epochs compared first: the end of a
// complete run, the last checkpoint of an interrupted one, the last step
// of the last epoch of a trained one. When a value was written more than
// once for one run, measure, step and layer (cxray analyze --every writes
// the last checkpoint and the end of the run at the same step), the views
// show the row written last; metrics keeps them all, e.g. the same
// measure under two conventions.
//
//   - final_metrics: the metrics rows, same columns, of each run and
//     measure at its final step, one per layer. The long form that
//     layer_summary pivots; PIVOT final_metrics ON measure USING
//     first(value) GROUP BY run_id, layer_index gives a wide table with a
//     column for every measure present.
//   - n1_history: measure N1 at every step: run_id, run_name, status,
//     epoch, step, layer_index, layer_name, op_type, dim, n1 (the value),
//     method, ci_low, ci_high, n_samples (samples the value was computed
//     on), experiment, arch, train_size. One row per run, step and layer;
//     op_type and dim come from layers, the last three from runs.
//   - n1_by_layer: the rows of n1_history at each run's final step (the
//     last step of its last epoch), same columns.
//   - n1_by_epoch: the rows of n1_history at the final step of every
//     epoch, same columns, for trained runs: runs with a train_size, with
//     training rows, or with N1 at more than one epoch. N1 against the
//     epoch for each layer, e.g. WHERE run_id = 3 ORDER BY layer_index,
//     epoch.
//   - layer_summary: one row per run and layer at the final step: run_id,
//     run_name, status, layer_index, layer_name, op_type, dim, step,
//     n_samples, n1, measures, epoch, experiment, arch, train_size, then
//     one column per measure of Measures, in lower case: f1, f1v, f2, f3,
//     f4, n2, n3, n4, t1, lsc, l1, l2, l3, t2, t3, t4, c1, c2, density,
//     clscoef, hubs, gdv, twonn, nc1, cka_prev, cka_input, probe (NULL
//     where the measure was not computed). epoch and step are the final
//     step of the layer's latest measure. measures is a MAP(VARCHAR,
//     DOUBLE) from every measure written for the layer to its final value,
//     so that a measure cxray adds later appears without a change to the
//     view. DuckDB cannot store a PIVOT whose columns come from the data
//     as a view, so the columns are those of the measures known when the
//     view was written, each max(value) FILTER (WHERE measure = ...).
//   - run_compare: one row per run, also for runs without metrics: run_id,
//     name, status, model_sha256, dataset, split, n_samples (from runs),
//     step (final), layers (with a final N1), n1_input (N1 of layer 0, the
//     input; NULL when it was not measured), n1_last (N1 of the deepest
//     layer measured), n1_min, and n1_drop = n1_input - n1_last, positive
//     when the network separates the classes better than its input does,
//     then epoch (final), experiment, arch, train_size, and test_acc, the
//     last test accuracy of the run's training rows (NULL without any).
//   - training_curve: the training rows with the run's name: run_id,
//     run_name, status, experiment, arch, train_size, epoch, step,
//     train_loss, train_acc, test_acc, seconds.
//   - class_entanglement: the class_pairs rows with run_name and
//     layer_name, and two normalisations: entanglement = cross_edges /
//     (n_a + n_b), the cross edges per sample of the two classes (0 when
//     the tree separates them, near 1 when they alternate along it), and
//     share = cross_edges over all cross edges of the layer (summing to 1
//     over its pairs).
//   - hardest_samples: per run and epoch, the samples on the boundary at
//     the last layer that has samples rows, ranked (rank, 1 first) by the
//     number of layers on whose boundary they are (boundary_layers), then
//     by n2_ratio at the last layer, descending: run_id, run_name, epoch,
//     rank, sample, sample_key, label, boundary_layers, layers (layers
//     with a row for the sample), layer_index and layer_name (the last
//     layer), n2_ratio and nn_other there, flipped.
//   - separation_depth: per run, epoch and sample, the first layer from
//     which the sample is never again on the boundary: separation_layer is
//     the layer after the last one on whose boundary it is (the first
//     layer when it never is; NULL when it is still on the boundary at the
//     last layer), with its layer_name, and run_id, run_name, epoch,
//     sample, sample_key, label, boundary_layers, layers, flipped. Layers
//     are those with samples rows, in layer_index order.
//
// Columns added in version 4 come after the columns of version 3, so
// queries that name columns by position keep working.
//
// The views do not sort; add ORDER BY run_id, layer_index.
//
// ExportFile (cxray export) writes the tables runs, layers, metrics,
// training, samples and class_pairs and the ten views to one Parquet or CSV file each. Package
// cxray/sql/report writes an HTML report with charts of a file. Both open
// the file read-only and write their files into a staging directory inside
// the output directory, moving them into place with rename(2), so they
// never write through a symbolic link or outside it (package
// cxray/internal/outdir).
//
// # Run life cycle
//
// A run starts as running and ends, exactly once, as complete (Complete),
// failed (Fail) or interrupted (Interrupt). Ending a run that is no longer
// running is an error, and so is adding rows to it, so the rows of a
// finished run never change.
//
// A process that dies leaves its run running. Open marks the runs it finds
// running interrupted, with finished_at NULL and an error saying the run
// was abandoned: holding the writer lock (see Writers and readers), it
// knows that no live process writes any of them. A reader changes
// nothing, so until the next writer opens the file a killed run reads as
// running; it never reads as complete.
//
// # Atomicity
//
// AddLayers, AddMetrics, AddTraining and AddSamples write all rows of one call in one
// transaction.
// AddMetrics feeds the rows to a DuckDB (query) Appender created on the
// connection that holds the transaction. The appender's flushes, which
// DuckDB also does on its own every 204800 rows, run in that transaction:
// the rows become visible at COMMIT and vanish on ROLLBACK or when the
// process dies before COMMIT. Either all rows of a call are in the file or
// none are; the tests check this by failing a call after 245760 rows and
// by killing a writer with SIGKILL in the middle of a 400000-row call and
// at random moments of a writer that makes many small calls.
//
// # Writers and readers
//
// DuckDB lets one process open a file for writing, or several for reading,
// never both at once. A run lasts hours and is written in short calls (a
// checkpoint of cxray analyze --every, an epoch of cxray train), so a
// writer holds DuckDB's lock only during each call, and readers (cxray
// sql, report, export; DuckDB's CLI with -readonly; Python) open the file
// in between. Liveness, which DuckDB's lock gave when a writer held it for
// the whole run, comes from a lock of cxray's own:
//
//   - The writer lock. Open takes an exclusive flock(2) on FILE.lock, next
//     to the database file, and holds it until Close; the lock file says
//     who holds it (PID, since when, command line). The kernel drops the
//     lock when the process ends, however it ends, so "someone holds the
//     lock" means "a live writer has the file". Close removes the lock
//     file; one left by a killed writer is not locked, and the next writer
//     takes it over.
//   - A second writer (another analyze, train or study, or cxray sql
//     --write) fails at Open, at once, with one line naming the holder's
//     PID, start and command. It neither waits, which could be for hours
//     without a word, nor interleaves its calls with the first writer's,
//     which would need a lock per run for liveness and would mix two
//     runs' checkpoints into one file's history in whatever order the two
//     got the file. Use another file, or wait for the first run to end.
//   - A call. A writer opens the DuckDB file for each call that reads or
//     writes it (Open's schema check, BeginRun, AddLayers, AddMetrics,
//     AddTraining, Complete, Fail, Interrupt, Status, Version, Query),
//     runs it in one transaction, commits, and closes the file, which
//     checkpoints DuckDB's write-ahead log into it. This costs about 30 ms
//     a call. The file must still be the one Open opened: if it was
//     removed or replaced in between, the call fails instead of creating
//     a new, empty file.
//   - A reader in the way. When readers hold the file at the start of a
//     writer's call, the writer tries again with a growing pause (5 ms to
//     0.5 s) and tells OnWait once: "waiting for readers of FILE to close
//     it" (DuckDB names one of possibly several readers, so none is
//     named). It waits as long as the call's context allows: a call cut
//     short while it waits has written nothing and returns the reason;
//     Fail and Interrupt ignore cancellation and wait until the readers
//     leave. No call is ever half-written: the transaction starts only
//     once the writer has the file.
//   - A writer in the way. OpenReadOnly, and Open's first opening, wait up
//     to 10 s while another process holds the file for writing (a cxray
//     writer's call lasts milliseconds), then fail with one line naming
//     it.
//   - SIGKILL at any moment loses no committed row and leaves no run that
//     reads as complete: killed during a call, the transaction is rolled
//     back when the file is next opened (readers too replay DuckDB's
//     log); killed while the file is being closed, DuckDB's checkpoint is
//     atomic and the log is kept until it is done; killed between calls,
//     nothing is in flight.
//   - Within one process, a Store refuses a file that another Store of the
//     process holds, reader or writer: duckdb-go would share one DuckDB
//     instance between them. Paths are compared, and used, with symbolic
//     links resolved, so that DuckDB's log FILE.wal and the writer lock
//     are the same for every spelling of the file.
//
// Not covered: a cxray older than this design neither takes nor honours
// the writer lock, so one opening the file for writing while a new
// writer is between calls would mark the live run interrupted. Other
// programs that open the file for writing are not kept out between calls
// either; a writer waits for them as for readers. Where flock(2) does not
// exist (Windows), a writer holds DuckDB's lock from Open to Close, as
// before, and readers cannot open the file during a run. DB hands out
// the open handle, so a writer Store on which it was called keeps the
// file open until Close.
//
// # Guards
//
// Every file cxray opens has DuckDB's extension auto-install and auto-load
// off: a query, or a file that is not DuckDB's (an SQLite file), would
// otherwise make DuckDB fetch an extension over the network. Before DuckDB
// sees a path, Open and OpenReadOnly refuse, in one line naming it, a
// directory, a named pipe (on which DuckDB would hang), a device, a
// socket, a dangling symbolic link, a file without DuckDB's magic bytes
// "DUCK" at offset 8, a FILE.wal that is not a regular file, and a path
// holding '?', '#' or '%', which duckdb-go would read as URL syntax ('#'
// would silently drop the read-only option).
//
// OpenReadOnly opens a file for reading only, as cxray sql, report and
// export do: DuckDB's access_mode=read_only refuses every change (a
// read-only file opens), enable_external_access=false keeps SQL from any
// other file (COPY ... TO, ATTACH, read_csv, read_text) and from loading
// extensions, and lock_configuration=true from turning either back on. It
// neither migrates an older file nor marks abandoned runs, so the file is
// left exactly as it was. Query reports a refused change as ErrReadOnly
// and a refused reach beyond the file as ErrRestricted. A Store from Open
// (cxray analyze, train, study, sql --write) runs any SQL, files included.
// After opening, the Store reads the settings back and refuses a file on
// which DuckDB did not take them.
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
