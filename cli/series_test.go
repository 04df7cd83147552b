package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --model's series: a glob in natural order, a list in the order given,
// epochs from the numbers in the names when every name has a distinct
// one, else from the positions; and one line for what cannot be a series.
func TestModelSeries(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"epoch_2.onnx", "epoch_10.onnx", "epoch_1.onnx", "init.onnx", "final.onnx", "b7.onnx", "c7.onnx"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		arg    string
		paths  []string
		epochs []int
	}{
		{p("model.onnx"), nil, nil},
		{p("epoch_*.onnx"), []string{p("epoch_1.onnx"), p("epoch_2.onnx"), p("epoch_10.onnx")}, []int{1, 2, 10}},
		{p("init.onnx") + "," + p("epoch_2.onnx") + "," + p("final.onnx"), []string{p("init.onnx"), p("epoch_2.onnx"), p("final.onnx")}, []int{0, 1, 2}},
		{p("[bc]7.onnx"), []string{p("b7.onnx"), p("c7.onnx")}, []int{0, 1}},
		{p("epoch_1*.onnx"), []string{p("epoch_1.onnx"), p("epoch_10.onnx")}, []int{1, 10}},
	} {
		s, err := modelSeries(c.arg)
		if err != nil {
			t.Fatalf("%s: %v", c.arg, err)
		}
		var paths []string
		var epochs []int
		for _, cp := range s {
			paths, epochs = append(paths, cp.path), append(epochs, cp.epoch)
		}
		if !slices.Equal(paths, c.paths) || !slices.Equal(epochs, c.epochs) {
			t.Errorf("%s: %v %v, want %v %v", c.arg, paths, epochs, c.paths, c.epochs)
		}
	}
	for _, c := range []struct{ arg, want string }{
		{p("none_*.onnx"), "matches no file"},
		{p("epoch_1.onnx") + ",," + p("epoch_2.onnx"), "empty item"},
		{p("epoch_1.onnx") + "," + p("epoch_*.onnx"), "twice"},
		{p("epoch_[.onnx"), "bad glob"},
	} {
		if _, err := modelSeries(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.arg, err, c.want)
		}
	}
}
