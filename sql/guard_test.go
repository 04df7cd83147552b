package sql

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openWithin runs open on path and fails the test if it does not return
// within a few seconds (DuckDB hangs on a named pipe).
func openWithin(t *testing.T, open func(string) (*Store, error), path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		s, err := open(path)
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("opening %s hangs", path)
		return nil
	}
}

// An SQLite file is not a DuckDB file: one line, and no attempt to load
// DuckDB's SQLite extension (which it would download).
func TestOpenRefusesSQLite(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 makes the SQLite file; not found")
	}
	path := filepath.Join(t.TempDir(), "lite.db")
	script := "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE runs (x)'); c.commit()"
	if out, err := exec.Command(py, "-c", script, path).CombinedOutput(); err != nil {
		t.Skipf("python3 sqlite3: %v %s", err, out)
	}
	before, _ := os.ReadFile(path)
	for _, open := range []func(string) (*Store, error){Open, OpenReadOnly} {
		err := openWithin(t, open, path)
		if want := "is not a DuckDB database file"; err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
			t.Errorf("SQLite file: %v, want one line with %q", err, want)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("opening the SQLite file changed it")
	}
}

// Every file cxray opens has DuckDB's extension auto-install and
// auto-load off; a reader also has external access off, its configuration
// locked and DuckDB in read-only mode.
func TestSettings(t *testing.T) {
	s := openTemp(t)
	path := s.Path()
	check := func(s *Store, want string) {
		t.Helper()
		got := queryString(t, s, `SELECT concat_ws(' ', current_setting('autoinstall_known_extensions'),
			current_setting('autoload_known_extensions'), current_setting('enable_external_access'),
			current_setting('lock_configuration'), current_setting('access_mode'))`)
		if got != want {
			t.Errorf("settings %q, want %q", got, want)
		}
	}
	check(s, "false false true false automatic")
	s.Close()
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	check(r, "false false false true read_only")
}

// A reader's queries change nothing and reach nothing beyond the file.
func TestReadOnlyQueries(t *testing.T) {
	s := openTemp(t)
	fillViews(t, s)
	path := s.Path()
	s.Close()
	mustOpenRaw(t, path).Close() // settle abandoned runs
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.csv")
	if err := os.WriteFile(outside, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		q    string
		want error
	}{
		{`DELETE FROM metrics`, ErrReadOnly},
		{`UPDATE runs SET status = 'complete'`, ErrReadOnly},
		{`DROP TABLE schema_version`, ErrReadOnly},
		{`INSERT INTO schema_version VALUES (99, now())`, ErrReadOnly},
		{`CREATE TABLE x (a INT)`, ErrReadOnly},
		{`SELECT 1; DELETE FROM runs`, ErrReadOnly},
		{`DELETE FROM runs; SELECT 1`, ErrReadOnly},
		{`COPY runs TO '` + outside + `'`, ErrRestricted},
		{`SELECT * FROM read_csv('` + outside + `')`, ErrRestricted},
		{`SELECT * FROM read_text('/etc/hostname')`, ErrRestricted},
		{`SELECT * FROM '` + outside + `'`, ErrRestricted},
		{`ATTACH '` + filepath.Join(t.TempDir(), "x.duckdb") + `' AS x`, ErrRestricted},
		{`ATTACH ':memory:' AS m`, ErrRestricted},
		{`SET enable_external_access = true`, ErrRestricted},
		{`SET autoinstall_known_extensions = true`, ErrRestricted},
		{`INSTALL sqlite`, ErrRestricted},
		{`LOAD sqlite`, ErrRestricted},
	} {
		var out bytes.Buffer
		err := r.Query(ctx, &out, c.q, FormatTable)
		if !errors.Is(err, c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line wrapping %q", c.q, err, c.want)
		}
	}
	var out bytes.Buffer
	if err := r.Query(ctx, &out, `SELECT count(*) AS n FROM runs`, FormatCSV); err != nil || out.String() != "n\n4\n" {
		t.Errorf("a read: %q, %v", out.String(), err)
	}
	r.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the reader's queries changed the file")
	}
	if b, _ := os.ReadFile(outside); string(b) != "a\n1\n" {
		t.Errorf("the reader's COPY wrote %q outside the database", b)
	}
	s = mustOpenRaw(t, path)
	defer s.Close()
	if v, err := s.Version(ctx); err != nil || v != SchemaVersion {
		t.Errorf("after the reader: version %d, %v", v, err)
	}
}

// A file the user may only read opens for reading; writing it is refused
// in one line. (Run as root, the file's mode does not stop DuckDB; the
// refusal is then not checked.)
func TestReadOnlyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ro.duckdb")
	s := mustOpenRaw(t, path)
	fillViews(t, s)
	s.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly of a read-only file: %v", err)
	}
	if n := queryInt(t, r, `SELECT count(*) FROM runs`); n != 4 {
		t.Errorf("%d runs read, want 4", n)
	}
	r.Close()
	if os.Geteuid() == 0 {
		return
	}
	if w, err := Open(path); err == nil {
		w.Close()
		t.Error("Open for writing of a read-only file succeeded")
	} else if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open for writing of a read-only file: %v", err)
	}
}
