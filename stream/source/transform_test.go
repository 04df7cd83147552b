package source

import (
	"io"
	"strings"
	"testing"
)

// sliceSource serves fixed samples of one shape, for the transform tests.
type sliceSource struct {
	shape  []int
	x      []float32
	labels []int32
	at     int
}

func (s *sliceSource) Name() string       { return "slice" }
func (s *sliceSource) SampleShape() []int { return s.shape }
func (s *sliceSource) Dim() int {
	n := 1
	for _, d := range s.shape {
		n *= d
	}
	return n
}
func (s *sliceSource) Len() int          { return len(s.labels) }
func (s *sliceSource) Classes() []string { return []string{"a", "b"} }
func (s *sliceSource) Close() error      { return nil }
func (s *sliceSource) Next(b *Batch, max int) error {
	if s.at == len(s.labels) {
		return io.EOF
	}
	n := min(max, len(s.labels)-s.at)
	b.resize(n, s.Dim())
	copy(b.X, s.x[s.at*s.Dim():(s.at+n)*s.Dim()])
	copy(b.Labels, s.labels[s.at:s.at+n])
	s.at += n
	return nil
}

// Two 2×1×2 images padded by 1 and normalised per channel: every border
// pixel is (0 − mean)/std, every inner pixel (x − mean)/std.
func TestTransformed(t *testing.T) {
	src := &sliceSource{shape: []int{2, 1, 2}, x: []float32{1, 2, 3, 4, 5, 6, 7, 8}, labels: []int32{0, 1}}
	tr, err := Transformed(src, Transform{Pad: 1, Mean: []float32{1, 2}, Std: []float32{2, 4}})
	if err != nil {
		t.Fatal(err)
	}
	if got := shapeString(tr.SampleShape()); got != "2×3×4" || tr.Dim() != 24 {
		t.Fatalf("shape %s, dim %d; want 2×3×4, 24", got, tr.Dim())
	}
	var b Batch
	if err := tr.Next(&b, 10); err != nil {
		t.Fatal(err)
	}
	c0, c1 := float32(-0.5), float32(-0.5) // (0−1)/2 and (0−2)/4
	want := []float32{
		c0, c0, c0, c0, c0, 0, 0.5, c0, c0, c0, c0, c0, // image 0, channel 0: (1−1)/2, (2−1)/2
		c1, c1, c1, c1, c1, 0.25, 0.5, c1, c1, c1, c1, c1, // channel 1: (3−2)/4, (4−2)/4
		c0, c0, c0, c0, c0, 2, 2.5, c0, c0, c0, c0, c0, // image 1
		c1, c1, c1, c1, c1, 1.25, 1.5, c1, c1, c1, c1, c1,
	}
	if b.N != 2 || len(b.X) != len(want) || b.Labels[1] != 1 {
		t.Fatalf("batch of %d samples, %d values, labels %v", b.N, len(b.X), b.Labels)
	}
	for i, v := range want {
		if b.X[i] != v {
			t.Fatalf("value %d = %v, want %v (batch %v)", i, b.X[i], v, b.X)
		}
	}
	if got := (Transform{Pad: 1, Mean: []float32{1, 2}, Std: []float32{2, 4}}).String(); got != "pad 1, normalize 1,2/2,4" {
		t.Errorf("String() = %q", got)
	}
}

func TestTransformErrors(t *testing.T) {
	img := &sliceSource{shape: []int{1, 2, 2}}
	flat := &sliceSource{shape: []int{4}}
	for _, c := range []struct {
		name string
		src  Source
		t    Transform
		want string
	}{
		{"pad flat", flat, Transform{Pad: 2}, "padding needs images"},
		{"negative pad", img, Transform{Pad: -1}, "at least 0"},
		{"channels", img, Transform{Mean: []float32{0, 0, 0}, Std: []float32{1, 1, 1}}, "3 means"},
	} {
		if _, err := Transformed(c.src, c.t); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"0.1307", "MEAN/STD"},
		{"0.1/0.2,0.3", "1 means but 2"},
		{"0.1/0", "must be positive"},
		{"a/1", "not a finite number"},
		{"0.1/NaN", "not a finite number"},
	} {
		if _, _, err := ParseNormalize(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseNormalize(%q): error %v, want one containing %q", c.in, err, c.want)
		}
	}
	mean, std, err := ParseNormalize("0.485,0.456,0.406/0.229,0.224,0.225")
	if err != nil || len(mean) != 3 || std[2] != 0.225 {
		t.Errorf("three channels: %v %v %v", mean, std, err)
	}
}
