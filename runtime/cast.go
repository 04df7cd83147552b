package runtime

import (
	"fmt"
	"math"
)

// ONNX TensorProto data types that Cast may produce.
const (
	dtFloat  = 1
	dtUint8  = 2
	dtInt8   = 3
	dtUint16 = 4
	dtInt16  = 5
	dtInt32  = 6
	dtInt64  = 7
	dtBool   = 9
	dtDouble = 11
	dtUint32 = 12
	dtUint64 = 13
)

// buildCast supports casts to the float and integer types. cxray
// computes with two element types, float32 and int64 (see doc.go), so a
// cast to DOUBLE gives float32, and a cast to a narrower integer type
// gives int64 values wrapped to that type's range, as C's conversions
// wrap; a cast to BOOL gives 0 and 1.
func buildCast(c *nodeCtx) (kernel, error) {
	to := c.attrs().Int("to", -1)
	switch to {
	case dtFloat, dtDouble:
		return &cast{}, nil
	case dtUint8, dtInt8, dtUint16, dtInt16, dtInt32, dtInt64, dtBool, dtUint32, dtUint64:
		return &cast{toInt: true, to: to}, nil
	}
	return nil, fmt.Errorf("cast to ONNX data type %d is not supported; cxray casts to the float types FLOAT and DOUBLE (computed as float32), the integer types and BOOL", to)
}

type cast struct {
	toInt bool
	to    int64 // the integer type
}

func (k *cast) run(in, out []*Tensor) error {
	x := in[0]
	switch {
	case !x.IsInt() && !k.toInt, x.IsInt() && k.to == dtInt64:
		out[0].alias(x, x.Shape...)
	case k.toInt:
		dst, err := out[0].setInt(x.Shape...)
		if err != nil {
			return err
		}
		if x.IsInt() {
			for i, v := range x.Int {
				dst[i] = narrow(v, k.to)
			}
			return nil
		}
		for i, v := range x.Data {
			if k.to == dtBool {
				dst[i] = int64(b2i(v != 0))
				continue
			}
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("cannot cast %v to an integer (input %v, element %d)", v, x.Shape, i)
			}
			dst[i] = narrow(clampInt(float64(v)), k.to) // truncates toward zero, as C and ONNX Runtime do
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

// narrow wraps v to the range of the integer type to.
func narrow(v int64, to int64) int64 {
	switch to {
	case dtBool:
		return int64(b2i(v != 0))
	case dtUint8:
		return int64(uint8(v))
	case dtInt8:
		return int64(int8(v))
	case dtUint16:
		return int64(uint16(v))
	case dtInt16:
		return int64(int16(v))
	case dtInt32:
		return int64(int32(v))
	case dtUint32:
		return int64(uint32(v))
	}
	return v
}

// clampInt converts a float to int64, truncating toward zero and
// saturating at the ends of the range.
func clampInt(v float64) int64 {
	switch {
	case v >= math.MaxInt64:
		return math.MaxInt64
	case v <= math.MinInt64:
		return math.MinInt64
	}
	return int64(v)
}
