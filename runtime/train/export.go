package train

import (
	"fmt"
	"slices"

	"cxray/importer"
)

// Graph exports the model with its current weights as an ONNX graph
// (opset 13) that cxray/runtime runs: input "input" [batch_size, 1, 28,
// 28] with a symbolic batch axis, output "output" [batch_size, 10]
// (logits). Nodes and their output tensors share a name: conv1,
// conv1_relu, pool1, ..., flatten, fc1, fc1_relu, ..., and the last Gemm
// writes "output". Weights are initializers named as PyTorch names them
// (conv1.weight, fc1.bias, ...), Gemm weights [out, in] with transB = 1.
//
// The graph holds copies of the weights: training on does not change it.
func (m *Model) Graph() (*importer.Graph, error) {
	batch := importer.Dim{Value: -1, Param: "batch_size"}
	g := &importer.Graph{
		Opset:    13,
		Producer: "cxray-train " + m.arch.Spec,
		Input: importer.ValueInfo{Name: "input", Dims: []importer.Dim{
			batch, {Value: int64(Input[0])}, {Value: int64(Input[1])}, {Value: int64(Input[2])}}},
		Outputs:      []importer.ValueInfo{{Name: "output", Dims: []importer.Dim{batch, {Value: Classes}}}},
		Initializers: map[string]*importer.Tensor{},
	}
	prev := "input"
	add := func(name, op string, inputs []string, attrs importer.Attributes) {
		g.Nodes = append(g.Nodes, importer.Node{Name: name, OpType: op, Inputs: append([]string{prev}, inputs...), Outputs: []string{name}, Attrs: attrs})
		prev = name
	}
	init := func(p *param) string {
		g.Initializers[p.name] = &importer.Tensor{Shape: slices.Clone(p.shape), Float: slices.Clone(p.data)}
		return p.name
	}
	pi, convs, pools, denses := 0, 0, 0, 0
	flat := false
	for _, l := range m.arch.Layers {
		var name string
		switch l.Kind {
		case Conv:
			convs++
			name = fmt.Sprintf("conv%d", convs)
			k, p := int64(l.Kernel), int64(l.Pad)
			add(name, "Conv", []string{init(m.params[pi]), init(m.params[pi+1])}, importer.Attributes{
				"kernel_shape": []int64{k, k}, "pads": []int64{p, p, p, p},
				"strides": []int64{1, 1}, "dilations": []int64{1, 1}, "group": int64(1)})
			pi += 2
		case MaxPool:
			pools++
			name = fmt.Sprintf("pool%d", pools)
			k, s := int64(l.Kernel), int64(l.Stride)
			add(name, "MaxPool", nil, importer.Attributes{
				"kernel_shape": []int64{k, k}, "strides": []int64{s, s}, "pads": []int64{0, 0, 0, 0}})
		case Dense:
			if !flat {
				add("flatten", "Flatten", nil, importer.Attributes{"axis": int64(1)})
				flat = true
			}
			denses++
			name = fmt.Sprintf("fc%d", denses)
			add(name, "Gemm", []string{init(m.params[pi]), init(m.params[pi+1])}, importer.Attributes{
				"alpha": float32(1), "beta": float32(1), "transA": int64(0), "transB": int64(1)})
			pi += 2
		}
		if l.ReLU {
			add(name+"_relu", "Relu", nil, nil)
		}
	}
	last := &g.Nodes[len(g.Nodes)-1]
	last.Outputs[0] = "output"
	return g, nil
}
