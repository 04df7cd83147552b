package sql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Export writes every table and view; reading the files back with
// DuckDB's read_parquet or read_csv gives the same rows.
func TestExport(t *testing.T) {
	s := openTemp(t)
	fillViews(t, s)
	path := s.Path()
	s.Close()
	// The next writer marks the run fillViews left running interrupted;
	// let that happen before the export, which only reads.
	mustOpenRaw(t, path).Close()
	ctx := context.Background()
	for _, f := range []ExportFormat{ExportParquet, ExportCSV} {
		dir := filepath.Join(t.TempDir(), "new", "dir")
		files, err := ExportFile(ctx, path, dir, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(Exported()) {
			t.Fatalf("%s: %d files, want %d", f.Ext(), len(files), len(Exported()))
		}
		if entries, _ := os.ReadDir(dir); len(entries) != len(files) {
			t.Errorf("%s: %d entries in the directory, want the %d files and no staging directory", f.Ext(), len(entries), len(files))
		}
		s := mustOpenRaw(t, path)
		for i, ef := range files {
			name := Exported()[i]
			if ef.Name != name || ef.Path != filepath.Join(dir, name+"."+f.Ext()) {
				t.Errorf("%s: file %d is %+v", f.Ext(), i, ef)
			}
			want := queryInt(t, s, `SELECT count(*) FROM `+name)
			if ef.Rows != want {
				t.Errorf("%s %s: %d rows written, want %d", f.Ext(), name, ef.Rows, want)
			}
			read := `read_parquet(` + quoteString(ef.Path) + `)`
			if f == ExportCSV {
				read = `read_csv(` + quoteString(ef.Path) + `, header = true)`
			}
			if got := queryInt(t, s, `SELECT count(*) FROM `+read); got != want {
				t.Errorf("%s %s: %d rows read back, want %d", f.Ext(), name, got, want)
			}
			if f == ExportParquet {
				// Same rows, types and values: no difference either way.
				q := `SELECT count(*) FROM ((SELECT * FROM ` + name + ` EXCEPT ALL SELECT * FROM ` + read + `)
					UNION ALL (SELECT * FROM ` + read + ` EXCEPT ALL SELECT * FROM ` + name + `))`
				if name == "layer_summary" {
					// EXCEPT cannot compare MAP columns.
					q = strings.ReplaceAll(q, "SELECT *", "SELECT * EXCLUDE (measures), measures::VARCHAR")
				}
				if n := queryInt(t, s, q); n != 0 {
					t.Errorf("%s: %d rows differ after a round trip through Parquet", name, n)
				}
			}
		}
		s.Close()
	}
}

// Export never writes through a symbolic link planted in its directory,
// nor through a linked directory; the links' targets stay as they were.
func TestExportPlantedLinks(t *testing.T) {
	s := openTemp(t)
	path := s.Path()
	s.Close()
	ctx := context.Background()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(out, "metrics.csv")); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(dir, "linked")
	if err := os.Symlink(out, linked); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{out, linked} {
		_, err := ExportFile(ctx, path, d, ExportCSV)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("export into %s: %v, want a refusal naming the link", d, err)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
		t.Errorf("the link's target holds %q (%v)", b, err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("%d entries in the directory after the refusals, want only the planted link", len(entries))
	}
}

func TestExportErrors(t *testing.T) {
	s := openTemp(t)
	path := s.Path()
	s.Close()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		db, dir string
		f       ExportFormat
		want    string
	}{
		{path, "", ExportParquet, "export directory"},
		{path, file, ExportParquet, "is a file, not a directory"},
		{path, filepath.Join(file, "sub"), ExportCSV, "not a directory"},
		{path, t.TempDir(), ExportFormat(7), "unknown format 7"},
		{filepath.Join(t.TempDir(), "none.duckdb"), t.TempDir(), ExportCSV, "does not exist"},
	} {
		_, err := ExportFile(ctx, c.db, c.dir, c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ExportFile(%q, %q, %d): error %v, want one line with %q", c.db, c.dir, c.f, err, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want ExportFormat
		ok   bool
	}{{"parquet", ExportParquet, true}, {"CSV", ExportCSV, true}, {"json", 0, false}, {"", 0, false}} {
		got, err := ParseExportFormat(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseExportFormat(%q) = %v, %v", c.in, got, err)
		}
	}
}
