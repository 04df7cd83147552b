package source

import (
	"slices"
	"testing"
)

// A window yields exactly the samples of the whole source from offset on,
// whatever the batch sizes.
func TestWindow(t *testing.T) {
	allX, allY := readAll(t, mustMNIST(t, 300), 64)
	for _, c := range []struct{ off, n, batch int }{{0, 300, 64}, {100, 77, 10}, {299, 1, 7}, {150, 150, 1000}, {5, 0, 3}} {
		w, err := Window(mustMNIST(t, 300), c.off, c.n)
		if err != nil {
			t.Fatal(err)
		}
		if w.Len() != c.n {
			t.Errorf("window %v: Len %d", c, w.Len())
		}
		x, y := readAll(t, w, c.batch)
		if !slices.Equal(x, allX[c.off*784:(c.off+c.n)*784]) || !slices.Equal(y, allY[c.off:c.off+c.n]) {
			t.Errorf("window %v: samples differ from the whole source's", c)
		}
	}
	if _, err := Window(mustMNIST(t, 300), 250, 51); err == nil {
		t.Error("a window past the end was accepted")
	}
}

func mustMNIST(t *testing.T, limit int) Source {
	t.Helper()
	s, err := OpenMNIST(Options{Split: "test", Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
