package source

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// actsDir writes n samples of three layers: l2 (2x3 float32, value
// 100*i+j), l10 (4 float64, -(10*i+j)) and conv (1 float32, i/2), and
// labels (i*7)%3 into a fresh folder.
func actsDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var a, b, c []float64
	var y []float64
	for i := range n {
		for j := range 6 {
			a = append(a, float64(100*i+j))
		}
		for j := range 4 {
			b = append(b, -float64(10*i+j))
		}
		c = append(c, float64(i)/2)
		y = append(y, float64((i*7)%3))
	}
	writeFile(t, dir, "l2.npy", npyArray("<f4", []int{n, 2, 3}, a))
	writeFile(t, dir, "l10.npy", npyArray("<f8", []int{n, 4}, b))
	writeFile(t, dir, "conv.npy", npyArray("<f4", []int{n}, c))
	writeFile(t, dir, "labels.npy", npyArray("<i8", []int{n}, y))
	writeFile(t, dir, "notes.txt", []byte("not a layer"))
	return dir
}

// checkActs reads src whole and checks every part of every sample.
func checkActs(t *testing.T, src Source, order []string, n, max int) {
	t.Helper()
	ls, ok := src.(Layered)
	if !ok {
		t.Fatalf("%s is not Layered", src.Name())
	}
	parts := ls.Parts()
	var names []string
	off := 0
	for _, p := range parts {
		names = append(names, p.Name)
		if p.Off != off {
			t.Errorf("part %s at %d, want %d", p.Name, p.Off, off)
		}
		off += p.Dim
	}
	if !slices.Equal(names, order) {
		t.Fatalf("layers %q, want %q", names, order)
	}
	if src.Dim() != 11 || src.Len() != n || !slices.Equal(src.SampleShape(), []int{11}) {
		t.Errorf("Dim %d Len %d shape %v", src.Dim(), src.Len(), src.SampleShape())
	}
	if got := src.Classes(); !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Errorf("classes %q", got)
	}
	x, labels := readAll(t, src, max)
	if len(labels) != n {
		t.Fatalf("%d samples, want %d", len(labels), n)
	}
	for i := range n {
		row := x[i*11 : (i+1)*11]
		for _, p := range parts {
			v := row[p.Off : p.Off+p.Dim]
			var want []float32
			switch p.Name {
			case "l2":
				for j := range 6 {
					want = append(want, float32(100*i+j))
				}
				if !slices.Equal(p.Shape, []int{2, 3}) {
					t.Errorf("l2 shape %v", p.Shape)
				}
			case "l10":
				for j := range 4 {
					want = append(want, -float32(10*i+j))
				}
			case "conv":
				want = []float32{float32(i) / 2}
				if !slices.Equal(p.Shape, []int{1}) {
					t.Errorf("conv shape %v", p.Shape)
				}
			}
			if !slices.Equal(v, want) {
				t.Fatalf("sample %d layer %s = %v, want %v", i, p.Name, v, want)
			}
		}
		if labels[i] != int32((i*7)%3) {
			t.Fatalf("label %d = %d", i, labels[i])
		}
	}
}

