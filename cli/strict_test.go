package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A stray word stops urfave/cli's flag parsing; every command must refuse
// it rather than run on the defaults of the flags after it.
func TestStrayArgument(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.duckdb")
	t.Chdir(dir) // the default --db, cxray.duckdb, would land here
	for _, args := range [][]string{
		{"analyze", "--data", "mnist", "--limit", "200", "oops", "--db", db, "--run", "myrun"},
		{"layers", "--model", models + "lenet5_mnist.onnx", "oops"},
		{"train", "--epochs", "1", "oops", "--db", db},
		{"study", "oops", "--db", db},
		{"report", "--db", db, "oops", "--out", dir},
		{"export", "--db", db, "oops", "--out", dir},
	} {
		_, _, err := run(t, args...)
		checkOneLineError(t, args[0], err, []string{`unexpected argument "oops"`, "cxray " + args[0] + " --help"})
	}
	_, _, err := run(t, "sql", "SELECT 1", "--db", db)
	checkOneLineError(t, "sql", err, []string{`flag "--db" comes after "SELECT 1"`})
	_, _, err = run(t, "oops")
	checkOneLineError(t, "no command", err, []string{`no command "oops"`, "analyze"})
	for _, f := range []string{db, "cxray.duckdb"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was written", f)
		}
	}
}
