package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	cxsql "cxray/sql"
)

// keepEnv names a directory to write the study test's report to as well,
// for looking at it in a browser.
const keepEnv = "CXRAY_REPORT_OUT"

var lenetLayers = []string{"input", "/conv1/Conv_output_0", "/relu1/Relu_output_0", "/pool1/MaxPool_output_0",
	"/conv2/Conv_output_0", "/relu2/Relu_output_0", "/pool2/MaxPool_output_0", "/Flatten_output_0",
	"/fc1/Gemm_output_0", "/relu3/Relu_output_0", "/fc2/Gemm_output_0", "/relu4/Relu_output_0", "logits"}

// layersOf returns the layer names of an architecture: lenet5, cnn:wide
// or mlp:W,W,...
func layersOf(arch string) []string {
	switch {
	case arch == "lenet5":
		return lenetLayers
	case arch == "cnn:wide":
		out := append([]string(nil), lenetLayers[:7]...)
		return append(out, "/fc1/Gemm_output_0", "/relu3/Relu_output_0", "logits")
	case strings.HasPrefix(arch, "mlp:"):
		out := []string{"input"}
		for i := range strings.Split(arch[4:], ",") {
			out = append(out, fmt.Sprintf("/fc%d/Gemm_output_0", i+1), fmt.Sprintf("/relu%d/Relu_output_0", i+1))
		}
		return append(out, "logits")
	}
	panic(arch)
}

// n1Of is a made-up N1: high at the input, falling with depth, with
// training and with more training samples, and lower for wider networks.
func n1Of(layer, layers, epoch int, size int64, width int) float64 {
	depth := float64(layer) / float64(layers-1)
	drop := 0.12 + 0.03*float64(layers%4) // architectures differ
	base := 0.35 - drop*depth*(1-math.Exp(-float64(epoch)/1.5))
	base *= 1 + 0.4/math.Log10(float64(size))
	base *= 1 - 0.02*math.Log2(float64(width)/64+1)
	return math.Round(base*1e4) / 1e4
}

type trainedRun struct {
	name, experiment, arch string
	size                   int64
	epochs                 int
	width                  int
	// allEpochs writes N1 at every epoch, not only the last.
	allEpochs bool
	status    string // complete unless set
}

