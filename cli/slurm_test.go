package cli_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSlurm runs a 4-shard analysis of the bundled LeNet-5 on 2000 MNIST
// test images on a real Slurm cluster (scripts/test-slurm.sh starts one)
// and checks, on the databases, that N1 of every layer equals the
// single-machine run under --ties total, and the moment-based measures
// merged from the shards' states, and T1 from the covers tasks, equal its
// values to 1e-9 relative. Then it cancels one pairs task of a second
// submission: the covers tasks and the merge must refuse and name it, and
// the resubmission of that task and of the covers tasks must give the
// identical result.
func TestSlurm(t *testing.T) {
	if os.Getenv("CXRAY_SLURM") != "1" {
		t.Skip("needs a Slurm cluster: make test-slurm starts one and runs this test (scripts/test-slurm.sh)")
	}
	const lenet = models + "lenet5_mnist.onnx"
	dir := t.TempDir()
	// The jobs run this test binary as cxray; sbatch passes the environment on.
	t.Setenv("CXRAY_AS_MAIN", "1")
	data := []string{"--model", lenet, "--data", "mnist", "--split", "test", "--limit", "2000"}

	moments := []string{"--measures", "n1,F1,F2,T2,C1,C2,T1"}
	one := filepath.Join(dir, "one.duckdb")
	if _, stderr, err := run(t, append(append([]string{"analyze", "--quiet", "--ties", "total", "--db", one, "--run", "one"}, moments...), data...)...); err != nil {
		t.Fatalf("single-machine run: %v\n%s", err, stderr)
	}
	want := slurmN1(t, one)

	// A whole sharded run.
	work := filepath.Join(dir, "w")
	if _, stderr, err := run(t, append(append([]string{"shard", "plan", "--dir", work, "--shards", "4"}, moments...), data...)...); err != nil {
		t.Fatalf("plan: %v\n%s", err, stderr)
	}
	sharded := filepath.Join(dir, "sharded.duckdb")
	ids := submit(t, "slurm", "--dir", work, "--db", sharded, "--cxray", os.Args[0], "--submit")
	waitJob(t, ids["merge"], 10*time.Minute)
	if got := slurmN1(t, sharded); !equalN1(got, want) {
		t.Fatalf("sharded N1 %v, single machine %v", got, want)
	}
	wantM, gotM := slurmMeasures(t, one), slurmMeasures(t, sharded)
	if len(gotM) != len(wantM) || len(wantM) != 6*len(want) {
		t.Errorf("%d measure rows sharded, %d on one machine, want 6 per layer", len(gotM), len(wantM))
	}
	for k, w := range wantM {
		if g, ok := gotM[k]; !ok || !(math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))) {
			t.Errorf("%s: %v sharded, %v on one machine", k, g, w)
		}
	}

	// A second submission loses pairs task 2.
	work2 := filepath.Join(dir, "w2")
	if _, stderr, err := run(t, append(append([]string{"shard", "plan", "--dir", work2, "--shards", "4"}, moments...), data...)...); err != nil {
		t.Fatalf("plan: %v\n%s", err, stderr)
	}
	again := filepath.Join(dir, "again.duckdb")
	ids = submit(t, "slurm", "--dir", work2, "--db", again, "--cxray", os.Args[0], "--submit")
	if out, err := exec.Command("scancel", ids["pairs"]+"_2").CombinedOutput(); err != nil {
		t.Fatalf("scancel: %v %s", err, out)
	}
	waitJob(t, ids["merge"], 10*time.Minute)
	out, err := os.ReadFile(filepath.Join(work2, "slurm", "merge-"+ids["merge"]+".out"))
	if err != nil || !strings.Contains(string(out), "pairs 2; covers 0-5") || !strings.Contains(string(out), "7 of 16 tasks") {
		t.Fatalf("merge after a cancelled task: %v %q; want it to refuse naming pairs 2 and the covers tasks", err, out)
	}
	if _, err := os.Stat(again); err == nil && len(slurmN1(t, again)) > 0 {
		t.Fatal("the refused merge wrote a run")
	}
	ids = submit(t, "slurm", "--dir", work2, "--db", again, "--cxray", os.Args[0], "--resubmit", "--submit")
	if _, ok := ids["extract"]; ok {
		t.Errorf("resubmission submitted the extract tasks again: %v", ids)
	}
	waitJob(t, ids["merge"], 10*time.Minute)
	if got := slurmN1(t, again); !equalN1(got, want) {
		t.Fatalf("resubmitted N1 %v, single machine %v", got, want)
	}
	if got := slurmMeasures(t, again); !equalN1(got, gotM) {
		t.Errorf("resubmitted measures %v, first sharded run %v", got, gotM)
	}
}

// submit runs cxray slurm and returns the job ids it printed, by kind.
func submit(t *testing.T, args ...string) map[string]string {
	t.Helper()
	stdout, stderr, err := run(t, args...)
	if err != nil {
		t.Fatalf("cxray %v: %v\n%s", args, err, stderr)
	}
	ids := map[string]string{}
	for _, m := range regexp.MustCompile(`submitted (\w+) job (\d+)`).FindAllStringSubmatch(stdout, -1) {
		ids[m[1]] = m[2]
	}
	if ids["merge"] == "" {
		t.Fatalf("cxray %v printed no merge job: %q", args, stdout)
	}
	return ids
}

// waitJob waits until Slurm no longer lists job id as pending or running.
func waitJob(t *testing.T, id string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		out, err := exec.Command("squeue", "-h", "-j", id, "-o", "%T").Output()
		if err != nil || strings.TrimSpace(string(out)) == "" {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	queue, _ := exec.Command("squeue").CombinedOutput()
	t.Fatalf("job %s still queued after %v:\n%s", id, limit, queue)
}

// n1ByLayer reads the N1 of every layer of the file's last run.
func slurmN1(t *testing.T, db string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range query(t, db, `SELECT layer_name, value FROM metrics WHERE measure = 'N1' AND run_id = (SELECT max(run_id) FROM runs WHERE status = 'complete')`) {
		out[fmt.Sprint(r["layer_name"])] = r["value"].(float64)
	}
	return out
}

// slurmMeasures reads the measures beyond N1 of the file's last run, by
// layer and measure.
func slurmMeasures(t *testing.T, db string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range query(t, db, `SELECT layer_name, measure, value FROM metrics WHERE measure <> 'N1' AND run_id = (SELECT max(run_id) FROM runs WHERE status = 'complete')`) {
		out[fmt.Sprint(r["layer_name"], "/", r["measure"])] = r["value"].(float64)
	}
	return out
}

func equalN1(a, b map[string]float64) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
