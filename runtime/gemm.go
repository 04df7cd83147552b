package runtime

import "fmt"

// buildGemm compiles Y = alpha·A'·B' + beta·C, with A' = A or Aᵀ and
// B' = B or Bᵀ, and C broadcast to Y's shape.
//
// PyTorch exports Linear layers as Gemm with transB=1 and B an
// initializer: the product (see product) lays Bᵀ out for the kernel once,
// on the first batch.
func buildGemm(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	k := &gemm{
		alpha:   a.Float("alpha", 1),
		beta:    a.Float("beta", 1),
		transA:  a.Int("transA", 0) != 0,
		transB:  a.Int("transB", 0) != 0,
		workers: c.workers,
		prod:    product{m: c.m},
	}
	if b := c.constInput(1); b != nil {
		if b.IsInt() || len(b.Shape) != 2 {
			return nil, fmt.Errorf("B must be a 2-D float32 matrix, got shape %v", b.Shape)
		}
		k.constB = true
	}
	return k, nil
}

type gemm struct {
	alpha, beta    float32
	transA, transB bool
	constB         bool
	workers        int
	prod           product
}

func (k *gemm) run(in, out []*Tensor) error {
	a, b := in[0], in[1]
	transB := k.transB
	if a.IsInt() || b.IsInt() || len(a.Shape) != 2 || len(b.Shape) != 2 {
		return fmt.Errorf("A and B must be 2-D float32 matrices, got %v and %v", a.Shape, b.Shape)
	}
	m, ka := a.Shape[0], a.Shape[1]
	if k.transA {
		m, ka = ka, m
	}
	kb, n := b.Shape[0], b.Shape[1]
	if transB {
		kb, n = n, kb
	}
	if ka != kb {
		return fmt.Errorf("A %v (transA=%d) and B %v (transB=%d) do not multiply: inner dimensions %d and %d differ",
			a.Shape, b2i(k.transA), b.Shape, b2i(transB), ka, kb)
	}
	if err := out[0].fits(m, n); err != nil {
		return err
	}
	if err := k.prod.reserve(m, n, ka, k.constB); err != nil {
		return err
	}
	y, err := out[0].setFloat(m, n)
	if err != nil {
		return err
	}
	var c *Tensor
	if len(in) > 2 {
		c = in[2]
	}
	if err := fillBias(y, m, n, c, k.beta); err != nil {
		return err
	}
	k.prod.run(k.workers, k.transA, transB, k.constB, true, m, n, ka, k.alpha, a.Data, a.Shape[1], b.Data, b.Shape[1], y)
	return nil
}

// fillBias sets the m×n matrix y to beta·C, with C broadcast
// unidirectionally ([], [n], [1,n], [m,1], [m,n], ...), or to 0 without C.
func fillBias(y []float32, m, n int, c *Tensor, beta float32) error {
	if c == nil || beta == 0 {
		clear(y)
		return nil
	}
	if c.IsInt() || len(c.Shape) > 2 {
		return fmt.Errorf("C must be a float32 tensor of rank at most 2, got shape %v", c.Shape)
	}
	cm, cn := 1, 1
	switch len(c.Shape) {
	case 1:
		cn = c.Shape[0]
	case 2:
		cm, cn = c.Shape[0], c.Shape[1]
	}
	if (cm != 1 && cm != m) || (cn != 1 && cn != n) {
		return fmt.Errorf("C %v does not broadcast to the output [%d %d]", c.Shape, m, n)
	}
	for i := 0; i < m; i++ {
		row := y[i*n : (i+1)*n]
		ci := 0
		if cm != 1 {
			ci = i * cn
		}
		if cn == 1 {
			v := beta * c.Data[ci]
			for j := range row {
				row[j] = v
			}
			continue
		}
		for j, v := range c.Data[ci : ci+n] {
			row[j] = beta * v
		}
	}
	return nil
}
