package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cxray/importer"
)

// FuzzLoad feeds arbitrary bytes through what `cxray layers` does with a
// model file: decoding under a 16 MB limit, NewWithLimits under a 64 MB
// budget, the shape step on the declared sample shape, and ForwardBytes
// at a batch of 4. Any of them may refuse the bytes; none may panic, take
// more than 10 s or allocate past its limit. The seeds are the fixture models, the
// hostile files and testdata/fuzz/FuzzLoad. Fuzz it with
//
//	go test -run XXX -fuzz FuzzLoad -fuzztime 5m -parallel 2 ./runtime/
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{filepath.Join(fixtureDir, "*.onnx"), filepath.Join(hostileDir, "*.onnx")} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			if len(data) <= 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan error, 1)
		go func() { done <- load(data) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("loading took more than 10 s")
		}
	})
}

// load is FuzzLoad's body; it returns an error only for a broken promise
// (the bytes themselves may be refused).
func load(data []byte) error {
	g, err := importer.DecodeLimited(data, importer.Limits{DecodedBytes: 16 << 20})
	if err != nil {
		return nil
	}
	e, err := NewWithLimits(g, Limits{Bytes: 64 << 20})
	if err != nil {
		return nil
	}
	if len(g.Input.Dims) < 1 {
		return nil
	}
	var sample []int
	for _, d := range g.Input.Dims[1:] {
		if d.Value < 0 || d.Value > 1<<40 {
			return nil
		}
		sample = append(sample, int(d.Value))
	}
	if _, err := e.OutputShapes(sample); err != nil {
		return nil
	}
	if b, err := e.ForwardBytes(4); err == nil && b < 0 {
		return fmt.Errorf("ForwardBytes(4) = %d", b)
	}
	if e.m.held > 64<<20 {
		return fmt.Errorf("the buffers hold %d bytes, past the 64 MB budget", e.m.held)
	}
	return nil
}
