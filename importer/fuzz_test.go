package importer_test

import (
	"os"
	"path/filepath"
	"testing"

	"cxray/importer"
)

// FuzzDecode feeds arbitrary bytes to Decode, which must return an error
// rather than panic or hang. The seeds are the fixture models, the small
// ones whole and the others cut to a few kilobytes, and some mutations of
// them; testdata/fuzz/FuzzDecode holds more. Fuzz it with
//
//	go test -run XXX -fuzz FuzzDecode -fuzztime 2m -parallel 1 ./importer/
func FuzzDecode(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "fixtures", "models", "*.onnx"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 10000 {
			f.Add(data)
		}
		cut := data[:min(len(data), 4096)]
		f.Add(cut)
		// Mutations: a flipped byte in the header, in the middle, and a
		// length prefix made huge.
		for _, at := range []int{2, len(cut) / 2, len(cut) - 3} {
			m := append([]byte(nil), cut...)
			m[at] ^= 0xff
			f.Add(m)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x08, 0x07})
	f.Add([]byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := importer.Decode(data)
		if err == nil && g == nil {
			t.Fatal("Decode returned neither a graph nor an error")
		}
	})
}
