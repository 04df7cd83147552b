package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

const (
	// openPatience is how long Open and OpenReadOnly wait for other
	// processes to release the file: long enough for a cxray writer to
	// commit a call's rows, short enough to report a program that holds
	// the file for good.
	openPatience = 10 * time.Second
	// firstDelay and maxDelay bound the pause between two attempts.
	firstDelay = 5 * time.Millisecond
	maxDelay   = 500 * time.Millisecond
)

// use runs fn on the open file. A writer opens the file for the call,
// waiting as long as ctx allows while readers hold it, and releases it
// when fn returns, unless the Store is pinned.
func (s *Store) use(ctx context.Context, fn func(db *dbsql.DB) error) error {
	return s.session(ctx, 0, fn)
}

// session is use with a bound on the wait: patience, or ctx's if 0.
func (s *Store) session(ctx context.Context, patience time.Duration, fn func(db *dbsql.DB) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("database file %q is closed", s.path)
	}
	if s.db == nil {
		db, err := s.connect(ctx, patience)
		if err != nil {
			return err
		}
		s.db = db
	}
	err := fn(s.db)
	if s.held == 0 {
		if rerr := s.release(); err == nil {
			err = rerr
		}
	}
	return err
}

// release closes a writer's file, unless the Store is pinned. Closing
// checkpoints the file (moves the write-ahead log into it) and drops
// DuckDB's lock. What was committed is durable either way, in the file or
// in its log. s.mu must be held.
func (s *Store) release() error {
	if s.readOnly || s.pinned || s.closed || s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("release database file %q: %w", s.path, err)
	}
	return nil
}

// Hold runs fn with the file kept open across the calls fn makes on the
// Store, so that calls made back to back open and checkpoint it once
// (opening costs tens of milliseconds). The first call opens the file as
// usual, and it is released when fn returns: readers wait for all of
// fn's calls, as they wait for one call. Hold around calls that are
// minutes apart would lock readers out between them.
func (s *Store) Hold(fn func() error) error {
	s.mu.Lock()
	s.held++
	s.mu.Unlock()
	err := fn()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held--; s.held == 0 {
		if rerr := s.release(); err == nil {
			err = rerr
		}
	}
	return err
}

// connect opens the DuckDB file. While another process holds it, connect
// tries again with a growing pause, for up to patience, or as long as ctx
// allows if patience is 0, telling onWait once.
func (s *Store) connect(ctx context.Context, patience time.Duration) (*dbsql.DB, error) {
	var deadline time.Time
	if patience > 0 {
		deadline = time.Now().Add(patience)
	}
	told := false
	for delay := firstDelay; ; delay = min(2*delay, maxDelay) {
		db, err := s.connectOnce(ctx)
		var held *heldError
		if !errors.As(err, &held) {
			return db, err
		}
		if !deadline.IsZero() && time.Now().Add(delay).After(deadline) {
			return nil, err
		}
		if !told && s.onWait != nil {
			s.onWait(held.waiting())
			told = true
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s, and the wait was cut short: %w", held.waiting(), ctx.Err())
		case <-t.C:
		}
	}
}

// connectOnce opens the file with cxray's settings and checks that they
// hold. A writer's file must still be the one it first opened: DuckDB
// would create a new, empty file in place of one deleted between calls.
func (s *Store) connectOnce(ctx context.Context) (*dbsql.DB, error) {
	if s.ident != nil {
		fi, err := os.Stat(s.path)
		if err != nil || !os.SameFile(fi, s.ident) {
			return nil, fmt.Errorf("database file %q was removed or replaced while cxray was writing it; the rows written so far went to the file that was there", s.path)
		}
	}
	conn, err := duckdb.NewConnector(s.path+"?"+s.options(), nil)
	if err != nil {
		return nil, connectError(s.path, err)
	}
	db := dbsql.OpenDB(conn)
	s.opens++
	if err := s.configure(ctx, db); err != nil {
		db.Close()
		return nil, annotate(s.path, err)
	}
	if s.ident == nil {
		fi, err := os.Stat(s.path)
		if err != nil {
			db.Close()
			return nil, annotate(s.path, err)
		}
		s.ident = fi
	}
	return db, nil
}

