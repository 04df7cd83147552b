//go:build unix

package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cxray/stream/source"
)

// Hostile datasets given to cxray analyze: each one is refused with one
// line naming the file at fault, a non-zero exit, and no run recorded as
// complete. A dataset refused when it is opened leaves no database at all;
// a bad value found once the run started (NaN in an NPY file) leaves the
// run marked failed. A FIFO must not make cxray wait for a writer.
func TestAnalyzeHostileData(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	write := func(name string, data []byte) string {
		if err := os.WriteFile(p(name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p(name)
	}
	fifo := func(name string) string {
		if err := syscall.Mkfifo(p(name), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		return p(name)
	}

	fifoCSV := fifo("pipe.csv")
	longCSV := write("long.csv", []byte("x,label\n"+strings.Repeat("7", source.MaxCSVRecord)+",a\n"))
	idsCSV := func() string {
		var b strings.Builder
		b.WriteString("x,label\n")
		for i := range source.MaxClasses + 1 {
			fmt.Fprintf(&b, "%d,id%d\n", i, i)
		}
		return write("ids.csv", []byte(b.String()))
	}()
	os.Mkdir(p("mixed"), 0o755)
	duckExec(t,
		`COPY (SELECT ['a', 'b'][i % 2 + 1] AS label, i::DOUBLE AS x FROM range(6) t(i)) TO '`+p("mixed/part-0.parquet")+`' (FORMAT parquet)`,
		`COPY (SELECT i % 2 AS label, i::DOUBLE AS x FROM range(6) t(i)) TO '`+p("mixed/part-1.parquet")+`' (FORMAT parquet)`,
	)
	// NPY by hand: the header of numpy.lib.format version 1.0.
	npy := func(name, descr string, shape string, data []byte) string {
		h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
		h += strings.Repeat(" ", 63-(10+len(h)+1+63)%64) + "\n"
		return write(name, append(append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8)), append([]byte(h), data...)...))
	}
	labels := npy("y.npy", "|u1", "(4,)", []byte{0, 1, 0, 1})
	nanX := npy("nan.npy", "<f4", "(4, 1)", []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x40}) // 1, 2, NaN, 4
	os.Mkdir(p("acts"), 0o755)
	os.Rename(npy("acts-labels.npy", "|u1", "(4,)", []byte{0, 1, 0, 1}), p("acts/labels.npy"))
	for i := range source.MaxLayers + 1 {
		os.WriteFile(p(fmt.Sprintf("acts/l%d.npy", i)), nil, 0o644)
	}
	os.Mkdir(p("mnist"), 0o755)
	mnistImages := filepath.Join(p("mnist"), "t10k-images-idx3-ubyte")
	if err := syscall.Mkfifo(mnistImages, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	os.WriteFile(filepath.Join(p("mnist"), "t10k-labels-idx1-ubyte"), []byte{0, 0, 8, 1, 0, 0, 0, 1, 7}, 0o644)

	for _, c := range []struct {
		name    string
		args    []string
		want    []string
		started bool // the error comes once the run started
	}{
		{"device", []string{"--data", "csv:/dev/zero"}, []string{"/dev/zero is a character device, not a regular file"}, false},
		{"fifo", []string{"--data", "csv:" + fifoCSV}, []string{fifoCSV, "is a named pipe (FIFO)"}, false},
		{"endless line", []string{"--data", "csv:" + longCSV}, []string{longCSV, fmt.Sprintf("row 0, from byte 8, is longer than %d bytes", source.MaxCSVRecord)}, false},
		{"ids as labels", []string{"--data", "csv:" + idsCSV}, []string{idsCSV, fmt.Sprintf("more than %d distinct labels", source.MaxClasses), "--label"}, false},
		{"parquet label types", []string{"--data", "parquet:" + p("mixed/*.parquet")},
			[]string{`the label column "label" is VARCHAR in ` + p("mixed/part-0.parquet") + " but BIGINT in " + p("mixed/part-1.parquet")}, false},
		{"acts of many files", []string{"--data", "acts:" + p("acts")}, []string{p("acts"), fmt.Sprintf("more than %d .npy files", source.MaxLayers)}, false},
		{"mnist fifo", []string{"--data", "mnist", "--data-dir", p("mnist")}, []string{mnistImages, "named pipe"}, false},
		{"npy nan", []string{"--data", "npy:" + nanX + "," + labels}, []string{nanX + " row 2, column 0: NaN is not a finite number; remove or impute it"}, true},
	} {
		db := filepath.Join(t.TempDir(), "out.duckdb")
		done := make(chan error, 1)
		go func() {
			_, _, err := run(t, append([]string{"analyze", "--quiet", "--db", db}, c.args...)...)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s: cxray analyze %s still running after 2 minutes", c.name, strings.Join(c.args, " "))
		}
		checkOneLineError(t, c.name, err, c.want)
		if !c.started {
			if _, err := os.Stat(db); err == nil {
				t.Errorf("%s: the database was written, though the dataset was refused before any run", c.name)
			}
			continue
		}
		rows := query(t, db, `SELECT status, error FROM runs`)
		if len(rows) != 1 || rows[0]["status"] != "failed" || !strings.Contains(fmt.Sprint(rows[0]["error"]), c.want[0]) {
			t.Errorf("%s: runs %v, want one run marked failed with the error", c.name, rows)
		}
	}
}
