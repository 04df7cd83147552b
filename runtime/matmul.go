package runtime

import "fmt"

// buildMatMul compiles numpy's matmul: 1-D operands are promoted to a row
// (A) or a column (B) and the extra axis is dropped from the result;
// leading axes broadcast.
func buildMatMul(c *nodeCtx) (kernel, error) {
	return &matmul{workers: c.workers, constB: c.constInput(1) != nil, prod: product{m: c.m}}, nil
}

type matmul struct {
	bc      broadcaster
	shape   []int
	workers int
	constB  bool // B is an initializer
	prod    product
}

func (k *matmul) run(in, out []*Tensor) error {
	a, b := in[0], in[1]
	if a.IsInt() || b.IsInt() || len(a.Shape) == 0 || len(b.Shape) == 0 {
		return fmt.Errorf("A and B must be float32 tensors of rank at least 1, got %v and %v", a.Shape, b.Shape)
	}
	as, bs := a.Shape, b.Shape
	m, ka := 1, as[len(as)-1]
	var leadA []int
	if len(as) >= 2 {
		m = as[len(as)-2]
		leadA = as[:len(as)-2]
	}
	kb, n := bs[0], 1
	var leadB []int
	if len(bs) >= 2 {
		kb, n = bs[len(bs)-2], bs[len(bs)-1]
		leadB = bs[:len(bs)-2]
	}
	if ka != kb {
		return fmt.Errorf("A %v and B %v do not multiply: inner dimensions %d and %d differ", as, bs, ka, kb)
	}
	if err := k.bc.plan(leadA, leadB); err != nil {
		return fmt.Errorf("A %v and B %v: leading axes: %v", as, bs, err)
	}
	k.shape = append(k.shape[:0], k.bc.out...)
	if len(as) >= 2 {
		k.shape = append(k.shape, m)
	}
	if len(bs) >= 2 {
		k.shape = append(k.shape, n)
	}
	// The product's buffers: one tall product when B has no batch axes of
	// its own, else one per pair of matrices, all of the same size.
	if err := out[0].fits(k.shape...); err != nil {
		return err
	}
	pm := m
	if numel(leadB) == 1 {
		pm = numel(leadA) * m
	}
	if numel(k.shape) > 0 {
		if err := k.prod.reserve(pm, n, ka, k.constB && numel(leadB) == 1); err != nil {
			return err
		}
	}
	y, err := out[0].setFloat(k.shape...)
	if err != nil || len(y) == 0 {
		return err
	}
	if ka == 0 {
		clear(y)
		return nil
	}
	// When B has no batch axes of its own, the batches of A stack into one
	// tall matrix: one large GEMM instead of many small ones.
	if numel(leadB) == 1 {
		k.prod.run(k.workers, false, false, k.constB, false, numel(leadA)*m, n, ka, 1, a.Data, ka, b.Data, n, y)
		return nil
	}
	mk, kn, mn := m*ka, ka*n, m*n
	k.bc.each(numel(k.bc.out), func(o, ia, ib, cnt, sa, sb int) {
		for j := 0; j < cnt; j++ {
			pa, pb, py := (ia+j*sa)*mk, (ib+j*sb)*kn, (o+j)*mn
			k.prod.run(k.workers, false, false, false, false, m, n, ka, 1, a.Data[pa:pa+mk], ka, b.Data[pb:pb+kn], n, y[py:py+mn])
		}
	})
	return nil
}
