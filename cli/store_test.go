//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A file the user may only read is read by cxray sql, report and export.
// Run as root, the child runs as nobody, for whom the file is read-only.
func TestReadOnlyFileIsRead(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	db := analyzeDB(t, dir)
	bin := os.Args[0]
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		// nobody must reach the binary, the file and an output directory:
		// open t.TempDir's directory and its parent, the test's own.
		for _, d := range []string{dir, filepath.Dir(dir)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		bin = filepath.Join(dir, "cxray.test")
		copyFile(t, os.Args[0], bin, 0o755)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	child := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if got, err := child("sql", "--db", db, "--format", "csv", "SELECT name FROM runs"); err != nil || got != "name\niris\n" {
		t.Errorf("sql on a read-only file: %q, %v", got, err)
	}
	if got, err := child("report", "--db", db, "--out", filepath.Join(out, "report")); err != nil {
		t.Errorf("report on a read-only file: %v\n%s", err, got)
	}
	if got, err := child("export", "--db", db, "--format", "csv", "--out", filepath.Join(out, "csv")); err != nil {
		t.Errorf("export on a read-only file: %v\n%s", err, got)
	}
	got, err := child("sql", "--db", db, "--write", "DELETE FROM runs")
	if err == nil || strings.Count(strings.TrimSpace(got), "\n") != 0 || !strings.Contains(got, db) {
		t.Errorf("sql --write on a read-only file: %v, %q; want one line naming the file", err, got)
	}
	if rows := query(t, db, `SELECT count(*) AS n FROM runs`); rows[0]["n"] != 1.0 {
		t.Errorf("runs after the refused write: %v", rows)
	}
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// Every command that takes --db refuses, in one line naming the file and
// without hanging, a named pipe, a device and a file that is not DuckDB's.
func TestDBNotADuckDBFile(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST for train and study")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.duckdb")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	lite := filepath.Join(dir, "lite.db")
	// The first bytes of every SQLite 3 file: DuckDB would load its
	// SQLite extension for it, fetching it from the network.
	if err := os.WriteFile(lite, append([]byte("SQLite format 3\x00"), make([]byte, 4080)...), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct{ db, want string }{
		{fifo, "is a named pipe, not a regular file"},
		{"/dev/zero", "is a device, not a regular file"},
		{lite, "is not a DuckDB database file"},
	} {
		for _, args := range [][]string{
			{"analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species"},
			{"train", "--quiet", "--arch", "mlp:8", "--train-size", "100", "--epochs", "1", "--probe", "50"},
			{"study", "--quiet", "--experiments", "samples", "--sizes", "100", "--epochs", "1", "--probe", "50"},
			{"report", "--out", out},
			{"export", "--out", out},
			{"sql", "SELECT 1"},
		} {
			done := make(chan error, 1)
			go func() {
				_, _, err := run(t, append([]string{args[0], "--db", c.db}, args[1:]...)...)
				done <- err
			}()
			select {
			case err := <-done:
				checkOneLineError(t, args[0]+" --db "+c.db, err, []string{c.want, c.db})
			case <-time.After(60 * time.Second):
				t.Fatalf("%s --db %s hangs", args[0], c.db)
			}
		}
	}
	if b, _ := os.ReadFile(lite); !bytes.HasPrefix(b, []byte("SQLite format 3\x00")) || len(b) != 4096 {
		t.Error("the SQLite file was changed")
	}
}

// The second terminal: while cxray analyze --every runs, cxray sql and
// cxray report read the file between its checkpoints and see them
// appear; a second analyze on the file is refused, naming the first; the
// run then completes with all its rows.
func TestWatchRunLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs LeNet-5 on 3000 MNIST images in a child process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "live.duckdb")
	const limit, every = 3000, 500
	cmd := startCxray(t, "checkpoint at", "analyze", "--model", models+"lenet5_mnist.onnx", "--data", "mnist",
		"--split", "train", "--limit", fmt.Sprint(limit), "--every", fmt.Sprint(every), "--db", db, "--run", "live")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	_, _, err := run(t, "analyze", "--quiet", "--data", "csv:../fixtures/iris.csv", "--label", "species", "--db", db)
	checkOneLineError(t, "second analyze", err, []string{"being written by another cxray process", fmt.Sprintf("PID %d ", cmd.Process.Pid), "analyze"})

	seen := map[string]bool{}
	reported := false
	var runErr error
watch:
	for {
		select {
		case runErr = <-exited:
			break watch
		default:
		}
		out, stderr, err := run(t, "sql", "--db", db, "--format", "csv",
			"SELECT r.status, count(m.run_id) AS n FROM runs r LEFT JOIN metrics m USING (run_id) GROUP BY r.status")
		if err != nil {
			t.Fatalf("cxray sql during the run: %v\n%s", err, stderr)
		}
		if strings.HasPrefix(out, "status,n\nrunning,") {
			seen[out] = true
			if !reported {
				if _, stderr, err := run(t, "report", "--db", db, "--out", filepath.Join(dir, "report"), "--all"); err != nil {
					t.Fatalf("cxray report during the run: %v\n%s", err, stderr)
				}
				reported = true
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	if runErr != nil {
		t.Fatalf("analyze: %v", runErr)
	}
	t.Logf("the readers saw %d states of the running run", len(seen))
	if len(seen) < 2 || !reported {
		t.Errorf("the readers saw %d states of the running run (%v), report %v; want the checkpoints to appear", len(seen), seen, reported)
	}
	rows := query(t, db, `SELECT r.status, count(*) AS n, count(DISTINCT m.step) AS steps, max(m.step) AS last,
		count(DISTINCT m.layer_index) AS layers FROM runs r JOIN metrics m USING (run_id) GROUP BY r.status`)
	if len(rows) != 1 || rows[0]["status"] != "complete" {
		t.Fatalf("after the run: %v", rows)
	}
	r := rows[0]
	layers, steps := r["layers"].(float64), r["steps"].(float64)
	// Every checkpoint and the end, every layer at each; the end may write
	// a checkpoint's step again.
	if n := r["n"]; steps != limit/every || r["last"] != float64(limit) || (n != layers*steps && n != layers*(steps+1)) {
		t.Errorf("after the run: %v; want %d steps up to %d, every layer at each", r, limit/every, limit)
	}
}

// A closed terminal (SIGHUP) interrupts a run like Ctrl-C; started under
// nohup, a run ignores it and completes.
func TestHangUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	nohup, err := exec.LookPath("nohup")
	if err != nil {
		t.Skip("nohup not found")
	}
	db := filepath.Join(t.TempDir(), "hup.duckdb")
	args := []string{"analyze", "--data", "mnist", "--split", "train", "--limit", "3000", "--every", "500", "--batch", "250", "--db", db}
	cmd := exec.Command(nohup, append([]string{os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.Contains(sc.Text(), "checkpoint at") {
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("under nohup, SIGHUP ended the run: %v", err)
	}
	if rows := query(t, db, `SELECT status FROM runs`); len(rows) != 1 || rows[0]["status"] != "complete" {
		t.Errorf("under nohup, after SIGHUP: %v", rows)
	}
}
