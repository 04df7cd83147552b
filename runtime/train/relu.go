package train

import G "gorgonia.org/gorgonia"

// relu is y = max(x, 0). Its gradient dx = dy·[y > 0] reads y, so that x
// need not be kept. At x = 0 the gradient is 0, as in PyTorch.
func relu(x *G.Node) (*G.Node, error) {
	shape := x.Shape()
	fwd := newOp("relu", []int{x.Dims()}, shape, func(y []float32, in [][]float32) error {
		xs := in[0]
		parallel(len(y), workers(), func(_, lo, hi int) {
			for i, v := range xs[lo:hi] {
				y[lo+i] = max(v, 0)
			}
		})
		return nil
	})
	fwd.wrt = []bool{true}
	fwd.diff = func(_ G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		o := newOp("relu.dx", []int{output.Dims(), grad.Dims()}, shape, func(dx []float32, in [][]float32) error {
			ys, dy := in[0], in[1]
			parallel(len(dx), workers(), func(_, lo, hi int) {
				for i, y := range ys[lo:hi] {
					if y > 0 {
						dx[lo+i] = dy[lo+i]
					} else {
						dx[lo+i] = 0
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
