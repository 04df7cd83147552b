package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// buildSoftmax handles Softmax and LogSoftmax. The opsets disagree:
// before 13 the input is coerced to 2-D at axis (default 1) and the
// softmax runs over the whole trailing block; from 13 on it runs along
// the single axis (default -1).
func buildSoftmax(log bool) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		k := &softmax{log: log, coerce: c.opset < 13, workers: c.workers}
		def := int64(-1)
		if k.coerce {
			def = 1
		}
		k.axis = int(c.attrs().Int("axis", def))
		return k, nil
	}
}

type softmax struct {
	log     bool
	coerce  bool
	axis    int
	workers int
}

func (k *softmax) run(in, out []*Tensor) error {
	x := in[0]
	if x.IsInt() {
		return fmt.Errorf("input must be float32, got int64 %v", x.Shape)
	}
	r := len(x.Shape)
	var outer, n, inner int
	if k.coerce {
		// Axis r is allowed: the trailing block is then empty of axes.
		ax := k.axis
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax > r {
			return fmt.Errorf("axis %d is out of range for input %v", k.axis, x.Shape)
		}
		outer, n, inner = numel(x.Shape[:ax]), numel(x.Shape[ax:]), 1
	} else {
		if r == 0 {
			return fmt.Errorf("input must have at least one axis, got a scalar")
		}
		ax, err := normAxis(k.axis, r, "axis")
		if err != nil {
			return fmt.Errorf("%v (input %v)", err, x.Shape)
		}
		outer, n, inner = numel(x.Shape[:ax]), x.Shape[ax], numel(x.Shape[ax+1:])
	}
	dst, err := out[0].setFloat(x.Shape...)
	if err != nil {
		return err
	}
	src := x.Data
	if n == 0 {
		return nil
	}
	if inner == 1 && !k.log {
		// Rows of contiguous values (attention's last axis): the
		// exponentials in float32, eight at a time, to about an ulp; the
		// sum in float64. Rows are split across workers.
		parallelFor(outer, splitFor(outer, 8*n, k.workers), func(_, lo, hi int) {
			for o := lo; o < hi; o++ {
				row, out := src[o*n:(o+1)*n], dst[o*n:(o+1)*n]
				m := row[0]
				for _, v := range row[1:] {
					if v > m || v != v {
						m = v
					}
				}
				gemmkernel.ExpAffine(out, row, 1, -m)
				var sum float64
				for _, e := range out {
					sum += float64(e)
				}
				inv := float32(1 / sum)
				for i := range out {
					out[i] *= inv
				}
			}
		})
		return nil
	}
	for o := 0; o < outer; o++ {
		for j := 0; j < inner; j++ {
			base := o*n*inner + j
			// Subtract the maximum so that exp cannot overflow; sum in
			// float64 so that long rows keep their precision.
			m := src[base]
			for i := 1; i < n; i++ {
				m = max(m, src[base+i*inner])
			}
			var sum float64
			for i := 0; i < n; i++ {
				e := math.Exp(float64(src[base+i*inner] - m))
				sum += e
				if !k.log {
					dst[base+i*inner] = float32(e)
				}
			}
			if k.log {
				ls := math.Log(sum)
				for i := 0; i < n; i++ {
					dst[base+i*inner] = float32(float64(src[base+i*inner]-m) - ls)
				}
			} else {
				inv := 1 / sum
				for i := 0; i < n; i++ {
					dst[base+i*inner] = float32(float64(dst[base+i*inner]) * inv)
				}
			}
		}
	}
	return nil
}
