package runtime

import "fmt"

// buildTranspose: perm defaults to reversing the axes.
func buildTranspose(c *nodeCtx) (kernel, error) {
	return &transpose{perm: toInts(c.attrs().Ints("perm", nil)), workers: c.workers}, nil
}

type transpose struct {
	workers int
	perm    []int
	p       []int // resolved permutation
	shape   []int // output shape
	strides []int // input strides, permuted into output order
	idx     []int
	seen    []bool
}

func (k *transpose) run(in, out []*Tensor) error {
	x := in[0]
	r := len(x.Shape)
	k.p = k.p[:0]
	if k.perm == nil {
		for i := r - 1; i >= 0; i-- {
			k.p = append(k.p, i)
		}
	} else {
		if len(k.perm) != r {
			return fmt.Errorf("perm %v has %d axes but input %v has rank %d", k.perm, len(k.perm), x.Shape, r)
		}
		k.seen = k.seen[:0]
		for range r {
			k.seen = append(k.seen, false)
		}
		for _, a := range k.perm {
			ax, err := normAxis(a, r, "perm axis")
			if err != nil || k.seen[ax] {
				return fmt.Errorf("perm %v is not a permutation of the %d axes of input %v", k.perm, r, x.Shape)
			}
			k.seen[ax] = true
			k.p = append(k.p, ax)
		}
	}
	k.shape, k.strides, k.idx = k.shape[:0], k.strides[:0], k.idx[:0]
	for _, a := range k.p {
		k.shape = append(k.shape, x.Shape[a])
		k.strides = append(k.strides, numel(x.Shape[a+1:]))
		k.idx = append(k.idx, 0)
	}
	if x.IsInt() {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		permute(dst, x.Int, k.shape, k.strides, k.idx, 0)
		return nil
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	if w := splitFor(len(dst), 1, k.workers); w > 1 && r >= 2 && r <= maxBroadcastAxes && k.shape[r-1] > 0 {
		// Whole rows of the output to each worker, each with its own
		// odometer.
		n := k.shape[r-1]
		parallelFor(len(dst)/n, w, func(_, lo, hi int) {
			var idx [maxBroadcastAxes]int
			off := 0
			for ax, rest := r-2, lo; ax >= 0; ax-- {
				idx[ax] = rest % k.shape[ax]
				rest /= k.shape[ax]
				off += idx[ax] * k.strides[ax]
			}
			permute(dst[lo*n:hi*n], x.Data, k.shape, k.strides, idx[:r], off)
		})
		return nil
	}
	permute(dst, x.Data, k.shape, k.strides, k.idx, 0)
	return nil
}

// permute writes dst in output order, walking src with the permuted
// strides: an odometer over the outer output axes (idx, its position at
// dst's first row, off the offset of that row in src), a strided inner
// loop over the last one.
func permute[T number](dst, src []T, shape, strides, idx []int, off int) {
	r := len(shape)
	if len(dst) == 0 {
		return
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	n, st := shape[r-1], strides[r-1]
	for o := 0; o < len(dst); o += n {
		row := dst[o : o+n]
		for j := range row {
			row[j] = src[off+j*st]
		}
		for ax := r - 2; ax >= 0; ax-- {
			idx[ax]++
			off += strides[ax]
			if idx[ax] < shape[ax] {
				break
			}
			off -= strides[ax] * shape[ax]
			idx[ax] = 0
		}
	}
}
