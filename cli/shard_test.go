package cli_test

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// A sharded run of iris as a shell loop would drive it, with the measures
// that merge across shards: every value equals cxray analyze --ties total
// on one machine, N1, N3 and T1 exactly, the others to 1e-9 relative.
// T1's covers tasks wait for every pairs task, shard status lists them
// and the merge refuses, naming them, until they are done. The measures
// that need every shard's points are refused in one line.
func TestShardMeasures(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "w")
	const measures = "n1,F1,F1v,F2,T2,T3,T4,C1,C2,NC1,N2,N3,T1"
	data := []string{"--data", "csv:../fixtures/iris.csv", "--label", "species"}
	_, _, err := run(t, append([]string{"shard", "plan", "--dir", work, "--shards", "3", "--measures", "survey"}, data...)...)
	checkOneLineError(t, "shard plan --measures survey", err, []string{"F3", "F4", "LSC", "L1", "Density", "cannot compute", "cxray analyze"})
	if strings.Contains(err.Error(), "T1") {
		t.Errorf("shard plan refuses T1: %v", err)
	}

	out, _, err := run(t, append([]string{"shard", "plan", "--dir", work, "--shards", "3", "--measures", measures}, data...)...)
	if err != nil || !strings.Contains(out, "covers tasks 0-2") {
		t.Fatalf("shard plan: %v %q", err, out)
	}
	for i := range 3 {
		if _, _, err := run(t, "shard", "extract", "--dir", work, "--task", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if i == 2 {
			_, _, err := run(t, "shard", "covers", "--dir", work, "--task", "0")
			checkOneLineError(t, "shard covers before pairs task 2", err, []string{"covers task 0", "pairs 2 ", "run them first"})
		}
		if _, _, err := run(t, "shard", "pairs", "--dir", work, "--task", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "out.duckdb")
	for i := range 3 {
		if i == 1 {
			out, _, err := run(t, "shard", "status", "--dir", work)
			if err == nil || !strings.Contains(out, "covers: 2 of 3 missing 1-2") {
				t.Errorf("shard status with covers tasks 1-2 missing: %v %q", err, out)
			}
			_, _, err = run(t, "shard", "merge", "--dir", work, "--db", db, "--run", "sharded")
			checkOneLineError(t, "shard merge before covers tasks 1-2", err, []string{"covers 1-2", "2 of 9 tasks"})
		}
		if _, _, err := run(t, "shard", "covers", "--dir", work, "--task", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = run(t, "shard", "merge", "--dir", work, "--db", db, "--run", "sharded")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "NC1") || !strings.Contains(out, "T4") {
		t.Errorf("merge printed no measures beyond N1:\n%s", out)
	}
	if _, _, err := run(t, append([]string{"analyze", "--quiet", "--ties", "total", "--db", db, "--run", "one", "--measures", measures}, data...)...); err != nil {
		t.Fatal(err)
	}
	rows := query(t, db, `SELECT r.name AS run, m.measure, m.value FROM metrics m JOIN runs r USING (run_id) ORDER BY m.measure`)
	got := map[string]map[string]float64{"sharded": {}, "one": {}}
	for _, r := range rows {
		got[r["run"].(string)][r["measure"].(string)] = r["value"].(float64)
	}
	if len(got["sharded"]) != 13 || len(got["one"]) != 13 {
		t.Fatalf("measures sharded %v, one machine %v", got["sharded"], got["one"])
	}
	for m, want := range got["one"] {
		v := got["sharded"][m]
		tol := 1e-9 * math.Max(1, math.Abs(want))
		if m == "N1" || m == "N3" || m == "T1" {
			tol = 0
		}
		if !(math.Abs(v-want) <= tol) {
			t.Errorf("%s: %.15g sharded, %.15g on one machine", m, v, want)
		}
	}
	// Both runs name the rule that decided their ties, in every row.
	for _, r := range query(t, db, `SELECT r.name AS run, m.measure, m.params->>'tie_rule' AS rule FROM metrics m JOIN runs r USING (run_id)
		WHERE m.measure IN ('N1', 'N2', 'N3', 'T1')`) {
		if r["rule"] != "total" {
			t.Errorf("%s, %s: tie_rule %v, want total", r["run"], r["measure"], r["rule"])
		}
	}
}
