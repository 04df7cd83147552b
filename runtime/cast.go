package runtime

import (
	"fmt"
	"math"
)

// ONNX TensorProto data types that Cast may produce.
const (
	dtFloat = 1
	dtInt64 = 7
)

// buildCast supports casting to float32 and int64, the two element types
// cxray computes with.
func buildCast(c *nodeCtx) (kernel, error) {
	to := c.attrs().Int("to", -1)
	if to != dtFloat && to != dtInt64 {
		return nil, fmt.Errorf("cast to ONNX data type %d is not supported; only FLOAT (1) and INT64 (7) are", to)
	}
	return &cast{toInt: to == dtInt64}, nil
}

type cast struct{ toInt bool }

func (k *cast) run(in, out []*Tensor) error {
	x := in[0]
	switch {
	case x.IsInt() == k.toInt:
		out[0].alias(x, x.Shape...)
	case k.toInt:
		dst, err := out[0].setInt(x.Shape...)
		if err != nil {
			return err
		}
		for i, v := range x.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("cannot cast %v to int64 (input %v, element %d)", v, x.Shape, i)
			}
			dst[i] = int64(v) // truncates toward zero, as C and ONNX Runtime do
		}
	default:
		dst, err := out[0].setFloat(x.Shape...)
		if err != nil {
			return err
		}
		for i, v := range x.Int {
			dst[i] = float32(v)
		}
	}
	return nil
}
