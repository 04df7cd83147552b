//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sql

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// awaitCommit reads the checkpoints child's lines up to its next commit
// and returns the call number.
func awaitCommit(t *testing.T, lines *bufio.Scanner) int64 {
	t.Helper()
	var call int64
	if _, err := fmt.Sscan(strings.TrimPrefix(await(t, lines, "committed "), "committed "), &call); err != nil {
		t.Fatal(err)
	}
	return call
}

// A reader opens the file between a writer's calls, sees whole calls
// only, and sees the run grow; the writer goes on when it closes.
func TestReadersBetweenCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "live.duckdb")
	cmd, lines := startHelper(t, "checkpoints", path)
	awaitCommit(t, lines)
	go func() { // keep the pipe drained
		for lines.Scan() {
		}
	}()
	seen := map[int64]bool{}
	const readers = 10
	for range readers {
		r, err := OpenReadOnly(path)
		if err != nil {
			t.Fatalf("reader during the run: %v", err)
		}
		n := queryInt(t, r, `SELECT count(*) FROM metrics`)
		if n%checkpointRows != 0 {
			t.Errorf("the reader sees %d rows, not whole calls of %d", n, checkpointRows)
		}
		if st := queryString(t, r, `SELECT status FROM runs`); st != StatusRunning {
			t.Errorf("the run reads as %q while it is written", st)
		}
		seen[n] = true
		r.Close()
		time.Sleep(3 * checkpointPause)
	}
	if len(seen) < 2 {
		t.Errorf("%d readers saw %d row counts; the writer's calls do not appear between them", readers, len(seen))
	}
	// A second writer is refused, naming the first, and changes nothing.
	if s, err := Open(path); err == nil {
		s.Close()
		t.Error("a second writer opened the file during the run")
	} else if !strings.Contains(err.Error(), fmt.Sprintf("PID %d ", cmd.Process.Pid)) {
		t.Errorf("second writer: %v, want the holder's PID", err)
	}
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := queryString(t, r, `SELECT status FROM runs`); st != StatusRunning {
		t.Errorf("after a second writer tried, the live run reads as %q", st)
	}
	r.Close()
}

// A writer with rows to commit waits for a reader that holds the file,
// says so, gives up only when its context ends, leaving nothing of the
// call, and commits once the reader is gone.
func TestWriterWaitsForReaders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "wait.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var told []string
	s.OnWait(func(msg string) { told = append(told, msg) })
	bg := context.Background()
	run, err := s.BeginRun(bg, RunInfo{Name: "waits"})
	if err != nil {
		t.Fatal(err)
	}
	reader, lines := startHelper(t, "read", path)
	await(t, lines, "ready")

	ms := []Metric{{Measure: "N1", Value: 0.5}}
	ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = run.AddMetrics(ctx, ms)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for readers") {
		t.Errorf("AddMetrics while a reader holds the file: %v, want a wait cut short", err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("AddMetrics gave up after %v, before its context ended", waited)
	}
	if want := "waiting for readers of " + s.Path() + " to close it"; len(told) != 1 || told[0] != want {
		t.Errorf("OnWait told %q, want once %q", told, want)
	}

	done := make(chan error, 1)
	go func() { done <- run.AddMetrics(bg, ms) }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("AddMetrics returned (%v) while the reader held the file", err)
	default:
	}
	reader.Process.Kill()
	reader.Wait()
	if err := <-done; err != nil {
		t.Fatalf("AddMetrics after the reader left: %v", err)
	}
	if err := run.Complete(bg); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics`); n != 1 {
		t.Errorf("%d metric rows, want the 1 of the call that waited", n)
	}
}

// SIGKILL at random moments of a writer that opens, commits and releases
// the file for every call: a reader right after sees whole calls, at least
// those reported committed, and a run that is not complete; the next
// writer marks it interrupted.
func TestKillBetweenCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for i := range 6 {
		path := filepath.Join(t.TempDir(), "killed.duckdb")
		cmd, lines := startHelper(t, "checkpoints", path)
		var committed int64
		for range 1 + i%3 {
			committed = awaitCommit(t, lines)
		}
		// Somewhere in the next open, commit, release or pause.
		time.Sleep(time.Duration(rand.Int64N(int64(3 * checkpointPause))))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Read to the end of the pipe before Wait closes it.
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, "committed ") {
				fmt.Sscan(strings.TrimPrefix(l, "committed "), &committed)
			}
		}
		cmd.Wait()

		r, err := OpenReadOnly(path)
		if err != nil {
			t.Fatalf("kill %d: reader after the kill: %v", i, err)
		}
		n := queryInt(t, r, `SELECT count(*) FROM metrics`)
		calls := queryInt(t, r, `SELECT count(DISTINCT step) FROM metrics`)
		if n != calls*checkpointRows || calls < committed || calls > committed+1 {
			t.Errorf("kill %d: %d rows in %d calls after %d committed calls; want whole calls of %d, none lost",
				i, n, calls, committed, checkpointRows)
		}
		if st := queryString(t, r, `SELECT status FROM runs`); st != StatusRunning {
			t.Errorf("kill %d: the killed run reads as %q before any writer opened the file", i, st)
		}
		r.Close()
		s, err := Open(path)
		if err != nil {
			t.Fatalf("kill %d: writer after the kill: %v", i, err)
		}
		if st := queryString(t, s, `SELECT status FROM runs`); st != StatusInterrupted {
			t.Errorf("kill %d: the killed run is %q after the next writer opened the file", i, st)
		}
		s.Close()
		if _, err := os.Stat(path + lockSuffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("kill %d: the writer lock file is left after Close: %v", i, err)
		}
	}
}

// A file removed or replaced between a writer's calls is not recreated
// behind its back.
func TestFileReplacedBetweenCalls(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "a.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	run, err := s.BeginRun(ctx, RunInfo{Name: "replaced"})
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.duckdb")
	b, err := Open(other)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := os.Rename(other, s.Path()); err != nil {
		t.Fatal(err)
	}
	err = run.AddMetrics(ctx, []Metric{{Measure: "N1"}})
	if err == nil || !strings.Contains(err.Error(), "replaced") {
		t.Errorf("AddMetrics into a replaced file: %v", err)
	}
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	if err := run.AddMetrics(ctx, []Metric{{Measure: "N1"}}); err == nil || !strings.Contains(err.Error(), "removed") {
		t.Errorf("AddMetrics into a removed file: %v", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a removed file was recreated: %v", err)
	}
}