// restricted reports whether SQL run through s is kept to the database
// file (and allowDir): no other files, no extensions, no settings.
func (s *Store) restricted() bool { return s.readOnly || s.allowDir != "" }

// options are the DuckDB settings cxray opens every file with. DuckDB never
// installs or loads an extension on its own: a query, or a file that is
// not DuckDB's, would otherwise make it fetch one over the network.
func (s *Store) options() string {
	o := "autoinstall_known_extensions=false&autoload_known_extensions=false"
	if s.readOnly {
		o += "&access_mode=read_only"
	}
	if s.restricted() && s.allowDir == "" {
		o += "&enable_external_access=false&lock_configuration=true"
	}
	return o
}

// configure restricts file access to allowDir, which DuckDB takes only as
// a SET before external access is turned off, and checks that every
// setting of options holds.
func (s *Store) configure(ctx context.Context, db *dbsql.DB) error {
	if s.allowDir != "" {
		for _, q := range []string{
			`SET allowed_directories = [` + quoteString(s.allowDir) + `]`,
			`SET enable_external_access = false`,
			`SET lock_configuration = true`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
	}
	var install, load, external bool
	var mode string
	err := db.QueryRowContext(ctx, `SELECT current_setting('autoinstall_known_extensions'),
		current_setting('autoload_known_extensions'), current_setting('enable_external_access'),
		current_setting('access_mode')`).Scan(&install, &load, &external, &mode)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	if install || load || external == s.restricted() || (mode == "read_only") != s.readOnly {
		return fmt.Errorf("DuckDB did not take cxray's settings (autoinstall %v, autoload %v, external access %v, access mode %s)",
			install, load, external, mode)
	}
	return nil
}

// failingDB is a handle whose every use fails with err.
func failingDB(err error) *dbsql.DB {
	return dbsql.OpenDB(failingConnector{err})
}

type failingConnector struct{ err error }

func (c failingConnector) Connect(context.Context) (driver.Conn, error) { return nil, c.err }
func (c failingConnector) Driver() driver.Driver                        { return duckdb.Driver{} }

// heldError says that another process holds the file, as DuckDB reports it.
type heldError struct {
	path    string
	program string // as DuckDB names it; empty if it did not
	pid     string
	readers bool // the holder reads: a writer could not get in
}

func (e *heldError) Error() string {
	who := "another process"
	if e.pid != "" {
		who += fmt.Sprintf(" (%s, PID %s)", e.program, e.pid)
	}
	if e.readers {
		return fmt.Sprintf("database file %q is open for reading in %s; close it there and try again", e.path, who)
	}
	return fmt.Sprintf("database file %q is locked by %s; wait for it to finish or stop it", e.path, who)
}

// waiting is the line that says what a Store waits for. DuckDB names one
// process of those that hold the file, so for readers it names none.
func (e *heldError) waiting() string {
	switch {
	case e.readers:
		return fmt.Sprintf("waiting for readers of %s to close it", e.path)
	case e.pid != "":
		return fmt.Sprintf("waiting for %s (PID %s) to release %s", e.program, e.pid, e.path)
	}
	return fmt.Sprintf("waiting for another process to release %s", e.path)
}

// connectError turns DuckDB's connect errors into one line that says what
// is wrong with the file.
func connectError(abs string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock on file"):
		e := &heldError{path: abs, readers: strings.Contains(msg, "read-only mode")}
		if m := lockHolder.FindStringSubmatch(msg); m != nil {
			e.program, e.pid = m[1], m[2]
		}
		return e
	case strings.Contains(msg, "not a valid DuckDB database file"):
		return fmt.Errorf("%q is not a DuckDB database file; give a file cxray wrote, or the name of a new file", abs)
	}
	// Drop duckdb-go's generic prefix; DuckDB's own message follows it.
	if i := strings.Index(msg, "could not connect to database: "); i >= 0 {
		msg = msg[i+len("could not connect to database: "):]
	}
	return oneLine(fmt.Errorf("open database file %q: %s", abs, msg))
}
