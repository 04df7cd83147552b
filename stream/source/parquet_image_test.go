package source

import (
	dbsql "database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// imagesParquet writes the fixture images, in torchvision's order, to
// Parquet files under dir as Hugging Face datasets stores an Image
// feature: a struct of the file's bytes and its path. label is the SQL of
// the label from the class index i and name c; blob stores the bytes as
// a plain BLOB instead; files > 1 splits the rows over that many files.
func imagesParquet(t testing.TB, dir, label string, blob bool, files int) string {
	t.Helper()
	refs := readImageRefs(t)
	folder, err := filepath.Abs(filepath.Join(imageFixtures, "folder"))
	if err != nil {
		t.Fatal(err)
	}
	var rows, paths []string
	for i, k := range refs.Samples {
		paths = append(paths, quoteString(filepath.Join(folder, filepath.FromSlash(k))))
		class := strings.SplitN(k, "/", 2)[0]
		rows = append(rows, fmt.Sprintf("(%d, %s, %d, %s)", i, quoteString(filepath.Join(folder, filepath.FromSlash(k))),
			slices.Index(refs.Classes, class), quoteString(class)))
	}
	image := "{'bytes': b.content, 'path': s.p}"
	if blob {
		image = "b.content"
	}
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	per := (len(rows) + files - 1) / files
	for f := range files {
		q := fmt.Sprintf(`COPY (SELECT %s AS image, %s AS label FROM (VALUES %s) s(i, p, ci, c) JOIN read_blob([%s]) b ON b.filename = s.p
			WHERE s.i >= %d AND s.i < %d ORDER BY s.i) TO %s (FORMAT parquet, ROW_GROUP_SIZE 5)`,
			image, label, strings.Join(rows, ", "), strings.Join(paths, ", "), f*per, (f+1)*per, quoteString(filepath.Join(dir, fmt.Sprintf("part-%d.parquet", f))))
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "part-*.parquet")
}

// A Parquet image column, as Hugging Face datasets writes it or as a BLOB,
// with integer or string labels, in one file or several, read in windows
// of a few images: torchvision's tensors of the same images, as from the
// image folder.
func TestParquetImagesAgainstTorchvision(t *testing.T) {
	refs := readImageRefs(t)
	want, wantY, dim := readNPY(t, "ref_rgb32.npy")
	tr := Transform{Resize: []int{32}, CenterCrop: []int{32}, Mean: refs.RGB32.Mean, Std: refs.RGB32.Std}
	defer func(b int64, r int) { imageWindowBytes, imageWindowRows = b, r }(imageWindowBytes, imageWindowRows)
	imageWindowBytes, imageWindowRows = 9000, 7
	for _, c := range []struct {
		name, label string
		blob        bool
		files       int
	}{
		{"struct int labels", "ci::BIGINT", false, 1},
		{"struct string labels", "c", false, 2},
		{"blob int labels", "ci::INTEGER", true, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			glob := imagesParquet(t, t.TempDir(), c.label, c.blob, c.files)
			src, err := Open("parquet:"+glob, Options{Transform: tr})
			if err == nil {
				src, err = Transformed(src, tr)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Dim() != dim || src.Len() != len(refs.Samples) {
				t.Fatalf("dim %d, %d samples; want %d, %d", src.Dim(), src.Len(), dim, len(refs.Samples))
			}
			if c.label == "c" && !slices.Equal(src.Classes(), refs.Classes) {
				t.Errorf("classes %v, want %v", src.Classes(), refs.Classes)
			}
			got, y, keys := readKeyed(t, src, 5)
			if !slices.Equal(y, wantY) || len(keys) != len(y) || !strings.HasSuffix(keys[1], "part-0.parquet row 1") {
				t.Fatalf("labels %v keys %v; want labels %v", y, keys, wantY)
			}
			var worst float64
			for j := range got {
				worst = max(worst, math.Abs(float64(got[j]-want[j]))*255*float64(tr.Std[(j%dim)/(dim/3)]))
			}
			t.Logf("largest difference from torchvision: %.3g levels of 255", worst)
			if worst > jpegLevels {
				t.Errorf("differs from torchvision by %.3g levels of 255, more than %d", worst, jpegLevels)
			}
		})
	}
}