func TestActivationsFolder(t *testing.T) {
	dir := actsDir(t, 50)
	for _, max := range []int{1, 7, 50, 64} {
		src, err := Open("acts:"+dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Natural order: l2 before l10.
		checkActs(t, src, []string{"conv", "l2", "l10"}, 50, max)
		src.Close()
		if err := src.Next(&Batch{}, 1); err == nil {
			t.Error("Next after Close succeeded")
		}
	}
	src, err := Open("acts:"+dir, Options{Limit: 13})
	if err != nil {
		t.Fatal(err)
	}
	checkActs(t, src, []string{"conv", "l2", "l10"}, 13, 5)
	src.Close()

	// A manifest sets the order; comments, blank lines and .npy suffixes are fine.
	writeFile(t, dir, ActsManifest, []byte("# graph order\nl10.npy\n\n  l2 # first conv\nconv\n"))
	src, err = Open("acts:"+dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkActs(t, src, []string{"l10", "l2", "conv"}, 50, 8)
	src.Close()

	// The same files named one by one.
	src, err = Open("npy:"+filepath.Join(dir, "l2.npy")+"+"+filepath.Join(dir, "conv.npy")+"+"+filepath.Join(dir, "l10.npy")+","+filepath.Join(dir, "labels.npy"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkActs(t, src, []string{"l2", "conv", "l10"}, 50, 9)
	src.Close()
}

func TestActivationsErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(dir string) string // returns the spec
		want  string
	}{
		{"rows", func(dir string) string {
			writeFile(t, dir, "l2.npy", npyArray("<f4", []int{49, 2, 3}, make([]float64, 49*6)))
			return "acts:" + dir
		}, "l2.npy has 49 samples but " + "DIR/labels.npy has 50 labels"},
		{"nolabels", func(dir string) string {
			os.Remove(filepath.Join(dir, "labels.npy"))
			return "acts:" + dir
		}, "no labels.npy in the folder"},
		{"nolayers", func(dir string) string {
			for _, f := range []string{"l2", "l10", "conv"} {
				os.Remove(filepath.Join(dir, f+".npy"))
			}
			return "acts:" + dir
		}, "no .npy files of activations besides labels.npy"},
		{"missingdir", func(dir string) string { return "acts:" + filepath.Join(dir, "nope") }, "nope: no such file or directory"},
		{"file", func(dir string) string { return "acts:" + filepath.Join(dir, "l2.npy") }, "is a regular file, not a folder"},
		{"unlisted", func(dir string) string {
			writeFile(t, dir, ActsManifest, []byte("l2\nl10\n"))
			return "acts:" + dir
		}, "conv.npy is not listed in DIR/layers.txt"},
		{"unknown", func(dir string) string {
			writeFile(t, dir, ActsManifest, []byte("l2\nl10\nconv\nfc\n"))
			return "acts:" + dir
		}, `layers.txt line 4: layer "fc" has no file fc.npy`},
		{"twice", func(dir string) string {
			writeFile(t, dir, ActsManifest, []byte("l2\nl10\nconv\nl2\n"))
			return "acts:" + dir
		}, `layers.txt line 4: layer "l2" is listed twice (line 1 first)`},
		{"float16", func(dir string) string {
			writeFile(t, dir, "conv.npy", npyBytes(1, npyDict("<f2", false, []int{50}), make([]byte, 100)))
			return "acts:" + dir
		}, "samples must be float32, float64 or integers, not float16"},
		{"nan", func(dir string) string {
			v := make([]float64, 50)
			v[31] = math.NaN()
			writeFile(t, dir, "conv.npy", npyArray("<f4", []int{50}, v))
			return "acts:" + dir
		}, "next:conv.npy row 31, column 0: NaN is not a finite number"},
		{"samestem", func(dir string) string {
			os.Mkdir(filepath.Join(dir, "b"), 0o755)
			writeFile(t, filepath.Join(dir, "b"), "l2.npy", npyArray("<f4", []int{50}, make([]float64, 50)))
			return "npy:" + filepath.Join(dir, "l2.npy") + "+" + filepath.Join(dir, "b", "l2.npy") + "," + filepath.Join(dir, "labels.npy")
		}, `would both be layer "l2"`},
		{"emptyplus", func(dir string) string { return "npy:a.npy++b.npy,y.npy" }, "empty file name between '+' signs"},
	} {
		dir := actsDir(t, 50)
		spec := c.setup(dir)
		want := strings.ReplaceAll(c.want, "DIR", dir)
		src, err := Open(spec, Options{})
		if next, ok := strings.CutPrefix(want, "next:"); ok {
			if err != nil {
				t.Errorf("%s: Open: %v", c.name, err)
				continue
			}
			err = drainErr(src, 16)
			src.Close()
			want = next
		} else if err == nil {
			src.Close()
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", c.name, err, want)
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	names := []string{"layer02", "layer10", "layer2", "fc1", "conv2", "conv10", "conv1", "layer02b", "a", "layer2a"}
	slices.SortFunc(names, NaturalCompare)
	want := []string{"a", "conv1", "conv2", "conv10", "fc1", "layer02", "layer2", "layer2a", "layer02b", "layer10"}
	if !slices.Equal(names, want) {
		t.Errorf("natural order %q, want %q", names, want)
	}
}
