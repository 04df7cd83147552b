package sql

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Store is an open cxray database file. It is safe for concurrent use.
//
// A Store from Open (a writer) holds the writer lock of the file from
// Open to Close, but DuckDB's own lock on the file only during each call
// that reads or writes it, so that other processes can read the file in
// between; see Writers and readers in the package documentation. A Store from
// OpenReadOnly holds the file, shared with other readers, until Close.
type Store struct {
	// path is absolute, with symbolic links resolved, so that DuckDB, its
	// write-ahead log path+".wal", the writer lock path+".lock" and the
	// open-file registry all name one file however it was spelled.
	path     string
	readOnly bool
	// allowDir, if set, is the one directory that SQL may read and write
	// besides the database file (ExportFile's staging directory).
	allowDir string

	lock *writerLock // held from Open to Close by a writer; nil for a reader

	mu     sync.Mutex  // held while a call uses the file; guards the fields below
	db     *dbsql.DB   // the open file; nil while a writer has released it
	ident  os.FileInfo // the file as first opened, to notice it being replaced
	pinned bool        // keep the file open until Close (DB was called)
	held   int         // Holds running: keep the file open until they end
	opens  int         // times the file was opened, for the tests
	closed bool
	onWait func(string) // see OnWait
}

// Open opens the DuckDB database file at path for writing, creating the
// file and the schema if they do not exist, migrates a file of an older
// schema version, and marks runs abandoned by a dead process as
// interrupted (see the package documentation).
//
// It fails with one clear error when the directory does not exist, when
// path is a directory, a named pipe, a device or a socket, or not a DuckDB
// file, when the file was written by a newer schema, when another cxray
// process or another Store of this process writes the file, and when
// another program holds it for longer than a few seconds.
func Open(path string) (*Store, error) {
	return open(path, config{})
}

// OpenReadOnly opens the existing cxray database file at path for reading
// only, as reports and cxray sql do. DuckDB itself refuses every change to
// the file, and SQL run through the Store can read no other file, load no
// extension and change no setting. Unlike Open it changes nothing in the
// file: a file of an older schema version is not migrated, so its tables
// and views are those of its version (see Version), and runs left running
// by a dead process are not marked interrupted. Beginning a run on the
// Store fails. A file the user may only read opens.
//
// Readers share a file with each other and with a cxray writer between
// its calls. OpenReadOnly waits a few seconds for a writer's call to end;
// it fails while another program writes the file, and, like Open, while
// another Store of this process holds it.
func OpenReadOnly(path string) (*Store, error) {
	return open(path, config{readOnly: true})
}

// config says how open opens a file.
type config struct {
	readOnly bool
	allowDir string
}

func open(path string, c config) (*Store, error) {
	abs, err := checkPath(path, c.readOnly)
	if err != nil {
		return nil, err
	}
	if err := claim(abs); err != nil {
		return nil, err
	}
	s := &Store{path: abs, readOnly: c.readOnly, allowDir: c.allowDir}
	if err := s.start(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// start takes the writer lock of a writer, then opens the file: a reader
// keeps it; a writer brings the schema up to date, marks abandoned runs
// and releases it.
func (s *Store) start() error {
	ctx := context.Background()
	if s.readOnly {
		return s.session(ctx, openPatience, func(db *dbsql.DB) error {
			_, err := s.version(ctx, db)
			return annotate(s.path, err)
		})
	}
	lock, err := lockWriter(s.path)
	if err != nil {
		return err
	}
	s.lock = lock
	s.pinned = !releasesBetweenCalls
	return s.session(ctx, openPatience, func(db *dbsql.DB) error {
		if err := ensureSchema(ctx, db); err != nil {
			return annotate(s.path, err)
		}
		// The writer lock is ours, so no live process writes a run.
		return annotate(s.path, markAbandoned(ctx, db))
	})
}

// annotate prefixes err with the file's name, as one line.
func annotate(path string, err error) error {
	if err == nil {
		return nil
	}
	return oneLine(fmt.Errorf("database file %q: %w", path, err))
}

// Version returns the schema version of the file: SchemaVersion for a
// Store from Open, possibly lower for one from OpenReadOnly. It is an
// error if the file has no schema_version table (it was not written by
// cxray) or a version newer than SchemaVersion.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.use(ctx, func(db *dbsql.DB) error {
		var err error
		v, err = s.version(ctx, db)
		return err
	})
	return v, err
}

func (s *Store) version(ctx context.Context, db *dbsql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main'
		  AND table_name = 'schema_version'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inspect schema: %w", err)
	}
	if n == 0 {
		return 0, errors.New("no schema_version table; the file was not written by cxray")
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, checkVersion(v)
}

// checkVersion refuses a schema version this cxray cannot read.
func checkVersion(v int) error {
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("schema version %d is newer than this cxray supports (%d); use a newer cxray", v, SchemaVersion)
	case v < 1:
		return errors.New("schema_version table is empty; the file was not written by cxray")
	}
	return nil
}

