package importer

import (
	"fmt"

	"gorgonia.org/tensor"
)

// fromGorgonia copies a decoded gorgonia tensor into cxray's Tensor:
// floating point data becomes float32, integer data int64.
func fromGorgonia(t tensor.Tensor) (*Tensor, error) {
	shape := append([]int(nil), t.Shape()...)
	out := &Tensor{Shape: shape}
	switch d := t.Data().(type) {
	case []float32:
		out.Float = append([]float32(nil), d...)
	case float32:
		out.Float = []float32{d}
	case []float64:
		out.Float = make([]float32, len(d))
		for i, v := range d {
			out.Float[i] = float32(v)
		}
	case float64:
		out.Float = []float32{float32(d)}
	case []int64:
		out.Int = append([]int64(nil), d...)
	case int64:
		out.Int = []int64{d}
	case []int32:
		out.Int = make([]int64, len(d))
		for i, v := range d {
			out.Int[i] = int64(v)
		}
	case int32:
		out.Int = []int64{int64(d)}
	case []bool:
		out.Int = make([]int64, len(d))
		for i, v := range d {
			if v {
				out.Int[i] = 1
			}
		}
	default:
		return nil, fmt.Errorf("tensor of type %v is not supported (cxray handles float and integer tensors)", t.Dtype())
	}
	// A scalar has shape [] in ONNX; gorgonia may report [1]. Both hold one value.
	if n := len(out.Float) + len(out.Int); n != out.Len() {
		if n == 1 {
			out.Shape = nil
		} else {
			return nil, fmt.Errorf("tensor shape %v does not match its %d values", shape, n)
		}
	}
	return out, nil
}

// fromOperation converts onnx-go's attribute values to the types
// documented on Attributes.
func fromOperation(attrs map[string]interface{}) (Attributes, error) {
	out := make(Attributes, len(attrs))
	for k, v := range attrs {
		switch v := v.(type) {
		case tensor.Tensor:
			t, err := fromGorgonia(v)
			if err != nil {
				return nil, fmt.Errorf("attribute %q: %w", k, err)
			}
			out[k] = t
		case int64, float32, string, []int64, []float32, []string:
			out[k] = v
		default:
			return nil, fmt.Errorf("attribute %q has unsupported type %T", k, v)
		}
	}
	return out, nil
}

// constantValue returns the tensor a Constant node produces.
func constantValue(a Attributes) (*Tensor, bool) {
	if t := a.Tensor("value"); t != nil {
		return t, true
	}
	switch v := a["value_float"].(type) {
	case float32:
		return &Tensor{Float: []float32{v}}, true
	}
	switch v := a["value_floats"].(type) {
	case []float32:
		return &Tensor{Shape: []int{len(v)}, Float: v}, true
	}
	switch v := a["value_int"].(type) {
	case int64:
		return &Tensor{Int: []int64{v}}, true
	}
	switch v := a["value_ints"].(type) {
	case []int64:
		return &Tensor{Shape: []int{len(v)}, Int: v}, true
	}
	return nil, false
}
