package train

import (
	"math"

	G "gorgonia.org/gorgonia"
)

// xent is the softmax cross-entropy of logits z [B, K] against the labels
// of the current batch, averaged over the batch:
//
//	L = (1/B) Σ_i (log Σ_k exp z_ik − z_i,y_i)
//	∂L/∂z_ik = (softmax(z_i)_k − [k = y_i]) / B
//
// as PyTorch's CrossEntropyLoss computes it. The labels are not a graph
// input: the trainer writes them into the op before each run. The op keeps
// a copy of the logits and their softmax, which is how the trainer reads
// predictions without reading an intermediate node of the tape machine.
type xent struct {
	labels []int32   // set per batch
	logits []float32 // copy of z from the last run
	prob   []float32 // softmax(z) from the last run
	loss   float64   // L from the last run, before rounding to float32
	bs, k  int
}

func newXent(z *G.Node) (*xent, *G.Node, error) {
	bs, k := z.Shape()[0], z.Shape()[1]
	x := &xent{labels: make([]int32, bs), logits: make([]float32, bs*k), prob: make([]float32, bs*k), bs: bs, k: k}
	fwd := newOp("xent", []int{2}, nil, func(out []float32, in [][]float32) error {
		z := in[0]
		copy(x.logits, z)
		var sum float64
		for i := range bs {
			row := z[i*k : (i+1)*k]
			m := row[0]
			for _, v := range row {
				m = max(m, v)
			}
			var s float64
			for _, v := range row {
				s += math.Exp(float64(v - m))
			}
			for j, v := range row {
				x.prob[i*k+j] = float32(math.Exp(float64(v-m)) / s)
			}
			sum += math.Log(s) + float64(m) - float64(row[x.labels[i]])
		}
		x.loss = sum / float64(bs)
		out[0] = float32(x.loss)
		return nil
	})
	fwd.wrt = []bool{true}
	fwd.diff = func(_ G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		o := newOp("xent.dz", []int{0, 0}, []int{bs, k}, func(dz []float32, in [][]float32) error {
			g := in[1][0] / float32(bs)
			copy(dz, x.prob)
			for i := range bs {
				dz[i*k+int(x.labels[i])] -= 1
			}
			for i := range dz {
				dz[i] *= g
			}
			return nil
		})
		dz, err := apply(o, output, grad)
		return G.Nodes{dz}, err
	}
	loss, err := apply(fwd, z)
	return x, loss, err
}

// correct counts the rows of the last run whose largest logit (the first
// one on ties) is the label.
func (x *xent) correct() int {
	n := 0
	for i := range x.bs {
		row := x.logits[i*x.k : (i+1)*x.k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == int(x.labels[i]) {
			n++
		}
	}
	return n
}