func addRun(t *testing.T, ctx context.Context, s *cxsql.Store, tr trainedRun) {
	t.Helper()
	r, err := s.BeginRun(ctx, cxsql.RunInfo{Name: tr.name, Experiment: tr.experiment, Arch: tr.arch,
		TrainSize: tr.size, Dataset: "mnist", Split: "test", NSamples: 1000})
	if err != nil {
		t.Fatal(err)
	}
	names := layersOf(tr.arch)
	var ls []cxsql.Layer
	for i, n := range names {
		op := "Input"
		switch {
		case strings.Contains(n, "Conv"):
			op = "Conv"
		case strings.Contains(n, "Relu"):
			op = "Relu"
		case strings.Contains(n, "Gemm"), n == "logits":
			op = "Gemm"
		case strings.Contains(n, "Pool"):
			op = "MaxPool"
		case strings.Contains(n, "Flatten"):
			op = "Flatten"
		}
		ls = append(ls, cxsql.Layer{Index: i, Name: n, OpType: op, Dim: 100 * (len(names) - i)})
	}
	if err := r.AddLayers(ctx, ls); err != nil {
		t.Fatal(err)
	}
	width := max(tr.width, 64)
	stepsPerEpoch := max(tr.size/64, 1)
	var ms []cxsql.Metric
	var trs []cxsql.TrainingRow
	for e := 0; e <= tr.epochs; e++ {
		step := int64(e) * stepsPerEpoch
		if tr.allEpochs || e == tr.epochs {
			for i, n := range names {
				ms = append(ms, cxsql.Metric{Epoch: e, Step: step, LayerIndex: i, LayerName: n, Measure: "N1",
					Value: n1Of(i, len(names), e, tr.size, width), NSamples: 1000, Method: "exact"})
			}
		}
		acc := 0.1 + (0.8+0.01*float64(len(names)%9))*(1-math.Exp(-float64(e)/1.2))*(1-0.3/math.Log10(float64(tr.size)))
		trs = append(trs, cxsql.TrainingRow{Epoch: e, Step: step, TrainLoss: 2.3 * math.Exp(-float64(e)/1.5),
			TrainAcc: math.Min(1, acc+0.02), TestAcc: acc, Seconds: float64(e) * 1.7})
	}
	if err := r.AddMetrics(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := r.AddTraining(ctx, trs); err != nil {
		t.Fatal(err)
	}
	switch tr.status {
	case "", "complete":
		err = r.Complete(ctx)
	case "interrupted":
		err = r.Interrupt(ctx)
	case "failed":
		err = r.Fail(ctx, errors.New("out of memory"))
	}
	if err != nil {
		t.Fatal(err)
	}
}

// addAnalyzeRun writes an analyze run: N1 and N2 of a LeNet-5 at one step.
func addAnalyzeRun(t *testing.T, ctx context.Context, s *cxsql.Store, name string, shift float64) {
	t.Helper()
	r, err := s.BeginRun(ctx, cxsql.RunInfo{Name: name, ModelPath: "lenet5.onnx", Dataset: "mnist", Split: "test", NSamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	var ls []cxsql.Layer
	var ms []cxsql.Metric
	for i, n := range lenetLayers {
		ls = append(ls, cxsql.Layer{Index: i, Name: n, OpType: "Op", Dim: 10 * (i + 1)})
		ms = append(ms, cxsql.Metric{Step: 2000, LayerIndex: i, LayerName: n, Measure: "N1",
			Value: n1Of(i, len(lenetLayers), 8, 60000, 64) + shift, NSamples: 2000, Method: "exact"})
		if i%3 == 0 {
			ms = append(ms, cxsql.Metric{Step: 2000, LayerIndex: i, LayerName: n, Measure: "N2", Value: 0.5 - 0.01*float64(i), NSamples: 2000})
		}
	}
	if err := r.AddLayers(ctx, ls); err != nil {
		t.Fatal(err)
	}
	if err := r.AddMetrics(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
}

// fillStudy writes the four experiments of the study, an interrupted
// training run, and an analyze run.
func fillStudy(t *testing.T, s *cxsql.Store) {
	ctx := context.Background()
	for _, a := range []string{"lenet5", "mlp:256,128"} {
		addRun(t, ctx, s, trainedRun{name: "layers " + a, experiment: "layers", arch: a, size: 10000, epochs: 10, width: 256})
	}
	for _, a := range []string{"lenet5", "mlp:256,128"} {
		addRun(t, ctx, s, trainedRun{name: "training " + a, experiment: "training", arch: a, size: 10000, epochs: 8,
			width: 256, allEpochs: true})
	}
	addRun(t, ctx, s, trainedRun{name: "training broken", experiment: "training", arch: "mlp:64", size: 10000, epochs: 3,
		allEpochs: true, status: "interrupted"})
	for depth := 1; depth <= 4; depth++ {
		for _, w := range []int{64, 256, 1024} {
			arch := "mlp:" + strings.TrimSuffix(strings.Repeat(fmt.Sprint(w)+",", depth), ",")
			addRun(t, ctx, s, trainedRun{name: "design " + arch, experiment: "design", arch: arch, size: 10000, epochs: 5, width: w})
		}
	}
	addRun(t, ctx, s, trainedRun{name: "design lenet5", experiment: "design", arch: "lenet5", size: 10000, epochs: 5, width: 128})
	addRun(t, ctx, s, trainedRun{name: "design wide cnn", experiment: "design", arch: "cnn:wide", size: 10000, epochs: 5, width: 512})
	for _, n := range []int64{100, 500, 1000, 5000, 10000} {
		addRun(t, ctx, s, trainedRun{name: fmt.Sprintf("samples %d", n), experiment: "samples", arch: "lenet5", size: n, epochs: 5, width: 128})
	}
	addAnalyzeRun(t, ctx, s, "bundled lenet5", 0)
}

func TestWriteStudy(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "study.duckdb")
	s, err := cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	fillStudy(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	if err := WriteFile(context.Background(), dbPath, out, Options{}); err != nil {
		t.Fatal(err)
	}
	html := checkReport(t, out)
	for _, want := range []string{
		`id="layers"`, `id="training"`, `id="design"`, `id="samples"`, `id="analyze"`,
		"N1 (fraction of points)", "⚠ interrupted", "no: not complete", "Only complete runs are plotted",
		"Final accuracy and N1", "Training, at the end of each epoch", "epoch 8",
		"Every measure at the final step", "<th>N2</th>", "n = 100", "mlp:1024,1024,1024,1024",
		"x axis: layer (index: name)", "x axis: normalized depth", "<table>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// Two training runs are plotted, the interrupted one is not.
	if n := strings.Count(html, "<h3>run "); n != 2 {
		t.Errorf("%d training run blocks, want 2", n)
	}
	if strings.Contains(html, "training broken</h3>") || strings.Contains(html, "mlp:64</h3>") {
		t.Error("the interrupted run is plotted")
	}
	// Charts: layers (N1 + accuracy), 2 training runs × 3, design (N1 +
	// accuracy), samples (N1 + accuracy), analyze.
	if n := len(glob(t, out, "*.png")); n != 2+6+2+2+1 {
		t.Errorf("%d PNGs, want 13", n)
	}

	if dst := os.Getenv(keepEnv); dst != "" {
		if err := WriteFile(context.Background(), dbPath, dst, Options{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("report written to %s", dst)
	}

	// With All, the interrupted run is plotted too; Write takes an open,
	// writable Store.
	s, err = cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := filepath.Join(dir, "all")
	if err := Write(context.Background(), s, all, Options{All: true, Title: "all runs"}); err != nil {
		t.Fatal(err)
	}
	html = checkReport(t, all)
	if n := strings.Count(html, "<h3>run "); n != 3 {
		t.Errorf("with All: %d training run blocks, want 3", n)
	}
	if !strings.Contains(html, "<h1>all runs</h1>") || !strings.Contains(html, "All runs are plotted") {
		t.Error("with All: title or note missing")
	}
}

// A file of analyze runs only: N1 by run and the measures table.
func TestWriteAnalyzeOnly(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "analyze.duckdb")
	s, err := cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	addAnalyzeRun(t, ctx, s, "trained", 0)
	addAnalyzeRun(t, ctx, s, "at init", 0.1)
	if _, err := s.BeginRun(ctx, cxsql.RunInfo{Name: "still running"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	if err := WriteFile(ctx, dbPath, out, Options{}); err != nil {
		t.Fatal(err)
	}
	html := checkReport(t, out)
	for _, want := range []string{`id="analyze"`, "1: trained", "2: at init", "<th>N2</th>", "layer (index: name)",
		"⚠ running", "<table>"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, unwanted := range []string{`id="training"`, `id="design"`, "Final accuracy"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("index.html has %q", unwanted)
		}
	}
	if n := len(glob(t, out, "*.png")); n != 1 {
		t.Errorf("%d PNGs, want 1", n)
	}
}

// A file of schema version 3, before training runs, is reported without
// being migrated; so is an empty file.
func TestWriteOldAndEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	dbPath := filepath.Join(dir, "v3.duckdb")
	s, err := cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	addAnalyzeRun(t, ctx, s, "old", 0)
	// Take the file back to version 3: no training table, no new runs
	// columns, no views (which refer to them).
	for _, stmt := range []string{
		`DROP VIEW separation_depth`, `DROP VIEW hardest_samples`, `DROP VIEW class_entanglement`,
		`DROP TABLE samples`, `DROP TABLE class_pairs`, `DELETE FROM schema_version WHERE version = 5`,
		`DROP VIEW training_curve`, `DROP VIEW run_compare`, `DROP VIEW layer_summary`, `DROP VIEW n1_by_epoch`,
		`DROP VIEW n1_by_layer`, `DROP VIEW n1_history`, `DROP VIEW final_metrics`,
		`DROP TABLE training`, `ALTER TABLE runs DROP COLUMN experiment`, `ALTER TABLE runs DROP COLUMN arch`,
		`ALTER TABLE runs DROP COLUMN train_size`, `DELETE FROM schema_version WHERE version = 4`,
		`INSERT INTO schema_version VALUES (3, now()::TIMESTAMP)`,
	} {
		if _, err := s.DB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(stmt, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	if err := WriteFile(ctx, dbPath, out, Options{}); err != nil {
		t.Fatal(err)
	}
	html := checkReport(t, out)
	if !strings.Contains(html, "schema version 3") || !strings.Contains(html, `id="analyze"`) {
		t.Error("report of a version-3 file lacks its version or its runs")
	}
	ro, err := cxsql.OpenReadOnly(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := ro.Version(ctx); err != nil || v != 3 {
		t.Errorf("after the report the file has version %d (%v), want 3", v, err)
	}
	ro.Close()

	empty := filepath.Join(dir, "empty.duckdb")
	s, err = cxsql.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	out = filepath.Join(dir, "empty")
	if err := WriteFile(ctx, empty, out, Options{}); err != nil {
		t.Fatal(err)
	}
	html = checkReport(t, out)
	if !strings.Contains(html, "The file holds no runs.") {
		t.Error("empty report does not say the file holds no runs")
	}

	if err := WriteFile(ctx, filepath.Join(dir, "none.duckdb"), filepath.Join(dir, "x"), Options{}); err == nil {
		t.Error("WriteFile of a missing file succeeded")
	}
}

var refRE = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// checkReport checks the report in dir and returns index.html: every
// image decodes or parses, index.html references each and nothing
// outside the directory.
func checkReport(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") || strings.Contains(html, "//") &&
		regexp.MustCompile(`(?:src|href)="//`).MatchString(html) {
		t.Error("index.html references the network")
	}
	refs := map[string]bool{}
	for _, m := range refRE.FindAllStringSubmatch(html, -1) {
		ref := m[1]
		if strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.Contains(ref, "..") {
			t.Errorf("index.html references %q, not a file of the report", ref)
			continue
		}
		refs[ref] = true
		if _, err := os.Stat(filepath.Join(dir, ref)); err != nil {
			t.Errorf("index.html references %s: %v", ref, err)
		}
	}
	for _, p := range glob(t, dir, "*.png") {
		if !refs[filepath.Base(p)] {
			t.Errorf("index.html does not reference %s", filepath.Base(p))
		}
		if thumbRE.MatchString(filepath.Base(p)) {
			continue // a gallery's thumbnail (checkThumbs)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 300 || r.Dx() > 4000 || r.Dy() > 4000 {
			t.Errorf("%s is %dx%d", p, r.Dx(), r.Dy())
		}
		svg := strings.TrimSuffix(p, ".png") + ".svg"
		if !refs[filepath.Base(svg)] {
			t.Errorf("index.html does not reference %s", filepath.Base(svg))
		}
		checkXML(t, svg)
	}
	if n, m := len(glob(t, dir, "*.png"))-len(glob(t, dir, "run*-hard*.png")), len(glob(t, dir, "*.svg")); n != m {
		t.Errorf("%d PNGs but %d SVGs", n, m)
	}
	return html
}

// thumbRE matches the names of the galleries' thumbnails.
var thumbRE = regexp.MustCompile(`^run[0-9]+-hard[0-9]+\.png$`)

func checkXML(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", path, root)
	}
}

func glob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Readings within an epoch sit at the fraction of its steps; without
// training rows, at the epoch.
func TestEpochPosition(t *testing.T) {
	ends := map[int]int64{0: 0, 1: 100, 2: 200}
	for _, c := range []struct {
		e    int
		s    int64
		want float64
	}{
		{0, 0, 0}, {1, 25, 0.25}, {1, 100, 1}, {2, 150, 1.5}, {2, 200, 2}, {3, 250, 3},
	} {
		if got := epochPosition(c.e, c.s, ends); got != c.want {
			t.Errorf("epochPosition(%d, %d) = %v, want %v", c.e, c.s, got, c.want)
		}
	}
}

// A report never writes through a symbolic link planted in its output
// directory, nor into a linked output directory; the targets stay as
// they were.
func TestWritePlantedLinks(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	dbPath := filepath.Join(dir, "a.duckdb")
	s, err := cxsql.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	addAnalyzeRun(t, ctx, s, "trained", 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	if err := WriteFile(ctx, dbPath, out, Options{}); err != nil {
		t.Fatal(err)
	}
	// Plant links at the page and at a chart of the report just written.
	charts := glob(t, out, "*.png")
	if len(charts) == 0 {
		t.Fatal("no chart written")
	}
	for _, name := range []string{filepath.Join(out, "index.html"), charts[0]} {
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, name); err != nil {
			t.Fatal(err)
		}
		err := WriteFile(ctx, dbPath, out, Options{})
		if err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), name) ||
			strings.Contains(err.Error(), "\n") {
			t.Errorf("report over a link at %s: %v, want one line naming the link", name, err)
		}
		if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
			t.Fatalf("the link's target holds %q (%v)", b, err)
		}
		os.Remove(name)
	}
	linked := filepath.Join(dir, "linked")
	if err := os.Symlink(out, linked); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ctx, dbPath, linked, Options{}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("report into a linked directory: %v", err)
	}
	if entries, _ := filepath.Glob(filepath.Join(out, ".cxray-stage-*")); len(entries) != 0 {
		t.Errorf("staging directories left behind: %v", entries)
	}
}
