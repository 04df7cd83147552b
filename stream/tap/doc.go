// Package tap decides which tensors of a model are layers, and routes each
// batch's activations to the estimators of the chosen layers.
//
// A layer is the graph input (index 0, named by its ONNX input name, or
// "input" when no model is given) or the float output of a node, in graph
// order. Integer tensors (shape arithmetic such as Shape or Gather on
// shapes) are not layers. Each sample's activation tensor is flattened in
// row-major order to one point of dimension Dim.
//
// A model over token ids (an integer input of shape [batch, tokens]) has
// token layers, tokens × features per sample (MarkTokens). Each is pooled
// to one point per sample (Pool): the mean over the tokens the attention
// mask keeps (the default), the first token ([CLS]), the last kept token,
// or every value (flatten). Pooling makes a sample one point of the
// features' dimension whatever the sequence length, and keeps padding
// tokens out of it.
//
// A Router builds one measure.Estimator per layer from a plan.Plan: exact
// N1, N1 of projected points, or N1 estimated from a reservoir of samples
// (package n1). With a reservoir, one reservoir.Sampler decides for every
// layer, so all layers are measured on the same samples, and Admit tells
// the pipeline which rows of a batch to run through the model at all. At
// the end, Extra computes the other measures of the registry (package
// survey) on the layers measured exactly, under Options.
package tap
