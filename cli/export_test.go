package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/sql"
)

// export writes every table and view; DuckDB reads the same number of
// rows back from each file.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "iris.duckdb")
	if _, stderr, err := run(t, "analyze", "--data", "csv:../fixtures/iris.csv", "--label", "species",
		"--db", db, "--run", "iris", "--quiet"); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	names := sql.Exported()
	// An analyze run has no training rows: these are written, empty.
	empty := map[string]bool{"training": true, "n1_by_epoch": true, "training_curve": true}
	for _, format := range []string{"parquet", "csv"} {
		out := filepath.Join(dir, format)
		stdout, stderr, err := run(t, "export", "--db", db, "--format", format, "--out", out)
		if err != nil {
			t.Fatalf("export --format %s: %v\n%s", format, err, stderr)
		}
		if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != len(names) {
			t.Errorf("export --format %s printed %d lines, want %d:\n%s", format, len(lines), len(names), stdout)
		}
		for _, name := range names {
			path := filepath.Join(out, name+"."+format)
			read := fmt.Sprintf("read_parquet('%s')", path)
			if format == "csv" {
				read = fmt.Sprintf("read_csv('%s', header = true)", path)
			}
			scratch := filepath.Join(t.TempDir(), "scratch.duckdb")
			got := query(t, scratch, "SELECT count(*) AS n FROM "+read)
			want := query(t, db, "SELECT count(*) AS n FROM "+name)
			if got[0]["n"] != want[0]["n"] || (want[0]["n"] == 0.0) != empty[name] {
				t.Errorf("%s: %v rows read back, %v in the database", path, got[0]["n"], want[0]["n"])
			}
		}
	}
	// The input-only run: N1 of the input is its last layer's, a drop of 0.
	rows := query(t, filepath.Join(t.TempDir(), "scratch.duckdb"), fmt.Sprintf(
		"SELECT name, layers, n1_input, n1_last, n1_drop FROM read_parquet('%s')", filepath.Join(dir, "parquet", "run_compare.parquet")))
	if len(rows) != 1 || rows[0]["name"] != "iris" || rows[0]["layers"] != 1.0 || rows[0]["n1_drop"] != 0.0 ||
		rows[0]["n1_input"] != rows[0]["n1_last"] {
		t.Errorf("run_compare.parquet: %v", rows)
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "iris.duckdb")
	if _, stderr, err := run(t, "analyze", "--data", "csv:../fixtures/iris.csv", "--label", "species",
		"--db", db, "--quiet"); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.duckdb")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", missing, "--out", dir}, "not found"},
		{[]string{"--db", dir, "--out", dir}, "is a directory"},
		{[]string{"--db", db, "--format", "xlsx", "--out", dir}, `unknown export format "xlsx"`},
		{[]string{"--db", db, "--out", file}, "is a file, not a directory"},
		{[]string{"--db", db, "--out", filepath.Join(file, "sub")}, "not a directory"},
		{[]string{"--db", db}, `"out"`},
		{[]string{"--db", db, "--out", dir, "extra"}, "unexpected argument"},
	} {
		_, _, err := run(t, append([]string{"export"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("export %q: error %v, want one line with %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("export created the missing database %s", missing)
	}
}
