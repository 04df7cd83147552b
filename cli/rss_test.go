package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cxray/stream/analysis"
)

// peakLine is analyze's last progress line: "... peak memory 204 MB ...".
var peakLine = regexp.MustCompile(`peak memory ([0-9.]+) (MB|GB)`)

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
	weights := m.WeightBytes()
	for _, c := range []struct {
		memory  int64
		args    []string
		refused bool // the batch does not fit: one line saying which does
	}{
		{128 << 20, []string{"--memory", "128MB"}, false},
		{256 << 20, []string{"--memory", "256MB", "--batch", "200"}, false},
		{1 << 30, []string{"--memory", "1GB", "--batch", "1000"}, false},
		{512 << 20, []string{"--memory", "512MB", "--batch", "2000"}, true},
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
			if err == nil || strings.Contains(msg, "\n") || !strings.Contains(msg, "--batch 2000") || !strings.Contains(msg, "at most") {
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
		if peak > bound {
			t.Errorf("%v: peak RSS %d MB over --memory + weights + overhead = %d MB", c.args, peak>>20, bound>>20)
		}
	}
}
