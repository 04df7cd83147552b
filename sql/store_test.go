package sql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesSchemaOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{Name: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for i := 0; i < 2; i++ {
		s, err = Open(path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if n := queryInt(t, s, `SELECT count(*) FROM schema_version`); n != 1 {
			t.Errorf("reopen %d: %d schema_version rows, want 1", i, n)
		}
		if v := queryInt(t, s, `SELECT max(version) FROM schema_version`); v != SchemaVersion {
			t.Errorf("reopen %d: schema version %d, want %d", i, v, SchemaVersion)
		}
		if n := queryInt(t, s, `SELECT count(*) FROM runs WHERE name = 'first' AND status = 'complete'`); n != 1 {
			t.Errorf("reopen %d: the first run was not kept", i)
		}
		for _, table := range []string{"runs", "layers", "metrics", "schema_version"} {
			if n := queryInt(t, s, `SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, table); n != 1 {
				t.Errorf("reopen %d: %d tables named %s", i, n, table)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.duckdb")
	bytes := make([]byte, 8192)
	for i := range bytes {
		bytes[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(garbage, bytes, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.duckdb")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path, want string
	}{
		{"garbage", garbage, "not a DuckDB database file"},
		{"empty file", empty, "not a DuckDB database file"},
		{"missing directory", filepath.Join(dir, "no", "such", "x.duckdb"), "does not exist"},
		{"directory", dir, "is a directory"},
		{"empty path", "", "empty"},
		{"options", filepath.Join(dir, "x.duckdb?access_mode=read_only"), "'?'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(tc.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tc.path)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open(%q) = %q, want it to mention %q", tc.path, err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	// A failed open must not leave the path claimed.
	if s, err := Open(filepath.Join(dir, "ok.duckdb")); err != nil {
		t.Fatal(err)
	} else {
		s.Close()
	}
}

func TestOpenRefusesForeignAndNewerFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	// A DuckDB file with a runs table of its own.
	foreign := filepath.Join(dir, "foreign.duckdb")
	s := mustOpenRaw(t, foreign)
	if _, err := s.DB().ExecContext(ctx, `DROP TABLE schema_version`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(foreign); err == nil || !strings.Contains(err.Error(), "not written by cxray") {
		t.Errorf("Open of a foreign file: %v, want a 'not written by cxray' error", err)
	}

	newer := filepath.Join(dir, "newer.duckdb")
	s = mustOpenRaw(t, newer)
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_version VALUES (?, now())`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(newer); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer file: %v, want a 'newer' error", err)
	}
}

func mustOpenRaw(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenTwiceInProcess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// Another spelling of the same file.
	other := filepath.Join(dir, ".", "x.duckdb")
	if s2, err := Open(other); err == nil {
		s2.Close()
		t.Fatal("second Open of the same file succeeded")
	} else if !strings.Contains(err.Error(), "locked") {
		t.Errorf("second Open: %q, want a lock error", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s, err = Open(other)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close()
}

// A file written with schema version 1 (no ci columns) is migrated.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.duckdb")
	oldFile(t, path, 1, `INSERT INTO metrics (run_id, measure, value) VALUES (7, 'N1', 0.5)`)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if v := queryInt(t, s, `SELECT max(version) FROM schema_version`); v != SchemaVersion {
		t.Errorf("version %d after migration, want %d", v, SchemaVersion)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM schema_version`); n != SchemaVersion {
		t.Errorf("%d schema_version rows after migration, want one per version", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics WHERE value = 0.5 AND ci_low IS NULL`); n != 1 {
		t.Errorf("old row after migration: count %d", n)
	}
	r, err := s.BeginRun(ctx, RunInfo{Name: "after"})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.1, 0.3
	if err := r.AddMetrics(ctx, []Metric{{Measure: "N1", Value: 0.2, CILow: &lo, CIHigh: &hi}}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics WHERE ci_low = 0.1 AND ci_high = 0.3`); n != 1 {
		t.Errorf("interval not stored")
	}
}

// OpenReadOnly reads a file of any version without changing it.
func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	old := filepath.Join(dir, "v3.duckdb")
	oldFile(t, old, 3, oldRows...)
	before, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenReadOnly(old)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if v, err := s.Version(ctx); err != nil || v != 3 {
		t.Errorf("Version() = %d, %v; want 3", v, err)
	}
	// Not marked interrupted: nothing is written.
	checkRows(t, s, `SELECT name, status FROM runs ORDER BY run_id`, []string{"old complete", "left running"})
	if _, err := s.BeginRun(ctx, RunInfo{Name: "x"}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("BeginRun on a read-only Store: %v", err)
	}
	if s2, err := Open(old); err == nil {
		s2.Close()
		t.Error("Open of a file held read-only by this process succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("OpenReadOnly changed the file")
	}

	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "none.duckdb"), "does not exist"},
		{"directory", dir, "is a directory"},
	} {
		if s, err := OpenReadOnly(tc.path); err == nil {
			s.Close()
			t.Errorf("%s: OpenReadOnly succeeded", tc.name)
		} else if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}

	foreign := filepath.Join(dir, "foreign.duckdb")
	s = mustOpenRaw(t, foreign)
	if _, err := s.DB().ExecContext(ctx, `DROP TABLE schema_version`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := OpenReadOnly(foreign); err == nil {
		s.Close()
		t.Error("OpenReadOnly of a foreign file succeeded")
	} else if !strings.Contains(err.Error(), "not written by cxray") {
		t.Errorf("foreign file: %v", err)
	}
	// A failed open leaves the path free.
	s = mustOpenRaw(t, foreign+"2")
	s.Close()
	if s, err := OpenReadOnly(foreign + "2"); err != nil {
		t.Error(err)
	} else {
		s.Close()
	}
}
