package report

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/internal/fixture"
	cxsql "cxray/sql"

	_ "github.com/duckdb/duckdb-go/v2"
)

// addSamplesRun writes an analyze run of three layers with per-sample
// rows: the samples keys[i] of classes labels[i], on the boundary at layer
// l when l < depth[i] (depth 3: still on it at the last layer), with the
// run's config.
func addSamplesRun(t *testing.T, s *cxsql.Store, name string, config map[string]any, keys, labels []string, depth []int) {
	t.Helper()
	ctx := context.Background()
	r, err := s.BeginRun(ctx, cxsql.RunInfo{Name: name, Dataset: "d", Config: config})
	if err != nil {
		t.Fatal(err)
	}
	var ls []cxsql.Layer
	for l, n := range []string{"input", "hidden", "output"} {
		ls = append(ls, cxsql.Layer{Index: l, Name: n, OpType: "Op", Dim: 4})
	}
	if err := r.AddLayers(ctx, ls); err != nil {
		t.Fatal(err)
	}
	for l := range 3 {
		var rows []cxsql.Sample
		on := 0
		for i, k := range keys {
			b := l < depth[i]
			if b {
				on++
			}
			rows = append(rows, cxsql.Sample{Index: int64(i), Key: k, Label: labels[i], OnBoundary: b,
				N2Ratio: 1 + float64(i)/10, NNOther: b, Method: "exact"})
		}
		pairs := []cxsql.ClassPair{{A: labels[0], B: labels[1], NA: 3, NB: 3, CrossEdges: int64(3 - l)}}
		if err := r.AddSamples(ctx, []cxsql.LayerSamples{{LayerIndex: l, Samples: rows, Pairs: pairs}}); err != nil {
			t.Fatal(err)
		}
		if err := r.AddMetrics(ctx, []cxsql.Metric{{Step: int64(len(keys)), LayerIndex: l, LayerName: ls[l].Name, Measure: "N1",
			Value: float64(on) / float64(len(keys)), NSamples: int64(len(keys)), Method: "exact"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
}

// The per-sample section: the heat maps and the separation chart of each
// run, and galleries of the hardest images read from an image folder and
// from MNIST, thumbnails that show those very images; a key that points
// outside the folder, or at a missing file, is left out and said so.
func TestWriteSamples(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "samples.duckdb")
	s, err := cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	folder := fixture.Path("fixtures/images/folder")
	addSamplesRun(t, s, "images", map[string]any{"data": "imagefolder:" + folder, "data_path": folder},
		[]string{"bee/b00.png", "bee/b04.jpg", "../../../etc/passwd", "Zebra/z00.png", "Zebra/missing.png", "Zebra/z08.png"},
		[]string{"bee", "bee", "bee", "Zebra", "Zebra", "Zebra"}, []int{3, 3, 3, 1, 3, 0})
	addSamplesRun(t, s, "digits", map[string]any{"data": "mnist", "split": "test"},
		[]string{"0", "1", "2", "3", "4", "5"}, []string{"7", "2", "1", "0", "4", "1"}, []int{3, 2, 3, 0, 3, 1})
	// The images of run 1 as a Hugging Face Parquet file, named by file
	// (relative to the analysis's folder) and row.
	writeImageParquet(t, filepath.Join(dir, "images.parquet"), folder,
		[]string{"bee/b00.png", "bee/b04.jpg", "ant/a00.png", "Zebra/z00.png", "Zebra/z01.png", "Zebra/z08.png"})
	addSamplesRun(t, s, "parquet images", map[string]any{"data": "parquet:images.parquet", "data_cwd": dir, "image": ""},
		[]string{"images.parquet row 0", "images.parquet row 1", "no key", "images.parquet row 3", "images.parquet row 99", "images.parquet row 5"},
		[]string{"bee", "bee", "bee", "Zebra", "Zebra", "Zebra"}, []int{3, 3, 3, 1, 3, 0})
	s.Close()

	out := filepath.Join(dir, "report")
	if err := WriteFile(context.Background(), dbPath, out, Options{}); err != nil {
		t.Fatal(err)
	}
	html := checkReport(t, out)
	for _, want := range []string{"Per-sample rows", "class entanglement per layer", "separation depth per class",
		"the hardest samples", "bee/b04.jpg", "is not a path inside the image folder"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, run := range []int{1, 2} {
		for _, f := range []string{"class-pairs", "separation-depth"} {
			if m := glob(t, out, fmt.Sprintf("fig*-run%d-%s.png", run, f)); len(m) != 1 {
				t.Errorf("run %d: %d %s charts", run, len(m), f)
			}
		}
	}
	// Run 1: bee/b00.png, bee/b04.jpg (rank 1 and 2 of 4 on the boundary at
	// the last layer, by n2_ratio: the passwd key and the missing file have
	// no thumbnail).
	if m := glob(t, out, "run1-hard*.png"); len(m) != 2 {
		t.Errorf("run 1: %d thumbnails, want 2 (bee/b00.png and bee/b04.jpg)", len(m))
	}
	// Run 3: the same two images read from Parquet, the same thumbnails.
	folderThumbs, parquetThumbs := glob(t, out, "run1-hard*.png"), glob(t, out, "run3-hard*.png")
	if len(parquetThumbs) != 2 || len(folderThumbs) != 2 {
		t.Errorf("run 3: %d thumbnails, want 2 (rows 0 and 1) as run 1's %d", len(parquetThumbs), len(folderThumbs))
	} else {
		for i := range 2 {
			if !bytes.Equal(readBytes(t, folderThumbs[i]), readBytes(t, parquetThumbs[i])) {
				t.Errorf("thumbnail %s from Parquet differs from the image folder's %s", parquetThumbs[i], folderThumbs[i])
			}
		}
	}
	// Run 2: MNIST test images 4, 2 and 0 (n2_ratio 1.4, 1.2, 1.0), enlarged
	// three times pixel for pixel.
	x, _, err := fixture.MNIST("t10k", 5)
	if err != nil {
		t.Skipf("MNIST: %v", err)
	}
	for i, idx := range []int{4, 2, 0} {
		f, err := os.Open(filepath.Join(out, fmt.Sprintf("run2-hard%02d.png", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := m.Bounds(); b.Dx() != 84 || b.Dy() != 84 {
			t.Fatalf("thumbnail %d is %v, want 84×84", i+1, b)
		}
		for y := range 84 {
			for xx := range 84 {
				r, _, _, _ := m.At(xx, y).RGBA()
				want := math.Round(float64(x[idx*784+(y/3)*28+xx/3]) * 255)
				if float64(r>>8) != want {
					t.Fatalf("thumbnail of MNIST %d at (%d,%d): %d, want %v", idx, xx, y, r>>8, want)
				}
			}
		}
	}
}

// writeImageParquet writes the images (paths inside folder) as rows of a
// Parquet file with an image column as Hugging Face datasets store it,
// STRUCT(bytes BLOB, path VARCHAR), and a label.
func writeImageParquet(t *testing.T, path, folder string, images []string) {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []string
	for i, name := range images {
		rows = append(rows, fmt.Sprintf("(%d, '%s')", i, filepath.Join(folder, name)))
	}
	q := fmt.Sprintf(`COPY (SELECT {'bytes': b.content, 'path': b.filename} AS image, f.i AS label
		FROM (VALUES %s) f(i, p) JOIN read_blob([%s]) b ON b.filename = f.p ORDER BY f.i) TO '%s' (FORMAT parquet)`,
		strings.Join(rows, ", "), "'"+strings.Join(func() []string {
			var ps []string
			for _, name := range images {
				ps = append(ps, filepath.Join(folder, name))
			}
			return ps
		}(), "', '")+"'", path)
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every image of the fixture folder, greyscale, palette and 16-bit ones
// included, gives a thumbnail.
func TestDecodeThumbFolder(t *testing.T) {
	paths, err := filepath.Glob(fixture.Path("fixtures/images/folder/*/*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixture images: %v", err)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decodeThumb(f, p)
		f.Close()
		if err != nil {
			if ext := strings.ToLower(filepath.Ext(p)); ext == ".png" || ext == ".jpg" || ext == ".jpeg" {
				t.Errorf("%s: %v", p, err)
			}
			continue
		}
		if b := m.Bounds(); b.Dx() == 0 || b.Dy() == 0 {
			t.Errorf("%s: empty thumbnail", p)
		}
	}
}
