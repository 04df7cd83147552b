package source

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readKeys reads src to the end in batches of max and returns its keys,
// labels and first feature.
func readKeys(t *testing.T, src Source, max int) (keys []string, labels []int32, first []float32) {
	t.Helper()
	var b Batch
	for {
		err := src.Next(&b, max)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Keys) != b.N {
			t.Fatalf("%d keys for %d samples", len(b.Keys), b.N)
		}
		keys = append(keys, b.Keys...)
		labels = append(labels, b.Labels[:b.N]...)
		for i := range b.N {
			first = append(first, b.X[i*src.Dim()])
		}
	}
}

// --id names each row by a column, which is then no feature: in CSV and in
// Parquet (across windows and files).
func TestIDColumn(t *testing.T) {
	csv := writeCSV(t, "x,name,y,label\n1,a7,2,p\n3,b8,4,q\n5,c9,6,p\n")
	src, err := Open("csv:"+csv, Options{ID: "name"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Dim() != 2 {
		t.Errorf("dim %d, want 2: the id column is no feature", src.Dim())
	}
	keys, labels, first := readKeys(t, src, 2)
	if !slices.Equal(keys, []string{"a7", "b8", "c9"}) || !slices.Equal(labels, []int32{0, 1, 0}) || !slices.Equal(first, []float32{1, 3, 5}) {
		t.Errorf("keys %v labels %v first feature %v", keys, labels, first)
	}

	dir := t.TempDir()
	const q = `SELECT 'r' || i AS uid, i % 3 AS label, i::DOUBLE AS f, (i * i)::INTEGER AS code FROM range(%s) t(i)`
	writeParquet(t, dir, "a.parquet", strings.Replace(q, "%s", "0, 70", 1), 0)
	writeParquet(t, dir, "b.parquet", strings.Replace(q, "%s", "70, 100", 1), 0)
	src, err = Open("parquet:"+filepath.Join(dir, "*.parquet"), Options{ID: "uid"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.(*parquetSource).window = 16
	if src.Dim() != 2 {
		t.Errorf("dim %d, want 2 (f and code)", src.Dim())
	}
	keys, _, first = readKeys(t, src, 7)
	if len(keys) != 100 {
		t.Fatalf("%d keys", len(keys))
	}
	for i, k := range keys {
		if k != "r"+strconv.Itoa(i) || first[i] != float32(i) {
			t.Fatalf("row %d: key %q, feature %v", i, k, first[i])
		}
	}

	for _, c := range []struct{ spec, id, want string }{
		{"csv:" + csv, "nope", `no column "nope" for --id`},
		{"csv:" + csv, "label", "is the label column"},
		{"parquet:" + filepath.Join(dir, "a.parquet"), "nope", `no column "nope" for --id`},
		{"mnist", "x", "names a CSV or Parquet column"},
	} {
		if _, err := Open(c.spec, Options{ID: c.id}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s --id %s: %v, want %q", c.spec, c.id, err, c.want)
		}
	}
}
