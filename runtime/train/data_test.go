package train

import (
	"errors"
	"io"
	"strings"
	"testing"

	"cxray/stream/source"
)

func TestSubset(t *testing.T) {
	train, _ := mnist(t)
	if train.Len() != 60000 || len(train.Pixels) != 60000*784 {
		t.Fatalf("train split has %d samples and %d pixels", train.Len(), len(train.Pixels))
	}
	for _, n := range []int{10, 1005, 10000, 60000} {
		s := subset(t, train, n, 3)
		count := make([]int, Classes)
		for _, l := range s.Labels {
			count[l]++
		}
		lo, hi := n, 0
		for _, c := range count {
			lo, hi = min(lo, c), max(hi, c)
		}
		if s.Len() != n || (n <= 50000 && hi-lo > 1) {
			t.Errorf("Subset(%d): %d samples, classes %v", n, s.Len(), count)
		}
		again := subset(t, train, n, 3)
		if string(again.Pixels) != string(s.Pixels) {
			t.Errorf("Subset(%d) differs between two calls with one seed", n)
		}
	}
	if a, b := subset(t, train, 100, 1), subset(t, train, 100, 2); string(a.Labels) == string(b.Labels) && string(a.Pixels) == string(b.Pixels) {
		t.Error("two seeds gave the same subset")
	}
	_, err := train.Subset(60001, 1)
	if err == nil || !strings.Contains(err.Error(), "60001") || !strings.Contains(err.Error(), "60000") {
		t.Errorf("Subset(60001): %v; want an error naming 60001 and 60000", err)
	}
}

// TestPixelsMatchSource checks that batches are the float32 values that
// cxray/stream/source gives the analyze path, bit for bit.
func TestPixelsMatchSource(t *testing.T) {
	_, test := mnist(t)
	src, err := source.OpenMNIST(source.Options{Split: "test", Limit: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var b source.Batch
	pos := 0
	for {
		err := src.Next(&b, 128)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got := test.Float(pos, pos+b.N)
		for i := range got {
			if got[i] != b.X[i] {
				t.Fatalf("sample %d pixel %d: %v, source gives %v", pos+i/784, i%784, got[i], b.X[i])
			}
		}
		for i, l := range b.Labels {
			if int32(test.Labels[pos+i]) != l {
				t.Fatalf("sample %d: label %d, source gives %d", pos+i, test.Labels[pos+i], l)
			}
		}
		pos += b.N
	}
}
