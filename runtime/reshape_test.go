package runtime

import (
	"math/rand/v2"
	"testing"

	"cxray/importer"
)

func TestShapeOnlyOps(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	x := randT(r, 2, 3, 1, 4)
	cases := []struct {
		name  string
		opset int64
		op    string
		attrs importer.Attributes
		extra []*Tensor
		shape []int
	}{
		{"Identity", 13, "Identity", nil, nil, []int{2, 3, 1, 4}},
		{"Dropout 9", 9, "Dropout", importer.Attributes{"ratio": float32(0.5)}, nil, []int{2, 3, 1, 4}},
		{"Dropout 13", 13, "Dropout", nil, []*Tensor{floatT(nil, 0.5)}, []int{2, 3, 1, 4}},
		{"Flatten default", 9, "Flatten", nil, nil, []int{2, 12}},
		{"Flatten 0", 9, "Flatten", importer.Attributes{"axis": int64(0)}, nil, []int{1, 24}},
		{"Flatten 4", 9, "Flatten", importer.Attributes{"axis": int64(4)}, nil, []int{24, 1}},
		{"Flatten -2", 13, "Flatten", importer.Attributes{"axis": int64(-2)}, nil, []int{6, 4}},
		{"Reshape -1", 13, "Reshape", nil, []*Tensor{intT([]int{2}, -1, 6)}, []int{4, 6}},
		{"Reshape 0", 13, "Reshape", nil, []*Tensor{intT([]int{3}, 0, -1, 2)}, []int{2, 6, 2}},
		{"Reshape attr", 1, "Reshape", importer.Attributes{"shape": []int64{0, 12}}, nil, []int{2, 12}},
		{"Squeeze 9", 9, "Squeeze", importer.Attributes{"axes": []int64{2}}, nil, []int{2, 3, 4}},
		{"Squeeze 9 all", 9, "Squeeze", nil, nil, []int{2, 3, 4}},
		{"Squeeze 13", 13, "Squeeze", nil, []*Tensor{intT([]int{1}, -2)}, []int{2, 3, 4}},
		{"Squeeze 13 all", 13, "Squeeze", nil, nil, []int{2, 3, 4}},
		{"Unsqueeze 9", 9, "Unsqueeze", importer.Attributes{"axes": []int64{0, 5}}, nil, []int{1, 2, 3, 1, 4, 1}},
		{"Unsqueeze 13", 13, "Unsqueeze", nil, []*Tensor{intT([]int{2}, -1, 1)}, []int{2, 1, 3, 1, 4, 1}},
	}
	for _, c := range cases {
		got, err := runOp(c.opset, c.op, c.attrs, nil, append([]*Tensor{x}, c.extra...)...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		assertClose(t, c.name, got, c.shape, x.Data, 0)
	}
}

func TestShapeOnlyErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	x := randT(r, 2, 3, 4)
	_, err := runOp(13, "Reshape", nil, nil, x, intT([]int{2}, 5, -1))
	assertErr(t, err, "node0", "Reshape", "[2 3 4]", "[5 -1]")
	_, err = runOp(13, "Reshape", nil, nil, x, intT([]int{2}, 3, 4))
	assertErr(t, err, "node0", "Reshape", "[2 3 4]", "[3 4]")
	_, err = runOp(13, "Reshape", nil, nil, x, intT([]int{2}, -1, -1))
	assertErr(t, err, "node0", "Reshape", "more than one -1")
	_, err = runOp(13, "Squeeze", nil, nil, x, intT([]int{1}, 1))
	assertErr(t, err, "node0", "Squeeze", "axis 1", "[2 3 4]")
	_, err = runOp(9, "Unsqueeze", importer.Attributes{"axes": []int64{7}}, nil, x)
	assertErr(t, err, "node0", "Unsqueeze", "7", "[2 3 4]")
	_, err = runOp(9, "Unsqueeze", nil, nil, x)
	assertErr(t, err, "node0", "Unsqueeze", "axes")
	_, err = runOp(13, "Dropout", nil, nil, x, floatT(nil, 0.5), intT(nil, 1))
	assertErr(t, err, "node0", "Dropout", "training_mode")
}

