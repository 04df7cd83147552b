// Package importer decodes ONNX models into cxray's graph IR.
//
// Decoding is done by github.com/owulveryck/onnx-go, driven through its
// pluggable-backend interface (onnx.Backend): cxray's backend records the
// tensors and operations onnx-go hands it, and package runtime executes
// them with cxray's own kernels. This keeps every intermediate tensor
// reachable through public APIs; onnx-go's own gorgonia backend hides its
// nodes and overwrites some intermediate values in place.
//
// onnx-go does not pass a backend the node names, the opset or symbolic
// dimensions such as a dynamic batch axis. Those header fields are read
// directly from the protobuf wire format (see proto.go), and the i-th
// operation onnx-go applies is paired with the i-th node of the file.
//
// Constant nodes are folded: their values join Graph.Initializers and the
// nodes themselves are dropped, so Graph.Nodes holds only computations.
//
// Bad input never panics: a missing file, a truncated or non-ONNX file, an
// unsupported tensor type or a graph that is not in topological order each
// give one error that names the model and the problem.
package importer
