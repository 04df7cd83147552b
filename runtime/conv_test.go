package runtime

import (
	"math/rand/v2"
	"testing"

	"cxray/importer"
)

// convRef is the textbook 2-D convolution: for every output element, sum
// over the input channels of its group and the kernel taps, skipping taps
// that fall in the padding.
func convRef(x *Tensor, w *Tensor, b []float32, group int, padTop, padLeft, sh, sw, dh, dw, oh, ow int) []float32 {
	n, c, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	m, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	_ = c
	mg := m / group
	out := make([]float32, n*m*oh*ow)
	for s := 0; s < n; s++ {
		for oc := 0; oc < m; oc++ {
			g := oc / mg
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					var acc float64
					if b != nil {
						acc = float64(b[oc])
					}
					for ic := 0; ic < cg; ic++ {
						for i := 0; i < kh; i++ {
							for j := 0; j < kw; j++ {
								iy, ix := y*sh-padTop+i*dh, xx*sw-padLeft+j*dw
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xv := x.Data[((s*c+g*cg+ic)*h+iy)*wd+ix]
								wv := w.Data[((oc*cg+ic)*kh+i)*kw+j]
								acc += float64(xv) * float64(wv)
							}
						}
					}
					out[((s*m+oc)*oh+y)*ow+xx] = float32(acc)
				}
			}
		}
	}
	return out
}