func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	x := randT(r, 2, 3, 4, 5)
	for _, perm := range [][]int64{nil, {0, 2, 3, 1}, {3, 1, 0, 2}, {0, 1, 2, 3}, {1, 0, 3, 2}} {
		var attrs importer.Attributes
		p := []int{3, 2, 1, 0}
		if perm != nil {
			attrs = importer.Attributes{"perm": perm}
			p = toInts(perm)
		}
		got, err := runOp(13, "Transpose", attrs, nil, x)
		if err != nil {
			t.Fatal(err)
		}
		shape := make([]int, 4)
		for i, a := range p {
			shape[i] = x.Shape[a]
		}
		want := make([]float32, len(x.Data))
		for i := range want {
			oi := unravel(i, shape)
			xi := make([]int, 4)
			for j, a := range p {
				xi[a] = oi[j]
			}
			want[i] = x.Data[ravelBroadcast(xi, x.Shape)]
		}
		assertClose(t, "Transpose", got, shape, want, 0)
	}
	_, err := runOp(13, "Transpose", importer.Attributes{"perm": []int64{0, 0, 1, 2}}, nil, x)
	assertErr(t, err, "node0", "Transpose", "[0 0 1 2]", "[2 3 4 5]")
}

func TestShapeGatherConcatCast(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	x := randT(r, 2, 3, 4)

	got, err := runOp(13, "Shape", nil, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Shape", got, []int{3}, 2, 3, 4)
	got, err = runOp(15, "Shape", importer.Attributes{"start": int64(1)}, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Shape start", got, []int{2}, 3, 4)
	got, err = runOp(15, "Shape", importer.Attributes{"end": int64(-1)}, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Shape end", got, []int{2}, 2, 3)

	// Gather on ints: a scalar index gives a scalar.
	got, err = runOp(9, "Gather", nil, nil, intT([]int{4}, 64, 16, 5, 5), intT(nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Gather int", got, nil, 64)
	// Gather on floats along axis 1, with a negative index.
	got, err = runOp(13, "Gather", importer.Attributes{"axis": int64(1)}, nil, x, intT([]int{2}, 2, -3))
	if err != nil {
		t.Fatal(err)
	}
	var want []float32
	for i := 0; i < 2; i++ {
		for _, j := range []int{2, 0} {
			want = append(want, x.Data[(i*3+j)*4:(i*3+j+1)*4]...)
		}
	}
	assertClose(t, "Gather float", got, []int{2, 2, 4}, want, 0)
	_, err = runOp(13, "Gather", nil, nil, x, intT([]int{1}, 2))
	assertErr(t, err, "node0", "Gather", "index 2", "[2 3 4]")

	// Concat of floats along axis 1 and of ints.
	y := randT(r, 2, 1, 4)
	got, err = runOp(13, "Concat", importer.Attributes{"axis": int64(-2)}, nil, x, y)
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for i := 0; i < 2; i++ {
		want = append(want, x.Data[i*12:(i+1)*12]...)
		want = append(want, y.Data[i*4:(i+1)*4]...)
	}
	assertClose(t, "Concat float", got, []int{2, 4, 4}, want, 0)
	got, err = runOp(9, "Concat", importer.Attributes{"axis": int64(0)}, nil, intT([]int{1}, 64), intT([]int{1}, -1))
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Concat int", got, []int{2}, 64, -1)
	_, err = runOp(13, "Concat", importer.Attributes{"axis": int64(1)}, nil, x, randT(r, 3, 1, 4))
	assertErr(t, err, "node0", "Concat", "[2 3 4]", "[3 1 4]")

	got, err = runOp(13, "Cast", importer.Attributes{"to": int64(7)}, nil, floatT([]int{3}, 2.7, -2.7, 0))
	if err != nil {
		t.Fatal(err)
	}
	assertInts(t, "Cast to int64", got, []int{3}, 2, -2, 0)
	got, err = runOp(13, "Cast", importer.Attributes{"to": int64(1)}, nil, intT([]int{2}, 3, -4))
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "Cast to float", got, []int{2}, []float32{3, -4}, 0)
	_, err = runOp(13, "Cast", importer.Attributes{"to": int64(10)}, nil, x)
	assertErr(t, err, "node0", "Cast", "10")
}
