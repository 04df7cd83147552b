package sql

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ExportFormat is the file format of Export.
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

// Exported names the relations that Export writes, in order: the tables
// runs, layers and metrics, then the views. It returns a new slice.
func Exported() []string {
	return append(append([]string(nil), ownTables...), viewNames...)
}

// ExportedFile is one file written by Export.
type ExportedFile struct {
	Name string // table or view
	Path string // file written
	Rows int64  // rows written
}

// Export writes every table and view of the schema (see Exported) to dir,
// one file each named after it, NAME.parquet or NAME.csv, with DuckDB's
// COPY ... TO. It creates dir if needed and replaces existing files of
// the same names. The files are read by any Parquet or CSV reader, e.g.
// DuckDB's read_parquet, without cxray.
//
// A failure leaves the files written so far in place.
func (s *Store) Export(ctx context.Context, dir string, f ExportFormat) ([]ExportedFile, error) {
	if f != ExportParquet && f != ExportCSV {
		return nil, fmt.Errorf("export: unknown format %d", int(f))
	}
	if err := writableDir(dir); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export directory %q: %w", dir, err)
	}
	opts := "FORMAT parquet"
	if f == ExportCSV {
		opts = "FORMAT csv, HEADER true"
	}
	var out []ExportedFile
	for _, name := range Exported() {
		path := filepath.Join(abs, name+"."+f.Ext())
		q := fmt.Sprintf(`COPY (SELECT * FROM %s) TO %s (%s)`, name, quoteString(path), opts)
		var n int64
		if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return out, oneLine(fmt.Errorf("export %s to %s: %w", name, path, err))
		}
		out = append(out, ExportedFile{Name: name, Path: path, Rows: n})
	}
	return out, nil
}

// writableDir creates dir if it does not exist and checks that files can
// be created in it, so that an unwritable directory gives one clear error
// rather than DuckDB's.
func writableDir(dir string) error {
	if dir == "" {
		return errors.New("export directory is empty")
	}
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("export directory %q is a file, not a directory", dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return fmt.Errorf("cannot create export directory %q: %w", dir, unwrapPath(err))
		}
	case err != nil:
		return fmt.Errorf("export directory %q: %w", dir, unwrapPath(err))
	}
	tmp, err := os.CreateTemp(dir, ".cxray-export-*")
	if err != nil {
		return fmt.Errorf("export directory %q is not writable: %w", dir, unwrapPath(err))
	}
	tmp.Close()
	return os.Remove(tmp.Name())
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
