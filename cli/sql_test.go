package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// analyzeDB writes a small analyze run to a new file and returns its path.
func analyzeDB(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "iris.duckdb")
	if _, stderr, err := run(t, "analyze", "--data", "csv:../fixtures/iris.csv", "--label", "species",
		"--db", db, "--run", "iris", "--quiet"); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	return db
}

// cxray sql opens the file read-only: every change, every file beyond the
// database, is refused in one line that says to add --write, and the file
// stays as it was; with --write the change is made.
func TestSQLReadOnlyByDefault(t *testing.T) {
	dir := t.TempDir()
	db := analyzeDB(t, dir)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, "outside.csv")
	for _, q := range []string{
		`UPDATE runs SET status = 'failed'`,
		`DELETE FROM metrics`,
		`DROP TABLE schema_version`,
		`COPY runs TO '` + outside + `'`,
		`SELECT * FROM read_text('/etc/passwd')`,
		`ATTACH '` + filepath.Join(dir, "other.duckdb") + `' AS o`,
		`SET enable_external_access = true`,
	} {
		_, _, err := run(t, "sql", "--db", db, q)
		checkOneLineError(t, q, err, []string{"--write"})
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("cxray sql without --write changed the file")
	}
	for _, p := range []string{outside, filepath.Join(dir, "other.duckdb")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("cxray sql without --write created %s", p)
		}
	}
	if out, _, err := run(t, "sql", "--db", db, "--write", "--format", "csv", `UPDATE runs SET name = 'renamed'`); err != nil || out != "Count\n1\n" {
		t.Errorf("sql --write: %q, %v", out, err)
	}
	if rows := query(t, db, `SELECT name FROM runs`); len(rows) != 1 || rows[0]["name"] != "renamed" {
		t.Errorf("after sql --write: %v", rows)
	}
}
