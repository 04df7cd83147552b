package cli_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const images = "../fixtures/images/"

// imageRefs is fixtures/images/refs.json: torchvision's ImageFolder order
// of the fixture images and N1, by the float64 reference
// (fixtures/reference/n1_reference.py), of torchvision's tensors and of the
// CNN's output on them.
type imageRefs struct {
	Classes []string `json:"classes"`
	Samples []string `json:"samples"`
	RGB32   struct {
		Mean, Std []float64
	} `json:"rgb32"`
	N1 map[string]float64 `json:"n1"`
}

func readImageRefs(t *testing.T) imageRefs {
	t.Helper()
	raw, err := os.ReadFile(images + "refs.json")
	if err != nil {
		t.Fatal(err)
	}
	var r imageRefs
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// The fixture images through a small CNN taking 3×32×32, preprocessed as
// torchvision's Resize(32), CenterCrop(32), ToTensor, Normalize: N1 of the
// input layer is the float64 reference's N1 of torchvision's own tensors,
// and N1 of the output that of PyTorch's outputs on them; the same from an
// image folder and from a Parquet file written as Hugging Face datasets
// writes images. The run records the preprocessing.
func TestAnalyzeImagesMatchTorchvision(t *testing.T) {
	refs := readImageRefs(t)
	norm := joinFloats(refs.RGB32.Mean) + "/" + joinFloats(refs.RGB32.Std)
	dir := t.TempDir()
	pq := filepath.Join(dir, "images.parquet")
	folder, _ := filepath.Abs(images + "folder")
	var rows, paths []string
	for i, k := range refs.Samples {
		p := filepath.Join(folder, filepath.FromSlash(k))
		paths = append(paths, "'"+p+"'")
		rows = append(rows, fmt.Sprintf("(%d, '%s', '%s')", i, p, strings.SplitN(k, "/", 2)[0]))
	}
	duckExec(t, `COPY (SELECT {'bytes': b.content, 'path': s.p} AS image, s.c AS label FROM (VALUES `+strings.Join(rows, ", ")+
		`) s(i, p, c) JOIN read_blob([`+strings.Join(paths, ", ")+`]) b ON b.filename = s.p ORDER BY s.i) TO '`+pq+`' (FORMAT parquet, ROW_GROUP_SIZE 8)`)
	db := filepath.Join(dir, "i.duckdb")
	for _, data := range []string{"imagefolder:" + images + "folder", "parquet:" + pq} {
		_, stderr, err := run(t, "analyze", "--quiet", "--model", images+"cnn3x32.onnx", "--data", data,
			"--resize", "32", "--center-crop", "32", "--input-norm", norm, "--batch", "5", "--db", db, "--run", data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", data, err, stderr)
		}
		got := query(t, db, `SELECT m.layer_name, m.value, m.n_samples, r.config->>'input' AS input FROM metrics m JOIN runs r USING (run_id)
			WHERE r.name = '`+data+`' AND m.layer_name IN ('input', 'output') ORDER BY m.layer_index`)
		if len(got) != 2 {
			t.Fatalf("%s: rows %v", data, got)
		}
		for _, r := range got {
			name := r["layer_name"].(string)
			if v := r["value"].(float64); math.Abs(v-refs.N1[name]) > 1e-12 || r["n_samples"] != float64(len(refs.Samples)) {
				t.Errorf("%s, layer %s: N1 %.6f on %v samples; torchvision's tensors give %.6f on %d", data, name, v, r["n_samples"], refs.N1[name], len(refs.Samples))
			}
			if want := "resize 32, center-crop 32, normalize " + norm; r["input"] != want {
				t.Errorf("%s: config input %q, want %q", data, r["input"], want)
			}
		}
	}
}

// Images whose size is not the model's, without --resize and
// --center-crop, stop the run before it starts, in one line naming the
// first such image, both sizes and the flags.
func TestAnalyzeImagesWrongSize(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	_, stderr, err := run(t, "analyze", "--quiet", "--model", images+"cnn3x32.onnx", "--data", "imagefolder:"+images+"folder", "--db", db)
	want := `folder/Zebra/z00.png: 62×65 pixels (height×width), but the model takes 32×32; resize and crop the images as the model was trained: add --resize 32 --center-crop 32`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v (stderr %q), want one line with %q", err, stderr, want)
	}
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT count(*) AS n FROM runs`); rows[0]["n"] != 0.0 {
			t.Errorf("a run was recorded: %v", rows)
		}
	}
}
