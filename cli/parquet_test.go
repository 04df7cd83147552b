package cli_test

import (
	dbsql "database/sql"
	"math"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// duckExec runs statements in a scratch in-memory DuckDB, to write the
// Parquet files of a test.
func duckExec(t *testing.T, stmts ...string) {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// Iris as Parquet gives the N1 of iris as CSV, in one file or split
// across two read through a glob.
func TestAnalyzeParquetIris(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "iris.parquet")
	duckExec(t,
		`CREATE TABLE iris AS SELECT *, row_number() OVER () AS id FROM read_csv('../fixtures/iris.csv')`,
		`COPY (SELECT * EXCLUDE (id) FROM iris ORDER BY id) TO '`+one+`' (FORMAT parquet, ROW_GROUP_SIZE 64)`,
		`COPY (SELECT * EXCLUDE (id) FROM iris WHERE id <= 70 ORDER BY id) TO '`+filepath.Join(dir, "part-0.parquet")+`' (FORMAT parquet)`,
		`COPY (SELECT * EXCLUDE (id) FROM iris WHERE id > 70 ORDER BY id) TO '`+filepath.Join(dir, "part-1.parquet")+`' (FORMAT parquet)`,
	)
	db := filepath.Join(t.TempDir(), "p.duckdb")
	for _, c := range []struct {
		data, norm string
		want       float64
	}{
		{one, "minmax", 0.1}, {one, "none", 14.0 / 150},
		{filepath.Join(dir, "part-*.parquet"), "minmax", 0.1}, {filepath.Join(dir, "part-*.parquet"), "none", 14.0 / 150},
	} {
		name := c.data + " " + c.norm
		_, stderr, err := run(t, "analyze", "--quiet", "--data", "parquet:"+c.data, "--label", "species",
			"--normalize", c.norm, "--batch", "16", "--db", db, "--run", name)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, stderr)
		}
		rows := query(t, db, `SELECT m.value, m.n_samples, l.dim, r.dataset FROM metrics m JOIN runs r USING (run_id)
			JOIN layers l USING (run_id, layer_index) WHERE r.name = '`+name+`'`)
		if len(rows) != 1 || math.Abs(rows[0]["value"].(float64)-c.want) > 1e-12 || rows[0]["n_samples"] != 150.0 ||
			rows[0]["dim"] != 4.0 || rows[0]["dataset"] != "parquet:"+c.data {
			t.Errorf("%s: rows %v, want N1 %.6f on 150 samples of 4 features", name, rows, c.want)
		}
	}

	// --features: the petals alone, by glob and by regexp.
	for _, f := range []string{"petal_*", "re:petal_(length|width)", "petal_width,petal_length"} {
		_, stderr, err := run(t, "analyze", "--quiet", "--data", "parquet:"+one, "--label", "species", "--features", f,
			"--db", db, "--run", "petals "+f)
		if err != nil {
			t.Fatalf("--features %s: %v\n%s", f, err, stderr)
		}
	}
	rows := query(t, db, `SELECT DISTINCT m.value, l.dim FROM metrics m JOIN runs r USING (run_id)
		JOIN layers l USING (run_id, layer_index) WHERE r.name LIKE 'petals %'`)
	if len(rows) != 1 || rows[0]["dim"] != 2.0 {
		t.Errorf("petal runs: %v, want one N1 on 2 features", rows)
	}
}

func TestAnalyzeParquetErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	duckExec(t,
		`COPY (SELECT i % 2 AS y, i::FLOAT AS a, 'w' || i AS word FROM range(10) t(i)) TO '`+p("ok.parquet")+`' (FORMAT parquet)`,
		`COPY (SELECT CASE WHEN i = 6 THEN NULL ELSE i % 2 END AS y, i::FLOAT AS a FROM range(10) t(i)) TO '`+p("nulllabel.parquet")+`' (FORMAT parquet)`,
		`COPY (SELECT i % 2 AS y, CASE WHEN i = 7 THEN 'nan'::DOUBLE ELSE i END AS a FROM range(10) t(i)) TO '`+p("nan.parquet")+`' (FORMAT parquet)`,
	)
	db := filepath.Join(t.TempDir(), "bad.duckdb")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{"--data", "parquet:" + p("nope.parquet")}, []string{"nope.parquet", "no such file"}},
		{"no match", []string{"--data", "parquet:" + p("x*.parquet")}, []string{"x*.parquet", "no file matches"}},
		{"no label column", []string{"--data", "parquet:" + p("ok.parquet"), "--label", "class"}, []string{`no label column "class"`, `"y", "a", "word"`}},
		{"NULL label", []string{"--data", "parquet:" + p("nulllabel.parquet"), "--label", "y"}, []string{"nulllabel.parquet row 6", `"y"`, "NULL"}},
		{"NaN feature", []string{"--data", "parquet:" + p("nan.parquet"), "--label", "y"}, []string{"nan.parquet row 7", `"a"`, "NaN"}},
		{"non-numeric feature", []string{"--data", "parquet:" + p("ok.parquet"), "--label", "y", "--features", "a,word"}, []string{`"word" is VARCHAR, not numeric`}},
	} {
		_, _, err := run(t, append([]string{"analyze", "--quiet", "--db", db}, c.args...)...)
		checkOneLineError(t, c.name, err, c.want)
	}
	// The NaN is found once the run started: the run is marked failed.
	rows := query(t, db, `SELECT status, error FROM runs`)
	if len(rows) != 1 || rows[0]["status"] != "failed" || !strings.Contains(rows[0]["error"].(string), "NaN") {
		t.Errorf("runs after bad input: %v, want the NaN run marked failed", rows)
	}
}
