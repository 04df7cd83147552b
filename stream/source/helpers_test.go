package source

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes encodes an IDX file of unsigned bytes by hand, independently
// of the reader under test.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUint8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyMNIST writes a test split of n images of 2x3 pixels into dir, where
// pixel j of image i is (i*6+j)%256 and label i is i%10. The image file
// is gzipped if gz is true.
func tinyMNIST(t testing.TB, dir string, n int, gz bool) (pixels []byte, labels []byte) {
	t.Helper()
	pixels = make([]byte, n*6)
	for i := range pixels {
		pixels[i] = byte(i % 256)
	}
	labels = make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % 10)
	}
	img := idxBytes([]int{n, 2, 3}, pixels)
	name := "t10k-images-idx3-ubyte"
	if gz {
		img, name = gzipBytes(t, img), name+".gz"
	}
	writeFile(t, dir, name, img)
	writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes([]int{n}, labels))
	return pixels, labels
}

// readAll drains src in batches of max samples and returns copies of
// everything it yielded.
func readAll(t testing.TB, src Source, max int) (x []float32, labels []int32) {
	t.Helper()
	var b Batch
	for {
		err := src.Next(&b, max)
		if errors.Is(err, io.EOF) {
			return x, labels
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if b.N < 1 || b.N > max {
			t.Fatalf("Next(max=%d) gave N=%d", max, b.N)
		}
		if len(b.X) != b.N*src.Dim() || len(b.Labels) != b.N {
			t.Fatalf("batch of N=%d has %d values and %d labels, want %d and %d",
				b.N, len(b.X), len(b.Labels), b.N*src.Dim(), b.N)
		}
		x = append(x, b.X...)
		labels = append(labels, b.Labels...)
	}
}

// drainErr reads src until it fails and returns the error, or nil if it
// reached io.EOF.
func drainErr(src Source, max int) error {
	var b Batch
	for {
		err := src.Next(&b, max)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// pngBytes encodes an h×w greyscale PNG whose pixels count up from seed.
func pngBytes(t testing.TB, h, w int, seed byte) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = seed + byte(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegBytes encodes an h×w colour JPEG.
func jpegBytes(t testing.TB, h, w int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader is the start of a PNG that declares an h×w RGB image, its
// IHDR chunk with a valid checksum, and nothing more.
func pngHeader(h, w uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8 bits, RGB, deflate, no filter, no interlace
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// imageTree writes an image folder of two classes, a/ and b/, of two
// 6×5 PNG images each, and returns the path of a/0.png.
func imageTree(t testing.TB, dir string) string {
	t.Helper()
	for _, c := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(dir, c), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			writeFile(t, filepath.Join(dir, c), fmt.Sprintf("%d.png", i), pngBytes(t, 6, 5, byte(i*40)))
		}
	}
	return filepath.Join(dir, "a", "0.png")
}
