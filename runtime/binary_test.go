package runtime

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/importer"
)

func TestBinaryBroadcast(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][2][]int{
		{{2, 3, 4}, {2, 3, 4}},
		{{2, 3, 4}, {4}},
		{{2, 3, 4}, {3, 1}},
		{{2, 1, 4}, {1, 3, 1}},
		{{2, 3}, {}},
		{{5, 1}, {1, 5}},
		{{2, 3, 4, 5}, {3, 1, 1}},
		{{1}, {2, 2}},
		{{3, 1, 5}, {3, 4, 5}},
		{{2, 3, 4, 5}, {2, 1, 4, 1}},
	}
	ops := map[string]func(a, b float32) float32{
		"Add": func(a, b float32) float32 { return a + b },
		"Sub": func(a, b float32) float32 { return a - b },
		"Mul": func(a, b float32) float32 { return a * b },
		"Div": func(a, b float32) float32 { return a / b },
	}
	for op, f := range ops {
		for _, s := range shapes {
			a, b := randT(r, s[0]...), randT(r, s[1]...)
			// The first operand is the data input; b arrives through a
			// node in one run and as a constant in the other.
			for _, dyn := range [][]int{nil, {1}} {
				got, err := runOp(13, op, nil, dyn, a, b)
				if err != nil {
					t.Fatalf("%s %v %v: %v", op, s[0], s[1], err)
				}
				outShape := make([]int, max(len(s[0]), len(s[1])))
				for i := range outShape {
					outShape[i] = max(dimAt(s[0], i, len(outShape)), dimAt(s[1], i, len(outShape)))
				}
				want := make([]float32, numel(outShape))
				for i := range want {
					idx := unravel(i, outShape)
					want[i] = f(a.Data[ravelBroadcast(idx, s[0])], b.Data[ravelBroadcast(idx, s[1])])
				}
				assertClose(t, op, got, outShape, want, 0)
			}
		}
	}
}

func TestBinaryScalarFirst(t *testing.T) {
	// A broadcast first operand, the case a naive "b broadcasts" fast
	// path would get wrong.
	a := floatT([]int{1}, 10)
	b := floatT([]int{2, 2}, 1, 2, 3, 4)
	got, err := runOp(13, "Sub", nil, nil, a, b)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "Sub", got, []int{2, 2}, []float32{9, 8, 7, 6}, 0)
}

func TestBinaryInt(t *testing.T) {
	a := intT([]int{3}, 7, -8, 9)
	b := intT([]int{1}, 2)
	for op, want := range map[string][]int64{"Add": {9, -6, 11}, "Sub": {5, -10, 7}, "Mul": {14, -16, 18}, "Div": {3, -4, 4}} {
		got, err := runOp(13, op, nil, nil, a, b)
		if err != nil {
			t.Fatal(err)
		}
		assertInts(t, op, got, []int{3}, want...)
	}
	_, err := runOp(13, "Div", nil, nil, a, intT([]int{1}, 0))
	assertErr(t, err, "node0", "Div", "division by zero")
}

func TestBinaryErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	_, err := runOp(13, "Add", nil, nil, randT(r, 2, 3), randT(r, 4))
	assertErr(t, err, `"node0"`, "Add", "[2 3]", "[4]")
	_, err = runOp(13, "Mul", nil, nil, randT(r, 2, 3), intT([]int{1}, 1))
	assertErr(t, err, "node0", "Mul", "int64")
}

