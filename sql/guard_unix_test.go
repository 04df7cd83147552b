//go:build unix

package sql

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Files DuckDB must never be given: each is refused with one line naming
// it, by Open and OpenReadOnly alike, before DuckDB opens anything.
func TestOpenRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.duckdb")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.duckdb")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	walFIFO := filepath.Join(dir, "wal.duckdb")
	s := mustOpenRaw(t, walFIFO)
	s.Close()
	if err := syscall.Mkfifo(walFIFO+".wal", 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.duckdb")
	if err := os.Symlink(filepath.Join(dir, "nowhere", "x.duckdb"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path, want string }{
		{"named pipe", fifo, "is a named pipe, not a regular file"},
		{"device", "/dev/zero", "is a device, not a regular file"},
		{"socket", sock, "is a socket, not a regular file"},
		{"log is a pipe", walFIFO, "write-ahead log"},
		{"dangling link", dangling, "symbolic link to a missing file"},
		{"fragment", filepath.Join(dir, "a#b.duckdb"), "'#'"},
		{"escape", filepath.Join(dir, "a%zz.duckdb"), "'%'"},
	} {
		for _, open := range []func(string) (*Store, error){Open, OpenReadOnly} {
			err := openWithin(t, open, c.path)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: %v, want one line with %q", c.name, err, c.want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a#b.duckdb")); err == nil {
		t.Error("a path with '#' was created")
	}
}
