package sql

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	pathEnv   = "CXRAY_SQL_TEST_PATH"
	killBatch = 400_000 // rows per AddMetrics call of the writer child

	checkpointRows  = 1000                  // rows per call of the checkpoints child
	checkpointPause = 20 * time.Millisecond // between its calls
)

// runHelper is the child side of the two-process tests. It reports
// progress on stdout, one line per event, and runs until it is killed.
func runHelper(mode string) int {
	path := os.Getenv(pathEnv)
	open := Open
	if mode == "read" {
		open = OpenReadOnly
	}
	s, err := open(path)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	s.OnWait(func(msg string) { fmt.Println("waiting:", msg) })
	ctx := context.Background()
	switch mode {
	case "hold", "read":
		fmt.Println("ready")
		time.Sleep(time.Hour) // until the test kills it
	case "checkpoints":
		// Small calls in a loop, as cxray analyze --every writes them.
		r, err := s.BeginRun(ctx, RunInfo{Name: "checkpoints"})
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		ms := make([]Metric, checkpointRows)
		for call := 1; ; call++ {
			for i := range ms {
				ms[i] = Metric{Step: int64(call), LayerIndex: i, Measure: "N1", Value: float64(i)}
			}
			fmt.Println("appending", call)
			if err := r.AddMetrics(ctx, ms); err != nil {
				fmt.Println("error:", err)
				return 1
			}
			fmt.Println("committed", call)
			time.Sleep(checkpointPause)
		}
	case "write":
		r, err := s.BeginRun(ctx, RunInfo{Name: "killed"})
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		if err := r.AddLayers(ctx, []Layer{{Index: 0, Name: "fc", Shape: []int{10}}}); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		ms := make([]Metric, killBatch)
		for call := 1; ; call++ {
			for i := range ms {
				ms[i] = Metric{Step: int64(call), Measure: "N1", Value: float64(i)}
			}
			fmt.Println("appending", call)
			start := time.Now()
			if err := r.AddMetrics(ctx, ms); err != nil {
				fmt.Println("error:", err)
				return 1
			}
			fmt.Println("committed", call, time.Since(start).Nanoseconds())
		}
	}
	fmt.Println("error: unknown mode", mode)
	return 2
}

// startHelper starts the test binary as a child in mode on path and
// returns it with a reader of its stdout lines.
func startHelper(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, pathEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewScanner(out)
}

// await reads lines until one starts with prefix, failing on an error line.
func await(t *testing.T, lines *bufio.Scanner, prefix string) string {
	t.Helper()
	for lines.Scan() {
		l := lines.Text()
		if strings.HasPrefix(l, "error:") {
			t.Fatalf("child: %s", l)
		}
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("child ended before printing %q", prefix)
	return ""
}

func TestOpenLockedByOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "held.duckdb")
	cmd, lines := startHelper(t, "hold", path)
	await(t, lines, "ready")

	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a file another process holds")
	}
	if !strings.Contains(err.Error(), "being written by another cxray process") || !strings.Contains(err.Error(), fmt.Sprintf("PID %d ", cmd.Process.Pid)) {
		t.Errorf("Open = %q, want a lock error naming the holder's PID", err)
	}
}

// TestKillMidAddMetrics kills a writer with SIGKILL while an AddMetrics
// call is in progress and checks that the file opens again, holds only
// whole calls, and shows the run as interrupted.
func TestKillMidAddMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "killed.duckdb")
	cmd, lines := startHelper(t, "write", path)
	var call int
	var took time.Duration
	if _, err := fmt.Sscan(strings.TrimPrefix(await(t, lines, "committed 2 "), "committed"), &call, &took); err != nil {
		t.Fatal(err)
	}
	await(t, lines, "appending 3")
	// Kill the third call three quarters in, judging by how long the
	// second took: past the 204800 rows at which DuckDB's appender moves
	// rows into the table (inside the transaction) and, at 122880 rows a
	// row group, past the point where DuckDB writes row groups to the file
	// ahead of COMMIT.
	wait := took * 3 / 4
	t.Logf("call 2 took %v; killing call 3 after %v", took, wait)
	time.Sleep(wait)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s, err := Open(path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	status := queryString(t, s, `SELECT status FROM runs WHERE name = 'killed'`)
	if status != StatusInterrupted {
		t.Errorf("killed run has status %q, want %q", status, StatusInterrupted)
	}
	if e := queryString(t, s, `SELECT error FROM runs WHERE name = 'killed'`); !strings.Contains(e, "abandoned") {
		t.Errorf("killed run has error %q, want it to say abandoned", e)
	}
	n := queryInt(t, s, `SELECT count(*) FROM metrics`)
	calls := queryInt(t, s, `SELECT count(DISTINCT step) FROM metrics`)
	if n < 2*killBatch || n%killBatch != 0 || n != calls*killBatch {
		t.Errorf("%d metric rows in %d calls after the kill; want whole calls of %d rows, at least 2", n, calls, killBatch)
	}
	if calls > 2 && n == calls*killBatch {
		t.Logf("%d calls committed before the kill; the machine may be slow", calls)
	}
	if l := queryInt(t, s, `SELECT count(*) FROM layers`); l != 1 {
		t.Errorf("%d layers after the kill, want 1", l)
	}
}
