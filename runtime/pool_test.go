package runtime

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/importer"
)

// poolRef pools x the way PyTorch does (max_pool2d, avg_pool2d), with the
// output size given by the caller.
func poolRef(x *Tensor, avg, includePad bool, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oh, ow int) []float32 {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := make([]float32, n*c*oh*ow)
	for p := 0; p < n*c; p++ {
		src := x.Data[p*h*w:]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				hs, ws := oy*sh-pt, ox*sw-pl
				mx, sum, cnt := math.Inf(-1), 0.0, 0
				for i := 0; i < kh; i++ {
					for j := 0; j < kw; j++ {
						iy, ix := hs+i*dh, ws+j*dw
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						v := float64(src[iy*w+ix])
						mx = math.Max(mx, v)
						sum += v
						cnt++
					}
				}
				v := mx
				if avg {
					div := cnt
					if includePad {
						he, we := min(hs+kh, h+pb), min(ws+kw, w+pr)
						div = (he - hs) * (we - ws)
					}
					v = sum / float64(div)
				}
				out[(p*oh+oy)*ow+ox] = float32(v)
			}
		}
	}
	return out
}

func TestPool(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	type tc struct {
		name                   string
		op                     string
		x                      []int
		attrs                  importer.Attributes
		kh, kw, sh, sw, dh, dw int
		pt, pl, pb, pr, oh, ow int
		includePad             bool
	}
	cases := []tc{
		{"LeNet max 2x2/2", "MaxPool", []int{2, 3, 28, 28}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 14, 14, false},
		// The 2×2/2 fast path: an odd height drops the last row; a width
		// of 36 runs the SIMD loops and their scalar tails; an odd width
		// takes the general path.
		{"max 2x2/2 odd height", "MaxPool", []int{2, 3, 7, 10}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 3, 5, false},
		{"max 2x2/2 wide", "MaxPool", []int{1, 2, 9, 36}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 4, 18, false},
		{"max 2x2/2 odd width", "MaxPool", []int{1, 2, 8, 9}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 4, 4, false},
		{"large batch max (parallel)", "MaxPool", []int{64, 6, 28, 28}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 14, 14, false},
		{"max 3x3/2 pad 1", "MaxPool", []int{1, 2, 7, 7}, importer.Attributes{"kernel_shape": []int64{3, 3}, "strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}}, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, 4, false},
		{"max ceil", "MaxPool", []int{1, 2, 8, 8}, importer.Attributes{"kernel_shape": []int64{3, 3}, "strides": []int64{2, 2}, "ceil_mode": int64(1)}, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 4, 4, false},
		// ONNX's formula gives 4 here; PyTorch drops the window that would
		// start in the end padding, giving 3.
		{"max ceil, last window dropped", "MaxPool", []int{1, 1, 5, 5}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}, "ceil_mode": int64(1)}, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 3, 3, false},
		{"max dilated", "MaxPool", []int{1, 2, 7, 7}, importer.Attributes{"kernel_shape": []int64{2, 2}, "dilations": []int64{2, 2}}, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0, 5, 5, false},
		{"max SAME_UPPER", "MaxPool", []int{1, 2, 5, 5}, importer.Attributes{"kernel_shape": []int64{2, 2}, "auto_pad": "SAME_UPPER"}, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 5, 5, false},
		{"avg 3x3 pad 1", "AveragePool", []int{1, 2, 5, 5}, importer.Attributes{"kernel_shape": []int64{3, 3}, "pads": []int64{1, 1, 1, 1}}, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, false},
		{"avg 3x3 pad 1 include pad", "AveragePool", []int{1, 2, 5, 5}, importer.Attributes{"kernel_shape": []int64{3, 3}, "pads": []int64{1, 1, 1, 1}, "count_include_pad": int64(1)}, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, true},
		{"avg ceil include pad", "AveragePool", []int{1, 2, 5, 5}, importer.Attributes{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}, "ceil_mode": int64(1), "count_include_pad": int64(1)}, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 3, 3, true},
		{"avg ceil pad include pad", "AveragePool", []int{1, 2, 6, 6}, importer.Attributes{"kernel_shape": []int64{3, 3}, "strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}, "ceil_mode": int64(1), "count_include_pad": int64(1)}, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, 4, true},
		{"avg ceil pad", "AveragePool", []int{1, 2, 6, 6}, importer.Attributes{"kernel_shape": []int64{3, 3}, "strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}, "ceil_mode": int64(1)}, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, 4, false},
		{"avg asymmetric", "AveragePool", []int{2, 2, 6, 5}, importer.Attributes{"kernel_shape": []int64{2, 3}, "strides": []int64{1, 2}, "pads": []int64{0, 1, 1, 0}, "count_include_pad": int64(1)}, 2, 3, 1, 2, 1, 1, 0, 1, 1, 0, 6, 2, true},
	}
	for _, c := range cases {
		x := randT(r, c.x...)
		got, err := runOp(13, c.op, c.attrs, nil, x)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := poolRef(x, c.op == "AveragePool", c.includePad, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pl, c.pb, c.pr, c.oh, c.ow)
		assertClose(t, c.name, got, []int{c.x[0], c.x[1], c.oh, c.ow}, want, 1e-6)
	}
}

// NaN propagates through MaxPool, as in PyTorch, on the fast 2×2 path
// and the general one, whichever position of the window it is in.
func TestMaxPoolNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, ks := range []int64{2, 3} {
		x := randT(r, 2, 3, 8, 20)
		for i := range x.Data {
			switch r.IntN(20) {
			case 0:
				x.Data[i] = float32(math.NaN())
			case 1:
				x.Data[i] = math.Float32frombits(0xffc00000) // x86's default NaN
			}
		}
		attrs := importer.Attributes{"kernel_shape": []int64{ks, ks}, "strides": []int64{2, 2}}
		got, err := runOp(13, "MaxPool", attrs, nil, x)
		if err != nil {
			t.Fatal(err)
		}
		oh, ow := (8-int(ks))/2+1, (20-int(ks))/2+1
		want := poolRef(x, false, false, int(ks), int(ks), 2, 2, 1, 1, 0, 0, 0, 0, oh, ow)
		assertClose(t, "MaxPool with NaNs", got, []int{2, 3, oh, ow}, want, 0)
	}
}

func TestGlobalPool(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	x := randT(r, 2, 3, 4, 5)
	for _, op := range []string{"GlobalAveragePool", "GlobalMaxPool"} {
		got, err := runOp(13, op, nil, nil, x)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float32, 6)
		for p := range want {
			s, m := 0.0, math.Inf(-1)
			for _, v := range x.Data[p*20 : (p+1)*20] {
				s += float64(v)
				m = math.Max(m, float64(v))
			}
			if op == "GlobalAveragePool" {
				want[p] = float32(s / 20)
			} else {
				want[p] = float32(m)
			}
		}
		assertClose(t, op, got, []int{2, 3, 1, 1}, want, 1e-6)
	}
	_, err := runOp(13, "GlobalAveragePool", nil, nil, randT(r, 2, 3))
	assertErr(t, err, "node0", "GlobalAveragePool", "[2 3]")
}

func TestPoolErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	_, err := runOp(13, "MaxPool", nil, nil, randT(r, 1, 1, 4, 4))
	assertErr(t, err, "node0", "MaxPool", "kernel_shape")
	_, err = runOp(13, "MaxPool", importer.Attributes{"kernel_shape": []int64{5, 5}}, nil, randT(r, 1, 1, 4, 4))
	assertErr(t, err, "node0", "MaxPool", "[1 1 4 4]", "larger")
	_, err = runOp(13, "AveragePool", importer.Attributes{"kernel_shape": []int64{2, 2}}, nil, randT(r, 1, 4, 4))
	assertErr(t, err, "node0", "AveragePool", "[1 4 4]")
}

func TestBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, shape := range [][]int{{2, 3, 4, 5}, {4, 3}} {
		x := randT(r, shape...)
		scale, bias, mean := randT(r, 3), randT(r, 3), randT(r, 3)
		variance := randT(r, 3)
		for i := range variance.Data {
			variance.Data[i] = variance.Data[i]*variance.Data[i] + 0.1
		}
		const eps = 1e-3
		inner := numel(shape[2:])
		want := make([]float32, len(x.Data))
		for i, v := range x.Data {
			c := (i / inner) % 3
			want[i] = float32((float64(v)-float64(mean.Data[c]))/math.Sqrt(float64(variance.Data[c])+eps)*float64(scale.Data[c]) + float64(bias.Data[c]))
		}
		for _, dyn := range [][]int{nil, {1, 2, 3, 4}} {
			got, err := runOp(9, "BatchNormalization", importer.Attributes{"epsilon": float32(eps)}, dyn, x, scale, bias, mean, variance)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, "BatchNormalization", got, shape, want, 1e-5)
		}
	}
	_, err := runOp(9, "BatchNormalization", nil, nil, randT(r, 2, 4, 3), randT(r, 3), randT(r, 3), randT(r, 3), randT(r, 3))
	assertErr(t, err, "node0", "BatchNormalization", "[2 4 3]", "4 channels")
	_, err = runOp(14, "BatchNormalization", importer.Attributes{"training_mode": int64(1)}, nil, randT(r, 2, 3), randT(r, 3), randT(r, 3), randT(r, 3), randT(r, 3))
	assertErr(t, err, "node0", "training_mode")
}
