package source

import (
	"slices"
	"strings"
	"testing"
)

// TestParquetLists reads list columns as sequences: one part per column,
// as long as its longest list, shorter lists zero-padded, across windows
// and files.
func TestParquetLists(t *testing.T) {
	dir := t.TempDir()
	// Row i: ids [1, i, i+1, ...] of length 2 + i%4, the mask of ones of
	// the same length, label i%3.
	const q = `SELECT [1] || list_transform(range(1 + i%4), k -> i + k) AS input_ids,
	       list_transform(range(2 + i%4), k -> 1::TINYINT) AS attention_mask, i%3 AS label, i::DOUBLE AS extra
	       FROM range(%d, %d) t(i)`
	writeParquet(t, dir, "a.parquet", strings.NewReplacer("%d, %d", "0, 150").Replace(q), 40)
	writeParquet(t, dir, "b.parquet", strings.NewReplacer("%d, %d", "150, 301").Replace(q), 0)
	src, err := OpenParquet(dir+"/*.parquet", Options{Features: "input_ids,attention_mask"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ls, ok := src.(Layered)
	if !ok {
		t.Fatalf("%T is not Layered", src)
	}
	want := []Part{
		{Name: "input_ids", Path: src.Name(), Shape: []int{5}, Dim: 5, Off: 0, Padded: true},
		{Name: "attention_mask", Path: src.Name(), Shape: []int{5}, Dim: 5, Off: 5, Padded: true},
	}
	if got := ls.Parts(); !slices.EqualFunc(got, want, func(a, b Part) bool {
		return a.Name == b.Name && a.Path == b.Path && slices.Equal(a.Shape, b.Shape) && a.Dim == b.Dim && a.Off == b.Off && a.Padded == b.Padded
	}) {
		t.Errorf("Parts() = %+v, want %+v", got, want)
	}
	if src.Len() != 301 || src.Dim() != 10 {
		t.Fatalf("Len %d, Dim %d; want 301, 10", src.Len(), src.Dim())
	}
	x, labels := readAll(t, src, 64)
	for i := range 301 {
		row := x[i*10 : (i+1)*10]
		n := 2 + i%4
		for k := range 5 {
			id, m := float32(0), float32(0)
			if k < n {
				id, m = float32(i+k-1), 1
				if k == 0 {
					id = 1
				}
			}
			if row[k] != id || row[5+k] != m {
				t.Fatalf("row %d: %v, want ids with %v at %d and mask %v", i, row, id, k, m)
			}
		}
		if labels[i] != int32(i%3) {
			t.Fatalf("row %d: label %d", i, labels[i])
		}
	}
}

func TestParquetListErrors(t *testing.T) {
	for _, c := range []struct {
		name, q, features, want string
	}{
		{"mixed", `SELECT [1, 2] AS ids, 3.0 AS x, 0 AS label`, "ids,x", `mixes list columns ("ids") with scalar ones ("x")`},
		{"null list", `SELECT CASE WHEN i = 2 THEN NULL ELSE [1, 2] END AS ids, 0 AS label FROM range(4) t(i)`, "ids", `row 2, column "ids": the list is NULL`},
		{"null element", `SELECT [1, CASE WHEN i = 1 THEN NULL ELSE 2 END] AS ids, 0 AS label FROM range(4) t(i)`, "ids", `row 1, column "ids", element 1: the value is NULL`},
		{"beyond 2^24", `SELECT [1, 16777217 * (i = 3)::BIGINT] AS ids, 0 AS label FROM range(4) t(i)`, "ids", `row 3, column "ids", element 1: 16777217 is beyond ±2^24`},
		{"nan", `SELECT [1.0, CASE WHEN i = 1 THEN 'nan'::DOUBLE ELSE 0 END] AS ids, 0 AS label FROM range(4) t(i)`, "ids", `row 1, column "ids", element 1: NaN is not a finite number`},
		{"lengths", `SELECT [1, 2, 3] AS ids, CASE WHEN i = 2 THEN [1, 1] ELSE [1, 1, 1] END AS mask, 0 AS label FROM range(4) t(i)`, "ids,mask", `row 2: column "ids" holds 3 values and "mask" 2`},
		{"empty", `SELECT []::INTEGER[] AS ids, 0 AS label FROM range(4) t(i)`, "ids", `column "ids" holds only empty lists`},
		{"strings", `SELECT ['a'] AS ids, 0 AS label`, "ids", `feature column "ids" is VARCHAR[], not numeric`},
	} {
		dir := t.TempDir()
		p := writeParquet(t, dir, "x.parquet", c.q, 0)
		src, err := OpenParquet(p, Options{Features: c.features})
		if err == nil {
			err = drainErr(src, 3)
			src.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line with %q", c.name, err, c.want)
		}
	}
}
