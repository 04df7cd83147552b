package train

import G "gorgonia.org/gorgonia"

// maxPool is a k×k max-pooling with stride s and no padding over an NCHW
// tensor; the output size is floor((H-k)/s)+1, ONNX's default
// (ceil_mode 0). The forward pass records where each maximum came from
// (the first one in row-major order on ties, as PyTorch does), and the
// gradient routes dy there.
func maxPool(x *G.Node, k, s int) (*G.Node, error) {
	sh := x.Shape()
	bs, c, h, w := sh[0], sh[1], sh[2], sh[3]
	ho, wo := (h-k)/s+1, (w-k)/s+1
	planes := bs * c
	arg := make([]int32, planes*ho*wo) // index of the maximum within its input plane
	fwd := newOp("maxpool", []int{4}, []int{bs, c, ho, wo}, func(y []float32, in [][]float32) error {
		xs := in[0]
		parallel(planes, workers(), func(_, lo, hi int) {
			for p := lo; p < hi; p++ {
				src := xs[p*h*w : (p+1)*h*w]
				for oy := range ho {
					for ox := range wo {
						best, bi := src[oy*s*w+ox*s], oy*s*w+ox*s
						for ky := range k {
							row := (oy*s+ky)*w + ox*s
							for kx := range k {
								if v := src[row+kx]; v > best {
									best, bi = v, row+kx
								}
							}
						}
						o := p*ho*wo + oy*wo + ox
						y[o], arg[o] = best, int32(bi)
					}
				}
			}
		})
		return nil
	})
	fwd.wrt = []bool{true}
	fwd.diff = func(_ G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		o := newOp("maxpool.dx", []int{4, 4}, sh, func(dx []float32, in [][]float32) error {
			dy := in[1]
			parallel(planes, workers(), func(_, lo, hi int) {
				clear(dx[lo*h*w : hi*h*w])
				for p := lo; p < hi; p++ {
					dst := dx[p*h*w : (p+1)*h*w]
					for o := p * ho * wo; o < (p+1)*ho*wo; o++ {
						dst[arg[o]] += dy[o]
					}
				}
			})
			return nil
		})
		dx, err := apply(o, output, grad)
		return G.Nodes{dx}, err
	}
	return apply(fwd, x)
}
