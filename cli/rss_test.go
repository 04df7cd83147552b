package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"

	"cxray/internal/fixture"
	"cxray/stream/analysis"
)

// peakLine is analyze's last progress line: "... peak memory 204 MB ...".
var peakLine = regexp.MustCompile(`peak memory ([0-9.]+) (MB|GB)`)

// gcLine is the share of the CPU time and the collections the run's last
// line says the collector took.
var gcLine = regexp.MustCompile(`garbage collection ([0-9.]+)% of the CPU time \(([0-9]+) collections\)`)

// Overhead is the fixed memory README.md states beside --memory and the
// model's weights: the Go runtime, DuckDB and the binary itself.
const overhead = 150 << 20

// Peak RSS of the whole process, forward pass and batches included, stays
// within --memory plus the model's weights plus the stated overhead, with
// the batch size the plan picks and with a large one the user fixes.
func TestPeakRSSWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cxray in child processes")
	}
	model := models + "lenet5_mnist.onnx"
	m, err := analysis.LoadModel(model, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	// The shape step counts the weights the first batch packs.
	if err := m.Fit([][]int{{1, 28, 28}}); err != nil {
		t.Fatal(err)
	}
	weights := m.WeightBytes()
	for _, c := range []struct {
		memory  int64
		args    []string
		refused bool // the batch does not fit: one line saying which does
	}{
		{128 << 20, []string{"--memory", "128MB"}, false},
		{256 << 20, []string{"--memory", "256MB", "--batch", "200"}, false},
		{1 << 30, []string{"--memory", "1GB", "--batch", "1000"}, false},
		{128 << 20, []string{"--memory", "128MB", "--batch", "4000"}, true},
	} {
		db := filepath.Join(t.TempDir(), "rss.duckdb")
		args := append([]string{"analyze", "--model", model, "--data", "mnist", "--limit", "4000", "--db", db}, c.args...)
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if c.refused {
			msg := strings.TrimSpace(stderr.String())
			if err == nil || strings.Contains(msg, "\n") || !strings.Contains(msg, "--batch 4000") || !strings.Contains(msg, "at most") {
				t.Errorf("%v: %v, stderr %q; want one line refusing the batch", c.args, err, msg)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, stderr.String())
		}
		// The child's own report: getrusage's maxrss of a child of this
		// (large) test process would carry this process's peak.
		m := peakLine.FindStringSubmatch(stderr.String())
		if m == nil {
			t.Fatalf("%v: no peak memory in %q", c.args, stderr.String())
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		peak := int64(v * (1 << 20))
		if m[2] == "GB" {
			peak <<= 10
		}
		bound := c.memory + weights + overhead
		t.Logf("%v: peak RSS %d MB, bound %d MB", c.args, peak>>20, bound>>20)
		// The heap limit set from --memory must not make the collector
		// run constantly (README: under 5% of the CPU time). The share is
		// the runtime's estimate from wall time, overstated when other
		// processes hold the cores (13.5% at 1 GB under make test's
		// parallel packages, 0.6% alone); the number of collections is not,
		// and a throttled collector runs hundreds.
		if g := gcLine.FindStringSubmatch(stderr.String()); g == nil {
			t.Errorf("%v: no garbage collection share in %q", c.args, stderr.String())
		} else {
			share, _ := strconv.ParseFloat(g[1], 64)
			cycles, _ := strconv.Atoi(g[2])
			t.Logf("%v: garbage collection %v%% of the CPU time, %d collections", c.args, share, cycles)
			if cycles > maxCollections {
				t.Errorf("%v: %d collections, want at most %d", c.args, cycles, maxCollections)
			}
			if quiet() && share >= 5 {
				t.Errorf("%v: garbage collection took %v%% of the CPU time on a quiet machine, want under 5%%", c.args, share)
			}
		}
		if peak > bound {
			t.Errorf("%v: peak RSS %d MB over --memory + weights + overhead = %d MB", c.args, peak>>20, bound>>20)
		}
	}
}

// A model whose layers' exact states do not fit --memory together is
// measured in several passes over the data, each a group of layers: every
// layer exact, N1 equal to a run that holds every layer at once, and peak
// RSS within --memory plus the weights plus the overhead. The model is the
// reduced ResNet-18 of fixtures/families (30 layers, 11530 values per
// sample) on 2000 MNIST test images padded to 3×32×32, whose exact states
// take 92 MB, under --memory 64MB.
func TestPassesWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cxray in child processes")
	}
	const n = 2000
	x, y, err := fixture.MNIST("t10k", n)
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	img := make([]float32, 0, n*3*32*32)
	for s := range n {
		for range 3 {
			for r := -2; r < 30; r++ {
				for c := -2; c < 30; c++ {
					v := float32(0)
					if r >= 0 && r < 28 && c >= 0 && c < 28 {
						v = x[s*784+r*28+c]
					}
					img = append(img, v)
				}
			}
		}
	}
	labels := make([]float32, n)
	for i, l := range y {
		labels[i] = float32(l)
	}
	writeNPY32(t, filepath.Join(dir, "x.npy"), []int{n, 3, 32, 32}, img)
	writeNPY32(t, filepath.Join(dir, "y.npy"), []int{n}, labels)
	data := "npy:" + filepath.Join(dir, "x.npy") + "," + filepath.Join(dir, "y.npy")
	model := "../fixtures/families/resnet18_op13.onnx"
	m, err := analysis.LoadModel(model, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit([][]int{{3, 32, 32}}); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "p.duckdb")
	child := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], append([]string{"analyze", "--model", model, "--data", data, "--db", db}, args...)...)
		cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr.String())
		}
		return stderr.String()
	}
	stderr := child("--memory", "64MB", "--run", "passes")
	if !regexp.MustCompile(`[0-9]+ passes over the data`).MatchString(stderr) || !strings.Contains(stderr, "every layer exact") {
		t.Fatalf("no passes in the plan:\n%s", stderr)
	}
	pm := peakLine.FindStringSubmatch(stderr)
	if pm == nil {
		t.Fatalf("no peak memory in %q", stderr)
	}
	v, _ := strconv.ParseFloat(pm[1], 64)
	peak := int64(v * (1 << 20))
	if pm[2] == "GB" {
		peak <<= 10
	}
	bound := int64(64<<20) + m.WeightBytes() + overhead
	t.Logf("passes: peak RSS %d MB, bound %d MB", peak>>20, bound>>20)
	if peak > bound {
		t.Errorf("peak RSS %d MB over --memory + weights + overhead = %d MB", peak>>20, bound>>20)
	}
	child("--memory", "1GB", "--run", "one")
	rows := query(t, db, `SELECT a.layer_name, a.value AS passes, a.method, b.value AS one, b.method AS one_method
		FROM metrics a JOIN metrics b USING (layer_index) JOIN runs ra ON ra.run_id = a.run_id JOIN runs rb ON rb.run_id = b.run_id
		WHERE ra.name = 'passes' AND rb.name = 'one' AND a.measure = 'N1' AND b.measure = 'N1' ORDER BY layer_index`)
	if len(rows) != len(m.Layers) {
		t.Fatalf("%d rows for %d layers", len(rows), len(m.Layers))
	}
	for _, r := range rows {
		if r["method"] != "exact" || r["one_method"] != "exact" || r["passes"] != r["one"] {
			t.Errorf("%s: N1 %v (%v) in passes, %v (%v) in one pass", r["layer_name"], r["passes"], r["method"], r["one"], r["one_method"])
		}
	}
	// One pass asked for: the plan projects or samples instead.
	stderr = child("--memory", "64MB", "--max-passes", "1", "--run", "single")
	if strings.Contains(stderr, "passes over the data") || !strings.Contains(stderr, "projecting") && !strings.Contains(stderr, "reservoir") {
		t.Errorf("--max-passes 1: plan\n%s", stderr)
	}
}

// writeNPY32 writes float32 values as an NPY file.
func writeNPY32(t *testing.T, path string, shape []int, v []float32) {
	t.Helper()
	if err := fixture.WriteNPY32(path, shape, v); err != nil {
		t.Fatal(err)
	}
}

// maxCollections bounds the collections of one RSS test run: LeNet-5 on
// 4000 images takes 6 to 11; a collector throttled by the heap limit
// takes hundreds (207 against 7 for mobilenet_v2 before the limit left
// the heap room).
const maxCollections = 100

// quiet reports a machine whose load average over the last minute leaves
// a core free, where the runtime's GC share is not overstated by waiting
// for a core.
func quiet() bool {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return false
	}
	load, err := strconv.ParseFloat(f[0], 64)
	return err == nil && load < float64(goruntime.NumCPU()-1)
}
