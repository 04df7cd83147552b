package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// persampleRef is fixtures/reference/persample_reference.py's answer.
type persampleRef struct {
	N          int        `json:"n"`
	N1         float64    `json:"n1"`
	OnBoundary []bool     `json:"on_boundary"`
	SameD      []*float64 `json:"same_d"`
	OtherD     []*float64 `json:"other_d"`
	NNOther    []bool     `json:"nn_other"`
	Labels     []int      `json:"labels"`
	Classes    []string   `json:"classes"`
	Pairs      [][3]int   `json:"pairs"`
}

// persampleReference runs the float64 reference with args, skipping the
// test without Debian's python3 and numpy.
func persampleReference(t *testing.T, args ...string) persampleRef {
	t.Helper()
	const py = "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("the per-sample reference needs /usr/bin/python3 with numpy (make deps)")
	}
	cmd := exec.Command(py, append([]string{"../fixtures/reference/persample_reference.py"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference %v: %v\n%s", args, err, stderr.String())
	}
	var r persampleRef
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// checkSamplesAgainst compares the samples and class_pairs rows of one
// layer of the run named run with the reference: on_boundary and nn_other
// sample by sample, n2_ratio to rtol (the reference sums the float32
// values' squares in another order, or from decimals), the cross edges per
// pair of classes exactly, and the mean of on_boundary with the stored N1
// exactly.
func checkSamplesAgainst(t *testing.T, db, run string, layer int, ref persampleRef, rtol float64) {
	t.Helper()
	where := fmt.Sprintf("run_id = (SELECT run_id FROM runs WHERE name = '%s') AND layer_index = %d", run, layer)
	rows := query(t, db, `SELECT sample, label, on_boundary, n2_ratio, nn_other, method, sample_key FROM samples WHERE `+where+` ORDER BY sample`)
	if len(rows) != ref.N {
		t.Fatalf("%s layer %d: %d samples rows, reference %d samples", run, layer, len(rows), ref.N)
	}
	on := 0
	for i, r := range rows {
		if int(r["sample"].(float64)) != i || r["label"] != ref.Classes[ref.Labels[i]] || r["method"] != "exact" {
			t.Fatalf("%s layer %d row %d: %v, want sample %d, label %s, exact", run, layer, i, r, i, ref.Classes[ref.Labels[i]])
		}
		if r["on_boundary"] != ref.OnBoundary[i] {
			t.Errorf("%s layer %d sample %d: on_boundary %v, reference %v", run, layer, i, r["on_boundary"], ref.OnBoundary[i])
		}
		if r["nn_other"] != ref.NNOther[i] {
			t.Errorf("%s layer %d sample %d: nn_other %v, reference %v", run, layer, i, r["nn_other"], ref.NNOther[i])
		}
		if r["on_boundary"] == true {
			on++
		}
		if s, o := ref.SameD[i], ref.OtherD[i]; s != nil && o != nil && *o > 0 {
			want := *s / *o
			got, ok := r["n2_ratio"].(float64)
			if !ok || math.Abs(got-want) > rtol*want {
				t.Errorf("%s layer %d sample %d: n2_ratio %v, reference %v", run, layer, i, r["n2_ratio"], want)
			}
		}
	}
	n1 := query(t, db, `SELECT value FROM metrics WHERE measure = 'N1' AND `+where)
	if len(n1) != 1 || n1[0]["value"].(float64) != float64(on)/float64(ref.N) {
		t.Errorf("%s layer %d: N1 rows %v, mean of on_boundary %v", run, layer, n1, float64(on)/float64(ref.N))
	}
	if float64(on)/float64(ref.N) != ref.N1 {
		t.Errorf("%s layer %d: mean of on_boundary %v, reference N1 %v", run, layer, float64(on)/float64(ref.N), ref.N1)
	}
	pairs := query(t, db, `SELECT class_a, class_b, cross_edges FROM class_pairs WHERE `+where+` ORDER BY class_a, class_b`)
	if len(pairs) != len(ref.Pairs) {
		t.Fatalf("%s layer %d: %d class pairs, reference %d", run, layer, len(pairs), len(ref.Pairs))
	}
	for k, p := range ref.Pairs {
		got := pairs[k]
		if got["class_a"] != ref.Classes[p[0]] || got["class_b"] != ref.Classes[p[1]] || int(got["cross_edges"].(float64)) != p[2] {
			t.Errorf("%s layer %d: class pair %v, reference %s %s %d", run, layer, got, ref.Classes[p[0]], ref.Classes[p[1]], p[2])
		}
	}
}

// Per-sample rows against the independent float64 reference on the same
// points: PyTorch's activations of a small CNN on 300 MNIST images (every
// layer), and iris, whose decimal ties the tie tolerance resolves.
func TestSamplesMatchReference(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samples.duckdb")
	if _, stderr, err := run(t, "analyze", "--quiet", "--data", "acts:"+actsDir, "--samples", "on", "--db", db, "--run", "acts"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	layers := query(t, db, `SELECT layer_index, layer_name FROM layers ORDER BY layer_index`)
	if len(layers) != 7 {
		t.Fatalf("%d layers, want 7", len(layers))
	}
	for _, l := range layers {
		stem := l["layer_name"].(string)
		ref := persampleReference(t, "--x", filepath.Join(actsDir, stem+".npy"), "--y", filepath.Join(actsDir, "labels.npy"))
		checkSamplesAgainst(t, db, "acts", int(l["layer_index"].(float64)), ref, 1e-9)
	}
	if _, stderr, err := run(t, "analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species", "--db", db, "--run", "iris"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// The reference reads the decimals, cxray float32: differences of
	// close values amplify float32's 6e-8 to a few 1e-6 in a distance.
	checkSamplesAgainst(t, db, "iris", 0, persampleReference(t, "--csv", "../fixtures/iris.csv", "--label", "species"), 1e-5)
}

// The per-sample flags refuse what they cannot do in one line, before any
// run is recorded.
func TestSamplesFlagsRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "refused.duckdb")
	iris := []string{"--data", "csv:../fixtures/iris.csv", "--label", "species"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append([]string{"--samples", "maybe"}, iris...), `--samples "maybe": want auto, on or off`},
		{append([]string{"--samples", "on", "--distance", "gower"}, iris...), "--distance gower measures N1 on another"},
		{append([]string{"--samples", "on", "--conventions", "ecol"}, iris...), "--conventions ecol measures N1 on another"},
		{append([]string{"--label-noise", "1.5"}, iris...), "--label-noise 1.5: give the fraction"},
		{append([]string{"--label-noise", "-0.1"}, iris...), "--label-noise -0.1: give the fraction"},
		{append([]string{"--id", "nope"}, iris...), `no column "nope" for --id`},
		{[]string{"--data", "mnist", "--limit", "10", "--id", "x"}, "names a CSV or Parquet column"},
	} {
		_, _, err := run(t, append([]string{"analyze", "--quiet", "--db", db}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want one line with %q", c.args, err, c.want)
		}
	}
	if rows := query(t, db, `SELECT count(*) AS n FROM runs`); rows[0]["n"].(float64) != 0 {
		t.Errorf("%v runs recorded", rows[0]["n"])
	}
}
