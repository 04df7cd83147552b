package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cxray/internal/outdir"
)

// ExportFormat is the file format of ExportFile.
type ExportFormat int

const (
	// ExportParquet writes Parquet files, NAME.parquet. Column types are
	// kept; JSON columns are Parquet strings with the JSON logical type.
	ExportParquet ExportFormat = iota
	// ExportCSV writes CSV files with a header line, NAME.csv. NULL is an
	// empty field; MAP values are written as DuckDB's text form.
	ExportCSV
)

// ParseExportFormat returns the ExportFormat named s: parquet or csv.
func ParseExportFormat(s string) (ExportFormat, error) {
	switch strings.ToLower(s) {
	case "parquet":
		return ExportParquet, nil
	case "csv":
		return ExportCSV, nil
	}
	return 0, fmt.Errorf("unknown export format %q; want parquet or csv", s)
}

// Ext returns the file name extension of f, without the dot.
func (f ExportFormat) Ext() string {
	if f == ExportCSV {
		return "csv"
	}
	return "parquet"
}

// Exported names the relations that ExportFile writes, in order: the
// tables runs, layers, metrics and training, then the views. It returns a
// new slice.
func Exported() []string {
	return append(append([]string(nil), ownTables...), viewNames...)
}

// ExportedFile is one file written by Export.
type ExportedFile struct {
	Name string // table or view
	Path string // file written
	Rows int64  // rows written
}

// ExportFile writes every table and view of the schema (see Exported) of
// the cxray database file at dbPath to dir, one file each named after it,
// NAME.parquet or NAME.csv, with DuckDB's COPY ... TO. It creates dir if
// needed and replaces files of the same names. The files are read by any
// Parquet or CSV reader, e.g. DuckDB's read_parquet, without cxray.
//
// It never writes through a symbolic link or outside dir: DuckDB writes
// into a staging directory inside dir, the only directory it may reach
// besides the database file, and the files are then moved into place
// (package cxray/internal/outdir). A dir that is a symbolic link, or a
// link or directory in dir under one of the names, is refused. A failure
// before the files are moved leaves dir's files as they were.
//
// The file is opened read-only, so ExportFile works on a file a run is
// writing (between its checkpoints) and on a file the user may only
// read. A file of an older schema version is opened for writing instead
// and migrated, as Open does: the views exported are those of the
// current version.
func ExportFile(ctx context.Context, dbPath, dir string, f ExportFormat) ([]ExportedFile, error) {
	if f != ExportParquet && f != ExportCSV {
		return nil, fmt.Errorf("export: unknown format %d", int(f))
	}
	if _, err := checkPath(dbPath, true); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, errors.New("export directory is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export directory %q: %w", dir, err)
	}
	out, err := outdir.Create(abs)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer out.Close()
	files, err := exportTo(ctx, dbPath, out.Stage(), f)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	for i := range files {
		names[i] = filepath.Base(files[i].Path)
		files[i].Path = filepath.Join(abs, names[i])
	}
	if err := out.Publish(names...); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return files, nil
}

// exportTo writes the files of ExportFile into stage.
func exportTo(ctx context.Context, dbPath, stage string, f ExportFormat) ([]ExportedFile, error) {
	s, err := open(dbPath, config{readOnly: true, allowDir: stage})
	if err != nil {
		return nil, err
	}
	v, err := s.Version(ctx)
	if err == nil && v < SchemaVersion {
		s.Close()
		if s, err = open(dbPath, config{allowDir: stage}); err != nil {
			return nil, err
		}
	}
	defer s.Close()
	if err != nil {
		return nil, err
	}
	opts := "FORMAT parquet"
	if f == ExportCSV {
		opts = "FORMAT csv, HEADER true"
	}
	var files []ExportedFile
	err = s.use(ctx, func(db *dbsql.DB) error {
		for _, name := range Exported() {
			path := filepath.Join(stage, name+"."+f.Ext())
			q := fmt.Sprintf(`COPY (SELECT * FROM %s) TO %s (%s)`, name, quoteString(path), opts)
			var n int64
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return oneLine(fmt.Errorf("export %s from %q: %w", name, s.path, err))
			}
			files = append(files, ExportedFile{Name: name, Path: path, Rows: n})
		}
		return nil
	})
	return files, err
}

// unwrapPath returns the cause of a *os.PathError, whose path the caller
// already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// quoteString returns s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
