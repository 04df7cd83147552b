// Package tap decides which tensors of a model are layers, and routes each
// batch's tapped activations to the estimators of the chosen layers.
//
// A layer is the graph input (index 0, named by its ONNX input name, or
// "input" when no model is given) or the float output of a node, in graph
// order. Integer tensors (shape arithmetic such as Shape or Gather on
// shapes) are not layers. Each sample's activation tensor is flattened in
// row-major order to one point of dimension Dim.
package tap
