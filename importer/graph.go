package importer

import "fmt"

// Graph is cxray's view of a decoded ONNX model: the nodes in topological
// order (as ONNX requires them to be stored), the constant tensors, and the
// data input that cxray feeds batch by batch.
type Graph struct {
	// Opset is the version of the default ("" or "ai.onnx") operator set.
	Opset int64
	// Producer is the producer_name and producer_version of the file.
	Producer string
	// Input is the graph input that cxray feeds: the first of Inputs.
	// package runtime refuses a graph with more than one.
	Input ValueInfo
	// Inputs are every graph input that carries data (initializers
	// excluded), in file order. Graphs built in code may leave it empty;
	// Input is then the only one.
	Inputs []ValueInfo
	// Outputs are the graph outputs.
	Outputs []ValueInfo
	// Nodes are in topological order.
	Nodes []Node
	// Initializers holds every constant tensor by name: the graph
	// initializers and the values of Constant nodes are both here.
	Initializers map[string]*Tensor
}

// ValueInfo names a tensor and declares its element type and shape.
type ValueInfo struct {
	Name string
	// Type is the declared element type; TypeUndefined when the file
	// declares none, TypeNotTensor for a sequence, map or other non-tensor.
	Type DataType
	Dims []Dim
}

// Dim is one declared dimension: a fixed size, or a symbolic one such as
// the batch axis "batch_size" (Value is then -1).
type Dim struct {
	Value int64
	Param string
}

// String formats a dimension as its size or its symbol.
func (d Dim) String() string {
	if d.Value >= 0 {
		return fmt.Sprint(d.Value)
	}
	if d.Param != "" {
		return d.Param
	}
	return "?"
}

// Node is one ONNX operator application.
type Node struct {
	// Name is the ONNX node name; it may be empty in files that omit it.
	Name string
	// OpType is the ONNX operator, for example "Conv".
	OpType string
	// Inputs and Outputs are tensor names, in ONNX order. An omitted
	// optional input is the empty string.
	Inputs  []string
	Outputs []string
	// Attrs holds the decoded attributes.
	Attrs Attributes
}

// Tensor is a dense constant in row-major order. Exactly one of Float or
// Int is set: floating-point tensors (FLOAT, DOUBLE, FLOAT16, BFLOAT16) are
// converted to float32, integer and boolean ones (shapes, indices, masks)
// to int64. A tensor with Int nil is a float tensor.
type Tensor struct {
	Shape []int
	Float []float32
	Int   []int64
}

// Len is the number of elements.
func (t *Tensor) Len() int {
	n := 1
	for _, s := range t.Shape {
		n *= s
	}
	return n
}

// Attributes maps attribute names to decoded values. Values have one of the
// types int64, float32, string, []int64, []float32, []string or *Tensor.
type Attributes map[string]any

// Int returns the integer attribute name, or def when it is absent.
func (a Attributes) Int(name string, def int64) int64 {
	if v, ok := a[name].(int64); ok {
		return v
	}
	return def
}

// Float returns the float attribute name, or def when it is absent.
func (a Attributes) Float(name string, def float32) float32 {
	if v, ok := a[name].(float32); ok {
		return v
	}
	return def
}

// String returns the string attribute name, or def when it is absent.
func (a Attributes) String(name, def string) string {
	if v, ok := a[name].(string); ok {
		return v
	}
	return def
}

// Ints returns the integer-list attribute name, or def when it is absent.
func (a Attributes) Ints(name string, def []int64) []int64 {
	if v, ok := a[name].([]int64); ok {
		return v
	}
	return def
}

// Tensor returns the tensor attribute name, or nil when it is absent.
func (a Attributes) Tensor(name string) *Tensor {
	if v, ok := a[name].(*Tensor); ok {
		return v
	}
	return nil
}
