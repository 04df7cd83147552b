package train

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	G "gorgonia.org/gorgonia"
)

// conv is a 2-D convolution (cross-correlation, as in ONNX and PyTorch)
// with a square k×k kernel, stride 1 and zero padding p, over NCHW input
// x [B, C, H, W], with W [O, C, k, k] and b [O]. Output [B, O, Ho, Wo]
// with Ho = H + 2p − k + 1.
//
// It is computed per sample by im2col: the columns X_s [C·k·k, Ho·Wo] of
// sample s are laid out so that Y_s = W·X_s is already the NCHW output, so
// no transpose is needed (gorgonia's Conv2d computes the product the other
// way round and transposes, which with its allocation per op was most of
// its time). The columns are kept for the weight gradient:
//
//	dW = Σ_s dY_s·X_sᵀ   db_o = Σ_s Σ_p dY_s[o,p]   dX_s = col2im(Wᵀ·dY_s)
//
// Samples run in parallel; dW and db are summed over reduceChunks fixed
// chunks of the batch and the partial sums added in chunk order, so the
// result does not depend on the number of cores. A forward-only graph
// (train false) keeps no columns, only one scratch block per worker.
func conv(x, w, b *G.Node, pad int, needDX, train bool) (*G.Node, error) {
	sh := x.Shape()
	bs, c, h, wd := sh[0], sh[1], sh[2], sh[3]
	o, k := w.Shape()[0], w.Shape()[2]
	ho, wo := h+2*pad-k+1, wd+2*pad-k+1
	kk, p := c*k*k, ho*wo
	var cols []float32
	if train {
		cols = make([]float32, bs*kk*p)
	} else {
		cols = make([]float32, min(bs, workers())*kk*p)
	}
	impl := blas32.Implementation

	im2col := func(dst, src []float32) {
		for ci := range c {
			plane := src[ci*h*wd : (ci+1)*h*wd]
			for ky := range k {
				for kx := range k {
					row := dst[((ci*k+ky)*k+kx)*p:][:p]
					for oy := range ho {
						iy := oy + ky - pad
						out := row[oy*wo : (oy+1)*wo]
						if iy < 0 || iy >= h {
							clear(out)
							continue
						}
						in := plane[iy*wd : (iy+1)*wd]
						for ox := range wo {
							ix := ox + kx - pad
							if ix < 0 || ix >= wd {
								out[ox] = 0
							} else {
								out[ox] = in[ix]
							}
						}
					}
				}
			}
		}
	}
	col2im := func(dst, src []float32) { // dst += scatter(src); dst cleared by caller
		for ci := range c {
			plane := dst[ci*h*wd : (ci+1)*h*wd]
			for ky := range k {
				for kx := range k {
					row := src[((ci*k+ky)*k+kx)*p:][:p]
					for oy := range ho {
						iy := oy + ky - pad
						if iy < 0 || iy >= h {
							continue
						}
						out := plane[iy*wd : (iy+1)*wd]
						for ox, v := range row[oy*wo : (oy+1)*wo] {
							if ix := ox + kx - pad; ix >= 0 && ix < wd {
								out[ix] += v
							}
						}
					}
				}
			}
		}
	}

	fwd := newOp("conv", []int{4, 4, 1}, []int{bs, o, ho, wo}, func(y []float32, in [][]float32) error {
		xs, ws, bias := in[0], in[1], in[2]
		parallel(bs, min(workers(), len(cols)/(kk*p)), func(ch, lo, hi int) {
			for s := lo; s < hi; s++ {
				xc := cols[ch*kk*p : (ch+1)*kk*p]
				if train {
					xc = cols[s*kk*p : (s+1)*kk*p]
				}
				im2col(xc, xs[s*c*h*wd:(s+1)*c*h*wd])
				ys := y[s*o*p : (s+1)*o*p]
				for oi := range o {
					r := ys[oi*p : (oi+1)*p]
					for i := range r {
						r[i] = bias[oi]
					}
				}
				impl().Sgemm(blas.NoTrans, blas.NoTrans, o, p, kk, 1, ws, kk, xc, p, 1, ys, p)
			}
		})
		return nil
	})
	fwd.wrt = []bool{needDX, true, true}
	fwd.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		wn := inputs[1]
		var dx *G.Node
		if needDX {
			scratch := make([][]float32, workers())
			od := newOp("conv.dx", []int{4, 4, 4}, sh, func(dx []float32, in [][]float32) error {
				ws, dy := in[0], in[1]
				parallel(bs, len(scratch), func(ch, lo, hi int) {
					if scratch[ch] == nil {
						scratch[ch] = make([]float32, kk*p)
					}
					dc := scratch[ch]
					for s := lo; s < hi; s++ {
						impl().Sgemm(blas.Trans, blas.NoTrans, kk, p, o, 1, ws, kk, dy[s*o*p:(s+1)*o*p], p, 0, dc, p)
						dst := dx[s*c*h*wd : (s+1)*c*h*wd]
						clear(dst)
						col2im(dst, dc)
					}
				})
				return nil
			})
			var err error
			if dx, err = apply(od, wn, grad, output); err != nil {
				return nil, err
			}
		}
		partW := make([]float32, reduceChunks*o*kk)
		ow := newOp("conv.dW", []int{4, 4}, wn.Shape(), func(dw []float32, in [][]float32) error {
			dy := in[0]
			parallel(bs, reduceChunks, func(ch, lo, hi int) {
				part := partW[ch*o*kk : (ch+1)*o*kk]
				clear(part)
				for s := lo; s < hi; s++ {
					impl().Sgemm(blas.NoTrans, blas.Trans, o, kk, p, 1, dy[s*o*p:(s+1)*o*p], p, cols[s*kk*p:(s+1)*kk*p], p, 1, part, kk)
				}
			})
			copy(dw, partW[:o*kk])
			for ch := 1; ch < min(reduceChunks, bs); ch++ {
				for i, v := range partW[ch*o*kk : (ch+1)*o*kk] {
					dw[i] += v
				}
			}
			return nil
		})
		dw, err := apply(ow, grad, output)
		if err != nil {
			return nil, err
		}
		ob := newOp("conv.db", []int{4, 4}, []int{o}, func(db []float32, in [][]float32) error {
			dy := in[0]
			clear(db)
			for s := range bs {
				for oi := range o {
					var sum float32
					for _, v := range dy[(s*o+oi)*p : (s*o+oi+1)*p] {
						sum += v
					}
					db[oi] += sum
				}
			}
			return nil
		})
		db, err := apply(ob, grad, output)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx, dw, db}, nil
	}
	return apply(fwd, x, w, b)
}
