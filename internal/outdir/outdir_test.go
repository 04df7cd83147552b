package outdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPublishReplacesFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "out")
	d, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(out, "a.txt"), "old")
	write(t, filepath.Join(d.Stage(), "a.txt"), "new a")
	write(t, filepath.Join(d.Stage(), "b.txt"), "new b")
	if err := d.Publish("a.txt", "b.txt"); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if a, b := read(t, filepath.Join(out, "a.txt")), read(t, filepath.Join(out, "b.txt")); a != "new a" || b != "new b" {
		t.Errorf("published files hold %q and %q", a, b)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("output directory holds %d entries after Close, want the 2 files", len(entries))
	}
}

// A symbolic link planted at an output name is refused, and the file it
// points to is left alone; so is a link as the output directory.
func TestPlantedLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	write(t, victim, "precious")
	out := filepath.Join(dir, "out")
	d, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := os.Symlink(victim, filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Stage(), "chart.png"), "png")
	write(t, filepath.Join(d.Stage(), "index.html"), "html")
	err = d.Publish("chart.png", "index.html")
	if err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), "index.html") {
		t.Errorf("Publish over a planted link: %v", err)
	}
	if got := read(t, victim); got != "precious" {
		t.Errorf("the link's target now holds %q", got)
	}
	if _, err := os.Lstat(filepath.Join(out, "chart.png")); err == nil {
		t.Error("Publish moved a file before refusing another")
	}

	if err := os.Mkdir(filepath.Join(out, "sub.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Stage(), "sub.txt"), "x")
	if err := d.Publish("sub.txt"); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Publish over a directory: %v", err)
	}
	for _, name := range []string{"../x", "missing"} {
		if err := d.Publish(name); err == nil {
			t.Errorf("Publish(%q) succeeded", name)
		}
	}

	link := filepath.Join(dir, "linked")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Create of a linked directory: %v", err)
	}
	if _, err := Create(victim); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Create of a file: %v", err)
	}
	if _, err := Create(""); err == nil {
		t.Error("Create of an empty path succeeded")
	}
}
