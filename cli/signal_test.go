package cli_test

import (
	"bufio"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startCxray runs cxray in a child process and returns once its stderr
// has printed a line containing ready.
func startCxray(t *testing.T, ready string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if !sent && strings.Contains(sc.Text(), ready) {
				found <- true
				sent = true
			}
		}
		if !sent {
			found <- false
		}
	}()
	select {
	case ok := <-found:
		if !ok {
			cmd.Wait()
			t.Fatalf("cxray %v ended before printing %q", args, ready)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("cxray %v did not print %q within a minute", args, ready)
	}
	return cmd
}

// An interrupted run (Ctrl-C, SIGTERM, or SIGHUP from a closed terminal)
// is marked interrupted and keeps its committed rows; a killed one leaves
// a file that opens and a run that is not complete.
func TestInterruptAndKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGKILL} {
		if sig == syscall.SIGHUP && signal.Ignored(sig) {
			// Under nohup the child inherits the ignored SIGHUP, and cxray
			// leaves it ignored, as nohup asks.
			t.Logf("%v: ignored by this process (nohup?), as by its children: not sent", sig)
			continue
		}
		db := filepath.Join(t.TempDir(), "sig.duckdb")
		cmd := startCxray(t, "checkpoint at", "analyze", "--data", "mnist", "--split", "train", "--limit", "20000",
			"--every", "500", "--batch", "250", "--db", db, "--run", sig.String())
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if err == nil {
			t.Errorf("%v: cxray exited 0", sig)
		}
		rows := query(t, db, `SELECT r.status, count(m.run_id) AS n FROM runs r LEFT JOIN metrics m USING (run_id) GROUP BY r.status`)
		if len(rows) != 1 {
			t.Fatalf("%v: runs %v", sig, rows)
		}
		status, n := rows[0]["status"], rows[0]["n"].(float64)
		switch {
		case status == "complete":
			t.Errorf("%v: run marked complete", sig)
		case sig != syscall.SIGKILL && status != "interrupted":
			t.Errorf("%v: status %v, want interrupted", sig, status)
		case n < 1:
			t.Errorf("%v: the checkpoint rows committed before the signal are gone", sig)
		}
	}
}
