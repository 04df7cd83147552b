package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Store is an open cxray database file. It is safe for concurrent use.
type Store struct {
	path string // absolute path, also the key in the open-file registry
	db   *dbsql.DB

	readOnly bool

	mu     sync.Mutex
	closed bool
}

// Open opens the DuckDB database file at path, creating the file and the
// schema if they do not exist, and marks runs abandoned by a dead process
// as interrupted (see the package documentation).
//
// It fails with one clear error when the directory does not exist, when
// path is a directory or not a DuckDB file, when the file was written by a
// newer schema, and when another process or another Store of this process
// holds the file.
func Open(path string) (*Store, error) {
	abs, err := checkPath(path)
	if err != nil {
		return nil, err
	}
	if err := claim(abs); err != nil {
		return nil, err
	}
	s, err := open(abs)
	if err != nil {
		release(abs)
		return nil, err
	}
	return s, nil
}

func open(abs string) (*Store, error) {
	conn, err := duckdb.NewConnector(abs, nil)
	if err != nil {
		return nil, connectError(abs, err)
	}
	s := &Store{path: abs, db: dbsql.OpenDB(conn)}
	ctx := context.Background()
	if err := ensureSchema(ctx, s.db); err != nil {
		s.db.Close()
		return nil, oneLine(fmt.Errorf("database file %q: %w", abs, err))
	}
	if err := s.markAbandoned(ctx); err != nil {
		s.db.Close()
		return nil, oneLine(fmt.Errorf("database file %q: %w", abs, err))
	}
	return s, nil
}

// OpenReadOnly opens the existing cxray database file at path for reading
// only, as reports do. Unlike Open it changes nothing in the file: a file
// of an older schema version is not migrated, so its tables and views are
// those of its version (see Version), and runs left running by a dead
// process are not marked interrupted. Beginning a run on the Store fails.
//
// DuckDB lets readers share a file only with other readers, so
// OpenReadOnly fails while another process writes the file, and, like
// Open, while another Store of this process holds it.
func OpenReadOnly(path string) (*Store, error) {
	abs, err := checkPath(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("database file %q does not exist", abs)
	}
	if err := claim(abs); err != nil {
		return nil, err
	}
	// checkPath refused paths holding '?', so the option is the only one.
	conn, err := duckdb.NewConnector(abs+"?access_mode=read_only", nil)
	if err != nil {
		release(abs)
		return nil, connectError(abs, err)
	}
	s := &Store{path: abs, db: dbsql.OpenDB(conn), readOnly: true}
	if _, err := s.Version(context.Background()); err != nil {
		s.db.Close()
		release(abs)
		return nil, oneLine(fmt.Errorf("database file %q: %w", abs, err))
	}
	return s, nil
}

// Version returns the schema version of the file: SchemaVersion for a
// Store from Open, possibly lower for one from OpenReadOnly. It is an
// error if the file has no schema_version table (it was not written by
// cxray) or a version newer than SchemaVersion.
func (s *Store) Version(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main'
		  AND table_name = 'schema_version'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inspect schema: %w", err)
	}
	if n == 0 {
		return 0, errors.New("no schema_version table; the file was not written by cxray")
	}
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case v > SchemaVersion:
		return 0, fmt.Errorf("schema version %d is newer than this cxray supports (%d); use a newer cxray", v, SchemaVersion)
	case v < 1:
		return 0, errors.New("schema_version table is empty; the file was not written by cxray")
	}
	return v, nil
}

// ReadOnly reports whether s was opened by OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close closes the database file, checkpointing it, and lets it be
// opened again. Runs begun on s can no longer be written.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	// sql.DB.Close closes the connector too, which releases DuckDB's lock.
	// s.db stays set: using it after Close gives database/sql's
	// "database is closed" error rather than a nil dereference.
	err := s.db.Close()
	release(s.path)
	if err != nil {
		return fmt.Errorf("close database file %q: %w", s.path, err)
	}
	return nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// DB returns the underlying database handle, for callers that need SQL
// beyond this package's API (reading rows back in tests, for example).
// Writing to the tables through it bypasses the run life cycle checks.
func (s *Store) DB() *dbsql.DB { return s.db }

// checkPath returns the absolute form of path after checking what DuckDB
// would otherwise report in less direct words.
func checkPath(path string) (string, error) {
	if path == "" {
		return "", errors.New("database path is empty")
	}
	if path == ":memory:" || strings.ContainsRune(path, '?') {
		// duckdb-go reads anything after '?' as connection options.
		return "", fmt.Errorf("database path %q: must name a file and contain no '?'", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("database path %q: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
		return "", fmt.Errorf("database path %q is a directory, not a file", path)
	case err == nil:
		return abs, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("database path %q: %w", path, err)
	}
	dir := filepath.Dir(abs)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("cannot create database %q: directory %q does not exist", path, dir)
	case err != nil:
		return "", fmt.Errorf("cannot create database %q: %w", path, err)
	case !di.IsDir():
		return "", fmt.Errorf("cannot create database %q: %q is not a directory", path, dir)
	}
	return abs, nil
}
