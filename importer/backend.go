package importer

import (
	"math"

	"github.com/owulveryck/onnx-go"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gorgonia.org/tensor"
)

// backend receives onnx-go's decoding. onnx-go is built around pluggable
// backends: it walks the protobuf and calls NewNode, SetWeightedEdge,
// SetTensor and ApplyOperation. cxray's backend only records what it is
// given (tensors by name, operations in call order); package runtime
// executes the result with its own kernels, so every node output is
// reachable through public API.
type backend struct {
	*simple.WeightedDirectedGraph
	nodes []*node
	ops   []onnx.Operation // one per ONNX node, in graph order
}

func newBackend() *backend {
	return &backend{WeightedDirectedGraph: simple.NewWeightedDirectedGraph(math.Inf(1), -1)}
}

// node is one named tensor of the graph: an input, an initializer or an
// operator output.
type node struct {
	id    int64
	name  string
	value tensor.Tensor
}

func (n *node) ID() int64                       { return n.id }
func (n *node) SetName(s string)                { n.name = s }
func (n *node) GetName() string                 { return n.name }
func (n *node) SetTensor(t tensor.Tensor) error { n.value = t; return nil }
func (n *node) GetTensor() tensor.Tensor        { return n.value }

// NewNode shadows simple's to hand onnx-go a node that carries a name and
// a tensor.
func (b *backend) NewNode() graph.Node {
	n := &node{id: b.WeightedDirectedGraph.NewNode().ID()}
	b.nodes = append(b.nodes, n)
	return n
}

// ApplyOperation records the operation; the caller pairs the i-th call
// with the i-th node of the file.
func (b *backend) ApplyOperation(op onnx.Operation, _ ...graph.Node) error {
	b.ops = append(b.ops, op)
	return nil
}

var _ onnx.Backend = (*backend)(nil)
