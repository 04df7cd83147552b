package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fakeEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestFindExplicitDirs(t *testing.T) {
	good := t.TempDir()
	tinyMNIST(t, good, 3, true)
	empty := t.TempDir()
	missing := filepath.Join(empty, "nope")

	f := mnistFinder{getenv: fakeEnv(map[string]string{"CXRAY_DATA": good}), version: goMNISTVersion}
	images, labels, err := f.find("", "test")
	if err != nil {
		t.Fatal(err)
	}
	if images != filepath.Join(good, "t10k-images-idx3-ubyte.gz") || labels != filepath.Join(good, "t10k-labels-idx1-ubyte") {
		t.Errorf("CXRAY_DATA gave %s and %s", images, labels)
	}

	// An explicit folder wins over CXRAY_DATA, and a wrong one is an
	// error rather than a silent fallback to other data.
	for _, dir := range []string{empty, missing} {
		_, _, err := f.find(dir, "test")
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "CXRAY_DATA") {
			t.Errorf("data dir %s: error %v, want one naming the folder and the fix", dir, err)
		}
	}
	// The test split's files do not make a train split.
	if _, _, err := f.find(good, "train"); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("train split in a test-only folder: error %v, want one naming the missing file", err)
	}

	f.getenv = fakeEnv(map[string]string{"CXRAY_DATA": empty})
	if _, _, err := f.find("", "test"); err == nil || !strings.Contains(err.Error(), "CXRAY_DATA: "+empty) {
		t.Errorf("bad CXRAY_DATA: error %v, want one naming it", err)
	}
}

func TestFindModuleCache(t *testing.T) {
	cache := t.TempDir()
	// The module cache spells capitals as '!' and the lower-case letter.
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@v1.2.3", "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tinyMNIST(t, dir, 3, false)
	f := mnistFinder{getenv: fakeEnv(map[string]string{"GOMODCACHE": cache, "GOPATH": t.TempDir()}), version: "v1.2.3"}
	images, _, err := f.find("", "test")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "t10k-images-idx3-ubyte"); images != want {
		t.Errorf("found %s, want %s", images, want)
	}
}

func TestFindNothing(t *testing.T) {
	cache := t.TempDir()
	f := mnistFinder{getenv: fakeEnv(map[string]string{"GOMODCACHE": cache, "GOPATH": cache}), version: goMNISTVersion}
	_, _, err := f.find("", "test")
	if err == nil {
		t.Fatal("found MNIST in an empty module cache")
	}
	for _, want := range []string{"--data-dir", "CXRAY_DATA", cache, "no go command", "t10k-labels-idx1-ubyte.gz"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// The last resort asks go mod download for the module's folder. The
// cache already holds the module (building this package put it there),
// so this needs no network. download is called directly: find would
// not reach it, because modCaches asks go env, which knows the cache.
func TestFindGoModDownload(t *testing.T) {
	f := newMNISTFinder()
	if f.goTool == "" {
		t.Skip("no go command on PATH")
	}
	f.version = goMNISTVersion
	dir, err := f.download()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := mnistFiles(filepath.Join(dir, "data"), "train"); err != nil {
		t.Fatal(err)
	}
}

// Test binaries carry no dependency list in their build info, so the
// finder falls back to goMNISTVersion there and in stripped builds. It
// must be the version go.mod requires, or the cache lookup misses.
func TestVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if want := goMNISTModule + " " + goMNISTVersion; !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %s; update goMNISTVersion in gomnist.go", want)
	}
}
