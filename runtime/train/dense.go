package train

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	G "gorgonia.org/gorgonia"
)

// dense is a fully connected layer y = x·Wᵀ + b, with x [B, ...] read as
// [B, in] (so that a Flatten costs nothing), W [out, in] as in PyTorch and
// in the exported Gemm (transB = 1), and b [out]. needDX is false for a
// first layer, whose input gradient nobody needs.
//
// Gradients, with dy [B, out]:
//
//	dx = dy·W   dW = dyᵀ·x   db = Σ_rows dy
//
// Each is one matrix product (or a sum in row order), so its
// floating-point order is fixed by the BLAS, not by the scheduler.
func dense(x, w, b *G.Node, needDX bool) (*G.Node, error) {
	bs := x.Shape()[0]
	nin := x.Shape().TotalSize() / bs
	nout := w.Shape()[0]
	impl := blas32.Implementation
	fwd := newOp("dense", []int{x.Dims(), 2, 1}, []int{bs, nout}, func(y []float32, in [][]float32) error {
		xs, ws, bias := in[0], in[1], in[2]
		for i := range bs {
			copy(y[i*nout:(i+1)*nout], bias)
		}
		impl().Sgemm(blas.NoTrans, blas.Trans, bs, nout, nin, 1, xs, nin, ws, nin, 1, y, nout)
		return nil
	})
	fwd.wrt = []bool{needDX, true, true}
	fwd.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		xn, wn := inputs[0], inputs[1]
		var dx *G.Node
		if needDX {
			o := newOp("dense.dx", []int{2, 2, 2}, xn.Shape(), func(dx []float32, in [][]float32) error {
				ws, dy := in[0], in[1]
				impl().Sgemm(blas.NoTrans, blas.NoTrans, bs, nin, nout, 1, dy, nout, ws, nin, 0, dx, nin)
				return nil
			})
			var err error
			if dx, err = apply(o, wn, grad, output); err != nil {
				return nil, err
			}
		}
		ow := newOp("dense.dW", []int{xn.Dims(), 2, 2}, []int{nout, nin}, func(dw []float32, in [][]float32) error {
			xs, dy := in[0], in[1]
			impl().Sgemm(blas.Trans, blas.NoTrans, nout, nin, bs, 1, dy, nout, xs, nin, 0, dw, nin)
			return nil
		})
		dw, err := apply(ow, xn, grad, output)
		if err != nil {
			return nil, err
		}
		ob := newOp("dense.db", []int{2, 2}, []int{nout}, func(db []float32, in [][]float32) error {
			dy := in[0]
			clear(db)
			for i := range bs {
				for j, v := range dy[i*nout : (i+1)*nout] {
					db[j] += v
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
