package cli_test

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const hostile = "../importer/testdata/hostile/"

// hostileModels are files that must each give one error line naming the
// problem, from `cxray layers` and `cxray analyze` alike, before anything
// they ask for is allocated (importer/testdata/hostile/make_hostile.py
// made them; the FIFO, device, directory and socket are made here).
func hostileModels(t *testing.T) []struct {
	file, memory string
	want         []string
} {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.onnx")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.onnx")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return []struct {
		file, memory string
		want         []string
	}{
		{hostile + "huge_pad.onnx", "1GB", []string{`node "pad1" (Pad) output 1×3×200008×200008 needs 447.1 GB for one sample`, "over the 1.0 GB --memory budget", "cannot be analyzed within --memory"}},
		{hostile + "huge_conv_pads.onnx", "1GB", []string{`node "conv1" (Conv) output 1×64×200026×200026`}},
		{hostile + "huge_input_dim.onnx", "1GB", []string{`input "input" 1×3×100000×100000 needs 111.8 GB`}},
		{hostile + "concat_dead_end.onnx", "256MB", []string{`node "cat3" (Concat) output 1×262144×28×28 needs 784 MB`, "256 MB --memory budget"}},
		{hostile + "short_raw_data.onnx", "1GB", []string{`initializer "fc.w" (FLOAT 10×784): raw_data holds 16 bytes`}},
		{hostile + "dims_overflow.onnx", "1GB", []string{`initializer "big"`, "more than 2^63 elements"}},
		{hostile + "external_dotdot.onnx", "1GB", []string{`"../outside.bin" leaves the model's folder`}},
		{hostile + "external_absolute.onnx", "1GB", []string{`"/etc/passwd" is an absolute path`}},
		{hostile + "input_double.onnx", "1GB", []string{`input "input" is declared DOUBLE`}},
		{hostile + "input_string.onnx", "1GB", []string{`input "input" is declared STRING`}},
		{hostile + "string_used.onnx", "1GB", []string{`node "cat" (Concat) reads "s2", a STRING tensor`}},
		{hostile + "truncated.onnx", "1GB", []string{"truncated.onnx", "not a valid ONNX model"}},
		{hostile + "random.onnx", "1GB", []string{"random.onnx", "not a valid ONNX model"}},
		{hostile + "bool_constant.onnx", "16KB", []string{"the file needs 32 KB", "limit on the model's file size", "raise --memory"}},
		{fifo, "1GB", []string{"fifo.onnx", "is a FIFO (named pipe), not an ONNX file"}},
		{sock, "1GB", []string{"sock.onnx", "is a socket, not an ONNX file"}},
		{"/dev/zero", "1GB", []string{"/dev/zero", "is a character device, not an ONNX file"}},
		{dir, "1GB", []string{"is a directory, not an ONNX file"}},
	}
}

// TestHostileModels runs `cxray layers` and `cxray analyze` in-process on
// every hostile file: one error line naming the problem, and no run of
// the database left complete.
func TestHostileModels(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.duckdb")
	for _, c := range hostileModels(t) {
		_, _, err := run(t, "layers", "--model", c.file, "--memory", c.memory)
		checkOneLineError(t, "layers "+c.file, err, c.want)
		_, _, err = run(t, "analyze", "--quiet", "--model", c.file, "--data", "mnist", "--limit", "50", "--db", db, "--memory", c.memory)
		checkOneLineError(t, "analyze "+c.file, err, c.want)
	}
	// An integer input takes integer data: MNIST's float pixels are refused
	// before a run starts.
	_, _, err := run(t, "analyze", "--quiet", "--model", hostile+"input_int64.onnx", "--data", "mnist", "--limit", "50", "--db", db)
	checkOneLineError(t, "int64 input", err, []string{`input "input" is declared INT64 (token ids, a mask), but --data mnist/test holds floats`, "X.astype(np.int64)"})
	// A model whose forward pass does not fit even one sample at a time is
	// refused before the run, with what to change.
	_, _, err = run(t, "analyze", "--quiet", "--model", hostile+"concat_dead_end.onnx", "--data", "mnist", "--limit", "50", "--db", db)
	checkOneLineError(t, "dead end", err, []string{"concat_dead_end.onnx", "one sample's activations in the forward pass take 6.1 GB", "raise --memory"})
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT run_id, status FROM runs WHERE status = 'complete'`); len(rows) != 0 {
			t.Errorf("complete runs after hostile models: %v", rows)
		}
	}
}

// TestAwkwardModelsRun: a BOOL constant, an Identity of an initializer
// and external data load, run and list their layers.
func TestAwkwardModelsRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ok.duckdb")
	for _, f := range []string{"bool_constant.onnx", "identity_init.onnx", "external_ok.onnx"} {
		out, _, err := run(t, "layers", "--model", hostile+f)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if err != nil || strings.Join(strings.Fields(lines[len(lines)-1])[1:], " ") != "output Gemm 10 10" {
			t.Errorf("layers %s: %v\n%s", f, err, out)
		}
		if _, _, err := run(t, "analyze", "--quiet", "--model", hostile+f, "--data", "mnist", "--limit", "50", "--db", db, "--run", f); err != nil {
			t.Errorf("analyze %s: %v", f, err)
		}
	}
	rows := query(t, db, `SELECT count(*) AS n FROM runs WHERE status = 'complete'`)
	if len(rows) != 1 || rows[0]["n"] != float64(3) {
		t.Errorf("complete runs: %v, want 3", rows)
	}
}

// TestHostileModelsProcess runs cxray as a process on the worst files:
// a non-zero exit, one line on stderr, and no Go stack trace or fatal
// error. The address space is capped (ulimit -v) so that a regression
// fails fast instead of swapping the machine.
func TestHostileModelsProcess(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh for ulimit")
	}
	for _, c := range hostileModels(t) {
		if !strings.Contains(c.file, "huge_pad") && !strings.Contains(c.file, "dead_end") && !strings.Contains(c.file, "fifo") && c.file != "/dev/zero" {
			continue
		}
		for _, args := range [][]string{
			{"layers", "--model", c.file, "--memory", c.memory},
			{"analyze", "--quiet", "--model", c.file, "--data", "mnist", "--limit", "50", "--memory", c.memory, "--db", filepath.Join(t.TempDir(), "p.duckdb")},
		} {
			cmd := exec.Command("sh", append([]string{"-c", `ulimit -v 8000000; exec "$0" "$@"`, os.Args[0]}, args...)...)
			cmd.Env = append(os.Environ(), "CXRAY_AS_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Errorf("%v: %v, want a non-zero exit", args, err)
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, "cxray: ") {
				t.Errorf("%v: stderr is not one line starting cxray: %q", args, msg)
			}
			for _, bad := range []string{"goroutine ", "panic", "fatal error", "out of memory"} {
				if strings.Contains(msg, bad) {
					t.Errorf("%v: stderr holds %q: %q", args, bad, msg)
				}
			}
			if !strings.Contains(msg, c.want[0]) {
				t.Errorf("%v: stderr %q does not name %q", args, msg, c.want[0])
			}
		}
	}
}
