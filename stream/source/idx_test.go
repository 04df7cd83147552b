package source

import (
	"bytes"
	"compress/gzip"
	"path/filepath"
	"strings"
	"testing"
)

func TestIDXRawAndGzipAgree(t *testing.T) {
	rawDir, gzDir := t.TempDir(), t.TempDir()
	pixels, labels := tinyMNIST(t, rawDir, 50, false)
	tinyMNIST(t, gzDir, 50, true)
	for _, dir := range []string{rawDir, gzDir} {
		src, err := OpenMNIST(Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if got := src.SampleShape(); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
			t.Errorf("%s: shape %v, want [1 2 3]", dir, got)
		}
		x, l := readAll(t, src, 7)
		src.Close()
		if len(x) != len(pixels) || len(l) != len(labels) {
			t.Fatalf("%s: got %d values and %d labels, want %d and %d", dir, len(x), len(l), len(pixels), len(labels))
		}
		for i, p := range pixels {
			if want := float32(p) / 255; x[i] != want {
				t.Fatalf("%s: value %d is %v, want %v", dir, i, x[i], want)
			}
		}
		for i, want := range labels {
			if l[i] != int32(want) {
				t.Fatalf("%s: label %d is %d, want %d", dir, i, l[i], want)
			}
		}
	}
}

func TestIDXBadFiles(t *testing.T) {
	labels := idxBytes([]int{4}, []byte{1, 2, 3, 4})
	images := idxBytes([]int{4, 2, 2}, make([]byte, 16))
	cases := []struct {
		name           string
		images, labels []byte
		want           string // part of the error
		wantFile       string // the file the error must name
	}{
		{"bad magic", append([]byte{1, 2}, images[2:]...), labels, "not an IDX file", "t10k-images-idx3-ubyte"},
		{"float data", append([]byte{0, 0, 0x0d}, images[3:]...), labels, "data type 0x0d", "t10k-images-idx3-ubyte"},
		{"labels as images", labels, labels, "has 1 dimensions, want 3", "t10k-images-idx3-ubyte"},
		{"truncated raw images", images[:len(images)-3], labels, "truncated", "t10k-images-idx3-ubyte"},
		{"truncated header", images[:9], labels, "truncated", "t10k-images-idx3-ubyte"},
		{"extra bytes", append(append([]byte{}, images...), 0), labels, "more than", "t10k-images-idx3-ubyte"},
		{"truncated labels", images, labels[:len(labels)-1], "truncated", "t10k-labels-idx1-ubyte"},
		{"label 10", images, idxBytes([]int{4}, []byte{1, 2, 10, 4}), "label 10 at index 2", "t10k-labels-idx1-ubyte"},
		{"count mismatch", images, idxBytes([]int{3}, []byte{1, 2, 3}), "has 4 images but", "t10k-labels-idx1-ubyte"},
		{"zero rows", idxBytes([]int{4, 0, 2}, nil), labels, "dimension 1 is zero", "t10k-images-idx3-ubyte"},
		{"empty file", nil, labels, "too short", "t10k-images-idx3-ubyte"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "t10k-images-idx3-ubyte", c.images)
			writeFile(t, dir, "t10k-labels-idx1-ubyte", c.labels)
			src, err := OpenMNIST(Options{DataDir: dir})
			if err == nil {
				src.Close()
				t.Fatalf("Open succeeded, want an error containing %q", c.want)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, filepath.Join(dir, c.wantFile)) {
				t.Errorf("error %q, want it to contain %q and name %s", msg, c.want, c.wantFile)
			}
		})
	}
}

// A truncated gzipped file can only be noticed while it is read, so the
// error comes from Next; it must still name the file.
func TestIDXTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	n := 2000
	// Stored (uncompressed) deflate blocks make the cut fall near image
	// n/2, so the error can be checked for the item where the data ends.
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.NoCompression)
	w.Write(idxBytes([]int{n, 2, 3}, make([]byte, n*6)))
	w.Close()
	path := writeFile(t, dir, "t10k-images-idx3-ubyte.gz", gz.Bytes()[:gz.Len()/2])
	writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes([]int{n}, make([]byte, n)))
	src, err := OpenMNIST(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = drainErr(src, 64)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("error %v, want a truncation error naming %s", err, path)
	}
	if !strings.Contains(err.Error(), "inside item 99") {
		t.Errorf("error %v, want it to say the file ends inside item 99x", err)
	}
	t.Log(err)
	// The error sticks: a caller that retries does not get garbage.
	var b Batch
	if err2 := src.Next(&b, 64); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("Next after the error gave %v, want %v again", err2, err)
	}
}

// A gzipped file whose checksum is wrong is caught when the last batch
// reads to the end of the stream.
func TestIDXGzipChecksum(t *testing.T) {
	dir := t.TempDir()
	gz := gzipBytes(t, idxBytes([]int{3, 2, 3}, make([]byte, 18)))
	gz[len(gz)-8] ^= 0xff // first byte of the CRC-32 in the trailer
	path := writeFile(t, dir, "t10k-images-idx3-ubyte.gz", gz)
	writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes([]int{3}, make([]byte, 3)))
	src, err := OpenMNIST(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = drainErr(src, 2)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("error %v, want a checksum error naming %s", err, path)
	}
	t.Log(err)
}
