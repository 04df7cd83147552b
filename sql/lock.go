package sql

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// DuckDB locks a database file against other processes only. Within one
// process duckdb-go shares a single database instance between all
// connectors of a path, so a second Open would silently share the file
// and the guarantee that a running run has a live writer (which lets Open
// mark abandoned runs) would break. The registry makes a second Open in
// the same process fail like one in another process does.
var registry = struct {
	sync.Mutex
	open map[string]bool
}{open: make(map[string]bool)}

// registryKey resolves symbolic links so that two spellings of one file
// meet in the registry. A file that does not exist yet is keyed by its
// resolved directory.
func registryKey(abs string) string {
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		return p
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(d, filepath.Base(abs))
	}
	return abs
}

func claim(abs string) error {
	key := registryKey(abs)
	registry.Lock()
	defer registry.Unlock()
	if registry.open[key] {
		return fmt.Errorf("database file %q is locked by another Store in this process; close it first", abs)
	}
	registry.open[key] = true
	return nil
}

func release(abs string) {
	key := registryKey(abs)
	registry.Lock()
	delete(registry.open, key)
	registry.Unlock()
}

// lockHolder finds the holder DuckDB names in its lock error, e.g.
// `Conflicting lock is held in /usr/bin/cxray (PID 1234)`.
var lockHolder = regexp.MustCompile(`held in (.*) \(PID (\d+)\)`)

// connectError turns DuckDB's connect errors into one line that says what
// is wrong with the file.
func connectError(abs string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock on file"):
		if m := lockHolder.FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("database file %q is locked by another process (%s, PID %s); wait for it to finish or stop it", abs, m[1], m[2])
		}
		return fmt.Errorf("database file %q is locked by another process; wait for it to finish or stop it", abs)
	case strings.Contains(msg, "not a valid DuckDB database file"):
		return fmt.Errorf("%q is not a DuckDB database file", abs)
	}
	// Drop duckdb-go's generic prefix; DuckDB's own message follows it.
	if i := strings.Index(msg, "could not connect to database: "); i >= 0 {
		msg = msg[i+len("could not connect to database: "):]
	}
	return oneLine(fmt.Errorf("open database file %q: %s", abs, msg))
}
