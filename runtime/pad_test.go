package runtime

import (
	"testing"

	"cxray/importer"
)

// Pad against numpy.pad on a 2×3 tensor holding 0..5 (the expected values
// were printed by numpy 1.24), in every mode and both signatures.
func TestPad(t *testing.T) {
	x := floatT([]int{2, 3}, 0, 1, 2, 3, 4, 5)
	cases := []struct {
		name  string
		opset int64
		attrs importer.Attributes
		extra []*Tensor
		shape []int
		want  []float32
	}{
		// np.pad(x, ((1,0),(2,1)), constant_values=9)
		{"constant 13", 13, nil, []*Tensor{intT([]int{4}, 1, 2, 0, 1), floatT(nil, 9)}, []int{3, 6},
			[]float32{9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 2, 9, 9, 9, 3, 4, 5, 9}},
		{"constant 9", 9, importer.Attributes{"pads": []int64{1, 2, 0, 1}, "value": float32(9)}, nil, []int{3, 6},
			[]float32{9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 2, 9, 9, 9, 3, 4, 5, 9}},
		// np.pad(x, ((0,1),(2,2)), mode='reflect')
		{"reflect", 13, importer.Attributes{"mode": "reflect"}, []*Tensor{intT([]int{4}, 0, 2, 1, 2)}, []int{3, 7},
			[]float32{2, 1, 0, 1, 2, 1, 0, 5, 4, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 1, 0}},
		// np.pad(x, ((1,1),(1,0)), mode='edge')
		{"edge", 13, importer.Attributes{"mode": "edge"}, []*Tensor{intT([]int{4}, 1, 1, 1, 0)}, []int{4, 4},
			[]float32{0, 0, 1, 2, 0, 0, 1, 2, 3, 3, 4, 5, 3, 3, 4, 5}},
		// x[:, 1:]: a negative pad crops.
		{"crop", 13, nil, []*Tensor{intT([]int{4}, 0, -1, 0, 0)}, []int{2, 2}, []float32{1, 2, 4, 5}},
		// opset 18: pads for the listed axes only, as np.pad(x, ((0,0),(2,1))).
		{"axes", 18, nil, []*Tensor{intT([]int{2}, 2, 1), nil, intT([]int{1}, -1)}, []int{2, 6},
			[]float32{0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 5, 0}},
		// All zero, as PyTorch exports AvgPool2d: the input itself.
		{"zero", 13, nil, []*Tensor{intT([]int{4}, 0, 0, 0, 0)}, []int{2, 3}, []float32{0, 1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		got, err := runOp(c.opset, "Pad", c.attrs, nil, append([]*Tensor{x}, c.extra...)...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		assertClose(t, c.name, got, c.shape, c.want, 0)
	}
}

func TestPadErrors(t *testing.T) {
	x := floatT([]int{2, 3}, 0, 1, 2, 3, 4, 5)
	_, err := runOp(13, "Pad", nil, nil, x, intT([]int{2}, 1, 1))
	assertErr(t, err, "node0", "Pad", "2 pads for 2 axes", "[2 3]")
	_, err = runOp(13, "Pad", importer.Attributes{"mode": "reflect"}, nil, x, intT([]int{4}, 0, 3, 0, 0))
	assertErr(t, err, "node0", "reflect pads", "at most 2")
	_, err = runOp(13, "Pad", nil, nil, x, intT([]int{4}, 0, -4, 0, 0))
	assertErr(t, err, "node0", "remove more than axis 1")
	_, err = runOp(13, "Pad", importer.Attributes{"mode": "wrap"}, nil, x, intT([]int{4}, 0, 0, 0, 0))
	assertErr(t, err, "node0", "Pad", `mode "wrap"`)
	_, err = runOp(9, "Pad", nil, nil, x)
	assertErr(t, err, "node0", "pads attribute is missing")
}