func TestConv(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	type tc struct {
		name           string
		x, w           []int
		bias           bool
		attrs          importer.Attributes
		group          int
		padTop, padLft int // the padding the reference applies
		sh, sw, dh, dw int
		oh, ow         int // expected output size, computed by hand
	}
	cases := []tc{
		{"3x3 pad1", []int{2, 3, 6, 7}, []int{4, 3, 3, 3}, true, importer.Attributes{"pads": []int64{1, 1, 1, 1}}, 1, 1, 1, 1, 1, 1, 1, 6, 7},
		{"5x5 no pad (LeNet conv2)", []int{3, 6, 14, 14}, []int{16, 6, 5, 5}, true, nil, 1, 0, 0, 1, 1, 1, 1, 10, 10},
		{"stride 2", []int{2, 3, 7, 8}, []int{4, 3, 3, 3}, true, importer.Attributes{"strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}}, 1, 1, 1, 2, 2, 1, 1, 4, 4},
		{"stride 2x3", []int{1, 2, 9, 10}, []int{3, 2, 3, 2}, false, importer.Attributes{"strides": []int64{2, 3}}, 1, 0, 0, 2, 3, 1, 1, 4, 3},
		{"dilation 2", []int{2, 2, 9, 9}, []int{3, 2, 3, 3}, true, importer.Attributes{"dilations": []int64{2, 2}, "pads": []int64{2, 2, 2, 2}}, 1, 2, 2, 1, 1, 2, 2, 9, 9},
		{"asymmetric pads", []int{1, 2, 5, 5}, []int{2, 2, 3, 3}, true, importer.Attributes{"pads": []int64{0, 2, 1, 0}}, 1, 0, 2, 1, 1, 1, 1, 4, 5},
		{"group 2", []int{2, 4, 6, 6}, []int{6, 2, 3, 3}, true, importer.Attributes{"group": int64(2), "pads": []int64{1, 1, 1, 1}}, 2, 1, 1, 1, 1, 1, 1, 6, 6},
		{"depthwise", []int{2, 3, 6, 6}, []int{3, 1, 3, 3}, true, importer.Attributes{"group": int64(3), "pads": []int64{1, 1, 1, 1}}, 3, 1, 1, 1, 1, 1, 1, 6, 6},
		{"depthwise x2", []int{2, 3, 6, 6}, []int{6, 1, 3, 3}, false, importer.Attributes{"group": int64(3)}, 3, 0, 0, 1, 1, 1, 1, 4, 4},
		{"1x1", []int{2, 5, 4, 3}, []int{7, 5, 1, 1}, true, nil, 1, 0, 0, 1, 1, 1, 1, 4, 3},
		{"1x1 large plane", []int{3, 3, 24, 24}, []int{4, 3, 1, 1}, true, nil, 1, 0, 0, 1, 1, 1, 1, 24, 24},
		{"1x1 stride 2", []int{2, 5, 5, 4}, []int{7, 5, 1, 1}, true, importer.Attributes{"strides": []int64{2, 2}}, 1, 0, 0, 2, 2, 1, 1, 3, 2},
		{"kernel_shape given", []int{1, 1, 5, 5}, []int{2, 1, 3, 3}, true, importer.Attributes{"kernel_shape": []int64{3, 3}}, 1, 0, 0, 1, 1, 1, 1, 3, 3},
		// SAME_UPPER, stride 2 on 7: out 4, total pad 2+... = (4-1)*2+3-7 = 2 → 1 before, 1 after.
		{"SAME_UPPER", []int{1, 2, 7, 7}, []int{3, 2, 3, 3}, true, importer.Attributes{"auto_pad": "SAME_UPPER", "strides": []int64{2, 2}}, 1, 1, 1, 2, 2, 1, 1, 4, 4},
		// Even kernel: total pad 1; SAME_UPPER puts it at the end,
		// SAME_LOWER at the beginning.
		{"SAME_UPPER even", []int{1, 1, 5, 5}, []int{1, 1, 2, 2}, false, importer.Attributes{"auto_pad": "SAME_UPPER"}, 1, 0, 0, 1, 1, 1, 1, 5, 5},
		{"SAME_LOWER even", []int{1, 1, 5, 5}, []int{1, 1, 2, 2}, false, importer.Attributes{"auto_pad": "SAME_LOWER"}, 1, 1, 1, 1, 1, 1, 1, 5, 5},
		{"VALID", []int{1, 2, 6, 5}, []int{2, 2, 3, 3}, true, importer.Attributes{"auto_pad": "VALID", "strides": []int64{2, 1}}, 1, 0, 0, 2, 1, 1, 1, 2, 3},
	}
	for _, c := range cases {
		for _, dyn := range [][]int{nil, {1, 2}} {
			x, w := randT(r, c.x...), randT(r, c.w...)
			in := []*Tensor{x, w}
			var b []float32
			if c.bias {
				bt := randT(r, c.w[0])
				b = bt.Data
				in = append(in, bt)
			}
			got, err := runOp(13, "Conv", c.attrs, dyn, in...)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			want := convRef(x, w, b, c.group, c.padTop, c.padLft, c.sh, c.sw, c.dh, c.dw, c.oh, c.ow)
			assertClose(t, c.name, got, []int{c.x[0], c.w[0], c.oh, c.ow}, want, 1e-5)
		}
	}
}

// TestConvParallel splits a batch across workers
// and checks each sample against the reference.
func TestConvParallel(t *testing.T) {
	splitAll(t)
	r := rand.New(rand.NewPCG(11, 12))
	x, w, b := randT(r, 64, 1, 28, 28), randT(r, 6, 1, 5, 5), randT(r, 6)
	got, err := runOp(13, "Conv", importer.Attributes{"pads": []int64{2, 2, 2, 2}}, nil, x, w, b)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "conv1", got, []int{64, 6, 28, 28}, convRef(x, w, b.Data, 1, 2, 2, 1, 1, 1, 1, 28, 28), 1e-5)
}

func TestConvErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	_, err := runOp(13, "Conv", nil, nil, randT(r, 2, 4, 6, 6), randT(r, 3, 3, 3, 3))
	assertErr(t, err, `"node0"`, "Conv", "[2 4 6 6]", "[3 3 3 3]")
	_, err = runOp(13, "Conv", nil, nil, randT(r, 2, 3, 2, 2), randT(r, 3, 3, 3, 3))
	assertErr(t, err, "node0", "Conv", "[2 3 2 2]", "larger than the padded input")
	_, err = runOp(13, "Conv", nil, nil, randT(r, 2, 3, 6), randT(r, 3, 3, 3, 3))
	assertErr(t, err, "node0", "Conv", "[2 3 6]")
	// Attribute problems are caught by New, before any data flows.
	for _, c := range []struct {
		attrs importer.Attributes
		msg   string
	}{
		{importer.Attributes{"auto_pad": "SAME_MIDDLE"}, "SAME_MIDDLE"},
		{importer.Attributes{"kernel_shape": []int64{3}}, "1 spatial axes, as the attributes say"},
		{importer.Attributes{"kernel_shape": []int64{3, 3, 3}}, "3 spatial axes, as the attributes say"},
		{importer.Attributes{"kernel_shape": []int64{3, 3, 3, 3}}, "1 to 3 spatial axes"},
		{importer.Attributes{"pads": []int64{1, 1, 1}}, "two values per spatial axis"},
		{importer.Attributes{"pads": []int64{1, 1}, "strides": []int64{1, 1}}, "must agree"},
		{importer.Attributes{"strides": []int64{0, 1}}, "strides"},
		{importer.Attributes{"group": int64(2)}, "group=2"},
		{importer.Attributes{"kernel_shape": []int64{2, 2}}, "kernel_shape"},
	} {
		_, err := runOp(13, "Conv", c.attrs, nil, randT(r, 1, 3, 6, 6), randT(r, 3, 3, 3, 3))
		assertErr(t, err, "node0", "Conv", c.msg)
	}
	_, err = runOp(13, "Conv", nil, nil, randT(r, 1, 3, 6), randT(r, 3, 3, 3, 3, 3, 3))
	assertErr(t, err, "node0", "Conv", "1 to 3 spatial axes")
}
