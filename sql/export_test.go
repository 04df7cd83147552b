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
	ctx := context.Background()
	for _, f := range []ExportFormat{ExportParquet, ExportCSV} {
		dir := filepath.Join(t.TempDir(), "new", "dir")
		files, err := s.Export(ctx, dir, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(Exported()) {
			t.Fatalf("%s: %d files, want %d", f.Ext(), len(files), len(Exported()))
		}
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
	}
}

func TestExportErrors(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		f    ExportFormat
		want string
	}{
		{"", ExportParquet, "export directory is empty"},
		{file, ExportParquet, "is a file, not a directory"},
		{filepath.Join(file, "sub"), ExportCSV, "not a directory"},
		{t.TempDir(), ExportFormat(7), "unknown format 7"},
	} {
		_, err := s.Export(ctx, c.dir, c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Export(%q, %d): error %v, want one line with %q", c.dir, c.f, err, c.want)
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
