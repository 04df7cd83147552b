package imageprep

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder and the preprocessing:
// an error or an image of the declared size, never a panic, and nothing
// allocated beyond the caps.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("../../../fixtures/images/folder/*/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
			f.Add(b, uint8(3), uint8(7), uint8(5))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, channels, rh, rw uint8) {
		ch := 1 + 2*int(channels%2)
		m, h, err := Decode(bytes.NewReader(data), ch, nil)
		if err != nil {
			return
		}
		if m.W != h.W || m.H != h.H || len(m.Pix) < m.W*m.H*m.Step-m.Step+m.C {
			t.Fatalf("decoded %d×%d (%d bytes), header %d×%d", m.H, m.W, len(m.Pix), h.H, h.W)
		}
		p := Prep{Resize: []int{1 + int(rh%40), 1 + int(rw%40)}, CenterCrop: []int{1 + int(rw%17)}, Channels: ch}
		out, err := p.Apply(m)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float32, ch*out.W*out.H)
		ToTensor(dst, out, ch)
	})
}
