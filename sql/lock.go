package sql

import (
	"fmt"
	"regexp"
	"sync"
)

// DuckDB locks a database file against other processes only. Within one
// process duckdb-go shares a single database instance between all
// connectors of a path, so a second Store of the file would silently
// share it, and two writers would break the writer lock's guarantee. The
// registry makes a second Open in the same process fail like one in
// another process does. Store paths have their symbolic links resolved,
// so two spellings of one file meet here.
var registry = struct {
	sync.Mutex
	open map[string]bool
}{open: make(map[string]bool)}

func claim(abs string) error {
	registry.Lock()
	defer registry.Unlock()
	if registry.open[abs] {
		return fmt.Errorf("database file %q is locked by another Store in this process; close it first", abs)
	}
	registry.open[abs] = true
	return nil
}

func release(abs string) {
	registry.Lock()
	delete(registry.open, abs)
	registry.Unlock()
}

// lockHolder finds the holder DuckDB names in its lock error, e.g.
// `Conflicting lock is held in /usr/bin/cxray (PID 1234)`.
var lockHolder = regexp.MustCompile(`held in (.*) \(PID (\d+)\)`)