// ReadOnly reports whether s was opened by OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// OnWait sets f to be told, in one line, each time a call of s starts
// waiting for other processes to release the file, e.g. to print it on
// stderr. A writer waits, as long as its context allows, for readers
// that hold the file when it has rows to write.
func (s *Store) OnWait(f func(msg string)) {
	s.mu.Lock()
	s.onWait = f
	s.mu.Unlock()
}

// Close releases the database file, checkpointing it, and the writer
// lock, and lets the file be opened again. Runs begun on s can no longer
// be written.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.db != nil {
		// sql.DB.Close closes the connector too, which releases DuckDB's
		// lock. s.db stays set: using it after Close gives
		// database/sql's "database is closed" error.
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database file %q: %w", s.path, err))
		}
	}
	if s.lock != nil {
		if err := s.lock.release(); err != nil {
			errs = append(errs, fmt.Errorf("release the writer lock of %q: %w", s.path, err))
		}
	}
	release(s.path)
	return errors.Join(errs...)
}

// Path returns the absolute path of the database file, with symbolic
// links resolved.
func (s *Store) Path() string { return s.path }

// DB returns the handle of the open database file, for callers that need
// SQL beyond this package's API (reading rows back in tests, for example).
// Writing to the tables through it bypasses the run life cycle checks.
//
// A writer Store opens the file if it released it, waiting for readers
// as long as they hold it, and keeps it open from then on until Close, so
// that the handle stays valid; other processes cannot read the file
// meanwhile. The run API never calls DB. If the file cannot be opened,
// every use of the handle returns the reason.
func (s *Store) DB() *dbsql.DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		if s.db != nil {
			return s.db
		}
		return failingDB(fmt.Errorf("database file %q is closed", s.path))
	}
	s.pinned = true
	if s.db == nil {
		db, err := s.connect(context.Background(), 0)
		if err != nil {
			return failingDB(err)
		}
		s.db = db
	}
	return s.db
}

// checkPath returns the absolute form of path, with symbolic links
// resolved, after checking what DuckDB would otherwise report in less
// direct words or not at all: it would hang on a named pipe, read a device
// forever, and take a path holding '?' or '#' for a URL. A file must exist
// if mustExist.
func checkPath(path string, mustExist bool) (string, error) {
	if path == "" {
		return "", errors.New("database path is empty")
	}
	if path == ":memory:" || strings.ContainsAny(path, "?#%") {
		// duckdb-go parses the path as a URL: anything after '?' is read
		// as options, after '#' as a fragment (silently dropping cxray's
		// options), and '%' as an escape.
		return "", fmt.Errorf("database path %q: must name a file and contain no '?', '#' or '%%'; rename it", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("database path %q: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
		return "", fmt.Errorf("database path %q is a directory, not a file", path)
	case err == nil && !fi.Mode().IsRegular():
		return "", fmt.Errorf("database path %q is %s, not a regular file; give a DuckDB database file", path, fileKind(fi.Mode()))
	case err == nil:
		if abs, err = filepath.EvalSymlinks(abs); err != nil {
			return "", fmt.Errorf("database path %q: %w", path, err)
		}
		if err := checkHeader(abs, fi.Size()); err != nil {
			return "", err
		}
		return abs, checkWAL(abs)
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("database path %q: %w", path, err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return "", fmt.Errorf("database path %q is a symbolic link to a missing file; remove it or give the file's own path", path)
	}
	if mustExist {
		return "", fmt.Errorf("database file %q does not exist", abs)
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
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return "", fmt.Errorf("cannot create database %q: %w", path, err)
	}
	abs = filepath.Join(dir, filepath.Base(abs))
	return abs, checkWAL(abs)
}

// fileKind names the kind of a file that is not regular.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// duckMagic is what a DuckDB database file holds at magicOffset, after the
// checksum of its main header.
const (
	duckMagic   = "DUCK"
	magicOffset = 8
)

// checkHeader refuses an existing file that is not a DuckDB database
// before DuckDB opens it: given an SQLite file, DuckDB would try to load
// (and, unless told not to, download) its SQLite extension.
func checkHeader(abs string, size int64) error {
	notDuck := fmt.Errorf("%q is not a DuckDB database file; give a file cxray wrote, or the name of a new file", abs)
	if size < magicOffset+int64(len(duckMagic)) {
		return notDuck
	}
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("database file %q: %w", abs, unwrapPath(err))
	}
	defer f.Close()
	head := make([]byte, magicOffset+len(duckMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("database file %q: %w", abs, unwrapPath(err))
	}
	if !bytes.Equal(head[magicOffset:], []byte(duckMagic)) {
		return notDuck
	}
	return nil
}

// checkWAL refuses a write-ahead log path that is not a regular file,
// which DuckDB would open and, for a named pipe, hang on.
func checkWAL(abs string) error {
	wal := abs + ".wal"
	fi, err := os.Stat(wal)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%q is %s, not a regular file, where DuckDB keeps the write-ahead log of %q; remove it", wal, fileKind(fi.Mode()), abs)
}