func TestActivations(t *testing.T) {
	x := floatT([]int{2, 3}, -100, -2, -0.5, 0, 0.5, 3)
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	cases := []struct {
		op     string
		opset  int64
		attrs  importer.Attributes
		extra  []*Tensor
		expect func(v float64) float64
	}{
		{"Relu", 13, nil, nil, func(v float64) float64 { return math.Max(v, 0) }},
		{"LeakyRelu", 13, nil, nil, func(v float64) float64 { return math.Max(v, 0) + 0.01*math.Min(v, 0) }},
		{"LeakyRelu", 13, importer.Attributes{"alpha": float32(0.2)}, nil, func(v float64) float64 { return math.Max(v, 0) + 0.2*math.Min(v, 0) }},
		{"Sigmoid", 13, nil, nil, sig},
		{"Tanh", 13, nil, nil, math.Tanh},
		{"Clip", 9, importer.Attributes{"min": float32(-1), "max": float32(0.25)}, nil, func(v float64) float64 { return math.Min(math.Max(v, -1), 0.25) }},
		{"Clip", 9, importer.Attributes{"max": float32(0.25)}, nil, func(v float64) float64 { return math.Min(v, 0.25) }},
		{"Clip", 13, nil, []*Tensor{floatT(nil, -1), floatT(nil, 0.25)}, func(v float64) float64 { return math.Min(math.Max(v, -1), 0.25) }},
		{"Clip", 13, nil, []*Tensor{nil, floatT(nil, 0.25)}, func(v float64) float64 { return math.Min(v, 0.25) }},
		{"Clip", 13, nil, []*Tensor{floatT(nil, 0)}, func(v float64) float64 { return math.Max(v, 0) }},
	}
	for _, c := range cases {
		got, err := runOp(c.opset, c.op, c.attrs, nil, append([]*Tensor{x}, c.extra...)...)
		if err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		want := make([]float32, len(x.Data))
		for i, v := range x.Data {
			want[i] = float32(c.expect(float64(v)))
		}
		assertClose(t, c.op, got, x.Shape, want, 1e-6)
	}
}

// Relu runs with SIMD on long rows; it must still give NaN for NaN (of
// either sign: x86 makes negative ones), +0 for -0, and keep infinities
// and subnormals.
func TestReluSpecial(t *testing.T) {
	special := []float32{float32(math.NaN()), math.Float32frombits(0xffc00000), float32(math.Copysign(0, -1)), 0,
		float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40, -1e-40, -3, 2.5, -0.25, 7, 1, -1, 0.5, -7, 3}
	x := floatT([]int{2, len(special)}, append(special, special...)...)
	got, err := runOp(13, "Relu", nil, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x.Data {
		want := max(v, 0)
		if g := got.Data[i]; math.Float32bits(g) != math.Float32bits(want) && !(g != g && want != want) {
			t.Errorf("Relu(%v) = %v, want %v", v, g, want)
		}
	}
}

func TestSoftmaxOpsets(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := randT(r, 2, 3, 4)
	for i := range x.Data {
		x.Data[i] *= 20 // large logits exercise the max subtraction
	}
	// ref computes softmax over groups: element i belongs to group
	// key(i); log selects LogSoftmax.
	ref := func(key func(idx []int) int, log bool) []float32 {
		m := map[int]float64{}
		for i, v := range x.Data {
			k := key(unravel(i, x.Shape))
			if cur, ok := m[k]; !ok || float64(v) > cur {
				m[k] = float64(v)
			}
		}
		s := map[int]float64{}
		for i, v := range x.Data {
			k := key(unravel(i, x.Shape))
			s[k] += math.Exp(float64(v) - m[k])
		}
		out := make([]float32, len(x.Data))
		for i, v := range x.Data {
			k := key(unravel(i, x.Shape))
			if log {
				out[i] = float32(float64(v) - m[k] - math.Log(s[k]))
			} else {
				out[i] = float32(math.Exp(float64(v)-m[k]) / s[k])
			}
		}
		return out
	}
	cases := []struct {
		opset int64
		attrs importer.Attributes
		key   func(idx []int) int
	}{
		// Opset 9 default axis 1: coerced to [2, 12], one group per sample.
		{9, nil, func(idx []int) int { return idx[0] }},
		// Opset 9 axis 2: groups are the rows of the last axis.
		{9, importer.Attributes{"axis": int64(2)}, func(idx []int) int { return idx[0]*3 + idx[1] }},
		// Opset 13 default axis -1: the last axis.
		{13, nil, func(idx []int) int { return idx[0]*3 + idx[1] }},
		// Opset 13 axis 1: along the middle axis only.
		{13, importer.Attributes{"axis": int64(1)}, func(idx []int) int { return idx[0]*4 + idx[2] }},
	}
	for _, c := range cases {
		for _, op := range []string{"Softmax", "LogSoftmax"} {
			got, err := runOp(c.opset, op, c.attrs, nil, x)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, op, got, x.Shape, ref(c.key, op == "LogSoftmax"), 1e-6)
		}
	}
	_, err := runOp(13, "Softmax", importer.Attributes{"axis": int64(3)}, nil, x)
	assertErr(t, err, "node0", "Softmax", "axis 3", "[2 3 4]")
}
